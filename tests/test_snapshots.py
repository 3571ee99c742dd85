"""Snapshot loads: a court's next export retires what it no longer holds, keeps it for history, re-asserts it.

The expectations come from the contract, not from the graph: after a snapshot the detectors must
raise exactly what the independent oracle (loaders/synthetic/reference.py) computes from the newer
export alone; as of a date before the snapshot they must raise what a graph holding only the older
export raises. Every table of the export format loses rows between the two, with the rows that
refer to a dropped party, case or asset dropped too, as a court's own system would.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from oracle_helpers import differences
from random_exports import write_random_exports
from test_loaders_support import dump, kill_when

from graph_model.db import Graph
from graph_model.types import parse_case_no
from graph_model.types.identifiers import resident_check_char, uscc_check_char
from loaders import ExportError, MassRetire, load_export, load_snapshot
from loaders.synthetic.readback import evaluate_exports
from queries.alerts import Alert, run_detectors
from queries.registry import Registry

# Columns that name a party, a case or an asset of the same export (court-export format).
PARTY_REFS = {"case_parties": ("party_id",), "relations": ("from_id", "to_id"), "assets": ("owner_id", "counterparty_id"),
              "asset_transfers": ("from_id", "to_id"), "measures": ("party_id",), "settlements": ("payee_id",),
              "detentions": ("party_id",)}
CASE_REFS = {"case_parties": ("case_no",), "measures": ("case_no",), "settlements": ("case_no",),
             "payments": ("case_no",), "auctions": ("case_no",)}
ASSET_REFS = {"asset_transfers": ("asset_id",), "measures": ("asset_id",), "auctions": ("asset_id",)}
TABLES = ("parties", "cases", "case_parties", "relations", "assets", "asset_transfers", "measures", "settlements",
          "payments", "auctions", "detentions")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _case(raw: str) -> str:
    parsed = parse_case_no(raw) if raw else None
    return parsed.case_no if parsed else raw


def thin(src: Path, dst: Path, seed: int, share: float = 0.12) -> dict[str, int]:
    """Copy an export without a random share of each table's rows (and the rows referring to those dropped)."""
    r = random.Random(seed)
    tables = {name: _read(src / f"{name}.csv") for name in TABLES if (src / f"{name}.csv").exists()}
    origins = {_case(row["origin_case_no"]) for row in tables["cases"][1] if row.get("origin_case_no")}
    parties = [row["party_id"] for row in tables["parties"][1]]
    gone_parties = {p for p in parties if r.random() < share / 3} or {r.choice(parties)}
    cases = [_case(row["case_no"]) for row in tables["cases"][1] if _case(row["case_no"]) not in origins]
    gone_cases = {c for c in cases if r.random() < share / 3} or {r.choice(cases)}
    gone_assets = {row["asset_id"] for row in tables["assets"][1]
                   if r.random() < share / 2 or row["owner_id"] in gone_parties or row["counterparty_id"] in gone_parties}
    dropped: dict[str, int] = {}
    dst.mkdir(parents=True)
    for name, (header, rows) in tables.items():
        kept = []
        for row in rows:
            if name == "parties":
                gone = row["party_id"] in gone_parties
            elif name == "cases":
                gone = _case(row["case_no"]) in gone_cases
            elif name == "assets":
                gone = row["asset_id"] in gone_assets
            else:
                gone = (any(row.get(c) in gone_parties for c in PARTY_REFS.get(name, ()))
                        or any(_case(row.get(c, "")) in gone_cases for c in CASE_REFS.get(name, ()))
                        or any(row.get(c) in gone_assets for c in ASSET_REFS.get(name, ()))
                        or r.random() < share)
            if not gone:
                kept.append(row)
        dropped[name] = len(rows) - len(kept)
        with (dst / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, header)
            writer.writeheader()
            writer.writerows(kept)
    return dropped


