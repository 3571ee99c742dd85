"""The catalogue of saved queries and detectors: one .cypher file each, its metadata beside it.

``queries/detectors/<name>.cypher`` + ``<name>.yaml`` are the detectors,
``queries/saved/<name>.cypher`` + ``<name>.yaml`` the saved queries everyone gets,
and ``<data dir>/queries/`` holds the ones investigators save. The registry
discovers them, checks that each statement's ``$parameters`` are declared,
converts and validates parameter values by their declared type, and runs the
statement with parameters only, in a read transaction with a timeout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph_model.db import Graph
from graph_model.types import clean_date
from graph_model.types.citations import Citation, citations_text, clean_citation
from graph_model.types.text import fulltext_query

QUERIES_DIR = Path(__file__).parent
BUILTIN_GROUPS = ("detectors", "saved")
# `fulltext`: search text for a full-text index (db.index.fulltext.queryNodes); Lucene syntax is escaped, so the
# text is searched as typed (graph_model.types.text.fulltext_query).
PARAM_TYPES = ("string", "integer", "float", "boolean", "date", "list<string>", "list<date>", "fulltext")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")


class QueryError(ValueError):
    """A query or its parameters are not valid; the message names what and why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any = None
    required: bool = False
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def convert(self, raw: Any) -> Any:
        """Convert a raw value (CLI string or JSON value) to this parameter's type, or raise QueryError."""
        if raw is None:
            return None
        try:
            value = _convert(self.type, raw)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"parameter {self.name}: {raw!r} is not a valid {self.type} ({exc})", self.name) from None
        if self.choices and isinstance(value, list):
            bad = [v for v in value if v not in self.choices]
            if bad:
                raise QueryError(f"parameter {self.name}: {', '.join(bad)} not among {', '.join(self.choices)}",
                                 self.name)
        elif self.choices and value not in self.choices:
            raise QueryError(f"parameter {self.name}: {value!r} is not one of {', '.join(self.choices)}", self.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise QueryError(f"parameter {self.name}: {value} is below the minimum {self.minimum}", self.name)
            if self.maximum is not None and value > self.maximum:
                raise QueryError(f"parameter {self.name}: {value} is above the maximum {self.maximum}", self.name)
        return value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required, "doc": self.doc}
        if self.default is not None:
            out["default"] = (self.default.isoformat() if isinstance(self.default, dt.date)
                              else [v.isoformat() if isinstance(v, dt.date) else v for v in self.default]
                              if isinstance(self.default, list) else self.default)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.choices:
            out["choices"] = list(self.choices)
        return out


def _convert(kind: str, raw: Any) -> Any:
    if kind == "string":
        return str(raw)
    if kind == "fulltext":
        return fulltext_query(raw)
    if kind == "integer":
        if isinstance(raw, bool):
            raise ValueError("booleans are not integers")
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError("not a whole number")
        return int(raw)
    if kind == "float":
        if isinstance(raw, bool):
            raise ValueError("booleans are not numbers")
        return float(raw)
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"true", "1", "yes", "y"}:
            return True
        if text in {"false", "0", "no", "n"}:
            return False
        raise ValueError("use true or false")
    if kind == "date":
        if isinstance(raw, str) and raw.strip().lower() == "today":
            return dt.date.today()
        value = clean_date(raw)
        if value is None:
            raise ValueError("empty date")
        return value
    if kind == "list<string>":
        if isinstance(raw, list):
            return [str(v) for v in raw]
        return [part.strip() for part in re.split(r"[,;；]", str(raw)) if part.strip()]
    if kind == "list<date>":
        items = raw if isinstance(raw, list) else [p for p in re.split(r"[,;；\s]+", str(raw)) if p]
        dates = [clean_date(item) for item in items]
        return [d for d in dates if d is not None]
    raise ValueError(f"unknown type {kind}")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    group: str  # detectors | saved | user
    cypher: str
    title_zh: str
    title_en: str
    description: str = ""
    parameters: dict[str, Parameter] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    basis: str = ""  # one line; for detectors the rendering of `citations`
    citations: tuple[Citation, ...] = ()
    severity: str = "info"
    alert_on: str | None = None  # detectors: "case" or "party"
    author: str | None = None
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # anything else the metadata declares

    @property
    def is_detector(self) -> bool:
        return self.group == "detectors"

    def bind(self, raw: dict[str, Any] | None = None) -> dict[str, Any]:
        """Typed parameters: raw values converted, defaults filled, unknown names refused."""
        raw = dict(raw or {})
        unknown = set(raw) - set(self.parameters)
        if unknown:
            raise QueryError(f"{self.name} takes no parameter {', '.join(sorted(unknown))}", sorted(unknown)[0])
        bound: dict[str, Any] = {}
        for name, param in self.parameters.items():
            value = param.convert(raw[name]) if raw.get(name) is not None else None
            if value is None:
                default = param.default
                if param.type == "date" and default == "today":
                    default = dt.date.today()
                value = param.convert(default) if default is not None else None
            if value is None and param.required:
                raise QueryError(f"{self.name} needs parameter {name} ({param.type})", name)
            bound[name] = value
        return bound

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "description": self.description,
            "parameters": [p.to_json() for p in self.parameters.values()],
            "columns": list(self.columns),
            "basis": self.basis,
            "citations": [c.to_json() for c in self.citations],
            "severity": self.severity,
            "alert_on": self.alert_on,
            "author": self.author,
            "cypher": self.cypher,
        }


