// The status history of an alert, oldest first.
MATCH (:Alert {key: $key})-[:STATUS_CHANGE]->(e:AlertEvent)
RETURN e {.*} AS event
ORDER BY e.at, e.uid
