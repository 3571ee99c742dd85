// Reviewers' decisions on identity links (confirmed or rejected), for `debtgraph decisions export`.
MATCH (a:Party)-[r:SAME_AS]->(b:Party)
WHERE r.status IN ['confirmed', 'rejected']
RETURN a.uid AS a, b.uid AS b, r.status AS status, r.reviewed_by AS reviewed_by, r.reviewed_at AS reviewed_at,
       r.reason AS reason
ORDER BY a, b
