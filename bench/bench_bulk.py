"""Benchmark of the bulk first load (`debtgraph load --bulk-initial`) against the transactional loader.

    .venv/bin/python bench/bench_bulk.py --data bench/data/detect-20000-5    # every export of a dataset
    .venv/bin/python bench/bench_bulk.py --parties 20000 --seed 5              # the same, generated if missing

EMPTIES the database the settings point at (a local bench/test server: the bulk path stops and
restarts it) and LEAVES IT EMPTY at the end, so that another benchmark can load next.

In the same run, on the same server, from an empty database each time:

1. bulk: `debtgraph load --bulk-initial DIR… --json` in a subprocess, end to end — cleaning and
   checking every row, reducing them to the final graph, writing the importer's CSV files,
   stopping the server, `neo4j-admin database import full`, starting the server, creating the
   constraints and indexes and waiting until they are ONLINE, recording the Export nodes; its
   phases, the peak RSS of the Python process and of the importer JVM;
2. transactional: `debtgraph load DIR --json` for each export in order, each in a subprocess
   (its own timing and peak RSS), exactly as bench_load.py does;
3. both graphs must have the same number of nodes and relationships (tests/test_loaders_bulk.py
   checks that they are identical, property by property);
4. elements/s of both (elements = nodes + relationships of the graph), their ratio, into
   RESULTS.md ("## Bulk first load") and results/<size>/bulk.json.

`--transactional-from results/<size>/load.json --leave-loaded` is how bench/run_all.py calls it
after its load step: the transactional figures are that step's (same run, same server, same
dataset), so a 1M pipeline loads the dataset transactionally once, not twice. The database is
emptied (not timed), the bulk first load runs as above, its graph must have the node and
relationship counts the load step recorded, and it STAYS LOADED for the steps after (the two
graphs are identical, property by property: tests/test_loaders_bulk.py).

`--collect-only` measures the memory side without a server: the cleaning, the in-memory graph and
the importer's files of the whole dataset (into a temporary directory), with the process's peak RSS
(the figure that says whether 1M parties fit) — prints JSON, writes nothing else.

Target (issue #3): ≥ 60,000 elements/s for a first load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import dataset, machine, read_truth, run_cli, versions, write_json, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402

SECTION = "## Bulk first load"
TARGET_RATE = 60_000


def _cli(args: list[str]) -> tuple[Any, float, float]:
    """`debtgraph <args> --json` in a subprocess: its JSON output, wall seconds and peak RSS in bytes (wait4)."""
    out, wall, peak = run_cli([*args, "--json"])
    return json.loads(out), wall, peak


def collect_only(exports: list[tuple[Path, str]]) -> None:
    """The bulk path up to the importer's files, in this process: seconds, elements and peak RSS."""
    import datetime as dt
    import resource

    from loaders.bulk import Collector, write_import_files
    from loaders.load import open_export, run_export

    collector = Collector()
    started = time.perf_counter()
    for i, (directory, source) in enumerate(exports):
        tables, warnings = open_export(directory)
        now = dt.datetime.now(dt.UTC)
        collector.sources.append(source)
        collector.nows.append(now)
        run_export(directory, source, tables, warnings, collector.sink(1 << i), collector.known_cases, now)
        print(f"{source}: {time.perf_counter() - started:.1f} s, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", file=sys.stderr)
    clean = time.perf_counter() - started
    elements = collector.node_count + collector.relationship_count
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_import_files(collector, Path(tmp))
        written = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"exports": [s for _, s in exports], "nodes": collector.node_count,
                      "relationships": collector.relationship_count, "clean_seconds": round(clean, 1),
                      "write_seconds": round(written, 1), "files_mb": round(size / 1024**2),
                      "peak_rss_mb": round(peak / 1024**2), "bytes_per_element": round(peak / elements),
                      "load_average": os.getloadavg()[0]}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="a generated dataset directory (exports + truth.json)")
    parser.add_argument("--parties", type=int, default=20_000,
                        help="without --data: the dataset bench/data/detect-<N>-<seed> (generated if missing)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md or results/")
    parser.add_argument("--transactional-from", type=Path,
                        help="a load.json of bench_load.py from the same run: its transactional figures "
                             "instead of loading the dataset again")
    parser.add_argument("--leave-loaded", action="store_true",
                        help="leave the bulk-loaded graph in the database (needs --transactional-from)")
    parser.add_argument("--collect-only", action="store_true",
                        help="no server: clean, collect and write the importer's files; peak RSS (prints JSON)")
    args = parser.parse_args()
    data = Path(args.data) if args.data else dataset(args.parties, args.seed)
    truth = read_truth(data)
    exports = [(data / e["dir"], e["source"]) for e in truth["exports"]]
    if args.collect_only:
        collect_only(exports)
        return
    if args.leave_loaded and not args.transactional_from:
        raise SystemExit("--leave-loaded needs --transactional-from (otherwise the transactional load replaces it)")
    loaded = _load_figures(args.transactional_from, truth["parties"]) if args.transactional_from else None
    for directory, source in exports:
        if directory.resolve().name != source:
            raise SystemExit(f"{directory}: --bulk-initial names exports by their directory, truth.json says {source}")

    with Graph() as graph:
        if not graph.settings.local:
            raise SystemExit("bench_bulk needs debtgraph's local server (NEO4J_URI empty): the bulk path restarts it")
        graph.migrate()
        graph.reset()
        info = versions(graph)
    load_avg = [os.getloadavg()[0]]

    with tempfile.TemporaryDirectory() as tmp:
        print("bulk first load …", file=sys.stderr)
        bulk, bulk_wall, bulk_peak = _cli(["load", "--bulk-initial", *(str(d) for d, _ in exports),
                                           "--rejects", tmp])
        load_avg.append(os.getloadavg()[0])
        with Graph() as graph:
            bulk_counts = graph.counts()
            if not args.leave_loaded:
                graph.reset()
        if loaded is not None:
            tx_seconds, tx_wall, tx_peak = loaded["seconds"], loaded["wall_seconds"], loaded["peak_bytes"]
            tx_elements, tx_counts = loaded["elements"], loaded["counts"]
            # the load step counted what its loads created (no Export nodes): compare like with like
            bulk_counts = {"nodes": bulk["nodes"], "relationships": bulk["relationships"]}
        else:
            tx_seconds, tx_wall, tx_peak, tx_elements, tx_counts = _transactional(exports, Path(tmp))
        load_avg.append(os.getloadavg()[0])
        with Graph() as graph:
            left = graph.counts()
    if bulk_counts != tx_counts:
        raise SystemExit(f"the two loads built graphs of different sizes: bulk {bulk_counts}, transactional {tx_counts}")
    if not args.leave_loaded and (left["nodes"] or left["relationships"]):
        raise SystemExit(f"the database is not empty at the end: {left}")

    elements = bulk["nodes"] + bulk["relationships"]
    bulk_rate = elements / bulk_wall
    tx_rate = tx_elements / tx_seconds
    tx_rate_wall = tx_elements / tx_wall
    phases = bulk["phases"]
    figures = {
        "data": str(data), "exports": [s for _, s in exports], "elements": elements, "nodes": bulk["nodes"],
        "relationships": bulk["relationships"], "bulk_seconds": round(bulk_wall, 2),
        "bulk_elements_per_s": round(bulk_rate), "bulk_phases": phases,
        "bulk_peak_rss_mb": round(bulk_peak / 1024**2), "bulk_python_peak_rss_mb": round(bulk["peak_rss_mb"]),
        "importer_peak_rss_mb": round(bulk["importer_peak_rss_mb"]),
        "transactional_seconds": round(tx_seconds, 2), "transactional_wall_seconds": round(tx_wall, 2),
        "transactional_elements_per_s": round(tx_rate), "transactional_peak_rss_mb": round(tx_peak / 1024**2),
        "ratio": round(bulk_rate / tx_rate, 2), "ratio_wall": round(bulk_rate / tx_rate_wall, 2),
        "load_average": load_avg, **info,
        "transactional_source": (f"the load step of the same run ({loaded['file']}, {loaded['run_at']})"
                                 if loaded else "this script, after the bulk load"),
    }
    print(json.dumps(figures, indent=1), file=sys.stderr)
    if args.no_results:
        return
    write_section(SECTION, render(figures, truth["parties"], len(exports)))
    write_json("bulk", truth["parties"], figures)


