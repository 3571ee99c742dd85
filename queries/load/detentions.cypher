// A party in prison or detention (uid <source>:<party_id>:<start_on>).
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (p:Party {uid: row.party_uid})
MERGE (d:Detention {uid: row.uid})
ON CREATE SET d.first_loaded_at = $now
WITH *, properties(d) AS before
SET d.start_on = row.start_on,
    d.facility = coalesce(row.facility, d.facility),
    d.kind = coalesce(row.kind, d.kind),
    d.end_on = coalesce(row.end_on, d.end_on)
SET d += row.extra
MERGE (p)-[r:DETAINED]->(d)
ON CREATE SET r.first_loaded_at = $now
WITH [d, r] AS asserted, [before] AS befores
