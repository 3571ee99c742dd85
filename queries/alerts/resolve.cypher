// Alerts of the detectors that ran whose condition no longer holds (not seen in this run): resolved,
// with an event recording the status they had.
MATCH (al:Alert)
WHERE al.detector IN $detectors AND al.status <> 'resolved' AND al.last_seen < $now
WITH al, al.status AS previous
SET al.status = 'resolved', al.resolved_at = $now
CREATE (al)-[:STATUS_CHANGE]->(:AlertEvent {uid: al.key + '@' + toString($now) + ':resolved',
  from_status: previous, to_status: 'resolved', actor: $actor, reason: $reason, at: $now})
RETURN count(al) AS resolved
