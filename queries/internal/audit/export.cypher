// Audit events in time order after a position (keyset paging), for CSV/JSONL export.
MATCH (e:AuditEvent)
WHERE ($since IS NULL OR e.at >= datetime($since))
  AND ($after_at IS NULL OR e.at > datetime($after_at) OR (e.at = datetime($after_at) AND e.uid > $after_uid))
RETURN e.uid AS uid, e.at AS at, e.actor AS actor, e.role AS role, e.action AS action, e.target AS target,
       e.params AS params, e.client AS client
ORDER BY e.at, e.uid
LIMIT $limit
