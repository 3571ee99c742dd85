// Settlements paid to someone other than the applicant (payee_id given).
UNWIND $rows AS row
MATCH (s:Settlement {uid: row.uid})
MATCH (p:Party {uid: row.payee_uid})
MERGE (s)-[r:PAYEE]->(p)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
