// Address nodes of one batch (distinct, sorted by text so concurrent loads lock in one order).
UNWIND $rows AS row
MERGE (n:Address {text: row.key})
ON CREATE SET n.first_loaded_at = $now
WITH [n] AS asserted, [] AS befores
