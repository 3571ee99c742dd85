// One hop down the equity graph: the companies the frontier's legal persons hold, in force on $as_of.
UNWIND $entities AS entity
MATCH (h:Party {entity_id: entity})-[r:SHAREHOLDER_OF]->(c:Party)
WHERE (r.until IS NULL OR r.until >= $as_of) AND (r.since IS NULL OR r.since <= $as_of)
RETURN h, r, c
LIMIT $limit
