// Alerts in the given statuses per detector and court, with the court's name when the alert is on
// a case (party-level alerts have no court). For the dashboard and the inbox's court filter.
MATCH (al:Alert)
WHERE al.status IN $statuses
OPTIONAL MATCH (al)-[:ALERT_ON_CASE]->(c:Case)
RETURN al.detector AS detector, al.court_code AS court_code, c.court AS court, count(*) AS n
ORDER BY detector, court_code
