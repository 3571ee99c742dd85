// Shareholdings (relations rows with relation=shareholder) carry the share held.
UNWIND $rows AS row
MATCH (a:Party {uid: row.from_uid})
MATCH (b:Party {uid: row.to_uid})
MERGE (a)-[r:SHAREHOLDER_OF]->(b)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before
SET r.share = coalesce(r.share, row.share),
    r.since = coalesce(r.since, row.since),
    r.until = coalesce(r.until, row.until)
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
