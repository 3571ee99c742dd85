UNWIND $rows AS row
MERGE (n:BenchCeiling {uid: row.uid + ':m'})
SET n.name = row.name, n.kind = row.kind