def statement_parameters(cypher: str) -> set[str]:
    """The $parameters a statement uses (ignoring strings and comments)."""
    return set(_PARAM_RE.findall(_STRING_OR_COMMENT.sub("", cypher)))


def parse_metadata(name: str, group: str, cypher: str, meta: dict[str, Any], path: Path | None = None) -> SavedQuery:
    """Build and validate a SavedQuery from its statement and metadata; QueryError says what is wrong."""
    where = str(path) if path else name
    if not NAME_RE.match(name):
        raise QueryError(f"{where}: name must be lower_snake_case, 2–63 characters", "name")
    if meta.get("name", name) != name:
        raise QueryError(f"{where}: metadata name {meta.get('name')!r} differs from the file name {name!r}", "name")
    title = meta.get("title") or {}
    if not isinstance(title, dict) or not title.get("zh") or not title.get("en"):
        raise QueryError(f"{where}: needs title.zh and title.en", "title")
    params: dict[str, Parameter] = {}
    for pname, spec in (meta.get("parameters") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{where}: parameter {pname} has unknown type {ptype!r} (use {', '.join(PARAM_TYPES)})",
                             "parameters")
        params[pname] = Parameter(
            name=pname, type=ptype, default=spec.get("default"), required=bool(spec.get("required")),
            doc=spec.get("doc", ""), minimum=spec.get("minimum"), maximum=spec.get("maximum"),
            choices=tuple(spec.get("choices", ())),
        )
    used = statement_parameters(cypher)
    undeclared = used - set(params)
    if undeclared:
        raise QueryError(f"{where}: the statement uses undeclared parameters {', '.join(sorted(undeclared))}",
                         "parameters")
    known = {"name", "title", "description", "parameters", "columns", "basis", "citations", "severity", "alert_on",
             "author"}
    citations: list[Citation] = []
    for i, raw in enumerate(meta.get("citations") or [], start=1):
        try:
            citations.append(clean_citation(raw))
        except ValueError as exc:
            raise QueryError(f"{where}: citation {i}: {exc}", "citations") from None
    if group == "detectors" and not citations:
        raise QueryError(f"{where}: a detector lists the provisions it rests on under `citations`", "citations")
    return SavedQuery(
        name=name, group=group, cypher=cypher.strip(), title_zh=title["zh"], title_en=title["en"],
        description=meta.get("description", ""), parameters=params, columns=tuple(meta.get("columns", ())),
        basis=citations_text(citations) if citations else meta.get("basis", ""), citations=tuple(citations),
        severity=meta.get("severity", "info"), alert_on=meta.get("alert_on"),
        author=meta.get("author"), path=path, extra={k: v for k, v in meta.items() if k not in known},
    )


def load_file(cypher_path: Path, group: str) -> SavedQuery:
    meta_path = cypher_path.with_suffix(".yaml")
    if not meta_path.is_file():
        raise QueryError(f"{cypher_path}: no metadata file {meta_path.name} beside it")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    return parse_metadata(cypher_path.stem, group, cypher_path.read_text(encoding="utf-8"), meta, cypher_path)


class Registry:
    """Every saved query and detector, by name."""

    def __init__(self, user_dir: Path | None = None) -> None:
        self.user_dir = user_dir
        self.queries: dict[str, SavedQuery] = {}
        for group in BUILTIN_GROUPS:
            for path in sorted((QUERIES_DIR / group).glob("*.cypher")):
                self._add(load_file(path, group))
        if user_dir and user_dir.is_dir():
            for path in sorted(user_dir.glob("*.cypher")):
                self._add(load_file(path, "user"))

    def _add(self, query: SavedQuery) -> None:
        if query.name in self.queries:
            raise QueryError(f"{query.path}: a query named {query.name} exists already ({self.queries[query.name].path})")
        self.queries[query.name] = query

    def get(self, name: str) -> SavedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise QueryError(f"no saved query or detector named {name!r}", "name") from None

    def detectors(self) -> list[SavedQuery]:
        return [q for q in self.queries.values() if q.is_detector]

    def run(self, graph: Graph, name: str, params: dict[str, Any] | None = None,
            timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a saved query by name: typed parameters only, read transaction, timeout."""
        query = self.get(name)
        return graph.read(query.cypher, query.bind(params), timeout=timeout)

    def save_user_query(self, name: str, cypher: str, meta: dict[str, Any], author: str) -> SavedQuery:
        """Validate and store an investigator's query under the user directory."""
        if self.user_dir is None:
            raise QueryError("no directory for user queries is configured")
        meta = {**meta, "name": name, "author": author}
        query = parse_metadata(name, "user", cypher, meta, self.user_dir / f"{name}.cypher")
        if name in self.queries and self.queries[name].group != "user":
            raise QueryError(f"{name} is a built-in query and cannot be replaced", "name")
        self.user_dir.mkdir(parents=True, exist_ok=True)
        (self.user_dir / f"{name}.cypher").write_text(cypher.strip() + "\n", encoding="utf-8")
        (self.user_dir / f"{name}.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
        self.queries[name] = query
        return query
