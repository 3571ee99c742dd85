// Settlements paid to someone other than the applicant (payee_id given).
UNWIND $rows AS row
MATCH (s:Settlement {uid: row.uid})
MATCH (p:Party {uid: row.payee_uid})
MERGE (s)-[r:PAYEE]->(p)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
