// A party's role in a case; row.type is the role's relationship type from graph_model/model.yaml
// (APPLICANT_IN, RESPONDENT_IN, …), checked against the model before it gets here.
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
MATCH (c:Case {case_no: row.case_no})
MERGE (p)-[r:$(row.type)]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH *, properties(r) AS before
SET r.fees_unpaid = coalesce(r.fees_unpaid, row.fees_unpaid)
SET r += row.extra
WITH [r] AS asserted, [before] AS befores
