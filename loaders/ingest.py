"""The daily run: `debtgraph ingest INBOX`, for cron or a systemd timer.

The courts' case systems drop their exports into ``INBOX/<YYYY-MM-DD>/<source>/``. One run takes the
dates in order; for each it loads every source folder of that date (a folder whose content equals
its source's last load — same SHA-256 over its files — is skipped as a duplicate), runs the detectors as of
that date and stores their alerts, and moves each folder to ``INBOX/done/<date>/<source>/`` (with
its rejection report) or ``INBOX/failed/<date>/<source>/`` (with ``reason.txt``). A lock file keeps
two runs from overlapping. A run killed half-way is simply run again: loads are idempotent, the
ledger of loaded contents (``<data dir>/ingest-ledger.jsonl``) is written only after a date's
detection, and a folder still in the inbox is taken again.

Each folder loads as a snapshot of its date (loaders/snapshot.py): the source's complete state, so
what the court no longer exports is retired as of that date — kept for history, not deleted. A folder
whose snapshot would retire more than DEBTGRAPH_MAX_RETIRE_SHARE of its source's facts goes to
``failed/`` untouched, with the reason: an operator looks at it and loads it by hand with
``debtgraph load … --snapshot --allow-mass-retire`` if the court really dropped that much.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_model.db import Graph
from loaders.readers import ExportError
from loaders.snapshot import MassRetire, load_snapshot
from queries.alerts import configured_registry, run_detectors, store_runs
from queries.statements import statement

DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCK = ".ingest.lock"
Say = Callable[[str], None]


class IngestBusy(RuntimeError):
    """Another ingest holds the inbox's lock."""


@dataclass
class FolderResult:
    date: str
    source: str
    outcome: str  # loaded | duplicate | failed
    rows: int = 0
    rejected: int = 0
    retired: int = 0  # facts the snapshot retired (no longer in the export)
    reason: str | None = None
    moved_to: str | None = None


@dataclass
class DateResult:
    date: str
    folders: list[FolderResult] = field(default_factory=list)
    new_alerts: dict[str, int] = field(default_factory=dict)  # court code → alerts first seen in this run
    detectors_failed: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    dates: list[DateResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"dates": [{"date": d.date, "new_alerts": d.new_alerts, "detectors_failed": d.detectors_failed,
                           "folders": [f.__dict__ for f in d.folders]} for d in self.dates]}


def content_hash(folder: Path) -> str:
    """SHA-256 over the folder's file names and bytes, in name order: the same export dropped twice is recognised."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _ledger(data_dir: Path) -> Path:
    return data_dir / "ingest-ledger.jsonl"


def latest_loads(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The last content loaded of each source (ledger entries in load order).

    Only a folder equal to its source's *last* load is a duplicate: the same content as an older
    snapshot, after a different one, is the court re-asserting what it had dropped — it is loaded.
    """
    path = _ledger(data_dir)
    if not path.exists():
        return {}
    entries = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {e["source"]: e for e in entries}


@contextmanager
def inbox_lock(inbox: Path) -> Iterator[None]:
    with (inbox / LOCK).open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusy(f"another `debtgraph ingest` is running on {inbox} (lock {inbox / LOCK})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _move(folder: Path, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # dropped again after an earlier run: keep both, the older one first
        target = target.with_name(f"{target.name}.{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}")
    shutil.move(str(folder), str(target))
    return str(target)


def ingest(graph: Graph, inbox: Path, say: Say = lambda _: None) -> IngestResult:
    """Load every dated folder of the inbox in date order, detect as of each date, file the folders away."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise ExportError(f"{inbox}: no such inbox directory")
    data_dir = graph.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    registry = configured_registry(graph.settings)
    result = IngestResult()
    with inbox_lock(inbox):
        dates = sorted(p for p in inbox.iterdir() if p.is_dir() and DATE_DIR.match(p.name))
        for date_dir in dates:
            day = dt.date.fromisoformat(date_dir.name)
            dated = DateResult(date_dir.name)
            result.dates.append(dated)
            latest = latest_loads(data_dir)
            pending: list[tuple[Path, str, FolderResult]] = []
            for folder in sorted(p for p in date_dir.iterdir() if p.is_dir()):
                digest = content_hash(folder)
                first = latest.get(folder.name)
                if first is not None and first["hash"] == digest:
                    fr = FolderResult(dated.date, folder.name, "duplicate",
                                      reason=f"the same content was loaded from {first['date']}/{first['source']}")
                    fr.moved_to = _move(folder, inbox / "done" / dated.date / folder.name)
                    dated.folders.append(fr)
                    say(f"{dated.date}/{folder.name}: already loaded ({fr.reason}); skipped")
                    continue
                report = data_dir / "ingest-reports" / dated.date / f"{folder.name}.rejects.csv"
                report.parent.mkdir(parents=True, exist_ok=True)
                try:
                    summary = load_snapshot(graph, folder, folder.name, exported_on=day, rejects=report,
                                            max_share=graph.settings.debtgraph_max_retire_share)
                except (ExportError, MassRetire) as exc:
                    (folder / "reason.txt").write_text(f"{exc}\n", encoding="utf-8")
                    fr = FolderResult(dated.date, folder.name, "failed", reason=str(exc))
                    fr.moved_to = _move(folder, inbox / "failed" / dated.date / folder.name)
                    dated.folders.append(fr)
                    say(f"{dated.date}/{folder.name}: not loaded — {exc}")
                    continue
                retired = sum(f.retired for f in summary.files.values())
                fr = FolderResult(dated.date, folder.name, "loaded", rows=summary.rows, rejected=summary.rejected,
                                  retired=retired)
                pending.append((folder, digest, fr))
                say(f"{dated.date}/{folder.name}: {summary.loaded} rows loaded, {summary.rejected} rejected, "
                    f"{retired} facts no longer exported retired")
            if pending:
                now = dt.datetime.now(dt.UTC)
                runs = run_detectors(graph, registry, as_of=day, timeout=graph.settings.debtgraph_detector_timeout)
                dated.detectors_failed = [r.name for r in runs if not r.ok]
                store_runs(graph, runs, day, now=now)
                fresh = graph.read(statement("alerts/first_seen_at"), {"now": now})
                dated.new_alerts = dict(Counter(r["court_code"] or "?" for r in fresh))
                say(f"{dated.date}: detectors as of {day}: {sum(dated.new_alerts.values())} new alerts"
                    + (f"; failed: {', '.join(dated.detectors_failed)}" if dated.detectors_failed else ""))
                with _ledger(data_dir).open("a", encoding="utf-8") as ledger:  # after detection: a rerun redoes both
                    for folder, digest, _ in pending:
                        ledger.write(json.dumps({"hash": digest, "date": dated.date, "source": folder.name,
                                                 "at": now.isoformat()}) + "\n")
                for folder, _, fr in pending:
                    fr.moved_to = _move(folder, inbox / "done" / dated.date / folder.name)
                    report = data_dir / "ingest-reports" / dated.date / f"{folder.name}.rejects.csv"
                    if report.exists():  # the rejection report beside the export it is about
                        shutil.copy2(report, Path(fr.moved_to) / "rejects.csv")
                    dated.folders.append(fr)
            if not any(date_dir.iterdir()):
                date_dir.rmdir()
    return result
