// What the given legal persons control or represent: actual controller and legal representative roles.
UNWIND $entities AS entity
MATCH (h:Party {entity_id: entity})-[r:ACTUAL_CONTROLLER_OF|LEGAL_REPRESENTATIVE_OF]->(c:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
  AND coalesce(r.valid_from <= $as_of, true) AND coalesce(r.valid_to > $as_of, true)
RETURN elementId(h) AS h_id, h.uid AS h_uid, h.entity_id AS h_entity, h.name AS h_name,
       h.kind AS h_kind,
       elementId(r) AS r_id, type(r) AS r_type, r.share AS r_share,
       elementId(c) AS c_id, c.uid AS c_uid, c.entity_id AS c_entity, c.name AS c_name,
       c.kind AS c_kind
LIMIT $limit
