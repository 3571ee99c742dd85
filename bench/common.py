"""What every benchmark script shares: the machine's description and writing its section of RESULTS.md."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """CPU, cores, memory, OS and Python: the context every figure in RESULTS.md needs."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.1f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def write_section(heading: str, section: str, results: Path = RESULTS) -> None:
    """Replace the section that starts with ``heading`` (a `## …` line) in RESULTS.md, or append it.

    Each benchmark owns one section; the others stay as they are.
    """
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    start = text.find(f"\n{heading}\n")
    if start >= 0:
        nxt = text.find("\n## ", start + len(heading) + 2)
        text = text[:start + 1] + section + ("\n" + text[nxt + 1:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")


def load_dataset(graph: Any, data: Path, truth: dict[str, Any]) -> float:
    """Empty the graph and load every export of a generated dataset (its truth.json); returns the seconds taken."""
    from loaders import load_export

    graph.migrate()
    graph.reset()
    started = time.perf_counter()
    for export in truth["exports"]:
        print(f"loading {export['source']} …", file=sys.stderr)
        load_export(graph, data / export["dir"], export["source"], rejects=data / f"{export['source']}.rejects.csv")
    return time.perf_counter() - started
