// After they were copied into the security store: the graph's keys and audit events go, in batches
// (one label lookup each, never a scan of every node).
CALL () {
  MATCH (n:ApiKey) RETURN n
  UNION
  MATCH (n:AuditEvent) RETURN n
}
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
