// Origin cases named by origin_case_no (distinct, sorted): a placeholder Case {loaded:false}
// with what its number tells (court code, year, type, kind) when no export has brought it yet.
UNWIND $rows AS row
MERGE (o:Case {case_no: row.case_no})
ON CREATE SET o.first_loaded_at = $now, o.loaded = false, o.kind = row.kind, o.court_code = row.court_code,
    o.year = row.year, o.type_code = row.type_code, o.seq = row.seq
WITH [o] AS asserted, [] AS befores
