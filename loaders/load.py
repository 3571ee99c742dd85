"""Loading one court export directory into the graph.

Order of work:

1. find and open every file of the export and check it completely (encoding,
   CSV structure, header, required columns); any failure raises
   :class:`ExportError` before a single write;
2. mark the export's load as under way (Export.completed = false);
3. parties, cases, then the dependent files, each streamed in chunks; every
   chunk is cleaned and checked in Python, its bad rows go to the rejection
   report, and its good rows are written as ONE transaction of parameterised
   ``UNWIND $rows … MERGE`` statements (queries/load/*.cypher) — a batch lands
   whole or not at all;
4. record the summary on the Export node (completed = true).

Every write is an idempotent MERGE keyed by the model's uid conventions and the
provenance lists are sets, so loading an export again — after a clean load or
after an interrupted one — gives exactly the graph of one clean load.

Writes run on one background thread while the main thread cleans the next
chunk: the loader's Python work and the database's work overlap, and since
batches are written one after another in file order, a loader never contends
with itself for locks. Rows touching shared nodes (phones, addresses, origin
cases) are merged as distinct, sorted node rows before their relationships, so
concurrent loads of different exports take those locks in one order.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TextIO

from neo4j import ManagedTransaction

from graph_model.db import Graph
from graph_model.schema import MODEL
from graph_model.types import CaseNumber, check_id_number, clean_text, parse_case_no
from loaders.format import ColumnSpec, ExportFormat, Flag, clean_value, export_format
from loaders.readers import WIDTH_KEY, ExportError, Row, Table, find_tables, open_table
from queries.statements import statement

Progress = Callable[[str, int, int], None]
"""progress(file name, rows done, rows in file): called as batches land."""

Parts = list[tuple[str, list[dict[str, Any]]]]
"""A chunk's cleaned rows: (statement name, its rows) in the order the statements run."""

ROLE_TYPES = {role: f"{role.upper()}_IN" for role in export_format().enums["role"].values}
KIND_LABELS = {"person": "Person", "company": "Company", "organization": "Organization"}
REJECTS_HEADER = ["file", "line", "column", "value", "reason"]
FLAGGED = "loaded, flagged: "
_PIPELINE_DEPTH = 2


@dataclass
class Reject:
    """One line of the rejection report."""

    file: str
    line: int
    column: str
    value: str
    reason: str

    @property
    def loaded(self) -> bool:
        return self.reason.startswith(FLAGGED)


@dataclass
class FileSummary:
    file: str
    format: str
    encoding: str | None
    rows: int = 0
    loaded: int = 0
    rejected: int = 0
    flagged: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    # facts (nodes and relationships) this export's rows asserted: new to the source, with changed values,
    # asserted again after a snapshot had retired them; and what a snapshot retired (loaders/snapshot.py)
    added: int = 0
    changed: int = 0
    reasserted: int = 0
    retired: int = 0


@dataclass
class LoadSummary:
    """What a load did: rows per file, elements written, rejects, warnings."""

    source: str
    path: str
    files: dict[str, FileSummary] = field(default_factory=dict)
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # a snapshot's steps: checked, compared, written, retired
    rejects_file: str | None = None
    rejects: list[Reject] = field(default_factory=list)  # the first REJECTS_KEPT rejects/flags
    warnings: list[str] = field(default_factory=list)
    completed: bool = False
    snapshot: bool = False  # the export is its source's complete state (loaders/snapshot.py)
    exported_on: str | None = None  # its date (ISO), for a snapshot
    load_id: str | None = None

    REJECTS_KEPT = 200

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files.values())

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files.values())

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files.values())

    @property
    def flagged(self) -> int:
        return sum(f.flagged for f in self.files.values())

    @property
    def elements_created(self) -> int:
        return self.nodes_created + self.relationships_created

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = {name: asdict(f) for name, f in self.files.items()}
        data.update(rows=self.rows, loaded=self.loaded, rejected=self.rejected, flagged=self.flagged)
        return data


class _Counters:
    __slots__ = ("nodes", "rels", "props", "labels", "facts")

    def __init__(self) -> None:
        self.nodes = self.rels = self.props = self.labels = 0
        self.facts: dict[str, list[int]] = {}  # file → [added, changed, re-asserted]


FACT_COUNTS = ("added", "changed", "reasserted")
_Written = tuple[int, int, int, int, list[int]]


