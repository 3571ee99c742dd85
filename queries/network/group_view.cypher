// The subgraph of a set of parties: their mutual relations, the phones and addresses they share,
// and their open enforcement cases.
MATCH (p:Party) WHERE p.uid IN $uids
CALL (p) {
  MATCH (p)-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]->(q:Party)
  WHERE q.uid IN $uids AND r.valid_to IS NULL
  RETURN collect([r, q]) AS relations
}
CALL (p) {
  MATCH (p)-[h:HAS_PHONE|HAS_ADDRESS]->(x)
  WHERE (x.number IN $phones OR x.text IN $addresses) AND h.valid_to IS NULL
  RETURN collect([h, x]) AS contacts
}
CALL (p) {
  MATCH (p)-[o:RESPONDENT_IN]->(c:Case {kind: 'enforcement'})
  WHERE c.status IN $open_statuses AND o.valid_to IS NULL AND c.valid_to IS NULL
  RETURN collect([o, c])[..$cases_per_party] AS debts
}
RETURN p, relations, contacts, debts
