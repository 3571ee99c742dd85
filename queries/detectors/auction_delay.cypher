// auction_delay (拍卖迟延): an auction ruled but not listed within max_listing_days, or listed and
// left without a result for more than max_open_days, or — in a case still running — 流拍 (unsold) and not
// put up again within max_relist_days (网拍规定 art. 26: re-auction within 30 days of 流拍).
MATCH (au:Auction)-[ai:AUCTION_IN]->(a:Case)
WHERE au.ordered_on <= $as_of AND all(f IN [ai, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
WITH au, a,
     CASE WHEN au.listed_on <= $as_of THEN au.listed_on END AS listed,
     CASE WHEN au.closed_on <= $as_of THEN au.closed_on END AS closed
// As it stood on as_of: a result only counts once the auction closed by then.
WITH au, a, listed, closed,
     CASE WHEN au.closed_on IS NOT NULL AND closed IS NULL THEN 'pending' ELSE au.result END AS result
// 流拍: the next auction of the same asset (any auction of the case when the asset is not recorded),
// ordered on or after the 流拍 day, and the day it was listed.
OPTIONAL CALL (au, a, closed, result) {
  WITH au, a, closed, result WHERE result = 'unsold' AND closed IS NOT NULL AND a.status IN $running_statuses
  OPTIONAL MATCH (nx:Auction)-[nxi:AUCTION_IN]->(a)
  WHERE nx <> au AND nx.ordered_on >= closed AND nx.listed_on <= $as_of
    AND coalesce(nxi.valid_from <= $as_of, true) AND coalesce(nxi.valid_to > $as_of, true)
    AND (NOT EXISTS { (au)-[:AUCTIONS]->(:Asset) } OR EXISTS { (au)-[:AUCTIONS]->(:Asset)<-[:AUCTIONS]-(nx) })
  WITH closed, min(nx.listed_on) AS relisted
  WITH relisted, duration.inDays(closed, coalesce(relisted, $as_of)).days AS days
  RETURN CASE WHEN days > $max_relist_days THEN days END AS relist_days, relisted
}
WITH au, a, listed, closed, result, relist_days, relisted,
     CASE WHEN result = 'withdrawn' THEN null
          WHEN listed IS NULL AND duration.inDays(au.ordered_on, $as_of).days > $max_listing_days
            THEN duration.inDays(au.ordered_on, $as_of).days
          WHEN listed IS NOT NULL AND duration.inDays(au.ordered_on, listed).days > $max_listing_days
            THEN duration.inDays(au.ordered_on, listed).days
          END AS listing_days,
     CASE WHEN listed IS NOT NULL AND closed IS NULL AND (result IS NULL OR result = 'pending')
               AND duration.inDays(listed, $as_of).days > $max_open_days
            THEN duration.inDays(listed, $as_of).days END AS open_days
WHERE listing_days IS NOT NULL OR open_days IS NOT NULL OR relist_days IS NOT NULL
WITH a, au, listed, closed, listing_days, open_days, relist_days, relisted,
     reduce(m = 0, e IN [coalesce(listing_days - $max_listing_days, 0), coalesce(open_days - $max_open_days, 0),
                         coalesce(relist_days - $max_relist_days, 0)] | CASE WHEN e > m THEN e ELSE m END) AS excess
ORDER BY excess DESC, au.uid
WITH a, collect({au: au, listed: listed, closed: closed, listing_days: listing_days, open_days: open_days,
                 relist_days: relist_days, relisted: relisted, excess: excess}) AS found
CALL (a) {
  OPTIONAL MATCH (x:Party)-[xr:RESPONDENT_IN]->(a)
  WHERE coalesce(xr.valid_from <= $as_of, true) AND coalesce(xr.valid_to > $as_of, true)
  WITH x ORDER BY x.uid
  RETURN collect(x) AS respondents
}
CALL (found) {
  UNWIND found AS f
  WITH f.au AS au
  OPTIONAL MATCH (au)-[aa:AUCTIONS]->(asset:Asset)
  WHERE coalesce(aa.valid_from <= $as_of, true) AND coalesce(aa.valid_to > $as_of, true)
  WITH asset ORDER BY asset.uid
  RETURN collect(DISTINCT asset) AS assets
}
WITH a, found, respondents, assets, head(found) AS top, head(respondents) AS p
RETURN a.case_no AS case_no,
       a.court_code AS court_code,
       p.uid AS party_uid,
       CASE WHEN p IS NULL THEN null
            ELSE coalesce(substring(head(p.source_keys), size(split(head(p.source_keys), ':')[0]) + 1), p.uid) END AS party_id,
       p.id_number AS id_number,
       [f IN found | coalesce(f.au.auction_id, f.au.uid)] + [x IN assets | coalesce(x.asset_id, x.uid)] AS related,
       [n IN [a] + [f IN found | f.au] + assets + respondents | elementId(n)] AS evidence,
       CASE WHEN 0.5 + 0.5 * top.excess / 90.0 > 1 THEN 1.0 ELSE 0.5 + 0.5 * top.excess / 90.0 END AS score,
       '本案' + a.case_no + '拍卖' + coalesce(top.au.auction_id, '')
         + '于' + toString(top.au.ordered_on) + '裁定拍卖，'
         + CASE WHEN top.relist_days IS NOT NULL AND top.relisted IS NULL
                  THEN '于' + toString(top.closed) + '流拍后' + toString(top.relist_days) + '天仍未再次拍卖'
                WHEN top.relist_days IS NOT NULL
                  THEN '于' + toString(top.closed) + '流拍后迟至' + toString(top.relisted) + '（第' + toString(top.relist_days) + '天）才再次挂网'
                ELSE '' END
         + CASE WHEN top.listing_days IS NOT NULL AND top.listed IS NULL
                  THEN '至今' + toString(top.listing_days) + '天仍未挂网拍卖'
                WHEN top.listing_days IS NOT NULL
                  THEN '迟至' + toString(top.listed) + '（第' + toString(top.listing_days) + '天）才挂网拍卖'
                ELSE '' END
         + CASE WHEN top.listing_days IS NOT NULL AND top.open_days IS NOT NULL THEN '，且' ELSE '' END
         + CASE WHEN top.open_days IS NOT NULL
                  THEN '于' + toString(top.listed) + '挂网后' + toString(top.open_days) + '天仍无拍卖结果'
                ELSE '' END
         + CASE WHEN top.relist_days IS NOT NULL THEN '，超过网拍规定第26条规定的' + toString($max_relist_days) + '天'
                ELSE '，超过' + CASE WHEN top.listing_days IS NOT NULL THEN toString($max_listing_days) ELSE toString($max_open_days) END
                     + '天的管理期限' END + CASE WHEN size(found) > 1 THEN '（共' + toString(size(found)) + '项拍卖）' ELSE '' END
         + '。建议核查拍卖进度：网拍规定要求动产拍卖十五日前、不动产三十日前公告（第12条），流拍后三十日内再次拍卖（第26条）。' AS message
ORDER BY case_no
