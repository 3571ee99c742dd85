// The parties joined to any of $uids by automatic or confirmed links, or sharing their entity_id,
// with their valid ids; and the active links among them (for recomputing entity ids locally).
MATCH (s:Party) WHERE s.uid IN $uids
MATCH (s)(()-[l:SAME_AS]-() WHERE l.status IN ['auto', 'confirmed'])*(m:Party)
WITH collect(DISTINCT m) + collect(DISTINCT s) AS found
UNWIND found AS m
WITH collect(DISTINCT m.entity_id) AS entities, collect(DISTINCT m) AS members
MATCH (p:Party) WHERE p.entity_id IN entities
WITH members + collect(p) AS everyone
UNWIND everyone AS p
WITH DISTINCT p
RETURN p.uid AS uid, p.entity_id AS entity_id, p.id_number AS id_number,
       [(p)-[r:SAME_AS]->(q:Party) WHERE r.status IN ['auto', 'confirmed'] | q.uid] AS linked
