// One page of alerts matching the filters (each filter null = any), strongest first.
MATCH (al:Alert)
WHERE ($detector IS NULL OR al.detector = $detector)
  AND ($court_code IS NULL OR al.court_code = $court_code)
  AND ($statuses IS NULL OR al.status IN $statuses)
  AND ($seen_from IS NULL OR al.first_seen >= $seen_from)
  AND ($seen_until IS NULL OR al.first_seen < $seen_until)
  AND ($min_score IS NULL OR al.score >= $min_score)
RETURN al {.*} AS alert
ORDER BY al.score DESC, al.first_seen DESC, al.key
SKIP $skip LIMIT $limit
