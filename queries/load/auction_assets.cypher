// The asset an auction sells (auctions.asset_id given).
UNWIND $rows AS row
MATCH (x:Auction {uid: row.uid})
MATCH (a:Asset {uid: row.asset_uid})
MERGE (x)-[r:AUCTIONS]->(a)
ON CREATE SET r.first_loaded_at = $now
WITH [r] AS asserted, [] AS befores
