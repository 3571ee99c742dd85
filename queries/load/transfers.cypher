// Asset transfers: Transfer node, the giver (TRANSFERRED), the receiver (TRANSFERRED_TO), the asset (TRANSFER_OF).
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (a:Asset {uid: row.asset_uid})
MATCH (f:Party {uid: row.from_uid})
MATCH (t:Party {uid: row.to_uid})
MERGE (x:Transfer {uid: row.uid})
ON CREATE SET x.first_loaded_at = $now
WITH *, properties(x) AS before
SET x.transferred_on = row.transferred_on,
    x.price = coalesce(row.price, x.price)
SET x += row.extra
MERGE (f)-[r1:TRANSFERRED]->(x)
ON CREATE SET r1.first_loaded_at = $now
MERGE (x)-[r2:TRANSFERRED_TO]->(t)
ON CREATE SET r2.first_loaded_at = $now
MERGE (x)-[r3:TRANSFER_OF]->(a)
ON CREATE SET r3.first_loaded_at = $now
WITH [x, r1, r2, r3] AS asserted, [before] AS befores
