// A party's network to $depth hops over the chosen relation types: one shortest path to each
// party, phone or address reached (breadth first), plus the relationships among them.
// Hub suppression: a node whose network degree is above $max_degree is shown but not expanded
// (the subject itself always is); `hubs` lists them. At most $limit nodes besides the subject;
// `capped` says the cap cut the network short.
// Bounded (PROFILEd on a 20k-party graph): the subject by its uid index (NodeUniqueIndexSeek); the search
// follows only the network relationship types (typed expansion: never a case, an asset or an alert) and stops
// at $depth hops — one branch per depth, since a quantifier takes no parameter; only the branch of $depth
// runs (it used to search 3 hops and drop the longer paths afterwards). Each reached node's degree is
// counted once.
MATCH (s:Party {uid: $uid})
CALL (s) {
  CALL (s) {
    WITH s WHERE $depth = 1
    MATCH p = ANY SHORTEST (s) ((x)-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-(y)
          WHERE type(r) IN $types AND r.valid_to IS NULL AND (x = s OR COUNT { (x)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } <= $max_degree)){1,1} (o)
    WHERE o <> s
    RETURN p
    UNION ALL
    WITH s WHERE $depth = 2
    MATCH p = ANY SHORTEST (s) ((x)-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-(y)
          WHERE type(r) IN $types AND r.valid_to IS NULL AND (x = s OR COUNT { (x)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } <= $max_degree)){1,2} (o)
    WHERE o <> s
    RETURN p
    UNION ALL
    WITH s WHERE $depth = 3
    MATCH p = ANY SHORTEST (s) ((x)-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-(y)
          WHERE type(r) IN $types AND r.valid_to IS NULL AND (x = s OR COUNT { (x)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } <= $max_degree)){1,3} (o)
    WHERE o <> s
    RETURN p
  }
  WITH p ORDER BY length(p), elementId(last(nodes(p)))
  LIMIT $limit + 1
  RETURN collect(p) AS found
}
WITH s, found[0..$limit] AS paths, size(found) > $limit AS capped
WITH s, paths, capped, [p IN paths | last(nodes(p))] AS reached
// each reached node's degree once: hubs are shown but neither expanded nor asked for their relationships
WITH s, paths, capped, reached, [n IN reached WHERE COUNT { (n)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } > $max_degree] AS hub_nodes
WITH s, paths, capped, [s] + reached AS ns, hub_nodes
CALL (s, ns, hub_nodes) {
  UNWIND [s] + [n IN ns WHERE n <> s AND NOT n IN hub_nodes] AS a
  MATCH (a)-[r]-(b)
  WHERE type(r) IN $types AND b IN ns AND r.valid_to IS NULL
  RETURN collect(DISTINCT r) AS among
}
RETURN s AS subject, paths, among, [n IN hub_nodes | elementId(n)] AS hubs, capped