@cache
def load_statement(name: str) -> str:
    """A queries/load/ statement followed by the provenance tail every one of them ends with."""
    return statement(name) + "\n" + statement("load/_asserted")


class _Rejects:
    """Streams report lines to the CSV file (if any) and keeps the first few for the summary."""

    def __init__(self, path: Path | None, summary: LoadSummary) -> None:
        self.summary = summary
        self.fh: TextIO | None = None
        self.writer: Any = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = path.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(REJECTS_HEADER)

        self.pending: list[Reject] = []

    def add(self, reject: Reject) -> None:
        self.pending.append(reject)

    def flush(self) -> None:
        """Write the chunk's report lines in line order (checks run in several passes over a chunk)."""
        self.pending.sort(key=lambda r: r.line)
        for reject in self.pending:
            if self.writer is not None:
                self.writer.writerow([reject.file, reject.line, reject.column, reject.value, reject.reason])
            if len(self.summary.rejects) < LoadSummary.REJECTS_KEPT:
                self.summary.rejects.append(reject)
        self.pending.clear()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


class Sink(Protocol):
    """Where cleaned statement rows go: the database (:class:`_Writer`) or the bulk collector (loaders/bulk.py)."""

    def submit(self, parts: Parts, file: str, rows: int) -> None: ...

    def drain(self) -> None: ...

    def close(self) -> None: ...


SinkFactory = Callable[[dict[str, Any], "_Counters", Callable[[str, int], None]], Sink]
"""sink(params {source, now}, counters to add to, advance(file, rows) once rows are stored)."""
KnownCases = Callable[[list[str]], set[str]]
"""Which of these case numbers are loaded cases (the graph, or what a bulk load collected so far)."""


class _Writer:
    """Writes batches on one background thread, in order, a few batches behind the cleaning."""

    def __init__(self, graph: Graph, params: dict[str, Any], counters: _Counters, progress: Callable[[str, int], None]):
        self.graph = graph
        self.params = params
        self.counters = counters
        self.progress = progress
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="debtgraph-writer")
        self.pending: deque[tuple[Future[_Written], str, int]] = deque()

    def submit(self, parts: list[tuple[str, list[dict[str, Any]]]], file: str, rows: int) -> None:
        parts = [(name, rows_) for name, rows_ in parts if rows_]
        self.pending.append((self._schedule(parts), file, rows))
        while len(self.pending) > _PIPELINE_DEPTH:
            self._finish_oldest()

    def _schedule(self, parts: list[tuple[str, list[dict[str, Any]]]]) -> Future[_Written]:
        """Start writing one chunk behind the ones already scheduled (bench/async_writer.py overrides it)."""
        return self.pool.submit(self._write, parts)

    def drain(self) -> None:
        while self.pending:
            self._finish_oldest()

    def close(self) -> None:
        for fut, _, _ in self.pending:
            fut.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _finish_oldest(self) -> None:
        fut, file, rows = self.pending.popleft()
        nodes, rels, props, labels, facts = fut.result()
        self.counters.nodes += nodes
        self.counters.rels += rels
        self.counters.props += props
        self.counters.labels += labels
        total = self.counters.facts.setdefault(file, [0] * len(FACT_COUNTS))
        for i, n in enumerate(facts):
            total[i] += n
        self.progress(file, rows)

    def _write(self, parts: list[tuple[str, list[dict[str, Any]]]]) -> _Written:
        if not parts:
            return 0, 0, 0, 0, [0] * len(FACT_COUNTS)

        def work(tx: ManagedTransaction) -> _Written:
            nodes = rels = props = labels = 0
            facts = [0] * len(FACT_COUNTS)
            for name, rows in parts:
                result = tx.run(load_statement(name), {**self.params, "rows": rows})
                record = result.single(strict=True)
                for i, key in enumerate(FACT_COUNTS):
                    facts[i] += record[key]
                c = result.consume().counters
                nodes += c.nodes_created
                rels += c.relationships_created
                props += c.properties_set
                labels += c.labels_added
            return nodes, rels, props, labels, facts

        with self.graph.session(read_only=False) as session:
            return session.execute_write(work)


