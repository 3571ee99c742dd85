// Judicial auctions (uid <source>:<auction_id>) and their case.
UNWIND $rows AS row
MATCH (c:Case {case_no: row.case_no})
MERGE (x:Auction {uid: row.uid})
ON CREATE SET x.first_loaded_at = $now
SET x.sources = CASE WHEN $source IN coalesce(x.sources, []) THEN x.sources
    ELSE [x IN coalesce(x.sources, []) WHERE x < $source] + $source + [x IN coalesce(x.sources, []) WHERE x > $source] END,
    x.auction_id = row.auction_id,
    x.ordered_on = coalesce(x.ordered_on, row.ordered_on),
    x.listed_on = coalesce(x.listed_on, row.listed_on),
    x.closed_on = coalesce(x.closed_on, row.closed_on),
    x.result = coalesce(x.result, row.result),
    x.price = coalesce(x.price, row.price)
SET x += row.extra
MERGE (x)-[r:AUCTION_IN]->(c)
ON CREATE SET r.first_loaded_at = $now
SET r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
    ELSE [x IN coalesce(r.sources, []) WHERE x < $source] + $source + [x IN coalesce(r.sources, []) WHERE x > $source] END
