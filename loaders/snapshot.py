"""A snapshot load: the export is its source's complete current state (`debtgraph load DIR --snapshot`).

A court re-exports every day; a divorce, a sold shareholding, a lifted measure or a withdrawn
settlement simply is not in the next export. A delta load cannot see that; a snapshot load does:

1. the export is cleaned and checked by the loader's own code (:func:`loaders.load.run_export`),
   its statement rows spooled to a temporary file while the key of every fact they assert is noted
   (from the statements' declarations in :data:`loaders.bulk.STATEMENTS`);
2. the facts the source asserts in the graph now are read (load/source_nodes, load/source_relationships);
   those the export no longer holds are to be retired;
3. the guard: when that is more than ``max_share`` of the source's facts, the load stops here —
   :class:`MassRetire`, nothing written — unless the operator allows it;
4. the spooled rows are written by the same statements as a delta load (values updated, facts the
   source had retired asserted again: queries/load/_asserted.cypher);
5. the rest is retired as of the export's date (load/retire_*): the source leaves the fact's
   ``sources`` and ``retired_by`` says since when; a fact no source asserts any more gets
   ``valid_to`` — kept, not deleted, so ``detect --as-of`` an earlier date still sees it.

A run killed anywhere can simply be run again: step 2 reads what the source asserts then, step 4
is idempotent and step 5 retires the same facts.
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_model.db import Graph
from graph_model.schema import MODEL
from loaders.bulk import STATEMENTS, Node
from loaders.format import export_format
from loaders.load import (
    ROLE_TYPES,
    FileSummary,
    LoadSummary,
    Parts,
    Progress,
    Sink,
    _Counters,
    _Writer,
    graph_known_cases,
    open_export,
    record_counts,
    run_export,
    source_name,
    summary_json,
)
from loaders.readers import ExportError
from queries.statements import statement

DEFAULT_MAX_SHARE = 0.30
_RETIRE_BATCH = 5000
Key = tuple[Any, ...]
"""("node", label, key value) or ("rel", type, start key value, end key value)."""


class OutOfOrder(ExportError):
    """A snapshot dated before the source's last one: it would turn back what the newer one established."""


class MassRetire(Exception):
    """The snapshot would retire more of the source's facts than allowed; nothing was written."""

    def __init__(self, source: str, retire: int, held: int, max_share: float, kinds: dict[str, int]) -> None:
        top = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:6])
        super().__init__(
            f"this snapshot of {source!r} would retire {retire:,} of the {held:,} facts {source!r} asserts now "
            f"({retire / held:.0%}, more than the {max_share:.0%} allowed): {top}. Nothing was written. "
            "An export that lost files or rows looks like this; check it, and if the court really dropped "
            "these facts, load it again with --allow-mass-retire")
        self.source, self.retire, self.held, self.max_share, self.kinds = source, retire, held, max_share, kinds


def _model_keys() -> dict[str, str]:
    return {label: node.key for label, node in MODEL.nodes.items() if node.key}


def _kind_files() -> dict[str, str]:
    """Label or relationship type → the export file whose rows assert it (through the file's statements)."""
    out: dict[str, str] = {}
    for name, spec in export_format().files.items():
        for st in spec.statements:
            for merge in STATEMENTS[st].merges:
                if isinstance(merge, Node):
                    out.setdefault(merge.label, name)
                elif merge.type.startswith("$"):  # a type from the row: relations' or case_parties' types
                    dynamic = ROLE_TYPES.values() if name == "case_parties" else MODEL.relation_types.values()
                    for t in dynamic:
                        out.setdefault(t, name)
                else:
                    out.setdefault(merge.type, name)
    return out


def asserted_keys(parts: Parts) -> Iterator[Key]:
    """The key of every fact these statement rows assert (their MERGEs)."""
    for name, rows in parts:
        for merge in STATEMENTS[name].merges:
            if isinstance(merge, Node):
                for row in rows:
                    yield ("node", merge.label, row[merge.key])
            else:
                dynamic = merge.type[1:] if merge.type.startswith("$") else None
                s, e = merge.start[1], merge.end[1]
                for row in rows:
                    yield ("rel", row[dynamic] if dynamic else merge.type, row[s], row[e])


