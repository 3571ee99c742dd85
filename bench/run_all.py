"""One benchmark pipeline per size: one dataset, loaded once, every step measured on it.

    .venv/bin/python bench/run_all.py --yes-empty-the-database --size 100k
    .venv/bin/python bench/run_all.py --yes-empty-the-database --size 1m
    .venv/bin/python bench/run_all.py --yes-empty-the-database --size all  # both, then the growth section
    .venv/bin/python bench/run_all.py --yes-empty-the-database --parties 1500 --results-dir /tmp/smoke  # smoke
    .venv/bin/python bench/run_all.py --yes-empty-the-database --size 1m --only detect,network  # graph loaded

EMPTIES the database the settings point at (run it against a bench server, e.g. with
DEBTGRAPH_DATA_DIR pointing at a bench directory).

The dataset of a size is ``bench/data/detect-<N>-5`` (``loaders.synthetic.generate(parties=N,
seed=5, as_of=2026-06-30, exports=3)``), generated once and reused whenever its truth.json exists.
The steps, one after the other (never two at once, so they do not compete for the machine):

1. generator — bench_generator.py: the generator's own timing (a throw-away dataset);
   ceiling — bench_write_ceiling.py: what this machine's Neo4j writes at best (leaves the graph as it was);
2. load — bench_load.py --data DIR: the one-row baseline on a sample, then every export with the
   real loader; LEAVES THE DATASET LOADED;
3. bulk — bench_bulk.py --data DIR --transactional-from results/<size>/load.json --leave-loaded:
   empties the database, makes the same first load with the offline importer (`debtgraph load
   --bulk-initial`) and compares it with the load step's figures; the bulk-loaded graph (identical
   to the transactional one) STAYS LOADED for the steps after. Run without the load step
   (`--only bulk`), it makes its own transactional load for the comparison and leaves the database
   empty;
4. detect — bench_detect.py --data DIR --loaded (stores the alerts the API step asks for);
5. api — bench_api.py --data DIR --loaded: HTTP latency under concurrency;
6. network — bench_network.py --loaded: controller and debtor groups on the loaded graph, plus
   the synthetic edge-list community comparison;
7. identity — bench_identity.py --loaded: `debtgraph link` over the loaded graph (writes SAME_AS,
   so it runs last), then quality on a planted identity dataset (empties the database).

Each ``--loaded`` step checks that the graph holds the dataset and refuses otherwise. For every
step this script records its wall time, exit code, the peak RSS of the step's Python processes
(the step and the children it waited for, from wait4) and of the Neo4j JVM (its RSS sampled
twice a second), and the load average around it: results/<size>/run_all.json. Each step writes
its own section of RESULTS.md and results/<size>/<step>.json; when both the 100k and the 1m
results exist, the "## Growth 100k → 1M" section of RESULTS.md is written from them. Results go
under --results-dir (default bench/; a smoke run gives a temporary directory).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from common import dataset, machine, neo4j_pid, size_label, wait_peak, write_section  # noqa: E402

from neo4j_local.server import status_kb  # noqa: E402

STEPS = ["generator", "ceiling", "load", "bulk", "detect", "api", "network", "identity"]
SIZES = {"100k": 100_000, "1m": 1_000_000}
GROWTH = "## Growth 100k → 1M"


def step_args(step: str, parties: int, data: Path, network_nodes: int | None = None) -> list[str]:
    """Arguments of a step's script for this size."""
    small = parties < 10_000  # a smoke run: fewer samples and requests, same code paths
    d = str(data)
    if step == "generator":
        return ["--parties", str(parties)]
    if step == "ceiling":
        return ["--rows", "5000" if small else "100000", "--parties", str(parties)]
    if step == "bulk":
        return ["--data", d]
    if step == "load":
        return ["--data", d, "--sample", "10" if small else "400"]
    if step == "detect":
        return ["--data", d, "--loaded", "--calls", "50" if small else "500"]
    if step == "api":
        extra = ["--requests", "100", "--serial-requests", "10", "--max-seconds", "20"] if small else []
        return ["--data", d, "--loaded", "--port", str(_free_port()), *extra]
    if step == "network":
        nodes = network_nodes or (max(parties, 2_000) if small else parties)
        return ["--nodes", str(nodes), "--loaded", "--data", d, "--repeats", "2" if small else "5"]
    if step == "identity":
        planted = 300 if small else 20_000
        return ["--loaded", "--data", d, "--parties", str(planted), "--yes-empty-the-database"]
    raise ValueError(step)


