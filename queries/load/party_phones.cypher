// HAS_PHONE links of one batch; the Phone nodes exist already (phones.cypher, same transaction).
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (n:Phone {number: row.key})
MERGE (p)-[r:HAS_PHONE]->(n)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
