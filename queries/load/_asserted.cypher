// The tail of every statement of queries/load/ (loaders/load.py appends it): each element the statement
// asserts (`asserted`; `befores` holds its properties as they were before the statement's SETs, where the
// statement captured them) joins the export's provenance:
// - $source is inserted into `sources`, a sorted set;
// - a fact that $source had retired (an entry of retired_by) is current again (valid_to removed);
// - a fact new to the graph is valid from $since: the export's date in a snapshot of a source loaded
//   before, null otherwise (a source's first export is the baseline, known since always).
// Returns what the batch did for the load summary: facts new to $source, changed values (of facts from an
// earlier load: a second row of this load naming the same fact is not a change), re-asserted facts.
UNWIND range(0, size(asserted) - 1) AS i
WITH asserted[i] AS e, befores[i] AS before
WITH e, e.sources IS NULL AS created, $source IN coalesce(e.sources, []) AS had,
     any(x IN coalesce(e.retired_by, []) WHERE substring(x, 11) = $source) AS back,
     before IS NOT NULL AND properties(e) <> before AS differs
WITH e, created, had, back, differs, [x IN coalesce(e.retired_by, []) WHERE substring(x, 11) <> $source] AS still_retired
// A fact the source asserts already (the bulk of a re-export) is not written at all.
FOREACH (_ IN CASE WHEN had THEN [] ELSE [1] END |
  SET e.sources = [x IN coalesce(e.sources, []) WHERE x < $source] + $source + [x IN coalesce(e.sources, []) WHERE x > $source],
      e.valid_from = CASE WHEN created THEN $since ELSE e.valid_from END,
      e.valid_to = null,
      e.retired_by = CASE WHEN size(still_retired) = 0 THEN null ELSE still_retired END)
RETURN count(CASE WHEN NOT had AND NOT back THEN 1 END) AS added,
       count(CASE WHEN had AND differs AND e.first_loaded_at < $now THEN 1 END) AS changed,
       count(CASE WHEN back AND NOT had THEN 1 END) AS reasserted