def _free_port() -> int:
    """A free loopback port for the API step's server (another helper's benchmark may hold the default)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _RssSampler:
    """Peak RSS of the Neo4j server sampled twice a second in a thread.

    Sampled rather than read from VmHWM because the steps reset that mark for their own figures,
    and the pid is looked up at every sample because the bulk step stops and restarts the server.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak_kb = neo4j_pid(), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.pid = neo4j_pid() or self.pid
        if self.pid:
            self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmRSS") or 0)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> _RssSampler:
        if self.pid:
            self._sample()
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pid:
            self._stop.set()
            self._thread.join()
            self._sample()

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kb / 1024 if self.pid and self.peak_kb else None


def run_step(step: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run one step's script, streaming its output; its wall time, exit code and memory peaks."""
    script = BENCH / {"bulk": "bench_bulk.py", "ceiling": "bench_write_ceiling.py"}.get(step, f"bench_{step}.py")
    cmd = [sys.executable, str(script), *args]
    print(f"\n=== {step}: {' '.join(cmd[1:])}", flush=True)
    load0 = os.getloadavg()[0]
    started = time.perf_counter()
    tail: list[str] = []
    with _RssSampler() as neo4j:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            tail = (tail + [line.rstrip("\n")])[-40:]
        code, python_peak = wait_peak(proc)
    return {"step": step, "command": " ".join(["bench/" + script.name, *args]), "exit": code,
            "wall_seconds": time.perf_counter() - started, "python_peak_rss_mb": python_peak / 2**20,
            "neo4j_peak_rss_mb": neo4j.peak_mb, "load_before": load0, "load_after": os.getloadavg()[0],
            "tail": tail}


# -- the growth section ------------------------------------------------------------------------------------------

def _get(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


# (label, bench, key path, unit, per party?) — per party: divided by the dataset's parties
MEASURES: list[tuple[str, str, str, str, bool]] = [
    ("generator: wall time", "generator", "seconds", "s", True),
    ("generator: peak RSS", "generator", "peak_mb", "MB", True),
    ("load: elements per second", "load", "elements_per_second", "/s", False),
    ("load: ratio to the one-row baseline", "load", "ratio", "×", False),
    ("load: time (load_export)", "load", "seconds", "s", True),
    ("load: peak RSS of the loader", "load", "loader_peak_rss_mb", "MB", True),
    ("load: peak RSS of Neo4j", "load", "neo4j_peak_rss_mb", "MB", True),
    ("load: store on disk", "load", "store_bytes", "B", True),
    ("load: transaction logs on disk", "load", "transaction_log_bytes", "B", True),
    ("detect: all ten detectors", "detect", "all_seconds", "s", True),
    ("detect: slowest detector", "detect", "slowest_seconds", "s", True),
    ("detect: alerts of a case p95", "detect", "case_alerts_p95_s", "s", False),
    ("detect: peak RSS of Neo4j", "detect", "neo4j_peak_rss_mb", "MB", True),
    ("bulk: first load (--bulk-initial), elements per second", "bulk", "bulk_elements_per_s", "/s", False),
    ("bulk: ratio to the transactional loader", "bulk", "ratio", "×", False),
    ("api: case alerts p95 at 50 clients", "api", "case_alerts.p95_ms", "ms", False),
    ("api: case alerts throughput at 50 clients", "api", "case_alerts.rps", "/s", False),
    ("api: network depth 2 p95 at 50 clients", "api", "network_depth2.p95_ms", "ms", False),
    ("network: controller, typical company", "network", "controller_typical_networkx_seconds", "s", False),
    ("network: controller, most shareholders", "network", "controller_most_holders_networkx_seconds", "s", False),
    ("network: debtor groups, igraph Leiden", "network", "groups_igraph-leiden_seconds", "s", True),
    ("network: debtor groups, networkx Louvain", "network", "groups_networkx-louvain_seconds", "s", True),
    ("network: debtor groups peak RSS (Leiden)", "network", "groups_igraph-leiden_peak_rss_mb", "MB", True),
    ("identity: link over the loaded graph", "identity", "wall_seconds", "s", True),
    ("identity: link / one scan of the party uids", "identity", "ratio_to_scan", "×", False),
    ("identity: link peak RSS", "identity", "peak_rss_mb", "MB", True),
    ("identity: peak RSS of Neo4j", "identity", "neo4j_peak_rss_mb", "MB", True),
]

# (label, size it applies to ('all' or a size label), predicate over the size's results)
TARGETS: list[tuple[str, str, Any]] = [
    ("load ≥ 60,000 elements/s", "all", lambda r: _cmp(_get(r, "load.elements_per_second"), 60_000, ">=")),
    ("bulk first load ≥ 60,000 elements/s", "all", lambda r: _cmp(_get(r, "bulk.bulk_elements_per_s"), 60_000, ">=")),
    ("load ≥ 30× the one-row baseline", "all", lambda r: _cmp(_get(r, "load.ratio"), 30, ">=")),
    ("loader peak RSS < 2 GB", "all", lambda r: _cmp(_get(r, "load.loader_peak_rss_mb"), 2048, "<")),
    ("all ten detectors < 60 s (at 1M)", "1m", lambda r: _cmp(_get(r, "detect.all_seconds"), 60, "<")),
    ("no detector > 15 s (at 1M)", "1m", lambda r: _cmp(_get(r, "detect.slowest_seconds"), 15, "<=")),
    ("alerts of a case < 20 ms p95", "all", lambda r: _cmp(_get(r, "detect.case_alerts_p95_s"), 0.020, "<")),
    ("API case alerts p95 < 50 ms at 50 clients (on 100k)", "100k",
     lambda r: _cmp(_get(r, "api.case_alerts.p95_ms"), 50, "<")),
    ("API network depth 2 p95 < 200 ms at 50 clients (on 100k)", "100k",
     lambda r: _cmp(_get(r, "api.network_depth2.p95_ms"), 200, "<")),
    ("controller < 1 s (at 1M)", "1m", lambda r: _cmp(_max(_get(r, "network.controller_typical_networkx_seconds"),
                                                           _get(r, "network.controller_most_holders_networkx_seconds")),
                                                      1.0, "<")),
    ("identity linking of 1M parties < 10 min", "1m", lambda r: _cmp(_get(r, "identity.wall_seconds"), 600, "<")),
]


def _max(*values: Any) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _cmp(value: Any, limit: float, op: str) -> bool | None:
    if value is None:
        return None
    return {">=": value >= limit, "<": value < limit, "<=": value <= limit}[op]


def load_results(results_dir: Path, label: str) -> dict[str, dict[str, Any]]:
    """Every results/<label>/<bench>.json, by bench name."""
    folder = results_dir / "results" / label
    return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.json"))} \
        if folder.is_dir() else {}


def _fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 2**20:,.1f} MB" if value >= 2**20 else f"{value / 1024:,.2f} KB"
    if unit == "s":
        return f"{value * 1000:,.2f} ms" if value < 1 else f"{value:,.1f} s"
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 10 else f"{value * 1024:,.1f} KB"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "×":
        return f"{value:,.0f}×" if value >= 10 else f"{value:,.1f}×"
    return f"{value:,.0f}{unit}"


def _per_party(value: float, unit: str, parties: int) -> str:
    v = value / parties
    if unit == "s":
        return f"{v * 1e6:,.1f} µs" if v < 1e-3 else f"{v * 1000:,.2f} ms"
    if unit == "MB":
        return f"{v * 1024:,.1f} KB"
    if unit == "B":
        return f"{v / 1024:,.2f} KB"
    return f"{v:,.3f}"


def growth_section(results_dir: Path, small: str = "100k", large: str = "1m") -> str | None:
    """The growth section from two sizes' JSON: per measure both values, per party, ratio large/small; targets."""
    a, b = load_results(results_dir, small), load_results(results_dir, large)
    if not a or not b:
        return None
    pa = next((r["parties"] for r in a.values() if "parties" in r), None)
    pb = next((r["parties"] for r in b.values() if "parties" in r), None)
    if not pa or not pb:
        return None
    heading = GROWTH if (small, large) == ("100k", "1m") else f"## Growth {small} → {large}"
    lines = [heading, "",
             f"Written by `bench/run_all.py` from `results/{small}/*.json` and `results/{large}/*.json` "
             f"({pa:,} and {pb:,} generated parties, {pb / pa:.0f}× as many). Each figure is the step's own "
             "measurement (see its section for the baseline it was compared with in the same run). "
             "Per party: the figure divided by the generated parties of its size; a ratio near "
             f"{pb / pa:.0f} is linear growth, near 1 constant.", ""]
    runs = []
    for label, res in ((small, a), (large, b)):
        r = res.get("run_all") or res.get("load") or next(iter(res.values()))
        runs.append(f"{label}: run {r.get('run_at', '?')} on {r.get('machine', '?')}, load average "
                    f"{r.get('load_average', float('nan')):.1f}")
        if "load" in res:
            runs[-1] += f", {res['load'].get('neo4j', '?')}, {res['load'].get('driver', '?')}, heap " \
                        f"{res['load'].get('heap', '?')}, page cache {res['load'].get('pagecache', '?')}"
    lines += [f"- {r}" for r in runs] + ["",
              f"| measure | {small} | {large} | per party {small} | per party {large} | ratio {large}/{small} |",
              "|---|---|---|---|---|---|"]
    for label, bench, path, unit, per_party in MEASURES:
        va, vb = _get(a.get(bench, {}), path), _get(b.get(bench, {}), path)
        if va is None and vb is None:
            continue
        cells = [_fmt(v, unit) if v is not None else "n/a" for v in (va, vb)]
        pp = [(_per_party(v, unit, p) if v is not None and per_party else "") for v, p in ((va, pa), (vb, pb))]
        ratio = f"{vb / va:,.2f}" if va and vb is not None else ""
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | {pp[0]} | {pp[1]} | {ratio} |")
    lines += ["", f"| target | {small} | {large} |", "|---|---|---|"]
    mark = {True: "met", False: "**not met**", None: "n/a"}
    for label, applies, check in TARGETS:
        cells = [mark[check(res)] if applies in ("all", size) else "—" for size, res in ((small, a), (large, b))]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines += ["", "Where a target is not met, the step's own section says why and what would fix it.", ""]
    return "\n".join(lines)


def sizes_to_run(size: str, parties: int | None) -> list[int]:
    """The parties of each pipeline to run, in order: --parties N, one --size, or both sizes (--size all)."""
    if parties:
        return [parties]
    return list(SIZES.values()) if size == "all" else [SIZES[size]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=[*SIZES, "all"], default="100k",
                        help="a dataset size, or all: the 100k pipeline, then the 1m one, then the growth section")
    parser.add_argument("--parties", type=int, help="any number of parties instead of --size (a smoke run)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(STEPS)}")
    parser.add_argument("--network-nodes", type=int,
                        help="nodes of bench_network.py's synthetic edge list (default: the parties; networkx "
                             "Louvain on it is the slowest part of the network step)")
    parser.add_argument("--results-dir", type=Path, default=BENCH,
                        help="where RESULTS.md and results/<size>/ go (default bench/)")
    parser.add_argument("--yes-empty-the-database", action="store_true", required=True,
                        help="confirm that the benchmarks may empty the database the settings name")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(STEPS)
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise SystemExit(f"unknown step(s): {', '.join(unknown)}; known: {', '.join(STEPS)}")
    names = [n for n in STEPS if n in names]  # always in pipeline order
    failed = [parties for parties in sizes_to_run(args.size, args.parties)
              if not run_pipeline(parties, names, args.results_dir.resolve(), args.network_nodes)]
    if failed:
        raise SystemExit(f"a step failed in the pipeline of {', '.join(f'{p:,}' for p in failed)} parties")


def run_pipeline(parties: int, names: list[str], results_dir: Path, network_nodes: int | None) -> bool:
    """One size's pipeline: its steps one after the other, run_all.json, the growth section; True if all exit 0."""
    label = size_label(parties)
    env = os.environ | {"DEBTGRAPH_BENCH_RESULTS": str(results_dir), "DEBTGRAPH_BENCH_SIZE": label}
    os.environ["DEBTGRAPH_BENCH_RESULTS"] = str(results_dir)
    os.environ["DEBTGRAPH_BENCH_SIZE"] = label

    started = time.perf_counter()
    data = dataset(parties)
    prepared = time.perf_counter() - started
    print(f"dataset {data} ({parties:,} parties){f', generated in {prepared:.0f} s' if prepared > 1 else ''}",
          flush=True)

    steps: list[dict[str, Any]] = []
    for name in names:
        step_argv = step_args(name, parties, data.relative_to(ROOT) if data.is_relative_to(ROOT) else data,
                              network_nodes)
        if name == "bulk" and any(s["step"] == "load" and s.get("exit") == 0 for s in steps):
            # the load step of this run is the transactional side of the comparison: one 1M load, not two
            step_argv += ["--transactional-from", str(results_dir / "results" / label / "load.json"),
                          "--leave-loaded"]
        result = run_step(name, step_argv, env)
        steps.append(result)
        if result["exit"] != 0 and name in ("load", "bulk"):
            print(f"\n{name} failed: the steps after it need its graph; stopping", flush=True)
            break

    out = results_dir / "results" / label / "run_all.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"bench": "run_all", "parties": parties, "dataset": str(data),
                               "run_at": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "machine": machine(),
                               "load_average": os.getloadavg()[0], "steps": steps}, ensure_ascii=False, indent=1)
                   + "\n", encoding="utf-8")
    growth = growth_section(results_dir)
    if growth:
        write_section(GROWTH, growth, results_dir / "RESULTS.md", sized=False)

    print(f"\n\n# Summary ({parties:,} parties, `{data}`; sections in {results_dir / 'RESULTS.md'})\n")
    print("| step | exit | wall | peak RSS of the step's processes | Neo4j peak RSS | load average before → after |")
    print("|---|---|---|---|---|---|")
    for s in steps:
        neo = f"{s['neo4j_peak_rss_mb']:,.0f} MB" if s["neo4j_peak_rss_mb"] else "n/a"
        print(f"| {s['step']} | {s['exit']} | {s['wall_seconds']:,.0f} s | {s['python_peak_rss_mb']:,.0f} MB | {neo} | "
              f"{s['load_before']:.1f} → {s['load_after']:.1f} |")
    print(f"\nper-step figures: {out.parent}/*.json" + ("; growth section written" if growth else
                                                         "; growth section: needs results/100k and results/1m"))
    return not any(s.get("exit") for s in steps)


if __name__ == "__main__":
    main()
