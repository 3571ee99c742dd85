// API keys left in the graph by debtgraph before 0.2 (they now live in the security store), oldest first.
MATCH (k:ApiKey)
RETURN k.name AS name, k.key_hash AS key_hash, k.role AS role, k.created_at AS created_at,
       coalesce(k.revoked, false) AS revoked, k.inbox_seen_at AS inbox_seen_at
ORDER BY k.created_at, k.name
