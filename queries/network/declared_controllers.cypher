// Declared actual controllers (实际控制人) of the given legal persons, in force on $as_of.
UNWIND $entities AS entity
MATCH (c:Party {entity_id: entity})<-[r:ACTUAL_CONTROLLER_OF]-(h:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
RETURN h, r, c
LIMIT $limit
