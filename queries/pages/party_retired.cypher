// The facts around a party that no export asserts any more (valid_to set by a snapshot): relations,
// phones and addresses, roles in cases — for the party page's "no longer exported" list, newest first.
MATCH (p:Party {uid: $uid})-[r]-(o)
WHERE r.valid_to IS NOT NULL AND NOT type(r) IN ['SAME_AS', 'ALERT_ON_PARTY', 'EVIDENCE']
RETURN type(r) AS type, startNode(r) = p AS outgoing, r.valid_to AS valid_to, r.retired_by AS retired_by,
       CASE WHEN o:Party THEN o {.uid, .name} END AS party,
       coalesce(o.case_no, o.number, o.text, o.description, o.measure_id, o.uid) AS other,
       CASE WHEN o:Measure THEN o {.kind, .imposed_on, case_no: head([(o)-[:MEASURE_IN]->(c:Case) | c.case_no])} END AS measure
ORDER BY valid_to DESC, type, other
LIMIT $limit
