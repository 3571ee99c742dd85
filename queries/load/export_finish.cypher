// Records a finished load of an export with its JSON summary; a snapshot also its date
// ($snapshot_on, null for a delta load: the last snapshot's date stays).
MATCH (e:Export {source: $source})
SET e.completed = true, e.last_summary = $summary, e.last_snapshot_on = coalesce($snapshot_on, e.last_snapshot_on)
