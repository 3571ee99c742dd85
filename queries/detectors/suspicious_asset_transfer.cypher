// suspicious_asset_transfer (恶意转移财产): the debtor of an open enforcement case gave an asset away
// no earlier than lookback_days before the case was filed — cheaply, for nothing, or to a party
// related to it within two hops.
MATCH (t:Transfer)
USING INDEX t:Transfer(transferred_on)
WHERE t.transferred_on <= $as_of
MATCH (pp:Party)-[t1:TRANSFERRED]->(t)-[t2:TRANSFERRED_TO]->(q:Party)
WHERE q.entity_id <> pp.entity_id AND all(f IN [t1, t2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
WITH DISTINCT t, pp, q
MATCH (p:Party {entity_id: pp.entity_id})-[ar:RESPONDENT_IN]->(a:Case {kind: 'enforcement'})
WHERE a.filed_on <= $as_of AND all(f IN [ar, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
  AND (a.status IN $open_statuses OR a.closed_on > $as_of)
  AND (a.amount IS NULL OR a.amount - coalesce(a.amount_paid, 0.0) > $min_outstanding)
  AND t.transferred_on >= a.filed_on - duration({days: $lookback_days})
OPTIONAL MATCH (t)-[tx:TRANSFER_OF]->(x:Asset)
WHERE coalesce(tx.valid_from <= $as_of, true) AND coalesce(tx.valid_to > $as_of, true)
// Is Q related to P within two hops: relations either direction (not yet begun on as_of excluded),
// a shared phone, a shared address; parties of one entity count as one.
CALL (p, q) {
  CALL (p) {
    MATCH (xp:Party {entity_id: p.entity_id})
    CALL (xp) {
      MATCH (xp)-[l:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]-(y:Party)
      WHERE (l.since IS NULL OR l.since <= $as_of) AND coalesce(l.valid_from <= $as_of, true) AND coalesce(l.valid_to > $as_of, true)
      RETURN y, null AS via
      UNION
      MATCH (xp)-[h1:HAS_PHONE]->(via:Phone)<-[h2:HAS_PHONE]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
      UNION
      MATCH (xp)-[h1:HAS_ADDRESS]->(via:Address)<-[h2:HAS_ADDRESS]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
    }
    WITH y, via WHERE y.entity_id <> p.entity_id
    RETURN collect({party: y, via: via}) AS near_p
  }
  CALL (q) {
    MATCH (xq:Party {entity_id: q.entity_id})
    CALL (xq) {
      MATCH (xq)-[l:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]-(y:Party)
      WHERE (l.since IS NULL OR l.since <= $as_of) AND coalesce(l.valid_from <= $as_of, true) AND coalesce(l.valid_to > $as_of, true)
      RETURN y, null AS via
      UNION
      MATCH (xq)-[h1:HAS_PHONE]->(via:Phone)<-[h2:HAS_PHONE]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
      UNION
      MATCH (xq)-[h1:HAS_ADDRESS]->(via:Address)<-[h2:HAS_ADDRESS]-(y:Party)
      WHERE all(f IN [h1, h2] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
      RETURN y, via
    }
    WITH y, via WHERE y.entity_id <> q.entity_id
    RETURN collect({party: y, via: via}) AS near_q
  }
  WITH near_p, near_q, [n IN near_p WHERE n.party.entity_id = q.entity_id] AS direct
  WITH direct,
       [n IN near_p WHERE n.party.entity_id <> q.entity_id
                      AND any(m IN near_q WHERE m.party.entity_id = n.party.entity_id)] AS mids_p,
       [m IN near_q WHERE m.party.entity_id <> p.entity_id
                      AND any(n IN near_p WHERE n.party.entity_id = m.party.entity_id)] AS mids_q
  WITH size(direct) > 0 OR size(mids_p) > 0 AS linked,
       [n IN mids_p | n.party] + [m IN mids_q | m.party] AS middle,
       [n IN direct + mids_p + mids_q WHERE n.via IS NOT NULL | n.via] AS via
  // the parties in between in one order (by uid), whatever order the graph stores them in: the message names them
  CALL (middle) {
    UNWIND middle AS m
    WITH DISTINCT m ORDER BY m.uid
    RETURN collect(m) AS sorted
  }
  RETURN linked,
         CASE WHEN linked THEN sorted ELSE [] END AS middle,
         CASE WHEN linked THEN reduce(acc = [], v IN via | CASE WHEN v IN acc THEN acc ELSE acc + v END) ELSE [] END AS via
}
WITH a, p, pp, t, q, x, linked, middle, via,
     t.price IS NOT NULL AND x.value IS NOT NULL AND t.price < $max_price_ratio * x.value AS cheap,
     t.price IS NOT NULL AND t.price = 0 AS gift
WITH a, p, pp, t, q, x, linked, middle, via, cheap, gift,
     (CASE WHEN cheap THEN 1 ELSE 0 END) + (CASE WHEN gift THEN 1 ELSE 0 END) + (CASE WHEN linked THEN 1 ELSE 0 END) AS signs
WHERE signs > 0
WITH a, p, pp, t, q, x, middle, via, signs,
     '于' + toString(t.transferred_on) + '将'
       + CASE WHEN x IS NULL THEN '财产' ELSE coalesce(x.description, x.asset_id, '财产') END
       + CASE WHEN x.value IS NULL THEN '' ELSE '（估值' + toString(toInteger(round(x.value))) + '元）' END
       + CASE WHEN gift THEN '无偿' WHEN t.price IS NULL THEN '' ELSE '以' + toString(toInteger(round(t.price))) + '元' END
       + '转让给' + q.name
       + CASE WHEN linked THEN '（双方存在关联' + CASE WHEN size(middle) > 0
                                                 THEN '，经' + reduce(s = '', m IN middle | s + CASE s WHEN '' THEN '' ELSE '、' END + m.name)
                                                 ELSE '' END + '）'
              ELSE '' END AS detail
ORDER BY signs DESC, t.transferred_on, t.uid
WITH a, p, collect({t: t, pp: pp, q: q, x: x, middle: middle, via: via, signs: signs, detail: detail}) AS found
WITH a, p, found,
     reduce(acc = [], f IN found | acc + [f.t, f.pp, f.q] + CASE WHEN f.x IS NULL THEN [] ELSE [f.x] END + f.middle + f.via) AS nodes,
     reduce(acc = [], f IN found | acc + CASE WHEN f.x IS NULL THEN [] ELSE [coalesce(f.x.asset_id, f.x.uid)] END
       + [y IN [f.q] + f.middle | coalesce(substring(head(y.source_keys), size(split(head(y.source_keys), ':')[0]) + 1), y.uid)]) AS related
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) AS party_id,
       p.id_number AS id_number,
       related,
       [n IN [a, p] + nodes | elementId(n)] AS evidence,
       CASE WHEN 0.4 + 0.2 * head(found).signs > 1 THEN 1.0 ELSE 0.4 + 0.2 * head(found).signs END AS score,
       '被执行人' + p.name + head(found).detail
         + CASE WHEN size(found) > 1 THEN '（另有' + toString(size(found) - 1) + '笔可疑转让）' ELSE '' END
         + '，本案' + a.case_no + '于' + toString(a.filed_on) + '立案，存在转移财产、逃避执行的可能。'
         + '建议告知申请执行人可依民法典第538条、第539条行使撤销权（自知道撤销事由之日起一年内，民法典第541条）。' AS message
ORDER BY case_no, party_uid
