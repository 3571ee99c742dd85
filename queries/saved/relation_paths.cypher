// The shortest relation paths between two parties over the chosen relation types, at most
// $max_hops long. Hub suppression: a node whose network degree is above $max_degree is not
// passed through unless $include_hubs is true (the two parties themselves always count).
// Always one row at least: from_found / to_found say whether each party exists; path null when none.
OPTIONAL MATCH (a:Party {uid: $from_uid})
OPTIONAL MATCH (b:Party {uid: $to_uid})
OPTIONAL CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  MATCH p = ALL SHORTEST (a) ((x)-[r]-(y)
      WHERE type(r) IN $types AND r.valid_to IS NULL
        AND ($include_hubs OR y = b OR COUNT { (y)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|SAME_AS|HAS_PHONE|HAS_ADDRESS]-() WHERE d.valid_to IS NULL } <= $max_degree)
    ){1,6} (b)
  WHERE length(p) <= $max_hops
  RETURN p
  LIMIT $limit
}
RETURN a IS NOT NULL AS from_found, b IS NOT NULL AS to_found, p AS path, length(p) AS hops
