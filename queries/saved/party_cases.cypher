// The cases of a party with its role in each, status, outstanding amount and the other parties.
// One row with role null when the party exists but has no (matching) case; no row when it does not exist.
MATCH (p:Party {uid: $uid})
OPTIONAL CALL (p) {
  MATCH (p)-[r:APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN]->(c:Case)
  WITH r, c, toLower(substring(type(r), 0, size(type(r)) - 3)) AS role
  WHERE $role IS NULL OR role = $role
  RETURN role, r.fees_unpaid AS fees_unpaid,
         CASE WHEN r.valid_to IS NULL AND c.valid_to IS NULL THEN null ELSE coalesce(r.retired_by, c.retired_by) END AS retired_by,
         c {.case_no, .kind, .court, .court_code, .cause, .status, .filed_on, .closed_on, .amount, .amount_paid,
            .outstanding, .loaded} AS case,
         [(c)<-[r2:APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN]-(o:Party)
          WHERE o <> p | {uid: o.uid, name: o.name, role: toLower(substring(type(r2), 0, size(type(r2)) - 3))}]
           AS others
}
RETURN p.uid AS party, role, fees_unpaid, retired_by, case, others
ORDER BY case.filed_on DESC, case.case_no
