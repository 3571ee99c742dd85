// bankrupt_unpaid_fees (破产企业欠缴诉讼费): a company in a pending bankruptcy case — the respondent, or the
// applicant of a case it filed itself (no respondent: 债务人自行申请) — owes the court litigation fees in other
// cases: the court should file its claim before the claims deadline.
MATCH (k:Case {kind: 'bankruptcy'})
USING INDEX k:Case(kind)
WHERE k.filed_on <= $as_of AND (k.status = 'pending' OR k.closed_on > $as_of) AND coalesce(k.valid_from <= $as_of, true) AND coalesce(k.valid_to > $as_of, true)
MATCH (c:Party {kind: 'company'})-[kr:RESPONDENT_IN|APPLICANT_IN]->(k)
WHERE coalesce(kr.valid_from <= $as_of, true) AND coalesce(kr.valid_to > $as_of, true)
  AND (kr:RESPONDENT_IN
       OR NOT EXISTS { (:Party)-[x:RESPONDENT_IN]->(k) WHERE coalesce(x.valid_from <= $as_of, true)
                                                         AND coalesce(x.valid_to > $as_of, true) })
MATCH (ce:Party {entity_id: c.entity_id})-[f:APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN]->(o:Case)
WHERE o <> k AND f.fees_unpaid > $min_fees AND o.filed_on <= $as_of
  AND all(x IN [f, o] WHERE coalesce(x.valid_from <= $as_of, true) AND coalesce(x.valid_to > $as_of, true))
WITH k, c, o, ce, sum(f.fees_unpaid) AS fees ORDER BY o.case_no
WITH k, c, collect(DISTINCT o) AS owed_in, collect(DISTINCT ce) AS members, sum(fees) AS total
WITH k, c, owed_in, members, total, toInteger(round(total * 100)) AS cents
RETURN k.case_no AS case_no,
       k.court_code AS court_code,
       c.uid AS party_uid,
       coalesce(substring(head(c.source_keys), size(split(head(c.source_keys), ':')[0]) + 1), c.uid) AS party_id,
       c.id_number AS id_number,
       [o IN owed_in | o.case_no] AS related,
       [n IN [k, c] + members + owed_in | elementId(n)] AS evidence,
       CASE WHEN k.claims_deadline IS NULL OR k.claims_deadline >= $as_of THEN 1.0 ELSE 0.7 END AS score,
       CASE WHEN k.type_code = '破申' THEN '破产申请审查中的企业' ELSE '破产企业' END + c.name + '在' + reduce(s = '', o IN owed_in[0..5] | s + CASE s WHEN '' THEN '' ELSE '、' END + o.case_no)
         + CASE WHEN size(owed_in) > 5 THEN '等' + toString(size(owed_in)) + '案' ELSE '' END
         + '中共欠缴诉讼费' + toString(cents / 100) + '.' + right('0' + toString(cents % 100), 2) + '元'
         + '（受理破产申请前未缴的诉讼费可以作为破产债权清偿，破产法解释（三）第1条第2款），'
         + CASE WHEN k.type_code = '破申' THEN '本案' + k.case_no + '为破产申请审查案件，应关注是否受理，受理后在债权申报期限内申报'
                WHEN k.claims_deadline IS NULL THEN '本破产案件' + k.case_no + '债权申报期限不详，应及时申报债权'
                WHEN k.claims_deadline >= $as_of THEN '应在本破产案件' + k.case_no + '债权申报期限' + toString(k.claims_deadline) + '前申报债权'
                ELSE '本破产案件' + k.case_no + '债权申报期限' + toString(k.claims_deadline) + '已过，应在最后分配前补充申报（企业破产法第56条）' END
         + '。建议核实欠费金额后由各案承办部门向管理人申报。' AS message
ORDER BY case_no, party_uid
