"""The audit trail: who read or ran or changed what, when, from where.

Events are append-only :AuditEvent nodes; debtgraph has no statement that
updates or deletes them. The CLI records through :func:`record` (one
transaction per event); the HTTP API through an :class:`AuditWriter`, which
commits the events of concurrent requests together (group commit) while each
request still waits for its own event to be committed before it answers.
Admins read them back with :func:`events` and :func:`export`.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_model.db import Graph
from graph_model.subgraph import plain
from queries.statements import statement

COLUMNS = ("uid", "at", "actor", "role", "action", "target", "params", "client")
EXPORT_BATCH = 1000
log = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        return str(value)
    return converted


def event_row(*, actor: str, role: str, action: str, target: str | None = None,
              params: dict[str, Any] | None = None, client: str | None = None) -> dict[str, Any]:
    """One event as the statements take it: a fresh uid, now, parameters as JSON text."""
    return {"uid": uuid.uuid4().hex, "at": dt.datetime.now(dt.UTC), "actor": actor, "role": role, "action": action,
            "target": target, "client": client,
            "params": json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=_json_default)}


def record(graph: Graph, *, actor: str, role: str, action: str, target: str | None = None,
           params: dict[str, Any] | None = None, client: str | None = None) -> str:
    """Append one event in its own transaction; returns its uid. Parameters are stored as JSON text."""
    row = event_row(actor=actor, role=role, action=action, target=target, params=params, client=client)
    graph.write(statement("internal/audit/append"), row)
    return row["uid"]


def record_many(graph: Graph, rows: list[dict[str, Any]]) -> None:
    """Append several events (rows from :func:`event_row`) in one transaction: all or none."""
    graph.write(statement("internal/audit/append_many"), {"rows": rows})


WAIT_LIMIT = 120.0
"""Seconds a request waits for its audit event at most (the driver gives up long before)."""


def _own_copy(exc: BaseException) -> BaseException:
    """The batch's error for one waiting request (each thread raises its own object, own traceback)."""
    try:
        return copy.copy(exc).with_traceback(None)
    except Exception:  # noqa: BLE001 - an exception type that cannot be copied is raised as it is
        return exc


@dataclass
class _Pending:
    row: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class AuditWriter:
    """Group commit for the API: one thread writes the events of concurrent requests in one transaction.

    :meth:`record` hands the event over and blocks until the transaction holding it has committed, or
    raises that transaction's error (so a request whose event could not be written fails, as with
    :func:`record`). The writer takes everything waiting, gathers for up to ``window`` seconds more or
    until ``max_batch`` events, commits, and starts over; only the commits are shared, not the guarantee.
    """

    def __init__(self, graph: Graph, window: float = 0.002, max_batch: int = 256) -> None:
        self.graph = graph
        self.window = max(0.0, window)
        self.max_batch = max(1, max_batch)
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.commits = 0  # transactions committed, for tests and benchmarks
        self.events = 0

    def record(self, *, actor: str, role: str, action: str, target: str | None = None,
               params: dict[str, Any] | None = None, client: str | None = None) -> str:
        """Append one event and return its uid once it is committed; raise if its transaction failed."""
        row = event_row(actor=actor, role=role, action=action, target=target, params=params, client=client)
        pending = _Pending(row)
        with self._lock:
            if self._closed:  # after shutdown (a late request): no sharing, but still written before answering
                record_many(self.graph, [row])
                return row["uid"]
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()
            self._queue.put(pending)
        if not pending.done.wait(WAIT_LIMIT):
            raise TimeoutError(f"the audit event was not committed within {WAIT_LIMIT:.0f} s")
        if pending.error is not None:
            raise _own_copy(pending.error)
        return row["uid"]

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is pending, then stop the writer (the app's shutdown)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            deadline = time.monotonic() + self.window
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    try:
                        item = self._queue.get(timeout=left)
                    except queue.Empty:
                        break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            record_many(self.graph, [p.row for p in batch])
            self.commits += 1
            self.events += len(batch)
        except BaseException as exc:  # noqa: BLE001 - every waiting request gets the failure, none answers
            log.warning("audit: %d events not written: %s", len(batch), exc)
            for p in batch:
                p.error = exc
        finally:
            for p in batch:
                p.done.set()


def events(graph: Graph, *, actor: str | None = None, action: str | None = None, target: str | None = None,
           since: dt.datetime | None = None, until: dt.datetime | None = None,
           skip: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """One page of events, newest first."""
    rows = graph.read(statement("internal/audit/list"), {
        "actor": actor, "action": action, "target": target, "since": since, "until": until,
        "skip": skip, "limit": limit,
    })
    return [plain(r) for r in rows]


def iter_events(graph: Graph, since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every event since a time, oldest first, read in batches (keyset paging, constant memory)."""
    after_at: Any = None
    after_uid = ""
    while True:
        rows = graph.read(statement("internal/audit/export"), {
            "since": since, "after_at": after_at, "after_uid": after_uid, "limit": EXPORT_BATCH,
        })
        for row in rows:
            yield plain(row)
        if len(rows) < EXPORT_BATCH:
            return
        after_at, after_uid = rows[-1]["at"], rows[-1]["uid"]


def export(graph: Graph, fmt: str = "jsonl", since: dt.datetime | None = None) -> Iterator[str]:
    """The trail as CSV (header first) or JSON Lines, chunk by chunk."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"format {fmt!r} is not csv or jsonl")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        yield buf.getvalue()
        for row in iter_events(graph, since):
            buf.seek(0)
            buf.truncate()
            writer.writerow(row)
            yield buf.getvalue()
    else:
        for row in iter_events(graph, since):
            yield json.dumps(row, ensure_ascii=False) + "\n"
