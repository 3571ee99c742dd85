// entity_id of one batch of parties: the canonical uid of their component of auto/confirmed links.
UNWIND $rows AS row
MATCH (p:Party {uid: row.uid})
SET p.entity_id = row.entity_id
