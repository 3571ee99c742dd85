// Personal measures: the party restricted.
UNWIND $rows AS row
MATCH (m:Measure {uid: row.uid})
MATCH (p:Party {uid: row.party_uid})
MERGE (m)-[r:RESTRICTS]->(p)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
