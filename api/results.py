"""Running saved queries for the API and the CLI, and turning what Neo4j returns into JSON.

Library functions here and in :mod:`api.parties`, :mod:`api.cases` take a
:class:`~graph_model.db.Graph` and return plain JSON-ready values or a
:class:`~graph_model.subgraph.Subgraph`; the HTTP routes and the web pages only
shape them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.time import Duration

from graph_model.db import Graph
from graph_model.subgraph import Subgraph, plain
from queries.registry import Registry


class NotFound(LookupError):
    """The party, case, query or key asked for does not exist (HTTP 404)."""


@cache
def builtin_registry() -> Registry:
    """The built-in saved queries and detectors (no user directory): what library functions run."""
    return Registry()


def node_json(node: Node) -> dict[str, Any]:
    return {"id": node.element_id, "labels": sorted(node.labels), "properties": plain(dict(node))}


def relationship_json(rel: Relationship) -> dict[str, Any]:
    assert rel.start_node is not None and rel.end_node is not None
    return {"id": rel.element_id, "type": rel.type, "start": rel.start_node.element_id,
            "end": rel.end_node.element_id, "properties": plain(dict(rel))}


def value_json(value: Any) -> Any:
    """Any value a Cypher query returns, as JSON: nodes, relationships and paths keep their ids."""
    if isinstance(value, Node):
        return node_json(value)
    if isinstance(value, Relationship):
        return relationship_json(value)
    if isinstance(value, Path):
        return {"nodes": [node_json(n) for n in value.nodes],
                "relationships": [relationship_json(r) for r in value.relationships]}
    if isinstance(value, list | tuple):
        return [value_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): value_json(v) for k, v in value.items()}
    if isinstance(value, Duration):
        return value.iso_format()
    if isinstance(value, bytes):
        return value.hex()
    converted = plain(value)
    if converted is value and not isinstance(value, str | int | float | bool | type(None)):
        return str(value)  # spatial points and anything else exotic
    return converted


def records_json(records: list[Any]) -> tuple[list[str], list[dict[str, Any]], Subgraph | None]:
    """Columns, JSON rows and — when the rows hold nodes, relationships or paths — their subgraph."""
    columns = list(records[0].keys()) if records else []
    rows = [{k: value_json(v) for k, v in record.items()} for record in records]
    sub = Subgraph.from_records(records)
    return columns, rows, (sub if sub.nodes else None)


def run_saved(graph: Graph, name: str, params: dict[str, Any] | None = None,
              registry: Registry | None = None, timeout: float | None = None) -> list[dict[str, Any]]:
    """A saved query's rows as plain dicts (dates as ISO strings); QueryError on bad parameters."""
    return [plain(row) for row in (registry or builtin_registry()).run(graph, name, params, timeout=timeout)]


def run_saved_records(graph: Graph, name: str, params: dict[str, Any] | None = None,
                      registry: Registry | None = None, timeout: float | None = None) -> list[Any]:
    """A saved query's driver Records (nodes, relationships and paths intact), for subgraphs."""
    query = (registry or builtin_registry()).get(name)
    return graph.read_records(query.cypher, query.bind(params), timeout=timeout)
