"""Benchmark of the HTTP API under concurrent clients (issue 6).

    .venv/bin/python bench/bench_api.py --parties 100000 --yes-empty-the-database   # generate (cached), load, measure
    .venv/bin/python bench/bench_api.py --data bench/data/detect-100000-5 --loaded   # the graph already holds it

EMPTIES the database the settings point at unless --loaded (run it against a bench/test server).

1. a generated dataset (bench/data/detect-<parties>-5, the one dataset per size every benchmark uses, or
   ``--data DIR``) is loaded with ``loaders.load_export`` — or, with ``--loaded``, the graph is checked to
   hold exactly that dataset (Export nodes against truth.json; refused otherwise) and nothing is reset or
   loaded; either way the detectors run as of the dataset's day and their alerts are stored (idempotent),
   so that the case system's call has alerts to return;
2. ``debtgraph serve`` runs the API in its own process on loopback; keys for the case system and a judge
   are created for the run;
3. the load generator is another process (this file with ``--client``: asyncio + httpx, a bounded
   number of requests per scenario and a time cap, loopback only) that keeps N requests in flight and
   records each request's latency;
4. closed loop, each scenario at the same concurrency (N requests always in flight) and at 1 client:
   ``GET /health`` (baseline: the HTTP stack, no key, no database), ``GET /api/v1/me`` (second baseline:
   the key check, cached per process), the case system's ``GET /api/v1/cases/{case_no}/alerts`` (half on
   cases with alerts), and ``GET /api/v1/parties/{uid}/network?depth=2`` (judges' network view);
5. open loop: the case system's call at a stated arrival rate (Poisson arrivals, default 25/s = 50 judges
   each opening a case every 2 s), latency measured from each request's scheduled arrival (so a slow
   server cannot hide its queue by slowing the load generator down);
6. p50/p95/p99, throughput and the ratios to the baselines go into <results-dir>/RESULTS.md ("## API")
   and <results-dir>/results/<size>/api.json.

Targets: case alerts p95 < 50 ms at 50 concurrent clients; network depth 2 p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    DATASET_SEED,
    check_loaded,
    dataset,
    load_dataset,
    machine,
    size_label,
    write_json,
    write_section,
)

SECTION = "## API"
TARGETS = {"case_alerts": 0.050, "network_depth2": 0.200}

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


# -- the load generator (runs in its own process) ----------------------------------------------------------------

async def _drive(base: str, scenario: dict[str, Any]) -> dict[str, Any]:
    import httpx

    urls: list[str] = scenario["urls"]
    headers: dict[str, str] = scenario.get("headers", {})
    concurrency, total, warmup = scenario["concurrency"], scenario["requests"], scenario["warmup"]
    deadline_s: float = scenario["max_seconds"]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60.0) as client:
        counter = 0

        async def worker(n: int, record: bool, stop_at: float) -> None:
            nonlocal counter
            while counter < n and time.perf_counter() < stop_at:
                i = counter
                counter += 1
                started = time.perf_counter()
                try:
                    status = str((await client.get(urls[i % len(urls)])).status_code)
                except httpx.HTTPError as exc:  # counted, not fatal: the table shows how many failed
                    status = type(exc).__name__
                elapsed = time.perf_counter() - started
                if record:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1

        await asyncio.gather(*(worker(warmup, False, time.perf_counter() + deadline_s) for _ in range(concurrency)))
        counter = 0
        began = time.perf_counter()
        await asyncio.gather(*(worker(total, True, began + deadline_s) for _ in range(concurrency)))
        wall = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "seconds": wall, "throughput": len(latencies) / wall if wall else 0.0,
            "p50": _pct(latencies, 50), "p95": _pct(latencies, 95), "p99": _pct(latencies, 99),
            "statuses": statuses}


async def _drive_open(base: str, scenario: dict[str, Any]) -> dict[str, Any]:
    """Open loop: requests arrive as a Poisson process at ``rate`` per second, however slow the answers."""
    import httpx

    urls: list[str] = scenario["urls"]
    headers: dict[str, str] = scenario.get("headers", {})
    rate, total, warmup = scenario["rate"], scenario["requests"], scenario["warmup"]
    rng = random.Random(scenario.get("seed", 1))
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    in_flight = peak = 0
    limits = httpx.Limits(max_connections=scenario.get("max_connections", 500), max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60.0) as client:

        async def one(i: int, scheduled: float, record: bool) -> None:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                status = str((await client.get(urls[i % len(urls)])).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            in_flight -= 1
            if record:
                latencies.append(time.perf_counter() - scheduled)  # from the arrival, queueing included
                statuses[status] = statuses.get(status, 0) + 1

        tasks: list[asyncio.Task[None]] = []
        began = next_at = time.perf_counter()
        measured_from = 0.0
        for i in range(warmup + total):
            next_at += rng.expovariate(rate)
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if i == warmup:
                measured_from = next_at
            tasks.append(asyncio.create_task(one(i, next_at, i >= warmup)))
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - (measured_from or began)
    latencies.sort()
    return {"requests": len(latencies), "seconds": wall, "throughput": len(latencies) / wall if wall else 0.0,
            "offered_rate": rate, "peak_in_flight": peak,
            "p50": _pct(latencies, 50), "p95": _pct(latencies, 95), "p99": _pct(latencies, 99),
            "statuses": statuses}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def client_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    host = urllib.parse.urlsplit(spec["base"]).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the load generator only talks to loopback, not {host}")
    drive = _drive_open if spec["scenario"].get("rate") else _drive
    print(json.dumps(asyncio.run(drive(spec["base"], spec["scenario"]))))


# -- the benchmark ---------------------------------------------------------------------------------------------------

def _dataset(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
    return dataset(args.parties, args.seed)


def _prepare(graph: Any, data: Path, truth: dict[str, Any], loaded: bool) -> dict[str, Any]:
    """Load the dataset (or check the graph holds it), then run and store the detectors (idempotent)."""
    from queries.alerts import run_detectors, store_runs
    from queries.registry import Registry

    info: dict[str, Any] = {}
    if loaded:
        check_loaded(graph, truth)
    else:
        info["load_seconds"] = load_dataset(graph, data, truth)
    as_of = dt.date.fromisoformat(truth["as_of"])
    started = time.perf_counter()
    runs = run_detectors(graph, Registry(), as_of=as_of)
    failed = [f"{r.name}: {r.error}" for r in runs if not r.ok]
    if failed:
        raise SystemExit("detectors failed, the case alerts would be measured on missing alerts: " + "; ".join(failed))
    store_runs(graph, runs, as_of)
    info["detect_seconds"] = time.perf_counter() - started
    return info


def _inputs(graph: Any, n: int, seed: int) -> tuple[list[str], list[str], dict[str, int]]:
    """Case numbers (half with alerts) and party uids (debtors with relations) to request."""
    rng = random.Random(seed)
    with_alerts = [r["c"] for r in graph.read(
        "MATCH (a:Alert)-[:ALERT_ON_CASE]->(c:Case) WHERE a.status <> 'resolved' RETURN DISTINCT c.case_no AS c")]
    cases = [r["c"] for r in graph.read(
        "MATCH (c:Case {kind: 'enforcement'}) WITH c LIMIT 20000 RETURN c.case_no AS c")]
    parties = [r["u"] for r in graph.read(
        "MATCH (p:Party)-[:RESPONDENT_IN]->(:Case {kind: 'enforcement'}) WITH DISTINCT p LIMIT 20000 "
        "WHERE COUNT { (p)-[:SHAREHOLDER_OF|LEGAL_REPRESENTATIVE_OF|SPOUSE_OF|SIBLING_OF|EMPLOYEE_OF|HAS_PHONE"
        "|HAS_ADDRESS]-() } > 0 RETURN p.uid AS u")]
    counts = {"cases_with_alerts": len(with_alerts), "cases": len(cases), "parties": len(parties)}
    picked_cases = [rng.choice(with_alerts) if i % 2 == 0 and with_alerts else rng.choice(cases) for i in range(n)]
    picked_parties = [rng.choice(parties) for _ in range(n)]
    return picked_cases, picked_parties, counts


def _serve(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """`debtgraph serve` in its own session; ready when /health/ready answers and every worker has started."""
    cmd = [str(ROOT / ".venv" / "bin" / "debtgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--no-access-log"]
    with log.open("wb") as err:  # a file, not a pipe nobody reads: a chatty server must never block on it
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    import httpx

    for _ in range(1500):
        try:
            if (httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1.0).status_code == 200
                    and log.read_text(errors="replace").count("Application startup complete") >= workers):
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"debtgraph serve exited: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    _stop(proc)
    raise SystemExit("debtgraph serve did not become ready within 300 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _run_client(base: str, scenario: dict[str, Any], tmp: Path) -> dict[str, Any]:
    spec = tmp / f"spec-{scenario['name']}.json"
    spec.write_text(json.dumps({"base": base, "scenario": scenario}, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, __file__, "--client", str(spec)], capture_output=True,
                         timeout=scenario["max_seconds"] * 2 + 120)
    if out.returncode != 0:
        raise SystemExit(f"the load generator failed on {scenario['name']}: {out.stderr.decode()[-3000:]}")
    return json.loads(out.stdout)




LABELS = {"health": "`GET /health` (baseline: HTTP stack only)",
          "me": "`GET /api/v1/me` (baseline: the key check, cached per process)",
          "case_alerts": "`GET /api/v1/cases/{case_no}/alerts` (case_system, half on cases with alerts)",
          "network_depth2": "`GET /api/v1/parties/{uid}/network?depth=2` (judge, debtors with relations)"}


def _ms(r: dict[str, Any]) -> dict[str, Any]:
    """A scenario's figures as results/<size>/api.json holds them."""
    out = {"p50_ms": round(r["p50"] * 1000, 2), "p95_ms": round(r["p95"] * 1000, 2),
           "p99_ms": round(r["p99"] * 1000, 2), "rps": round(r["throughput"], 1), "requests": r["requests"],
           "ok": sum(v for k, v in r["statuses"].items() if k.startswith("2"))}
    if "offered_rate" in r:
        out |= {"offered_rate": r["offered_rate"], "peak_in_flight": r["peak_in_flight"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--parties", type=int, default=100_000, help="dataset size (bench/data/detect-<N>-<seed>)")
    parser.add_argument("--seed", type=int, default=DATASET_SEED)
    parser.add_argument("--data", help="a generated dataset directory (exports + truth.json)")
    parser.add_argument("--loaded", "--skip-load", dest="loaded", action="store_true",
                        help="the graph already holds the dataset (checked against truth.json): do not reset or load")
    parser.add_argument("--yes-empty-the-database", action="store_true", help="confirm the load may empty it")
    parser.add_argument("--results-dir", help="where RESULTS.md and results/<size>/api.json go (default bench/)")
    parser.add_argument("--concurrency", type=int, default=50, help="closed loop: requests always in flight")
    parser.add_argument("--requests", type=int, default=2000, help="closed loop: measured requests per scenario")
    parser.add_argument("--serial-requests", type=int, default=200, help="requests per scenario at 1 client")
    parser.add_argument("--open-rate", type=float, default=25.0,
                        help="open loop: case-alert requests arriving per second (Poisson); 0 skips it")
    parser.add_argument("--open-requests", type=int, default=1500, help="open loop: measured requests")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time cap per closed-loop scenario")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="`debtgraph serve --workers`")
    parser.add_argument("--no-results", action="store_true", help="write neither RESULTS.md nor results/")
    args = parser.parse_args()
    if args.client:
        return client_main(args.client)
    if not args.loaded and not args.yes_empty_the_database:
        raise SystemExit("loading empties the database; add --yes-empty-the-database (or --loaded)")
    if args.results_dir:
        os.environ["DEBTGRAPH_BENCH_RESULTS"] = str(Path(args.results_dir).resolve())

    import tempfile

    from api import auth
    from api.security_store import store_for
    from graph_model.db import Graph
    from graph_model.settings import get_settings

    data = _dataset(args)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    with Graph() as graph:
        info = _prepare(graph, data, truth, args.loaded)
        counts_db = graph.read("MATCH (p:Party) WITH count(p) AS parties MATCH (c:Case) "
                               "RETURN parties, count(c) AS cases")[0]
        alerts = graph.read("MATCH (a:Alert) WHERE a.status <> 'resolved' RETURN count(a) AS n")[0]["n"]
        cases, parties, picked = _inputs(graph, max(args.requests, args.open_requests, 500), args.seed)
        store = store_for(get_settings())  # the store `debtgraph serve` below opens (same settings)
        keys = {role: auth.create_key(store, f"bench-{role}-{stamp}", role)[0] for role in ("case_system", "judge")}
        server = graph.server_info()
    load_before = os.getloadavg()
    base = f"http://127.0.0.1:{args.port}"
    server_log = Path(tempfile.mkdtemp(prefix="bench-api-serve-")) / "serve.log"
    proc = _serve(args.port, args.workers, server_log)
    results: dict[str, dict[str, Any]] = {}
    serial: dict[str, dict[str, Any]] = {}  # one client: the service time of a request on its own
    open_loop: dict[str, Any] | None = None
    try:
        common = {"concurrency": args.concurrency, "requests": args.requests, "warmup": min(200, args.requests // 5),
                  "max_seconds": args.max_seconds}
        case_urls = [f"/api/v1/cases/{urllib.parse.quote(c, safe='')}/alerts" for c in cases]
        scenarios = [
            {"name": "health", "urls": ["/health"], **common},
            {"name": "me", "urls": ["/api/v1/me"], "headers": {"X-API-Key": keys["case_system"]}, **common},
            {"name": "case_alerts", "headers": {"X-API-Key": keys["case_system"]}, **common, "urls": case_urls},
            {"name": "network_depth2", "headers": {"X-API-Key": keys["judge"]}, **common,
             "requests": max(200, args.requests // 4),
             "urls": [f"/api/v1/parties/{urllib.parse.quote(u, safe='')}/network?depth=2" for u in parties]},
        ]
        with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
            for scenario in scenarios:
                for single in (True, False):
                    run = dict(scenario, concurrency=1, requests=args.serial_requests,
                               warmup=min(20, args.serial_requests)) if single else scenario
                    print(f"{scenario['name']}: {run['requests']} requests at {run['concurrency']} concurrent …",
                          file=sys.stderr)
                    r = _run_client(base, run, Path(tmp))
                    (serial if single else results)[scenario["name"]] = r
                    print(f"  p50 {r['p50'] * 1000:.1f} ms, p95 {r['p95'] * 1000:.1f} ms, {r['throughput']:.0f} "
                          f"req/s, {r['statuses']}", file=sys.stderr)
            if args.open_rate > 0:
                run = {"name": "case_alerts_open", "headers": {"X-API-Key": keys["case_system"]}, "urls": case_urls,
                       "rate": args.open_rate, "requests": args.open_requests,
                       "warmup": min(100, args.open_requests // 10), "seed": args.seed,
                       "max_seconds": (args.open_requests * 1.2) / args.open_rate + 30}
                print(f"case_alerts open loop: {args.open_requests} requests arriving at {args.open_rate:g}/s …",
                      file=sys.stderr)
                open_loop = _run_client(base, run, Path(tmp))
                print(f"  p50 {open_loop['p50'] * 1000:.1f} ms, p95 {open_loop['p95'] * 1000:.1f} ms, "
                      f"{open_loop['throughput']:.1f} req/s, peak {open_loop['peak_in_flight']} in flight, "
                      f"{open_loop['statuses']}", file=sys.stderr)
    finally:
        _stop(proc)
    load_after = os.getloadavg()
    for role in keys:
        auth.revoke_key(store, f"bench-{role}-{stamp}")

    health, me = results["health"], results["me"]
    rows = []
    for name, r in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("met" if r["p95"] < target else "**not met**")
        ok = sum(v for k, v in r["statuses"].items() if k.startswith("2"))
        one = serial[name]
        rows.append(f"| {LABELS[name]} | {r['requests']:,} ({ok:,} 2xx) | {r['p50'] * 1000:.1f} | "
                    f"{r['p95'] * 1000:.1f} | {r['p99'] * 1000:.1f} | {r['throughput']:.0f} | "
                    f"{r['p95'] / health['p95']:.1f} | {r['p95'] / me['p95']:.1f} | "
                    f"{one['p50'] * 1000:.1f} / {one['p95'] * 1000:.1f} | {one['p95'] / serial['health']['p95']:.1f} | "
                    f"{'' if target is None else f'< {target * 1000:.0f} ms'} {verdict} |")
    open_lines: list[str] = []
    if open_loop is not None:
        ok = sum(v for k, v in open_loop["statuses"].items() if k.startswith("2"))
        open_lines = [
            f"**Open loop** (arrivals at a stated rate, not N in flight): the case system's call, "
            f"{open_loop['requests']:,} requests ({ok:,} 2xx) arriving as a Poisson process at "
            f"{args.open_rate:g}/s (50 judges each opening a case every {50 / args.open_rate:g} s), latency from "
            f"each request's scheduled arrival: p50 {open_loop['p50'] * 1000:.1f} ms, p95 "
            f"{open_loop['p95'] * 1000:.1f} ms, p99 {open_loop['p99'] * 1000:.1f} ms; served "
            f"{open_loop['throughput']:.1f} req/s, at most {open_loop['peak_in_flight']} in flight; target p95 "
            f"< 50 ms {'met' if open_loop['p95'] < TARGETS['case_alerts'] else '**not met**'}.", ""]
    section = "\n".join([
        SECTION, "",
        f"`bench/bench_api.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; load average "
        f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end (the 2 cores are shared with other "
        "work: the server, Neo4j and the load generator compete for them).",
        f"Database: {server.get('name', 'Neo4j')} {server.get('version', '')} {server.get('edition', '')}, heap "
        f"{os.environ.get('DEBTGRAPH_HEAP', '2g')}, page cache {os.environ.get('DEBTGRAPH_PAGECACHE', '2g')}. "
        f"Dataset: `{data.name}` (`debtgraph generate --parties {truth['parties']:,} --seed {truth['seed']}`, "
        f"{len(truth['exports'])} exports): {counts_db['parties']:,} Party nodes, {counts_db['cases']:,} cases, "
        f"{alerts:,} open alerts stored by the detectors as of {truth['as_of']}"
        + (f"; loaded in {info['load_seconds']:.0f} s" if "load_seconds" in info else "; already loaded (checked)")
        + f"; detectors run and stored in {info['detect_seconds']:.0f} s.",
        f"Server: `debtgraph serve --workers {args.workers} --no-access-log` in its own process; load generator: "
        f"this script with `--client` in another process (asyncio + httpx), loopback. Inputs: "
        f"{picked['cases_with_alerts']:,} cases with alerts, {picked['cases']:,} enforcement cases, "
        f"{picked['parties']:,} debtors with relations to draw from. Every API call is audited before it answers "
        "(group commit: concurrent requests share the audit transaction, each waits for its own event); API keys "
        "are cached per process (DEBTGRAPH_KEY_CACHE_SECONDS).",
        "",
        f"**Closed loop** ({args.concurrency} requests always in flight; {args.requests:,} measured requests per "
        f"scenario, network: {max(200, args.requests // 4):,}, after a warm-up):",
        "",
        f"| request | measured at {args.concurrency} clients | p50 ms | p95 ms | p99 ms | req/s | p95 × /health | "
        "p95 × /me | 1 client: p50 / p95 ms | 1 client: p95 × /health | target (p95 at 50 clients) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows, "",
        *open_lines,
        "With N requests always in flight the latency is N / throughput (Little's law), so at 50 clients a p95 "
        "under 50 ms needs about 1,000 requests/s from one server; the `/health` row shows what the "
        "HTTP stack and the Python load generator alone reach on this machine, and the ratios separate the API's "
        "own cost from the machine's. The 1-client columns are the service time of one request on its own "
        f"({args.serial_requests} requests each). The open loop is what 50 judges at their own pace do.", "",
    ])
    print(section)
    if not args.no_results:
        write_section(SECTION, section)
        figures: dict[str, Any] = {name: _ms(r) for name, r in results.items()}
        write_json("api", truth["parties"], {
            **figures, "concurrency": args.concurrency, "workers": args.workers, "dataset": data.name,
            "one_client": {name: _ms(r) for name, r in serial.items()},
            "open_loop": None if open_loop is None else {"rate_per_s": args.open_rate,
                                                         "case_alerts": _ms(open_loop)},
            "size": size_label(truth["parties"]),
        })


if __name__ == "__main__":
    main()
