// HAS_ADDRESS links of one batch; the Address nodes exist already (addresses.cypher, same transaction).
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (n:Address {text: row.key})
MERGE (p)-[r:HAS_ADDRESS]->(n)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
