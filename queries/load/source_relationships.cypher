// The relationships a source asserts now, each with its type and the keys of its two nodes
// ($keys: label → key property), for a snapshot load to find those its export no longer holds.
// One record holding one list, as load/source_nodes.
MATCH (a)-[r]->(b)
WHERE $source IN r.sources
WITH a, r, b, [l IN labels(a) WHERE l IN keys($keys)][0] AS la, [l IN labels(b) WHERE l IN keys($keys)][0] AS lb
RETURN collect([elementId(r), type(r), a[$keys[la]], b[$keys[lb]]]) AS rows
