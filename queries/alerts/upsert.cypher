// Store a batch of detection results: one (:Alert) per key, identity and status kept across runs;
// a resolved alert whose condition holds again goes back to `new` with an event; subject and
// evidence links rewritten to the current evidence.
UNWIND $rows AS row
MERGE (al:Alert {key: row.key})
  ON CREATE SET al.status = 'new', al.first_seen = $now, al.version = 1
SET al.last_seen = $now  // takes the alert's write lock before its status is read: a user may be changing it
WITH al, row, al.status = 'resolved' AS reopened
SET al.detector = row.detector, al.case_no = row.case_no, al.party_uid = row.party_uid,
    al.party_id = row.party_id, al.id_number = row.id_number, al.court_code = row.court_code,
    al.related = row.related, al.score = row.score, al.message = row.message, al.basis = row.basis,
    al.as_of = row.as_of
FOREACH (_ IN CASE WHEN reopened THEN [1] ELSE [] END |
  SET al.status = 'new', al.resolved_at = null, al.version = coalesce(al.version, 1) + 1
  CREATE (al)-[:STATUS_CHANGE]->(:AlertEvent {uid: row.key + '@' + toString($now) + ':reopened',
    from_status: 'resolved', to_status: 'new', actor: $actor, reason: $reopen_reason, at: $now}))
WITH al, row
CALL (al) {
  OPTIONAL MATCH (al)-[old:EVIDENCE|ALERT_ON_CASE|ALERT_ON_PARTY]->()
  DELETE old
}
CALL (al, row) {
  OPTIONAL MATCH (c:Case {case_no: row.case_no})
  WHERE row.case_no IS NOT NULL
  FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (al)-[:ALERT_ON_CASE]->(c))
}
CALL (al, row) {
  OPTIONAL MATCH (p:Party {uid: row.party_uid})
  WHERE row.party_uid IS NOT NULL
  FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (al)-[:ALERT_ON_PARTY]->(p))
}
CALL (al, row) {
  UNWIND row.evidence AS eid
  MATCH (n) WHERE elementId(n) = eid
  MERGE (al)-[:EVIDENCE]->(n)
}
RETURN count(al) AS stored
