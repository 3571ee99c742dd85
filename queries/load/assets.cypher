// Assets (uid <source>:<asset_id>) and their owner.
UNWIND $rows AS row
MATCH (p:Party {uid: row.owner_uid})
MERGE (a:Asset {uid: row.uid})
ON CREATE SET a.first_loaded_at = $now
SET a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
    ELSE [x IN coalesce(a.sources, []) WHERE x < $source] + $source + [x IN coalesce(a.sources, []) WHERE x > $source] END,
    a.asset_id = row.asset_id,
    a.kind = coalesce(a.kind, row.kind),
    a.description = coalesce(a.description, row.description),
    a.registry_no = coalesce(a.registry_no, row.registry_no),
    a.value = coalesce(a.value, row.value)
SET a += row.extra
MERGE (p)-[r:OWNS]->(a)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
