// One page of parties (keyset on the uid key: $after is the last uid of the previous page, '' first)
// with everything identity linking compares, as ONE record holding a list of rows: the driver
// decodes one large list far faster than as many small records.
// Row: uid, entity_id, kind, name, id_number, id_number_raw, sources, phones, addresses,
// roles ([role, company entity_id, company name, company kind] for the roles in $role_types),
// representatives (names of a company's legal representatives), cases (side:case number for the
// party's cases and for the cases they rest on or that rest on them; $sides maps role types to
// the side, so opponents in one case do not share it). Retired facts count too: a phone or role an
// export once gave is still evidence of who a party is. Types are compared by name so that a
// graph without some of them draws no warnings.
MATCH (p:Party)
WHERE p.uid > $after
WITH p ORDER BY p.uid LIMIT $limit
WITH collect(p) AS page
RETURN [p IN page | [
  p.uid, p.entity_id, p.kind, p.name, p.id_number, p.id_number_raw, p.sources,
  [(p)-[:HAS_PHONE]->(x:Phone) | x.number],
  [(p)-[:HAS_ADDRESS]->(x:Address) | x.text],
  [(p)-[r]->(c:Party) WHERE type(r) IN $role_types AND c.kind <> 'person' | [type(r), c.entity_id, c.name, c.kind]],
  [(o:Party)-[r]->(p) WHERE type(r) = 'LEGAL_REPRESENTATIVE_OF' | o.name],
  [(p)-[r]->(k:Case) WHERE type(r) IN keys($sides) | $sides[type(r)] + ':' + k.case_no]
    + [(p)-[r]->(:Case)-[b]-(o:Case) WHERE type(r) IN keys($sides) AND type(b) = 'BASED_ON'
       | $sides[type(r)] + ':' + o.case_no]
]] AS rows
