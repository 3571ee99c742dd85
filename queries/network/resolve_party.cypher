// A party named by uid, id_number or <source>:<party_id> (the uid of a party without a valid id).
MATCH (p:Party {uid: $ref}) RETURN p
UNION
MATCH (p:Party {uid: 'src:' + $ref}) RETURN p
UNION
MATCH (p:Party {id_number: $ref}) RETURN p
