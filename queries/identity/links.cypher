// Every identity link, in a canonical direction (from the smaller uid), with its status.
MATCH (a:Party)-[r:SAME_AS]->(b:Party)
RETURN a.uid AS a, b.uid AS b, r.status AS status, r.score AS score
