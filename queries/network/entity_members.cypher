// Every party of the given legal persons (entity_id groups parties that identity linking joined).
UNWIND $entities AS entity
MATCH (p:Party {entity_id: entity})
RETURN elementId(p) AS p_id, p.uid AS p_uid, p.entity_id AS p_entity, p.name AS p_name,
       p.kind AS p_kind
LIMIT $limit
