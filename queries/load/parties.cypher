// Parties of one batch: one node per uid (id:<id_number> or src:<source>:<party_id>).
// Scalars keep the first loaded value (filled in when still unknown); list properties
// are sorted sets so that the graph does not depend on the order exports are loaded in.
// entity_id starts as the uid and is never overwritten (identity linking owns it).
// `own`: the fact came from an earlier load and only this export asserts it (or it was retired): the export's
// newest values win, an empty one keeps the last. A fact other exports assert too, or one first met in this
// load, keeps the first value given (the bulk twin, a first load: KEEP).
UNWIND $rows AS row
MERGE (p:Party {uid: row.uid})
ON CREATE SET p.first_loaded_at = $now, p.entity_id = row.uid
WITH *, properties(p) AS before, coalesce(p.sources, []) IN [[], [$source]] AND p.first_loaded_at < $now AS own
SET p.source_keys = CASE WHEN row.source_key IN coalesce(p.source_keys, []) THEN p.source_keys
      ELSE [x IN coalesce(p.source_keys, []) WHERE x < row.source_key] + row.source_key
         + [x IN coalesce(p.source_keys, []) WHERE x > row.source_key] END,
    p.names = CASE WHEN row.name IN coalesce(p.names, []) THEN p.names
      ELSE [x IN coalesce(p.names, []) WHERE x < row.name] + row.name
         + [x IN coalesce(p.names, []) WHERE x > row.name] END,
    p.entity_id = coalesce(p.entity_id, row.uid),
    p.name = coalesce(p.name, row.name),
    p.kind = coalesce(p.kind, row.kind),
    p.id_number = coalesce(p.id_number, row.id_number),
    p.id_number_raw = coalesce(p.id_number_raw, row.id_number_raw),
    p.id_invalid = coalesce(p.id_invalid, row.id_invalid),
    p.status = CASE WHEN own THEN coalesce(row.status, p.status) ELSE coalesce(p.status, row.status) END,
    p.registered_on = CASE WHEN own THEN coalesce(row.registered_on, p.registered_on) ELSE coalesce(p.registered_on, row.registered_on) END,
    p:$(row.label)
SET p += row.extra
WITH [p] AS asserted, [before] AS befores
