"""`debtgraph detect` killed with SIGKILL while it stores its alerts, then run again, leaves the alert store
of one uninterrupted run: same alerts, statuses, scores and history, nothing wrongly resolved."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_loaders_support import kill_when

from graph_model.db import Graph
from loaders import load_export
from loaders.synthetic import generate
from queries.alerts import run_detectors, store_runs
from queries.registry import Registry

FIRST, SECOND = dt.date(2026, 3, 31), dt.date(2026, 6, 30)


def _store_state(graph: Graph) -> list[tuple[Any, ...]]:
    """Every alert with what a judge sees of it, and its history as (from, to, actor) — times left out."""
    rows = graph.read("MATCH (al:Alert) OPTIONAL MATCH (al)-[:STATUS_CHANGE]->(e:AlertEvent) "
                      "WITH al, e ORDER BY e.at, e.to_status "
                      "RETURN al.key AS key, al.status AS status, al.score AS score, al.related AS related, "
                      "al.message AS message, al.as_of AS as_of, "
                      "collect([e.from_status, e.to_status, e.actor]) AS events ORDER BY key")
    return [(r["key"], r["status"], r["score"], tuple(r["related"] or []), r["message"], str(r["as_of"]),
             tuple(tuple(e) for e in r["events"] if e[0] is not None)) for r in rows]


def _clear_alerts(graph: Graph) -> None:
    graph.write("MATCH (n) WHERE n:Alert OR n:AlertEvent DETACH DELETE n")


@pytest.mark.slow
def test_killed_detect_then_rerun_equals_one_clean_run(graph: Graph, tmp_path: Path) -> None:
    generate(tmp_path / "gen", 3000, 5, SECOND, exports=1)
    (export,) = [p for p in (tmp_path / "gen").iterdir() if p.is_dir()]
    load_export(graph, export, export.name, rejects=tmp_path / "r.csv")
    registry = Registry()
    store_runs(graph, run_detectors(graph, registry, as_of=FIRST), FIRST)  # yesterday's alerts are stored
    before = len(_store_state(graph))
    assert before > 10

    env = {**os.environ, "DEBTGRAPH_BATCH_SIZE": "2"}  # many small transactions: the kill lands among them
    cli = [sys.executable, "-c", "from api.cli import main; main()", "detect", "--as-of", SECOND.isoformat(),
           "--format", "jsonl"]
    proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    kill_when(proc, lambda: graph.read("MATCH (al:Alert) WHERE al.as_of = date($d) RETURN count(al) > 0 AS started",
                                       {"d": SECOND.isoformat()})[0]["started"], poll=0.01)
    partial = graph.read("MATCH (al:Alert) RETURN sum(CASE WHEN al.as_of = date($d) THEN 1 ELSE 0 END) AS new_day, "
                         "sum(CASE WHEN al.status = 'resolved' THEN 1 ELSE 0 END) AS resolved",
                         {"d": SECOND.isoformat()})[0]
    assert partial["resolved"] == 0  # killed before the end: nothing was resolved on a half-stored run

    store_runs(graph, run_detectors(graph, registry, as_of=SECOND), SECOND)  # the operator runs it again
    rerun = _store_state(graph)

    _clear_alerts(graph)  # the same two days, uninterrupted
    store_runs(graph, run_detectors(graph, registry, as_of=FIRST), FIRST)
    store_runs(graph, run_detectors(graph, registry, as_of=SECOND), SECOND)
    clean = _store_state(graph)
    assert rerun == clean
    stored_second = sum(1 for row in clean if row[5] == SECOND.isoformat())
    assert 0 < partial["new_day"] < stored_second  # the kill really landed mid-way
