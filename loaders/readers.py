"""Reading the tables of an export: CSV (UTF-8, UTF-8 with BOM, GB18030), xlsx and parquet.

Every table is opened and checked completely (encoding, CSV structure, header)
before anything is written, so that a file that cannot be read stops the load
of its export with nothing of it in the graph. Rows are then streamed in chunks
with their line numbers, so memory stays bounded however large the export.

CSV goes through the standard csv module rather than pandas: it gives the exact
line on which each record starts (records may hold quoted line breaks) and
streams with constant memory; xlsx streams through openpyxl's read-only mode,
parquet by record batches through pyarrow.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.format import ExportFormat, FileSpec

csv.field_size_limit(16 * 1024 * 1024)
_PROBE_BYTES = 1 << 20
AUTO_ENCODINGS = ("utf-8-sig", "gb18030")


class ExportError(Exception):
    """An export that cannot be read at all; nothing of it is written."""


WIDTH_KEY = "\x00width"  # set on a CSV row whose field count differs from the header's
Row = tuple[int, dict[str, Any]]  # (line number in the file, column → raw value)


@dataclass
class Table:
    """One file of an export, checked and ready to stream."""

    spec: FileSpec
    path: Path
    format: str
    columns: list[str]  # normalised header, in file order
    rows: int  # data rows (blank lines not counted)
    encoding: str | None = None
    unknown: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.path.name

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The data rows, ``size`` at a time, each with its line number (header = line 1)."""
        if self.format == "csv":
            yield from _csv_chunks(self, size)
        elif self.format == "xlsx":
            yield from _xlsx_chunks(self, size)
        else:
            yield from _parquet_chunks(self, size)


def normalise_header(name: Any) -> str:
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


def find_tables(directory: Path, fmt: ExportFormat) -> tuple[dict[str, Path], list[str]]:
    """Base name → file for every known file in the export; plus names of files that are ignored."""
    if not directory.is_dir():
        raise ExportError(f"{directory}: not a directory")
    found: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        base, _, ext = path.name.partition(".")
        if base.lower() in fmt.files and ext.lower() in fmt.formats:
            found.setdefault(base.lower(), []).append(path)
        else:
            ignored.append(path.name)
    tables: dict[str, Path] = {}
    for base, paths in found.items():
        if len(paths) > 1:
            raise ExportError(f"{directory}: {base} is given twice ({', '.join(p.name for p in paths)}); keep one")
        tables[base] = paths[0]
    missing = [name for name in fmt.required_files if name not in tables]
    if missing:
        wanted = ", ".join(f"{m}.csv/.xlsx/.parquet" for m in missing)
        raise ExportError(f"{directory}: required file missing: {wanted}")
    return tables, ignored


def open_table(spec: FileSpec, path: Path, encoding: str | None = None) -> Table:
    """Open and check a whole file: decodable, well-formed, header with every required column."""
    ext = path.name.partition(".")[2].lower()
    if ext == "csv":
        table = _open_csv(spec, path, encoding)
    elif ext == "xlsx":
        table = _open_xlsx(spec, path)
    else:
        table = _open_parquet(spec, path)
    seen: set[str] = set()
    for col in table.columns:
        if col in seen:
            raise ExportError(f"{path.name}: column {col!r} appears twice in the header")
        seen.add(col)
    missing = [c for c in spec.required_columns if c not in seen]
    if missing:
        raise ExportError(
            f"{path.name}: required column missing: {', '.join(missing)} "
            f"(header has: {', '.join(table.columns) or 'nothing'})"
        )
    table.unknown = [c for c in table.columns if c and c not in spec.columns]
    return table


# -- CSV --------------------------------------------------------------------------
def _decodes(path: Path, encoding: str) -> tuple[bool, str]:
    """Decode the whole file strictly, streaming; (ok, where it failed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as fh:
        while True:
            block = fh.read(_PROBE_BYTES)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return False, f"byte {offset + exc.start}"
            if not block:
                return True, ""
            offset += len(block)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes strictly as UTF-8, else GB18030.

    A strict full decode is more reliable than statistical detection here: valid
    UTF-8 of Chinese text essentially never decodes as GB18030-looking bytes by
    accident, and GB18030 text is almost never valid UTF-8.
    """
    problems = []
    for encoding in AUTO_ENCODINGS:
        ok, where = _decodes(path, encoding)
        if ok:
            if encoding == "utf-8-sig":
                with path.open("rb") as fh:
                    return "utf-8-sig" if fh.read(3) == codecs.BOM_UTF8 else "utf-8"
            return encoding
        problems.append(f"{encoding} fails at {where}")
    raise ExportError(f"{path.name}: cannot be decoded as UTF-8 or GB18030 ({'; '.join(problems)}); "
                      "pass --encoding if it uses another encoding")


