// The graph's load version: changes whenever an export is (re)loaded or identity links change.
// Network results are cached under it.
CALL () { MATCH (e:Export) RETURN count(e) AS exports, max(e.last_loaded_at) AS last_loaded_at }
CALL () { MATCH ()-[s:SAME_AS]->() RETURN count(s) AS same_as, max(s.reviewed_at) AS last_reviewed_at }
RETURN exports, toString(last_loaded_at) AS last_loaded_at, same_as, toString(last_reviewed_at) AS last_reviewed_at
