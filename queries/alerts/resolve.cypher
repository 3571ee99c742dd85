// Alerts of the detectors that ran whose condition no longer holds (not seen in this run): resolved,
// with an event recording the status they had. Each alert is write-locked before its status is read
// again, so a user's concurrent change is either before (and recorded as `previous`) or after.
MATCH (al:Alert)
WHERE al.detector IN $detectors AND al.status <> 'resolved' AND al.last_seen < $now
SET al._lock = true
REMOVE al._lock
WITH al, al.status AS previous
WHERE previous <> 'resolved' AND al.last_seen < $now
SET al.status = 'resolved', al.resolved_at = $now, al.version = coalesce(al.version, 1) + 1
CREATE (al)-[:STATUS_CHANGE]->(:AlertEvent {uid: al.key + '@' + toString($now) + ':resolved',
  from_status: previous, to_status: 'resolved', actor: $actor, reason: $reason, at: $now})
RETURN count(al) AS resolved
