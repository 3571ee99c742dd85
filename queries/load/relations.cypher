// Relations between parties; row.type is the relation's relationship type from
// graph_model/model.yaml (MODEL.relation_types), checked before it gets here.
UNWIND $rows AS row
MATCH (a:Party {uid: row.from_uid})
MATCH (b:Party {uid: row.to_uid})
MERGE (a)-[r:$(row.type)]->(b)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END,
    r.since = coalesce(r.since, row.since),
    r.until = coalesce(r.until, row.until)
SET r += row.extra
