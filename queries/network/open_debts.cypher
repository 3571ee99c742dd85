// Respondents (被执行人) of open enforcement cases, one row per party and case.
// Open = status in $open_statuses; a null outstanding still counts as outstanding (amount unknown).
MATCH (p:Party)-[o:RESPONDENT_IN]->(c:Case {kind: 'enforcement'})
WHERE c.status IN $open_statuses AND o.valid_to IS NULL AND c.valid_to IS NULL
RETURN p.uid AS uid, coalesce(p.entity_id, p.uid) AS entity, p.name AS name, p.kind AS kind,
       c.case_no AS case_no, c.court_code AS court_code, c.outstanding AS outstanding
LIMIT $limit
