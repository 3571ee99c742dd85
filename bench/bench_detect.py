"""Benchmark of the detectors and of the case system's alert lookup.

    .venv/bin/python bench/bench_detect.py --parties 100000     # generate (cached), load, measure
    .venv/bin/python bench/bench_detect.py --data DIR --loaded  # the graph already holds DIR's exports

EMPTIES the database the settings point at unless --loaded (run it against a bench/test server).
With --loaded (bench_load.py --data DIR ran before) the graph is checked to hold exactly DIR's
exports, each completely loaded (the Export nodes against truth.json); otherwise it refuses.

1. a generated dataset (``loaders.synthetic.generate``, cached under bench/data/) is loaded with
   ``loaders.load_export``, one export after the other;
2. baselines, measured in the same run on the same graph: one full scan of every case
   (``MATCH (c:Case) RETURN count(c.filed_on)``) for the detectors, one case lookup by its key
   for the alert lookup;
3. every detector runs twice (the first run includes query planning), each in its own read
   transaction; the second run's time counts, also as a ratio to the full case scan;
4. the alerts are stored, then ``alerts_of_case`` is called --calls times on cases drawn from those
   with alerts and from all cases: p50 and p95;
5. precision and recall against truth.json are reported beside the times, as a sanity check;
6. peak RSS of this process and of the Neo4j JVM (VmHWM, reset at the start) during the step;
7. the figures, with the machine, go into RESULTS.md ("## Detectors") and results/<size>/detect.json.

Targets (at 1M parties): all detectors together < 60 s, none > 15 s; alerts of one case < 20 ms p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    check_loaded,
    cypher,
    dataset,
    load_dataset,
    machine,
    neo4j_peak_mb,
    neo4j_peak_reset,
    neo4j_pid,
    versions,
    write_json,
    write_section,
)

from graph_model.db import Graph  # noqa: E402
from queries.alerts import alerts_of_case, run_detectors, store_runs  # noqa: E402
from queries.registry import Registry  # noqa: E402

SECTION = "## Detectors"
TARGET_ALL, TARGET_ONE, TARGET_CASE_P95 = 60.0, 15.0, 0.020

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)




def _dataset(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
    if (args.seed, args.as_of, args.exports, args.messy) == (5, "2026-06-30", 3, False):
        return dataset(args.parties)  # the pipeline's dataset of this size (bench/run_all.py)
    out = ROOT / "bench" / "data" / f"detect-{args.parties}-{args.seed}"
    if not (out / "truth.json").exists():
        from loaders.synthetic import generate

        print(f"generating {args.parties:,} parties into {out} …", file=sys.stderr)
        generate(out, parties=args.parties, seed=args.seed, as_of=dt.date.fromisoformat(args.as_of),
                 exports=args.exports, messy=args.messy)
    return out


def _timed(fn, *a, **k) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*a, **k)
    return time.perf_counter() - started, result


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--exports", type=int, default=3)
    parser.add_argument("--messy", action="store_true", help="generate with --messy")
    parser.add_argument("--data", help="a generated dataset directory (exports + truth.json)")
    parser.add_argument("--loaded", "--skip-load", dest="loaded", action="store_true",
                        help="the graph already holds the dataset (checked against truth.json): do not reset or load")
    parser.add_argument("--calls", type=int, default=500, help="alerts_of_case calls to time")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per detector")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md or results/")
    args = parser.parse_args()

    data = _dataset(args)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(truth["as_of"])
    registry = Registry()
    pid = neo4j_pid()
    load_avg = os.getloadavg()[0]
    with Graph() as graph:
        load_seconds = None
        if args.loaded:
            check_loaded(graph, truth)
        else:
            load_seconds = load_dataset(graph, data, truth)
        peak_reset = neo4j_peak_reset(pid)
        info = versions(graph)
        counts = graph.read(cypher("counts"))[0]
        graph.read("MATCH (c:Case) RETURN count(c.filed_on) AS n")  # warm the page cache
        scan, _ = _timed(graph.read, "MATCH (c:Case) RETURN count(c.filed_on) AS n", timeout=args.timeout)

        rows = []
        runs = []
        for query in registry.detectors():
            cold, _ = _timed(run_detectors, graph, registry, as_of=as_of, names=[query.name], timeout=args.timeout)
            warm, result = _timed(run_detectors, graph, registry, as_of=as_of, names=[query.name],
                                  timeout=args.timeout)
            run = result[0]
            if not run.ok:
                print(f"{query.name} FAILED: {run.error}", file=sys.stderr)
            runs.append(run)
            rows.append((query.name, cold, warm, len(run.alerts), run.ok))
            print(f"{query.name}: {warm:.2f} s warm ({cold:.2f} s cold), {len(run.alerts)} alerts", file=sys.stderr)
        store_seconds, _ = _timed(store_runs, graph, runs, as_of)

        # the case system: a judge opens a case
        with_alerts = sorted({a.case_no for r in runs for a in r.alerts if a.case_no})
        all_cases = [r["c"] for r in graph.read("MATCH (c:Case) RETURN c.case_no AS c ORDER BY c LIMIT 20000")]
        rng = random.Random(args.seed)
        sample = [rng.choice(with_alerts) if with_alerts and i % 2 == 0 else rng.choice(all_cases)
                  for i in range(args.calls)]
        lookups, baseline = [], []
        for case_no in sample[:20]:  # warm up
            alerts_of_case(graph, case_no)
        for case_no in sample:
            t, _ = _timed(alerts_of_case, graph, case_no)
            lookups.append(t)
            t, _ = _timed(graph.read, "MATCH (c:Case {case_no: $c}) RETURN c.case_no AS c", {"c": case_no})
            baseline.append(t)
    neo4j_mb = neo4j_peak_mb(pid)
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # sanity: precision / recall against truth.json (case-level by case number)
    wanted = {(a["detector"], a["case_no"] or a.get("id_number")) for a in truth["alerts"]}
    found = {(a.detector, a.case_no or a.id_number) for r in runs for a in r.alerts}
    total = sum(r[2] for r in rows)
    p50, p95 = _pct(lookups, 0.5), _pct(lookups, 0.95)
    b50, b95 = _pct(baseline, 0.5), _pct(baseline, 0.95)
    lines = [
        f"{SECTION}",
        "",
        f"`bench/bench_detect.py`, {dt.date.today().isoformat()}, on {machine()}.",
        f"Dataset: `debtgraph generate --parties {truth['parties']:,} --seed {truth['seed']}"
        f"{' --messy' if truth.get('messy') else ''}` ({len(truth['exports'])} exports): "
        f"{counts['parties']:,} Party nodes, {counts['cases']:,} cases"
        + (f"; loaded in {load_seconds:.0f} s" if load_seconds else "") + ".",
        f"Baseline (same run): one full scan of every case {scan * 1000:.0f} ms; one case looked up by key "
        f"p50 {b50 * 1000:.2f} ms, p95 {b95 * 1000:.2f} ms (driver session + managed transaction included).",
        f"Database: {info['neo4j']}, driver {info['driver']}, heap {info['heap']}, page cache {info['pagecache']}; "
        f"load average {load_avg:.1f} at the start. Peak RSS during the step: this Python process "
        f"{python_mb:,.0f} MB, the Neo4j JVM "
        + (f"{neo4j_mb:,.0f} MB" if neo4j_mb is not None else "n/a (remote server)")
        + ("" if peak_reset or neo4j_mb is None else " (since the server started)") + ".",
        "",
        "| detector | time (warm) | first run (with planning) | × full case scan | alerts | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, cold, warm, n, ok in rows:
        w = {k for k in wanted if k[0] == name}
        f = {k for k in found if k[0] == name}
        prec = len(w & f) / len(f) if f else 1.0
        rec = len(w & f) / len(w) if w else 1.0
        lines.append(f"| {name} | {warm:.2f} s{'' if ok else ' FAILED'} | {cold:.2f} s | {warm / scan:.1f} | {n} "
                     f"| {prec:.2f} | {rec:.2f} |")
    lines += [
        f"| **all {len(rows)}** | **{total:.2f} s** | | {total / scan:.1f} | {sum(r[3] for r in rows)} | | |",
        "",
        f"Storing the alerts (upsert + resolve): {store_seconds:.2f} s. "
        f"Alerts of one case (`alerts_of_case`, {args.calls} calls, half on cases with alerts): "
        f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms ({p50 / b50:.1f}× / {p95 / b95:.1f}× the key lookup's "
        f"p50 / p95).",
        f"Targets at 1M parties: all detectors < {TARGET_ALL:.0f} s, none > {TARGET_ONE:.0f} s, alerts of a case "
        f"< {TARGET_CASE_P95 * 1000:.0f} ms p95. At this size: all {len(rows)} {total:.1f} s, slowest "
        f"{max(r[2] for r in rows):.1f} s ({max(rows, key=lambda r: r[2])[0]}), p95 {p95 * 1000:.1f} ms; "
        f"the detectors scale with the cases they start from (see the ratio to a full case scan).",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_results:
        write_section(SECTION, section)
        slowest = max(rows, key=lambda r: r[2])
        write_json("detect", truth["parties"], {
            **info, "dataset": str(data), "party_nodes": counts["parties"], "cases": counts["cases"],
            "load_seconds": load_seconds, "case_scan_seconds": scan,
            "detectors": {name: {"warm_seconds": warm, "cold_seconds": cold, "alerts": n, "ok": ok,
                                 "ratio_to_scan": warm / scan} for name, cold, warm, n, ok in rows},
            "all_seconds": total, "slowest": slowest[0], "slowest_seconds": slowest[2],
            "all_ok": all(r[4] for r in rows), "store_seconds": store_seconds,
            "case_alerts_p50_s": p50, "case_alerts_p95_s": p95, "key_lookup_p50_s": b50, "key_lookup_p95_s": b95,
            "python_peak_rss_mb": python_mb, "neo4j_peak_rss_mb": neo4j_mb,
            "targets": {"all_under_60s": total < TARGET_ALL, "none_over_15s": slowest[2] <= TARGET_ONE,
                        "case_alerts_p95_under_20ms": p95 < TARGET_CASE_P95},
        })


if __name__ == "__main__":
    main()
