// Other parties that gave the same phone number or address as this party. One row with uid null
// when the party exists and shares nothing; no row when it does not exist.
MATCH (p:Party {uid: $uid})
OPTIONAL CALL (p) {
  MATCH (p)-[h:HAS_PHONE|HAS_ADDRESS]->(c)
  WHERE h.valid_to IS NULL
  WITH c, COUNT { (c)<-[d:HAS_PHONE|HAS_ADDRESS]-(:Party) WHERE d.valid_to IS NULL } - 1 AS sharers
  MATCH (c)<-[ho:HAS_PHONE|HAS_ADDRESS]-(o:Party)
  WHERE o <> p AND ho.valid_to IS NULL
  RETURN o, CASE WHEN c:Phone THEN 'phone' ELSE 'address' END AS via, coalesce(c.number, c.text) AS value, sharers
  ORDER BY sharers, via, value, o.uid
  LIMIT $limit
}
RETURN p.uid AS party, o.uid AS uid, o.name AS name, o.kind AS kind, o.id_number AS id_number, via, value, sharers
