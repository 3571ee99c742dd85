// Creditor → debtor claims: open enforcement cases (applicant is owed by respondent) and
// receivables (the owner is owed by the counterparty).
CALL () {
  MATCH (cr:Party)-[ra:APPLICANT_IN]->(c:Case {kind: 'enforcement'})<-[rr:RESPONDENT_IN]-(db:Party)
  WHERE c.status IN $open_statuses AND ra.valid_to IS NULL AND rr.valid_to IS NULL AND c.valid_to IS NULL
  RETURN cr, db, 'enforcement_case' AS kind, c.case_no AS ref, c.outstanding AS amount,
         c.filed_on AS date, c.court_code AS court_code
  UNION ALL
  MATCH (cr:Party)-[o:OWNS]->(a:Asset {kind: 'receivable'})-[ob:OWED_BY]->(db:Party)
  WHERE o.valid_to IS NULL AND ob.valid_to IS NULL
  RETURN cr, db, 'receivable' AS kind, a.uid AS ref, a.value AS amount, null AS date, null AS court_code
}
WITH cr, db, kind, ref, amount, date, court_code
WHERE cr <> db
RETURN cr.uid AS creditor, coalesce(cr.entity_id, cr.uid) AS creditor_entity, cr.name AS creditor_name,
       cr.kind AS creditor_kind, db.uid AS debtor, coalesce(db.entity_id, db.uid) AS debtor_entity,
       db.name AS debtor_name, db.kind AS debtor_kind, kind, ref, amount, date, court_code
LIMIT $limit
