// The alerts a judge sees on opening a case: those on the case, and (when asked) the party-level
// alerts on its respondents as legal persons (equal entity_id). Index lookups only.
MATCH (c:Case {case_no: $case_no})
CALL (c) {
  MATCH (al:Alert)-[:ALERT_ON_CASE]->(c)
  RETURN al
  UNION
  MATCH (c)<-[:RESPONDENT_IN]-(p:Party)
  WHERE $include_parties
  MATCH (m:Party {entity_id: p.entity_id})<-[:ALERT_ON_PARTY]-(al:Alert)
  RETURN al
}
WITH al WHERE $include_resolved OR al.status <> 'resolved'
RETURN al {.*} AS alert
ORDER BY al.score DESC, al.key
