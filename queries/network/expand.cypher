// One hop out from the frontier (element ids) over the links a path may use: party relations,
// shared phones and addresses, case roles, receivables. Each neighbour comes with its degree over those
// same links (alerts and provenance do not make a hub) so that hubs can be left uncrossed.
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|HAS_PHONE|HAS_ADDRESS|APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN|OWNS|OWED_BY]-(m)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (NOT m:Asset OR m.kind = 'receivable')
  AND coalesce(r.valid_from <= $as_of, true) AND coalesce(r.valid_to > $as_of, true)
RETURN elementId(r) AS r_id, type(r) AS r_type, elementId(startNode(r)) AS r_start,
       elementId(endNode(r)) AS r_end, r.share AS r_share,
       elementId(m) AS m_id, head([l IN labels(m) WHERE l IN ['Party', 'Phone', 'Address', 'Case', 'Asset']]) AS m_label,
       m.uid AS m_uid, m.entity_id AS m_entity, m.name AS m_name, m.kind AS m_kind, m.number AS m_number,
       m.text AS m_text, m.case_no AS m_case_no, m.value AS m_value,
       COUNT { (m)-[d:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF|HAS_PHONE|HAS_ADDRESS|APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN|OWNS|OWED_BY]-() WHERE d.valid_to IS NULL } AS m_degree
LIMIT $limit
