// What the given legal persons control or represent: actual controller and legal representative roles.
UNWIND $entities AS entity
MATCH (p:Party {entity_id: entity})-[r:ACTUAL_CONTROLLER_OF|LEGAL_REPRESENTATIVE_OF]->(c:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
RETURN p, r, c
LIMIT $limit
