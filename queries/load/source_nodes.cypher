// The nodes a source asserts now, with their model label and key ($keys: label → key property), for a
// snapshot load to find those its export no longer holds (loaders/snapshot.py). One record holding one
// list: the driver decodes a large list far faster than as many small records.
MATCH (n)
WHERE $source IN n.sources
WITH n, [l IN labels(n) WHERE l IN keys($keys)][0] AS label
RETURN collect([elementId(n), label, n[$keys[label]]]) AS rows
