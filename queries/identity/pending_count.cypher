// How many links wait for a reviewer.
MATCH (a:Party)-[r:SAME_AS {status: 'pending'}]->(b:Party)
WHERE $source IS NULL OR $source IN a.sources OR $source IN b.sources
RETURN count(r) AS total
