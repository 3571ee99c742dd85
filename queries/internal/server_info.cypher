// The server's version and edition, for `debtgraph db status` and /version.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
