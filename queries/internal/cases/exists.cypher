// Whether a case with this (normalised) number is in the graph: an index lookup.
MATCH (c:Case {case_no: $case_no})
RETURN c.case_no AS case_no
LIMIT 1
