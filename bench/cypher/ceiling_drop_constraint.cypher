DROP CONSTRAINT bench_ceiling_uid IF EXISTS
