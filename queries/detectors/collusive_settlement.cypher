// collusive_settlement (恶意串通和解): the debtor P of an open enforcement case A is the applicant of
// another enforcement case B, settled on or after A's filing, cheaply, or paid to someone else, or
// with a respondent of B linked to P within two hops.
// Settlements are few: start from them, then find the applicant's own open debts.
MATCH (s:Settlement)
USING INDEX s:Settlement(signed_on)
WHERE s.signed_on <= $as_of
MATCH (s)-[sb:SETTLES]->(b:Case {kind: 'enforcement'})<-[ba:APPLICANT_IN]-(pb:Party)
WHERE b.filed_on <= $as_of AND all(f IN [sb, b, ba] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
MATCH (p:Party {entity_id: pb.entity_id})-[ar:RESPONDENT_IN]->(a:Case {kind: 'enforcement'})
WHERE a <> b AND a.filed_on <= s.signed_on AND all(f IN [ar, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  AND (a.status IN $open_statuses OR a.closed_on > $as_of)
  AND (a.amount IS NULL OR a.amount - coalesce(a.amount_paid, 0.0) > $min_outstanding)
WITH a, p, pb, b, s,
     coalesce(s.original_amount, CASE WHEN b.amount IS NULL THEN null ELSE b.amount - coalesce(b.amount_paid, 0.0) END) AS base
CALL (p, s) {
  OPTIONAL MATCH (s)-[sy:PAYEE]->(y:Party)
  WHERE y.entity_id <> p.entity_id AND coalesce(sy.valid_from <= $as_of, true) AND coalesce(sy.valid_to > $as_of, true)
  WITH y ORDER BY y.uid
  RETURN collect(DISTINCT y) AS payees
}
// Respondents of B linked to P within two hops: relations either direction (not yet begun on
// as_of excluded), a shared phone, a shared address; parties of one entity count as one.
CALL (p, b) {
  OPTIONAL MATCH (q:Party)-[qr:RESPONDENT_IN]->(b)
  WHERE q.entity_id <> p.entity_id AND coalesce(qr.valid_from <= $as_of, true) AND coalesce(qr.valid_to > $as_of, true)
  CALL (p) {
    MATCH (x:Party {entity_id: p.entity_id})
    CALL (x) {
      MATCH (x)-[l:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]-(y:Party)
      WHERE (l.since IS NULL OR l.since <= $as_of) AND coalesce(l.valid_from <= $as_of, true) AND coalesce(l.valid_to > $as_of, true)
      RETURN y, null AS via
      UNION
      MATCH (x)-[h1:HAS_PHONE]->(via:Phone)<-[h2:HAS_PHONE]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
      UNION
      MATCH (x)-[h1:HAS_ADDRESS]->(via:Address)<-[h2:HAS_ADDRESS]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
    }
    WITH y, via WHERE y.entity_id <> p.entity_id
    RETURN collect({party: y, via: via}) AS near_p
  }
  CALL (q) {
    OPTIONAL MATCH (x:Party {entity_id: q.entity_id})
    CALL (x) {
      MATCH (x)-[l:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]-(y:Party)
      WHERE (l.since IS NULL OR l.since <= $as_of) AND coalesce(l.valid_from <= $as_of, true) AND coalesce(l.valid_to > $as_of, true)
      RETURN y, null AS via
      UNION
      MATCH (x)-[h1:HAS_PHONE]->(via:Phone)<-[h2:HAS_PHONE]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
      UNION
      MATCH (x)-[h1:HAS_ADDRESS]->(via:Address)<-[h2:HAS_ADDRESS]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
    }
    WITH y, via WHERE y.entity_id <> q.entity_id
    RETURN collect({party: y, via: via}) AS near_q
  }
  WITH p, q, near_p, near_q, [n IN near_p WHERE n.party.entity_id = q.entity_id] AS direct
  WITH q, direct,
       [n IN near_p WHERE n.party.entity_id <> q.entity_id
                      AND any(m IN near_q WHERE m.party.entity_id = n.party.entity_id)] AS mids_p,
       [m IN near_q WHERE m.party.entity_id <> p.entity_id
                      AND any(n IN near_p WHERE n.party.entity_id = m.party.entity_id)] AS mids_q
  WHERE size(direct) > 0 OR size(mids_p) > 0
  WITH q, [n IN mids_p | n.party] + [m IN mids_q | m.party] AS middle,
       [n IN direct + mids_p + mids_q WHERE n.via IS NOT NULL | n.via] AS via
  ORDER BY q.uid
  WITH collect(q) AS linked, reduce(acc = [], l IN collect(middle) | acc + l) AS middle,
       reduce(acc = [], l IN collect(via) | acc + l) AS via
  // the parties in between in one order (by uid), whatever order the graph stores them in: the message names them
  CALL (middle) {
    UNWIND middle AS m
    WITH DISTINCT m ORDER BY m.uid
    RETURN collect(m) AS sorted
  }
  RETURN linked, sorted AS middle, reduce(acc = [], v IN via | CASE WHEN v IN acc THEN acc ELSE acc + v END) AS via
}
WITH a, p, pb, b, s, base, payees, linked, middle, via,
     base IS NOT NULL AND base > 0 AND s.settled_amount <= $max_settled_ratio * base AS cheap
WITH a, p, pb, b, s, base, payees, linked, middle, via, cheap,
     (CASE WHEN cheap THEN 1 ELSE 0 END) + (CASE WHEN size(payees) > 0 THEN 1 ELSE 0 END)
       + (CASE WHEN size(linked) > 0 THEN 1 ELSE 0 END) AS signs
WHERE signs > 0
WITH a, p, pb, b, s, payees, linked, middle, via, signs,
     '在' + b.case_no + '中于' + toString(s.signed_on) + '达成和解'
       + CASE WHEN cheap THEN '，和解金额' + toString(toInteger(round(s.settled_amount))) + '元仅为原欠款'
                              + toString(toInteger(round(base))) + '元的' + toString(toInteger(round(100 * s.settled_amount / base))) + '%'
              ELSE '' END
       + CASE WHEN size(payees) > 0
              THEN '，和解款付给' + reduce(t = '', y IN payees | t + CASE t WHEN '' THEN '' ELSE '、' END + y.name) + '而非其本人'
              ELSE '' END
       + CASE WHEN size(linked) > 0
              THEN '，该案被执行人' + reduce(t = '', q IN linked | t + CASE t WHEN '' THEN '' ELSE '、' END + q.name)
                   + '与其存在关联' + CASE WHEN size(middle) > 0
                                      THEN '（经' + reduce(t = '', m IN middle | t + CASE t WHEN '' THEN '' ELSE '、' END + m.name) + '）'
                                      ELSE '' END
              ELSE '' END AS detail
ORDER BY signs DESC, b.case_no, s.uid
WITH a, p, collect({b: b, pb: pb, s: s, payees: payees, linked: linked, middle: middle, via: via, signs: signs, detail: detail}) AS found
WITH a, p, found,
     reduce(acc = [], f IN found | acc + [f.b, f.pb, f.s] + f.payees + f.linked + f.middle + f.via) AS nodes,
     reduce(acc = [], f IN found | acc + [f.b.case_no]
       + [y IN f.payees + f.linked + f.middle | coalesce(substring(head(y.source_keys), size(split(head(y.source_keys), ':')[0]) + 1), y.uid)]) AS related
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) AS party_id,
       p.id_number AS id_number,
       related,
       [n IN [a, p] + nodes | elementId(n)] AS evidence,
       0.4 + 0.2 * head(found).signs AS score,
       '被执行人' + p.name + '在本案' + a.case_no + '立案后，' + head(found).detail
         + CASE WHEN size(found) > 1 THEN '（另有' + toString(size(found) - 1) + '项类似和解）' ELSE '' END
         + '，存在以和解方式转移债权、逃避执行的可能（执行和解可以变更收款人，向他人付款只是迹象，不是证据）。'
         + '建议核实：冻结其在他案中的债权或执行款，传唤被执行人询问和解情况，告知申请执行人可依民法典第538条行使撤销权；'
         + '查证属实的，可依民诉法第116条罚款、拘留，或移送拒不执行判决、裁定罪线索。' AS message
ORDER BY case_no, party_uid
