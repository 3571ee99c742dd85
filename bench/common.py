"""What every benchmark script shares: the machine, the datasets, memory and store measures, results.

Where results go: ``$DEBTGRAPH_BENCH_RESULTS`` (default: bench/) holds RESULTS.md and
results/<size>/<bench>.json; ``bench/run_all.py --results-dir`` sets it so that a smoke run
writes into a temporary directory instead of the committed files. Datasets are cached under
``$DEBTGRAPH_BENCH_DATA`` (default: bench/data/).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"  # the committed file; results_dir() says where this run writes
DATASET_SEED, DATASET_AS_OF, DATASET_EXPORTS = 5, dt.date(2026, 6, 30), 3


def cypher(name: str) -> str:
    """The text of bench/cypher/<name>.cypher: the benchmarks' own statements, kept out of the scripts."""
    path = BENCH / "cypher" / f"{name}.cypher"
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//")).strip()


def results_dir() -> Path:
    """Where RESULTS.md and results/ of this run live (``$DEBTGRAPH_BENCH_RESULTS``, default bench/)."""
    return Path(os.environ.get("DEBTGRAPH_BENCH_RESULTS") or BENCH)


def size_label(parties: int) -> str:
    """100000 → '100k', 1000000 → '1m', anything else its number: the folder name under results/."""
    if parties % 1_000_000 == 0:
        return f"{parties // 1_000_000}m"
    if parties % 1_000 == 0 and parties >= 10_000:
        return f"{parties // 1_000}k"
    return str(parties)


def write_json(bench: str, parties: int, data: dict[str, Any]) -> Path:
    """Write a benchmark's figures to results/<size>/<bench>.json (run_all's growth table reads them)."""
    out = results_dir() / "results" / size_label(parties) / f"{bench}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"bench": bench, "parties": parties, "run_at": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
              "machine": machine(), "load_average": os.getloadavg()[0], **data}
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return out


def dataset(parties: int, seed: int = DATASET_SEED) -> Path:
    """bench/data/detect-<N>-<seed>: the one dataset every step of a size uses, generated once.

    A directory whose truth.json exists is reused as it is (never regenerated); a new one is
    generated into ``<dir>.tmp`` and renamed, so an interrupted generation never looks complete.
    """
    out = Path(os.environ.get("DEBTGRAPH_BENCH_DATA") or BENCH / "data") / f"detect-{parties}-{seed}"
    if (out / "truth.json").is_file():
        return out
    from loaders.synthetic import generate

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"generating {parties:,} parties into {out} …", file=sys.stderr)
    generate(tmp, parties=parties, seed=seed, as_of=DATASET_AS_OF, exports=DATASET_EXPORTS)
    tmp.rename(out)
    return out


def read_truth(data: Path) -> dict[str, Any]:
    truth_file = data / "truth.json"
    if not truth_file.is_file():
        raise SystemExit(f"{data} is not a generated dataset: no truth.json in it")
    return json.loads(truth_file.read_text(encoding="utf-8"))


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


def write_section(heading: str, section: str, results: Path | None = None, sized: bool = True) -> None:
    """Replace the section that starts with ``heading`` (a `## …` line) in RESULTS.md, or append it.

    Each benchmark owns one section; the others stay as they are. Under run_all
    (``$DEBTGRAPH_BENCH_SIZE`` set) the heading names the size, so the 100k and 1M runs of one
    benchmark keep a section each instead of overwriting one another (``sized=False``: a section
    that is about every size, like the growth table).
    """
    size = os.environ.get("DEBTGRAPH_BENCH_SIZE") if sized else None
    if size:
        sized = f"{heading} — {size.upper() if size.endswith('m') else size} parties"
        section = section.replace(heading, sized, 1)
        heading = sized
    results = results or results_dir() / "RESULTS.md"
    results.parent.mkdir(parents=True, exist_ok=True)
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


