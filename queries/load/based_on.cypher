// BASED_ON links from a case to its origin; both nodes exist already (same transaction).
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MATCH (o:Case {case_no: row.origin})
MERGE (c)-[r:BASED_ON]->(o)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
