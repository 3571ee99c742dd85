// Every relationship with its type, ends and properties, for canonical comparisons of whole graphs.
MATCH (a)-[r]->(b)
RETURN elementId(a) AS start, type(r) AS type, elementId(b) AS end, properties(r) AS props
