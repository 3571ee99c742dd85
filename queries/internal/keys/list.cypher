// Every API key without its hash.
MATCH (k:ApiKey)
RETURN k.name AS name, k.role AS role, k.created_at AS created_at, coalesce(k.revoked, false) AS revoked
ORDER BY k.created_at, k.name
