// Alerts a detection run found for the first time (their first_seen is that run's time): the daily run's news.
MATCH (al:Alert)
WHERE al.first_seen = $now
RETURN al.key AS key, al.court_code AS court_code
