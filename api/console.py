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

What comes back is bounded too: records are streamed in small batches and
measured as JSON while they arrive; rows stop once the byte budget
(``DEBTGRAPH_CONSOLE_BYTE_LIMIT``, rows and graph together) is spent, a single
value above ``DEBTGRAPH_CONSOLE_VALUE_LIMIT`` is replaced by a marker, and the
records not read are discarded on the server.

The server's errors about a statement (syntax, semantics, a failed procedure)
reach the investigator as :class:`CypherError`: Neo4j's explanation of the
statement, without Java class names or stack text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal, LiteralString, cast

from neo4j import ManagedTransaction, Record, unit_of_work
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Path, Relationship

from api.results import value_json
from graph_model.db import Graph
from graph_model.subgraph import Subgraph
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
_CYPHER_OPTIONS = r"(?:CYPHER(?:\s+(?:\d+(?:\.\d+)?|\w+\s*=\s*\w+))*\s+)?"  # CYPHER 5 runtime=slotted …
_ADMIN = re.compile(rf"^\s*{_CYPHER_OPTIONS}(CREATE|DROP|ALTER|GRANT|DENY|REVOKE|START|STOP|TERMINATE|ENABLE|"
                    r"DEALLOCATE|REALLOCATE|RENAME|DRYRUN)\b(.*)", re.I | re.S)
_SHOW = re.compile(rf"^\s*{_CYPHER_OPTIONS}SHOW\s+(.*)", re.I | re.S)
# What follows CREATE/DROP/ALTER/… in an administration command, longest first (the kind named in the refusal).
_ADMIN_OBJECTS = ("COMPOSITE DATABASE", "CURRENT USER", "DATABASES", "DATABASE", "ALIAS", "USER", "ROLE", "SERVER")
_SCHEMA_OBJECTS = ("INDEX", "CONSTRAINT")
_INDEX_TYPES = ("RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "BTREE")
# SHOW … of the administration (users, roles, privileges, databases, servers, transactions, settings, aliases).
_SHOW_ADMIN = ("USERS", "USER", "CURRENT", "ROLES", "ROLE", "POPULATED", "PRIVILEGES", "PRIVILEGE", "SUPPORTED",
               "DATABASES", "DATABASE", "DEFAULT", "HOME", "SERVERS", "SERVER", "TRANSACTIONS", "TRANSACTION",
               "SETTINGS", "SETTING", "ALIASES", "ALIAS")
_SHOW_MODIFIERS = ("ALL", "RANGE", "FULLTEXT", "TEXT", "POINT", "VECTOR", "LOOKUP", "UNIQUE", "UNIQUENESS",
                   "EXISTENCE", "EXIST", "KEY", "NODE", "RELATIONSHIP", "REL", "PROPERTY", "TYPE", "BUILT", "IN",
                   "USER", "DEFINED")
_ONLY_READS = "the console only reads"


class ConsoleRefused(PermissionError):
    """The statement is not a plain read; the message says what was refused (HTTP 403)."""


# Java's fully qualified class names (org.apache.lucene….ParseException, java.lang.IllegalArgumentException …),
# "Caused by:" chains and stack frames: server internals, never shown to a user.
_JAVA_CLASS = re.compile(r"\b(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b:?[ \t]*"
                         r"|\b(?:org|java|javax|jdk|sun|com|scala|kotlin)\.(?:[\w$]+\.)+[\w$]+\b")
_STACK_LINE = re.compile(r"^[ \t]*(?:at [\w$.<>]+\(.*\)|\.\.\. \d+ more|Caused by:.*\bat\b.*)[ \t]*$", re.M)
_CAUSED_BY = re.compile(r"\bCaused by:\s*", re.I)
MAX_EXPLANATION_CHARS = 2000


def cypher_explanation(message: str | None) -> str:
    """Neo4j's explanation of what is wrong with a statement, without Java class names or stack text."""
    text = _STACK_LINE.sub("", message or "")
    text = _JAVA_CLASS.sub("", text)
    text = _CAUSED_BY.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip().rstrip(":").strip()
    if len(text) > MAX_EXPLANATION_CHARS:
        text = text[:MAX_EXPLANATION_CHARS].rstrip() + " …"
    return text or "the database could not run the statement"


class CypherError(ClientError):
    """The server refused an investigator's statement (syntax, semantics, a failed procedure call): HTTP 400.

    ``message`` is :func:`cypher_explanation` of the server's message — what the investigator needs to fix the
    statement — never Java class names or stack text. It is a :class:`neo4j.exceptions.ClientError`, so code that
    shows a ClientError's ``message`` (the console page) shows only the cleaned text.
    """

    def __init__(self, explanation: str, code: str) -> None:
        super().__init__(explanation)
        self._explanation = explanation
        self._server_code = code

    @property
    def message(self) -> str:
        return self._explanation

    @property
    def code(self) -> str:
        return self._server_code

    def __str__(self) -> str:
        return self._explanation


# Server errors about the statement itself; the others (access mode, security, timeouts) keep their own handling.
_STATEMENT_ERRORS = ("Neo.ClientError.Statement.", "Neo.ClientError.Procedure.", "Neo.ClientError.Schema.")


def as_cypher_error(exc: ClientError) -> ClientError:
    """A server error about the investigator's statement as a :class:`CypherError`; any other as it is."""
    code = exc.code or ""
    if isinstance(exc, CypherError) or code == "Neo.ClientError.Statement.AccessMode" \
            or not code.startswith(_STATEMENT_ERRORS):
        return exc
    return CypherError(cypher_explanation(exc.message), code)


TruncatedReason = Literal["rows", "bytes", "value"]
FETCH_SIZE = 100  # records per batch while streaming a result


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    row_limit: int
    graph: dict[str, Any] | None
    truncated_reason: TruncatedReason | None = None
    byte_limit: int | None = None
    value_limit: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated,
                "truncated_reason": self.truncated_reason, "row_limit": self.row_limit,
                "byte_limit": self.byte_limit, "value_limit": self.value_limit, "graph": self.graph}


