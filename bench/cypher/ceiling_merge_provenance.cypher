UNWIND $rows AS row
MERGE (n:BenchCeiling {uid: row.uid + ':p'})
ON CREATE SET n.first_loaded_at = $now
SET n.name = coalesce(n.name, row.name), n.kind = coalesce(n.kind, row.kind),
    n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
      ELSE [x IN coalesce(n.sources, []) WHERE x < $source] + $source + [x IN coalesce(n.sources, []) WHERE x > $source] END
