// The relationships a source asserts now, each with its type and the keys of its two nodes
// ($keys: label → key property), for a snapshot load to find those its export no longer holds.
MATCH (a)-[r]->(b)
WHERE $source IN r.sources
WITH a, r, b, [l IN labels(a) WHERE l IN keys($keys)][0] AS la, [l IN labels(b) WHERE l IN keys($keys)][0] AS lb
RETURN elementId(r) AS id, type(r) AS type, a[$keys[la]] AS start, b[$keys[lb]] AS end
