// Phones and addresses of the given parties, each with every party with open enforcement debt that
// uses it (not only those given: callers pass the debtors in chunks) and how many parties use it in all.
// A hub (more users than $hub_degree) comes without its debtors.
UNWIND $uids AS uid
MATCH (:Party {uid: uid})-[h:HAS_PHONE|HAS_ADDRESS]->(x)
WHERE h.valid_to IS NULL
WITH DISTINCT x
WITH x, COUNT { (x)<-[d:HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } AS degree
CALL (x, degree) {
  MATCH (x)<-[h:HAS_PHONE|HAS_ADDRESS]-(b:Party)
  WHERE degree <= $hub_degree AND h.valid_to IS NULL
    AND EXISTS { (b)-[o:RESPONDENT_IN]->(c:Case {kind: 'enforcement'})
                 WHERE c.status IN $open_statuses AND o.valid_to IS NULL AND c.valid_to IS NULL }
  RETURN collect(DISTINCT b.uid) AS holders
}
WITH x, degree, holders
WHERE size(holders) > 1 OR degree > $hub_degree
RETURN CASE WHEN x:Phone THEN 'phone' ELSE 'address' END AS kind, coalesce(x.number, x.text) AS value,
       holders, degree
LIMIT $limit
