// Audit events, newest first, filtered by actor, action, target and a time window, one page.
MATCH (e:AuditEvent)
WHERE ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action = $action)
  AND ($target IS NULL OR e.target = $target)
  AND ($since IS NULL OR e.at >= datetime($since))
  AND ($until IS NULL OR e.at < datetime($until))
RETURN e.uid AS uid, e.at AS at, e.actor AS actor, e.role AS role, e.action AS action, e.target AS target,
       e.params AS params, e.client AS client
ORDER BY e.at DESC, e.uid DESC
SKIP $skip LIMIT $limit
