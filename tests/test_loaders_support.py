"""Helpers for the loader tests (no tests here): the hand-written exports and a canonical dump of the graph."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph_model.db import Graph
from graph_model.schema import MODEL
from queries.statements import statement

EXPORTS = Path(__file__).parent / "data" / "exports"
# Load-run records: when, and what a particular run did; everything else must be identical.
RUN_PROPERTIES = {"first_loaded_at", "last_loaded_at", "last_summary", "last_snapshot_on"}


def _plain(value: Any) -> Any:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _node_key(labels: list[str], props: dict[str, Any]) -> tuple[str, Any]:
    label = next(lab for lab in labels if lab in MODEL.nodes)
    return label, props[MODEL.nodes[label].key]


def dump(graph: Graph) -> tuple[list[Any], list[Any]]:
    """Every node and relationship with labels/type and properties, keyed by model keys, minus run records."""
    ids: dict[str, tuple[str, Any]] = {}
    nodes = []
    for row in graph.read(statement("load/dump_nodes")):
        key = _node_key(row["labels"], row["props"])
        ids[row["id"]] = key
        props = {k: _plain(v) for k, v in row["props"].items() if k not in RUN_PROPERTIES}
        nodes.append((key, sorted(row["labels"]), sorted(props.items())))
    rels = []
    for row in graph.read(statement("load/dump_relationships")):
        props = {k: _plain(v) for k, v in row["props"].items() if k not in RUN_PROPERTIES}
        rels.append((ids[row["start"]], row["type"], ids[row["end"]], sorted(props.items())))
    return sorted(nodes, key=repr), sorted(rels, key=repr)


def copy_export(name: str, dest: Path) -> Path:
    """A writable copy of a hand-written export (keeps the directory name as the source name)."""
    target = dest / name
    shutil.copytree(EXPORTS / name, target)
    return target


def node(graph: Graph, label: str, key: Any) -> dict[str, Any]:
    """Properties of one node by its model key (test helper; labels come from the model)."""
    prop = MODEL.nodes[label].key
    rows = graph.read(f"MATCH (n:{label} {{{prop}: $key}}) RETURN properties(n) AS p", {"key": key})
    assert rows, f"no {label} {key!r}"
    return {k: _plain(v) for k, v in rows[0]["p"].items()}


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = 300.0,
              poll: float = 0.02) -> None:
    """SIGKILL `proc` the moment `ready()` holds (the kill-and-rerun tests); fails if it ends before that."""
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert proc.poll() is None, f"the process ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the moment to kill never came"
            time.sleep(poll)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
