"""What every network analysis shares: party references, the load version, the result cache.

Parties that identity linking joined (equal ``entity_id``) are one legal person
to every analysis here: networkx nodes are entity ids, and a party is shown by
the first of its parties the pull met.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph_model.db import Graph
from graph_model.subgraph import GNode, GRel, Subgraph
from queries.statements import statement

OPEN_STATUSES = ["pending", "suspended", "terminated_no_assets"]
"""Enforcement case statuses that leave the debt open (a null outstanding still counts)."""

T = TypeVar("T")


class NetworkError(ValueError):
    """A network analysis cannot run on what it was given; the message says what and why."""


@dataclass(frozen=True)
class PartyInfo:
    """A legal person as results show it."""

    uid: str
    entity_id: str
    name: str | None
    kind: str | None
    element_id: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.uid

    def to_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "entity_id": self.entity_id, "name": self.name, "kind": self.kind}


KIND_LABEL = {"person": "Person", "company": "Company", "organization": "Organization"}
PARTY_COLUMNS = (("uid", "uid"), ("entity_id", "entity"), ("name", "name"), ("kind", "kind"))


def party_node(row: dict[str, Any], x: str) -> GNode:
    """A party from the flat columns ``<x>_id, <x>_uid, <x>_entity, <x>_name, <x>_kind`` the statements return.

    Flat columns instead of whole nodes: decoding full nodes (every name, source key and
    provenance datetime) cost the equity pull three times its time (bench/bench_network.py).
    """
    kind = row.get(f"{x}_kind")
    labels = ["Party", *([KIND_LABEL[kind]] if kind in KIND_LABEL else [])]
    props = {key: row[f"{x}_{col}"] for key, col in PARTY_COLUMNS if row.get(f"{x}_{col}") is not None}
    return GNode(row[f"{x}_id"], sorted(labels), props)


def party_of(node: GNode) -> PartyInfo:
    uid = str(node.properties.get("uid"))
    return PartyInfo(uid=uid, entity_id=str(node.properties.get("entity_id") or uid), name=node.properties.get("name"),
                     kind=node.properties.get("kind"), element_id=node.id)


def add_to(sub: Subgraph, *items: GNode | GRel) -> None:
    """Put projected nodes and relationships into a Subgraph (first one seen wins)."""
    for item in items:
        if isinstance(item, GNode):
            sub.nodes.setdefault(item.id, item)
        else:
            sub.relationships.setdefault(item.id, item)


def resolve_party(graph: Graph, ref: str) -> PartyInfo:
    """The party named by uid, id_number or ``<source>:<party_id>``; NetworkError when none or several."""
    ref = (ref or "").strip()
    if not ref:
        raise NetworkError("no party given (use a uid, an id_number or <source>:<party_id>)")
    rows = graph.read(statement("network/resolve_party"), {"ref": ref})
    if not rows and ":" in ref:
        rows = graph.read(statement("network/resolve_party_by_source_key"), {"ref": ref})
    parties = {r["p_id"]: party_of(party_node(r, "p")) for r in rows}
    if not parties:
        raise NetworkError(f"no party {ref!r} in the graph (looked for it as uid, id_number and <source>:<party_id>)")
    if len(parties) > 1:
        names = ", ".join(sorted(p.uid for p in parties.values()))
        raise NetworkError(f"{ref!r} names several parties ({names}); give a uid")
    return next(iter(parties.values()))


def load_version(graph: Graph) -> tuple[Any, ...]:
    """Exports loaded, their last load time, and identity links: any new load changes it."""
    row = graph.read(statement("network/load_version"))[0]
    return (row["exports"], row["last_loaded_at"], row["same_as"], row["last_reviewed_at"])


def algorithm(name: str, **parameters: Any) -> dict[str, Any]:
    """The ``algorithm`` field every result carries: what produced it, with which parameters."""
    return {"name": name, "parameters": {k: _plain(v) for k, v in parameters.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass
class ResultCache:
    """Results keyed by (analysis, arguments, database, load version); least recently used go first."""

    max_entries: int = 256
    _items: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def get_or_compute(self, graph: Graph, key: Hashable, compute: Callable[[], T], use: bool = True) -> T:
        if not use:
            return compute()
        full = (graph.settings.uri, graph.database, load_version(graph), key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full]
        value = compute()
        with self._lock:
            self.misses += 1
            self._items[full] = value
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


CACHE = ResultCache()
"""The process-wide cache of per-party network results (the CLI, the API and the views share it)."""

GLOBAL_CACHE = ResultCache(max_entries=4)
"""The whole-graph analyses (the debtor network with its communities, the claim graph): few but large."""


def clear_caches() -> None:
    CACHE.clear()
    GLOBAL_CACHE.clear()


def today() -> dt.date:
    return dt.date.today()
