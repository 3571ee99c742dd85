// One alert with its evidence: the subject and evidence nodes, and the relationships among them.
MATCH (al:Alert {key: $key})
OPTIONAL MATCH (al)-[:ALERT_ON_CASE|ALERT_ON_PARTY]->(s)
WITH al, collect(s) AS subjects
OPTIONAL MATCH (al)-[:EVIDENCE]->(n)
WITH al, subjects, subjects + [x IN collect(DISTINCT n) WHERE NOT x IN subjects] AS nodes
CALL (nodes) {
  UNWIND nodes AS x
  MATCH (x)-[r]->(y)
  WHERE y IN nodes
  RETURN collect(DISTINCT r) AS rels
}
RETURN al {.*} AS alert, head(subjects) AS subject, nodes, rels
