// Every party of the given legal persons (entity_id groups parties that identity linking joined).
UNWIND $entities AS entity
MATCH (p:Party {entity_id: entity})
RETURN p
LIMIT $limit
