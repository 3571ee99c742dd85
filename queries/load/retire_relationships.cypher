// A snapshot retires relationships its source no longer exports: as load/retire_nodes does for nodes.
UNWIND $ids AS id
MATCH ()-[r]->()
WHERE elementId(r) = id AND $source IN r.sources
SET r.sources = [x IN r.sources WHERE x <> $source],
    r.retired_by = [x IN coalesce(r.retired_by, []) WHERE substring(x, 11) <> $source] + $entry
SET r.valid_to = CASE WHEN size(r.sources) = 0 THEN coalesce(r.valid_to, $on) ELSE r.valid_to END
RETURN count(r) AS retired
