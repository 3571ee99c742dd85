// The parties joined to any of $uids by automatic or confirmed links, and every party sharing
// their entity ids (their components before a change), with valid ids and outgoing active links:
// enough to recompute entity ids locally after a review and to check the valid-id rule.
MATCH (s:Party) WHERE s.uid IN $uids
OPTIONAL MATCH (s)((x:Party)-[l:SAME_AS]-(y:Party) WHERE l.status IN ['auto', 'confirmed'])+(m:Party)
WITH collect(DISTINCT s) + collect(DISTINCT m) AS found
WITH found, [x IN found | x.entity_id] AS entities
MATCH (p:Party) WHERE p.entity_id IN entities
WITH found, collect(p) AS sharing
UNWIND found + sharing AS p
WITH DISTINCT p
RETURN p.uid AS uid, p.entity_id AS entity_id, p.id_number AS id_number,
       [(p)-[r:SAME_AS]->(q:Party) WHERE r.status IN ['auto', 'confirmed'] | q.uid] AS linked
