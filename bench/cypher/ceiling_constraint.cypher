// bench_write_ceiling: a unique key like the model's, on a label of its own.
CREATE CONSTRAINT bench_ceiling_uid IF NOT EXISTS FOR (n:BenchCeiling) REQUIRE n.uid IS UNIQUE
