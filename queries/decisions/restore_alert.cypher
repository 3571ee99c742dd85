// Put a person's decisions back on an alert, by its key: the alert as exported when the rebuilt
// graph has not (or not yet) found it, else its workflow status and version; every history event
// by its uid (MERGE: importing twice changes nothing). Locked first, like a status change.
MERGE (al:Alert {key: $alert.key})
  ON CREATE SET al = $alert
SET al._lock = true
REMOVE al._lock
SET al.status = $alert.status, al.version = $alert.version, al.resolved_at = $alert.resolved_at
WITH al
UNWIND $events AS ev
MERGE (e:AlertEvent {uid: ev.uid})
  ON CREATE SET e = ev
MERGE (al)-[:STATUS_CHANGE]->(e)
RETURN count(e) AS events
