// Remember that a key opened the alert inbox now; returns the visit before this one (null the first time).
MATCH (k:ApiKey {key_hash: $key_hash})
WITH k, k.inbox_seen_at AS previous
SET k.inbox_seen_at = $now
RETURN previous
