// Per detector and status, how many alerts; with each alert's latest user decision (acknowledged,
// confirmed or dismissed), which a later resolution does not erase.
MATCH (al:Alert)
OPTIONAL CALL (al) {
  MATCH (al)-[:STATUS_CHANGE]->(e:AlertEvent)
  WHERE e.to_status IN ['acknowledged', 'confirmed', 'dismissed']
  RETURN e.to_status AS decision
  ORDER BY e.at DESC, e.uid DESC
  LIMIT 1
}
RETURN al.detector AS detector, al.status AS status, decision, count(*) AS n
ORDER BY detector, status, decision
