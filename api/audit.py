"""The audit trail: who read or ran or changed what, when, from where.

Events are appended to the security store (:mod:`api.security_store`: SQLite beside the data
directory, out of the console's reach), hash-chained and append-only. The CLI records through
:func:`record` (one transaction per event); the HTTP API through an :class:`AuditWriter`, which
commits the events of concurrent requests together (group commit) while each request still waits
for its own event to be committed before it answers. One event that cannot be written never takes
the others of its batch down: the batch is retried event by event. Admins read the trail back with
:func:`events` and :func:`export`; `debtgraph audit verify` checks the chain.
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

from api.security_store import SecurityStore, Verification
from graph_model.subgraph import plain

COLUMNS = ("seq", "uid", "at", "actor", "role", "action", "target", "params", "client", "hash")
MAX_TARGET_CHARS = 300
MAX_PARAMS_CHARS = 16_000
log = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        return str(value)
    return converted


def _text(value: str | None, limit: int) -> str | None:
    """Text the store can keep: lone surrogates replaced, clipped to `limit` with a note of the full length.

    Routes validate what they accept before auditing; this is the last bound, so that no value a
    client sends can make an event unwritable.
    """
    if value is None:
        return None
    value = value.encode("utf-8", "replace").decode("utf-8")
    if len(value) > limit:
        return f"{value[:limit]}…[{len(value)} characters]"
    return value


def event_row(*, actor: str, role: str, action: str, target: str | None = None,
              params: dict[str, Any] | None = None, client: str | None = None) -> dict[str, Any]:
    """One event as the store takes it: a fresh uid, now, parameters as bounded JSON text."""
    params_json = json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=_json_default)
    return {"uid": uuid.uuid4().hex, "at": dt.datetime.now(dt.UTC), "actor": _text(actor, 200) or "",
            "role": _text(role, 50) or "", "action": _text(action, 100) or "",
            "target": _text(target, MAX_TARGET_CHARS), "client": _text(client, 100),
            "params": _text(params_json, MAX_PARAMS_CHARS) or "{}"}


def record(store: SecurityStore, *, actor: str, role: str, action: str, target: str | None = None,
           params: dict[str, Any] | None = None, client: str | None = None) -> str:
    """Append one event in its own transaction; returns its uid. Parameters are stored as JSON text."""
    row = event_row(actor=actor, role=role, action=action, target=target, params=params, client=client)
    store.append_events([row])
    return row["uid"]


def record_many(store: SecurityStore, rows: list[dict[str, Any]]) -> None:
    """Append several events (rows from :func:`event_row`) in one transaction: all or none."""
    store.append_events(rows)


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

    def __init__(self, store: SecurityStore, window: float = 0.002, max_batch: int = 256) -> None:
        self.store = store
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
        return self.record_row(event_row(actor=actor, role=role, action=action, target=target, params=params,
                                         client=client))

    def record_row(self, row: dict[str, Any]) -> str:
        """Hand over a prepared event (:func:`event_row`) and wait for its commit."""
        pending = _Pending(row)
        with self._lock:
            if self._closed:  # after shutdown (a late request): no sharing, but still written before answering
                record_many(self.store, [row])
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
            try:
                record_many(self.store, [p.row for p in batch])
                self.commits += 1
                self.events += len(batch)
            except Exception as exc:  # noqa: BLE001 - isolate the event at fault: retry one by one
                if len(batch) == 1:
                    raise
                log.warning("audit: a batch of %d events failed (%s); writing them one by one", len(batch), exc)
                self._commit_each(batch)
        except BaseException as exc:  # noqa: BLE001 - the waiting request gets the failure and does not answer
            log.warning("audit: %d events not written: %s", len(batch), exc)
            for p in batch:
                p.error = exc
            self._record_failure(batch, exc)
        finally:
            for p in batch:
                p.done.set()

    def _commit_each(self, batch: list[_Pending]) -> None:
        failed = []
        for p in batch:
            try:
                record_many(self.store, [p.row])
                self.commits += 1
                self.events += 1
            except Exception as exc:  # noqa: BLE001 - this request fails (503); the others were written
                p.error = exc
                failed.append(p)
        if failed:
            self._record_failure(failed, failed[0].error or RuntimeError("unknown"))

    def _record_failure(self, failed: list[_Pending], exc: BaseException) -> None:
        """Leave a trace in the trail that events could not be written (best effort: the store may be down)."""
        try:
            record(self.store, actor="debtgraph", role="system", action="audit.write_failed",
                   params={"error": type(exc).__name__, "events": [
                       {"uid": p.row.get("uid"), "actor": str(p.row.get("actor")), "action": str(p.row.get("action"))}
                       for p in failed]})
        except Exception:  # noqa: BLE001 - nothing more can be done here; the requests fail with 503
            log.exception("audit: could not record the failure either")


def events(store: SecurityStore, *, actor: str | None = None, action: str | None = None,
           target: str | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
           skip: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """One page of events, newest first."""
    return store.events(actor=actor, action=action, target=target, since=since, until=until, skip=skip, limit=limit)


def export(store: SecurityStore, fmt: str = "jsonl", since: dt.datetime | None = None) -> Iterator[str]:
    """The trail as CSV (header first) or JSON Lines, chunk by chunk, oldest first, with each event's chain hash."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"format {fmt!r} is not csv or jsonl")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        yield buf.getvalue()
        for row in store.iter_events(since):
            buf.seek(0)
            buf.truncate()
            writer.writerow(row)
            yield buf.getvalue()
    else:
        for row in store.iter_events(since):
            yield json.dumps(row, ensure_ascii=False) + "\n"


def verify(store: SecurityStore, anchor: tuple[int, str] | None = None) -> Verification:
    """Recompute the hash chain (see :meth:`api.security_store.SecurityStore.verify`)."""
    return store.verify(anchor)
