// Phones and addresses that two or more of the given parties share, with how many parties use each.
UNWIND $uids AS uid
MATCH (a:Party {uid: uid})-[:HAS_PHONE|HAS_ADDRESS]->(x)
WITH x, collect(DISTINCT a.uid) AS holders
WHERE size(holders) > 1
RETURN CASE WHEN x:Phone THEN 'phone' ELSE 'address' END AS kind, coalesce(x.number, x.text) AS value,
       holders, COUNT { (x)<-[:HAS_PHONE|HAS_ADDRESS]-() } AS degree
LIMIT $limit
