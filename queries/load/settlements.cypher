// Settlements (uid <case_no>:<signed_on>:<settled_amount>) and the case they settle.
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (s:Settlement {uid: row.uid})
ON CREATE SET s.first_loaded_at = $now
WITH *, properties(s) AS before
SET s.signed_on = row.signed_on,
    s.settled_amount = row.settled_amount,
    s.original_amount = coalesce(row.original_amount, s.original_amount),
    s.performed_on = coalesce(row.performed_on, s.performed_on)
SET s += row.extra
MERGE (s)-[r:SETTLES]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH [s, r] AS asserted, [before] AS befores
