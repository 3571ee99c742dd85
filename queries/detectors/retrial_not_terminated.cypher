// retrial_not_terminated (执行依据被撤销或改判): the judgment an enforcement case rests on was revoked
// or amended on retrial (spec 1.1), and the enforcement case is still not terminated, concluded or
// withdrawn more than grace_days after the retrial closed.
MATCH (r:Case {kind: 'retrial'})
USING INDEX r:Case(kind)
WHERE r.closed_on < $as_of - duration({days: $grace_days}) AND r.outcome IN $outcomes AND coalesce(r.valid_from <= $as_of, true) AND coalesce(r.valid_to > $as_of, true)
MATCH (r)-[rj:BASED_ON]->(j:Case)<-[ej:BASED_ON]-(e:Case {kind: 'enforcement'})
WHERE e.filed_on <= $as_of AND all(f IN [rj, j, ej, e] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  AND NOT (e.status IN $final_statuses AND coalesce(e.closed_on, $as_of) <= $as_of)
WITH e, j, r ORDER BY r.closed_on, r.case_no
WITH e, j, collect(r) AS retrials
WITH e, j, retrials, head(retrials) AS r, duration.inDays(head(retrials).closed_on, $as_of).days AS since
CALL (e) {
  OPTIONAL MATCH (x:Party)-[xr:RESPONDENT_IN]->(e)
  WHERE coalesce(xr.valid_from <= $as_of, true) AND coalesce(xr.valid_to > $as_of, true)
  WITH x ORDER BY x.uid
  RETURN collect(x) AS respondents
}
WITH e, j, retrials, r, since, respondents, head(respondents) AS p
RETURN e.case_no AS case_no,
       e.court_code AS court_code,
       p.uid AS party_uid,
       CASE WHEN p IS NULL THEN null
            ELSE coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) END AS party_id,
       p.id_number AS id_number,
       [j.case_no] + [x IN retrials | x.case_no] AS related,
       [n IN [e, j] + retrials + respondents | elementId(n)] AS evidence,
       CASE WHEN 0.6 + 0.4 * (since - $grace_days) / 60.0 > 1 THEN 1.0
            ELSE 0.6 + 0.4 * (since - $grace_days) / 60.0 END AS score,
       '本案' + e.case_no + '的执行依据' + j.case_no + '已被再审案件' + r.case_no + '于' + toString(r.closed_on)
         + CASE r.outcome WHEN 'amended' THEN '改判' ELSE '撤销' END + '，已逾' + toString(since) + '天，本案仍在执行'
         + CASE r.outcome
             WHEN 'amended'
               THEN '。存在执行内容与新判决不符的可能，建议按改判后的判决确定执行内容：已执行部分超出的，依民诉法第244条、'
                    + '执行工作规定第65条裁定执行回转；尚未履行的部分依新判决继续执行。'
             ELSE '。建议依民诉法第268条第1款第2项裁定终结执行；已执行的财产，依民诉法第244条执行回转。' END AS message
ORDER BY case_no
