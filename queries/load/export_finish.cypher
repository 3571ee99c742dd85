// Records a finished load of an export with its JSON summary.
MATCH (e:Export {source: $source})
SET e.completed = true, e.last_summary = $summary
