// One page of links waiting for a reviewer, best score first, with both parties.
MATCH (a:Party)-[r:SAME_AS {status: 'pending'}]->(b:Party)
WHERE $source IS NULL OR $source IN a.sources OR $source IN b.sources
WITH a, r, b ORDER BY r.score DESC, a.uid, b.uid
SKIP $skip LIMIT $limit
RETURN a {.uid, .name, .kind, .id_number, .id_number_raw, .sources, .entity_id} AS a,
       b {.uid, .name, .kind, .id_number, .id_number_raw, .sources, .entity_id} AS b,
       r.score AS score, r.method AS method, r.evidence AS evidence
