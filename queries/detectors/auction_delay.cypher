// auction_delay (拍卖迟延): an auction ruled but not listed within max_listing_days, or listed and
// left without a result for more than max_open_days.
MATCH (au:Auction)-[ai:AUCTION_IN]->(a:Case)
WHERE au.ordered_on <= $as_of AND all(f IN [ai, a] WHERE coalesce(f.valid_from <= $as_of, true) AND coalesce(f.valid_to > $as_of, true))
WITH au, a,
     CASE WHEN au.listed_on <= $as_of THEN au.listed_on END AS listed,
     CASE WHEN au.closed_on <= $as_of THEN au.closed_on END AS closed
// As it stood on as_of: a result only counts once the auction closed by then.
WITH au, a, listed, closed,
     CASE WHEN au.closed_on IS NOT NULL AND closed IS NULL THEN 'pending' ELSE au.result END AS result
WITH au, a, listed, closed, result,
     CASE WHEN result = 'withdrawn' THEN null
          WHEN listed IS NULL AND duration.inDays(au.ordered_on, $as_of).days > $max_listing_days
            THEN duration.inDays(au.ordered_on, $as_of).days
          WHEN listed IS NOT NULL AND duration.inDays(au.ordered_on, listed).days > $max_listing_days
            THEN duration.inDays(au.ordered_on, listed).days
          END AS listing_days,
     CASE WHEN listed IS NOT NULL AND closed IS NULL AND (result IS NULL OR result = 'pending')
               AND duration.inDays(listed, $as_of).days > $max_open_days
            THEN duration.inDays(listed, $as_of).days END AS open_days
WHERE listing_days IS NOT NULL OR open_days IS NOT NULL
WITH a, au, listed, listing_days, open_days,
     CASE WHEN coalesce(listing_days - $max_listing_days, 0) > coalesce(open_days - $max_open_days, 0)
          THEN listing_days - $max_listing_days ELSE open_days - $max_open_days END AS excess
ORDER BY excess DESC, au.uid
WITH a, collect({au: au, listed: listed, listing_days: listing_days, open_days: open_days, excess: excess}) AS found
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
         + CASE WHEN top.listing_days IS NOT NULL AND top.listed IS NULL
                  THEN '至今' + toString(top.listing_days) + '天仍未挂网拍卖'
                WHEN top.listing_days IS NOT NULL
                  THEN '迟至' + toString(top.listed) + '（第' + toString(top.listing_days) + '天）才挂网拍卖'
                ELSE '' END
         + CASE WHEN top.listing_days IS NOT NULL AND top.open_days IS NOT NULL THEN '，且' ELSE '' END
         + CASE WHEN top.open_days IS NOT NULL
                  THEN '于' + toString(top.listed) + '挂网后' + toString(top.open_days) + '天仍无拍卖结果'
                ELSE '' END
         + '，超过' + CASE WHEN top.listing_days IS NOT NULL THEN toString($max_listing_days) ELSE toString($max_open_days) END
         + '天的管理期限' + CASE WHEN size(found) > 1 THEN '（共' + toString(size(found)) + '项拍卖）' ELSE '' END
         + '。建议核查拍卖进度：网拍规定要求动产拍卖十五日前、不动产三十日前公告（第12条），流拍后三十日内再次拍卖（第26条）。' AS message
ORDER BY case_no
