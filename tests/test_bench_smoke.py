"""The benchmark pipeline (bench/run_all.py) at a tiny size: every step runs and records its measures.

The full pipeline (with the API step) takes minutes even at 1,500 parties on a shared machine, so
the end-to-end test runs the steps that measure the loaded graph at 300 parties; the API step is
bench_api.py's own. Results go to tmp_path, never to the committed bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph_model.db import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402
import run_all  # noqa: E402

STEPS = "generator,ceiling,load,bulk,detect,api,network,identity"


@pytest.mark.slow
def test_pipeline_runs_every_step_and_writes_its_measures(graph: Graph, tmp_path: Path) -> None:
    env = os.environ | {"DEBTGRAPH_BENCH_DATA": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run_all.py"), "--yes-empty-the-database",
                           "--parties", "300", "--only", STEPS, "--results-dir", str(tmp_path / "res")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    # the bulk step's importer replaced the store, whose transaction ids start again: the shared
    # handle's bookmarks name transactions the new store never had
    graph.bookmarks = GraphDatabase.bookmark_manager()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "detect-300-5" not in (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")  # went to --results-dir

    res = run_all.load_results(tmp_path / "res", "300")
    assert set(res) == {"run_all", *STEPS.split(",")}
    steps = {s["step"]: s for s in res["run_all"]["steps"]}
    assert list(steps) == STEPS.split(",")
    for s in steps.values():
        assert s["exit"] == 0 and s["wall_seconds"] > 0 and s["python_peak_rss_mb"] > 50
        assert s["neo4j_peak_rss_mb"] > 100  # the local test server's JVM

    load = res["load"]
    assert load["elements"] > 1000 and load["elements_per_second"] > 0 and load["ratio"] > 1
    assert load["baseline_elements_per_second"] > 0 and load["loader_peak_rss_mb"] > 50
    assert load["neo4j_peak_rss_mb"] > 100 and load["store_bytes"] > 0
    assert [e["source"] for e in load["exports"]] == ["sh0104-xuhui", "sh0109-hongkou", "sh0115-pudong"]
    assert load["driver"].startswith("neo4j-python ") and "5." in load["neo4j"]

    bulk = res["bulk"]  # compared with the load step's figures, not with a second transactional load
    assert bulk["elements"] == load["elements"] and bulk["bulk_elements_per_s"] > 0
    assert bulk["transactional_seconds"] == round(load["seconds"], 2) and "load step of the same run" in \
        bulk["transactional_source"]

    detect = res["detect"]
    assert len(detect["detectors"]) == 11 and detect["all_ok"]
    assert detect["party_nodes"] == load["party_nodes"]  # measured on the graph the bulk step left
    assert detect["case_alerts_p95_s"] > 0 and detect["neo4j_peak_rss_mb"] > 100

    api = res["api"]  # the HTTP step: a real `debtgraph serve`, keys in its security store, every call answered
    for scenario in ("health", "me", "case_alerts", "network_depth2"):
        assert api[scenario]["p95_ms"] > 0 and api[scenario]["ok"] == api[scenario]["requests"], (scenario, api)

    network = res["network"]
    for key in ("controller_typical_networkx_seconds", "controller_most_holders_networkx_seconds",
                "groups_networkx-louvain_seconds", "groups_igraph-leiden_seconds", "groups_igraph-leiden_peak_rss_mb"):
        assert network[key] > 0, key
    assert {r["method"] for r in network["communities_synthetic"]["results"]} >= {"networkx-louvain", "igraph-leiden"}

    identity = res["identity"]
    assert identity["party_nodes"] == load["party_nodes"] and identity["peak_rss_mb"] > 50
    assert identity["scan_seconds"] > 0 and identity["ratio_to_scan"] > 1
    assert isinstance(identity["same_as"], dict)
    planted = identity["planted"]["sizes"][0]
    assert planted["precision"] > 0.9 and planted["recall"] > 0.5

    text = (tmp_path / "res" / "RESULTS.md").read_text(encoding="utf-8")
    for heading in ("## Write ceiling", "## Loading", "## Bulk first load", "## Detectors", "## API",
                    "## Network on the loaded dataset",
                    "## Identity linking on the loaded dataset"):
        assert f"\n{heading} — 300 parties\n" in text  # each size keeps its own section
    assert "| detect |" in proc.stdout and "| identity |" in proc.stdout  # the summary table


@pytest.mark.slow
def test_driver_variants_load_the_same_graph_and_are_reported(graph: Graph, tmp_path: Path) -> None:
    env = os.environ | {"DEBTGRAPH_BENCH_DATA": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_driver.py"), "--parties", "300",
                           "--rounds", "1", "--no-results"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]  # it refuses writers that differ
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    assert [r.split(" | ")[0] for r in rows] == ["| pure-Python driver (baseline)", "| with neo4j-rust-ext (adopted)",
                                                "| async driver API, with neo4j-rust-ext"]
    assert rows[0].split(" | ")[3] == "1.00"  # the baseline's own ratio
    for variant in ("python", "rust", "async"):
        assert f"round 1 {variant}: " in proc.stderr


def test_a_loaded_step_refuses_a_graph_of_another_dataset(graph: Graph, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBTGRAPH_BENCH_DATA", str(tmp_path))
    small, other = common.dataset(300), common.dataset(350)
    truth = common.read_truth(small)
    common.load_dataset(graph, small, truth)
    common.check_loaded(graph, truth)  # the dataset it holds: accepted
    with pytest.raises(SystemExit, match="rows per file"):
        common.check_loaded(graph, common.read_truth(other))  # same export names, other rows
    graph.write("MATCH (e:Export {source: 'sh0109-hongkou'}) SET e.completed = false")
    with pytest.raises(SystemExit, match="sh0109-hongkou not completely loaded"):
        common.check_loaded(graph, truth)


def _write(folder: Path, bench: str, parties: int, data: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{bench}.json").write_text(json.dumps({"bench": bench, "parties": parties, **data}), encoding="utf-8")


def test_growth_section_compares_the_two_sizes_per_party_and_against_the_targets(tmp_path: Path) -> None:
    assert run_all.growth_section(tmp_path) is None  # nothing to compare yet
    small, large = tmp_path / "results" / "100k", tmp_path / "results" / "1m"
    _write(small, "load", 100_000, {"elements_per_second": 9_000.0, "ratio": 80.0, "seconds": 160.0,
                                    "loader_peak_rss_mb": 580.0, "store_bytes": 400 * 2**20})
    _write(large, "load", 1_000_000, {"elements_per_second": 70_000.0, "ratio": 25.0, "seconds": 2000.0,
                                      "loader_peak_rss_mb": 600.0, "store_bytes": 4000 * 2**20})
    _write(small, "detect", 100_000, {"all_seconds": 1.5, "slowest_seconds": 0.3, "case_alerts_p95_s": 0.006})
    _write(large, "detect", 1_000_000, {"all_seconds": 70.0, "slowest_seconds": 14.0, "case_alerts_p95_s": 0.03})
    section = run_all.growth_section(tmp_path)
    assert section is not None and section.startswith(run_all.GROWTH)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in section.splitlines() if line.startswith("| ")}
    assert rows["load: time (load_export)"].endswith("| 1.60 ms | 2.00 ms | 12.50 |")  # per party and 1m/100k
    assert rows["load: store on disk"].endswith("| 4,000.0 MB | 4.10 KB | 4.10 KB | 10.00 |")
    assert rows["load ≥ 60,000 elements/s"].endswith("| **not met** | met |")
    assert rows["load ≥ 30× the one-row baseline"].endswith("| met | **not met** |")
    assert rows["all ten detectors < 60 s (at 1M)"].endswith("| — | **not met** |")
    assert rows["no detector > 15 s (at 1M)"].endswith("| — | met |")
    assert rows["alerts of a case < 20 ms p95"].endswith("| met | **not met** |")
    assert rows["controller < 1 s (at 1M)"].endswith("| — | n/a |")  # no network results at either size


def test_one_command_runs_both_sizes_in_order() -> None:
    assert run_all.sizes_to_run("all", None) == [100_000, 1_000_000]  # growth needs both; the small one first
    assert run_all.sizes_to_run("1m", None) == [1_000_000]
    assert run_all.sizes_to_run("all", 300) == [300]  # --parties: a smoke run of its own size
