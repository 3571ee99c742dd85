-- The security store: API keys and the audit trail, kept OUT of the graph (SQLite, WAL mode).
-- Neo4j Community has no per-label privileges, so anything in the graph is readable through the
-- investigators' console; key hashes and the trail of who looked at whom must not be. See
-- docs/api.md ("Where keys and the audit trail live").

CREATE TABLE IF NOT EXISTS api_keys (
  name          TEXT PRIMARY KEY,            -- unique, stays taken after revocation
  key_hash      TEXT NOT NULL UNIQUE,        -- SHA-256 of the key; the key itself is never stored
  role          TEXT NOT NULL,
  created_at    TEXT NOT NULL,               -- ISO 8601, UTC
  revoked       INTEGER NOT NULL DEFAULT 0,
  revoked_at    TEXT,
  inbox_seen_at TEXT                         -- when the key last opened the web alert inbox
);

-- Append-only and hash-chained: hash = SHA-256 over (seq, the event's fields, prev_hash);
-- `debtgraph audit verify` recomputes the chain.
CREATE TABLE IF NOT EXISTS audit_events (
  seq       INTEGER PRIMARY KEY,             -- 1, 2, 3 … in commit order, no gaps
  uid       TEXT NOT NULL UNIQUE,
  at        TEXT NOT NULL,                   -- ISO 8601, UTC, microseconds (sorts as text)
  actor     TEXT NOT NULL,
  role      TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT,
  params    TEXT NOT NULL,                   -- JSON of the request's parameters
  client    TEXT,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, seq);
CREATE INDEX IF NOT EXISTS audit_events_action ON audit_events (action, seq);
CREATE INDEX IF NOT EXISTS audit_events_target ON audit_events (target, seq);

CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
