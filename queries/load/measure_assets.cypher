// Freezes and seizures: the asset encumbered.
UNWIND $rows AS row
MATCH (m:Measure {uid: row.uid})
MATCH (a:Asset {uid: row.asset_uid})
MERGE (m)-[r:ENCUMBERS]->(a)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
