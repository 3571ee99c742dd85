// A user's status change as one compare-and-set. The alert is write-locked FIRST (SET/REMOVE of a
// marker), so its status and version are read after any concurrent change has committed; the change
// and its history event are written only when the status is one the change may start from and, when
// the caller names a version (If-Match), the version is that one. Returns what was found either way,
// with the last change's actor and time, so a refusal can say who changed it meanwhile.
MATCH (al:Alert {key: $key})
SET al._lock = true
REMOVE al._lock
WITH al, al.status AS current, coalesce(al.version, 1) AS version
OPTIONAL MATCH (al)-[:STATUS_CHANGE]->(last:AlertEvent)
WITH al, current, version, last
ORDER BY last.at DESC
LIMIT 1
WITH al, current, version, last,
     current IN $allowed_from AND ($expected_version IS NULL OR version = $expected_version) AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET al.status = $to_status, al.version = version + 1
  CREATE (al)-[:STATUS_CHANGE]->(:AlertEvent {uid: $event_uid, from_status: current, to_status: $to_status,
    actor: $actor, reason: $reason, at: $now}))
RETURN changed, current, version, last.actor AS last_actor, last.at AS last_at, al {.*} AS alert
