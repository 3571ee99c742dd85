"""Benchmark of the synthetic generator: wall time and peak memory for N parties, against a csv baseline.

    .venv/bin/python bench/bench_generator.py --parties 1000000 [--messy] [--out DIR]

The generation runs in a child process (its own peak RSS); the baseline, measured
in the same run, writes the same number of rows of fixed text with the csv
module: the ratio says what the generator costs beyond the bare writing of CSV. The figures
also go to results/<size>/generator.json (bench/common.py; --no-results to skip).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CHILD = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from loaders.synthetic import generate
started = time.perf_counter()
truth = generate(Path({out!r}), {parties}, 1, dt.date(2024, 6, 28), exports={exports}, messy={messy})
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "rows": sum(truth.stats["rows"].values()),
                  "distinct_parties": truth.stats["distinct_parties"], "alerts": len(truth.alerts),
                  "accidental": len(truth.accidental)}}))
"""


def baseline(rows: int, out: Path) -> float:
    """Seconds to write ``rows`` rows of eight short text fields with csv.writer."""
    row = ("XH00012345", "person", "张伟", "310104198503127610", "", "2024-03-05", "上海市徐汇区漕溪北路88弄3号1202室", "13916257788")
    started = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for _ in range(rows):
            writer.writerow(row)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--exports", type=int, default=3)
    parser.add_argument("--messy", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: a temporary directory, removed)")
    parser.add_argument("--no-results", action="store_true", help="do not write results/<size>/generator.json")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="debtgraph-gen-"))
    try:
        code = CHILD.format(root=str(ROOT), out=str(out), parties=args.parties, exports=args.exports, messy=args.messy)
        result = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        base = baseline(result["rows"], out / "baseline.csv")
        (out / "baseline.csv").unlink()
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    print(f"| {dt.date.today()} | {args.parties:,} | {args.exports} | {'yes' if args.messy else 'no'} | {result['rows']:,} | "
          f"{result['distinct_parties']:,} | {result['seconds']:.0f} s | {result['peak_mb']:.0f} MB | {base:.1f} s | "
          f"{result['seconds'] / base:.1f} | {result['alerts']:,} ({result['accidental']} accidental) | {size / 2**20:.0f} MB |")
    if not args.no_results:
        from common import write_json

        write_json("generator", args.parties, {**result, "exports": args.exports, "messy": args.messy,
                                               "baseline_seconds": base, "ratio": result["seconds"] / base,
                                               "bytes": size, "target_under_10min": (result["seconds"] < 600
                                                                             if args.parties >= 1_000_000 else None)})


if __name__ == "__main__":
    main()
