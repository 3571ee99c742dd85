// One page of alerts matching the filters (each filter null = any), ordered by $sort (score, first_seen or
// last_seen) descending or ascending ($descending); alerts without that value last; then strongest, newest, key.
MATCH (al:Alert)
WHERE ($detector IS NULL OR al.detector = $detector)
  AND ($court_code IS NULL OR al.court_code = $court_code)
  AND ($statuses IS NULL OR al.status IN $statuses)
  AND ($seen_from IS NULL OR al.first_seen >= $seen_from)
  AND ($seen_until IS NULL OR al.first_seen < $seen_until)
  AND ($min_score IS NULL OR al.score >= $min_score)
WITH al, CASE $sort WHEN 'score' THEN al.score WHEN 'first_seen' THEN al.first_seen
                    WHEN 'last_seen' THEN al.last_seen END AS sort_key
RETURN al {.*} AS alert
ORDER BY sort_key IS NULL, CASE WHEN $descending THEN sort_key END DESC, CASE WHEN $descending THEN null ELSE sort_key END,
         al.score DESC, al.first_seen DESC, al.key
SKIP $skip LIMIT $limit
