// Two parties and the link between them, if any (in either direction).
MATCH (a:Party {uid: $a})
MATCH (b:Party {uid: $b})
OPTIONAL MATCH (a)-[r:SAME_AS]-(b)
RETURN a.uid AS a, b.uid AS b, a.id_number AS a_id, b.id_number AS b_id, a.kind AS a_kind, b.kind AS b_kind,
       r.status AS status, r.score AS score
