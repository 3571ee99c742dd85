// The current status of an alert (null row when there is no such alert).
MATCH (al:Alert {key: $key})
RETURN al.status AS status
