"""Benchmark of snapshot loads (issue #16): a court's daily re-export, against a first load, in one run.

    .venv/bin/python bench/bench_snapshot.py --parties 100000 [--rounds 2]

EMPTIES the database the settings point at (run it against a bench/test server). The first export of the
size's dataset (bench/common.py `dataset`) is the court's export S. Each round, on an emptied database:

1. first load: `load_export(S)` — the plain load every court's first export gets;
2. the same export again as a snapshot of the next day: nothing changed, nothing to retire;
3. a 1%-changed export as a snapshot of the day after: 1% of the rows of every file but parties and
   cases dropped (retired), 1% of the cases with another amount paid (changed).

The times go into RESULTS.md ("## Snapshot loads") as ratios to the first load of the same round.
Target: an unchanged snapshot re-load costs at most 1.5× the first load.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import dataset, machine, read_truth, versions, write_json, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402
from loaders import load_export, load_snapshot  # noqa: E402

KEEP_WHOLE = ("parties.csv", "cases.csv")


def changed_copy(src: Path, dst: Path, share: float, seed: int = 1) -> dict[str, int]:
    """``src`` with ``share`` of the rows of every dependent file dropped and of the cases' amount_paid changed."""
    r = random.Random(seed)
    dst.mkdir(parents=True)
    counts = {"dropped": 0, "changed": 0}
    for path in sorted(src.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        if path.name == "cases.csv":
            paid = header.index("amount_paid")
            for row in body:
                if r.random() < share and row[paid]:
                    row[paid] = f"{float(row[paid]) + 100:.2f}"
                    counts["changed"] += 1
        elif path.name not in KEEP_WHOLE:
            kept = [row for row in body if r.random() >= share]
            counts["dropped"] += len(body) - len(kept)
            body = kept
        with (dst / path.name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *body])
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parties", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--changed", type=float, default=0.01)
    args = ap.parse_args()
    data = dataset(args.parties)
    truth = read_truth(data)
    export = data / truth["exports"][0]["dir"]
    rows = sum(sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in export.glob("*.csv"))
    tmp = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    try:
        changed = tmp / export.name
        counts = changed_copy(export, changed, args.changed)
        day = dt.date(2026, 7, 1)
        results = []
        with Graph() as graph:
            graph.migrate()
            for rnd in range(1, args.rounds + 1):
                graph.reset()
                t0 = time.perf_counter()
                first = load_export(graph, export, "S", rejects=tmp / "first.csv")
                t_first = time.perf_counter() - t0
                t0 = time.perf_counter()
                same = load_snapshot(graph, export, "S", exported_on=day, rejects=tmp / "same.csv")
                t_same = time.perf_counter() - t0
                t0 = time.perf_counter()
                moved = load_snapshot(graph, changed, "S", exported_on=day + dt.timedelta(days=1),
                                      rejects=tmp / "changed.csv")
                t_changed = time.perf_counter() - t0
                retired = sum(f.retired for f in moved.files.values())
                touched = sum(f.added + f.changed + f.retired + f.reasserted for f in same.files.values())
                results.append({"round": rnd, "first_s": round(t_first, 1), "same_s": round(t_same, 1),
                                "changed_s": round(t_changed, 1), "elements": first.elements_created,
                                "unchanged_touched": touched, "retired": retired,
                                "changed": sum(f.changed for f in moved.files.values()),
                                "same_phases": same.phases, "changed_phases": moved.phases})
                print(results[-1], file=sys.stderr)
            info = versions(graph)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [f"| {r['round']} | {r['first_s']} s | {r['same_s']} s ({r['same_s'] / r['first_s']:.2f}×) | "
             f"{r['changed_s']} s ({r['changed_s'] / r['first_s']:.2f}×) | {r['retired']:,} / {r['changed']:,} |"
             for r in results]
    worst = max(r["same_s"] / r["first_s"] for r in results)
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in results[-1]["same_phases"].items())
    section = f"""## Snapshot loads

Measured {dt.date.today().isoformat()} with `bench/bench_snapshot.py --parties {args.parties} --rounds {args.rounds}`: the first export of the dataset
({export.name}, {rows:,} rows, {results[0]['elements']:,} elements) loaded as a court's first export, then again
as an unchanged snapshot the next day, then as a {args.changed:.0%}-changed snapshot ({counts['dropped']:,} rows
dropped from the dependent files, {counts['changed']:,} cases with another amount paid) — each round on an
emptied database, {machine()}, Neo4j {info.get('neo4j', '?')}.

| round | first load | unchanged snapshot | {args.changed:.0%}-changed snapshot | retired / changed facts |
|---|---|---|---|---|
{chr(10).join(lines)}

Target: an unchanged snapshot re-load costs at most 1.5× the first load — worst round {worst:.2f}×
({'met' if worst <= 1.5 else 'NOT met'}). The unchanged snapshot added, changed and retired nothing
({results[0]['unchanged_touched']} facts touched). Where the unchanged snapshot's time went (last round): {phases}.
A snapshot checks the whole export and spools its rows before
writing (the mass-retire guard decides before anything is written), reads the facts the source asserts
(one scan of the nodes and one of the relationships), writes with the same statements as a delta load,
then retires.
"""
    write_section("## Snapshot loads", section, sized=False)
    write_json("snapshot", args.parties, {"results": results, "counts": counts})


if __name__ == "__main__":
    main()
