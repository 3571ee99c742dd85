// HAS_ADDRESS links of one batch; the Address nodes exist already (addresses.cypher, same transaction).
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (n:Address {text: row.key})
MERGE (p)-[r:HAS_ADDRESS]->(n)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
