UNWIND $rows AS row
CREATE (n:BenchCeiling {uid: row.uid + ':c', name: row.name, kind: row.kind})
