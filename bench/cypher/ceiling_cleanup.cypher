// Remove everything the write-ceiling benchmark made, in batches.
MATCH (n:BenchCeiling) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
