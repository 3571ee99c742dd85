// hidden_receivable (他案债权 / 到期债权): the debtor of an open enforcement case is, as the same
// legal person (equal entity_id), the creditor of another open enforcement case or owns a receivable.
// Candidates first: legal persons that are creditors of an open enforcement case with money
// outstanding, or own a receivable; then their own open debts.
CALL () {
  // open on as_of: an open status now, or closed only after as_of (two index seeks)
  MATCH (b:Case)
  USING INDEX b:Case(status)
  WHERE b.status IN $open_statuses AND b.kind = 'enforcement' AND b.filed_on <= $as_of
    AND (b.amount IS NULL OR b.amount - coalesce(b.amount_paid, 0.0) > $min_outstanding)
  MATCH (b)<-[ba:APPLICANT_IN]-(pb:Party)
  WHERE all(f IN [ba, b] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  RETURN DISTINCT pb.entity_id AS entity
  UNION
  MATCH (b:Case)
  USING INDEX b:Case(closed_on)
  WHERE b.closed_on > $as_of AND b.kind = 'enforcement' AND b.filed_on <= $as_of
    AND (b.amount IS NULL OR b.amount - coalesce(b.amount_paid, 0.0) > $min_outstanding)
  MATCH (b)<-[ba:APPLICANT_IN]-(pb:Party)
  WHERE all(f IN [ba, b] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  RETURN DISTINCT pb.entity_id AS entity
  UNION
  MATCH (:Asset {kind: 'receivable'})<-[o:OWNS]-(po:Party)
  WHERE coalesce(o.valid_from <= $as_of, true) AND coalesce(o.valid_to > $as_of, true)
  RETURN DISTINCT po.entity_id AS entity
}
MATCH (p:Party {entity_id: entity})-[ar:RESPONDENT_IN]->(a:Case {kind: 'enforcement'})
WHERE a.filed_on <= $as_of AND all(f IN [ar, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  AND (a.status IN $open_statuses OR a.closed_on > $as_of)
  AND (a.amount IS NULL OR a.amount - coalesce(a.amount_paid, 0.0) > $min_outstanding)
WITH DISTINCT a, p
CALL (a, p) {
  OPTIONAL MATCH (pb:Party {entity_id: p.entity_id})-[ba:APPLICANT_IN]->(b:Case {kind: 'enforcement'})
  WHERE b <> a AND b.filed_on <= $as_of AND all(f IN [ba, b] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
    AND (b.status IN $open_statuses OR b.closed_on > $as_of)
    AND (b.amount IS NULL OR b.amount - coalesce(b.amount_paid, 0.0) > $min_outstanding)
  WITH pb, b ORDER BY b.case_no
  RETURN collect(DISTINCT b) AS claims, collect(DISTINCT pb) AS claimants
}
CALL (p) {
  OPTIONAL MATCH (po:Party {entity_id: p.entity_id})-[o:OWNS]->(r:Asset {kind: 'receivable'})
  WHERE coalesce(o.valid_from <= $as_of, true) AND coalesce(o.valid_to > $as_of, true)
  OPTIONAL MATCH (r)-[ob:OWED_BY]->(owing:Party)
  WHERE coalesce(ob.valid_from <= $as_of, true) AND coalesce(ob.valid_to > $as_of, true)
  WITH po, r, owing ORDER BY r.uid
  RETURN collect(DISTINCT r) AS receivables, collect(DISTINCT po) AS owners, collect(DISTINCT owing) AS owing
}
WITH a, p, claims, claimants, receivables, owners, owing
WHERE size(claims) > 0 OR size(receivables) > 0
WITH a, p, claims, claimants, receivables, owners, owing,
     CASE WHEN a.amount IS NULL THEN null ELSE a.amount - coalesce(a.amount_paid, 0.0) END AS owed,
     reduce(t = 0.0, b IN claims | t + coalesce(b.amount - coalesce(b.amount_paid, 0.0), 0.0))
       + reduce(t = 0.0, r IN receivables | t + coalesce(r.value, 0.0)) AS claimable
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) AS party_id,
       p.id_number AS id_number,
       [b IN claims | b.case_no] + [r IN receivables | coalesce(r.asset_id, r.uid)] AS related,
       [n IN [a, p] + claims + claimants + receivables + owners + owing | elementId(n)] AS evidence,
       CASE WHEN owed IS NULL OR owed <= 0 OR claimable = 0 THEN 0.8
            ELSE 0.6 + 0.4 * CASE WHEN claimable / owed > 1 THEN 1.0 ELSE claimable / owed END END AS score,
       '被执行人' + p.name + '在本案' + a.case_no + '中尚欠'
         + CASE WHEN owed IS NULL THEN '金额不详的款项' ELSE toString(toInteger(round(owed))) + '元' END
         + CASE WHEN size(claims) = 0 THEN ''
                ELSE '，但其在' + reduce(s = '', b IN claims | s + CASE s WHEN '' THEN '' ELSE '、' END + b.case_no)
                     + '中为申请执行人，对他人享有未受偿债权'
                     + CASE WHEN any(b IN claims WHERE b.status = 'terminated_no_assets')
                            THEN '（其中' + reduce(s = '', b IN [b IN claims WHERE b.status = 'terminated_no_assets'] | s + CASE s WHEN '' THEN '' ELSE '、' END + b.case_no)
                                 + '已终结本次执行，该债权实际可实现的价值可能低于账面金额）'
                            ELSE '' END
                     + CASE WHEN reduce(t = 0.0, b IN claims | t + coalesce(b.amount - coalesce(b.amount_paid, 0.0), 0.0)) > 0
                            THEN toString(toInteger(round(reduce(t = 0.0, b IN claims | t + coalesce(b.amount - coalesce(b.amount_paid, 0.0), 0.0))))) + '元'
                            ELSE '' END END
         + CASE WHEN size(receivables) = 0 THEN ''
                ELSE CASE WHEN size(claims) = 0 THEN '，但其' ELSE '，并' END + '持有应收账款'
                     + reduce(s = '', r IN receivables | s + CASE s WHEN '' THEN '' ELSE '、' END
                              + coalesce(r.asset_id, r.uid)
                              + CASE WHEN r.value IS NULL THEN '' ELSE '（' + toString(toInteger(round(r.value))) + '元）' END)
                     + CASE WHEN size(owing) = 0 THEN ''
                            ELSE '，债务人为' + reduce(s = '', o IN owing | s + CASE s WHEN '' THEN '' ELSE '、' END + o.name) END
           END
         + '，存在可供执行的他案债权或对他人债权的可能。建议核实后依民诉法解释第499条裁定冻结该债权，并通知该他人向申请执行人履行'
         + CASE WHEN size(claims) > 0 THEN '，或商请他案执行法院对执行到位的款项予以留存' ELSE '' END + '。' AS message
ORDER BY case_no, party_uid
