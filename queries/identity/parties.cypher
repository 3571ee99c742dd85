// One page of parties with what identity linking compares: names, ids, phones, addresses,
// company roles (a role towards a company, named by the company's entity_id; for a company,
// the names of its legal representatives) and the cases it is in with the cases they rest on or
// that rest on them, each with the party's side (opponents in one case share the case, not the side).
// Relationship types are compared by name so that a graph without them draws no warnings.
// Keyset pagination on the uid key: pass the last uid of the previous page as $after ('' first).
MATCH (p:Party)
WHERE p.uid > $after
WITH p ORDER BY p.uid LIMIT $limit
RETURN p.uid AS uid, p.entity_id AS entity_id, p.kind AS kind, p.name AS name, p.names AS names,
       p.id_number AS id_number, p.id_number_raw AS id_number_raw, p.sources AS sources,
       [(p)-[:HAS_PHONE]->(ph:Phone) | ph.number] AS phones,
       [(p)-[:HAS_ADDRESS]->(ad:Address) | ad.text] AS addresses,
       [(p)-[r]->(c:Party) WHERE type(r) IN $role_types AND c.kind <> 'person' | type(r) + '@' + c.entity_id] AS roles,
       [(o:Party)-[r]->(p) WHERE type(r) = 'LEGAL_REPRESENTATIVE_OF' | o.name] AS representatives,
       [(p)-[r]->(k:Case) WHERE type(r) IN keys($sides) | $sides[type(r)] + ':' + k.case_no]
         + [(p)-[r]->(:Case)-[:BASED_ON]-(o:Case) WHERE type(r) IN keys($sides) | $sides[type(r)] + ':' + o.case_no] AS cases
