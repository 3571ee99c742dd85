"""The security store: API keys and the audit trail, in SQLite beside the data directory, not in the graph.

Why not Neo4j: Community edition has no per-label privileges, so whatever the graph holds an
investigator can read through the console (a label scan, ``collect``, ``db.*``). Filtering
statements cannot make that impossible; keeping key hashes and the trail of who looked at whom
in a store the console has no connection to does. SQLite in WAL mode lets every process on the
host (API workers, the CLI) share it: readers never block, one writer at a time
(``BEGIN IMMEDIATE``), commits are durable (``synchronous=FULL``) before a request answers.

The trail is append-only (triggers refuse UPDATE and DELETE) and hash-chained: each event's hash
covers its sequence number, its fields and the previous event's hash, so a changed, removed or
reordered event breaks :meth:`SecurityStore.verify` from that point on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_model.db import Graph
from graph_model.settings import Settings
from queries.statements import statement

SCHEMA = (Path(__file__).with_suffix(".sql")).read_text(encoding="utf-8")
GENESIS = "0" * 64
EVENT_FIELDS = ("uid", "at", "actor", "role", "action", "target", "params", "client")
BUSY_TIMEOUT_MS = 15_000


def iso(value: dt.datetime) -> str:
    """A time as the store keeps it: ISO 8601 in UTC with microseconds, so text order is time order."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(seq: int, row: dict[str, Any], prev_hash: str) -> str:
    """The chain link of one event: SHA-256 of its canonical JSON (sequence, fields, previous hash)."""
    canonical = json.dumps([seq, *(row.get(f) for f in EVENT_FIELDS), prev_hash], ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    """What :meth:`SecurityStore.verify` found: the first ``events`` events are intact; ``broken_at`` names the first that is not."""

    events: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


class SecurityStore:
    """Keys and audit events in one SQLite file; one connection per thread, shared across processes by the file."""

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path).expanduser().resolve()
        self.busy_timeout_ms = busy_timeout_ms
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        if not self.path.exists():
            # the key hashes and the trail: the service account's eyes only. Created 600 before SQLite opens it,
            # since SQLite gives its -wal and -shm files the database file's permissions.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        con = self._connect()
        con.executescript(SCHEMA)

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                              check_same_thread=False)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        self._local.con = con
        return con

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        return con if con is not None else self._connect()

    def _write(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """One statement in its own IMMEDIATE transaction (the write lock taken before reading)."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            rows = con.execute(sql, params).fetchall()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return rows

    # ------------------------------------------------------------------ keys

    def create_key(self, *, name: str, role: str, key_hash: str, created_at: dt.datetime) -> dict[str, Any] | None:
        """Insert a key; None when the name (or, astronomically unlikely, the hash) is taken."""
        try:
            self._write("INSERT INTO api_keys (name, key_hash, role, created_at) VALUES (?, ?, ?, ?)",
                        (name, key_hash, role, iso(created_at)))
        except sqlite3.IntegrityError:
            return None
        return self.key_by_name(name)

    def key_by_name(self, name: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT name, role, created_at, revoked FROM api_keys WHERE name = ?",
                               (name,)).fetchone()
        return _key(row) if row else None

    def find_key(self, key_hash: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT name, role, created_at, revoked FROM api_keys WHERE key_hash = ?",
                               (key_hash,)).fetchone()
        return _key(row) if row else None

    def list_keys(self) -> list[dict[str, Any]]:
        rows = self.con.execute("SELECT name, role, created_at, revoked FROM api_keys ORDER BY created_at, name")
        return [_key(r) for r in rows]

    def revoke_key(self, name: str, now: dt.datetime) -> dict[str, Any] | None:
        rows = self._write("UPDATE api_keys SET revoked = 1, revoked_at = coalesce(revoked_at, ?) WHERE name = ? "
                           "RETURNING name, role, created_at, revoked", (iso(now), name))
        return _key(rows[0]) if rows else None

    def mark_inbox_visit(self, key_hash: str, now: dt.datetime) -> dt.datetime | None:
        """Record the visit; the one before it (None the first time or for an unknown key)."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            row = con.execute("SELECT inbox_seen_at FROM api_keys WHERE key_hash = ?", (key_hash,)).fetchone()
            con.execute("UPDATE api_keys SET inbox_seen_at = ? WHERE key_hash = ?", (iso(now), key_hash))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return dt.datetime.fromisoformat(row["inbox_seen_at"]) if row and row["inbox_seen_at"] else None

    # ------------------------------------------------------------------ the audit trail

    def append_events(self, rows: list[dict[str, Any]]) -> None:
        """Append events (all or none) to the chain, in order. Rows carry EVENT_FIELDS; `at` a datetime."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")  # the write lock first: no other process can append between read and insert
        try:
            last = con.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS)
            for row in rows:
                seq += 1
                stored = {**row, "at": iso(row["at"]) if isinstance(row["at"], dt.datetime) else row["at"]}
                link = event_hash(seq, stored, prev)
                con.execute("INSERT INTO audit_events (seq, uid, at, actor, role, action, target, params, client, "
                            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (seq, *(stored[f] for f in EVENT_FIELDS), prev, link))
                prev = link
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def events(self, *, actor: str | None = None, action: str | None = None, target: str | None = None,
               since: dt.datetime | None = None, until: dt.datetime | None = None,
               skip: int = 0, limit: int = 50) -> list[dict[str, Any]]:
        """One page of events, newest first (`since` inclusive, `until` exclusive)."""
        rows = self.con.execute(
            "SELECT * FROM audit_events WHERE (:actor IS NULL OR actor = :actor) "
            "AND (:action IS NULL OR action = :action) AND (:target IS NULL OR target = :target) "
            "AND (:since IS NULL OR at >= :since) AND (:until IS NULL OR at < :until) "
            "ORDER BY seq DESC LIMIT :limit OFFSET :skip",
            {"actor": actor, "action": action, "target": target, "since": since and iso(since),
             "until": until and iso(until), "limit": limit, "skip": skip})
        return [_event(r) for r in rows]

    def iter_events(self, since: dt.datetime | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every event since a time, oldest first, in batches (keyset paging on seq)."""
        after = 0
        while True:
            rows = self.con.execute(
                "SELECT * FROM audit_events WHERE seq > ? AND (? IS NULL OR at >= ?) ORDER BY seq LIMIT ?",
                (after, since and iso(since), since and iso(since), batch)).fetchall()
            for row in rows:
                yield _event(row)
            if len(rows) < batch:
                return
            after = rows[-1]["seq"]

    def verify(self, anchor: tuple[int, str] | None = None) -> Verification:
        """Recompute the chain from the first event; with an anchor (seq, hash) noted earlier, check it is still there."""
        prev, expected_seq, head_hash = GENESIS, 1, GENESIS
        for row in self.con.execute("SELECT * FROM audit_events ORDER BY seq"):
            seq = row["seq"]
            stored = {f: row[f] for f in EVENT_FIELDS}
            if seq != expected_seq:
                return Verification(expected_seq - 1, expected_seq - 1, prev, seq,
                                    f"event {expected_seq} is missing (next is {seq})")
            if row["prev_hash"] != prev:
                return Verification(seq - 1, seq - 1, prev, seq, f"event {seq} does not link to event {seq - 1}")
            if event_hash(seq, stored, prev) != row["hash"]:
                return Verification(seq - 1, seq - 1, prev, seq, f"event {seq} was changed after it was written")
            if anchor and seq == anchor[0] and row["hash"] != anchor[1]:
                return Verification(seq - 1, seq - 1, prev, seq, f"event {seq} does not match the anchor noted earlier")
            prev, head_hash, expected_seq = row["hash"], row["hash"], seq + 1
        count = expected_seq - 1
        if anchor and anchor[0] > count:
            return Verification(count, count, head_hash, count + 1,
                                f"the trail ends at event {count}, before the anchor's event {anchor[0]}: "
                                "events were removed from its end")
        return Verification(count, count, head_hash)


    # ------------------------------------------------------------------ backup

    def snapshot_to(self, target: Path) -> None:
        """A consistent copy of the store while it is in use (SQLite's online backup), for `db backup`."""
        with sqlite3.connect(target) as dest:
            self.con.backup(dest)

    def restore_from(self, source: Path) -> None:
        """Replace the store's content by a snapshot's, in place (other connections then see the snapshot)."""
        with sqlite3.connect(source) as src:
            src.backup(self.con)


def _key(row: sqlite3.Row) -> dict[str, Any]:
    return {"name": row["name"], "role": row["role"], "created_at": row["created_at"], "revoked": bool(row["revoked"])}


def _event(row: sqlite3.Row) -> dict[str, Any]:
    return {f: row[f] for f in ("seq", *EVENT_FIELDS, "hash")}


_STORES: dict[Path, SecurityStore] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: Path) -> SecurityStore:
    """The store at this path, one object per process (its connections are per thread)."""
    resolved = Path(path).expanduser().resolve()
    with _STORES_LOCK:
        store = _STORES.get(resolved)
        if store is None:
            store = _STORES[resolved] = SecurityStore(resolved)
        return store


