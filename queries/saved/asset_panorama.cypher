// 财产查控全景: what a party owns; its claims in other open enforcement cases (it is the applicant);
// its equity and control stakes and what those companies own; what it transferred away since
// $as_of minus $years years, and to whom; with the freezes and seizures already on each asset.
// One row with section null when the party has none of these; no row when it does not exist.
MATCH (p:Party {uid: $uid})
OPTIONAL CALL (p) {
  MATCH (p)-[o:OWNS]->(a:Asset)
  WHERE coalesce(o.valid_from <= $as_of, true) AND coalesce(o.valid_to > $as_of, true)
  RETURN 'owned' AS section, a, null AS company, null AS stake, null AS claim, null AS transfer
  UNION ALL
  MATCH (p)-[st:SHAREHOLDER_OF|ACTUAL_CONTROLLER_OF]->(co:Party)
  WHERE (st.until IS NULL OR st.until >= $as_of) AND (st.share IS NULL OR st.share >= $min_share) AND coalesce(st.valid_from <= $as_of, true) AND coalesce(st.valid_to > $as_of, true)
  OPTIONAL MATCH (co)-[o:OWNS]->(a:Asset)
  WHERE coalesce(o.valid_from <= $as_of, true) AND coalesce(o.valid_to > $as_of, true)
  RETURN 'equity' AS section, a, co {.uid, .name, .kind, .status, .id_number} AS company,
         {relation: toLower(substring(type(st), 0, size(type(st)) - 3)), share: st.share, since: st.since} AS stake,
         null AS claim, null AS transfer
  UNION ALL
  MATCH (p)-[ap:APPLICANT_IN]->(c:Case {kind: 'enforcement'})
  WHERE c.status IN ['pending', 'suspended', 'terminated_no_assets'] AND (c.outstanding IS NULL OR c.outstanding > 0)
    AND all(x IN [ap, c] WHERE coalesce(x.valid_from <= $as_of, true) AND coalesce(x.valid_to > $as_of, true))
  RETURN 'receivable_case' AS section, null AS a, null AS company, null AS stake,
         c {.case_no, .court, .status, .filed_on, .amount, .amount_paid, .outstanding,
            debtors: [(c)<-[dr:RESPONDENT_IN]-(d:Party) WHERE coalesce(dr.valid_from <= $as_of, true) AND coalesce(dr.valid_to > $as_of, true) | d {.uid, .name}]} AS claim,
         null AS transfer
  UNION ALL
  MATCH (p)-[t1:TRANSFERRED]->(t:Transfer)-[t2:TRANSFER_OF]->(a:Asset)
  WHERE t.transferred_on >= $as_of - duration({years: $years}) AND t.transferred_on <= $as_of
    AND all(x IN [t1, t2] WHERE coalesce(x.valid_from <= $as_of, true) AND coalesce(x.valid_to > $as_of, true))
  RETURN 'transferred' AS section, a, null AS company, null AS stake, null AS claim,
         t {.uid, .transferred_on, .price, to: head([(t)-[:TRANSFERRED_TO]->(q:Party) | q {.uid, .name}])} AS transfer
}
RETURN p.uid AS party, section,
       CASE WHEN a IS NULL THEN null ELSE a {.uid, .asset_id, .kind, .description, .registry_no, .value,
            owner: head([(a)<-[ow:OWNS]-(o:Party) WHERE coalesce(ow.valid_from <= $as_of, true) AND coalesce(ow.valid_to > $as_of, true) | o {.uid, .name}]),
            owed_by: head([(a)-[ob:OWED_BY]->(d:Party) WHERE coalesce(ob.valid_from <= $as_of, true) AND coalesce(ob.valid_to > $as_of, true) | d {.uid, .name}])} END AS asset,
       company, stake, claim, transfer,
       CASE WHEN a IS NULL THEN [] ELSE
         [(m:Measure)-[en:ENCUMBERS]->(a) WHERE coalesce(en.valid_from <= $as_of, true) AND coalesce(en.valid_to > $as_of, true) | m {.uid, .kind, .imposed_on, .lifted_on,
            in_force: m.lifted_on IS NULL OR m.lifted_on > $as_of,
            case_no: head([(m)-[:MEASURE_IN]->(mc:Case) | mc.case_no])}] END AS freezes
ORDER BY section, coalesce(company.uid, ''), coalesce(asset.uid, claim.case_no, '')
