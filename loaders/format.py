"""The court export format as data (export_format.yaml) and the cleaning of one value by its column type.

The loaders never hard-code a column list: files, columns, required flags,
value types and enums all come from export_format.yaml, so the format, the
mapping check against graph_model/model.yaml and docs/export-format.md cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from graph_model.types import (
    clean_address,
    clean_amount,
    clean_date,
    clean_list,
    clean_phone,
    clean_share,
    clean_text,
    parse_case_no,
)

FORMAT_FILE = Path(__file__).with_name("export_format.yaml")
VALUE_TYPES = {"text", "enum", "date", "amount", "share", "list", "phones", "addresses", "id_number", "case_no"}


@dataclass(frozen=True)
class EnumSpec:
    """Allowed values of one enum column, with the other spellings accepted for them."""

    name: str
    values: tuple[str, ...]
    aliases: dict[str, str]
    model: str | None = None  # Label.property of model.yaml declaring the same enum

    def clean(self, raw: Any) -> str | None:
        text = clean_text(raw)
        if text is None:
            return None
        key = text.lower().replace(" ", "_")
        if key in self.values:
            return key
        if text in self.aliases:
            return self.aliases[text]
        if key in self.aliases:
            return self.aliases[key]
        raise ValueError(f"unknown value (expected one of: {', '.join(self.values)})")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an export file."""

    name: str
    type: str
    required: bool = False
    enum: EnumSpec | None = None
    to: str | None = None  # Label.property, TYPE.property or TYPE the value lands in
    party_ref: bool = False
    case_ref: bool = False
    asset_ref: bool = False


@dataclass(frozen=True)
class FileSpec:
    """One file (table) of an export, by base name."""

    name: str
    columns: dict[str, ColumnSpec]
    unique: tuple[str, ...] = ()
    required: bool = False
    statements: tuple[str, ...] = ()  # queries/load/<name>.cypher that its rows go to, in order

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]


@dataclass(frozen=True)
class ExportFormat:
    version: int
    order: tuple[str, ...]
    files: dict[str, FileSpec]
    enums: dict[str, EnumSpec]
    formats: tuple[str, ...]
    extra_prefix: str = "extra_"
    required_files: tuple[str, ...] = field(default=())


@cache
def export_format(path: Path = FORMAT_FILE) -> ExportFormat:
    """The declared format (read once)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    enums = {
        name: EnumSpec(name, tuple(spec["values"]), dict(spec.get("aliases") or {}), spec.get("model"))
        for name, spec in raw["enums"].items()
    }
    required_files = tuple(raw["required_files"])
    files: dict[str, FileSpec] = {}
    for fname, fspec in raw["files"].items():
        columns: dict[str, ColumnSpec] = {}
        for cname, cspec in fspec["columns"].items():
            if cspec["type"] not in VALUE_TYPES:
                raise ValueError(f"{path.name}: {fname}.{cname} has unknown type {cspec['type']!r}")
            columns[cname] = ColumnSpec(
                name=cname,
                type=cspec["type"],
                required=bool(cspec.get("required")),
                enum=enums[cspec["enum"]] if cspec.get("enum") else None,
                to=cspec.get("to"),
                party_ref=bool(cspec.get("party_ref")),
                case_ref=bool(cspec.get("case_ref")),
                asset_ref=bool(cspec.get("asset_ref")),
            )
        files[fname] = FileSpec(fname, columns, tuple(fspec.get("unique") or ()), fname in required_files,
                                tuple(f"load/{s}" for s in fspec.get("statements") or ()))
    order = tuple(raw["order"])
    if set(order) != set(files):
        raise ValueError(f"{path.name}: `order` must list every file exactly once")
    return ExportFormat(
        version=raw["version"],
        order=order,
        files=files,
        enums=enums,
        formats=tuple(raw["formats"]),
        extra_prefix=raw.get("extra_prefix", "extra_"),
        required_files=required_files,
    )


class Flag(Exception):
    """A value that loads with a remark for the rejection report (the row is not rejected)."""

    def __init__(self, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason


def _clean_items(raw: Any, item: Callable[[Any], str | None]) -> list[str]:
    """A list whose bad items are dropped and reported with a :class:`Flag` carrying the good ones."""
    bad: list[str] = []

    def safe(part: Any) -> str | None:
        try:
            return item(part)
        except ValueError as exc:
            bad.append(f"{clean_text(part)!r} ({exc})")
            return None

    values = clean_list(raw, safe)
    if bad:
        raise Flag(values, "ignored " + "; ".join(bad))
    return values


def clean_value(column: ColumnSpec, raw: Any) -> Any:
    """The stored form of one cell; ValueError (reject) or Flag (load with a remark)."""
    kind = column.type
    if kind == "text" or kind == "id_number":
        return clean_text(raw)
    if kind == "enum":
        assert column.enum is not None
        return column.enum.clean(raw)
    if kind == "date":
        return clean_date(raw)
    if kind == "amount":
        return clean_amount(raw)
    if kind == "share":
        return clean_share(raw)
    if kind == "list":
        return clean_list(raw)
    if kind == "phones":
        return _clean_items(raw, clean_phone)
    if kind == "addresses":
        return _clean_items(raw, clean_address)
    if kind == "case_no":
        return parse_case_no(raw)
    raise AssertionError(f"unhandled value type {kind}")
