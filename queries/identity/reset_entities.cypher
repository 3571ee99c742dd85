// Parties left in no component of automatic or confirmed links are their own entity again.
MATCH (p:Party)
WHERE p.entity_id <> p.uid
  AND NOT EXISTS { (p)-[r:SAME_AS]-() WHERE r.status IN ['auto', 'confirmed'] }
SET p.entity_id = p.uid
RETURN count(p) AS reset
