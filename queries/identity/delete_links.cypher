// Automatic or pending links that a new run no longer proposes (reviewed links are never deleted).
UNWIND $rows AS row
MATCH (a:Party {uid: row.a})-[r:SAME_AS]->(b:Party {uid: row.b})
WHERE r.status IN ['auto', 'pending']
DELETE r
