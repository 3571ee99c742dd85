// The nodes a source asserts now, with their model label and key ($keys: label → key property), for a
// snapshot load to find those its export no longer holds (loaders/snapshot.py).
MATCH (n)
WHERE $source IN n.sources
WITH n, [l IN labels(n) WHERE l IN keys($keys)][0] AS label
RETURN elementId(n) AS id, label, n[$keys[label]] AS key
