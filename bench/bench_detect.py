"""Benchmark of the detectors and of the case system's alert lookup.

    .venv/bin/python bench/bench_detect.py --parties 100000        # generate (cached), load, measure
    .venv/bin/python bench/bench_detect.py --data DIR --skip-load  # the graph already holds DIR's exports

EMPTIES the database the settings point at unless --skip-load (run it against a bench/test server).

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
6. the figures, with the machine, go into bench/RESULTS.md ("## Detectors").

Targets (at 1M parties): all ten together < 60 s, none > 15 s; alerts of one case < 20 ms p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import load_dataset, machine, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402
from queries.alerts import alerts_of_case, run_detectors, store_runs  # noqa: E402
from queries.registry import Registry  # noqa: E402

SECTION = "## Detectors"
TARGET_ALL, TARGET_ONE, TARGET_CASE_P95 = 60.0, 15.0, 0.020

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)




def _dataset(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
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
    parser.add_argument("--skip-load", action="store_true", help="the graph already holds the dataset")
    parser.add_argument("--calls", type=int, default=500, help="alerts_of_case calls to time")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per detector")
    parser.add_argument("--no-results", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    data = _dataset(args)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(truth["as_of"])
    registry = Registry()
    with Graph() as graph:
        load_seconds = None
        if not args.skip_load:
            load_seconds = load_dataset(graph, data, truth)
        counts = graph.read("MATCH (p:Party) WITH count(p) AS parties MATCH (c:Case) "
                            "RETURN parties, count(c) AS cases")[0]
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
        f"| **all ten** | **{total:.2f} s** | | {total / scan:.1f} | {sum(r[3] for r in rows)} | | |",
        "",
        f"Storing the alerts (upsert + resolve): {store_seconds:.2f} s. "
        f"Alerts of one case (`alerts_of_case`, {args.calls} calls, half on cases with alerts): "
        f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms ({p50 / b50:.1f}× / {p95 / b95:.1f}× the key lookup's "
        f"p50 / p95).",
        f"Targets at 1M parties: all ten < {TARGET_ALL:.0f} s, none > {TARGET_ONE:.0f} s, alerts of a case "
        f"< {TARGET_CASE_P95 * 1000:.0f} ms p95. At this size: all ten {total:.1f} s, slowest "
        f"{max(r[2] for r in rows):.1f} s ({max(rows, key=lambda r: r[2])[0]}), p95 {p95 * 1000:.1f} ms; "
        f"the detectors scale with the cases they start from (see the ratio to a full case scan).",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_results:
        write_section(SECTION, section)


if __name__ == "__main__":
    main()
