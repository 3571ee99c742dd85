"""A subgraph as the library hands it around: to the API as JSON, to the graph views to draw.

Anything a query returns — nodes, relationships, paths, lists of them — can be
folded into one :class:`Subgraph`, so that a party's network, an alert's
evidence, a path between two parties and an equity chain share one shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime


def plain(value: Any) -> Any:
    """Neo4j temporal values to ISO strings, recursively; everything else as is."""
    if isinstance(value, Date | dt.date):
        return value.iso_format() if isinstance(value, Date) else value.isoformat()
    if isinstance(value, DateTime | dt.datetime):
        return value.iso_format() if isinstance(value, DateTime) else value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass
class GNode:
    id: str  # Neo4j element id
    labels: list[str]
    properties: dict[str, Any]

    @property
    def kind(self) -> str:
        """The most specific label: Person/Company/Organization before Party."""
        for label in ("Person", "Company", "Organization"):
            if label in self.labels:
                return label
        return self.labels[0] if self.labels else "Node"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "labels": self.labels, "kind": self.kind, "properties": self.properties}


@dataclass
class GRel:
    id: str
    type: str
    start: str  # element id of the start node
    end: str
    properties: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "start": self.start, "end": self.end, "properties": self.properties}


@dataclass
class Subgraph:
    nodes: dict[str, GNode] = field(default_factory=dict)
    relationships: dict[str, GRel] = field(default_factory=dict)
    subject: str | None = None  # element id of the node the view is about
    truncated: bool = False  # a cap cut the neighbourhood short

    def add(self, value: Any) -> None:
        """Fold a node, relationship, path, or a (nested) list of them into the subgraph."""
        if isinstance(value, Node):
            self.nodes.setdefault(value.element_id, GNode(value.element_id, sorted(value.labels), plain(dict(value))))
        elif isinstance(value, Relationship):
            assert value.start_node is not None and value.end_node is not None
            self.add(value.start_node)
            self.add(value.end_node)
            self.relationships.setdefault(
                value.element_id,
                GRel(value.element_id, value.type, value.start_node.element_id, value.end_node.element_id,
                     plain(dict(value))),
            )
        elif isinstance(value, Path):
            for node in value.nodes:
                self.add(node)
            for rel in value.relationships:
                self.add(rel)
        elif isinstance(value, list | tuple):
            for item in value:
                self.add(item)

    @classmethod
    def from_records(cls, records: Iterable[Any], subject: str | None = None) -> Subgraph:
        sub = cls(subject=subject)
        for record in records:
            for value in record.values():
                sub.add(value)
        return sub

    def drop_dangling(self) -> None:
        """Remove relationships whose ends are not in the subgraph (after a cap)."""
        self.relationships = {
            k: r for k, r in self.relationships.items() if r.start in self.nodes and r.end in self.nodes
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "truncated": self.truncated,
            "nodes": [n.to_json() for n in self.nodes.values()],
            "relationships": [r.to_json() for r in self.relationships.values()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Subgraph:
        sub = cls(subject=data.get("subject"), truncated=bool(data.get("truncated")))
        for n in data.get("nodes", []):
            sub.nodes[n["id"]] = GNode(n["id"], list(n["labels"]), dict(n["properties"]))
        for r in data.get("relationships", []):
            sub.relationships[r["id"]] = GRel(r["id"], r["type"], r["start"], r["end"], dict(r["properties"]))
        return sub
