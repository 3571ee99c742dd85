// A party's network to $depth hops over the chosen relation types: one shortest path to each
// party, phone or address reached (breadth first), plus the relationships among them.
// Hub suppression: a node whose network degree is above $max_degree is shown but not expanded
// (the subject itself always is); `hubs` lists them. At most $limit nodes besides the subject;
// `capped` says the cap cut the network short.
MATCH (s:Party {uid: $uid})
CALL (s) {
  MATCH p = ANY SHORTEST (s) ((x)-[r]-(y)
      WHERE type(r) IN $types
        AND (x = s OR COUNT { (x)-[:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() } <= $max_degree)
    ){1,3} (o)
  WHERE o <> s AND length(p) <= $depth
  WITH o, p ORDER BY length(p), elementId(o)
  LIMIT $limit + 1
  RETURN collect(p) AS found
}
WITH s, found[0..$limit] AS paths, size(found) > $limit AS capped
WITH s, paths, capped, [s] + [p IN paths | last(nodes(p))] AS ns
CALL (s, ns) {
  UNWIND ns AS a
  WITH a WHERE a = s OR COUNT { (a)-[:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() } <= $max_degree
  MATCH (a)-[r]-(b)
  WHERE type(r) IN $types AND b IN ns
  RETURN collect(DISTINCT r) AS among
}
RETURN s AS subject, paths, among,
       [n IN ns WHERE n <> s AND COUNT { (n)-[:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() } > $max_degree | elementId(n)] AS hubs,
       capped
