// Address nodes of one batch (distinct, sorted by text so concurrent loads lock in one order).
UNWIND $rows AS row
MERGE (n:Address {text: row.key})
ON CREATE SET n.first_loaded_at = $now
SET n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
    ELSE [x IN coalesce(n.sources, []) WHERE x < $source] + $source + [x IN coalesce(n.sources, []) WHERE x > $source] END
