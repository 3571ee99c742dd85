// A user's status change, guarded by the status it was read with; recorded as an event.
MATCH (al:Alert {key: $key})
WHERE al.status = $from_status
SET al.status = $to_status
CREATE (al)-[:STATUS_CHANGE]->(e:AlertEvent {uid: $event_uid, from_status: $from_status, to_status: $to_status,
  actor: $actor, reason: $reason, at: $now})
RETURN al {.*} AS alert
