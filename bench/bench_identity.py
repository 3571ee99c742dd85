"""Benchmark of cross-court identity linking (issue 9); results go to bench/RESULTS.md, "Identity linking".

For each size: writes court exports with planted duplicates and look-alikes
(loaders.synthetic.identity, realistic share of very common names), loads them
with the project's loader (EMPTIES the database the environment names!), then
runs ``debtgraph link`` over the whole graph in a forked process so that its
time and peak memory are its own. The baseline, measured in the same run on the
same graph, is streaming every party's own properties once (the first of the
scans linking makes): linking is reported as a multiple of it. Quality
(precision/recall of the entity ids against the planted truth) is reported too.

The target is 1M parties in under 10 minutes; the script extrapolates from the
two largest sizes it ran (per phase: reading, writing and entity ids linearly,
scoring with the growth exponent the two sizes show).

    .venv/bin/python bench/bench_identity.py --parties 20000 100000 --yes-empty-the-database
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import psutil  # noqa: E402

from graph_model.db import Graph  # noqa: E402
from loaders import load_export  # noqa: E402
from loaders.synthetic.identity import generate_identity  # noqa: E402

TARGET_PARTIES = 1_000_000
TARGET_SECONDS = 600


def _link_child(queue: Any) -> None:
    for name in ("splink", "neo4j.notifications", "loaders.identity.scoring"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from loaders.identity import link

    at_start = psutil.Process().memory_info().rss / 2**20
    with Graph() as graph:
        started = time.perf_counter()
        summary = link(graph)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": seconds, "peak_rss_mb": peak, "start_rss_mb": at_start, "summary": summary.to_dict()})


def _scan_child(queue: Any) -> None:
    """The baseline: stream every party's own properties once (the first of linking's scans)."""
    from loaders.identity.features import _stream

    with Graph() as graph:
        started = time.perf_counter()
        seen: set[str] = set()
        _stream(graph, "identity/party_uids", {}, lambda record: seen.add(record["uid"]))
        queue.put({"seconds": time.perf_counter() - started, "rows": len(seen)})


def _forked(target: Any) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(queue,))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _quality(graph: Graph, truth_file: Path) -> dict[str, float]:
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    planted = {tuple(p) for p in truth["pairs"]}
    groups: dict[str, list[str]] = {}
    for r in graph.read("MATCH (p:Party) RETURN p.uid AS uid, p.entity_id AS e", timeout=600):
        groups.setdefault(r["e"], []).append(r["uid"])
    found = {pair for uids in groups.values() if len(uids) > 1 for pair in itertools.combinations(sorted(uids), 2)}
    right = len(found & planted)
    return {"planted_pairs": len(planted), "linked_pairs": len(found),
            "precision": right / len(found) if found else 1.0, "recall": right / len(planted) if planted else 1.0}


def run_size(parties: int, workdir: Path, common_rate: float) -> dict[str, Any]:
    persons, companies = int(parties * 0.75), parties - int(parties * 0.75)
    out = workdir / f"identity-{parties}"
    started = time.perf_counter()
    generate_identity(out, persons=persons, companies=companies, seed=2026, exports=3, duplicate_rate=0.15,
                      common_rate=common_rate)
    generated = time.perf_counter() - started
    with Graph() as graph:
        graph.reset()
        graph.migrate()
        started = time.perf_counter()
        for source in ("court-a", "court-b", "court-c"):
            load_export(graph, out / source, source)
        loaded = time.perf_counter() - started
        nodes = graph.read("MATCH (p:Party) RETURN count(p) AS n")[0]["n"]
    scan = _forked(_scan_child)
    linked = _forked(_link_child)
    with Graph() as graph:
        quality = _quality(graph, out / "identity_truth.json")
    s = linked["summary"]
    return {"parties_generated": parties, "party_nodes": nodes, "generate_s": round(generated, 1),
            "load_s": round(loaded, 1), "scan_s": round(scan["seconds"], 2), "link_s": round(linked["seconds"], 2),
            "ratio_to_scan": round(linked["seconds"] / scan["seconds"], 2), "peak_rss_mb": round(linked["peak_rss_mb"]),
            "start_rss_mb": round(linked["start_rss_mb"]),
            "timings": s["timings"], "candidates": s["candidates"], "auto": s["auto"], "pending": s["pending"],
            **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in quality.items()}}


def extrapolate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Seconds at TARGET_PARTIES: linear phases scale with nodes, scoring with the exponent of the last two sizes."""
    a, b = rows[-2], rows[-1]
    factor = TARGET_PARTIES / b["party_nodes"]
    growth = b["party_nodes"] / a["party_nodes"]
    phases: dict[str, float] = {}
    for phase, seconds in b["timings"].items():
        if phase == "score" and a["timings"].get("score"):
            k = math.log(seconds / a["timings"]["score"]) / math.log(growth)
            phases[phase] = seconds * factor ** max(1.0, k)
            phases["score_exponent"] = round(k, 2)
        else:
            phases[phase] = seconds * factor
    total = sum(v for key, v in phases.items() if key != "score_exponent")
    return {"parties": TARGET_PARTIES, "seconds": round(total), "phases": {k: round(v, 1) for k, v in phases.items()},
            "peak_rss_mb": round(b["start_rss_mb"] + (b["peak_rss_mb"] - b["start_rss_mb"]) * factor),
            "under_target": total < TARGET_SECONDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--common-rate", type=float, default=0.004,
                        help="share of persons given one of 8 very common names (张伟 alone is ~0.02%% in China)")
    parser.add_argument("--yes-empty-the-database", action="store_true", required=True)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-identity-") as tmp:
        for n in args.parties:
            row = run_size(n, Path(tmp), args.common_rate)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    result: dict[str, Any] = {"sizes": rows}
    if len(rows) >= 2:
        result["extrapolated"] = extrapolate(rows)
        print(json.dumps(result["extrapolated"]), flush=True)
    print("| party nodes | read parties (baseline) s | link s | ratio | read / score / write / entities s "
          "| peak RSS MB (at start) | candidates | auto | pending | precision | recall |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = r["timings"]
        print(f"| {r['party_nodes']:,} | {r['scan_s']} | {r['link_s']} | {r['ratio_to_scan']} | "
              f"{t.get('read')} / {t.get('score')} / {t.get('write')} / {t.get('entities')} | {r['peak_rss_mb']} ({r['start_rss_mb']}) | "
              f"{r['candidates']:,} | {r['auto']:,} | {r['pending']:,} | {r['precision']:.4f} | {r['recall']:.4f} |")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