def _transactional(exports: list[tuple[Path, str]], tmp: Path) -> tuple[float, float, float, int, dict[str, int]]:
    """Every export loaded by `debtgraph load`, one subprocess each: load seconds, wall, peak RSS, elements, counts.

    Leaves the database empty.
    """
    tx_seconds = tx_wall = tx_peak = 0.0
    tx_elements = 0
    for directory, source in exports:
        print(f"transactional load of {source} …", file=sys.stderr)
        summary, wall, peak = _cli(["load", str(directory), "--source", source,
                                    "--rejects", str(tmp / f"tx-{source}.csv")])
        tx_seconds += summary["seconds"]
        tx_wall += wall
        tx_peak = max(tx_peak, peak)
        tx_elements += summary["nodes_created"] + summary["relationships_created"]
    with Graph() as graph:
        counts = graph.counts()
        graph.reset()
    return tx_seconds, tx_wall, tx_peak, tx_elements, counts


def _load_figures(path: Path, parties: int) -> dict[str, Any]:
    """The transactional figures of bench_load.py's JSON; refused when it is of another dataset size."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"--transactional-from {path}: {exc}") from exc
    if data.get("bench") != "load" or data.get("parties") != parties:
        raise SystemExit(f"--transactional-from {path}: not bench_load.py's figures for {parties:,} parties "
                         f"(bench {data.get('bench')!r}, parties {data.get('parties')!r})")
    return {"seconds": data["seconds"], "wall_seconds": data["wall_seconds"],
            "peak_bytes": data["loader_peak_rss_mb"] * 2**20, "elements": data["elements"],
            "counts": {"nodes": data["nodes"], "relationships": data["relationships"]},
            "file": str(path), "run_at": data.get("run_at", "?")}


def render(f: dict[str, Any], parties: int, exports: int) -> str:
    """The RESULTS.md section from the run's figures (results/<size>/bulk.json holds the same)."""
    phases = f["bulk_phases"]
    phase_text = ", ".join(f"{name.replace('_', ' ')} {sec:.1f} s" for name, sec in phases.items())
    elements = f["elements"]
    # fixed: what does not grow with the data (server stop and start, schema, Export records);
    # the rest (cleaning, files, import with its JVM start) is charged per element
    fixed = sum(phases.get(k, 0.0) for k in ("server_stop", "server_start", "indexes", "exports_recorded"))
    per_bulk = (f["bulk_seconds"] - fixed) / elements
    per_tx = f["transactional_seconds"] / elements
    even = fixed / (per_tx - per_bulk) if per_tx > per_bulk else None
    data = Path(f["data"])
    shown = data.relative_to(ROOT) if data.is_absolute() and data.is_relative_to(ROOT) else data
    return f"""{SECTION}

`bench/bench_bulk.py --data {shown}` — {parties:,} parties in {exports} exports, one empty database
each time, same run, same server ({f['neo4j']}, heap {f['heap']}, page cache {f['pagecache']}); {machine()};
load average {', '.join(f'{x:.1f}' for x in f['load_average'])} (before, between, after). Elements = nodes +
relationships of the graph ({f['nodes']:,} + {f['relationships']:,} = {elements:,}; the transactional load made
the same numbers). Transactional figures: {f.get('transactional_source', 'this script, after the bulk load')}.

| first load | seconds | elements/s | peak RSS (Python) |
|---|---:|---:|---:|
| `debtgraph load --bulk-initial` (end to end, wall) | {f['bulk_seconds']:,.1f} | **{f['bulk_elements_per_s']:,}** | {f['bulk_python_peak_rss_mb']:,} MB |
| `debtgraph load`, one export after the other (load time) | {f['transactional_seconds']:,.1f} | {f['transactional_elements_per_s']:,} | {f['transactional_peak_rss_mb']:,} MB |
| the same, wall time of the processes | {f['transactional_wall_seconds']:,.1f} | {elements / f['transactional_wall_seconds']:,.0f} | |

Bulk / transactional: **{f['ratio']:.2f}×** ({f['ratio_wall']:.2f}× against the transactional wall time). Bulk
phases: {phase_text}; cleaning (the loader's own checks plus the in-memory merge) alone ran at
{elements / phases['clean']:,.0f} elements/s. The importer JVM peaked at {f['importer_peak_rss_mb']:,} MB RSS.
Fixed costs of the bulk path (server stop and start, schema, Export records): {fixed:.1f} s; the rest costs
{per_bulk * 1e6:.0f} µs per element against {per_tx * 1e6:.0f} µs transactionally, so the bulk path wins from
about {f"{even:,.0f} elements" if even else "— (never, at these rates)"} on (the importer's JVM start counts as
per-element here, so the true break-even is lower). Target {TARGET_RATE:,} elements/s:
{"met" if f['bulk_elements_per_s'] >= TARGET_RATE else "not met"} on this machine at this size.
"""


if __name__ == "__main__":
    main()
