// The evidence subgraph of an alert not (yet) stored: its evidence nodes by element id and the
// relationships among them.
MATCH (n)
WHERE elementId(n) IN $ids
WITH collect(n) AS nodes
CALL (nodes) {
  UNWIND nodes AS x
  MATCH (x)-[r]->(y)
  WHERE y IN nodes
  RETURN collect(DISTINCT r) AS rels
}
RETURN nodes, rels
