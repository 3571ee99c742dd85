// Party-to-party relations (equity, offices, family, guarantees) of the given parties, in force on $as_of.
UNWIND $uids AS uid
MATCH (a:Party {uid: uid})-[r:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|DIRECTOR_OF|SUPERVISOR_OF|MANAGER_OF|ACTUAL_CONTROLLER_OF|EMPLOYEE_OF|SPOUSE_OF|PARENT_OF|SIBLING_OF|RELATIVE_OF|GUARANTOR_OF]-(b:Party)
WHERE a <> b AND (r.until IS NULL OR r.until >= $as_of) AND coalesce(r.valid_from <= $as_of, true) AND coalesce(r.valid_to > $as_of, true)
RETURN a.uid AS a, type(r) AS type, b.uid AS b, coalesce(b.entity_id, b.uid) AS b_entity,
       b.name AS b_name, b.kind AS b_kind
LIMIT $limit
