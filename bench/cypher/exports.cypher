// Every export the graph holds, whether its last load completed and that load's summary
// (rows per file): a --loaded step checks them against the dataset's truth.json.
MATCH (e:Export)
RETURN e.source AS source, coalesce(e.completed, false) AS completed, e.last_summary AS summary
