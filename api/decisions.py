"""Every human decision, portable: `debtgraph decisions export FILE` / `decisions import FILE`.

A graph can always be rebuilt from the courts' exports (a new model version, a new server, a
store lost without backup); what people decided cannot. This writes them as JSON Lines, one
record a line, each attached to its natural key, and puts them back into a rebuilt graph:

- ``alert``: an alert someone acted on, with its whole status history (by the alert's key,
  `<detector>:<case_no or party uid>`; events by their uid, so importing twice changes nothing);
- ``same_as``: a reviewer's confirmation or rejection of an identity link (by the two party uids);
- ``query``: an investigator's saved query (its Cypher and metadata);
- ``api_key``: a key's record — name, role, hash, created, revoked — never the key itself.

Import reports what it restored and what it skipped and why (a party the rebuilt graph does not
have, a key name already taken).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from api.security_store import SecurityStore
from graph_model.db import Graph
from graph_model.schema import MODEL
from graph_model.subgraph import plain
from loaders.identity.links import IdentityError, restore_review
from queries.alerts.store import SYSTEM_ACTOR
from queries.registry import QueryError, Registry
from queries.statements import statement

KINDS = ("alert", "same_as", "query", "api_key")
PAGE = 500


class DecisionsError(ValueError):
    """A decisions file that cannot be read; names the line."""


@dataclass
class ImportReport:
    restored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, why)

    def to_json(self) -> dict[str, Any]:
        return {"restored": self.restored,
                "skipped": [{"line": n, "kind": k, "why": w} for n, k, w in self.skipped]}


def _typed(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """JSON values back to the types graph_model/model.yaml declares (dates and times were written as ISO text)."""
    declared = MODEL.node(label).properties
    out: dict[str, Any] = {}
    for name, value in props.items():
        kind = declared[name].type if name in declared else "string"
        if isinstance(value, str) and kind == "datetime":
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif isinstance(value, str) and kind == "date":
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def records(graph: Graph, store: SecurityStore, registry: Registry) -> Iterator[dict[str, Any]]:
    """Every decision as one JSON-ready record, alerts first."""
    after = ""
    while True:
        rows = graph.read(statement("decisions/alerts"), {"after": after, "limit": PAGE, "system": SYSTEM_ACTOR})
        for row in rows:
            yield {"kind": "alert", "alert": plain(dict(row["alert"])), "events": [plain(dict(e)) for e in row["events"]]}
        if len(rows) < PAGE:
            break
        after = rows[-1]["alert"]["key"]
    for row in graph.read(statement("decisions/same_as")):
        yield {"kind": "same_as", **plain(dict(row))}
    for query in registry.queries.values():
        if query.group == "user" and query.path is not None:
            meta = yaml.safe_load(query.path.with_suffix(".yaml").read_text(encoding="utf-8"))
            yield {"kind": "query", "name": query.name, "cypher": query.path.read_text(encoding="utf-8"),
                   "meta": meta}
    for row in store.con.execute("SELECT name, key_hash, role, created_at, revoked, revoked_at FROM api_keys "
                                 "ORDER BY created_at, name"):
        yield {"kind": "api_key", **dict(row), "revoked": bool(row["revoked"])}


def export(graph: Graph, store: SecurityStore, registry: Registry, target: Path) -> dict[str, int]:
    """Write the decisions file; counts per kind."""
    counts = dict.fromkeys(KINDS, 0)
    with target.open("w", encoding="utf-8") as fh:
        for record in records(graph, store, registry):
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            counts[record["kind"]] += 1
    return counts


def _lines(source: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with source.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise DecisionsError(f"{source.name}, line {number}: not JSON ({exc}); nothing after it was "
                                     "imported") from None
            if not isinstance(record, dict) or record.get("kind") not in KINDS:
                raise DecisionsError(f"{source.name}, line {number}: kind {record.get('kind') if isinstance(record, dict) else record!r} "
                                     f"is not one of {', '.join(KINDS)}")
            yield number, record


def import_(graph: Graph, store: SecurityStore, registry: Registry, source: Path) -> ImportReport:
    """Put the decisions of a file back; what was restored, what was skipped and why."""
    report = ImportReport()
    for number, record in _lines(source):
        kind = record["kind"]
        try:
            why = _restore(graph, store, registry, record)
        except (KeyError, TypeError, ValueError, QueryError) as exc:
            why = f"malformed: {exc}"
        if why is None:
            report.restored[kind] += 1
        else:
            report.skipped.append((number, kind, why))
    return report


def _restore(graph: Graph, store: SecurityStore, registry: Registry, record: dict[str, Any]) -> str | None:
    """Restore one record; None when done, else why it was skipped."""
    kind = record["kind"]
    if kind == "alert":
        alert = _typed("Alert", record["alert"])
        events = [_typed("AlertEvent", e) for e in record["events"]]
        graph.write(statement("decisions/restore_alert"), {"alert": alert, "events": events})
        return None
    if kind == "same_as":
        at = dt.datetime.fromisoformat(record["reviewed_at"]) if record.get("reviewed_at") else None
        try:
            restore_review(graph, record["a"], record["b"], record["status"], record["reviewed_by"] or "import",
                           record.get("reason"), at)
        except IdentityError as exc:
            return str(exc)
        return None
    if kind == "query":
        registry.save_user_query(record["name"], record["cypher"], dict(record["meta"]),
                                 record["meta"].get("author", "import"))
        return None
    created = dt.datetime.fromisoformat(record["created_at"])
    if store.key_by_name(record["name"]) is not None:
        return f"a key named {record['name']!r} exists already"
    store.create_key(name=record["name"], role=record["role"], key_hash=record["key_hash"], created_at=created)
    if record.get("revoked"):
        store.revoke_key(record["name"], dt.datetime.fromisoformat(record["revoked_at"]) if record.get("revoked_at")
                         else created)
    return None
