// Proposed links of one batch (a.uid < b.uid). A link a reviewer decided (confirmed or rejected)
// keeps its status and the reviewer's record; automatic and pending links take the new score.
UNWIND $rows AS row
MATCH (a:Party {uid: row.a})
MATCH (b:Party {uid: row.b})
MERGE (a)-[r:SAME_AS]->(b)
ON CREATE SET r.status = row.status
WITH r, row
WHERE r.status IN ['auto', 'pending']
SET r.status = row.status, r.score = row.score, r.method = row.method, r.evidence = row.evidence
