// Money received by the court in a case (uid <source>:<payment_id>).
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (x:Payment {uid: row.uid})
ON CREATE SET x.first_loaded_at = $now
SET x.sources = CASE WHEN $source IN coalesce(x.sources, []) THEN x.sources
    ELSE [x IN coalesce(x.sources, []) WHERE x < $source] + $source + [x IN coalesce(x.sources, []) WHERE x > $source] END,
    x.payment_id = row.payment_id,
    x.received_on = coalesce(x.received_on, row.received_on),
    x.amount = coalesce(x.amount, row.amount),
    x.disbursed_on = coalesce(x.disbursed_on, row.disbursed_on)
SET x += row.extra
MERGE (x)-[r:PAYMENT_IN]->(c)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
