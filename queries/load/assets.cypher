// Assets (uid <source>:<asset_id>) and their owner.
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (p:Party {uid: row.owner_uid})
MERGE (a:Asset {uid: row.uid})
ON CREATE SET a.first_loaded_at = $now
WITH *, properties(a) AS before
SET a.asset_id = row.asset_id,
    a.kind = coalesce(row.kind, a.kind),
    a.description = coalesce(row.description, a.description),
    a.registry_no = coalesce(row.registry_no, a.registry_no),
    a.value = coalesce(row.value, a.value)
SET a += row.extra
MERGE (p)-[r:OWNS]->(a)
ON CREATE SET r.first_loaded_at = $now
WITH [a, r] AS asserted, [before] AS befores
