"""The investigators' read-only Cypher console.

Two locks, so that a mistake in one does not open the database:

1. :func:`check_statement` refuses, before anything runs, what is not a plain
   read: several statements, LOAD CSV, USE of another database, CALL of any
   procedure not on :data:`READ_PROCEDURES`, dbms/apoc functions, admin
   commands, and — asking the server itself with ``EXPLAIN`` in a read
   transaction — any statement whose query type is not ``r`` (read only).
2. :func:`execute_read_only` runs the statement in a managed READ transaction
   with a timeout and a row limit, so even a statement that slipped past the
   check cannot write: the server refuses writes in read access mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import ManagedTransaction, unit_of_work

from api.results import records_json
from graph_model.db import Graph
from queries.registry import QueryError

# Procedures the console may CALL: schema introspection and full-text search, nothing that writes.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys",
    "db.schema.visualization", "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
    "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships", "db.index.fulltext.listavailableanalyzers",
    "db.ping",
})
SHOW_ALLOWED = ("INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS", "FUNCTION", "FUNCTIONS", "PROCEDURE", "PROCEDURES")
MAX_STATEMENT_CHARS = 20000

_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.I)
_ADMIN = re.compile(r"^\s*(?:CYPHER\b[^\n]*?\s)?(CREATE|DROP|ALTER|GRANT|DENY|REVOKE|START|STOP|TERMINATE|ENABLE|"
                    r"DEALLOCATE|REALLOCATE|RENAME|DRYRUN)\b", re.I)


class ConsoleRefused(PermissionError):
    """The statement is not a plain read; the message says what was refused (HTTP 403)."""


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    row_limit: int
    graph: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated,
                "row_limit": self.row_limit, "graph": self.graph}


def _code(text: str) -> str:
    """The statement with strings and comments blanked, so keywords inside them don't count.

    Backtick-quoted names keep their text (`dbms`.`components` must still read as dbms.components).
    """
    def blank(m: re.Match[str]) -> str:
        token = m.group(0)
        if token[0] == "`":
            return re.sub(r"[^\w.]", "_", token[1:-1])
        return "''" if token[0] in "'\"" else " "

    return _LITERALS.sub(blank, text)


def static_check(text: str) -> str:
    """Refuse by reading the statement (no database needed); returns it without a trailing semicolon."""
    if not text or not text.strip():
        raise QueryError("the statement is empty", "cypher")
    if len(text) > MAX_STATEMENT_CHARS:
        raise QueryError(f"the statement is longer than {MAX_STATEMENT_CHARS} characters", "cypher")
    code = _code(text).strip()
    if code.endswith(";"):
        code = code[:-1]
        text = text.rstrip()[:-1]
    if ";" in code:
        raise ConsoleRefused("one statement at a time: remove the ';' between statements")
    if re.search(r"\bLOAD\s+CSV\b", code, re.I):
        raise ConsoleRefused("LOAD CSV is refused: the console only reads the graph")
    if re.search(r"(?<![.$\w])USE\s+[\w`']", code, re.I):
        raise ConsoleRefused("USE is refused: the console reads the configured database only")
    if re.search(r"\bIN\s+(?:\d+\s+|CONCURRENT\s+)*TRANSACTIONS\b", code, re.I):
        raise ConsoleRefused("CALL … IN TRANSACTIONS is refused: it is for batched writes")
    if re.match(r"\s*(?:EXPLAIN|PROFILE)\b", code, re.I):
        raise ConsoleRefused("EXPLAIN/PROFILE are not needed: send the statement itself")
    admin = _ADMIN.match(code)
    if admin and admin.group(1).upper() != "CREATE":
        raise ConsoleRefused(f"{admin.group(1).upper()} is an administration or schema command; refused")
    show = re.match(r"\s*SHOW\s+(?:ALL\s+|RANGE\s+|FULLTEXT\s+|TEXT\s+|POINT\s+|VECTOR\s+|LOOKUP\s+|UNIQUE\s+|"
                    r"EXISTENCE\s+|KEY\s+|BUILT\s+IN\s+|USER\s+DEFINED\s+)*(\w+)", code, re.I)
    if show and show.group(1).upper() not in SHOW_ALLOWED:
        raise ConsoleRefused(f"SHOW {show.group(1).upper()} is refused; the console may show indexes, "
                             "constraints, functions and procedures")
    for name in _CALL.findall(code):
        if name.lower() not in READ_PROCEDURES:
            raise ConsoleRefused(f"CALL {name} is refused; the console may call {', '.join(sorted(READ_PROCEDURES))}")
    if re.search(r"\b(?:dbms|apoc|gds)\s*\.", code, re.I):
        raise ConsoleRefused("dbms.*, apoc.* and gds.* are refused in the console")
    return text


INT64 = (-(2**63), 2**63 - 1)


def check_params(params: dict[str, Any] | None, where: str = "params") -> dict[str, Any]:
    """Parameter values Bolt can carry: integers within 64 bits (JSON allows any size)."""
    def walk(value: Any, path: str) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            raise QueryError(f"{path}: {value} does not fit a 64-bit integer", path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}.{i}")

    walk(params or {}, where)
    return params or {}


def classify(graph: Graph, text: str, params: dict[str, Any] | None = None) -> str:
    """The server's own query type for the statement (EXPLAIN in a read transaction): r, rw, w or s."""
    params = check_params(params)
    def work(tx: ManagedTransaction) -> str:
        result = tx.run(cast(LiteralString, "EXPLAIN " + text), params or {})
        return str(result.consume().query_type or "")

    with graph.session(read_only=True) as session:
        return session.execute_read(work)


def check_statement(graph: Graph, text: str, params: dict[str, Any] | None = None) -> str:
    """Both checks: static refusals, then the server's classification; returns the statement to run."""
    text = static_check(text)
    kind = classify(graph, text, params)
    if kind != "r":
        what = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or the server"}.get(kind, kind)
        raise ConsoleRefused(f"the statement {what} (query type {kind!r}); the console only reads")
    return text


def execute_read_only(graph: Graph, text: str, params: dict[str, Any] | None = None, *,
                      row_limit: int = 1000, timeout: float | None = None) -> ConsoleResult:
    """Run a statement in a managed READ transaction with a timeout, keeping at most `row_limit` rows.

    This is the lower layer: it does not check the statement, and a write fails in the database
    (Neo.ClientError.Statement.AccessMode) because the transaction is read only.
    """
    seconds = timeout if timeout is not None else graph.settings.debtgraph_query_timeout
    params = check_params(params)

    @unit_of_work(timeout=seconds)
    def work(tx: ManagedTransaction) -> tuple[list[Any], list[str]]:
        result = tx.run(cast(LiteralString, text), params or {})
        records = result.fetch(row_limit + 1)
        return records, list(result.keys())

    with graph.session(read_only=True) as session:
        records, keys = session.execute_read(work)
    truncated = len(records) > row_limit
    records = records[:row_limit]
    columns, rows, sub = records_json(records)
    return ConsoleResult(columns or keys, rows, truncated, row_limit, sub.to_json() if sub else None)


def run_console(graph: Graph, text: str, params: dict[str, Any] | None = None, *,
                row_limit: int = 1000, timeout: float | None = None) -> ConsoleResult:
    """Check, then run read-only: what the console endpoint does."""
    checked = check_statement(graph, text, params)
    return execute_read_only(graph, checked, params, row_limit=row_limit, timeout=timeout)