def _detect(graph: Graph, as_of: dt.date) -> list[Alert]:
    runs = run_detectors(graph, Registry(), as_of=as_of)
    assert all(r.ok for r in runs), {r.name: r.error for r in runs if not r.ok}
    return [a for r in runs for a in r.alerts]


def _shown(alerts: list[Alert]) -> list[tuple[Any, ...]]:
    return sorted((a.detector, a.case_no, a.party_uid, a.score, tuple(a.related), a.message) for a in alerts)


def _snapshot(graph: Graph, directory: Path, on: dt.date, tmp: Path, **kw: Any) -> Any:
    """A snapshot load; the small exports here lose more than the guard's share, so it is off unless asked for."""
    kw.setdefault("allow_mass_retire", True)
    return load_snapshot(graph, directory, directory.name, exported_on=on, rejects=tmp / f"{directory.name}.{on}.csv", **kw)


@pytest.mark.parametrize("seed", range(3))
def test_a_snapshot_retires_what_the_court_dropped_and_keeps_it_for_earlier_dates(graph: Graph, tmp_path: Path,
                                                                                  seed: int) -> None:
    as_of = dt.date(2025, 3, 14) + dt.timedelta(days=seed * 3)
    first, second, back = as_of - dt.timedelta(days=20), as_of - dt.timedelta(days=10), as_of - dt.timedelta(days=5)
    older = write_random_exports(tmp_path / "a", seed, as_of)
    newer = []
    for d in older:
        dropped = thin(d, tmp_path / "b" / d.name, seed)
        assert all(dropped[t] > 0 for t in ("parties", "cases", "case_parties", "relations", "measures")), dropped
        newer.append(tmp_path / "b" / d.name)

    # What a graph of the older exports alone raises on the first date.
    for d in older:
        load_export(graph, d, d.name, rejects=tmp_path / f"{d.name}.fresh.csv")
    before = _shown(_detect(graph, first))
    graph.reset()

    for d in older:
        _snapshot(graph, d, first, tmp_path)
    for d in newer:
        summary = _snapshot(graph, d, second, tmp_path)
        assert summary.snapshot and summary.files["relations"].retired > 0 and summary.files["cases"].retired > 0
        assert summary.files["parties"].added == 0

    # After the snapshot: exactly the contract on the newer exports.
    diffs = differences(graph, _detect(graph, as_of), evaluate_exports(newer, as_of))
    assert not diffs, "\n".join(diffs[:30])
    # Before it: exactly what the older exports raised — the retired facts are still there for that date.
    assert _shown(_detect(graph, first)) == before

    # The court exports the dropped rows again: they are current again.
    for d in older:
        summary = _snapshot(graph, d, back, tmp_path)
        assert summary.files["relations"].reasserted > 0 and summary.files["relations"].retired == 0
    diffs = differences(graph, _detect(graph, as_of), evaluate_exports(older, as_of))
    assert not diffs, "\n".join(diffs[:30])


def _facts(graph: Graph, where: str) -> list[dict[str, Any]]:
    rows = graph.read(f"MATCH (a)-[r]->(b) WHERE {where} RETURN type(r) AS type, a.uid AS a, "
                      "coalesce(b.uid, b.case_no) AS b, r.valid_to AS valid_to, r.retired_by AS retired_by, "
                      "r.sources AS sources ORDER BY type, a, b")
    return [{**r, "valid_to": r["valid_to"] and r["valid_to"].to_native()} for r in rows]


