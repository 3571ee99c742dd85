// One party as every export gave it: identity, names, source keys, id flags, status,
// phones, addresses, identity links (SAME_AS) and how many cases it is in, by role.
MATCH (p:Party {uid: $uid})
RETURN p {.*} AS party,
       [label IN labels(p) WHERE label <> 'Party'] AS kinds,
       [(p)-[h:HAS_PHONE]->(ph:Phone) WHERE h.valid_to IS NULL | ph.number] AS phones,
       [(p)-[h:HAS_ADDRESS]->(ad:Address) WHERE h.valid_to IS NULL | ad.text] AS addresses,
       [(p)-[s:SAME_AS]-(o:Party) | {uid: o.uid, name: o.name, score: s.score, method: s.method,
                                     status: s.status}] AS same_as,
       {
         applicant: COUNT { (p)-[r:APPLICANT_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL },
         respondent: COUNT { (p)-[r:RESPONDENT_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL },
         plaintiff: COUNT { (p)-[r:PLAINTIFF_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL },
         defendant: COUNT { (p)-[r:DEFENDANT_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL },
         third_party: COUNT { (p)-[r:THIRD_PARTY_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL },
         administrator: COUNT { (p)-[r:ADMINISTRATOR_IN]->(c:Case) WHERE r.valid_to IS NULL AND c.valid_to IS NULL }
       } AS case_counts
