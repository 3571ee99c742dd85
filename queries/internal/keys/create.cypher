// A new API key, stored as the SHA-256 of the key only; refused (no row) when the name is taken.
OPTIONAL MATCH (taken:ApiKey {name: $name})
WITH taken WHERE taken IS NULL
CREATE (k:ApiKey {key_hash: $key_hash, name: $name, role: $role, created_at: datetime($created_at), revoked: false})
RETURN k.name AS name, k.role AS role, k.created_at AS created_at, k.revoked AS revoked
