// One case with its parties and roles, its origin chain through BASED_ON in both directions
// (what it rests on, and the cases resting on it), measures, payments, auctions and settlements.
MATCH (c:Case {case_no: $case_no})
RETURN c {.*} AS case,
       [(c)<-[r:APPLICANT_IN|RESPONDENT_IN|PLAINTIFF_IN|DEFENDANT_IN|THIRD_PARTY_IN|ADMINISTRATOR_IN]-(p:Party) |
          p {.uid, .name, .kind, .id_number, .status, role: toLower(substring(type(r), 0, size(type(r)) - 3)),
             fees_unpaid: r.fees_unpaid, retired_by: CASE WHEN r.valid_to IS NULL THEN null ELSE r.retired_by END}] AS parties,
       [path = (c)-[:BASED_ON*1..10]->(o:Case) |
          o {.case_no, .kind, .court, .status, .loaded, .closed_on, .outcome, depth: length(path)}] AS origins,
       [path = (d:Case)-[:BASED_ON*1..10]->(c) |
          d {.case_no, .kind, .court, .status, .loaded, .closed_on, .outcome, depth: length(path)}] AS derived,
       [(m:Measure)-[:MEASURE_IN]->(c) |
          m {.uid, .measure_id, .kind, .imposed_on, .lifted_on, retired_by: CASE WHEN m.valid_to IS NULL THEN null ELSE m.retired_by END,
             party: head([(m)-[:RESTRICTS]->(mp:Party) | mp {.uid, .name}]),
             asset: head([(m)-[:ENCUMBERS]->(ma:Asset) | ma {.uid, .kind, .description, .value}])}] AS measures,
       [(pay:Payment)-[:PAYMENT_IN]->(c) | pay {.uid, .payment_id, .received_on, .amount, .disbursed_on, retired_by: CASE WHEN pay.valid_to IS NULL THEN null ELSE pay.retired_by END}] AS payments,
       [(au:Auction)-[:AUCTION_IN]->(c) |
          au {.uid, .auction_id, .ordered_on, .listed_on, .closed_on, .result, .price, retired_by: CASE WHEN au.valid_to IS NULL THEN null ELSE au.retired_by END,
              asset: head([(au)-[:AUCTIONS]->(aa:Asset) | aa {.uid, .kind, .description, .value}])}] AS auctions,
       [(st:Settlement)-[:SETTLES]->(c) |
          st {.uid, .signed_on, .original_amount, .settled_amount, .performed_on, retired_by: CASE WHEN st.valid_to IS NULL THEN null ELSE st.retired_by END,
              payee: head([(st)-[:PAYEE]->(pp:Party) | pp {.uid, .name}])}] AS settlements
