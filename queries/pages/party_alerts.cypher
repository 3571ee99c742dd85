// The alerts on a party: on the party itself, and on the cases it takes part in; strongest first.
MATCH (p:Party {uid: $uid})
CALL (p) {
  MATCH (al:Alert)-[:ALERT_ON_PARTY]->(p)
  RETURN al
  UNION
  MATCH (al:Alert)-[:ALERT_ON_CASE]->(:Case)<-[:APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN]-(p)
  RETURN al
}
WITH DISTINCT al
WHERE $include_resolved OR al.status <> 'resolved'
RETURN al {.*} AS alert
ORDER BY al.score DESC, al.key
