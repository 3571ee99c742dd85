"""The audit trail: who read or ran or changed what, when, from where.

Events are append-only :AuditEvent nodes; debtgraph has no statement that
updates or deletes them. The HTTP API and the CLI both record through
:func:`record`, and admins read them back with :func:`events` and
:func:`export`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

from graph_model.db import Graph
from graph_model.subgraph import plain
from queries.statements import statement

COLUMNS = ("uid", "at", "actor", "role", "action", "target", "params", "client")
EXPORT_BATCH = 1000


def _json_default(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        return str(value)
    return converted


def record(graph: Graph, *, actor: str, role: str, action: str, target: str | None = None,
           params: dict[str, Any] | None = None, client: str | None = None) -> str:
    """Append one event; returns its uid. Parameters are stored as JSON text."""
    uid = uuid.uuid4().hex
    graph.write(statement("internal/audit/append"), {
        "uid": uid, "at": dt.datetime.now(dt.UTC), "actor": actor, "role": role, "action": action,
        "target": target, "params": json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=_json_default),
        "client": client,
    })
    return uid


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
