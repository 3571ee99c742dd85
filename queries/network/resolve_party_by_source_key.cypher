// Fallback: a party with a valid id named by one of its <source>:<party_id> keys (scans parties).
MATCH (p:Party) WHERE $ref IN p.source_keys
RETURN elementId(p) AS p_id, p.uid AS p_uid, p.entity_id AS p_entity, p.name AS p_name,
       p.kind AS p_kind
LIMIT 2
