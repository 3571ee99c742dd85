"""Backup and restore of everything debtgraph keeps: the graph and the security store, in one file.

The graph goes through Neo4j's own `neo4j-admin database dump` / `load`, which in Community edition
need the database offline: the local server is stopped for the dump (and started again if it was
running) — the API answers 503 meanwhile and recovers by itself. The security store (API keys and
the audit trail, api/security_store.py) is copied online with SQLite's backup. Both go into one
tar file with a manifest (versions, counts, the audit chain's head, SHA-256 of each member), which
`restore` checks before it touches anything.

Restoring replaces the graph and the store. The store as it was before is kept beside it
(`security.sqlite3.before-restore-<time>`), so audit events written after the backup are never lost.
For a server debtgraph does not run (NEO4J_URI) use that server's own backups (Aura snapshots,
Enterprise online backup); docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.security_store import SecurityStore, store_for
from graph_model.db import Graph
from graph_model.settings import Settings
from neo4j_local import server

FORMAT = "debtgraph-backup/1"
DUMP = "neo4j.dump"
STORE = "security.sqlite3"
MANIFEST = "manifest.json"
Say = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what state things are in."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _local_only(settings: Settings) -> None:
    if not settings.local:
        raise BackupError(f"NEO4J_URI is set ({settings.neo4j_uri}): debtgraph dumps only the server it runs itself; "
                          "use that server's own backup (Aura snapshots, Enterprise online backup) and "
                          "`debtgraph audit export` for the trail (docs/operations.md)")


def _admin(settings: Settings, *args: str) -> str:
    done = server.admin(settings, *args)
    if done.returncode != 0:
        raise BackupError(f"neo4j-admin {' '.join(args[:2])} failed (exit {done.returncode}):\n"
                          f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout + done.stderr


def _offline(settings: Settings, work: Callable[[], Any], say: Say, seconds: dict[str, float],
             start_after: bool = False) -> Any:
    """Run `work` with the local server stopped; start it afterwards when it was running or `start_after`
    (also when `work` fails)."""
    was_running = server.status(settings).state == "running"
    if was_running:
        say("stopping the local Neo4j (Community edition dumps and loads offline; the API answers 503 meanwhile)")
        t = time.perf_counter()
        server.stop(settings)
        seconds["server_stop"] = round(time.perf_counter() - t, 2)
    try:
        return work()
    finally:
        if was_running or start_after:
            t = time.perf_counter()
            server.start(settings)
            seconds["server_start"] = round(time.perf_counter() - t, 2)
            say(f"Neo4j running again after {seconds['server_start']:.1f} s")


def backup(settings: Settings, target: Path, say: Say = lambda _: None) -> BackupResult:
    """Write one file holding the graph's dump and the security store, with a manifest."""
    _local_only(settings)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; give a new file name (backups are never overwritten)")
    seconds: dict[str, float] = {}
    store = store_for(settings)
    with Graph(settings) as graph:
        if server.status(settings).state == "running":
            counts = graph.counts()
        else:
            counts = None
    with tempfile.TemporaryDirectory(prefix="debtgraph-backup-", dir=target.parent if target.parent.exists()
                                     else None) as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        _offline(settings, lambda: _admin(settings, "database", "dump", settings.neo4j_database,
                                          f"--to-path={tmp}", "--overwrite-destination=true"), say, seconds)
        seconds["dump"] = round(time.perf_counter() - t - seconds.get("server_stop", 0) -
                                seconds.get("server_start", 0), 2)
        (tmp / f"{settings.neo4j_database}.dump").rename(tmp / DUMP)
        t = time.perf_counter()
        store.snapshot_to(tmp / STORE)
        seconds["security_store"] = round(time.perf_counter() - t, 2)
        chain = SecurityStore(tmp / STORE).verify()
        manifest = {
            "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "neo4j_version": server.NEO4J_VERSION, "database": settings.neo4j_database,
            "graph": counts, "api_keys": len(store.list_keys()),
            "audit": {"events": chain.events, "head": f"{chain.head_seq}:{chain.head_hash}", "intact": chain.ok},
            "sha256": {DUMP: _sha256(tmp / DUMP), STORE: _sha256(tmp / STORE)},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            for name in (MANIFEST, DUMP, STORE):
                tar.add(tmp / name, arcname=name)
        partial.rename(target)  # a file named `target` is always a whole backup
    return BackupResult(target, manifest, seconds)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not a debtgraph backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: backup format {manifest.get('format')!r}; this debtgraph reads {FORMAT}")
    return manifest


def restore(settings: Settings, source: Path, say: Say = lambda _: None) -> BackupResult:
    """Replace the graph and the security store by a backup's (checked first; the old store is kept aside)."""
    _local_only(settings)
    source = Path(source)
    manifest = read_manifest(source)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="debtgraph-restore-") as tmp_name:
        tmp = Path(tmp_name)
        with tarfile.open(source, "r") as tar:
            for name in (DUMP, STORE):
                tar.extract(name, tmp, filter="data")
        for name, digest in manifest["sha256"].items():
            if _sha256(tmp / name) != digest:
                raise BackupError(f"{source}: {name} does not match its checksum in the manifest; nothing was "
                                  "restored")
        (tmp / DUMP).rename(tmp / f"{settings.neo4j_database}.dump")
        store = store_for(settings)
        kept = settings.security_db.with_name(
            f"{settings.security_db.name}.before-restore-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}")
        store.snapshot_to(kept)
        say(f"the security store as it was is kept in {kept}")
        t = time.perf_counter()
        _offline(settings, lambda: _admin(settings, "database", "load", settings.neo4j_database,
                                          f"--from-path={tmp}", "--overwrite-destination=true"), say, seconds,
                 start_after=True)
        seconds["load"] = round(time.perf_counter() - t - seconds.get("server_stop", 0) -
                                seconds.get("server_start", 0), 2)
        store.restore_from(tmp / STORE)
    with Graph(settings) as graph:
        graph.migrate()
    return BackupResult(source, manifest | {"kept_store": str(kept)}, seconds)


def check(settings: Settings, say: Say = lambda _: None) -> str:
    """`neo4j-admin database check` on the configured database (offline); its report."""
    _local_only(settings)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="debtgraph-check-") as tmp:
        return str(_offline(settings, lambda: _admin(settings, "database", "check", settings.neo4j_database,
                                                     f"--report-path={tmp}"), say, seconds))

