// Phones and addresses of the given parties, each with every party with open enforcement debt that
// uses it (not only those given: callers pass the debtors in chunks) and how many parties use it in all.
// A hub (more users than $hub_degree) comes without its debtors.
UNWIND $uids AS uid
MATCH (:Party {uid: uid})-[:HAS_PHONE|HAS_ADDRESS]->(x)
WITH DISTINCT x
WITH x, COUNT { (x)<-[:HAS_PHONE|HAS_ADDRESS]-() } AS degree
CALL (x, degree) {
  MATCH (x)<-[:HAS_PHONE|HAS_ADDRESS]-(b:Party)
  WHERE degree <= $hub_degree
    AND EXISTS { (b)-[:RESPONDENT_IN]->(c:Case {kind: 'enforcement'}) WHERE c.status IN $open_statuses }
  RETURN collect(DISTINCT b.uid) AS holders
}
WITH x, degree, holders
WHERE size(holders) > 1 OR degree > $hub_degree
RETURN CASE WHEN x:Phone THEN 'phone' ELSE 'address' END AS kind, coalesce(x.number, x.text) AS value,
       holders, degree
LIMIT $limit
