// funds_not_disbursed (执行款未及时发放): money the court received in a case and did not pay out to
// the applicant within max_days calendar days.
MATCH (pay:Payment)
WHERE pay.received_on < $as_of - duration({days: $max_days})
WITH pay, CASE WHEN pay.disbursed_on <= $as_of THEN pay.disbursed_on END AS disbursed
WITH pay, disbursed, duration.inDays(pay.received_on, coalesce(disbursed, $as_of)).days AS held
WHERE held > $max_days
MATCH (pay)-[pa:PAYMENT_IN]->(a:Case)
WHERE all(f IN [pa, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
WITH a, pay, disbursed, held ORDER BY held DESC, pay.uid
WITH a, collect({pay: pay, disbursed: disbursed, held: held}) AS found
CALL (a) {
  OPTIONAL MATCH (x:Party)-[xa:APPLICANT_IN]->(a)
  WHERE coalesce(xa.valid_from <= $as_of, true) AND coalesce(xa.valid_to > $as_of, true)
  WITH x ORDER BY x.uid
  RETURN collect(x) AS applicants
}
WITH a, found, applicants, head(found) AS top, head(applicants) AS p
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       CASE WHEN p IS NULL THEN null
            ELSE coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) END AS party_id,
       p.id_number AS id_number,
       [f IN found | coalesce(f.pay.payment_id, f.pay.uid)] AS related,
       [n IN [a] + [f IN found | f.pay] + applicants | elementId(n)] AS evidence,
       CASE WHEN 0.5 + 0.5 * (top.held - $max_days) / 90.0 > 1 THEN 1.0
            ELSE 0.5 + 0.5 * (top.held - $max_days) / 90.0 END AS score,
       '本案' + a.case_no + '执行款'
         + CASE WHEN top.pay.amount IS NULL THEN '' ELSE toString(toInteger(round(top.pay.amount))) + '元' END
         + '于' + toString(top.pay.received_on) + '到账，'
         + CASE WHEN top.disbursed IS NULL THEN '至今' + toString(top.held) + '天仍未发放'
                ELSE '迟至' + toString(top.disbursed) + '（第' + toString(top.held) + '天）才发放' END
         + CASE WHEN p IS NULL THEN '' ELSE '给申请执行人' + p.name END
         + '，超过' + toString($max_days) + '天的管理期限'
         + CASE WHEN size(found) > 1 THEN '（共' + toString(size(found)) + '笔）' ELSE '' END
         + '。请核查是否经批准延缓发放；未经批准的，建议尽快发放。' AS message
ORDER BY case_no
