"""`debtgraph load --bulk-initial`: the offline importer must build exactly the graph of a transactional load.

These tests are what keeps the two loading paths from drifting: loaders/bulk.py re-states every
queries/load/*.cypher MERGE statement as data (STATEMENTS), and a change to one side without the
other fails here. The bulk path stops and restarts the test server; it is running again when each
test ends.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_loaders_support import dump, kill_when
from typer.testing import CliRunner

from api.cli import app
from graph_model.db import Graph
from graph_model.settings import get_settings
from loaders import LoadSummary, load_export
from loaders.bulk import STATEMENTS, Node, Rel, bulk_initial_load
from loaders.synthetic import generate
from queries.statements import statement

SEED = Path(__file__).parent / "fixtures" / "seed_stories"
SEED_EXPORTS = ["sh0104-xuhui", "sh0109-hongkou", "sh03-third-intermediate"]
QUERIES = Path(__file__).resolve().parent.parent / "queries" / "load"


def _comparable(summary: LoadSummary) -> dict[str, Any]:
    """What both paths must report alike (timings, report path and property-write counters differ by design)."""
    data = summary.to_dict()
    for key in ("seconds", "path", "rejects_file", "properties_set", "labels_added"):
        data.pop(key)
    data["rejects"] = [(r.file, r.line, r.column, r.value, r.reason) for r in summary.rejects]
    return data


def _both_ways(graph: Graph, dirs: list[Path], tmp_path: Path, keep_extra: bool = False) -> None:
    """Load transactionally, dump, empty, load in bulk, dump: graphs, summaries and reports must be identical."""
    graph.reset()
    tx_reports = [tmp_path / "tx" / f"{d.name}.rejects.csv" for d in dirs]
    tx = [load_export(graph, d, rejects=r, keep_extra=keep_extra) for d, r in zip(dirs, tx_reports, strict=True)]
    expected = dump(graph)
    assert expected[0] and expected[1]
    graph.reset()
    bulk_reports = [tmp_path / "bulk" / f"{d.name}.rejects.csv" for d in dirs]
    result = bulk_initial_load(graph, dirs, rejects=bulk_reports, keep_extra=keep_extra)  # type: ignore[arg-type]
    nodes, rels = dump(graph)
    assert len(nodes) == len(expected[0]) and len(rels) == len(expected[1])
    assert (nodes, rels) == expected
    assert result.nodes + len(dirs) == len(nodes) and result.relationships == len(rels)  # + the Export nodes
    for a, b in zip(tx, result.exports, strict=True):
        assert _comparable(b) == _comparable(a)
    for a, b in zip(tx_reports, bulk_reports, strict=True):
        assert b.read_bytes() == a.read_bytes()
    record = json.loads(graph.read("MATCH (e:Export {source: $s}) RETURN e.last_summary AS s",
                                   {"s": dirs[0].name})[0]["s"])
    assert record["completed"] is True and record["rows"] == tx[0].rows
    # the schema is back and ONLINE: uniqueness holds for later transactional loads
    states = {r["state"] for r in graph.read("SHOW INDEXES YIELD state RETURN DISTINCT state")}
    assert states == {"ONLINE"}


def _edit_csv(path: Path, edit: Any) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.slow
def test_seed_stories_bulk_equals_transactional_with_hostile_text(graph: Graph, tmp_path: Path) -> None:
    """Seed stories, plus a name and an extra column holding commas, quotes and the importer's own syntax."""
    dirs = []
    for name in SEED_EXPORTS:
        shutil.copytree(SEED / name, tmp_path / "in" / name)
        dirs.append(tmp_path / "in" / name)

    def hostile(rows: list[list[str]]) -> None:
        header = rows[0]
        rows[0] = [*header, "note"]
        name = header.index("name")
        rows[1][name] = 'Foo, "Bar" ;|\\'
        for i, row in enumerate(rows[1:], start=1):
            row.append('a,b "c" ;d' if i % 2 else "")

    _edit_csv(dirs[0] / "parties.csv", hostile)
    _both_ways(graph, dirs, tmp_path, keep_extra=True)
    names = graph.read("MATCH (p:Party) WHERE 'Foo, \"Bar\" ;|\\\\' IN p.names RETURN p.extra_note AS note")
    assert names == [{"note": 'a,b "c" ;d'}]


@pytest.mark.slow
def test_messy_generated_exports_bulk_equals_transactional(graph: Graph, tmp_path: Path) -> None:
    generate(tmp_path / "gen", parties=2000, seed=5, as_of=dt.date(2025, 6, 30), exports=3, messy=True)
    truth = json.loads((tmp_path / "gen" / "truth.json").read_text(encoding="utf-8"))
    dirs = [tmp_path / "gen" / e["dir"] for e in truth["exports"]]
    assert len(dirs) == 3
    _both_ways(graph, dirs, tmp_path)
    # parties shared by exports through a valid id are one node with both sources, as transactionally
    assert graph.read("MATCH (p:Party) WHERE size(p.sources) > 1 RETURN count(p) AS n")[0]["n"] > 0


def test_a_non_empty_database_is_refused_before_anything(graph: Graph, tmp_path: Path) -> None:
    load_export(graph, SEED / SEED_EXPORTS[0])
    before = dump(graph)
    report = tmp_path / "r.csv"
    result = CliRunner().invoke(app, ["load", "--bulk-initial", str(SEED / SEED_EXPORTS[1]), "--rejects", str(report)])
    assert result.exit_code == 2, result.output
    assert "not empty" in result.stderr and "debtgraph load DIR" in result.stderr
    assert dump(graph) == before and not report.exists()


