// Freezes and seizures: the asset encumbered.
UNWIND $rows AS row
MATCH (m:Measure {uid: row.uid})
MATCH (a:Asset {uid: row.asset_uid})
MERGE (m)-[r:ENCUMBERS]->(a)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
