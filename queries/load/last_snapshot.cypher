// The date of a source's last snapshot (null when it never had one), so that an older one is refused.
MATCH (e:Export {source: $source})
RETURN e.last_snapshot_on AS on
