// A reviewer's decision on a pair (a.uid < b.uid): confirmed or rejected, with who, when and why.
// A pair never proposed gets a link holding only the decision (method 'manual').
MATCH (a:Party {uid: $a})
MATCH (b:Party {uid: $b})
MERGE (a)-[r:SAME_AS]->(b)
ON CREATE SET r.method = 'manual', r.evidence = []
SET r.status = $status, r.reviewed_by = $actor, r.reviewed_at = $at, r.reason = $reason
RETURN r.status AS status, r.score AS score
