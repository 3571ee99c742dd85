// Several audit events in one transaction (the API's group commit); same shape as append.cypher.
UNWIND $rows AS row
CREATE (e:AuditEvent {uid: row.uid, at: datetime(row.at), actor: row.actor, role: row.role, action: row.action,
                      target: row.target, params: row.params, client: row.client})
RETURN count(e) AS written
