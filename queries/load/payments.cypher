// Money received by the court in a case (uid <source>:<payment_id>).
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (x:Payment {uid: row.uid})
ON CREATE SET x.first_loaded_at = $now
WITH *, properties(x) AS before
SET x.payment_id = row.payment_id,
    x.received_on = coalesce(row.received_on, x.received_on),
    x.amount = coalesce(row.amount, x.amount),
    x.disbursed_on = coalesce(row.disbursed_on, x.disbursed_on)
SET x += row.extra
MERGE (x)-[r:PAYMENT_IN]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH [x, r] AS asserted, [before] AS befores