def check_loaded(graph: Any, truth: dict[str, Any]) -> None:
    """Refuse (SystemExit) unless the graph holds exactly the exports of ``truth``, each completely loaded.

    ``--loaded`` steps rely on the graph the load step left; a different or half-loaded graph
    would give figures for another dataset without saying so. Every size uses the same export
    names, so the check compares the rows per file of each export's last load (kept on its Export
    node) with truth.json, and the Party nodes with the number the generator expects.
    """
    found = {r["source"]: r for r in graph.read(cypher("exports"))}
    problems = []
    wanted = {e["source"]: e for e in truth["exports"]}
    if set(found) != set(wanted):
        problems.append(f"exports wanted {sorted(wanted)}, found {sorted(found)}")
    for source, export in wanted.items():
        record = found.get(source)
        if record is None:
            continue
        if not record["completed"]:
            problems.append(f"{source} not completely loaded")
            continue
        files = json.loads(record["summary"] or "{}").get("files", {})
        rows = {name: f.get("rows") for name, f in files.items()}
        differ = {name: (rows.get(name), n) for name, n in export["rows"].items() if rows.get(name) != n}
        if differ:
            problems.append(f"{source}: rows per file (loaded, in truth.json) differ: {dict(list(differ.items())[:3])}")
    expected = truth.get("stats", {}).get("expected_party_nodes")
    if not problems and expected is not None:
        parties = graph.read(cypher("party_count"))[0]["n"]
        if parties != expected:
            problems.append(f"{parties:,} Party nodes, the dataset makes {expected:,}")
    if problems:
        raise SystemExit(f"the graph does not hold the dataset of {truth['parties']:,} parties (seed {truth['seed']}): "
                         + "; ".join(problems) + " — run bench/bench_load.py --data DIR first (or drop --loaded)")


def neo4j_pid() -> int | None:
    """The pid of the local Neo4j server the settings name (None for a remote NEO4J_URI or a stopped one)."""
    from graph_model.settings import Settings
    from neo4j_local import server

    settings = Settings()
    if not settings.local:
        return None
    st = server.status(settings)
    return st.pid if st.state == "running" else None


def neo4j_peak_reset(pid: int | None) -> bool:
    """Start a new peak for the server's RSS (VmHWM) so that the next reading is this step's own peak.

    Writing 5 to /proc/<pid>/clear_refs resets the high-water mark to the current RSS (Linux ≥ 4.0,
    same user); False where that is not allowed, and then the reading is the peak since the start.
    """
    if pid is None:
        return False
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def neo4j_peak_mb(pid: int | None) -> float | None:
    """Peak RSS of the Neo4j JVM (VmHWM) in MB since the start or the last reset."""
    from neo4j_local.server import status_kb

    kb = status_kb(pid, "VmHWM") if pid else None
    return None if kb is None else kb / 1024


def store_bytes(graph: Any) -> dict[str, int] | None:
    """Bytes on disk of the database's store and of its transaction logs (local server only)."""
    from neo4j_local import server

    settings = graph.settings
    if not settings.local:
        return None
    data = server.home_dir(settings) / "data"

    def size(path: Path) -> int:
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0

    db = settings.neo4j_database
    return {"store": size(data / "databases" / db), "transactions": size(data / "transactions" / db)}


def versions(graph: Any) -> dict[str, str]:
    """Neo4j's name, version and edition and the Python driver's version, for every results file."""
    import neo4j

    server = graph.server_info() if graph.ping() else {"name": "Neo4j", "version": "?", "edition": "?"}
    return {"neo4j": f"{server.get('name', 'Neo4j')} {server.get('version', '?')} {server.get('edition', '')}".strip(),
            "driver": f"neo4j-python {neo4j.__version__}",
            "heap": str(graph.settings.debtgraph_heap), "pagecache": str(graph.settings.debtgraph_pagecache)}


def wait_peak(proc: subprocess.Popen[Any]) -> tuple[int, float]:
    """Wait for a child whose output was read to the end: (exit code, peak RSS in bytes of it and its reaped children).

    ``os.wait4`` gives the child's own resource usage; Popen.wait/communicate would reap it without.
    """
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024.0  # kB on Linux


def run_cli(args: list[str]) -> tuple[str, float, float]:
    """`debtgraph <args>` in a subprocess: its stdout, wall seconds and peak RSS in bytes (wait4).

    A failing command stops the benchmark with the tail of its stderr.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", *args],
                                stdout=subprocess.PIPE, stderr=err, text=True, cwd=BENCH.parent)
        assert proc.stdout is not None
        out = proc.stdout.read()
        code, peak = wait_peak(proc)
        wall = time.perf_counter() - started
        if code != 0:
            err.seek(0)
            raise SystemExit(f"debtgraph {' '.join(args)} failed ({code}): {err.read()[-3000:]}")
    return out, wall, peak
