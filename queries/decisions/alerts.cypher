// Alerts a person has acted on (any status change not made by a detection run), with their whole
// history, a page after a key (keyset paging): what `debtgraph decisions export` writes.
MATCH (al:Alert)
WHERE al.key > $after
  AND EXISTS { (al)-[:STATUS_CHANGE]->(e:AlertEvent) WHERE e.actor <> $system }
WITH al ORDER BY al.key LIMIT $limit
CALL (al) {
  MATCH (al)-[:STATUS_CHANGE]->(e:AlertEvent)
  WITH e ORDER BY e.at, e.uid
  RETURN collect(e {.*}) AS events
}
RETURN al {.*} AS alert, events
