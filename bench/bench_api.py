"""Benchmark of the HTTP API under concurrent clients (issue 6).

    .venv/bin/python bench/bench_api.py --parties 100000 --yes-empty-the-database   # generate (cached), load, measure
    .venv/bin/python bench/bench_api.py --skip-load                                  # the graph already holds it

EMPTIES the database the settings point at unless --skip-load (run it against a bench/test server).

1. a generated dataset (``loaders.synthetic.generate``, cached under bench/data/api-<parties>-<seed>) is
   loaded with ``loaders.load_export``; the detectors run as of the dataset's day and their alerts are
   stored, so that the case system's call has alerts to return;
2. ``debtgraph serve`` runs the API in its own process on loopback; keys for the case system and a judge
   are created for the run;
3. the load generator is another process (this file with ``--client``: asyncio + httpx, a bounded
   number of requests per scenario and a time cap, loopback only) that keeps N requests in flight and
   records each request's latency;
4. scenarios, each at the same concurrency: ``GET /health`` (baseline: the HTTP stack, no key, no
   database), ``GET /api/v1/me`` (second baseline: key check, one index lookup), the case system's
   ``GET /api/v1/cases/{case_no}/alerts`` (half on cases with alerts), and
   ``GET /api/v1/parties/{uid}/network?depth=2`` (judges' network view);
5. p50/p95/p99, throughput and the ratios to the baselines go into bench/RESULTS.md ("## API").

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

from common import load_dataset, machine, write_section  # noqa: E402

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


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def client_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    host = urllib.parse.urlsplit(spec["base"]).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the load generator only talks to loopback, not {host}")
    print(json.dumps(asyncio.run(_drive(spec["base"], spec["scenario"]))))


# -- the benchmark ---------------------------------------------------------------------------------------------------

def _dataset(args: argparse.Namespace) -> Path:
    if args.data:
        return Path(args.data)
    out = ROOT / "bench" / "data" / f"api-{args.parties}-{args.seed}"
    if not (out / "truth.json").is_file():
        from loaders.synthetic import generate

        tmp = out.with_name(out.name + ".tmp")
        print(f"generating {args.parties:,} parties into {out} …", file=sys.stderr)
        generate(tmp, parties=args.parties, seed=args.seed, as_of=dt.date.fromisoformat(args.as_of))
        tmp.rename(out)
    return out


def _prepare(graph: Any, data: Path, truth: dict[str, Any], skip_load: bool) -> dict[str, Any]:
    from queries.alerts import run_detectors, store_runs
    from queries.registry import Registry

    info: dict[str, Any] = {}
    if not skip_load:
        info["load_seconds"] = load_dataset(graph, data, truth)
        as_of = dt.date.fromisoformat(truth["as_of"])
        runs = run_detectors(graph, Registry(), as_of=as_of)
        store_runs(graph, runs, as_of)
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


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [str(ROOT / ".venv" / "bin" / "debtgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers)]
    env = os.environ | {"UVICORN_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    import httpx

    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1.0).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"debtgraph serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.2)
    _stop(proc)
    raise SystemExit("debtgraph serve did not become ready within 120 s")


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




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--data", help="a generated dataset directory (exports + truth.json)")
    parser.add_argument("--skip-load", action="store_true", help="the graph already holds the dataset")
    parser.add_argument("--yes-empty-the-database", action="store_true", help="confirm the load may empty it")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per scenario")
    parser.add_argument("--serial-requests", type=int, default=200, help="requests per scenario at 1 client")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time cap per scenario")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="`debtgraph serve --workers`")
    parser.add_argument("--no-results", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    if args.client:
        return client_main(args.client)
    if not args.skip_load and not args.yes_empty_the_database:
        raise SystemExit("loading empties the database; add --yes-empty-the-database (or --skip-load)")

    import tempfile

    from api import auth
    from graph_model.db import Graph

    data = _dataset(args)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    with Graph() as graph:
        info = _prepare(graph, data, truth, args.skip_load)
        counts_db = graph.read("MATCH (p:Party) WITH count(p) AS parties MATCH (c:Case) "
                               "RETURN parties, count(c) AS cases")[0]
        alerts = graph.read("MATCH (a:Alert) WHERE a.status <> 'resolved' RETURN count(a) AS n")[0]["n"]
        cases, parties, picked = _inputs(graph, max(args.requests, 500), args.seed)
        keys = {role: auth.create_key(graph, f"bench-{role}-{stamp}", role)[0] for role in ("case_system", "judge")}
        server = graph.server_info()
    load_before = os.getloadavg()
    base = f"http://127.0.0.1:{args.port}"
    proc = _serve(args.port, args.workers)
    results: dict[str, dict[str, Any]] = {}
    serial: dict[str, dict[str, Any]] = {}  # one client: the service time of a request on its own
    try:
        common = {"concurrency": args.concurrency, "requests": args.requests, "warmup": min(200, args.requests // 5),
                  "max_seconds": args.max_seconds}
        scenarios = [
            {"name": "health", "urls": ["/health"], **common},
            {"name": "me", "urls": ["/api/v1/me"], "headers": {"X-API-Key": keys["case_system"]}, **common},
            {"name": "case_alerts", "headers": {"X-API-Key": keys["case_system"]}, **common,
             "urls": [f"/api/v1/cases/{urllib.parse.quote(c, safe='')}/alerts" for c in cases]},
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
    finally:
        _stop(proc)
    load_after = os.getloadavg()
    with Graph() as graph:
        for role in keys:
            auth.revoke_key(graph, f"bench-{role}-{stamp}")

    health, me = results["health"], results["me"]
    rows = []
    labels = {"health": "`GET /health` (baseline: HTTP stack only)",
              "me": "`GET /api/v1/me` (baseline: key check, one index lookup)",
              "case_alerts": "`GET /api/v1/cases/{case_no}/alerts` (case_system, half on cases with alerts)",
              "network_depth2": "`GET /api/v1/parties/{uid}/network?depth=2` (judge, debtors with relations)"}
    for name, r in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("met" if r["p95"] < target else "**not met**")
        ok = sum(v for k, v in r["statuses"].items() if k.startswith("2"))
        one = serial[name]
        rows.append(f"| {labels[name]} | {r['requests']:,} ({ok:,} 2xx) | {r['p50'] * 1000:.1f} | "
                    f"{r['p95'] * 1000:.1f} | {r['p99'] * 1000:.1f} | {r['throughput']:.0f} | "
                    f"{r['p95'] / health['p95']:.1f} | {r['p95'] / me['p95']:.1f} | "
                    f"{one['p50'] * 1000:.1f} / {one['p95'] * 1000:.1f} | {one['p95'] / serial['health']['p95']:.1f} | "
                    f"{'' if target is None else f'< {target * 1000:.0f} ms'} {verdict} |")
    section = "\n".join([
        SECTION, "",
        f"`bench/bench_api.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; load average "
        f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end (the 2 cores are shared with other "
        "work: the server, Neo4j and the load generator compete for them).",
        f"Database: {server.get('name', 'Neo4j')} {server.get('version', '')} {server.get('edition', '')}, heap "
        f"{os.environ.get('DEBTGRAPH_HEAP', '2g')}, page cache {os.environ.get('DEBTGRAPH_PAGECACHE', '2g')}. "
        f"Dataset: `debtgraph generate --parties {truth['parties']:,} --seed {truth['seed']}` "
        f"({len(truth['exports'])} exports): {counts_db['parties']:,} Party nodes, {counts_db['cases']:,} cases, "
        f"{alerts:,} open alerts stored by the detectors as of {truth['as_of']}"
        + (f"; loaded in {info['load_seconds']:.0f} s" if "load_seconds" in info else "") + ".",
        f"Server: `debtgraph serve --workers {args.workers}` in its own process; load generator: this script with "
        f"`--client` in another process (asyncio + httpx), {args.concurrency} requests in flight, "
        f"{args.requests:,} measured requests per scenario (network: {max(200, args.requests // 4):,}) after a "
        f"warm-up, loopback. Inputs: {picked['cases_with_alerts']:,} cases with alerts, {picked['cases']:,} "
        f"enforcement cases, {picked['parties']:,} debtors with relations to draw from. Every API call is also "
        "written to the audit trail (one write transaction per request).",
        "",
        f"| request | measured at {args.concurrency} clients | p50 ms | p95 ms | p99 ms | req/s | p95 × /health | "
        "p95 × /me | 1 client: p50 / p95 ms | 1 client: p95 × /health | target (p95 at 50 clients) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows, "",
        "With N requests always in flight the latency is N / throughput (Little's law), so at 50 clients a p95 "
        "under 50 ms needs about 1,000 requests/s from one server process; the `/health` row shows what the "
        "HTTP stack and the Python load generator alone reach on this machine, and the ratios separate the API's "
        "own cost from the machine's. The 1-client columns are the service time of one request on its own "
        f"({args.serial_requests} requests each).", "",
    ])
    print(section)
    if not args.no_results:
        write_section(SECTION, section)


if __name__ == "__main__":
    main()
