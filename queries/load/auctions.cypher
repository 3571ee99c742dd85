// Judicial auctions (uid <source>:<auction_id>) and their case.
// Its uid is the export's own (<source>:<id>): a later export of the same court gives the newest value of
// each fact (a lift date, an auction result, a disbursement); a value it leaves empty keeps the last one.
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (x:Auction {uid: row.uid})
ON CREATE SET x.first_loaded_at = $now
WITH *, properties(x) AS before
SET x.auction_id = row.auction_id,
    x.ordered_on = coalesce(row.ordered_on, x.ordered_on),
    x.listed_on = coalesce(row.listed_on, x.listed_on),
    x.closed_on = coalesce(row.closed_on, x.closed_on),
    x.result = coalesce(row.result, x.result),
    x.price = coalesce(row.price, x.price)
SET x += row.extra
MERGE (x)-[r:AUCTION_IN]->(c)
ON CREATE SET r.first_loaded_at = $now
WITH [x, r] AS asserted, [before] AS befores
