"""Loading an uploaded export: a zip of one export directory, unpacked safely, then loaders.load_export.

Before a byte is unpacked every entry is checked: no absolute paths, no ``..``, no links, no more than
:data:`MAX_ENTRIES` entries, and a total uncompressed size within :data:`UNCOMPRESSED_FACTOR` times the
upload limit — counted while writing, not taken from the zip's own (forgeable) headers. Each load gets
an id; its summary (JSON) and rejection report (CSV) stay under ``<data dir>/loads/<id>/`` so that they
can be fetched later.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import stat
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from api.results import NotFound
from graph_model.db import Graph
from loaders import ExportError, LoadSummary, load_export, load_snapshot

MAX_ENTRIES = 200
UNCOMPRESSED_FACTOR = 20
"""An export's CSV compresses about 5–10×; more than 20× the upload limit unpacked is refused as a zip bomb."""
CHUNK = 1 << 20
LOAD_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
SOURCE = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,99}$")
SUMMARY_FILE = "summary.json"
REJECTS_FILE = "rejects.csv"


class UploadProblem(ValueError):
    """An upload that cannot be loaded; `status` is the HTTP status (413 too big, 422 unreadable), `field` what."""

    def __init__(self, message: str, status: int = 422, field: str = "file") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


@dataclass
class LoadRecord:
    load_id: str
    source: str
    uploaded_by: str
    uploaded_at: str
    file: str
    summary: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"load_id": self.load_id, "source": self.source, "uploaded_by": self.uploaded_by,
                "uploaded_at": self.uploaded_at, "file": self.file, "summary": self.summary,
                "rejects_url": f"/api/v1/loads/{self.load_id}/rejects"}


def loads_dir(data_dir: Path) -> Path:
    return data_dir / "loads"


def _unsafe(name: str) -> str | None:
    """Why a zip entry name may not be unpacked, or None when it is a plain relative path."""
    if "\x00" in name or "\\" in name:
        return "contains a backslash or NUL"
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if any(part == ".." for part in path.parts):
        return "climbs out of the export with '..'"
    return None


def _junk(name: str) -> bool:
    """Entries archivers add on their own (macOS resource forks, Finder and Explorer files): skipped."""
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db", "desktop.ini"))


def _export_root(names: list[str]) -> str:
    """The one directory the files sit in ('' when at the top of the zip); refused when there are several."""
    files = [PurePosixPath(n) for n in names if not n.endswith("/")]
    tops = {p.parts[0] for p in files if len(p.parts) > 1}
    at_top = [p for p in files if len(p.parts) == 1]
    if at_top or not tops:
        return ""
    if len(tops) > 1:
        raise UploadProblem(f"the zip holds several directories ({', '.join(sorted(tops))}); upload one export "
                            "directory per zip")
    return tops.pop()