def _export_with(tmp: Path, name: str, parties: list[tuple[str, ...]], relations: list[tuple[str, ...]],
                 measures: list[tuple[str, ...]]) -> Path:
    """A small export written by hand: two spouses, a company, one case and its measures."""
    d = tmp / name
    d.mkdir(parents=True, exist_ok=True)
    files = {
        "parties": (("party_id", "kind", "name", "id_number"), parties),
        "cases": (("case_no", "kind", "filed_on", "status", "amount"),
                  [("(2024)沪0104执100号", "enforcement", "2024-03-01", "pending", "80000")]),
        "case_parties": (("case_no", "party_id", "role"),
                         [("(2024)沪0104执100号", "P1", "applicant"), ("(2024)沪0104执100号", "P2", "respondent")]),
        "relations": (("from_id", "to_id", "relation"), relations),
        "measures": (("measure_id", "case_no", "kind", "party_id", "imposed_on"), measures),
    }
    for file, (header, rows) in files.items():
        with (d / f"{file}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
    return d


WANG = "31010419800101001" + resident_check_char("31010419800101001")
ZHAO = "31010419820202002" + resident_check_char("31010419820202002")
PARTIES = [("P1", "company", "上海甲公司", "91310104MA1FL0K21" + uscc_check_char("91310104MA1FL0K21")),
           ("P2", "person", "王五", WANG), ("P3", "person", "赵六", ZHAO)]
SPOUSE = ("P2", "P3", "spouse")
RESTRICTION = ("M1", "(2024)沪0104执100号", "consumption_restriction", "P2", "2024-04-01")


def test_the_issue_scenario_a_divorce_and_a_lifted_measure_are_retired_not_deleted(graph: Graph, tmp_path: Path) -> None:
    """A spouse relation and a consumption restriction gone from the next export: retired as of its date."""
    _snapshot(graph, _export_with(tmp_path / "1", "xuhui", PARTIES, [SPOUSE], [RESTRICTION]), dt.date(2025, 5, 1), tmp_path)
    summary = _snapshot(graph, _export_with(tmp_path / "2", "xuhui", PARTIES, [], []), dt.date(2025, 6, 2), tmp_path)
    assert summary.files["relations"].retired == 1  # the SPOUSE_OF relationship
    assert summary.files["measures"].retired == 3  # the Measure, its MEASURE_IN and RESTRICTS
    spouse = _facts(graph, "type(r) = 'SPOUSE_OF'")
    assert spouse == [{"type": "SPOUSE_OF", "a": f"id:{WANG}", "b": f"id:{ZHAO}",
                       "valid_to": dt.date(2025, 6, 2), "retired_by": ["2025-06-02 xuhui"], "sources": []}]
    measure = graph.read("MATCH (m:Measure) RETURN m.valid_to AS valid_to, m.retired_by AS by, m.kind AS kind")
    measure[0]["valid_to"] = measure[0]["valid_to"].to_native()
    assert measure == [{"valid_to": dt.date(2025, 6, 2), "by": ["2025-06-02 xuhui"], "kind": "consumption_restriction"}]
    # The rest of the export is untouched and current.
    assert _facts(graph, "r.valid_to IS NOT NULL AND type(r) IN ['APPLICANT_IN', 'RESPONDENT_IN']") == []


def test_a_fact_another_court_still_exports_stays_current(graph: Graph, tmp_path: Path) -> None:
    _snapshot(graph, _export_with(tmp_path / "1", "xuhui", PARTIES, [SPOUSE], []), dt.date(2025, 5, 1), tmp_path)
    load_export(graph, _export_with(tmp_path / "1", "hongkou", PARTIES, [SPOUSE], []), "hongkou",
                rejects=tmp_path / "h.csv")
    _snapshot(graph, _export_with(tmp_path / "2", "xuhui", PARTIES, [], []), dt.date(2025, 6, 2), tmp_path)
    assert _facts(graph, "type(r) = 'SPOUSE_OF'") == [
        {"type": "SPOUSE_OF", "a": f"id:{WANG}", "b": f"id:{ZHAO}", "valid_to": None,
         "retired_by": ["2025-06-02 xuhui"], "sources": ["hongkou"]}]


def test_a_snapshot_loaded_twice_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    d = _export_with(tmp_path, "xuhui", PARTIES, [SPOUSE], [RESTRICTION])
    _snapshot(graph, d, dt.date(2025, 5, 1), tmp_path)
    thinned = _export_with(tmp_path / "2", "xuhui", PARTIES, [], [RESTRICTION])
    _snapshot(graph, thinned, dt.date(2025, 5, 2), tmp_path)
    once = dump(graph)
    again = _snapshot(graph, thinned, dt.date(2025, 5, 3), tmp_path)
    assert dump(graph) == once
    assert all((f.added, f.changed, f.retired, f.reasserted) == (0, 0, 0, 0) for f in again.files.values())


def test_changed_values_take_the_new_value_and_are_counted(graph: Graph, tmp_path: Path) -> None:
    _snapshot(graph, _export_with(tmp_path / "1", "xuhui", PARTIES, [SPOUSE], [RESTRICTION]), dt.date(2025, 5, 1), tmp_path)
    lifted = (*RESTRICTION, "2025-05-20")
    d = _export_with(tmp_path / "2", "xuhui", PARTIES, [SPOUSE], [])
    with (d / "measures.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("measure_id", "case_no", "kind", "party_id", "imposed_on", "lifted_on"), lifted])
    summary = _snapshot(graph, d, dt.date(2025, 6, 1), tmp_path)
    assert (summary.files["measures"].changed, summary.files["measures"].retired) == (1, 0)
    assert graph.read("MATCH (m:Measure) RETURN m.lifted_on AS lifted")[0]["lifted"].to_native() == dt.date(2025, 5, 20)


def test_the_mass_retire_guard_stops_before_writing(graph: Graph, tmp_path: Path) -> None:
    full = write_random_exports(tmp_path / "a", 5, dt.date(2025, 3, 14))[0]
    _snapshot(graph, full, dt.date(2025, 3, 1), tmp_path)
    before = dump(graph)
    half = tmp_path / "half" / full.name
    thin(full, half, 9, share=0.6)
    with pytest.raises(MassRetire) as caught:
        _snapshot(graph, half, dt.date(2025, 3, 2), tmp_path, allow_mass_retire=False)
    assert caught.value.retire / caught.value.held > 0.3 and "--allow-mass-retire" in str(caught.value)
    assert dump(graph) == before  # nothing written
    summary = _snapshot(graph, half, dt.date(2025, 3, 2), tmp_path, allow_mass_retire=True)
    assert sum(f.retired for f in summary.files.values()) == caught.value.retire


def test_the_cli_guard_exits_2_and_names_the_way_out(graph: Graph, tmp_path: Path) -> None:
    full = write_random_exports(tmp_path / "a", 6, dt.date(2025, 3, 14))[0]
    _snapshot(graph, full, dt.date(2025, 3, 1), tmp_path)
    half = tmp_path / "half" / full.name
    thin(full, half, 9, share=0.6)
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "load", str(half), "--source", full.name, "--snapshot",
           "--exported-on", "2025-03-02", "--rejects", str(tmp_path / "r.csv"), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert done.returncode == 2, done.stderr
    said = " ".join(done.stderr.split())  # the console wraps long lines
    assert "Nothing was written" in said and "--allow-mass-retire" in said and "(70%, more than the 30% allowed)" in said


@pytest.mark.slow
def test_kill_9_during_a_snapshot_then_run_again_gives_the_graph_of_one_clean_load(graph: Graph, tmp_path: Path) -> None:
    as_of = dt.date(2025, 3, 14)
    full = write_random_exports(tmp_path / "a", 7, as_of)[0]
    newer = tmp_path / "b" / full.name
    thin(full, newer, 7)
    _snapshot(graph, full, dt.date(2025, 3, 1), tmp_path)
    # The clean result, then the same from the older state with a kill in the middle.
    _snapshot(graph, newer, dt.date(2025, 3, 2), tmp_path)
    clean = dump(graph)
    graph.reset()
    _snapshot(graph, full, dt.date(2025, 3, 1), tmp_path)
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "load", str(newer), "--source", full.name, "--snapshot",
           "--exported-on", "2025-03-02", "--rejects", str(tmp_path / "k.csv"), "--json"]
    env = {**os.environ, "DEBTGRAPH_BATCH_SIZE": "20"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(proc, lambda: bool(graph.read(
        "MATCH (e:Export {source: $s}) RETURN e.completed = false AS busy", {"s": full.name})[0]["busy"]))
    _snapshot(graph, newer, dt.date(2025, 3, 2), tmp_path)
    assert dump(graph) == clean


def test_the_cli_records_each_load_and_loads_show_lists_its_counts(graph: Graph, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from graph_model.settings import get_settings

    monkeypatch.setenv("DEBTGRAPH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        first = _export_with(tmp_path / "1", "xuhui", PARTIES, [SPOUSE], [RESTRICTION])
        second = _export_with(tmp_path / "2", "xuhui", PARTIES, [], [RESTRICTION])
        args = ["--source", "xuhui", "--snapshot", "--allow-mass-retire", "--json", "--rejects", str(tmp_path / "r.csv")]
        assert runner.invoke(app, ["load", str(first), *args, "--exported-on", "2025-05-01"]).exit_code == 0
        done = runner.invoke(app, ["load", str(second), *args, "--exported-on", "2025-06-02"])
        assert done.exit_code == 0, done.output
        load_id = json.loads(done.stdout)["load_id"]
        shown = json.loads(runner.invoke(app, ["loads", "show", load_id, "--json"]).stdout)
        files = shown["summary"]["files"]
        assert (files["relations"]["retired"], files["measures"]["retired"], files["parties"]["added"]) == (1, 0, 0)
        assert shown["summary"]["exported_on"] == "2025-06-02" and shown["uploaded_by"].startswith("cli:")
        listed = json.loads(runner.invoke(app, ["loads", "list", "--json"]).stdout)
        assert [r["load_id"] for r in listed][0] == load_id and len(listed) == 2
        assert runner.invoke(app, ["loads", "show", "20990101T000000Z-00000000"]).exit_code == 2
        bad = runner.invoke(app, ["load", str(second), "--source", "xuhui", "--exported-on", "2025-06-02"])
        assert bad.exit_code == 2  # a date without --snapshot means nothing
    finally:
        get_settings.cache_clear()


def test_a_fact_new_in_a_later_snapshot_is_valid_from_its_date_and_the_first_export_since_always(
        graph: Graph, tmp_path: Path) -> None:
    _snapshot(graph, _export_with(tmp_path / "1", "xuhui", PARTIES, [], []), dt.date(2025, 5, 1), tmp_path)
    summary = _snapshot(graph, _export_with(tmp_path / "2", "xuhui", PARTIES, [SPOUSE], []), dt.date(2025, 6, 2), tmp_path)
    assert summary.files["relations"].added == 1
    rows = graph.read("MATCH ()-[r:SPOUSE_OF]->() RETURN r.valid_from AS since")
    assert [r["since"].to_native() for r in rows] == [dt.date(2025, 6, 2)]
    # the first export's facts have no start: they are known since always
    assert graph.read("MATCH ()-[r:RESPONDENT_IN]->() RETURN r.valid_from AS since") == [{"since": None}]


def test_a_snapshot_older_than_the_last_one_is_refused(graph: Graph, tmp_path: Path) -> None:
    d = _export_with(tmp_path, "xuhui", PARTIES, [SPOUSE], [])
    _snapshot(graph, d, dt.date(2025, 6, 2), tmp_path)
    before = dump(graph)
    with pytest.raises(ExportError, match=r"dated 2025-06-01, before its last snapshot \(2025-06-02\)"):
        _snapshot(graph, _export_with(tmp_path / "old", "xuhui", PARTIES, [], []), dt.date(2025, 6, 1), tmp_path)
    assert dump(graph) == before
    _snapshot(graph, d, dt.date(2025, 6, 2), tmp_path)  # the same day again is fine
