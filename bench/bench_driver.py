"""Benchmark: the driver's Rust extension (neo4j-rust-ext) and its async API against the pure-Python driver.

    .venv/bin/python bench/bench_driver.py                      # generates a 20k-party export
    .venv/bin/python bench/bench_driver.py --export DIR --rounds 3

EMPTIES the database the settings point at (run it against a bench server).

The loader packs every batch of row maps into Bolt messages on the client; the
Rust extension replaces the driver's PackStream codec. Each round loads the same
export twice into an emptied database with `debtgraph load --json` in a child
process — once as installed (Rust codec) and once with the extension hidden
(`sys.modules["neo4j._rust"] = None`, so the driver falls back to its Python
codec) — and once more with the loader's database writer swapped for the same
writer on the driver's asyncio API (bench/async_writer.py, Rust codec), in a
rotating order. Reported: load seconds, elements/s, and the CPU seconds of the
loader process, whose cost competes with the server for the machine's cores.
Writes the "## Driver: Rust extension and async API" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402

SECTION = "## Driver: Rust extension and async API"
VARIANTS = {"python": "pure-Python driver (baseline)", "rust": "with neo4j-rust-ext (adopted)",
            "async": "async driver API, with neo4j-rust-ext"}

_CHILD = """
import sys
if sys.argv[1] == "python":
    sys.modules["neo4j._rust"] = None  # the driver falls back to its pure-Python PackStream codec
import neo4j._codec.packstream.v1 as codec
assert (codec._rust_pack is None) == (sys.argv[1] == "python"), "codec not as requested"
if sys.argv[1] == "async":
    import loaders.load
    from bench.async_writer import AsyncWriter
    loaders.load._Writer = AsyncWriter  # the same Sink on neo4j.AsyncGraphDatabase
sys.argv = ["debtgraph", *sys.argv[2:]]
from api.cli import main
main()
"""


def _export(args: argparse.Namespace) -> Path:
    if args.export:
        return Path(args.export)
    out = Path(os.environ.get("DEBTGRAPH_BENCH_DATA") or ROOT / "bench" / "data") / f"driver-{args.parties}-{args.seed}"
    if not (out / "truth.json").exists():
        from loaders.synthetic import generate

        print(f"generating {args.parties:,} parties into {out} …", file=sys.stderr)
        generate(out, parties=args.parties, seed=args.seed, as_of=dt.date(2025, 6, 30), exports=1)
    return next(p for p in sorted(out.iterdir()) if p.is_dir())


def _load(graph: Graph, export: Path, variant: str) -> dict[str, float]:
    """One load into an emptied database; seconds, elements and the child's CPU seconds."""
    graph.reset()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-c", _CHILD, variant, "load", str(export), "--json",
                               "--rejects", str(Path(tmp) / "rejects.csv")],
                              capture_output=True, text=True, cwd=ROOT, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{variant} load failed ({proc.returncode}): {proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout)
    elements = summary["nodes_created"] + summary["relationships_created"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": summary["seconds"], "elements": elements, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export", help="an export directory (default: generate one)")
    parser.add_argument("--parties", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-results", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    export = _export(args)
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    loads: list[float] = []
    with Graph() as graph:
        graph.migrate()
        expected = _load(graph, export, "rust")["elements"]  # warm-up: JIT and page cache, not counted
        for i in range(args.rounds):
            names = list(VARIANTS)
            order = names[i % len(names):] + names[:i % len(names)]  # each variant goes first in turn
            for variant in order:
                loads.append(os.getloadavg()[0])
                result = _load(graph, export, variant)
                if result["elements"] != expected:
                    raise SystemExit(f"{variant} created {result['elements']:,} elements, the warm-up "
                                     f"{expected:,}: the writers differ")
                runs[variant].append(result)
                print(f"round {i + 1} {variant}: {result['seconds']:.1f} s, {result['cpu']:.1f} s CPU",
                      file=sys.stderr)
        graph.reset()
        server = graph.server_info()

    def med(variant: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[variant])

    elements = expected
    rows = []
    for variant, label in VARIANTS.items():
        rows.append(f"| {label} | {med(variant, 'seconds'):.1f} s | {elements / med(variant, 'seconds'):,.0f} | "
                    f"{med(variant, 'seconds') / med('python', 'seconds'):.2f} | {med(variant, 'cpu'):.1f} s | "
                    f"{med(variant, 'cpu') / med('python', 'cpu'):.2f} |")
    section = f"""{SECTION}

`bench/bench_driver.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {server['name']}
{server['version']}; load average {min(loads):.1f}–{max(loads):.1f} during the rounds. Export
`{export.relative_to(ROOT) if export.is_relative_to(ROOT) else export}` ({elements:,} elements), loaded
{args.rounds}× per variant into an emptied database, each variant first in turn; medians.

| driver | load time | elements/s | time × baseline | loader CPU | CPU × baseline |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Per round: {', '.join(f"{c} {r['seconds']:.1f} s" for c in runs for r in runs[c])}.
"""
    print(section)
    if not args.no_results:
        write_section(SECTION, section)


if __name__ == "__main__":
    main()
