"""What this machine's Neo4j can write at best: the ceiling the loader's elements/s is measured against.

    .venv/bin/python bench/bench_write_ceiling.py [--rows 100000]

Leaves the graph as it was (its own label, constraint and nodes, removed at the end), so it can run
beside a loaded dataset. The same 5,000-row batched `UNWIND $rows` shape the loader uses, from the
simplest statement to the loader's kind of work:

1. CREATE of bare nodes with three properties (no key check): the write ceiling;
2. MERGE of new nodes on a unique key, then the same MERGE again (nothing to create);
3. MERGE with provenance as the loader writes it (first-loaded time, a sorted `sources` list);
4. MATCH of two nodes by key and MERGE of a relationship between them.

Each statement first runs once on 10,000 throw-away rows (removed again) so that query planning,
the JIT and a cold page cache are not charged to the first case: a cold server otherwise showed a
third of the CREATE rate. One element per row in each case, so rows/s = elements/s. The loader's figure in "Loading"
(graph elements per second for a real export, ~15 elements per party over 25 statements) is
read against these. Writes the "## Write ceiling" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import cypher, machine, write_json, write_section  # noqa: E402

from graph_model.db import Graph  # noqa: E402

CASES = [
    ("create", "CREATE of new nodes, 3 properties"),
    ("merge_new", "MERGE of new nodes on a unique key, 2 properties set"),
    ("merge_existing", "the same MERGE again (nodes exist)"),
    ("merge_provenance", "MERGE of new nodes with first-loaded time and a sorted `sources` list"),
    ("merge_relationship", "MATCH two nodes by key, MERGE a relationship with a `sources` list"),
]
BATCH = 5000
WARMUP_ROWS = 10_000
TARGET = 60_000  # issue #3: elements per second


def _write_all(graph: Graph, statement: str, rows: list[dict[str, str]]) -> None:
    for i in range(0, len(rows), BATCH):
        graph.write(statement, {"rows": rows[i:i + BATCH], "source": "s1", "now": dt.datetime.now(dt.UTC)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--parties", type=int, help="the size of the run_all pipeline this belongs to (results/<size>/)")
    parser.add_argument("--no-results", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    rows = [{"uid": f"id:{i:018d}", "name": f"name {i}", "kind": "person"} for i in range(args.rows)]
    results: list[tuple[str, str, float]] = []
    load0 = os.getloadavg()[0]
    with Graph() as graph:
        graph.autocommit(cypher("ceiling_constraint"))
        graph.autocommit(cypher("ceiling_cleanup"))
        try:
            for name, _ in CASES:  # warm-up, not measured
                _write_all(graph, cypher(f"ceiling_{name}"), rows[:WARMUP_ROWS])
            graph.autocommit(cypher("ceiling_cleanup"))
            for name, label in CASES:
                started = time.perf_counter()
                _write_all(graph, cypher(f"ceiling_{name}"), rows)
                seconds = time.perf_counter() - started
                results.append((name, label, seconds))
                print(f"{name}: {args.rows / seconds:,.0f} rows/s", file=sys.stderr)
        finally:
            graph.autocommit(cypher("ceiling_cleanup"))
            graph.autocommit(cypher("ceiling_drop_constraint"))
        server = graph.server_info()
        settings = graph.settings
    load1 = os.getloadavg()[0]
    create = results[0][2]
    best = max(args.rows / s for _, _, s in results[:2] + results[3:])  # new elements only
    verdict = ("is above what this machine's Neo4j writes even for the simplest statement"
               if best < TARGET else "is within what this machine's Neo4j writes for the simplest statements")
    table = "\n".join(f"| {label} | {args.rows / s:,.0f} | {s / create:.2f} |" for _, label, s in results)
    section = f"""## Write ceiling

`bench/bench_write_ceiling.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; {server['name']}
{server['version']} {server['edition']}, heap {settings.debtgraph_heap}, page cache {settings.debtgraph_pagecache}; load
average {load0:.1f} → {load1:.1f}. {args.rows:,} rows per statement in batches of {BATCH:,}, one
transaction per batch, one element written per row, after a warm-up pass of every statement on
{WARMUP_ROWS:,} rows.

| statement | elements/s | time × CREATE |
|---|---|---|
{table}

The {TARGET:,} elements/s loading target {verdict} (best
{best:,.0f}/s for new elements here); the loader, which MERGEs every element on its key and keeps provenance on
each, is to be read against the MERGE rows, not against the target.
"""
    print(section)
    if not args.no_results:
        write_section("## Write ceiling", section)
        if args.parties:
            write_json("ceiling", args.parties, {"rows": args.rows, "load_average_before": load0,
                                                 "elements_per_s": {n: args.rows / s for n, _, s in results}})


if __name__ == "__main__":
    main()
