// repeat_offender_employer (恶意欠薪 / 执转破线索): a company is respondent in at least min_cases open
// enforcement cases of labor debts (origin a labor arbitration award, or cause containing 劳动)
// filed within window_days up to as_of.
MATCH (a:Case {kind: 'enforcement'})
WHERE a.filed_on <= $as_of AND a.filed_on >= $as_of - duration({days: $window_days})
  AND (a.status IN $open_statuses OR a.closed_on > $as_of)
  AND coalesce(a.valid_from <= $as_of, true) AND coalesce(a.valid_to > $as_of, true)
  AND (a.cause CONTAINS $labor_cause
       OR EXISTS { (a)-[bo:BASED_ON]->(:Case {kind: 'labor_arbitration'}) WHERE coalesce(bo.valid_from <= $as_of, true) AND coalesce(bo.valid_to > $as_of, true) })
MATCH (c:Party {kind: 'company'})-[ar:RESPONDENT_IN]->(a)
WHERE coalesce(ar.valid_from <= $as_of, true) AND coalesce(ar.valid_to > $as_of, true)
WITH c.entity_id AS entity, a ORDER BY a.case_no
WITH entity, collect(DISTINCT a) AS cases
WHERE size(cases) >= $min_cases
// The subject: the party node that carries the entity id, else the smallest uid.
CALL (entity) {
  MATCH (n:Party {entity_id: entity})
  WITH n ORDER BY CASE WHEN n.uid = entity THEN 0 ELSE 1 END, n.uid
  RETURN collect(n) AS members
}
WITH entity, cases, members, head(members) AS c
// Sister companies: sharing a legal representative, or a shareholder holding at least
// controlling_share of both.
OPTIONAL CALL (entity, members) {
  UNWIND members AS m
  MATCH (m)<-[l1:LEGAL_REPRESENTATIVE_OF]-(l:Party)-[l2:LEGAL_REPRESENTATIVE_OF]->(x:Party {kind: 'company'})
  WHERE x.entity_id <> entity AND all(f IN [l1, l2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  RETURN x, l AS via
  UNION
  UNWIND members AS m
  MATCH (m)<-[s1:SHAREHOLDER_OF]-(h:Party)-[s2:SHAREHOLDER_OF]->(x:Party {kind: 'company'})
  WHERE x.entity_id <> entity AND s1.share >= $controlling_share AND s2.share >= $controlling_share
    AND all(f IN [s1, s2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  RETURN x, h AS via
}
WITH entity, cases, members, c, x, via ORDER BY x.uid
WITH entity, cases, members, c, collect(DISTINCT x) AS sisters, collect(DISTINCT via) AS vias
RETURN null AS case_no,
       null AS court_code,
       c.uid AS party_uid,
       coalesce(substring(head(c.source_keys), size(split(head(c.source_keys), ':')[0]) + 1), c.uid) AS party_id,
       c.id_number AS id_number,
       [k IN cases | k.case_no]
         + [x IN sisters | coalesce(substring(head(x.source_keys), size(split(head(x.source_keys), ':')[0]) + 1), x.uid)] AS related,
       [n IN members + cases + sisters + vias | elementId(n)] AS evidence,
       CASE WHEN 0.6 + 0.1 * (size(cases) - $min_cases) > 1 THEN 1.0
            ELSE 0.6 + 0.1 * (size(cases) - $min_cases) END AS score,
       '用人单位' + c.name + '近' + toString($window_days) + '天内在' + toString(size(cases)) + '件劳动争议执行案件中为被执行人（'
         + reduce(s = '', k IN cases[0..5] | s + CASE s WHEN '' THEN '' ELSE '、' END + k.case_no)
         + CASE WHEN size(cases) > 5 THEN '等' ELSE '' END + '）'
         + CASE WHEN size(sisters) = 0 THEN ''
                ELSE '，关联企业' + reduce(s = '', x IN sisters[0..5] | s + CASE s WHEN '' THEN '' ELSE '、' END + x.name)
                     + CASE WHEN size(sisters) > 5 THEN '等' ELSE '' END END
         + '，存在重复拖欠劳动报酬的可能。建议征询申请执行人或被执行人是否书面同意执行转破产审查（民诉法解释第511条），'
         + '向劳动人事争议仲裁委员会或人社部门发送司法建议；发现拒不支付劳动报酬犯罪线索的（刑法第276条之一），依法移送。' AS message
ORDER BY party_uid
