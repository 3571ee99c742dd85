// Declared actual controllers (实际控制人) of the given legal persons, in force on $as_of.
UNWIND $entities AS entity
MATCH (c:Party {entity_id: entity})<-[r:ACTUAL_CONTROLLER_OF]-(h:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
  AND coalesce(r.valid_from <= $as_of, true) AND coalesce(r.valid_to > $as_of, true)
RETURN elementId(h) AS h_id, h.uid AS h_uid, h.entity_id AS h_entity, h.name AS h_name,
       h.kind AS h_kind,
       elementId(r) AS r_id, type(r) AS r_type, r.share AS r_share,
       elementId(c) AS c_id, c.uid AS c_uid, c.entity_id AS c_entity, c.name AS c_name,
       c.kind AS c_kind
LIMIT $limit
