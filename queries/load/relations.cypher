// Relations between parties; row.type is the relation's relationship type from
// graph_model/model.yaml (MODEL.relation_types), checked before it gets here.
// `own`: the fact came from an earlier load and only this export asserts it (or it was retired): the export's
// newest values win, an empty one keeps the last. A fact other exports assert too, or one first met in this
// load, keeps the first value given (the bulk twin, a first load: KEEP).
UNWIND $rows AS row
MATCH (a:Party {uid: row.from_uid})
MATCH (b:Party {uid: row.to_uid})
MERGE (a)-[r:$(row.type)]->(b)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before, coalesce(r.sources, []) IN [[], [$source]] AND r.first_loaded_at < $now AS own
SET r.since = CASE WHEN own THEN coalesce(row.since, r.since) ELSE coalesce(r.since, row.since) END,
    r.until = CASE WHEN own THEN coalesce(row.until, r.until) ELSE coalesce(r.until, row.until) END
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