def store_for(settings: Settings) -> SecurityStore:
    """The store the settings name (DEBTGRAPH_SECURITY_DB, default <data dir>/security.sqlite3)."""
    return open_store(settings.security_db)


def move_from_graph(graph: Graph, store: SecurityStore) -> tuple[int, int]:
    """Move keys and audit events that an older debtgraph kept in the graph into the store; (keys, events).

    Idempotent: keys whose name the store has already are not copied again, events whose uid it has
    are skipped, and the graph's copies are removed only after everything is in the store.
    """
    keys = events = 0
    found = False  # any legacy node at all: only then is there something to remove (every `db start` calls this)
    for row in graph.read(statement("internal/legacy/keys")):
        found = True
        created = _native(row["created_at"]) or dt.datetime.now(dt.UTC)
        if store.create_key(name=row["name"], role=row["role"], key_hash=row["key_hash"], created_at=created):
            keys += 1
            if row["revoked"]:
                store.revoke_key(row["name"], created)
            if row["inbox_seen_at"] is not None:
                store.mark_inbox_visit(row["key_hash"], _native(row["inbox_seen_at"]))
    after_at: Any = None
    after_uid = ""
    while True:
        rows = graph.read(statement("internal/legacy/events"), {"after_at": after_at, "after_uid": after_uid,
                                                                "limit": 1000})
        found = found or bool(rows)
        known = {r[0] for r in store.con.execute(
            "SELECT uid FROM audit_events WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps([r["uid"] for r in rows]),))}
        fresh = [{**{f: r[f] for f in EVENT_FIELDS}, "at": _native(r["at"]), "params": r["params"] or "{}"}
                 for r in rows if r["uid"] not in known]
        if fresh:
            store.append_events(fresh)
            events += len(fresh)
        if len(rows) < 1000:
            break
        after_at, after_uid = rows[-1]["at"], rows[-1]["uid"]
    if found:
        graph.autocommit(statement("internal/legacy/remove"))
    return keys, events


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value
