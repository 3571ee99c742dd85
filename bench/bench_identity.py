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

With ``--loaded --data DIR`` (what bench/run_all.py runs, after the other steps since linking
writes SAME_AS): first ``debtgraph link --json`` over the graph bench_load.py left (checked to hold
DIR's dataset) in a subprocess — its time, peak RSS, the SAME_AS links by status and the Neo4j
JVM's peak RSS — then, only if --parties names sizes, precision/recall on the planted datasets as
above (which empties the database). Written to RESULTS.md ("## Identity linking on the loaded
dataset") and results/<size>/identity.json.

    .venv/bin/python bench/bench_identity.py --loaded --data bench/data/detect-100000-5 \
        --parties 20000 --yes-empty-the-database
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
sys.path.insert(0, str(ROOT / "bench"))

import logging  # noqa: E402
import os  # noqa: E402

import psutil  # noqa: E402
from common import (  # noqa: E402
    check_loaded,
    cypher,
    machine,
    neo4j_peak_mb,
    neo4j_peak_reset,
    neo4j_pid,
    read_truth,
    run_cli,
    versions,
    write_json,
    write_section,
)

from graph_model.db import Graph  # noqa: E402
from loaders import load_export  # noqa: E402
from loaders.synthetic.identity import generate_identity  # noqa: E402

TARGET_PARTIES = 1_000_000
TARGET_SECONDS = 600

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


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


def run_loaded(data: Path) -> dict[str, Any]:
    """`debtgraph link --json` over the graph the load step left: time, peak RSS, SAME_AS by status, Neo4j's peak."""
    truth = read_truth(data)
    pid = neo4j_pid()
    with Graph() as graph:
        check_loaded(graph, truth)
        info = versions(graph)
        nodes = graph.read(cypher("party_count"))[0]["n"]
        before = {r["status"]: r["n"] for r in graph.read(cypher("same_as"))}
    scan = _forked(_scan_child)  # the baseline, same graph, same run
    reset = neo4j_peak_reset(pid)
    out, wall, peak = run_cli(["link", "--json"])
    summary = json.loads(out)  # stdout holds only the summary (scoring.py turns DuckDB's progress bars off)
    neo4j_mb = neo4j_peak_mb(pid)
    with Graph() as graph:
        after = {r["status"]: r["n"] for r in graph.read(cypher("same_as"))}
    return {**info, "dataset": str(data), "parties": truth["parties"], "party_nodes": nodes, "wall_seconds": wall,
            "seconds": summary["seconds"], "timings": summary["timings"], "peak_rss_mb": peak / 2**20,
            "scan_seconds": scan["seconds"], "ratio_to_scan": wall / scan["seconds"],
            "neo4j_peak_rss_mb": neo4j_mb, "neo4j_peak_reset": reset, "same_as_before": before,
            "same_as": after, "candidates": summary["candidates"], "auto": summary["auto"],
            "pending": summary["pending"], "load_average": os.getloadavg()[0]}


def loaded_section(res: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    t = res["timings"]
    per_m = res["wall_seconds"] * TARGET_PARTIES / res["party_nodes"]
    neo = res["neo4j_peak_rss_mb"]
    lines = [
        "## Identity linking on the loaded dataset", "",
        f"`bench/bench_identity.py --loaded`, run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {machine()}, "
        f"load average {res['load_average']:.1f} at the end. {res['neo4j']}, driver {res['driver']}, heap "
        f"{res['heap']}, page cache {res['pagecache']}. `debtgraph link --json` in its own process over "
        f"`{res['dataset']}` ({res['party_nodes']:,} Party nodes) as the earlier steps left it.", "",
        "| measure | value | target |", "|---|---|---|",
        f"| link, wall time of the process | {res['wall_seconds']:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in t.items())}) "
        f"| 1M parties < {TARGET_SECONDS // 60} min |",
        f"| baseline: one stream of every party's uid (linking's first scan) | {res['scan_seconds']:.2f} s | |",
        f"| link / baseline | {res['ratio_to_scan']:.1f}× | |",
        f"| per 1M Party nodes, linear (splink's fixed cost of 10–15 s dominates small sizes) | {per_m:,.0f} s | "
        + ("measured at 1M parties only" if res["parties"] < TARGET_PARTIES else
           "met" if res["wall_seconds"] < TARGET_SECONDS else "**not met**") + " |",
        f"| peak RSS of the link process | {res['peak_rss_mb']:,.0f} MB | |",
        "| peak RSS of the Neo4j JVM during the link | "
        + (f"{neo:,.0f} MB" if neo is not None else "n/a (remote server)") + " | |",
        f"| candidates / auto / pending | {res['candidates']:,} / {res['auto']:,} / {res['pending']:,} | |",
        f"| SAME_AS links by status after the run | {', '.join(f'{k} {v:,}' for k, v in res['same_as'].items()) or 'none'} | |",
    ]
    if rows:
        lines += ["", "Quality on the planted identity datasets (precision/recall need the planted truth, which the "
                  "loaded dataset does not have), same run:", "",
                  "| party nodes | scan uids (baseline) s | link s | ratio | peak RSS MB | precision | recall |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['party_nodes']:,} | {r['scan_s']} | {r['link_s']} | {r['ratio_to_scan']} | {r['peak_rss_mb']} | "
                  f"{r['precision']:.4f} | {r['recall']:.4f} |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, nargs="*", default=None,
                        help="sizes of planted identity datasets (default 20000 100000; none with --loaded)")
    parser.add_argument("--common-rate", type=float, default=0.004,
                        help="share of persons given one of 8 very common names (张伟 alone is ~0.02%% in China)")
    parser.add_argument("--yes-empty-the-database", action="store_true",
                        help="confirm the planted sizes may empty the database")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--loaded", action="store_true", help="first link the graph bench_load.py left (needs --data)")
    parser.add_argument("--data", type=Path, help="the dataset directory the graph holds (with --loaded)")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md or results/")
    args = parser.parse_args()
    if args.parties is None:
        args.parties = [] if args.loaded else [20_000, 100_000]
    if args.parties and not args.yes_empty_the_database:
        raise SystemExit("the planted sizes empty the database; add --yes-empty-the-database")
    if args.loaded and not args.data:
        raise SystemExit("--loaded needs --data DIR (the dataset the graph holds)")
    loaded = run_loaded(args.data) if args.loaded else None
    if loaded:
        print(json.dumps(loaded, ensure_ascii=False), flush=True)
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
    if loaded:
        section = loaded_section(loaded, rows)
        print(section)
        if not args.no_results:
            write_section("## Identity linking on the loaded dataset", section)
            per_m = loaded["wall_seconds"] * TARGET_PARTIES / loaded["party_nodes"]
            write_json("identity", loaded["parties"], {
                **loaded, "planted": result,
                "seconds_per_1m_linear": per_m,
                "targets": {"link_1m_under_10min": (loaded["wall_seconds"] < TARGET_SECONDS
                                                    if loaded["parties"] >= TARGET_PARTIES else None)}})


if __name__ == "__main__":
    main()
