// Phone nodes of one batch (distinct, sorted by number so concurrent loads lock in one order).
UNWIND $rows AS row
MERGE (n:Phone {number: row.key})
ON CREATE SET n.first_loaded_at = $now
WITH [n] AS asserted, [] AS befores
