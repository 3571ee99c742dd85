// Names of the parties with the given uids (for lists that carry only uids, like party-level alerts).
MATCH (p:Party)
WHERE p.uid IN $uids
RETURN p.uid AS uid, p.name AS name