def test_a_remote_server_is_refused(graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    get_settings.cache_clear()
    try:
        report = tmp_path / "r.csv"
        result = CliRunner().invoke(app, ["load", "--bulk-initial", str(SEED / SEED_EXPORTS[0]), "--rejects",
                                          str(report)])
    finally:
        monkeypatch.delenv("NEO4J_URI")
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert "NEO4J_URI is set" in result.stderr and "debtgraph load DIR" in result.stderr
    assert not report.exists()


def test_two_exports_with_one_source_name_are_refused(graph: Graph, tmp_path: Path) -> None:
    for parent in ("a", "b"):
        shutil.copytree(SEED / SEED_EXPORTS[0], tmp_path / parent / "court")
    result = CliRunner().invoke(app, ["load", "--bulk-initial", str(tmp_path / "a" / "court"),
                                      str(tmp_path / "b" / "court")])
    assert result.exit_code == 2 and "same source name" in result.stderr
    assert graph.counts() == {"nodes": 0, "relationships": 0}


# -- the declarations against the .cypher files (no server needed) ------------------------------------
_WRITES = re.compile(r"\b[a-z]\w*\.(\w+)\s*=(?!=)")


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_each_declaration_writes_what_its_statement_writes(name: str) -> None:
    """Same properties, same `+= row.extra`, same dynamic label as the .cypher twin."""
    text = statement(name)
    written = set(_WRITES.findall(text)) - {"sources", "first_loaded_at"}
    decl = STATEMENTS[name]
    declared = {prop for merge in decl.merges for prop, _, _ in merge.rules}
    assert declared == written, f"{name}: declared {sorted(declared)}, the statement writes {sorted(written)}"
    assert sum(m.extra for m in decl.merges) == text.count("+= row.extra")
    assert any(isinstance(m, Node) and m.label_from for m in decl.merges) == ("$(row.label)" in text)
    merged = re.findall(r"MERGE \((\w+)(?::(\w+))?[^)]*\)(?:-\[\w+:(\$\(row\.\w+\)|\w+)\]->\((\w+)\))?", text)
    kinds = [("rel" if t else "node") for _, _, t, _ in merged]
    assert kinds == [("node" if isinstance(m, Node) else "rel") for m in decl.merges], name
    rel_types = [t for _, _, t, _ in merged if t]
    assert rel_types == [m.type.replace("$", "$(row.") + (")" if m.type.startswith("$") else "")
                         for m in decl.merges if isinstance(m, Rel)], name


def test_every_statement_that_merges_rows_has_a_declaration() -> None:
    merging = {f"load/{p.stem}" for p in QUERIES.glob("*.cypher") if "UNWIND $rows" in p.read_text(encoding="utf-8")}
    assert merging == set(STATEMENTS)


def test_the_importers_peak_memory_is_its_own_not_the_loaders(tmp_path: Path) -> None:
    # getrusage(RUSAGE_CHILDREN) would report the loader's own high-water mark for any child it
    # starts after cleaning 1M parties; an operator sizing the machine needs the importer's figure
    import sys

    from loaders.bulk import _run_sampled

    ballast = b"\x01" * (400 * 2**20)  # this process now holds 400 MB more than any child below
    small, small_mb = _run_sampled([sys.executable, "-c", "import time; time.sleep(1.2)"], {}, tmp_path)
    big, big_mb = _run_sampled([sys.executable, "-c", "import time; b = b'1' * (200 * 2**20); time.sleep(1.2)"],
                               {}, tmp_path)
    assert len(ballast) and small.returncode == 0 and big.returncode == 0
    assert 0 < small_mb < 100
    assert 200 < big_mb < 400


@pytest.mark.slow
@pytest.mark.parametrize("when", ["during_import", "after_import"])
def test_a_bulk_load_killed_midway_is_replaced_by_the_next_run(graph: Graph, tmp_path: Path, when: str) -> None:
    """SIGKILL while the server is down for the importer, or once it is back with the imported nodes but before
    the load is recorded: the next --bulk-initial stops an orphaned importer, overwrites the unfinished
    database (not refused as 'not empty') and builds the graph of a clean load."""
    import subprocess
    import sys

    from neo4j_local import server

    graph.reset()
    dirs = [SEED / name for name in SEED_EXPORTS]
    for d in dirs:
        load_export(graph, d, rejects=tmp_path / f"{d.name}.tx.csv")
    expected = dump(graph)
    graph.reset()

    settings = graph.settings
    cli = [sys.executable, "-c", "from api.cli import main; main()", "load", "--bulk-initial", *map(str, dirs),
           "--rejects", str(tmp_path / "killed-reports")]
    proc = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stopped: list[bool] = []  # the import phase began: the server was stopped for it

    def moment() -> bool:
        running = server.status(settings).state == "running"
        if not running:
            stopped.append(True)
        return bool(stopped) and (when == "during_import" or running)  # after_import: back with the imported graph

    kill_when(proc, moment, poll=0.02)
    assert (settings.data_dir / "bulk-initial.unfinished").exists()  # the next run knows what happened

    result = bulk_initial_load(graph, dirs, rejects=[tmp_path / f"{d.name}.bulk.csv" for d in dirs])
    assert [s.completed for s in result.exports] == [True, True, True]
    assert dump(graph) == expected
    assert not (settings.data_dir / "bulk-initial.unfinished").exists()
    assert server.status(settings).state == "running"
