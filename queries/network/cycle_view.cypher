// The case roles and receivables that make up the claims of a circular chain.
UNWIND $claims AS claim
CALL (claim) {
  MATCH (cr:Party {uid: claim.creditor})-[a:APPLICANT_IN]->(x:Case {case_no: claim.ref})<-[b:RESPONDENT_IN]-(db:Party {uid: claim.debtor})
  WHERE claim.kind = 'enforcement_case' AND a.valid_to IS NULL AND b.valid_to IS NULL
  RETURN [cr, x, db, a, b] AS rels
  UNION
  MATCH (cr:Party {uid: claim.creditor})-[a:OWNS]->(x:Asset {uid: claim.ref})-[b:OWED_BY]->(db:Party {uid: claim.debtor})
  WHERE claim.kind = 'receivable' AND a.valid_to IS NULL AND b.valid_to IS NULL
  RETURN [cr, x, db, a, b] AS rels
}
RETURN rels
