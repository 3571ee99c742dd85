"""A first load of a large backlog through Neo4j's offline importer (`debtgraph load --bulk-initial DIR …`).

The transactional loader (loaders/load.py) MERGEs batch after batch and reaches ~10k elements/s
on a small machine; `neo4j-admin database import full` writes store files directly, several
times faster, but only into an empty database with the server stopped. This module gives the
importer exactly the graph the transactional load would build:

1. every export is cleaned and checked by the loader's own code (:func:`loaders.load.run_export`):
   same rejection report, same per-file summary, same flagged rows; the cleaned statement rows go
   to :class:`Collector` instead of the database;
2. the collector reduces those rows to final nodes and relationships as the MERGE statements of
   queries/load/*.cypher would, across all exports in the order given — one declaration per
   statement in :data:`STATEMENTS`, each the twin of its .cypher file;
3. the importer's CSV files are written, typed from graph_model/model.yaml;
4. the server is stopped, the importer replaces the database, the server is started, the schema
   is migrated (indexes populated and ONLINE) and the Export nodes record their summaries.

The guard against drift is tests/test_loaders_bulk.py: it loads the same exports both ways and
requires identical graphs and rejection reports. When you change a queries/load/*.cypher
statement, change its twin in :data:`STATEMENTS` here; that test fails until the two agree.

Memory: an element is one Python list of its property slots, keyed by its model key; the
exports it came from are a bit mask (``sources`` and ``first_loaded_at`` are derived from it),
so 1M parties stay within a few GB.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

from neo4j import GraphDatabase

from graph_model.db import Graph
from graph_model.schema import MODEL
from graph_model.settings import Settings
from loaders.load import LoadSummary, Parts, Progress, Sink, open_export, run_export, source_name, summary_json
from loaders.readers import ExportError, Table
from neo4j_local import server
from queries.statements import statement

# -- the reduction rules -------------------------------------------------------------
KEEP = "keep"  # n.p = coalesce(n.p, row.f): the first non-null value stays
PUT = "put"  # n.p = row.f: overwritten (null removes it)
ADD = "add"  # sorted-set insertion of row.f into the list n.p (like `sources`)
CREATE = "create"  # ON CREATE SET n.p = row.f
UNLESS_LOADED = "unless_loaded"  # cases.cypher: row.f while the case is not loaded, else coalesce
LATEST = "latest"  # n.p = coalesce(row.f, n.p): the newest non-null value (facts with the export's own uid)
SOURCE = "$source"  # a rule's value: the name of the export being loaded (cases.cypher's loaded_by)


@dataclass(frozen=True)
class Const:
    """A literal in a statement (`c.loaded = true`) instead of a row field."""

    value: Any


Rule = tuple[str, str, "str | Const"]  # (property, rule, row field or Const)


@dataclass(frozen=True)
class Node:
    """MERGE (n:<label> {<model key>: row.<key>}) with its SET rules; `sources` and `first_loaded_at` always."""

    label: str
    key: str
    rules: tuple[Rule, ...] = ()
    label_from: str | None = None  # SET n:$(row.<field>)
    extra: bool = False  # SET n += row.extra


@dataclass(frozen=True)
class Rel:
    """MERGE (a)-[r:<type>]->(b) with its SET rules; `type` "$field" takes the type from the row."""

    type: str
    start: tuple[str, str]  # (label, row field holding the start node's key)
    end: tuple[str, str]
    rules: tuple[Rule, ...] = ()
    extra: bool = False


@dataclass(frozen=True)
class Statement:
    """One queries/load/*.cypher: the nodes it MATCHes first (no match: the row does nothing), then its MERGEs."""

    match: tuple[tuple[str, str], ...]
    merges: tuple[Node | Rel, ...]


_PARTY = ("Party", "uid")
_CASE = ("Case", "case_no")

# One entry per statement of queries/load/ that writes rows; read each beside its .cypher file.
STATEMENTS: dict[str, Statement] = {
    "load/parties": Statement((), (Node("Party", "uid", label_from="label", extra=True, rules=(
        ("entity_id", CREATE, "uid"),
        ("source_keys", ADD, "source_key"),
        ("names", ADD, "name"),
        ("entity_id", KEEP, "uid"),
        ("name", KEEP, "name"),
        ("kind", KEEP, "kind"),
        ("id_number", KEEP, "id_number"),
        ("id_number_raw", KEEP, "id_number_raw"),
        ("id_invalid", KEEP, "id_invalid"),
        ("status", KEEP, "status"),
        ("registered_on", KEEP, "registered_on"),
    )),)),
    "load/phones": Statement((), (Node("Phone", "key"),)),
    "load/addresses": Statement((), (Node("Address", "key"),)),
    "load/party_phones": Statement((_PARTY, ("Phone", "key")), (Rel("HAS_PHONE", _PARTY, ("Phone", "key")),)),
    "load/party_addresses": Statement((_PARTY, ("Address", "key")),
                                      (Rel("HAS_ADDRESS", _PARTY, ("Address", "key")),)),
    "load/cases": Statement((), (Node("Case", "case_no", extra=True, rules=(
        ("loaded", PUT, Const(True)),
        ("loaded_by", UNLESS_LOADED, SOURCE),  # a first load never re-exports: cases.cypher's `reloaded` is false
        *((p, UNLESS_LOADED, p) for p in ("kind", "court", "court_code", "year", "type_code", "seq", "cause",
                                          "filed_on", "closed_on", "status", "amount", "amount_paid",
                                          "outstanding", "outcome", "claims_deadline")),
    )),)),
    "load/case_origins": Statement((), (Node("Case", "case_no", rules=(
        ("loaded", CREATE, Const(False)),
        *((p, CREATE, p) for p in ("kind", "court_code", "year", "type_code", "seq")),
    )),)),
    "load/based_on": Statement((_CASE, ("Case", "origin")), (Rel("BASED_ON", _CASE, ("Case", "origin")),)),
    "load/case_parties": Statement((_PARTY, _CASE), (Rel("$type", _PARTY, _CASE, extra=True, rules=(
        ("fees_unpaid", KEEP, "fees_unpaid"),
    )),)),
    "load/relations": Statement((("Party", "from_uid"), ("Party", "to_uid")), (
        Rel("$type", ("Party", "from_uid"), ("Party", "to_uid"), extra=True, rules=(
            ("since", KEEP, "since"), ("until", KEEP, "until"))),)),
    "load/shareholdings": Statement((("Party", "from_uid"), ("Party", "to_uid")), (
        Rel("SHAREHOLDER_OF", ("Party", "from_uid"), ("Party", "to_uid"), extra=True, rules=(
            ("share", KEEP, "share"), ("since", KEEP, "since"), ("until", KEEP, "until"))),)),
    "load/assets": Statement((("Party", "owner_uid"),), (
        Node("Asset", "uid", extra=True, rules=(
            ("asset_id", PUT, "asset_id"), ("kind", LATEST, "kind"), ("description", LATEST, "description"),
            ("registry_no", LATEST, "registry_no"), ("value", LATEST, "value"))),
        Rel("OWNS", ("Party", "owner_uid"), ("Asset", "uid")),
    )),
    "load/asset_debtors": Statement((("Asset", "uid"), ("Party", "debtor_uid")),
                                    (Rel("OWED_BY", ("Asset", "uid"), ("Party", "debtor_uid")),)),
    "load/transfers": Statement((("Asset", "asset_uid"), ("Party", "from_uid"), ("Party", "to_uid")), (
        Node("Transfer", "uid", extra=True, rules=(("transferred_on", PUT, "transferred_on"), ("price", LATEST, "price"))),
        Rel("TRANSFERRED", ("Party", "from_uid"), ("Transfer", "uid")),
        Rel("TRANSFERRED_TO", ("Transfer", "uid"), ("Party", "to_uid")),
        Rel("TRANSFER_OF", ("Transfer", "uid"), ("Asset", "asset_uid")),
    )),
    "load/measures": Statement((_CASE,), (
        Node("Measure", "uid", extra=True, rules=(
            ("measure_id", PUT, "measure_id"), ("kind", LATEST, "kind"), ("imposed_on", LATEST, "imposed_on"),
            ("lifted_on", LATEST, "lifted_on"))),
        Rel("MEASURE_IN", ("Measure", "uid"), _CASE),
    )),
    "load/measure_parties": Statement((("Measure", "uid"), ("Party", "party_uid")),
                                      (Rel("RESTRICTS", ("Measure", "uid"), ("Party", "party_uid")),)),
    "load/measure_assets": Statement((("Measure", "uid"), ("Asset", "asset_uid")),
                                     (Rel("ENCUMBERS", ("Measure", "uid"), ("Asset", "asset_uid")),)),
    "load/settlements": Statement((_CASE,), (
        Node("Settlement", "uid", extra=True, rules=(
            ("signed_on", PUT, "signed_on"), ("settled_amount", PUT, "settled_amount"),
            ("original_amount", LATEST, "original_amount"), ("performed_on", LATEST, "performed_on"))),
        Rel("SETTLES", ("Settlement", "uid"), _CASE),
    )),
    "load/settlement_payees": Statement((("Settlement", "uid"), ("Party", "payee_uid")),
                                        (Rel("PAYEE", ("Settlement", "uid"), ("Party", "payee_uid")),)),
    "load/payments": Statement((_CASE,), (
        Node("Payment", "uid", extra=True, rules=(
            ("payment_id", PUT, "payment_id"), ("received_on", LATEST, "received_on"), ("amount", LATEST, "amount"),
            ("disbursed_on", LATEST, "disbursed_on"))),
        Rel("PAYMENT_IN", ("Payment", "uid"), _CASE),
    )),
    "load/auctions": Statement((_CASE,), (
        Node("Auction", "uid", extra=True, rules=(
            ("auction_id", PUT, "auction_id"), ("ordered_on", LATEST, "ordered_on"), ("listed_on", LATEST, "listed_on"),
            ("closed_on", LATEST, "closed_on"), ("result", LATEST, "result"), ("price", LATEST, "price"))),
        Rel("AUCTION_IN", ("Auction", "uid"), _CASE),
    )),
    "load/auction_assets": Statement((("Auction", "uid"), ("Asset", "asset_uid")),
                                     (Rel("AUCTIONS", ("Auction", "uid"), ("Asset", "asset_uid")),)),
    "load/detentions": Statement((("Party", "party_uid"),), (
        Node("Detention", "uid", extra=True, rules=(
            ("start_on", PUT, "start_on"), ("facility", LATEST, "facility"), ("kind", LATEST, "kind"),
            ("end_on", LATEST, "end_on"))),
        Rel("DETAINED", ("Party", "party_uid"), ("Detention", "uid")),
    )),
}

# Slots of an element's list: the exports' bit mask, extra labels, extra properties, then the model's properties.
_MASK, _LABELS, _EXTRA, _FIRST = 0, 1, 2, 3
_NOT_STORED = {"sources", "first_loaded_at",  # derived from the mask when the files are written
               "valid_from", "valid_to", "retired_by"}  # absent in a first load: every fact is current since always


def _layout(label_or_type: str) -> dict[str, int]:
    """Slot of each declared property of a label or relationship type (key and provenance excluded)."""
    props = MODEL.properties_of(label_or_type)
    key = MODEL.nodes[label_or_type].key if label_or_type in MODEL.nodes else None
    names = [p for p in props if p != key and p not in _NOT_STORED]
    return {name: _FIRST + i for i, name in enumerate(names)}


class BulkError(Exception):
    """The bulk load could not be done; the message says why and what state the database is in."""


class BulkRefused(BulkError):
    """A precondition failed before anything happened (remote server, non-empty database, …)."""


class Collector:
    """Holds the final nodes and relationships of all exports as the load statements would merge them."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[Any, list[Any]]] = {label: {} for label in MODEL.nodes}
        self.rels: dict[str, dict[tuple[Any, Any], list[Any]]] = {}
        self.layouts: dict[str, dict[str, int]] = {}
        self.extra_keys: dict[str, set[str]] = {}
        self.sources: list[str] = []
        self.nows: list[dt.datetime] = []
        self._compiled: dict[tuple[str, int], list[tuple[int, str, Any, bool]]] = {}
        self._was_loaded = False  # the Case being merged was loaded before this row
        self.added = 0  # facts the last applied chunk asserted for the first time for its export

    # -- what the loader asks ------------------------------------------------------
    def known_cases(self, case_nos: list[str]) -> set[str]:
        """Loaded cases among these (load/known_cases.cypher: Case.loaded = true)."""
        cases = self.nodes["Case"]
        slot = self._slots("Case")["loaded"]
        return {no for no in case_nos if (c := cases.get(no)) is not None and c[slot] is True}

    def sink(self, bit: int) -> Callable[[dict[str, Any], Any, Callable[[str, int], None]], Sink]:
        """A loader sink (loaders.load.SinkFactory) for the export whose bit this is."""
        collector = self

        class _Sink:
            def __init__(self, params: dict[str, Any], counters: Any, advance: Callable[[str, int], None]) -> None:
                self.counters = counters
                self.advance = advance

            def submit(self, parts: Parts, file: str, rows: int) -> None:
                nodes, rels = collector.apply(parts, bit)
                self.counters.nodes += nodes
                self.counters.rels += rels
                # facts new to this export (the transactional tail's `added`; a first load changes nothing)
                self.counters.facts.setdefault(file, [0, 0, 0])[0] += collector.added
                self.advance(file, rows)

            def drain(self) -> None:
                pass

            def close(self) -> None:
                pass

        return _Sink

    # -- the reduction ---------------------------------------------------------------
    def _slots(self, label_or_type: str) -> dict[str, int]:
        layout = self.layouts.get(label_or_type)
        if layout is None:
            layout = self.layouts[label_or_type] = _layout(label_or_type)
        return layout

    def _rules(self, element: str, merge: Node | Rel) -> list[tuple[int, str, Any, bool]]:
        key = (element, id(merge))
        compiled = self._compiled.get(key)
        if compiled is None:
            slots = self._slots(element)
            compiled = [(slots[prop], rule, src.value if isinstance(src, Const) else src, isinstance(src, Const))
                        for prop, rule, src in merge.rules]
            self._compiled[key] = compiled
        return compiled

    def apply(self, parts: Parts, bit: int) -> tuple[int, int]:
        """Merge one chunk's statement rows; returns (nodes created, relationships created)."""
        nodes = rels = 0
        self.added = 0
        self._source = self.sources[bit.bit_length() - 1]  # the export these rows come from ($source)
        for name, rows in parts:
            decl = STATEMENTS.get(name)
            if decl is None:
                raise BulkError(f"{name}: the loader writes rows to a statement without a twin in loaders/bulk.py "
                                "STATEMENTS; declare how it merges before loading with --bulk-initial")
            for row in rows:
                if any(row[f] not in self.nodes[label] for label, f in decl.match):
                    continue
                for merge in decl.merges:
                    if isinstance(merge, Node):
                        nodes += self._merge_node(merge, row, bit)
                    else:
                        rels += self._merge_rel(merge, row, bit)
        return nodes, rels

    def _set(self, slots: list[Any], merge: Node | Rel, element: str, row: dict[str, Any], created: bool) -> None:
        known = None
        for idx, rule, src, const in self._rules(element, merge):
            value = src if const else self._source if src == SOURCE else row[src]
            if rule == KEEP:
                if slots[idx] is None:
                    slots[idx] = value
            elif rule == PUT:
                slots[idx] = value
            elif rule == CREATE:
                if created:
                    slots[idx] = value
            elif rule == ADD:
                current = slots[idx]
                if current is None:
                    slots[idx] = (value,)
                elif value not in current:
                    slots[idx] = tuple(sorted((*current, value)))
            elif rule == LATEST:
                if value is not None:
                    slots[idx] = value
            elif rule == UNLESS_LOADED:
                if known is None:  # the case's state before this row (cases.cypher: WITH … AS known)
                    known = self._was_loaded
                if not known or slots[idx] is None:
                    slots[idx] = value
            else:  # pragma: no cover - a typo in STATEMENTS
                raise AssertionError(rule)
        if merge.extra and row["extra"]:
            slots[_EXTRA] = {**(slots[_EXTRA] or {}), **row["extra"]}
            self.extra_keys.setdefault(element, set()).update(row["extra"])

    def _merge_node(self, merge: Node, row: dict[str, Any], bit: int) -> int:
        store = self.nodes[merge.label]
        key = intern(row[merge.key])  # one string object per key, shared by the relationships that name it
        slots = store.get(key)
        created = slots is None
        if slots is None:
            slots = store[key] = [0, None, None] + [None] * len(self._slots(merge.label))
        if merge.label == "Case":
            self._was_loaded = slots[self._slots("Case")["loaded"]] is True
        self.added += not slots[_MASK] & bit
        slots[_MASK] |= bit
        self._set(slots, merge, merge.label, row, created)
        if merge.label_from is not None:
            label = row[merge.label_from]
            if label not in MODEL.nodes[merge.label].extra_labels:
                raise BulkError(f"{label!r} is not an extra label of {merge.label} in graph_model/model.yaml")
            labels = slots[_LABELS]
            if labels is None:
                slots[_LABELS] = (label,)
            elif label not in labels:
                slots[_LABELS] = tuple(sorted((*labels, label)))
        return int(created)

    def _merge_rel(self, merge: Rel, row: dict[str, Any], bit: int) -> int:
        rel_type = row[merge.type[1:]] if merge.type.startswith("$") else merge.type
        spec = MODEL.relationships.get(rel_type)
        if spec is None or (spec.start, spec.end) != (merge.start[0], merge.end[0]):
            raise BulkError(f"relationship {rel_type} from {merge.start[0]} to {merge.end[0]} is not declared "
                            "in graph_model/model.yaml")
        store = self.rels.get(rel_type)
        if store is None:
            store = self.rels[rel_type] = {}
        key = (intern(row[merge.start[1]]), intern(row[merge.end[1]]))
        slots = store.get(key)
        created = slots is None
        if slots is None:
            slots = store[key] = [0, None, None] + [None] * len(self._slots(rel_type))
        self.added += not slots[_MASK] & bit
        slots[_MASK] |= bit
        self._set(slots, merge, rel_type, row, created)
        return int(created)

    @property
    def node_count(self) -> int:
        return sum(len(s) for s in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(len(s) for s in self.rels.values())


# -- the importer's files ----------------------------------------------------------------
ARRAY_DELIMITER = "\x1f"  # cleaned text never holds it (clean_text turns every whitespace run into one space)
_IMPORT_TYPES = {"string": "string", "integer": "long", "float": "double", "boolean": "boolean", "date": "date",
                 "datetime": "datetime", "list<string>": "string[]"}


def _array(values: tuple[str, ...] | list[str]) -> str:
    for v in values:
        if ARRAY_DELIMITER in v:
            raise BulkError(f"value {v!r} holds the importer's array delimiter U+001F; load it with `debtgraph load`")
    return ARRAY_DELIMITER.join(values)


def _converter(kind: str) -> Callable[[Any], Any]:
    if kind == "list<string>":
        return lambda v: None if v is None else _array(v)
    if kind == "boolean":
        return lambda v: None if v is None else ("true" if v else "false")
    if kind in ("date", "datetime"):
        return lambda v: None if v is None else v.isoformat()
    if kind == "float":
        return lambda v: None if v is None else repr(float(v))
    return lambda v: v


class _Provenance:
    """`sources` and `first_loaded_at` of a bit mask (exports in load order)."""

    def __init__(self, sources: list[str], nows: list[dt.datetime]) -> None:
        self.sources = sources
        self.nows = [n.isoformat() for n in nows]
        self._cache: dict[int, tuple[str, str]] = {}

    def __call__(self, mask: int) -> tuple[str, str]:
        got = self._cache.get(mask)
        if got is None:
            names = sorted(s for i, s in enumerate(self.sources) if mask >> i & 1)
            first = (mask & -mask).bit_length() - 1
            got = self._cache[mask] = (_array(names), self.nows[first])
        return got


def _columns(element: str, layout: dict[str, int], extra: set[str]) -> tuple[list[str], list[tuple[int, Callable[[Any], Any]]]]:
    props = MODEL.properties_of(element)
    header, getters = [], []
    for name, slot in layout.items():
        header.append(f"{name}:{_IMPORT_TYPES[props[name].type]}")
        getters.append((slot, _converter(props[name].type)))
    header += ["sources:string[]", "first_loaded_at:datetime", *(f"{e}:string" for e in sorted(extra))]
    return header, getters


def write_import_files(collector: Collector, out: Path) -> list[str]:
    """One CSV per label and relationship type (header line first); returns the importer's --nodes/--relationships."""
    prov = _Provenance(collector.sources, collector.nows)
    args: list[str] = []
    for label, store in collector.nodes.items():
        if not store:
            continue
        layout = collector._slots(label)
        extra = sorted(collector.extra_keys.get(label, ()))
        cols, getters = _columns(label, layout, set(extra))
        key = MODEL.nodes[label].key
        path = out / f"nodes-{label}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f"{key}:ID({label})", ":LABEL", *cols])
            for k, slots in store.items():
                labels = label if slots[_LABELS] is None else _array((label, *slots[_LABELS]))
                ex = slots[_EXTRA]
                w.writerow([k, labels, *(conv(slots[i]) for i, conv in getters), *prov(slots[_MASK]),
                            *((ex.get(e) for e in extra) if ex else (None for _ in extra))])
        args.append(f"--nodes={path}")
    for rel_type, rstore in sorted(collector.rels.items()):
        if not rstore:
            continue
        spec = MODEL.relationships[rel_type]
        layout = collector._slots(rel_type)
        extra = sorted(collector.extra_keys.get(rel_type, ()))
        cols, getters = _columns(rel_type, layout, set(extra))
        path = out / f"rels-{rel_type}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f":START_ID({spec.start})", f":END_ID({spec.end})", *cols])
            for (a, b), slots in rstore.items():
                ex = slots[_EXTRA]
                w.writerow([a, b, *(conv(slots[i]) for i, conv in getters), *prov(slots[_MASK]),
                            *((ex.get(e) for e in extra) if ex else (None for _ in extra))])
        args.append(f"--relationships={rel_type}={path}")
    return args


# -- the whole bulk load ---------------------------------------------------------------
@dataclass
class BulkSummary:
    """What a bulk first load did: each export's load summary, the graph's size and the time of each phase."""

    exports: list[LoadSummary]
    nodes: int = 0
    relationships: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # this Python process (cleaning, collecting, writing the files)
    importer_peak_rss_mb: float = 0.0  # the neo4j-admin import JVM

    @property
    def elements(self) -> int:
        return self.nodes + self.relationships

    def to_dict(self) -> dict[str, Any]:
        return {"exports": [s.to_dict() for s in self.exports], "nodes": self.nodes,
                "relationships": self.relationships, "phases": self.phases, "seconds": self.seconds,
                "peak_rss_mb": self.peak_rss_mb, "importer_peak_rss_mb": self.importer_peak_rss_mb}


def unfinished_marker(settings: Settings) -> Path:
    """Written before the server is stopped for the import, removed once the load is recorded: while it exists
    the database holds an unfinished bulk load (or the store the import was replacing), never a user's graph."""
    return settings.data_dir / "bulk-initial.unfinished"


def _recover_interrupted(settings: Settings) -> bool:
    """After a bulk load that was killed: stop its orphaned importer; True when the database may be overwritten."""
    marker = unfinished_marker(settings)
    if not marker.exists():
        return False
    try:
        pid = int(json.loads(marker.read_text(encoding="utf-8")).get("importer_pid") or 0)
    except (ValueError, OSError):
        pid = 0
    if pid and server.status_kb(pid, "VmRSS") is not None and "database" in _cmdline(pid) \
            and "import" in _cmdline(pid):
        os.kill(pid, signal.SIGKILL)  # its half-written store is replaced by this run's import
        deadline = time.monotonic() + 30
        while server.status_kb(pid, "VmRSS") is not None and time.monotonic() < deadline:
            time.sleep(0.1)
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def check_preconditions(graph: Graph) -> None:
    """Refuse (BulkRefused) unless the local server is used and its database holds no node at all.

    The one exception: an earlier bulk load that was interrupted (its marker is still there) left the
    database in its own unfinished state, which this load may replace.
    """
    settings = graph.settings
    if not settings.local:
        raise BulkRefused(f"NEO4J_URI is set ({settings.neo4j_uri}): --bulk-initial replaces the store files of "
                          "debtgraph's own local server and cannot reach a remote or Docker server; use "
                          "`debtgraph load DIR` (the transactional loader) there")
    if _recover_interrupted(settings):
        return  # the import below stops the server if it runs and overwrites the database
    if server.status(settings).state != "running":
        server.start(settings)
    counts = graph.counts()
    if counts["nodes"] or counts["relationships"]:
        raise BulkRefused(f"the database {settings.neo4j_database!r} is not empty ({counts['nodes']:,} nodes, "
                          f"{counts['relationships']:,} relationships): --bulk-initial replaces the whole database, "
                          "so it only makes a first load; load into a non-empty graph with `debtgraph load DIR`, "
                          "or empty it first (`debtgraph db reset --yes`)")


def _run_sampled(cmd: list[str], env: dict[str, str], cwd: Path,
                 marker: Path | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run a command to its end; its output and its own peak RSS in MB (VmHWM, read twice a second).

    Not getrusage(RUSAGE_CHILDREN): Linux carries the forking process's high-water mark across
    exec, so a child of a 5 GB Python process would report at least 5 GB whatever it used.
    """
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if marker is not None:  # a later run must find (and stop) this importer if we are killed meanwhile
        marker.write_text(json.dumps({"importer_pid": proc.pid, "since": dt.datetime.now(dt.UTC).isoformat()}),
                          encoding="utf-8")
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, server.status_kb(proc.pid, "VmHWM") or 0)  # None once it is gone
        try:
            out, err = proc.communicate(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            continue
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak_kb / 1024


def _run_import(graph: Graph, files: list[str], workdir: Path, phases: dict[str, float]) -> float:
    """Stop the server, import into the configured database, start the server again (also on failure).

    Returns the importer JVM's peak RSS in MB.
    """
    settings = graph.settings
    lib = server.ensure_artifacts()
    home = server.home_dir(settings)
    report = workdir / "import.report"
    cmd = [server.java_binary(), "-cp", f"{lib}/*", server.ADMIN_TOOL, "database", "import", "full",
           settings.neo4j_database, "--overwrite-destination=true", "--id-type=string",
           "--array-delimiter=U+001F", "--delimiter=,", "--quote=\"", "--multiline-fields=false",
           "--bad-tolerance=0", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
           f"--report-file={report}", *files]
    t = time.perf_counter()
    marker = unfinished_marker(settings)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"importer_pid": None, "since": dt.datetime.now(dt.UTC).isoformat()}),
                      encoding="utf-8")
    server.stop(settings)
    phases["server_stop"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    try:
        server.write_config(settings)
        env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
        done, peak_mb = _run_sampled(cmd, env, workdir, marker)
    finally:
        phases["import"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        server.start(settings)
        phases["server_start"] = round(time.perf_counter() - t, 3)
    log = server.log_file(settings).with_name("bulk-import.log")  # the importer's own account of its stages
    log.write_text(f"{' '.join(cmd)}\n\n{done.stdout}\n{done.stderr}", encoding="utf-8")
    if done.returncode != 0:
        tail = report.read_text(errors="replace")[-2000:] if report.exists() else ""
        raise BulkError(f"neo4j-admin database import failed (exit {done.returncode}); the database "
                        f"{settings.neo4j_database!r} may be empty or unusable — fix the cause and run again "
                        f"(importer output: {log}):\n"
                        f"{done.stdout[-3000:]}{done.stderr[-3000:]}{tail}")
    return peak_mb


def bulk_initial_load(graph: Graph, directories: list[Path], sources: list[str] | None = None,
                      rejects: list[Path | None] | None = None, encoding: str | None = None,
                      keep_extra: bool = False, progress: Progress | None = None,
                      phase: Callable[[str], None] | None = None, workdir: Path | None = None) -> BulkSummary:
    """First load of several exports, in order, into the empty local database through the offline importer.

    Raises BulkRefused (nothing done) for a remote server, a non-empty database, repeated source
    names or an unreadable export; BulkError when the import itself fails. The graph is the one
    ``load_export`` of the same exports in the same order builds (tests/test_loaders_bulk.py).
    """
    started = time.perf_counter()
    names = sources or [source_name(d, None) for d in directories]
    if len(names) != len(directories):
        raise BulkRefused("give one source name per export directory")
    if len(set(names)) != len(names):
        raise BulkRefused(f"two exports have the same source name ({', '.join(names)}); give each its own")
    check_preconditions(graph)
    opened: list[tuple[list[Table], list[str]]] = []
    for directory in directories:
        try:
            opened.append(open_export(directory, encoding))
        except ExportError as exc:
            raise BulkRefused(f"{exc} — nothing was loaded") from exc
        for table in opened[-1][0] if keep_extra else ():
            odd = [c for c in table.unknown if not re.fullmatch(r"[^:,\"\s]+", c)]
            if odd:
                raise BulkRefused(f"{table.path}: column {odd[0]!r} cannot be a property name in the importer's "
                                  "header (':' ',' '\"' or spaces); load without --keep-extra or with `debtgraph load`")
    phases: dict[str, float] = {}

    def mark(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 3)
        return now

    collector = Collector()
    summaries: list[LoadSummary] = []
    t = time.perf_counter()
    for i, (directory, name, (tables, warnings)) in enumerate(zip(directories, names, opened, strict=True)):
        if phase is not None:
            phase(f"cleaning {name}")
        now = dt.datetime.now(dt.UTC)
        collector.sources.append(name)
        collector.nows.append(now)
        shown = _prefixed(progress, name) if progress is not None else None
        summaries.append(run_export(directory, name, tables, warnings, collector.sink(1 << i),
                                    collector.known_cases, now,
                                    rejects=rejects[i] if rejects else None, keep_extra=keep_extra, progress=shown,
                                    batch_size=graph.settings.debtgraph_batch_size))
    t = mark("clean", t)
    tmp = Path(tempfile.mkdtemp(prefix="bulk-import-", dir=workdir or server.home_dir(graph.settings).parent))
    try:
        if phase is not None:
            phase("writing the importer's files")
        files = write_import_files(collector, tmp)
        nodes, rels, nows = collector.node_count, collector.relationship_count, list(collector.nows)
        del collector
        t = mark("write_files", t)
        if phase is not None:
            phase("stopping the server, importing, starting the server")
        importer_peak_mb = _run_import(graph, files, tmp, phases)
        t = time.perf_counter()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if phase is not None:
        phase("creating constraints and indexes")
    _await_server(graph)
    graph.migrate()
    t = mark("indexes", t)
    for summary, now in zip(summaries, nows, strict=True):
        graph.write(statement("load/export_start"), {"source": summary.source, "now": now})
        graph.write(statement("load/export_finish"), {"source": summary.source, "summary": summary_json(summary),
                                                         "snapshot_on": None})
    unfinished_marker(graph.settings).unlink(missing_ok=True)  # a complete first load: an ordinary graph now
    mark("exports_recorded", t)
    return BulkSummary(summaries, nodes, rels, phases, round(time.perf_counter() - started, 3),
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, importer_peak_mb)


def _prefixed(progress: Progress, source: str) -> Progress:
    """Progress lines name the export as well as the file (several exports in one run)."""
    def shown(file: str, done: int, total: int) -> None:
        progress(f"{source}/{file}", done, total)
    return shown


def _await_server(graph: Graph) -> None:
    """Forget the old store's bookmarks and retry a read until the new server answers.

    The importer replaced the store, whose transaction ids start again: the bookmarks the handle
    kept would make every read wait for transactions the new store will never have. The driver's
    pooled connections died with the old server process and are replaced on the way.
    """
    graph.bookmarks = GraphDatabase.bookmark_manager()
    deadline = time.monotonic() + 60
    while True:
        try:
            graph.read(statement("internal/count_elements"))
            return
        except Exception as exc:  # noqa: BLE001 - anything but an answer means "not yet"
            if time.monotonic() > deadline:
                raise BulkError(f"the server did not answer after the import: {exc}") from exc
            time.sleep(0.5)

