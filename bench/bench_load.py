"""Benchmark of the export loader: graph elements per second, against a one-row-per-transaction baseline.

    .venv/bin/python bench/bench_load.py --data bench/data/detect-100000-5   # every export of a dataset
    .venv/bin/python bench/bench_load.py --parties 100000                    # the same, generated if missing
    .venv/bin/python bench/bench_load.py --export DIR                        # one export directory

EMPTIES the database the settings point at (run it against a bench/test server), and LEAVES THE
DATASET LOADED for the steps after it (bench_detect.py, bench_api.py, bench_network.py,
bench_identity.py with --loaded).

1. the baseline first: the same loader, same statements, same server, but one row per transaction
   (batch_size=1), on a sample (the first --sample rows of every file of the first export), in
   elements per second; its rate is extrapolated per element to the whole dataset; then the
   database is emptied again;
2. every export of the dataset, one after the other, is loaded by `debtgraph load DIR --json` in a
   subprocess: its own timing (load_export, schema check excluded), elements created (nodes +
   relationships) and the peak RSS of that process;
3. the peak RSS of the Neo4j JVM during the load (VmHWM, reset before it) and the size of the
   store on disk after it (data/databases/<db> and data/transactions/<db>);
4. the figures go into RESULTS.md ("## Loading") and results/<size>/load.json.

Targets: ≥ 60,000 elements/s, ≥ 30× the baseline, loader peak RSS < 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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

from common import (  # noqa: E402
    cypher,
    dataset,
    machine,
    neo4j_peak_mb,
    neo4j_peak_reset,
    neo4j_pid,
    read_truth,
    run_cli,
    store_bytes,
    versions,
    write_json,
    write_section,
)

from graph_model.db import Graph  # noqa: E402
from loaders import load_export  # noqa: E402
from loaders.format import export_format  # noqa: E402

TARGET_RATE, TARGET_RATIO, TARGET_RSS = 60_000, 30.0, 2 * 1024**3


def _exports(args: argparse.Namespace) -> tuple[list[tuple[Path, str]], dict[str, Any] | None, Path]:
    """(export directory, source) pairs to load, the dataset's truth.json (None for --export) and the path named."""
    if args.export:
        export = Path(args.export)
        return [(export, export.resolve().name)], None, export
    data = Path(args.data) if args.data else dataset(args.parties)
    truth = read_truth(data)
    return [(data / e["dir"], e["source"]) for e in truth["exports"]], truth, data


def _load_child(export: Path, source: str, rejects: Path) -> tuple[dict[str, Any], float, float]:
    """`debtgraph load --json` in a subprocess: its summary, wall seconds and peak RSS in bytes (wait4)."""
    out, wall, peak = run_cli(["load", str(export), "--source", source, "--json", "--rejects", str(rejects)])
    return json.loads(out), wall, peak


def _sample(export: Path, rows: int, dest: Path) -> Path:
    """The first ``rows`` data rows of every CSV file of the export."""
    dest.mkdir(parents=True)
    for f in export.glob("*.csv"):
        with f.open(encoding="utf-8-sig", newline="") as src, (dest / f.name).open("w", encoding="utf-8",
                                                                                  newline="") as out:
            reader, writer = csv.reader(src), csv.writer(out)
            for i, record in enumerate(reader):
                if i > rows:
                    break
                writer.writerow(record)
    return dest




