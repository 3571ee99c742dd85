// Fallback: a party with a valid id named by one of its <source>:<party_id> keys (scans parties).
MATCH (p:Party) WHERE $ref IN p.source_keys
RETURN p
LIMIT 2
