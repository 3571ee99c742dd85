// 财产查控全景: what a party owns; its claims in other open enforcement cases (it is the applicant);
// its equity and control stakes and what those companies own; what it transferred away since
// $as_of minus $years years, and to whom; with the freezes and seizures already on each asset.
// One row with section null when the party has none of these; no row when it does not exist.
MATCH (p:Party {uid: $uid})
OPTIONAL CALL (p) {
  MATCH (p)-[:OWNS]->(a:Asset)
  RETURN 'owned' AS section, a, null AS company, null AS stake, null AS claim, null AS transfer
  UNION ALL
  MATCH (p)-[st:SHAREHOLDER_OF|ACTUAL_CONTROLLER_OF]->(co:Party)
  WHERE (st.until IS NULL OR st.until >= $as_of) AND (st.share IS NULL OR st.share >= $min_share)
  OPTIONAL MATCH (co)-[:OWNS]->(a:Asset)
  RETURN 'equity' AS section, a, co {.uid, .name, .kind, .status, .id_number} AS company,
         {relation: toLower(substring(type(st), 0, size(type(st)) - 3)), share: st.share, since: st.since} AS stake,
         null AS claim, null AS transfer
  UNION ALL
  MATCH (p)-[:APPLICANT_IN]->(c:Case {kind: 'enforcement'})
  WHERE c.status IN ['pending', 'suspended', 'terminated_no_assets'] AND (c.outstanding IS NULL OR c.outstanding > 0)
  RETURN 'receivable_case' AS section, null AS a, null AS company, null AS stake,
         c {.case_no, .court, .status, .filed_on, .amount, .amount_paid, .outstanding,
            debtors: [(c)<-[:RESPONDENT_IN]-(d:Party) | d {.uid, .name}]} AS claim,
         null AS transfer
  UNION ALL
  MATCH (p)-[:TRANSFERRED]->(t:Transfer)-[:TRANSFER_OF]->(a:Asset)
  WHERE t.transferred_on >= $as_of - duration({years: $years}) AND t.transferred_on <= $as_of
  RETURN 'transferred' AS section, a, null AS company, null AS stake, null AS claim,
         t {.uid, .transferred_on, .price, to: head([(t)-[:TRANSFERRED_TO]->(q:Party) | q {.uid, .name}])} AS transfer
}
RETURN p.uid AS party, section,
       CASE WHEN a IS NULL THEN null ELSE a {.uid, .asset_id, .kind, .description, .registry_no, .value,
            owner: head([(a)<-[:OWNS]-(o:Party) | o {.uid, .name}]),
            owed_by: head([(a)-[:OWED_BY]->(d:Party) | d {.uid, .name}])} END AS asset,
       company, stake, claim, transfer,
       CASE WHEN a IS NULL THEN [] ELSE
         [(m:Measure)-[:ENCUMBERS]->(a) | m {.uid, .kind, .imposed_on, .lifted_on,
            in_force: m.lifted_on IS NULL OR m.lifted_on > $as_of,
            case_no: head([(m)-[:MEASURE_IN]->(mc:Case) | mc.case_no])}] END AS freezes
ORDER BY section, coalesce(company.uid, ''), coalesce(asset.uid, claim.case_no, '')
