// Cases of one batch, keyed by normalised case number. A placeholder (loaded=false, made
// by an origin_case_no) takes every value of the arriving case, and the export that loads it
// first owns it (loaded_by). A later export of that same court re-exports it: each value it
// gives is the newest (a new status, closing date, amount paid), an empty one keeps the last.
// A case already loaded by another export keeps its values and only fills in what it lacks.
// (Cases loaded before loaded_by existed: an export that is the case's only source owns it.)
UNWIND $rows AS row
MERGE (c:Case {case_no: row.case_no})
ON CREATE SET c.first_loaded_at = $now
WITH c, row, coalesce(c.loaded, false) AS known,
     coalesce(c.loaded_by = $source, c.loaded AND c.sources = [$source], false) AS reloaded,
     properties(c) AS before
SET c.loaded = true,
    c.loaded_by = CASE WHEN known THEN coalesce(c.loaded_by, CASE WHEN reloaded THEN $source END) ELSE $source END,
    c.kind = CASE WHEN reloaded THEN coalesce(row.kind, c.kind) WHEN known THEN coalesce(c.kind, row.kind) ELSE row.kind END,
    c.court = CASE WHEN reloaded THEN coalesce(row.court, c.court) WHEN known THEN coalesce(c.court, row.court) ELSE row.court END,
    c.court_code = CASE WHEN reloaded THEN coalesce(row.court_code, c.court_code) WHEN known THEN coalesce(c.court_code, row.court_code) ELSE row.court_code END,
    c.year = CASE WHEN reloaded THEN coalesce(row.year, c.year) WHEN known THEN coalesce(c.year, row.year) ELSE row.year END,
    c.type_code = CASE WHEN reloaded THEN coalesce(row.type_code, c.type_code) WHEN known THEN coalesce(c.type_code, row.type_code) ELSE row.type_code END,
    c.seq = CASE WHEN reloaded THEN coalesce(row.seq, c.seq) WHEN known THEN coalesce(c.seq, row.seq) ELSE row.seq END,
    c.cause = CASE WHEN reloaded THEN coalesce(row.cause, c.cause) WHEN known THEN coalesce(c.cause, row.cause) ELSE row.cause END,
    c.filed_on = CASE WHEN reloaded THEN coalesce(row.filed_on, c.filed_on) WHEN known THEN coalesce(c.filed_on, row.filed_on) ELSE row.filed_on END,
    c.closed_on = CASE WHEN reloaded THEN coalesce(row.closed_on, c.closed_on) WHEN known THEN coalesce(c.closed_on, row.closed_on) ELSE row.closed_on END,
    c.status = CASE WHEN reloaded THEN coalesce(row.status, c.status) WHEN known THEN coalesce(c.status, row.status) ELSE row.status END,
    c.amount = CASE WHEN reloaded THEN coalesce(row.amount, c.amount) WHEN known THEN coalesce(c.amount, row.amount) ELSE row.amount END,
    c.amount_paid = CASE WHEN reloaded THEN coalesce(row.amount_paid, c.amount_paid) WHEN known THEN coalesce(c.amount_paid, row.amount_paid) ELSE row.amount_paid END,
    c.outstanding = CASE WHEN reloaded THEN coalesce(row.outstanding, c.outstanding) WHEN known THEN coalesce(c.outstanding, row.outstanding) ELSE row.outstanding END,
    c.outcome = CASE WHEN reloaded THEN coalesce(row.outcome, c.outcome) WHEN known THEN coalesce(c.outcome, row.outcome) ELSE row.outcome END,
    c.claims_deadline = CASE WHEN reloaded THEN coalesce(row.claims_deadline, c.claims_deadline) WHEN known THEN coalesce(c.claims_deadline, row.claims_deadline) ELSE row.claims_deadline END
SET c += row.extra
WITH [c] AS asserted, [before] AS befores