def record_counts(summary: LoadSummary, counters: _Counters) -> None:
    """The writer's counts into the summary: elements created, and facts added / changed / re-asserted per file."""
    summary.nodes_created = counters.nodes
    summary.relationships_created = counters.rels
    summary.properties_set = counters.props
    summary.labels_added = counters.labels
    for fs in summary.files.values():
        fs.added, fs.changed, fs.reasserted = counters.facts.get(fs.file, [0] * len(FACT_COUNTS))


def _fmt_amount(value: float) -> str:
    return f"{value:.2f}"


def _shown(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw != raw:  # NaN
        return ""
    return str(raw)


class _ExportLoader:
    """The state of one load: the export's party, case and asset keys and the running counts."""

    def __init__(self, known_cases: KnownCases, directory: Path, source: str, rejects: _Rejects, summary: LoadSummary,
                 keep_extra: bool, progress: Progress | None, batch_size: int, now: dt.datetime) -> None:
        self.known_cases = known_cases
        self.dir = directory
        self.source = source
        self.rejects = rejects
        self.summary = summary
        self.keep_extra = keep_extra
        self.batch_size = batch_size
        self.fmt: ExportFormat = export_format()
        self.now = now
        self.counters = _Counters()
        self.since: dt.date | None = None  # valid_from of facts new to the graph (a snapshot of a known source)
        self.party_uid: dict[str, str] = {}  # party_id → uid
        self.party_line: dict[str, int] = {}  # party_id → line of the rejected parties row
        self.cases: set[str] = set()  # case numbers loaded from this export
        self.case_line: dict[str, int] = {}  # case number → line of the rejected cases row
        self.graph_cases: dict[str, bool] = {}  # case numbers looked up in the graph
        self.assets: set[str] = set()
        self.asset_line: dict[str, int] = {}
        self._progress = progress
        self._done: dict[str, int] = {}
        self._totals: dict[str, int] = {}

    # -- reporting ---------------------------------------------------------------
    def _advance(self, file: str, rows: int) -> None:
        self._done[file] = self._done.get(file, 0) + rows
        if self._progress is not None:
            self._progress(file, self._done[file], self._totals.get(file, 0))

    def _reject(self, fs: FileSummary, line: int, column: str, value: Any, reason: str) -> None:
        fs.rejected += 1
        self.rejects.add(Reject(fs.file, line, column, _shown(value), reason))

    def _flag(self, fs: FileSummary, line: int, column: str, value: Any, reason: str) -> None:
        fs.flagged += 1
        self.rejects.add(Reject(fs.file, line, column, _shown(value), FLAGGED + reason))

    # -- the whole load ---------------------------------------------------------
    def run(self, tables: list[Table], sink: SinkFactory) -> None:
        for table in tables:
            self._totals[table.label] = table.rows
            self._done[table.label] = 0
            if self._progress is not None:
                self._progress(table.label, 0, table.rows)
        params = {"source": self.source, "now": self.now, "since": self.since}
        writer = sink(params, self.counters, self._advance)
        try:
            for table in tables:
                fs = self.summary.files[table.spec.name]
                handler = getattr(self, f"_rows_{table.spec.name}")
                for chunk in table.chunks(self.batch_size):
                    parts = handler(table, fs, self._clean(table, fs, chunk))
                    self.rejects.flush()
                    writer.submit(parts, table.label, len(chunk))
                writer.drain()  # a file's rows are in before the next file refers to them
        finally:
            writer.close()
        record_counts(self.summary, self.counters)

    def _clean(self, table: Table, fs: FileSummary, chunk: list[Row]) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
        """Rows whose every value is clean: (line, cleaned values, raw values); rejects the rest."""
        spec = table.spec
        present = [c for c in spec.columns.values() if c.name in table.columns]
        absent_required = [c for c in spec.required_columns if c not in table.columns]
        assert not absent_required
        extra_cols = table.unknown if self.keep_extra else []
        for line, raw in chunk:
            fs.rows += 1
            if WIDTH_KEY in raw:
                self._reject(fs, line, "", "", f"row has {raw[WIDTH_KEY]} fields, the header has {len(table.columns)}")
                self._remember_rejected(spec.name, line, raw)
                continue
            values: dict[str, Any] = {}
            notes: list[tuple[ColumnSpec, Any, str]] = []
            problem: tuple[ColumnSpec, Any, str] | None = None
            for col in present:
                cell = raw.get(col.name)
                try:
                    value = clean_value(col, cell)
                except Flag as flag:
                    value = flag.value
                    notes.append((col, cell, f"{col.name}: {flag.reason}"))
                except ValueError as exc:
                    problem = (col, cell, str(exc))
                    break
                if value is None and col.required:
                    problem = (col, cell, "required value missing")
                    break
                values[col.name] = value
            if problem is not None:
                col, cell, reason = problem
                self._reject(fs, line, col.name, cell, reason)
                self._remember_rejected(spec.name, line, raw)
                continue
            for col in spec.columns.values():
                values.setdefault(col.name, None)
            extra: dict[str, Any] = {}
            for name in extra_cols:
                text = clean_text(raw.get(name))
                if text is not None:
                    extra[self.fmt.extra_prefix + name] = text
            values["\x00extra"] = extra
            values["\x00notes"] = notes
            yield line, values, raw

    def _remember_rejected(self, file: str, line: int, raw: dict[str, Any]) -> None:
        """Note the line of a rejected party, case or asset row, so dependent rows can say why they fail."""
        if file == "parties":
            key, lines = clean_text(raw.get("party_id")), self.party_line
        elif file == "cases":
            parsed = parse_case_no(raw.get("case_no"))
            key, lines = (parsed.case_no if parsed else None), self.case_line
        elif file == "assets":
            key, lines = clean_text(raw.get("asset_id")), self.asset_line
        else:
            return
        if key is not None:
            lines.setdefault(key, line)

    def _accept(self, fs: FileSummary, line: int, values: dict[str, Any]) -> None:
        """Count a row as loaded and report the remarks it carries."""
        fs.loaded += 1
        notes = values["\x00notes"]
        if notes:
            col, cell, reason = notes[0]
            self._flag(fs, line, col.name, cell, "; ".join(n[2] for n in notes))

    def _party(self, fs: FileSummary, line: int, column: str, party_id: str | None) -> str | None:
        """uid of a party_id of this export, or None after rejecting the row."""
        if party_id is None:
            return None
        uid = self.party_uid.get(party_id)
        if uid is None:
            if party_id in self.party_line:
                reason = f"party_id {party_id} is not loaded: its parties row (line {self.party_line[party_id]}) was rejected"
            else:
                reason = f"party_id {party_id} is not defined in this export's parties"
            self._reject(fs, line, column, party_id, reason)
        return uid

    def _case(self, fs: FileSummary, line: int, column: str, case: CaseNumber) -> bool:
        """True when the case is in this export or already in the graph; rejects the row otherwise."""
        no = case.case_no
        if no in self.cases or self.graph_cases.get(no):
            return True
        if no in self.case_line:
            reason = f"case {no} is not loaded: its cases row (line {self.case_line[no]}) was rejected"
        else:
            reason = f"case {no} is neither in this export's cases nor in the graph"
        self._reject(fs, line, column, no, reason)
        return False

    def _asset(self, fs: FileSummary, line: int, column: str, asset_id: str | None) -> str | None:
        if asset_id is None:
            return None
        if asset_id in self.assets:
            return f"{self.source}:{asset_id}"
        if asset_id in self.asset_line:
            reason = f"asset_id {asset_id} is not loaded: its assets row (line {self.asset_line[asset_id]}) was rejected"
        else:
            reason = f"asset_id {asset_id} is not defined in this export's assets"
        self._reject(fs, line, column, asset_id, reason)
        return None

    def _lookup_cases(self, rows: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
        """Ask the graph (or the bulk collector) once per chunk about case numbers the export does not hold."""
        wanted = set()
        for _, values, _ in rows:
            no = values["case_no"].case_no
            if no not in self.cases and no not in self.graph_cases:
                wanted.add(no)
        if wanted:
            found = self.known_cases(sorted(wanted))
            for no in wanted:
                self.graph_cases[no] = no in found

    def _unique(self, table: Table, fs: FileSummary, seen: dict[tuple[Any, ...], tuple[int, int]], line: int,
                values: dict[str, Any]) -> bool:
        """False (row rejected) when the row's key repeats an earlier row with other values.

        A repeat with the same values (after cleaning: `70%` = `0.70`) loads, since
        writing it again changes nothing; a repeat that says something else cannot
        be stored beside the first and is rejected naming the first line.
        """
        key_cols = table.spec.unique
        key = tuple(_key(values[c]) for c in key_cols)
        fingerprint = hash(tuple(_key(values[c]) if not isinstance(values[c], list) else tuple(values[c])
                                 for c in table.spec.columns))
        first = seen.get(key)
        if first is None:
            seen[key] = (line, fingerprint)
            return True
        if first[1] == fingerprint:
            return True
        self._reject(fs, line, key_cols[0], _key(values[key_cols[0]]),
                     f"same {', '.join(key_cols)} as line {first[0]} but different values")
        return False

    def _seen(self, name: str) -> dict[tuple[Any, ...], tuple[int, int]]:
        attr = f"_seen_{name}"
        if not hasattr(self, attr):
            setattr(self, attr, {})
        return getattr(self, attr)

    # -- per file -------------------------------------------------------------------
    def _rows_parties(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        parties: list[dict[str, Any]] = []
        phones: dict[str, None] = {}
        addresses: dict[str, None] = {}
        party_phones: list[dict[str, Any]] = []
        party_addresses: list[dict[str, Any]] = []
        seen = self._seen("parties")
        for line, v, raw in rows:
            party_id = v["party_id"]
            if not self._unique(table, fs, seen, line, v):
                continue
            check = check_id_number(raw.get("id_number"), v["kind"])
            if check.valid:
                uid = f"id:{check.value}"
            else:
                uid = f"src:{self.source}:{party_id}"
                if check.value is not None:
                    v["\x00notes"].insert(0, (table.spec.columns["id_number"], raw.get("id_number"),
                                              f"id_number fails its check ({check.problem}); kept as id_number_raw, "
                                              "party marked id_invalid, not used to match parties across exports"))
            self.party_uid[party_id] = uid
            self._accept(fs, line, v)
            parties.append({
                "uid": uid,
                "source_key": f"{self.source}:{party_id}",
                "label": KIND_LABELS[v["kind"]],
                "kind": v["kind"],
                "name": v["name"],
                "id_number": check.value if check.valid else None,
                "id_number_raw": check.value if check.value is not None and not check.valid else None,
                "id_invalid": check.value is not None and not check.valid,
                "status": v["status"],
                "registered_on": v["registered_on"],
                "extra": v["\x00extra"],
            })
            for number in v["phone"] or ():
                phones[number] = None
                party_phones.append({"uid": uid, "key": number})
            for text in v["address"] or ():
                addresses[text] = None
                party_addresses.append({"uid": uid, "key": text})
        parties.sort(key=lambda r: r["uid"])
        return [
            ("load/parties", parties),
            ("load/phones", [{"key": k} for k in sorted(phones)]),
            ("load/addresses", [{"key": k} for k in sorted(addresses)]),
            ("load/party_phones", sorted(party_phones, key=lambda r: (r["key"], r["uid"]))),
            ("load/party_addresses", sorted(party_addresses, key=lambda r: (r["key"], r["uid"]))),
        ]

    def _rows_cases(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        cases: list[dict[str, Any]] = []
        origins: dict[str, CaseNumber] = {}
        based_on: list[dict[str, Any]] = []
        seen = self._seen("cases")
        for line, v, _ in rows:
            case: CaseNumber = v["case_no"]
            if not self._unique(table, fs, seen, line, v):
                continue
            origin: CaseNumber | None = v["origin_case_no"]
            if origin is not None and origin.case_no == case.case_no:
                self._reject(fs, line, "origin_case_no", origin.case_no, "a case cannot rest on itself")
                self.case_line.setdefault(case.case_no, line)
                continue
            amount, paid = v["amount"], v["amount_paid"]
            self.cases.add(case.case_no)
            self._accept(fs, line, v)
            cases.append({
                "case_no": case.case_no,
                "kind": v["kind"] or case.kind,
                "court": v["court"],
                "court_code": case.court_code,
                "year": case.year,
                "type_code": case.type_code,
                "seq": case.seq,
                "cause": v["cause"],
                "filed_on": v["filed_on"],
                "closed_on": v["closed_on"],
                "status": v["status"],
                "amount": amount,
                "amount_paid": paid,
                "outstanding": None if amount is None else round(amount - (paid or 0.0), 2),
                "outcome": v["outcome"],
                "claims_deadline": v["claims_deadline"],
                "extra": v["\x00extra"],
            })
            if origin is not None:
                origins[origin.case_no] = origin
                based_on.append({"case_no": case.case_no, "origin": origin.case_no})
        cases.sort(key=lambda r: r["case_no"])
        return [
            ("load/cases", cases),
            ("load/case_origins", [
                {"case_no": o.case_no, "kind": o.kind, "court_code": o.court_code, "year": o.year,
                 "type_code": o.type_code, "seq": o.seq}
                for o in sorted(origins.values(), key=lambda o: o.case_no)
            ]),
            ("load/based_on", based_on),
        ]

    def _rows_case_parties(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        seen = self._seen("case_parties")
        batch = list(rows)
        self._lookup_cases(batch)
        for line, v, _ in batch:
            uid = self._party(fs, line, "party_id", v["party_id"])
            if uid is None or not self._case(fs, line, "case_no", v["case_no"]):
                continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            out.append({"uid": uid, "case_no": v["case_no"].case_no, "type": ROLE_TYPES[v["role"]],
                        "fees_unpaid": v["fees_unpaid"], "extra": v["\x00extra"]})
        return [("load/case_parties", out)]

    def _rows_relations(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        plain: list[dict[str, Any]] = []
        shares: list[dict[str, Any]] = []
        seen = self._seen("relations")
        for line, v, raw in rows:
            a = self._party(fs, line, "from_id", v["from_id"])
            if a is None:
                continue
            b = self._party(fs, line, "to_id", v["to_id"])
            if b is None:
                continue
            if a == b:
                self._reject(fs, line, "to_id", v["to_id"], "from_id and to_id name the same party")
                continue
            if not self._unique(table, fs, seen, line, v):
                continue
            if v["share"] is not None and v["relation"] != "shareholder":
                v["\x00notes"].append((table.spec.columns["share"], raw.get("share"),
                                       "share ignored: only shareholder relations hold a share"))
            self._accept(fs, line, v)
            row = {"from_uid": a, "to_uid": b, "type": MODEL.relation_types[v["relation"]],
                   "since": v["since"], "until": v["until"], "share": v["share"], "extra": v["\x00extra"]}
            (shares if v["relation"] == "shareholder" else plain).append(row)
        return [("load/relations", plain), ("load/shareholdings", shares)]

    def _rows_assets(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        assets: list[dict[str, Any]] = []
        debtors: list[dict[str, Any]] = []
        seen = self._seen("assets")
        for line, v, _ in rows:
            owner = self._party(fs, line, "owner_id", v["owner_id"])
            if owner is None:
                self.asset_line[v["asset_id"]] = line
                continue
            debtor = None
            if v["counterparty_id"] is not None:
                debtor = self._party(fs, line, "counterparty_id", v["counterparty_id"])
                if debtor is None:
                    self.asset_line[v["asset_id"]] = line
                    continue
            if not self._unique(table, fs, seen, line, v):
                continue
            uid = f"{self.source}:{v['asset_id']}"
            self.assets.add(v["asset_id"])
            self._accept(fs, line, v)
            assets.append({"uid": uid, "asset_id": v["asset_id"], "owner_uid": owner, "kind": v["kind"],
                           "description": v["description"], "registry_no": v["registry_no"], "value": v["value"],
                           "extra": v["\x00extra"]})
            if debtor is not None:
                debtors.append({"uid": uid, "debtor_uid": debtor})
        return [("load/assets", assets), ("load/asset_debtors", debtors)]

    def _rows_asset_transfers(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        seen = self._seen("asset_transfers")
        for line, v, _ in rows:
            asset = self._asset(fs, line, "asset_id", v["asset_id"])
            if asset is None:
                continue
            a = self._party(fs, line, "from_id", v["from_id"])
            if a is None:
                continue
            b = self._party(fs, line, "to_id", v["to_id"])
            if b is None:
                continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            day = v["transferred_on"].isoformat()
            out.append({"uid": f"{self.source}:{v['asset_id']}:{v['from_id']}:{v['to_id']}:{day}",
                        "asset_uid": asset, "from_uid": a, "to_uid": b, "transferred_on": v["transferred_on"],
                        "price": v["price"], "extra": v["\x00extra"]})
        return [("load/transfers", out)]

    def _rows_measures(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        measures: list[dict[str, Any]] = []
        on_parties: list[dict[str, Any]] = []
        on_assets: list[dict[str, Any]] = []
        seen = self._seen("measures")
        batch = list(rows)
        self._lookup_cases(batch)
        for line, v, _ in batch:
            if not self._case(fs, line, "case_no", v["case_no"]):
                continue
            party = asset = None
            if v["party_id"] is not None:
                party = self._party(fs, line, "party_id", v["party_id"])
                if party is None:
                    continue
            if v["asset_id"] is not None:
                asset = self._asset(fs, line, "asset_id", v["asset_id"])
                if asset is None:
                    continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            uid = f"{self.source}:{v['measure_id']}"
            measures.append({"uid": uid, "measure_id": v["measure_id"], "case_no": v["case_no"].case_no,
                             "kind": v["kind"], "imposed_on": v["imposed_on"], "lifted_on": v["lifted_on"],
                             "extra": v["\x00extra"]})
            if party is not None:
                on_parties.append({"uid": uid, "party_uid": party})
            if asset is not None:
                on_assets.append({"uid": uid, "asset_uid": asset})
        return [("load/measures", measures), ("load/measure_parties", on_parties), ("load/measure_assets", on_assets)]

    def _rows_settlements(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        payees: list[dict[str, Any]] = []
        seen = self._seen("settlements")
        batch = list(rows)
        self._lookup_cases(batch)
        for line, v, _ in batch:
            if not self._case(fs, line, "case_no", v["case_no"]):
                continue
            payee = None
            if v["payee_id"] is not None:
                payee = self._party(fs, line, "payee_id", v["payee_id"])
                if payee is None:
                    continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            no = v["case_no"].case_no
            uid = f"{no}:{v['signed_on'].isoformat()}:{_fmt_amount(v['settled_amount'])}"
            out.append({"uid": uid, "case_no": no, "signed_on": v["signed_on"], "settled_amount": v["settled_amount"],
                        "original_amount": v["original_amount"], "performed_on": v["performed_on"],
                        "extra": v["\x00extra"]})
            if payee is not None:
                payees.append({"uid": uid, "payee_uid": payee})
        return [("load/settlements", out), ("load/settlement_payees", payees)]

    def _rows_payments(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        seen = self._seen("payments")
        batch = list(rows)
        self._lookup_cases(batch)
        for line, v, _ in batch:
            if not self._case(fs, line, "case_no", v["case_no"]):
                continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            out.append({"uid": f"{self.source}:{v['payment_id']}", "payment_id": v["payment_id"],
                        "case_no": v["case_no"].case_no, "received_on": v["received_on"], "amount": v["amount"],
                        "disbursed_on": v["disbursed_on"], "extra": v["\x00extra"]})
        return [("load/payments", out)]

    def _rows_auctions(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        on_assets: list[dict[str, Any]] = []
        seen = self._seen("auctions")
        batch = list(rows)
        self._lookup_cases(batch)
        for line, v, _ in batch:
            if not self._case(fs, line, "case_no", v["case_no"]):
                continue
            asset = None
            if v["asset_id"] is not None:
                asset = self._asset(fs, line, "asset_id", v["asset_id"])
                if asset is None:
                    continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            uid = f"{self.source}:{v['auction_id']}"
            out.append({"uid": uid, "auction_id": v["auction_id"], "case_no": v["case_no"].case_no,
                        "ordered_on": v["ordered_on"], "listed_on": v["listed_on"], "closed_on": v["closed_on"],
                        "result": v["result"], "price": v["price"], "extra": v["\x00extra"]})
            if asset is not None:
                on_assets.append({"uid": uid, "asset_uid": asset})
        return [("load/auctions", out), ("load/auction_assets", on_assets)]

    def _rows_detentions(self, table: Table, fs: FileSummary, rows: Iterator[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
        out: list[dict[str, Any]] = []
        seen = self._seen("detentions")
        for line, v, _ in rows:
            party = self._party(fs, line, "party_id", v["party_id"])
            if party is None:
                continue
            if not self._unique(table, fs, seen, line, v):
                continue
            self._accept(fs, line, v)
            out.append({"uid": f"{self.source}:{v['party_id']}:{v['start_on'].isoformat()}", "party_uid": party,
                        "facility": v["facility"], "kind": v["kind"], "start_on": v["start_on"],
                        "end_on": v["end_on"], "extra": v["\x00extra"]})
        return [("load/detentions", out)]


def _key(value: Any) -> Any:
    return value.case_no if isinstance(value, CaseNumber) else value


def open_export(path: Path, encoding: str | None = None) -> tuple[list[Table], list[str]]:
    """Every file of the export, opened and checked, in load order; plus warnings. Raises ExportError."""
    fmt = export_format()
    found, ignored = find_tables(path, fmt)
    tables = [open_table(fmt.files[name], found[name], encoding) for name in fmt.order if name in found]
    warnings = [f"{name}: not a file of the export format, ignored" for name in ignored]
    for table in tables:
        if table.unknown:
            warnings.append(f"{table.label}: unknown columns {', '.join(table.unknown)} "
                            "(ignored; --keep-extra keeps them)")
    return tables, warnings


def load_export(graph: Graph, path: str | Path, source: str | None = None, rejects: str | Path | None = None,
                encoding: str | None = None, keep_extra: bool = False, progress: Progress | None = None,
                batch_size: int | None = None) -> LoadSummary:
    """Load one export directory; the returned summary counts loaded and rejected rows per file.

    Raises :class:`ExportError` (nothing written) when a file cannot be read at all.
    ``rejects`` names the CSV rejection report to write (header file,line,column,value,reason);
    the summary keeps the first rejects either way.
    """
    started = time.perf_counter()
    directory = Path(path)
    name = source_name(directory, source)
    tables, warnings = open_export(directory, encoding)
    now = dt.datetime.now(dt.UTC)

    def writer(params: dict[str, Any], counters: _Counters, advance: Callable[[str, int], None]) -> Sink:
        return _Writer(graph, params, counters, advance)

    def record_start() -> None:
        graph.write(statement("load/export_start"), {"source": name, "now": now})

    def record_finish(summary: LoadSummary) -> None:
        graph.write(statement("load/export_finish"), {"source": name, "summary": summary_json(summary),
                                                      "snapshot_on": None})

    return run_export(directory, name, tables, warnings, writer, graph_known_cases(graph), now, rejects=rejects,
                      keep_extra=keep_extra, progress=progress,
                      batch_size=batch_size or graph.settings.debtgraph_batch_size,
                      started=started, before=record_start, after=record_finish)


def graph_known_cases(graph: Graph) -> KnownCases:
    """The loaded cases among some case numbers, asked of the graph (load/known_cases)."""

    def known_cases(case_nos: list[str]) -> set[str]:
        return {r["case_no"] for r in graph.read(statement("load/known_cases"), {"case_nos": case_nos})}

    return known_cases


def source_name(directory: Path, source: str | None) -> str:
    """The export's source name: ``source`` or the directory's name; ExportError when blank."""
    name = source or directory.resolve().name
    if not name.strip():
        raise ExportError("the export needs a source name (--source)")
    return name


def run_export(directory: Path, name: str, tables: list[Table], warnings: list[str], sink: SinkFactory,
               known_cases: KnownCases, now: dt.datetime, *, rejects: str | Path | None = None,
               keep_extra: bool = False, progress: Progress | None = None, batch_size: int = 5000,
               started: float | None = None, before: Callable[[], None] | None = None,
               after: Callable[[LoadSummary], None] | None = None, since: dt.date | None = None) -> LoadSummary:
    """Clean and check every row of an opened export and hand the good rows to ``sink``.

    The one cleaning path of both loaders: the transactional load (sink = the database
    writer) and ``--bulk-initial`` (sink = the collector of loaders/bulk.py) produce the
    same rejection report, per-file summary and flagged rows by construction.
    """
    started = time.perf_counter() if started is None else started
    summary = LoadSummary(source=name, path=str(directory), warnings=warnings,
                          rejects_file=str(rejects) if rejects is not None else None)
    for table in tables:
        summary.files[table.spec.name] = FileSummary(table.label, table.format, table.encoding,
                                                     unknown_columns=list(table.unknown))
    report = _Rejects(Path(rejects) if rejects is not None else None, summary)
    try:
        loader = _ExportLoader(known_cases, directory, name, report, summary, keep_extra, progress, batch_size, now)
        loader.since = since
        if before is not None:
            before()
        loader.run(tables, sink)
        summary.completed = True
        summary.seconds = round(time.perf_counter() - started, 3)
        if after is not None:
            after(summary)
    finally:
        report.close()
    return summary


def summary_json(summary: LoadSummary) -> str:
    """The JSON kept on the Export node (export_finish)."""
    return json.dumps(_record(summary), ensure_ascii=False)


def _record(summary: LoadSummary) -> dict[str, Any]:
    """The part of the summary kept on the Export node."""
    data = summary.to_dict()
    data.pop("rejects")
    return data
