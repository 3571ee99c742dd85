// Audit events left in the graph by debtgraph before 0.2, a batch in time order after a position.
MATCH (e:AuditEvent)
WHERE $after_at IS NULL OR e.at > $after_at OR (e.at = $after_at AND e.uid > $after_uid)
RETURN e.uid AS uid, e.at AS at, e.actor AS actor, e.role AS role, e.action AS action, e.target AS target,
       e.params AS params, e.client AS client
ORDER BY e.at, e.uid
LIMIT $limit
