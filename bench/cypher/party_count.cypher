// Party nodes in the graph.
MATCH (p:Party)
RETURN count(p) AS n
