// Baseline for bench/bench_network.py: equity penetration in Cypher alone — variable-length paths up to
// 10 hops, simple paths only, the product of shares summed per holder; no legal-person grouping, no
// controller rules. What networkx does in queries/network/equity.py, for comparison.
MATCH (c:Party {uid: $uid})
MATCH p = (h:Party)-[:SHAREHOLDER_OF*1..10]->(c)
WHERE all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n)) AND all(r IN relationships(p) WHERE r.valid_to IS NULL)
WITH h, reduce(s = 1.0, r IN relationships(p) | s * coalesce(r.share, 0.0)) AS product
RETURN h.uid AS holder, sum(product) AS share, count(*) AS paths
LIMIT $limit
