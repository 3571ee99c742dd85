"""Where a load's time goes: Python cleaning vs each write statement, in one run.

    .venv/bin/python bench/profile_load.py EXPORT_DIR [--batch-size N] [--keep]

EMPTIES the database the settings point at (unless --keep). Prints, per statement of
queries/load/, the rows written, the transactions and the seconds spent waiting on the
server; and the seconds the main thread spent reading and cleaning rows. Both are
measured in the same run, so their ratio holds on a busy machine too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loaders.load as load_mod  # noqa: E402
from graph_model.db import Graph  # noqa: E402
from loaders import load_export  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="do not empty the database first (a reload)")
    args = parser.parse_args()

    stmt_time: dict[str, float] = defaultdict(float)
    stmt_rows: dict[str, int] = defaultdict(int)
    stmt_calls: dict[str, int] = defaultdict(int)
    tx_count = [0]
    tx_time = [0.0]
    clean_time = [0.0]

    original_write = load_mod._Writer._write

    def timed_write(self: Any, parts: list[tuple[str, list[dict[str, Any]]]]) -> tuple[int, int, int, int]:
        started = time.perf_counter()
        try:
            return original_write(self, parts)
        finally:
            tx_count[0] += 1
            tx_time[0] += time.perf_counter() - started

    original_run = load_mod.ManagedTransaction.run

    def timed_run(self: Any, query: Any, parameters: Any = None, **kw: Any) -> Any:
        if "rows" not in (parameters or {}):
            return original_run(self, query, parameters, **kw)
        name = next((n for n, t in _texts.items() if t == query), "?")
        started = time.perf_counter()
        result = original_run(self, query, parameters, **kw)
        summary = result.consume()
        stmt_time[name] += time.perf_counter() - started
        stmt_calls[name] += 1
        stmt_rows[name] += len((parameters or {}).get("rows", ()))

        class _Done:
            def consume(self) -> Any:
                return summary
        return _Done()

    original_clean = load_mod._ExportLoader._clean

    def timed_clean(self: Any, table: Any, fs: Any, chunk: Any) -> Any:
        started = time.perf_counter()
        out = list(original_clean(self, table, fs, chunk))
        clean_time[0] += time.perf_counter() - started
        return iter(out)

    from queries.statements import statement
    _texts = {p.stem: statement(f"load/{p.stem}") for p in (ROOT / "queries" / "load").glob("*.cypher")}
    load_mod._Writer._write = timed_write  # type: ignore[method-assign]
    load_mod.ManagedTransaction.run = timed_run  # type: ignore[method-assign]
    load_mod._ExportLoader._clean = timed_clean  # type: ignore[method-assign]

    with Graph() as graph:
        graph.migrate()
        if not args.keep:
            graph.reset()
        load1 = os.getloadavg()[0]
        started = time.perf_counter()
        summary = load_export(graph, args.export, batch_size=args.batch_size)
        wall = time.perf_counter() - started
    elements = summary.elements_created
    print(f"load average {load1:.1f} → {os.getloadavg()[0]:.1f}; batch size {args.batch_size or 'default'}")
    print(f"wall {wall:.1f} s, {elements:,} elements ({summary.nodes_created:,} nodes, "
          f"{summary.relationships_created:,} rels) → {elements / wall:,.0f} elements/s")
    print(f"write transactions {tx_count[0]}, {tx_time[0]:.1f} s in the writer thread; "
          f"cleaning (main thread) {clean_time[0]:.1f} s")
    print(f"{'statement':<20} {'calls':>6} {'rows':>8} {'seconds':>8} {'rows/s':>9}")
    for name, secs in sorted(stmt_time.items(), key=lambda kv: -kv[1]):
        print(f"{name:<20} {stmt_calls[name]:>6} {stmt_rows[name]:>8} {secs:>8.2f} {stmt_rows[name] / max(secs, 1e-9):>9,.0f}")


if __name__ == "__main__":
    main()
