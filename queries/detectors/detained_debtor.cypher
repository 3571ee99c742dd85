// detained_debtor (被执行人在押): every open enforcement case of a person who is in prison or
// detention on as_of — service and personal measures must be adjusted.
MATCH (d:Detention)
WHERE d.start_on <= $as_of AND (d.end_on IS NULL OR d.end_on >= $as_of)
MATCH (pd:Party)-[dd:DETAINED]->(d)
WHERE coalesce(dd.valid_from <= $as_of, true) AND coalesce(dd.valid_to > $as_of, true)
MATCH (p:Party {entity_id: pd.entity_id})-[ar:RESPONDENT_IN]->(a:Case {kind: 'enforcement'})
WHERE p.kind = 'person' AND a.filed_on <= $as_of AND all(f IN [ar, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  AND (a.status IN $open_statuses OR a.closed_on > $as_of)
WITH a, p, pd, d ORDER BY d.start_on DESC, d.uid
WITH a, p, collect(DISTINCT d) AS detentions, collect(DISTINCT pd) AS held
WITH a, p, detentions, held, head(detentions) AS d
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) AS party_id,
       p.id_number AS id_number,
       [] AS related,
       [n IN [a, p] + held + detentions | elementId(n)] AS evidence,
       CASE WHEN d.end_on IS NULL OR d.end_on > $as_of + duration({days: 30}) THEN 1.0 ELSE 0.7 END AS score,
       '被执行人' + p.name + '自' + toString(d.start_on) + '起'
         + CASE d.kind WHEN 'imprisonment' THEN '在监狱服刑' WHEN 'compulsory_isolation' THEN '被强制隔离戒毒' ELSE '被羁押' END
         + CASE WHEN d.facility IS NULL THEN '' ELSE '（' + d.facility + '）' END
         + CASE WHEN d.end_on IS NULL THEN '，释放日期不详' ELSE '，预计' + toString(d.end_on) + '释放' END
         + '。建议本案' + a.case_no + '的文书通过其所在监所或强制性教育机构转交送达（民诉法第93条），向其询问财产情况，'
         + '复查拘留、限制消费及失信名单措施是否仍有必要；确无财产可供执行的，可考虑终结本次执行程序。' AS message
ORDER BY case_no, party_uid
