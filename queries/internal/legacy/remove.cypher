// After they were copied into the security store: the graph's keys and audit events go, in batches.
MATCH (n) WHERE n:ApiKey OR n:AuditEvent
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
