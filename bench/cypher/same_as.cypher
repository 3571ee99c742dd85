// SAME_AS identity links by status.
MATCH (:Party)-[s:SAME_AS]->(:Party)
RETURN s.status AS status, count(s) AS n
ORDER BY status
