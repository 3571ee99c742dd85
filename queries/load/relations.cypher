// Relations between parties; row.type is the relation's relationship type from
// graph_model/model.yaml (MODEL.relation_types), checked before it gets here.
UNWIND $rows AS row
MATCH (a:Party {uid: row.from_uid})
MATCH (b:Party {uid: row.to_uid})
MERGE (a)-[r:$(row.type)]->(b)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before
SET r.since = coalesce(r.since, row.since),
    r.until = coalesce(r.until, row.until)
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
