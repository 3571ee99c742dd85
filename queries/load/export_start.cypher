// Marks an export's load as under way (completed=false until export_finish); first_loaded_at on create only.
MERGE (e:Export {source: $source})
ON CREATE SET e.first_loaded_at = $now
SET e.last_loaded_at = $now, e.completed = false
