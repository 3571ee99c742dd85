// Shareholdings (relations rows with relation=shareholder) carry the share held.
// `own`: the fact came from an earlier load and only this export asserts it (or it was retired): the export's
// newest values win, an empty one keeps the last. A fact other exports assert too, or one first met in this
// load, keeps the first value given (the bulk twin, a first load: KEEP).
UNWIND $rows AS row
MATCH (a:Party {uid: row.from_uid})
MATCH (b:Party {uid: row.to_uid})
MERGE (a)-[r:SHAREHOLDER_OF]->(b)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before, coalesce(r.sources, []) IN [[], [$source]] AND r.first_loaded_at < $now AS own
SET r.share = CASE WHEN own THEN coalesce(row.share, r.share) ELSE coalesce(r.share, row.share) END,
    r.since = CASE WHEN own THEN coalesce(row.since, r.since) ELSE coalesce(r.since, row.since) END,
    r.until = CASE WHEN own THEN coalesce(row.until, r.until) ELSE coalesce(r.until, row.until) END
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
