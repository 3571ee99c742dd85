// terminated_case_assets (终本案件发现财产 — 执行案件财产查控提示"小聚大"): an enforcement case ended "no
// assets found" (终本) while its debtor — the same legal person — owns real estate, a vehicle, a bank
// account, securities or equity that some export recorded (value empty or above zero). Property any court
// recorded is brought to every 终本 case of the debtor, so the case can be checked and restored.
MATCH (a:Case {status: 'terminated_no_assets'})
USING INDEX a:Case(status)
WHERE a.kind = 'enforcement' AND a.filed_on <= $as_of AND (a.closed_on IS NULL OR a.closed_on <= $as_of)
  AND (a.amount IS NULL OR a.amount - coalesce(a.amount_paid, 0.0) > $min_outstanding)
  AND coalesce(a.valid_from <= $as_of, true) AND coalesce(a.valid_to > $as_of, true)
MATCH (p:Party)-[ar:RESPONDENT_IN]->(a)
WHERE coalesce(ar.valid_from <= $as_of, true) AND coalesce(ar.valid_to > $as_of, true)
MATCH (po:Party {entity_id: p.entity_id})-[o:OWNS]->(x:Asset)
WHERE x.kind IN $asset_kinds AND (x.value IS NULL OR x.value > 0)
  AND coalesce(o.valid_from <= $as_of, true) AND coalesce(o.valid_to > $as_of, true)
WITH a, p, po, x ORDER BY x.uid
WITH a, p, collect(DISTINCT x) AS assets, collect(DISTINCT po) AS owners,
     CASE WHEN a.amount IS NULL THEN null ELSE a.amount - coalesce(a.amount_paid, 0.0) END AS owed
WITH a, p, assets, owners, owed, reduce(t = 0.0, x IN assets | t + coalesce(x.value, 0.0)) AS valued
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) AS party_id,
       p.id_number AS id_number,
       [x IN assets | coalesce(x.asset_id, x.uid)] AS related,
       [n IN [a, p] + owners + assets | elementId(n)] AS evidence,
       CASE WHEN owed IS NULL OR owed <= 0 OR valued = 0 THEN 0.8
            ELSE 0.6 + 0.4 * CASE WHEN valued / owed > 1 THEN 1.0 ELSE valued / owed END END AS score,
       '本案' + a.case_no + CASE WHEN a.closed_on IS NULL THEN '已' ELSE '已于' + toString(a.closed_on) END
         + '终结本次执行程序，但被执行人' + p.name + '名下有'
         + reduce(s = '', x IN assets[0..5] | s + CASE s WHEN '' THEN '' ELSE '、' END
                  + CASE x.kind WHEN 'real_estate' THEN '不动产' WHEN 'vehicle' THEN '车辆' WHEN 'bank_account' THEN '银行账户'
                                WHEN 'securities' THEN '证券' ELSE '股权' END
                  + CASE WHEN x.description IS NULL THEN '' ELSE '“' + x.description + '”' END
                  + '（' + CASE WHEN x.value IS NULL THEN '价值不详' ELSE toString(toInteger(round(x.value))) + '元' END
                  + '，' + coalesce(head(x.sources), '—') + '导出记录）')
         + CASE WHEN size(assets) > 5 THEN '等' + toString(size(assets)) + '项财产' ELSE '' END
         + '，存在可供执行财产的可能。建议核实财产现状后依终本规定第9条恢复执行，并告知申请执行人'
         + '（申请执行人也可依民诉法解释第517条再次申请执行）。' AS message
ORDER BY case_no, party_uid
