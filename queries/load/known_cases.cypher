// Which of these case numbers the graph holds as loaded cases (for dependent rows whose case is not in the export).
MATCH (c:Case)
WHERE c.case_no IN $case_nos AND c.loaded = true
RETURN c.case_no AS case_no
