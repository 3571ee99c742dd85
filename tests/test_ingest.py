"""`debtgraph ingest INBOX`: the daily run over dropped exports (docs/operations.md), with a good, a duplicate
and a broken folder; expectations from the seed stories' expected.json."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph_model.db import Graph

runner = CliRunner()
SEED = Path(__file__).parent / "fixtures" / "seed_stories"
EXPECTED = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))


def _drop(inbox: Path, day: str, export: str, name: str | None = None) -> Path:
    target = inbox / day / (name or export)
    shutil.copytree(SEED / export, target)
    return target


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The run's ledger and reports go to this test's own data directory (same Neo4j server)."""
    from graph_model.settings import get_settings

    monkeypatch.setenv("DEBTGRAPH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"  # type: ignore[misc]
    get_settings.cache_clear()


def test_a_daily_run_loads_in_date_order_skips_duplicates_and_files_failures(graph: Graph, tmp_path: Path,
                                                                               data_dir: Path) -> None:
    inbox = tmp_path / "inbox"
    xuhui, hongkou, third = EXPECTED["exports"]
    _drop(inbox, "2024-06-27", xuhui)
    _drop(inbox, "2024-06-28", hongkou)
    _drop(inbox, "2024-06-28", third)
    _drop(inbox, "2024-06-28", xuhui)  # the same file dropped again the next day
    broken = _drop(inbox, "2024-06-28", hongkou, name="sh0115-pudong")
    (broken / "parties.csv").unlink()

    res = runner.invoke(app, ["ingest", str(inbox), "--json"])
    assert res.exit_code == 1, res.output  # one folder failed
    summary = json.loads(res.stdout)
    assert [d["date"] for d in summary["dates"]] == ["2024-06-27", "2024-06-28"]
    outcomes = {(f["date"], f["source"]): f["outcome"] for d in summary["dates"] for f in d["folders"]}
    assert outcomes == {("2024-06-27", xuhui): "loaded", ("2024-06-28", hongkou): "loaded",
                        ("2024-06-28", third): "loaded", ("2024-06-28", xuhui): "duplicate",
                        ("2024-06-28", "sh0115-pudong"): "failed"}
    # every alert of the stories as of their day, each first seen once; per court as the case numbers say
    open_alerts = graph.read("MATCH (al:Alert) WHERE al.status <> 'resolved' RETURN al.detector AS d, "
                             "al.case_no AS c, al.court_code AS court")
    assert {(a["d"], a["c"]) for a in open_alerts} == {(e["detector"], e["case_no"]) for e in EXPECTED["alerts"]}
    new = Counter()
    for d in summary["dates"]:
        new.update(d["new_alerts"])
    assert sum(new.values()) == len(EXPECTED["alerts"])
    assert dict(new) == dict(Counter(a["court"] or "?" for a in open_alerts))

    # the folders are filed: done with their rejection report, failed with the reason
    assert sorted(p.name for p in (inbox / "done" / "2024-06-28").iterdir()) == sorted([hongkou, third, xuhui])
    assert (inbox / "done" / "2024-06-27" / xuhui / "rejects.csv").exists()
    reason = (inbox / "failed" / "2024-06-28" / "sh0115-pudong" / "reason.txt").read_text(encoding="utf-8")
    assert "parties" in reason
    assert not (inbox / "2024-06-27").exists() and not (inbox / "2024-06-28").exists()

    # run again: nothing to do; the same export dropped once more is recognised by its content
    again = runner.invoke(app, ["ingest", str(inbox), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout) == {"dates": []}
    _drop(inbox, "2024-06-29", hongkou)
    third_run = json.loads(runner.invoke(app, ["ingest", str(inbox), "--json"]).stdout)
    (folder,) = third_run["dates"][0]["folders"]
    assert folder["outcome"] == "duplicate" and "2024-06-28/" + hongkou in folder["reason"]
    assert len((data_dir / "ingest-ledger.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_two_runs_never_overlap(graph: Graph, tmp_path: Path, data_dir: Path) -> None:
    inbox = tmp_path / "inbox"
    _drop(inbox, "2024-06-28", EXPECTED["exports"][0])
    with (inbox / ".ingest.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        res = runner.invoke(app, ["ingest", str(inbox)])
    assert res.exit_code == 3 and "another `debtgraph ingest` is running" in res.output
    assert (inbox / "2024-06-28").exists() and graph.counts()["nodes"] == 0
    assert runner.invoke(app, ["ingest", str(tmp_path / "nowhere")]).exit_code == 2


def test_each_folder_is_a_snapshot_of_its_date_and_a_wiping_one_is_refused(graph: Graph, tmp_path: Path,
                                                                           data_dir: Path) -> None:
    """The court stops exporting the restrictions of a concluded case: the next day's run retires them and the
    restriction_not_lifted alert is resolved; an export that lost most of its rows is filed as failed, untouched."""
    inbox = tmp_path / "inbox"
    xuhui, hongkou, third = EXPECTED["exports"]
    for export in (xuhui, hongkou, third):
        _drop(inbox, "2024-06-28", export)
    assert runner.invoke(app, ["ingest", str(inbox), "--json"]).exit_code == 0
    restriction = {"d": "restriction_not_lifted", "c": "(2024)沪0104执456号"}
    query = ("MATCH (al:Alert {detector: $d, case_no: $c}) RETURN al.status AS status")
    assert graph.read(query, restriction) == [{"status": "new"}]

    lifted = _drop(inbox, "2024-06-29", xuhui)
    measures = (lifted / "measures.csv").read_text(encoding="utf-8").splitlines()
    (lifted / "measures.csv").write_text("\n".join(m for m in measures if "执456号" not in m) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["ingest", str(inbox), "--json"])
    assert res.exit_code == 0, res.output
    (folder,) = json.loads(res.stdout)["dates"][0]["folders"]
    assert (folder["outcome"], folder["retired"]) == ("loaded", 6)  # two measures: each node, MEASURE_IN, RESTRICTS
    assert graph.read(query, restriction) == [{"status": "resolved"}]
    retired = graph.read("MATCH (m:Measure) WHERE m.valid_to IS NOT NULL RETURN m.measure_id AS id, "
                         "toString(m.valid_to) AS since ORDER BY id")
    assert retired == [{"id": "XH-M004", "since": "2024-06-29"}, {"id": "XH-M005", "since": "2024-06-29"}]

    # The court exports the restrictions again (the same files as on 06-28): not a duplicate of its last
    # export, so it loads, the measures are current again and the alert comes back.
    _drop(inbox, "2024-07-01", xuhui)
    res = runner.invoke(app, ["ingest", str(inbox), "--json"])
    (folder,) = json.loads(res.stdout)["dates"][0]["folders"]
    assert folder["outcome"] == "loaded", folder
    assert graph.read("MATCH (m:Measure) WHERE m.valid_to IS NOT NULL RETURN count(m) AS n") == [{"n": 0}]
    assert graph.read(query, restriction)[0]["status"] != "resolved"

    wiped = _drop(inbox, "2024-07-02", xuhui)
    for name in ("relations", "assets", "auctions", "measures"):
        (wiped / f"{name}.csv").unlink()
    header = (wiped / "case_parties.csv").read_text(encoding="utf-8").splitlines()[0]
    (wiped / "case_parties.csv").write_text(header + "\n", encoding="utf-8")  # a truncated file
    before = graph.counts()
    res = runner.invoke(app, ["ingest", str(inbox), "--json"])
    assert res.exit_code == 1
    (folder,) = json.loads(res.stdout)["dates"][0]["folders"]
    assert folder["outcome"] == "failed" and "--allow-mass-retire" in folder["reason"]
    assert (inbox / "failed" / "2024-07-02" / xuhui / "reason.txt").exists()
    assert graph.counts() == before
    assert graph.read("MATCH (m:Measure) WHERE m.valid_to IS NOT NULL RETURN count(m) AS n") == [{"n": 0}]
