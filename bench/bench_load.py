"""Benchmark of the export loader: graph elements per second, against a one-row-per-transaction baseline.

    .venv/bin/python bench/bench_load.py                       # generates ~100k parties with `debtgraph generate`
    .venv/bin/python bench/bench_load.py --export DIR          # an existing export directory

EMPTIES the database the settings point at (run it against a bench/test server).

1. the export is loaded by `debtgraph load DIR --json` in a subprocess: its own
   timing (load_export, schema check excluded), its elements created
   (nodes + relationships) and the peak RSS of that process;
2. the baseline is the same loader, same statements and same graph, but one row
   per transaction (batch_size=1), on a sample of the export (the first
   --sample rows of every file), measured in elements per second; its rate
   is extrapolated per element to the full export;
3. the figures, with the machine, go into bench/RESULTS.md ("## Loading").

Targets: ≥ 60,000 elements/s, ≥ 30× the baseline, peak RSS < 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402
from loaders import load_export  # noqa: E402
from loaders.format import export_format  # noqa: E402

TARGET_RATE, TARGET_RATIO, TARGET_RSS = 60_000, 30.0, 2 * 1024**3


def _export_dir(args: argparse.Namespace) -> Path:
    if args.export:
        return Path(args.export)
    out = ROOT / "bench" / "data" / f"load-{args.parties}-{args.seed}"
    if not (out / "truth.json").exists():
        from loaders.synthetic import generate

        print(f"generating {args.parties:,} parties into {out} …", file=sys.stderr)
        generate(out, parties=args.parties, seed=args.seed, as_of=dt.date(2025, 6, 30), exports=1)
    return next(p for p in sorted(out.iterdir()) if p.is_dir())


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




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export", help="an export directory (default: generate one)")
    parser.add_argument("--parties", type=int, default=145_000,
                        help="population for the generator (one export holds ~70%% of it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=400, help="rows per file for the baseline")
    parser.add_argument("--no-results", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    export = _export_dir(args)
    fmt = export_format()
    rows = {f.stem: sum(1 for _ in f.open(encoding="utf-8-sig")) - 1 for f in export.glob("*.csv") if f.stem in fmt.files}
    print(f"export {export}: {rows.get('parties', 0):,} parties, {sum(rows.values()):,} rows", file=sys.stderr)

    with Graph() as graph:
        graph.migrate()
        graph.reset()
        load1 = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "load", str(export),
                                   "--json", "--rejects", str(Path(tmp) / "rejects.csv")],
                                  capture_output=True, text=True, cwd=ROOT, check=False)
            wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"load failed ({proc.returncode}): {proc.stderr[-2000:]}")
        peak_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
        summary = json.loads(proc.stdout)
        elements = summary["nodes_created"] + summary["relationships_created"]
        rate = elements / summary["seconds"]
        print(f"batched: {elements:,} elements in {summary['seconds']:.1f} s = {rate:,.0f}/s "
              f"(wall {wall:.1f} s), peak RSS {peak_rss / 1024**2:,.0f} MB", file=sys.stderr)

        graph.reset()
        with tempfile.TemporaryDirectory() as tmp:
            sample = _sample(export, args.sample, Path(tmp) / export.name)
            started = time.perf_counter()
            base = load_export(graph, sample, batch_size=1)
            base_seconds = time.perf_counter() - started
        base_elements = base.nodes_created + base.relationships_created
        base_rate = base_elements / base_seconds
        load2 = os.getloadavg()[0]
        graph.reset()
        print(f"baseline (1 row/transaction, {args.sample} rows per file): {base_elements:,} elements in "
              f"{base_seconds:.1f} s = {base_rate:,.0f}/s", file=sys.stderr)

        settings = graph.settings
        server = graph.server_info() if graph.ping() else {"name": "Neo4j", "version": "?", "edition": "?"}

    ratio = rate / base_rate
    extrapolated = elements / base_rate
    ok = {"rate": rate >= TARGET_RATE, "ratio": ratio >= TARGET_RATIO, "rss": peak_rss < TARGET_RSS}
    mark = {True: "met", False: "**not met**"}
    section = f"""## Loading

`bench/bench_load.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

- Machine: {machine()}; load average {load1:.1f} at the start, {load2:.1f} at the end (the machine was shared
  with other work while the benchmark ran).
- Database: {server['name']} {server['version']} {server['edition']}, heap {settings.debtgraph_heap}, page cache
  {settings.debtgraph_pagecache}, batch size {settings.debtgraph_batch_size} rows per transaction.
- Export: `{export.relative_to(ROOT) if export.is_relative_to(ROOT) else export}` — {rows.get('parties', 0):,} parties,
  {sum(rows.values()):,} rows in {len(rows)} files; {summary['loaded']:,} loaded, {summary['rejected']:,} rejected.

| measure | value | target | |
|---|---|---|---|
| elements created (nodes + relationships) | {elements:,} ({summary['nodes_created']:,} + {summary['relationships_created']:,}) | | |
| load time (load_export; wall time of the process {wall:.0f} s) | {summary['seconds']:.1f} s | | |
| **elements per second** | **{rate:,.0f}** | ≥ {TARGET_RATE:,} | {mark[ok['rate']]} |
| baseline: one row per transaction, same statements, first {args.sample} rows of each file | {base_rate:,.0f} elements/s ({base_elements:,} in {base_seconds:.1f} s) | | |
| baseline extrapolated per element to the whole export | {extrapolated / 3600:.1f} h | | |
| **speed-up over the baseline** | **{ratio:.0f}×** | ≥ {TARGET_RATIO:.0f}× | {mark[ok['ratio']]} |
| **peak RSS of the loader process** | **{peak_rss / 1024**2:,.0f} MB** | < 2,048 MB | {mark[ok['rss']]} |
"""
    print(section)
    if not args.no_results:
        write_section("## Loading", section)


if __name__ == "__main__":
    main()
