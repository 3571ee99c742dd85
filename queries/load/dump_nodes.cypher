// Every node with its labels and properties, for canonical comparisons of whole graphs.
MATCH (n)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
