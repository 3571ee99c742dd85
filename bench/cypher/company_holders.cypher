// Companies with at least one shareholder and how many direct shareholders each has, most first;
// the network benchmark picks the company with most holders and a typical one (the median) from it.
MATCH (h:Party)-[:SHAREHOLDER_OF]->(c:Company)
WITH c, count(DISTINCT h) AS holders
RETURN c.uid AS uid, holders
ORDER BY holders DESC, uid
