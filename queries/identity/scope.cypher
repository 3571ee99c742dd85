// The parties one export brought (linking with --source looks at candidates involving them).
MATCH (p:Party)
WHERE $source IN p.sources
RETURN p.uid AS uid