def json_size(value: Any) -> int:
    """Bytes of `value` as the API sends it (compact UTF-8 JSON)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8"))


class _TooBig(Exception):
    """A value passed the room it had (raised as soon as it does, before the rest is converted)."""


def bounded_json(value: Any, room: int) -> tuple[Any, int]:
    """`value` as JSON (see :func:`api.results.value_json`) and its size in bytes; _TooBig once it passes `room`.

    Lists and maps are measured element by element, so a huge collection is abandoned early, not converted whole.
    """
    if room < 2:
        raise _TooBig
    if isinstance(value, list | tuple):
        items: list[Any] = []
        size = 2
        for item in value:
            size += 1 if items else 0
            converted, item_size = bounded_json(item, room - size)
            size += item_size
            items.append(converted)
        return items, size
    if isinstance(value, dict):
        mapped: dict[str, Any] = {}
        size = 2
        for key, item in value.items():
            size += (1 if mapped else 0) + json_size(str(key)) + 1
            converted, item_size = bounded_json(item, room - size)
            size += item_size
            mapped[str(key)] = converted
        return mapped, size
    if isinstance(value, str | bytes) and len(value) > room:
        raise _TooBig
    converted = value_json(value)
    size = json_size(converted)
    if size > room:
        raise _TooBig
    return converted, size


def value_marker(value: Any, limit: int) -> dict[str, Any]:
    """What replaces a value larger than `limit` bytes of JSON: what it was and how long."""
    kind: str
    length: int | None
    if isinstance(value, Node | Relationship):
        kind, length = ("node" if isinstance(value, Node) else "relationship"), len(value)  # properties
    elif isinstance(value, Path):
        kind, length = "path", len(value)  # relationships
    elif isinstance(value, str | bytes):
        kind, length = ("string" if isinstance(value, str) else "bytes"), len(value)
    elif isinstance(value, list | tuple | dict):
        kind, length = ("map" if isinstance(value, dict) else "list"), len(value)
    else:
        kind, length = type(value).__name__, None
    return {"truncated": True, "reason": "value", "limit_bytes": limit, "type": kind, "length": length}


@dataclass
class _Collector:
    """Rows and their subgraph, added record by record within a byte budget (rows and graph together)."""

    columns: list[str]
    row_limit: int
    byte_limit: int
    value_limit: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    sub: Subgraph = field(default_factory=Subgraph)
    used: int = 0
    reason: TruncatedReason | None = None

    def __post_init__(self) -> None:
        # The envelope around the rows, counted at its largest (the graph present, every field filled).
        self.used = json_size({"columns": self.columns, "rows": [], "truncated": False, "truncated_reason": "bytes",
                               "row_limit": self.row_limit, "byte_limit": self.byte_limit,
                               "value_limit": self.value_limit,
                               "graph": {"subject": None, "truncated": False, "nodes": [], "relationships": []}})

    def add(self, record: Record) -> bool:
        """Take one record; False when it does not fit (the rows stop there)."""
        if len(self.rows) >= self.row_limit:
            self.reason = "rows"
            return False
        row: dict[str, Any] = {}
        size = 2
        kept: list[Any] = []
        replaced = False
        for key, value in record.items():
            size += (1 if row else 0) + json_size(key) + 1
            try:
                converted, value_size = bounded_json(value, self.value_limit)
                kept.append(value)
            except _TooBig:
                converted = value_marker(value, self.value_limit)
                value_size = json_size(converted)
                replaced = True
            row[key] = converted
            size += value_size
        piece = Subgraph()
        for value in kept:  # a value replaced by its marker brings no nodes into the graph
            piece.add(value)
        new_nodes = [n for k, n in piece.nodes.items() if k not in self.sub.nodes]
        new_rels = [r for k, r in piece.relationships.items() if k not in self.sub.relationships]
        graph_size = sum(json_size(n.to_json()) + 1 for n in new_nodes) + \
            sum(json_size(r.to_json()) + 1 for r in new_rels)
        if self.used + size + 1 + graph_size > self.byte_limit:
            self.reason = "bytes"
            return False
        self.used += size + 1 + graph_size
        self.rows.append(row)
        for n in new_nodes:
            self.sub.nodes[n.id] = n
        for r in new_rels:
            self.sub.relationships[r.id] = r
        if replaced and self.reason is None:
            self.reason = "value"
        return True


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


def _words(text: str, n: int) -> list[str]:
    return [w.upper() for w in re.findall(r"[A-Za-z_]\w*|\S", text)[:n]]


def admin_refusal(code: str) -> str | None:
    """Why an administration or schema command is refused, naming its kind; None for anything else.

    CREATE followed by a pattern (``CREATE (n)``) is a graph write, not one of these: the server's
    classification refuses it later.
    """
    if re.search(r"\bTERMINATE\s+TRANSACTIONS?\b", code, re.I):
        return f"TERMINATE TRANSACTIONS is an administration command; {_ONLY_READS}"
    show = _SHOW.match(code)
    if show:
        words = _words(show.group(1), 8)
        while words and words[0] in _SHOW_MODIFIERS and not (words[0] == "USER" and words[1:2] != ["DEFINED"]):
            words.pop(0)
        what = words[0] if words else ""
        if what in _SHOW_ADMIN:
            kind = (" ".join(words[:2]) if what in ("CURRENT", "POPULATED", "SUPPORTED", "DEFAULT", "HOME")
                    else "PRIVILEGES" if {"PRIVILEGES", "PRIVILEGE"} & set(words) else what)
            return f"SHOW {kind} is an administration command; {_ONLY_READS} the graph (it may SHOW indexes, " \
                   "constraints, functions and procedures)"
        if what not in SHOW_ALLOWED:
            return f"SHOW {what} is refused; the console may show indexes, constraints, functions and procedures"
        return None
    admin = _ADMIN.match(code)
    if not admin:
        return None
    verb = admin.group(1).upper()
    words = _words(admin.group(2), 6)
    if words[:2] == ["OR", "REPLACE"]:
        words = words[2:]
    if words[:3] == ["IF", "NOT", "EXISTS"]:
        words = words[3:]
    rest = " ".join(words)
    if verb in ("GRANT", "DENY", "REVOKE"):
        what = "ROLE" if words[:1] in (["ROLE"], ["ROLES"]) else "privilege"
        return f"{verb} {what} is an administration command; {_ONLY_READS}"
    for obj in _ADMIN_OBJECTS:
        if rest == obj or rest.startswith(obj + " "):
            return f"{verb} {obj} is an administration command; {_ONLY_READS}"
    schema_words = words[1:] if words[:1] and words[0] in _INDEX_TYPES else words
    if schema_words[:1] and schema_words[0] in _SCHEMA_OBJECTS:
        return f"{verb} {' '.join(words[:len(words) - len(schema_words) + 1])} is a schema command; {_ONLY_READS}"
    if verb == "CREATE":
        return None
    return f"{verb} {words[0] if words else ''}".rstrip() + f" is an administration or schema command; {_ONLY_READS}"


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
    refusal = admin_refusal(code)
    if refusal:
        raise ConsoleRefused(refusal)
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
    """The server's own query type for the statement (EXPLAIN in a read transaction): r, rw, w or s.

    A statement the server cannot plan raises :class:`CypherError` (its explanation, cleaned).
    """
    params = check_params(params)
    def work(tx: ManagedTransaction) -> str:
        result = tx.run(cast(LiteralString, _EXPLAIN + text), params or {})
        return str(result.consume().query_type or "")

    try:
        with graph.session(read_only=True) as session:
            return session.execute_read(work)
    except ClientError as exc:
        error = as_cypher_error(exc)
        if isinstance(error, CypherError):  # positions and the quoted statement as the investigator wrote it
            error = CypherError(_without_explain(error.message), error.code)
        raise error from None


_EXPLAIN = "EXPLAIN "
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


def _without_explain(message: str) -> str:
    """A server message about ``EXPLAIN <statement>`` as if it were about the statement itself."""
    def shift(m: re.Match[str]) -> str:
        line, column, offset = (int(g) for g in m.groups())
        column -= len(_EXPLAIN) if line == 1 else 0
        return f"(line {line}, column {max(column, 1)} (offset: {max(offset - len(_EXPLAIN), 0)}))"

    if f'"{_EXPLAIN}' not in message:
        return message
    lines = _POSITION.sub(shift, message).split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith(f'"{_EXPLAIN}'):
            line = '"' + line[len(_EXPLAIN) + 1:]
            if i + 1 < len(lines) and lines[i + 1].strip() == "^":  # the caret under the error moves too
                lines[i + 1] = lines[i + 1][len(_EXPLAIN):]
        out.append(line)
    return "\n".join(out)


def check_statement(graph: Graph, text: str, params: dict[str, Any] | None = None) -> str:
    """Both checks: static refusals, then the server's classification; returns the statement to run."""
    text = static_check(text)
    kind = classify(graph, text, params)
    if kind != "r":
        what = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or the server"}.get(kind, kind)
        raise ConsoleRefused(f"the statement {what} (query type {kind!r}); the console only reads")
    return text


