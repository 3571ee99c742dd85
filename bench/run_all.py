"""Run every benchmark in bench/ in sequence and show their results, each timing beside its baseline.

    .venv/bin/python bench/run_all.py --yes-empty-the-database            # 100k-party datasets
    .venv/bin/python bench/run_all.py --yes-empty-the-database --size 1m  # 1M parties (hours)
    .venv/bin/python bench/run_all.py --only load,detect ...

EMPTIES the database the settings point at (run it against a bench server, e.g. with
DEBTGRAPH_DATA_DIR pointing at a bench directory). Each benchmark generates its dataset once
under bench/data/ and reuses it afterwards; each measures its own baseline in the same run and
writes its section of bench/RESULTS.md (timing, baseline, ratio, target). This script runs them
one after another — never two at once, so they do not compete for the machine — records the
load average around each, and prints the sections they wrote plus a summary table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"

# benchmark → (script, arguments per size, RESULTS.md section it writes)
# (None: the script prints its table instead of writing RESULTS.md; its output's tail is shown.)
BENCHES: dict[str, tuple[str, dict[str, list[str]], str | None]] = {
    "generator": ("bench_generator.py", {"100k": ["--parties", "100000"], "1m": ["--parties", "1000000"]},
                  None),
    "load": ("bench_load.py", {"100k": ["--parties", "145000"], "1m": ["--parties", "1450000"]}, "## Loading"),
    "detect": ("bench_detect.py", {"100k": ["--parties", "100000"], "1m": ["--parties", "1000000"]},
               "## Detectors"),
    "api": ("bench_api.py", {"100k": ["--parties", "100000", "--yes-empty-the-database"],
                             "1m": ["--parties", "1000000", "--yes-empty-the-database"]}, "## API"),
    "network": ("bench_network.py", {"100k": ["--nodes", "100000", "--neo4j", "--parties", "50000",
                                              "--yes-empty-the-database"],
                                     "1m": ["--nodes", "1000000", "--neo4j", "--parties", "500000",
                                            "--yes-empty-the-database"]}, None),
    "identity": ("bench_identity.py", {"100k": ["--parties", "20000", "100000", "--yes-empty-the-database"],
                                       "1m": ["--parties", "100000", "1000000", "--yes-empty-the-database"]},
                 None),
}


def _section(text: str, heading: str) -> str:
    start = text.find(heading + "\n")
    if start < 0:
        return f"({heading} not found in {RESULTS.name})"
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)].rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["100k", "1m"], default="100k")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--yes-empty-the-database", action="store_true", required=True,
                        help="confirm that the benchmarks may empty the database the settings name")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")

    summary: list[tuple[str, int, float, float, float]] = []
    outputs: dict[str, list[str]] = {}
    for name in names:
        script, sizes, _ = BENCHES[name]
        cmd = [sys.executable, str(ROOT / "bench" / script), *sizes[args.size]]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        load0 = os.getloadavg()[0]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        lines = outputs.setdefault(name, [])
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
        code = proc.wait()
        summary.append((name, code, time.perf_counter() - started, load0, os.getloadavg()[0]))

    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    print("\n\n# Results (each timing beside the baseline its benchmark measured in the same run)\n")
    for name, code, *_ in summary:
        heading = BENCHES[name][2]
        print(f"## {name}")
        if code != 0:
            print(f"(failed, exit {code})")
        elif heading is not None:
            print(_section(text, heading))
        else:
            print("\n".join(outputs[name][-40:]))
        print()
    print("| benchmark | exit | wall | load average before → after |\n|---|---|---|---|")
    for name, code, wall, l0, l1 in summary:
        print(f"| {name} | {code} | {wall:,.0f} s | {l0:.1f} → {l1:.1f} |")
    if any(code for _, code, *_ in summary):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
