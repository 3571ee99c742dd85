// restriction_not_lifted (失信未及时删除 / 限制消费未及时解除): a case that ended — concluded, terminated
// (终结执行), withdrawn (不予执行 / 撤回), or settled with the settlement performed — keeps a consumption
// restriction or dishonest-list measure more than working_days working days (Mon–Fri, minus holidays)
// after it ended (detectors spec 1.1). A suspended case does not say why it was suspended: it stays out.
MATCH (m:Measure)-[ma:MEASURE_IN]->(a:Case)
USING INDEX a:Case(status)
WHERE m.kind IN $measure_kinds AND (m.imposed_on IS NULL OR m.imposed_on <= $as_of)
  AND a.status IN $ended_statuses + ['settled'] AND a.filed_on <= $as_of AND all(f IN [ma, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
CALL (a) {
  OPTIONAL MATCH (s:Settlement)-[sa:SETTLES]->(a)
  WHERE s.performed_on <= $as_of AND coalesce(sa.valid_from <= $as_of, true) AND coalesce(sa.valid_to > $as_of, true)
  WITH s ORDER BY s.performed_on DESC, s.uid
  RETURN collect(s) AS performed
}
WITH m, a, performed,
     CASE a.status
       WHEN 'settled' THEN head(performed).performed_on
       ELSE CASE WHEN a.closed_on <= $as_of THEN a.closed_on END END AS finished_on
WITH m, a, performed, finished_on, CASE WHEN m.lifted_on <= $as_of THEN m.lifted_on END AS lifted
// Cheap necessary condition first: N working days after a date are at least N calendar days after it.
WHERE finished_on IS NOT NULL
  AND ((lifted IS NULL AND $as_of > finished_on + duration({days: $working_days}))
       OR lifted > finished_on + duration({days: $working_days}))
// The working_days-th working day after finished_on: the last day the measure may still stand.
WITH m, a, performed, finished_on, lifted,
     [d IN [i IN range(1, 2 * $working_days + 7 + size($holidays)) | finished_on + duration({days: i})]
        WHERE d.dayOfWeek <= 5 AND NOT d IN $holidays][$working_days - 1] AS deadline
WHERE (lifted IS NULL AND $as_of > deadline) OR lifted > deadline
OPTIONAL MATCH (m)-[mr:RESTRICTS]->(r:Party)
WHERE coalesce(mr.valid_from <= $as_of, true) AND coalesce(mr.valid_to > $as_of, true)
WITH a, performed, finished_on, deadline, m, lifted, r,
     duration.inDays(deadline, coalesce(lifted, $as_of)).days AS late
ORDER BY late DESC, m.uid
WITH a, performed, finished_on, deadline,
     collect({m: m, r: r, lifted: lifted, late: late}) AS found
CALL (a) {
  OPTIONAL MATCH (x:Party)-[xr:RESPONDENT_IN]->(a)
  WHERE coalesce(xr.valid_from <= $as_of, true) AND coalesce(xr.valid_to > $as_of, true)
  WITH x ORDER BY x.uid
  RETURN collect(x) AS respondents
}
WITH a, performed, finished_on, found, respondents, head(found) AS top,
     [f IN found WHERE f.r IS NOT NULL | f.r] AS restricted
WITH a, performed, finished_on, found, respondents, top, restricted,
     coalesce(head(restricted), head(respondents)) AS p
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       CASE WHEN p IS NULL THEN null
            ELSE coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) END AS party_id,
       p.id_number AS id_number,
       [f IN found | coalesce(f.m.measure_id, f.m.uid)] AS related,
       [n IN [a] + [f IN found | f.m] + restricted + respondents[0..1] + performed[0..1] | elementId(n)] AS evidence,
       CASE WHEN 0.5 + 0.5 * top.late / 30.0 > 1 THEN 1.0 ELSE 0.5 + 0.5 * top.late / 30.0 END AS score,
       '本案' + a.case_no + '已于' + toString(finished_on)
         + CASE a.status WHEN 'concluded' THEN '执行完毕' WHEN 'terminated' THEN '裁定终结执行'
                         WHEN 'withdrawn' THEN '撤回申请或裁定不予执行' ELSE '和解履行完毕' END
         + '，但对' + coalesce(top.r.name, p.name, '被执行人') + '的'
         + CASE top.m.kind
             WHEN 'dishonest_list'
               THEN '失信被执行人名单信息' + CASE WHEN top.lifted IS NULL THEN '至今未删除' ELSE '迟至' + toString(top.lifted) + '才删除' END
                    + '，超过失信名单规定第10条规定的' + toString($working_days) + '个工作日'
             ELSE '限制消费令' + CASE WHEN top.lifted IS NULL THEN '至今未解除' ELSE '迟至' + toString(top.lifted) + '才解除' END
                  + '，超过' + toString($working_days) + '个工作日的管理期限（限制消费规定第9条要求及时解除）' END
         + CASE WHEN size(found) > 1 THEN '（共' + toString(size(found)) + '项措施）' ELSE '' END
         + '。建议核实后' + CASE WHEN top.lifted IS NULL
                              THEN CASE top.m.kind WHEN 'dishonest_list' THEN '立即删除失信信息' ELSE '立即解除限制消费令' END
                                   + '，并告知被执行人'
                              ELSE '查明延迟原因' END + '。' AS message
ORDER BY case_no