def _csv_records(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(start line, fields) for every non-blank record."""
    with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
        reader = csv.reader(fh, strict=True)
        previous = 0
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            yield start, record


def _open_csv(spec: FileSpec, path: Path, encoding: str | None) -> Table:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ExportError(f"unknown encoding {encoding!r}") from None
        ok, where = _decodes(path, encoding)
        if not ok:
            raise ExportError(f"{path.name}: cannot be decoded as {encoding} (fails at {where})")
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            encoding = "utf-8-sig"  # drop a BOM if there is one
    else:
        encoding = detect_encoding(path)
    header: list[str] | None = None
    rows = 0
    line = 0
    try:
        for start, record in _csv_records(path, encoding):
            line = start
            if header is None:
                header = [normalise_header(c) for c in record]
            else:
                rows += 1
    except csv.Error as exc:
        raise ExportError(f"{path.name}: not a readable CSV file near line {line + 1}: {exc}") from None
    if header is None:
        raise ExportError(f"{path.name}: empty file (no header row)")
    if any("\x00" in c for c in header):
        raise ExportError(f"{path.name}: not a CSV file (binary content)")
    return Table(spec, path, "csv", header, rows, encoding)


def _csv_chunks(table: Table, size: int) -> Iterator[list[Row]]:
    assert table.encoding is not None
    records = _csv_records(table.path, table.encoding)
    next(records)  # header
    width = len(table.columns)
    chunk: list[Row] = []
    for line, record in records:
        if len(record) != width:
            # Passed on as a row with a structural problem; the loader rejects it.
            chunk.append((line, {WIDTH_KEY: len(record), **dict(zip(table.columns, record, strict=False))}))
        else:
            chunk.append((line, dict(zip(table.columns, record, strict=True))))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- xlsx ----------------------------------------------------------------------------
def _workbook(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExportError(f"{path.name}: not a readable xlsx workbook ({exc})") from None


def _open_xlsx(spec: FileSpec, path: Path) -> Table:
    wb = _workbook(path)
    try:
        ws = wb.worksheets[0]
        header: list[str] | None = None
        rows = 0
        for values in ws.iter_rows(values_only=True):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = [normalise_header(v) for v in values]
                while header and not header[-1]:
                    header.pop()
            else:
                rows += 1
    finally:
        wb.close()
    if header is None:
        raise ExportError(f"{path.name}: empty workbook (no header row)")
    return Table(spec, path, "xlsx", header, rows)


def _xlsx_chunks(table: Table, size: int) -> Iterator[list[Row]]:
    wb = _workbook(table.path)
    try:
        ws = wb.worksheets[0]
        chunk: list[Row] = []
        header_seen = False
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if not header_seen:
                header_seen = True
                continue
            chunk.append((number, dict(zip(table.columns, values, strict=False))))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    finally:
        wb.close()


# -- parquet ---------------------------------------------------------------------------
def _parquet(path: Path) -> Any:
    import pyarrow.parquet as pq
    from pyarrow import ArrowException

    try:
        return pq.ParquetFile(path)
    except (ArrowException, OSError) as exc:
        raise ExportError(f"{path.name}: not a readable parquet file ({exc})") from None


def _open_parquet(spec: FileSpec, path: Path) -> Table:
    pf = _parquet(path)
    header = [normalise_header(n) for n in pf.schema_arrow.names]
    return Table(spec, path, "parquet", header, pf.metadata.num_rows)


def _parquet_chunks(table: Table, size: int) -> Iterator[list[Row]]:
    """Record batches of at most ``size`` rows (pyarrow reads row group by row group)."""
    pf = _parquet(table.path)
    line = 1
    for batch in pf.iter_batches(batch_size=size):
        renamed = batch.rename_columns(table.columns)
        chunk: list[Row] = []
        for record in renamed.to_pylist():
            line += 1
            chunk.append((line, record))
        yield chunk

