// Revoke a key by name (it stays, for the audit trail); returns the key, none when unknown.
MATCH (k:ApiKey {name: $name})
SET k.revoked = true
RETURN k.name AS name, k.role AS role, k.created_at AS created_at, k.revoked AS revoked
