// Personal measures: the party restricted.
UNWIND $rows AS row
MATCH (m:Measure {uid: row.uid})
MATCH (p:Party {uid: row.party_uid})
MERGE (m)-[r:RESTRICTS]->(p)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
