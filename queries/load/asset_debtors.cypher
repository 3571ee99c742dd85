// Receivables: the party that owes the asset (assets.counterparty_id).
UNWIND $rows AS row
MATCH (a:Asset {uid: row.uid})
MATCH (p:Party {uid: row.debtor_uid})
MERGE (a)-[r:OWED_BY]->(p)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
