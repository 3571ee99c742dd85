// A party's role in a case; row.type is the role's relationship type from graph_model/model.yaml
// (APPLICANT_IN, RESPONDENT_IN, …), checked against the model before it gets here.
// `own`: only this export asserts the fact (or it is new, or retired): the export's newest values win, an empty
// one keeps the last; a fact other exports assert too keeps the first value given (the bulk twin: KEEP).
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (c:Case {case_no: row.case_no})
MERGE (p)-[r:$(row.type)]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before, coalesce(r.sources, []) IN [[], [$source]] AS own
SET r.fees_unpaid = CASE WHEN own THEN coalesce(row.fees_unpaid, r.fees_unpaid) ELSE coalesce(r.fees_unpaid, row.fees_unpaid) END
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