def execute_read_only(graph: Graph, text: str, params: dict[str, Any] | None = None, *,
                      row_limit: int = 1000, timeout: float | None = None, byte_limit: int | None = None,
                      value_limit: int | None = None) -> ConsoleResult:
    """Run a statement in a managed READ transaction with a timeout, within the row, byte and value limits.

    Records are streamed (:data:`FETCH_SIZE` at a time) and measured as they arrive: the rows stop at
    `row_limit` rows or once rows and graph would pass `byte_limit` bytes of JSON, and the records not read
    are discarded on the server; a value over `value_limit` bytes is replaced by :func:`value_marker`.
    `truncated_reason` says which limit cut the result ("rows", "bytes", or "value" when every row is there
    but a value was replaced). The limits default to the settings' DEBTGRAPH_CONSOLE_BYTE_LIMIT / _VALUE_LIMIT.

    This is the lower layer: it does not check the statement, and a write fails in the database
    (Neo.ClientError.Statement.AccessMode) because the transaction is read only. A statement the server
    cannot run raises :class:`CypherError`.
    """
    settings = graph.settings
    seconds = timeout if timeout is not None else settings.debtgraph_query_timeout
    byte_limit = byte_limit if byte_limit is not None else settings.debtgraph_console_byte_limit
    value_limit = value_limit if value_limit is not None else settings.debtgraph_console_value_limit
    params = check_params(params)

    @unit_of_work(timeout=seconds)
    def work(tx: ManagedTransaction) -> _Collector:
        result = tx.run(cast(LiteralString, text), params or {})
        collector = _Collector(list(result.keys()), row_limit, byte_limit, value_limit)
        for record in result:
            if not collector.add(record):
                break
        result.consume()  # what was not read is discarded on the server, not fetched
        return collector

    try:
        with graph.session(read_only=True, fetch_size=FETCH_SIZE) as session:
            got = session.execute_read(work)
    except ClientError as exc:
        raise as_cypher_error(exc) from None
    graph_json = got.sub.to_json() if got.sub.nodes else None
    return ConsoleResult(got.columns, got.rows, got.reason is not None, row_limit, graph_json, got.reason,
                         byte_limit, value_limit)


def run_console(graph: Graph, text: str, params: dict[str, Any] | None = None, *,
                row_limit: int = 1000, timeout: float | None = None, byte_limit: int | None = None,
                value_limit: int | None = None) -> ConsoleResult:
    """Check, then run read-only: what the console endpoint does."""
    checked = check_statement(graph, text, params)
    return execute_read_only(graph, checked, params, row_limit=row_limit, timeout=timeout,
                             byte_limit=byte_limit, value_limit=value_limit)
