// A party's role in a case; row.type is the role's relationship type from graph_model/model.yaml
// (APPLICANT_IN, RESPONDENT_IN, …), checked against the model before it gets here.
// `own`: the fact came from an earlier load and only this export asserts it (or it was retired): the export's
// newest values win, an empty one keeps the last. A fact other exports assert too, or one first met in this
// load, keeps the first value given (the bulk twin, a first load: KEEP).
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (c:Case {case_no: row.case_no})
MERGE (p)-[r:$(row.type)]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before, coalesce(r.sources, []) IN [[], [$source]] AND r.first_loaded_at < $now AS own
SET r.fees_unpaid = CASE WHEN own THEN coalesce(row.fees_unpaid, r.fees_unpaid) ELSE coalesce(r.fees_unpaid, row.fees_unpaid) END
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
