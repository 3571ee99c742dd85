// Control measures (uid <source>:<measure_id>) and the case they belong to.
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (m:Measure {uid: row.uid})
ON CREATE SET m.first_loaded_at = $now
WITH *, properties(m) AS before
SET m.measure_id = row.measure_id,
    m.kind = coalesce(row.kind, m.kind),
    m.imposed_on = coalesce(row.imposed_on, m.imposed_on),
    m.lifted_on = coalesce(row.lifted_on, m.lifted_on)
SET m += row.extra
MERGE (m)-[r:MEASURE_IN]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH [m, r] AS asserted, [before] AS befores
