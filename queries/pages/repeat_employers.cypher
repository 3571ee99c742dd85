// Employers the repeat_offender_employer detector flags (alerts in the given statuses), with the
// number of enforcement cases in each alert's evidence, most cases first.
MATCH (al:Alert {detector: 'repeat_offender_employer'})-[:ALERT_ON_PARTY]->(p:Party)
WHERE al.status IN $statuses
OPTIONAL MATCH (al)-[:EVIDENCE]->(c:Case {kind: 'enforcement'})
RETURN p.uid AS uid, p.name AS name, count(DISTINCT c) AS cases
ORDER BY cases DESC, name
LIMIT $limit
