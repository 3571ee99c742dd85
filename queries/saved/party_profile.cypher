// One party as every export gave it: identity, names, source keys, id flags, status,
// phones, addresses, identity links (SAME_AS) and how many cases it is in, by role.
MATCH (p:Party {uid: $uid})
RETURN p {.*} AS party,
       [label IN labels(p) WHERE label <> 'Party'] AS kinds,
       [(p)-[:HAS_PHONE]->(ph:Phone) | ph.number] AS phones,
       [(p)-[:HAS_ADDRESS]->(ad:Address) | ad.text] AS addresses,
       [(p)-[s:SAME_AS]-(o:Party) | {uid: o.uid, name: o.name, score: s.score, method: s.method,
                                     status: s.status}] AS same_as,
       {
         applicant: COUNT { (p)-[:APPLICANT_IN]->(:Case) },
         respondent: COUNT { (p)-[:RESPONDENT_IN]->(:Case) },
         plaintiff: COUNT { (p)-[:PLAINTIFF_IN]->(:Case) },
         defendant: COUNT { (p)-[:DEFENDANT_IN]->(:Case) },
         third_party: COUNT { (p)-[:THIRD_PARTY_IN]->(:Case) },
         administrator: COUNT { (p)-[:ADMINISTRATOR_IN]->(:Case) }
       } AS case_counts
