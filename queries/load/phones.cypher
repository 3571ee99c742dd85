// Phone nodes of one batch (distinct, sorted by number so concurrent loads lock in one order).
UNWIND $rows AS row
MERGE (n:Phone {number: row.key})
ON CREATE SET n.first_loaded_at = $now
SET n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
    ELSE [x IN coalesce(n.sources, []) WHERE x < $source] + $source + [x IN coalesce(n.sources, []) WHERE x > $source] END