def unpack(archive: BinaryIO, target: Path, max_bytes: int) -> str:
    """Unpack a zip of one export into `target` after checking every entry; returns the export's directory name."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadProblem(f"the upload is not a readable zip archive ({exc})") from None
    with zf:
        infos = zf.infolist()
        if not infos:
            raise UploadProblem("the zip archive is empty")
        if len(infos) > MAX_ENTRIES:
            raise UploadProblem(f"the zip holds {len(infos)} entries; an export has at most {MAX_ENTRIES}")
        for info in infos:
            why = _unsafe(info.filename)
            if why:
                raise UploadProblem(f"zip entry {info.filename!r} {why}; nothing was loaded")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadProblem(f"zip entry {info.filename!r} is a symbolic link; nothing was loaded")
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise UploadProblem(f"the zip unpacks to {declared:,} bytes, more than the {max_bytes:,} allowed",
                                status=413)
        root = _export_root([i.filename for i in infos if not _junk(i.filename)])
        written = 0
        for info in infos:
            if _junk(info.filename):
                continue
            dest = target.joinpath(*PurePosixPath(info.filename).parts)
            if not dest.resolve().is_relative_to(target.resolve()):
                raise UploadProblem(f"zip entry {info.filename!r} leaves the export directory; nothing was loaded")
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, dest.open("wb") as out:
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        if written > max_bytes:  # the headers lied: stop before the disk fills
                            raise UploadProblem(f"the zip unpacks to more than the {max_bytes:,} bytes allowed",
                                                status=413)
                        out.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
                    EOFError) as exc:
                raise UploadProblem(f"zip entry {info.filename!r} cannot be unpacked ({exc})") from None
    return root


def _clean_source(source: str | None, root: str, filename: str | None) -> str:
    name = (source or "").strip() or root or Path(filename or "").stem
    if not SOURCE.match(name):
        raise UploadProblem(f"source {name!r}: use 1–100 letters, digits, '_', '-' or '.' (the export's name)",
                            field="source")
    return name


def new_load_id(now: dt.datetime) -> str:
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def load_upload(graph: Graph, archive: BinaryIO, data_dir: Path, *, actor: str, max_upload_bytes: int,
                filename: str | None = None, source: str | None = None, snapshot: bool = False,
                exported_on: dt.date | None = None, allow_mass_retire: bool = False) -> LoadRecord:
    """Unpack and load an uploaded export zip; the summary and rejects are kept under the load's id.

    UploadProblem when the zip is unsafe or too big; ExportError (nothing written) when a file of the
    export cannot be read — its message names the file inside the export, not the server's temporary path;
    MassRetire (nothing written) when a snapshot would retire more than the allowed share of its source's facts.
    """
    now = dt.datetime.now(dt.UTC)
    load_id = new_load_id(now)
    with tempfile.TemporaryDirectory(prefix="debtgraph-upload-") as tmp:
        unpacked = Path(tmp) / "export"
        unpacked.mkdir()
        root = unpack(archive, unpacked, max_upload_bytes * UNCOMPRESSED_FACTOR)
        name = _clean_source(source, root, filename)
        directory = unpacked / root if root else unpacked
        graph.migrate()  # constraints first, as `debtgraph load` does: the loader's MERGEs rely on them
        record_dir = loads_dir(data_dir) / load_id
        record_dir.mkdir(parents=True)
        try:
            if snapshot:
                summary = load_snapshot(graph, directory, name, exported_on=exported_on, rejects=record_dir / REJECTS_FILE,
                                        max_share=graph.settings.debtgraph_max_retire_share,
                                        allow_mass_retire=allow_mass_retire)
            else:
                summary = load_export(graph, directory, name, rejects=record_dir / REJECTS_FILE)
        except ExportError as exc:
            shutil.rmtree(record_dir, ignore_errors=True)
            shown = str(exc).replace(str(directory) + "/", "").replace(str(directory), root or "the export")
            raise ExportError(shown) from None
        except BaseException:
            shutil.rmtree(record_dir, ignore_errors=True)
            raise
    return write_record(record_dir, load_id, summary, actor=actor, at=now, file=filename or "",
                        path=root or (filename or ""))


def record_local_load(data_dir: Path, summary: LoadSummary, *, actor: str, rejects: Path | None) -> LoadRecord:
    """Keep a `debtgraph load`'s summary (and a copy of its rejection report) like an upload's."""
    now = dt.datetime.now(dt.UTC)
    load_id = new_load_id(now)
    record_dir = loads_dir(data_dir) / load_id
    record_dir.mkdir(parents=True)
    if rejects is not None and rejects.is_file():
        shutil.copy2(rejects, record_dir / REJECTS_FILE)
    return write_record(record_dir, load_id, summary, actor=actor, at=now, file="", path=summary.path)


def write_record(record_dir: Path, load_id: str, summary: LoadSummary, *, actor: str, at: dt.datetime, file: str,
                 path: str) -> LoadRecord:
    """Keep a load's summary under its id (an upload's, or a `debtgraph load`'s) for `loads show` and the API."""
    data = summary.to_dict()
    data["path"] = path
    data["rejects_file"] = REJECTS_FILE
    data["rejects"] = data["rejects"][:50]
    data["load_id"] = load_id
    record = LoadRecord(load_id=load_id, source=summary.source, uploaded_by=actor,
                        uploaded_at=at.isoformat().replace("+00:00", "Z"), file=file, summary=data)
    (record_dir / SUMMARY_FILE).write_text(json.dumps(record.to_json(), ensure_ascii=False, default=str),
                                           encoding="utf-8")
    return record


def _record_dir(data_dir: Path, load_id: str) -> Path:
    if not LOAD_ID.match(load_id):
        raise NotFound(f"no load {load_id!r}")
    directory = loads_dir(data_dir) / load_id
    if not (directory / SUMMARY_FILE).is_file():
        raise NotFound(f"no load {load_id!r}")
    return directory


def load_record(data_dir: Path, load_id: str) -> dict[str, Any]:
    """The stored summary of an earlier upload."""
    return json.loads((_record_dir(data_dir, load_id) / SUMMARY_FILE).read_text(encoding="utf-8"))


def rejects_path(data_dir: Path, load_id: str) -> Path:
    """The rejection report CSV of an earlier upload (header only when nothing was rejected)."""
    path = _record_dir(data_dir, load_id) / REJECTS_FILE
    if not path.is_file():
        raise NotFound(f"load {load_id} kept no rejection report")
    return path


def list_loads(data_dir: Path, limit: int = 50) -> list[dict[str, Any]]:
    """The latest uploads, newest first (ids start with their UTC time)."""
    base = loads_dir(data_dir)
    if not base.is_dir():
        return []
    ids = sorted((p.name for p in base.iterdir() if LOAD_ID.match(p.name) and (p / SUMMARY_FILE).is_file()),
                 reverse=True)
    # ids order by the second; loads within one second are ordered by their recorded time (microseconds)
    cut = limit
    while 0 < cut < len(ids) and ids[cut][:16] == ids[cut - 1][:16]:
        cut += 1
    records = sorted((load_record(data_dir, i) for i in ids[:cut]), key=lambda r: (r["uploaded_at"], r["load_id"]),
                     reverse=True)
    return records[:limit]
