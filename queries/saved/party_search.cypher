// Parties by name (full-text, party_names index, cjk analyzer), by valid id_number, or by
// an export's own key `<source>:<party_id>` (Party.source_keys). Exactly one criterion is set.
CALL () {
  WITH $name AS q WHERE q IS NOT NULL
  CALL db.index.fulltext.queryNodes('party_names', q) YIELD node, score
  RETURN node, score
  UNION
  WITH $id_number AS idn WHERE idn IS NOT NULL
  MATCH (node:Party {id_number: idn})
  RETURN node, 1.0 AS score
  UNION
  WITH $source_key AS key WHERE key IS NOT NULL
  MATCH (node:Party) WHERE key IN node.source_keys
  RETURN node, 1.0 AS score
}
RETURN node.uid AS uid, node.name AS name, node.kind AS kind, node.id_number AS id_number,
       coalesce(node.id_invalid, false) AS id_invalid, node.status AS status,
       coalesce(node.source_keys, []) AS source_keys, score
ORDER BY score DESC, uid
SKIP $skip LIMIT $limit