def _rows(export: Path, fmt: Any) -> dict[str, int]:
    return {f.stem: sum(1 for _ in f.open(encoding="utf-8-sig")) - 1 for f in export.glob("*.csv") if f.stem in fmt.files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="a generated dataset directory (exports + truth.json): load every export")
    parser.add_argument("--export", help="one export directory instead of a dataset")
    parser.add_argument("--parties", type=int, default=100_000,
                        help="without --data/--export: the dataset bench/data/detect-<N>-5 (generated if missing)")
    parser.add_argument("--sample", type=int, default=400, help="rows per file for the baseline")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md or results/")
    args = parser.parse_args()

    exports, truth, named = _exports(args)
    fmt = export_format()
    rows = {}
    for export, _ in exports:
        for name, n in _rows(export, fmt).items():
            rows[name] = rows.get(name, 0) + n
    print(f"{named}: {len(exports)} export(s), {rows.get('parties', 0):,} party rows, {sum(rows.values()):,} rows",
          file=sys.stderr)
    pid = neo4j_pid()

    with Graph() as graph:
        graph.migrate()
        graph.reset()
        load1 = os.getloadavg()[0]
        # 1. the baseline, on a sample of the first export, before the real load (which stays in the graph)
        with tempfile.TemporaryDirectory() as tmp:
            sample = _sample(exports[0][0], args.sample, Path(tmp) / exports[0][0].name)
            started = time.perf_counter()
            base = load_export(graph, sample, exports[0][1], batch_size=1)
            base_seconds = time.perf_counter() - started
        base_elements = base.nodes_created + base.relationships_created
        base_rate = base_elements / base_seconds
        print(f"baseline (1 row/transaction, {args.sample} rows per file): {base_elements:,} elements in "
              f"{base_seconds:.1f} s = {base_rate:,.0f}/s", file=sys.stderr)
        graph.reset()

        # 2. every export with the real loader, each in its own `debtgraph load` process
        peak_reset = neo4j_peak_reset(pid)
        nodes = rels = loaded = rejected = 0
        seconds = wall = 0.0
        loader_rss = 0.0
        per_export = []
        with tempfile.TemporaryDirectory() as tmp:
            for export, source in exports:
                print(f"loading {source} …", file=sys.stderr)
                summary, w, rss = _load_child(export, source, Path(tmp) / f"{source}.rejects.csv")
                el = summary["nodes_created"] + summary["relationships_created"]
                per_export.append({"source": source, "elements": el, "seconds": summary["seconds"], "wall": w,
                                   "peak_rss_mb": rss / 2**20, "rejected": summary["rejected"]})
                print(f"  {el:,} elements in {summary['seconds']:.1f} s = {el / summary['seconds']:,.0f}/s, "
                      f"peak RSS {rss / 2**20:,.0f} MB", file=sys.stderr)
                nodes += summary["nodes_created"]
                rels += summary["relationships_created"]
                loaded += summary["loaded"]
                rejected += summary["rejected"]
                seconds += summary["seconds"]
                wall += w
                loader_rss = max(loader_rss, rss)
        neo4j_mb = neo4j_peak_mb(pid)
        load2 = os.getloadavg()[0]
        disk = store_bytes(graph)
        counts = graph.read(cypher("counts"))[0]
        settings = graph.settings
        info = versions(graph)

    elements = nodes + rels
    rate = elements / seconds
    ratio = rate / base_rate
    extrapolated = elements / base_rate
    ok = {"rate": rate >= TARGET_RATE, "ratio": ratio >= TARGET_RATIO, "rss": loader_rss < TARGET_RSS}
    mark = {True: "met", False: "**not met**"}
    party_nodes = counts["parties"]
    shown = named.resolve().relative_to(ROOT) if named.resolve().is_relative_to(ROOT) else named
    what = (f"`debtgraph generate --parties {truth['parties']:,} --seed {truth['seed']} --exports "
            f"{len(truth['exports'])}` (`{shown}`)" if truth else f"`{shown}`")
    neo4j_line = (f"{neo4j_mb:,.0f} MB" + ("" if peak_reset else " (peak since the server started)")
                  if neo4j_mb is not None else "n/a (remote server)")
    disk_line = (f"{disk['store'] / 2**20:,.1f} MB store ({disk['store'] / party_nodes / 1024:.1f} KB per Party node) "
                 f"+ {disk['transactions'] / 2**20:,.1f} MB transaction logs" if disk else "n/a (remote server)")
    section = f"""## Loading

`bench/bench_load.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

- Machine: {machine()}; load average {load1:.1f} at the start, {load2:.1f} at the end (the machine was shared
  with other work while the benchmark ran).
- Database: {info['neo4j']}, driver {info['driver']}, heap {settings.debtgraph_heap}, page cache
  {settings.debtgraph_pagecache}, batch size {settings.debtgraph_batch_size} rows per transaction.
- Dataset: {what} — {len(exports)} export(s), {rows.get('parties', 0):,} party rows, {sum(rows.values()):,} rows;
  {loaded:,} loaded, {rejected:,} rejected; {party_nodes:,} Party nodes, {counts['cases']:,} cases in the graph.

| measure | value | target | |
|---|---|---|---|
| elements created (nodes + relationships) | {elements:,} ({nodes:,} + {rels:,}) | | |
| load time (load_export, {len(exports)} `debtgraph load` processes one after the other; wall {wall:.0f} s) | {seconds:.1f} s | | |
| **elements per second** | **{rate:,.0f}** | ≥ {TARGET_RATE:,} | {mark[ok['rate']]} |
| baseline: one row per transaction, same statements, first {args.sample} rows of each file of the first export (run first) | {base_rate:,.0f} elements/s ({base_elements:,} in {base_seconds:.1f} s) | | |
| baseline extrapolated per element to the whole dataset | {extrapolated / 3600:.1f} h | | |
| **speed-up over the baseline** | **{ratio:.0f}×** | ≥ {TARGET_RATIO:.0f}× | {mark[ok['ratio']]} |
| **peak RSS of the loader process** (largest of the exports) | **{loader_rss / 2**20:,.0f} MB** | < 2,048 MB | {mark[ok['rss']]} |
| peak RSS of the Neo4j JVM during the load (VmHWM) | {neo4j_line} | | |
| on disk after the load | {disk_line} | | |
"""
    print(section)
    if not args.no_results:
        write_section("## Loading", section)
        write_json("load", truth["parties"] if truth else rows.get("parties", 0), {
            **info, "dataset": str(shown), "exports": per_export, "party_nodes": party_nodes,
            "cases": counts["cases"], "rows": sum(rows.values()), "loaded": loaded, "rejected": rejected,
            "elements": elements, "nodes": nodes, "relationships": rels, "seconds": seconds, "wall_seconds": wall,
            "elements_per_second": rate, "baseline_elements_per_second": base_rate,
            "baseline_elements": base_elements, "baseline_seconds": base_seconds, "ratio": ratio,
            "baseline_extrapolated_seconds": extrapolated, "loader_peak_rss_mb": loader_rss / 2**20,
            "neo4j_peak_rss_mb": neo4j_mb, "neo4j_peak_reset": peak_reset,
            "store_bytes": disk["store"] if disk else None,
            "transaction_log_bytes": disk["transactions"] if disk else None,
            "targets": {"elements_per_second": ok["rate"], "ratio": ok["ratio"], "loader_rss": ok["rss"]},
        })


if __name__ == "__main__":
    main()
