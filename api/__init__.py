"""The edges of debtgraph: the command line (api.cli) and the HTTP API (api.http)."""
