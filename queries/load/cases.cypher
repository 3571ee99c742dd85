// Cases of one batch, keyed by normalised case number. A placeholder (loaded=false, made
// by an origin_case_no) takes every value of the arriving case; a case already loaded
// from another export keeps its values and only fills in what it lacks.
UNWIND $rows AS row
MERGE (c:Case {case_no: row.case_no})
ON CREATE SET c.first_loaded_at = $now
WITH c, row, coalesce(c.loaded, false) AS known
SET c.sources = CASE WHEN $source IN coalesce(c.sources, []) THEN c.sources
    ELSE [x IN coalesce(c.sources, []) WHERE x < $source] + $source + [x IN coalesce(c.sources, []) WHERE x > $source] END,
    c.loaded = true,
    c.kind = CASE WHEN known THEN coalesce(c.kind, row.kind) ELSE row.kind END,
    c.court = CASE WHEN known THEN coalesce(c.court, row.court) ELSE row.court END,
    c.court_code = CASE WHEN known THEN coalesce(c.court_code, row.court_code) ELSE row.court_code END,
    c.year = CASE WHEN known THEN coalesce(c.year, row.year) ELSE row.year END,
    c.type_code = CASE WHEN known THEN coalesce(c.type_code, row.type_code) ELSE row.type_code END,
    c.seq = CASE WHEN known THEN coalesce(c.seq, row.seq) ELSE row.seq END,
    c.cause = CASE WHEN known THEN coalesce(c.cause, row.cause) ELSE row.cause END,
    c.filed_on = CASE WHEN known THEN coalesce(c.filed_on, row.filed_on) ELSE row.filed_on END,
    c.closed_on = CASE WHEN known THEN coalesce(c.closed_on, row.closed_on) ELSE row.closed_on END,
    c.status = CASE WHEN known THEN coalesce(c.status, row.status) ELSE row.status END,
    c.amount = CASE WHEN known THEN coalesce(c.amount, row.amount) ELSE row.amount END,
    c.amount_paid = CASE WHEN known THEN coalesce(c.amount_paid, row.amount_paid) ELSE row.amount_paid END,
    c.outstanding = CASE WHEN known THEN coalesce(c.outstanding, row.outstanding) ELSE row.outstanding END,
    c.outcome = CASE WHEN known THEN coalesce(c.outcome, row.outcome) ELSE row.outcome END,
    c.claims_deadline = CASE WHEN known THEN coalesce(c.claims_deadline, row.claims_deadline) ELSE row.claims_deadline END
SET c += row.extra
