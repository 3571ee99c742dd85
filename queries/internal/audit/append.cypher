// One audit event. The trail is append-only: no statement in debtgraph updates or deletes it.
CREATE (e:AuditEvent {uid: $uid, at: datetime($at), actor: $actor, role: $role, action: $action,
                      target: $target, params: $params, client: $client})
RETURN e.uid AS uid
