UNWIND $rows AS row
MATCH (a:BenchCeiling {uid: row.uid + ':c'})
MATCH (b:BenchCeiling {uid: row.uid + ':m'})
MERGE (a)-[r:BENCH_CEILING]->(b)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
