"""Reads model.yaml, the single declaration of the graph, and derives what others need from it.

Schema migration, the loaders' mapping checks and docs/model.md all read
:data:`MODEL`; nothing else declares labels, relationship types or properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

MODEL_FILE = Path(__file__).with_name("model.yaml")
PROPERTY_TYPES = {"string", "integer", "float", "boolean", "date", "datetime", "list<string>"}


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    key: bool = False
    index: bool = False
    enum: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class NodeType:
    label: str
    properties: dict[str, Property]
    doc: str = ""
    extra_labels: tuple[str, ...] = ()
    fulltext: dict[str, dict[str, Any]] = field(default_factory=dict)
    provenance: bool = True

    @property
    def key(self) -> str:
        return next(p.name for p in self.properties.values() if p.key)


@dataclass(frozen=True)
class RelType:
    type: str
    start: str
    end: str
    properties: dict[str, Property]
    doc: str = ""
    relation: str | None = None  # the `relations.relation` value of the export format, if any
    provenance: bool = True


@dataclass(frozen=True)
class Model:
    version: int
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    provenance: dict[str, Property]

    @cached_property
    def relation_types(self) -> dict[str, str]:
        """Export `relation` value → relationship type (shareholder → SHAREHOLDER_OF)."""
        return {r.relation: r.type for r in self.relationships.values() if r.relation}

    def node(self, label: str) -> NodeType:
        return self.nodes[label]

    def properties_of(self, label_or_type: str) -> dict[str, Property]:
        """Declared properties of a label or relationship type, provenance included."""
        if label_or_type in self.nodes:
            element: NodeType | RelType = self.nodes[label_or_type]
        elif label_or_type in self.relationships:
            element = self.relationships[label_or_type]
        elif any(label_or_type in n.extra_labels for n in self.nodes.values()):
            element = next(n for n in self.nodes.values() if label_or_type in n.extra_labels)
        else:
            raise KeyError(f"{label_or_type!r} is not declared in {MODEL_FILE.name}")
        props = dict(element.properties)
        if element.provenance:
            props.update(self.provenance)
        return props

    @property
    def all_labels(self) -> set[str]:
        labels = set(self.nodes)
        for n in self.nodes.values():
            labels.update(n.extra_labels)
        return labels

    def schema_statements(self) -> list[str]:
        """Idempotent DDL for every constraint and index the model declares.

        Labels and property names come from the declaration, never from user
        input, so composing them into DDL (which cannot take parameters) is safe.
        """
        stmts: list[str] = []
        for node in self.nodes.values():
            for prop in node.properties.values():
                lower = f"{node.label}_{prop.name}".lower()
                if prop.key:
                    stmts.append(
                        f"CREATE CONSTRAINT {lower}_key IF NOT EXISTS "
                        f"FOR (n:{node.label}) REQUIRE n.{prop.name} IS UNIQUE"
                    )
                elif prop.index:
                    stmts.append(
                        f"CREATE INDEX {lower} IF NOT EXISTS FOR (n:{node.label}) ON (n.{prop.name})"
                    )
            for name, spec in node.fulltext.items():
                props = ", ".join(f"n.{p}" for p in spec["properties"])
                analyzer = spec.get("analyzer", "standard-no-stop-words")
                stmts.append(
                    f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR (n:{node.label}) ON EACH [{props}] "
                    f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{analyzer}'}}}}"
                )
        for rel in self.relationships.values():
            for prop in rel.properties.values():
                if prop.index:
                    lower = f"{rel.type}_{prop.name}".lower()
                    stmts.append(
                        f"CREATE INDEX {lower} IF NOT EXISTS FOR ()-[r:{rel.type}]-() ON (r.{prop.name})"
                    )
        return stmts

    def property_names(self) -> set[str]:
        """Every property key the model declares, on any label or relationship type."""
        names = set(self.provenance)
        for element in [*self.nodes.values(), *self.relationships.values()]:
            names.update(element.properties)
        return names

    def schema_names(self) -> set[str]:
        """Names of the constraints and indexes :meth:`schema_statements` creates."""
        names = set()
        for stmt in self.schema_statements():
            words = stmt.split()
            names.add(words[3] if words[1] == "FULLTEXT" else words[2])
        return names


def _props(raw: dict[str, Any] | None) -> dict[str, Property]:
    props: dict[str, Property] = {}
    for name, spec in (raw or {}).items():
        if spec["type"] not in PROPERTY_TYPES:
            raise ValueError(f"{MODEL_FILE.name}: property {name!r} has unknown type {spec['type']!r}")
        props[name] = Property(
            name=name,
            type=spec["type"],
            key=bool(spec.get("key")),
            index=bool(spec.get("index")),
            enum=tuple(spec.get("enum", ())),
            doc=spec.get("doc", ""),
        )
    return props


def load_model(path: Path = MODEL_FILE) -> Model:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes = {
        label: NodeType(
            label=label,
            properties=_props(spec.get("properties")),
            doc=spec.get("doc", ""),
            extra_labels=tuple(spec.get("extra_labels", ())),
            fulltext=spec.get("fulltext", {}),
            provenance=spec.get("provenance", True),
        )
        for label, spec in raw["nodes"].items()
    }
    rels = {
        rtype: RelType(
            type=rtype,
            start=spec["from"],
            end=spec["to"],
            properties=_props(spec.get("properties")),
            doc=spec.get("doc", ""),
            relation=spec.get("relation"),
            provenance=spec.get("provenance", True),
        )
        for rtype, spec in raw["relationships"].items()
    }
    for node in nodes.values():
        if sum(p.key for p in node.properties.values()) != 1:
            raise ValueError(f"{path.name}: node {node.label} must declare exactly one key property")
    for rel in rels.values():
        for end in (rel.start, rel.end):
            if end != "*" and end not in nodes:
                raise ValueError(f"{path.name}: relationship {rel.type} names unknown label {end}")
    return Model(
        version=raw["version"], nodes=nodes, relationships=rels, provenance=_props(raw["provenance"])
    )


MODEL = load_model()
