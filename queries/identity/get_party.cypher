// Parties by uid with their entity ids.
MATCH (p:Party)
WHERE p.uid IN $uids
RETURN p.uid AS uid, p.entity_id AS entity_id, p.id_number AS id_number