class _Spool:
    """The sink of the checking pass: rows to a temporary file, keys to a set; nothing to the database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keys: set[Key] = set()
        self._fh = path.open("wb")

    def sink(self, params: dict[str, Any], counters: Any, advance: Callable[[str, int], None]) -> Sink:
        spool = self

        class _Sink:
            def submit(self, parts: Parts, file: str, rows: int) -> None:
                spool.keys.update(asserted_keys(parts))
                pickle.dump((parts, file, rows), spool._fh, protocol=pickle.HIGHEST_PROTOCOL)
                advance(file, rows)

            def drain(self) -> None:
                pass

            def close(self) -> None:
                spool._fh.flush()

        return _Sink()

    def replay(self) -> Iterator[tuple[Parts, str, int]]:
        self._fh.close()
        with self.path.open("rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return


@dataclass
class RetirePlan:
    """What a snapshot retires: element ids by kind, against the facts the source held before."""

    held: int = 0
    nodes: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.nodes) + len(self.relationships)

    @property
    def share(self) -> float:
        return self.count / self.held if self.held else 0.0


def plan_retirement(graph: Graph, source: str, asserted: set[Key]) -> RetirePlan:
    """Which facts ``source`` asserts in the graph now that the export does not hold."""
    keys = _model_keys()
    plan = RetirePlan()
    params = {"source": source, "keys": keys}
    for element_id, label, key in graph.read(statement("load/source_nodes"), params)[0]["rows"]:
        plan.held += 1
        if ("node", label, key) not in asserted:
            plan.nodes.append(element_id)
            plan.kinds[label] = plan.kinds.get(label, 0) + 1
    for element_id, rel_type, start, end in graph.read(statement("load/source_relationships"), params)[0]["rows"]:
        plan.held += 1
        if ("rel", rel_type, start, end) not in asserted:
            plan.relationships.append(element_id)
            plan.kinds[rel_type] = plan.kinds.get(rel_type, 0) + 1
    return plan


def retire(graph: Graph, source: str, plan: RetirePlan, on: dt.date) -> int:
    """Retire the planned facts as of ``on``, in batches; returns how many were still held by the source."""
    done = 0
    params = {"source": source, "on": on, "entry": f"{on.isoformat()} {source}"}
    for name, ids in (("load/retire_nodes", plan.nodes), ("load/retire_relationships", plan.relationships)):
        for i in range(0, len(ids), _RETIRE_BATCH):
            rows = graph.write(statement(name), {**params, "ids": ids[i:i + _RETIRE_BATCH]})
            done += rows[0]["retired"] if rows else 0
    return done


def _stopwatch(summary: LoadSummary, started: float) -> Callable[[str], None]:
    """mark(phase): the seconds since the previous mark go to summary.phases[phase]."""
    last = [started]

    def mark(phase: str) -> None:
        now = time.perf_counter()
        summary.phases[phase] = round(now - last[0], 3)
        last[0] = now

    return mark


def load_snapshot(graph: Graph, path: str | Path, source: str | None = None, *, exported_on: dt.date | None = None,
                  max_share: float = DEFAULT_MAX_SHARE, allow_mass_retire: bool = False,
                  rejects: str | Path | None = None, encoding: str | None = None, keep_extra: bool = False,
                  progress: Progress | None = None, batch_size: int | None = None) -> LoadSummary:
    """Load an export as its source's complete state on ``exported_on`` (default today); see the module doc.

    Raises :class:`MassRetire` (nothing written) when the guard stops it, ExportError when a file cannot be read.
    """
    started = time.perf_counter()
    directory = Path(path)
    name = source_name(directory, source)
    on = exported_on or dt.date.today()
    last = graph.read(statement("load/last_snapshot"), {"source": name})
    if last and last[0]["on"] is not None and last[0]["on"].to_native() > on:
        raise OutOfOrder(f"this snapshot of {name!r} is dated {on}, before its last snapshot "
                         f"({last[0]['on'].to_native()}): loading it would turn back what the newer export "
                         "established. Load a court's exports in date order")
    tables, warnings = open_export(directory, encoding)
    now = dt.datetime.now(dt.UTC)
    size = batch_size or graph.settings.debtgraph_batch_size

    with tempfile.TemporaryDirectory(prefix="debtgraph-snapshot-") as tmp:
        spool = _Spool(Path(tmp) / "rows.pickle")
        summary = run_export(directory, name, tables, warnings, spool.sink, graph_known_cases(graph), now, rejects=rejects,
                             keep_extra=keep_extra, batch_size=size, started=started)
        summary.completed = False
        summary.snapshot, summary.exported_on = True, on.isoformat()
        mark = _stopwatch(summary, started)
        mark("checked")
        plan = plan_retirement(graph, name, spool.keys)
        mark("compared")
        if plan.share > max_share and not allow_mass_retire:
            raise MassRetire(name, plan.count, plan.held, max_share, plan.kinds)

        graph.write(statement("load/export_start"), {"source": name, "now": now})
        counters = _Counters()
        totals = {fs.file: fs.rows for fs in summary.files.values()}
        done: dict[str, int] = {}

        def advance(file: str, rows: int) -> None:
            done[file] = done.get(file, 0) + rows
            if progress is not None:
                progress(file, done[file], totals.get(file, 0))

        params = {"source": name, "now": now, "since": on if plan.held else None}
        writer = _Writer(graph, params, counters, advance)
        try:
            for parts, file, rows in spool.replay():
                writer.submit(parts, file, rows)
            writer.drain()
        finally:
            writer.close()
        mark("written")

    record_counts(summary, counters)
    retire(graph, name, plan, on)
    mark("retired")
    files = _kind_files()
    by_name: dict[str, FileSummary] = dict(summary.files)
    for kind, n in plan.kinds.items():
        file = files.get(kind)
        if file is not None and file not in by_name:  # the file is gone from the export altogether
            by_name[file] = summary.files[file] = FileSummary(f"{file} (absent)", "", None)
        if file is not None:
            by_name[file].retired += n
    summary.completed = True
    summary.seconds = round(time.perf_counter() - started, 3)
    graph.write(statement("load/export_finish"), {"source": name, "summary": summary_json(summary), "snapshot_on": on})
    return summary
