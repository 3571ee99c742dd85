// The key with this hash, for authenticating a request.
MATCH (k:ApiKey {key_hash: $key_hash})
RETURN k.name AS name, k.role AS role, k.created_at AS created_at, coalesce(k.revoked, false) AS revoked
