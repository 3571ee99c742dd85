// A party named by uid, id_number or <source>:<party_id> (the uid of a party without a valid id).
MATCH (p:Party {uid: $ref})
RETURN elementId(p) AS p_id, p.uid AS p_uid, p.entity_id AS p_entity, p.name AS p_name,
       p.kind AS p_kind
UNION
MATCH (p:Party {uid: 'src:' + $ref})
RETURN elementId(p) AS p_id, p.uid AS p_uid, p.entity_id AS p_entity, p.name AS p_name,
       p.kind AS p_kind
UNION
MATCH (p:Party {id_number: $ref})
RETURN elementId(p) AS p_id, p.uid AS p_uid, p.entity_id AS p_entity, p.name AS p_name,
       p.kind AS p_kind
