// Party nodes and cases: the size of the graph a step measured.
MATCH (p:Party)
WITH count(p) AS parties
MATCH (c:Case)
RETURN parties, count(c) AS cases
