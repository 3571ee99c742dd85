// One hop up the equity graph: the shareholders of the frontier's legal persons, in force on $as_of.
UNWIND $entities AS entity
MATCH (c:Party {entity_id: entity})<-[r:SHAREHOLDER_OF]-(h:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
RETURN h, r, c
LIMIT $limit
