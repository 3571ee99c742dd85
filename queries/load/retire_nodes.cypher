// A snapshot retires nodes its source no longer exports: the source leaves `sources`, `retired_by` notes
// `<date> <source>`, and a node no source asserts any more is valid until $on (kept for history, not deleted).
UNWIND $ids AS id
MATCH (n)
WHERE elementId(n) = id AND $source IN n.sources
SET n.sources = [x IN n.sources WHERE x <> $source],
    n.retired_by = [x IN coalesce(n.retired_by, []) WHERE substring(x, 11) <> $source] + $entry
SET n.valid_to = CASE WHEN size(n.sources) = 0 THEN coalesce(n.valid_to, $on) ELSE n.valid_to END
RETURN count(n) AS retired
