// Empties the database in batches (schema stays): `debtgraph db reset --yes`.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
