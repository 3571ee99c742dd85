"""Paths between two parties, each told as a Chinese sentence, with hub suppression.

The pull grows breadth-first from both parties at once (one .cypher round trip
per hop and side) over party relations, shared phones and addresses, case roles
and receivables. A phone, address, case or party with more relationships than
``hub_degree`` is a *hub*: it is not crossed (nor expanded) unless ``cross_hubs``
— a registered-agent address or a bank that is party to ten thousand cases links
everyone to everyone and explains nothing. The k shortest simple paths come from
networkx ``shortest_simple_paths``; ``max_hops`` counts relationships (sharing a
phone is two: party → phone → party).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_model.db import Graph
from graph_model.subgraph import GNode, GRel, Subgraph
from queries.network.common import CACHE, NetworkError, PartyInfo, add_to, algorithm, party_node, resolve_party, today
from queries.statements import statement

ROLE_ZH = {"APPLICANT_IN": "申请执行人", "RESPONDENT_IN": "被执行人", "PLAINTIFF_IN": "原告", "DEFENDANT_IN": "被告",
           "THIRD_PARTY_IN": "第三人", "ADMINISTRATOR_IN": "破产管理人"}
OFFICE_ZH = {"SHAREHOLDER_OF": "股东", "LEGAL_REPRESENTATIVE_OF": "法定代表人", "DIRECTOR_OF": "董事",
             "SUPERVISOR_OF": "监事", "MANAGER_OF": "经理", "ACTUAL_CONTROLLER_OF": "实际控制人",
             "EMPLOYEE_OF": "员工", "PARENT_OF": "父母"}
MUTUAL_ZH = {"SPOUSE_OF": "配偶", "SIBLING_OF": "兄弟姐妹", "RELATIVE_OF": "亲属"}


def node_key(node: GNode) -> str:
    """Parties are keyed by legal person (entity id); phones, addresses, cases and assets by element id."""
    if "Party" in node.labels:
        return "e:" + str(node.properties.get("entity_id") or node.properties.get("uid"))
    return node.id


def node_kind(node: GNode) -> str:
    for label, kind in (("Party", "party"), ("Phone", "phone"), ("Address", "address"), ("Case", "case"),
                        ("Asset", "asset")):
        if label in node.labels:
            return kind
    return "node"


def _name(node: GNode) -> str:
    for key in ("name", "number", "text", "case_no", "description", "uid"):
        if node.properties.get(key):
            return str(node.properties[key])
    return node.id


@dataclass
class PathPull:
    graph: nx.Graph = field(default_factory=nx.Graph)
    nodes: dict[str, GNode] = field(default_factory=dict)  # key -> the node shown for it
    by_id: dict[str, GNode] = field(default_factory=dict)  # element id -> node
    degree: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def add_node(self, node: GNode, degree: int | None = None) -> str:
        key = node_key(node)
        self.nodes.setdefault(key, node)
        self.by_id.setdefault(node.id, node)
        self.graph.add_node(key)
        if degree is not None:
            self.degree[key] = max(degree, self.degree.get(key, 0))
        return key

    def add_rel(self, rel: GRel) -> None:
        a, b = node_key(self.by_id[rel.start]), node_key(self.by_id[rel.end])
        if a == b:
            return
        if self.graph.has_edge(a, b):
            if all(r.id != rel.id for r in self.graph[a][b]["rels"]):
                self.graph[a][b]["rels"].append(rel)
        else:
            self.graph.add_edge(a, b, rels=[rel])


def _neighbour(row: dict[str, Any]) -> GNode:
    """The node met by an expansion, from the flat columns of network/expand.cypher."""
    if row["m_label"] == "Party":
        return party_node(row, "m")
    props = {key: row[f"m_{key}"] for key in ("number", "text", "case_no", "value", "uid", "kind")
             if row.get(f"m_{key}") is not None}
    return GNode(row["m_id"], [row["m_label"] or "Node"], props)


def _pull(graph: Graph, source: PartyInfo, target: PartyInfo, max_hops: int, hub_degree: int, cross_hubs: bool,
          max_nodes: int, as_of: dt.date) -> PathPull:
    pull = PathPull()
    ends = {"e:" + source.entity_id, "e:" + target.entity_id}
    for party, depth in ((source, math.ceil(max_hops / 2)), (target, max_hops // 2)):
        entities = {party.entity_id}  # parties reached: expand every party of their legal person
        others: set[str] = set()  # phones, addresses, cases, assets reached (element ids)
        expanded: set[str] = set()
        reached = {"e:" + party.entity_id}  # by this side (the other side's finds may need expanding too)
        for _ in range(depth):
            ids = set(others)
            if entities:
                members = graph.read(statement("network/entity_members"),
                                     {"entities": sorted(entities), "limit": max_nodes})
                for row in members:
                    node = party_node(row, "p")
                    pull.add_node(node)
                    ids.add(node.id)
            ids -= expanded
            if not ids:
                break
            expanded |= ids
            limit = max_nodes * 4
            rows = graph.read(statement("network/expand"), {"ids": sorted(ids), "as_of": as_of, "limit": limit})
            if len(rows) >= limit:
                pull.truncated = True
            entities, others = set(), set()
            for row in rows:
                m = _neighbour(row)
                key = pull.add_node(m, row["m_degree"])
                known = key in reached
                reached.add(key)
                props = {"share": row["r_share"]} if row.get("r_share") is not None else {}
                pull.add_rel(GRel(row["r_id"], row["r_type"], row["r_start"], row["r_end"], props))
                if known or key in ends or (not cross_hubs and pull.degree.get(key, 0) > hub_degree):
                    continue
                if "Party" in m.labels:
                    entities.add(key[2:])
                else:
                    others.add(m.id)
            if len(pull.nodes) > max_nodes:
                pull.truncated = True
                break
    return pull


def _pct(share: Any) -> str:
    return f"{float(share) * 100:.2f}".rstrip("0").rstrip(".") + "%"


def relation_sentence(rel: GRel, nodes: dict[str, GNode]) -> str:
    """One party-to-party relationship in Chinese, in the relationship's own direction."""
    s, e = _name(nodes[rel.start]), _name(nodes[rel.end])
    if rel.type == "SHAREHOLDER_OF":
        share = rel.properties.get("share")
        return f"{s} 是 {e} 的股东" + (f"（持股{_pct(share)}）" if share is not None else "")
    if rel.type == "GUARANTOR_OF":
        return f"{s} 为 {e} 的债务提供担保"
    if rel.type in MUTUAL_ZH:
        return f"{s} 与 {e} 是{MUTUAL_ZH[rel.type]}"
    return f"{s} 是 {e} 的{OFFICE_ZH.get(rel.type, rel.type)}"


def via_sentence(left: GRel, middle: GNode, right: GRel, nodes: dict[str, GNode]) -> str:
    """Two parties joined through a phone, an address, a case or a receivable."""
    an = _name(nodes[left.end if left.start == middle.id else left.start])
    bn = _name(nodes[right.end if right.start == middle.id else right.start])
    props = middle.properties
    if "Phone" in middle.labels:
        return f"{an} 与 {bn} 共用电话 {props.get('number')}"
    if "Address" in middle.labels:
        return f"{an} 与 {bn} 共用地址 {props.get('text')}"
    if "Case" in middle.labels:
        return (f"{an} 与 {bn} 同为案件 {props.get('case_no')} 的当事人"
                f"（{an} 为{ROLE_ZH.get(left.type, left.type)}，{bn} 为{ROLE_ZH.get(right.type, right.type)}）")
    if "Asset" in middle.labels:
        owner, debtor = (an, bn) if left.type == "OWNS" else (bn, an)
        value = props.get("value")
        return f"{owner} 对 {debtor} 享有应收账款" + (f"（金额 {value:,.2f} 元）" if value is not None else "")
    return f"{an} 与 {bn} 经 {_name(middle)} 相连"


@dataclass
class FoundPath:
    hops: int
    nodes: list[dict[str, Any]]  # {"kind", "name", "uid"/"value", "hub"}
    sentence: str
    rels: list[GRel] = field(repr=False, default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"hops": self.hops, "nodes": self.nodes, "sentence": self.sentence}


@dataclass
class PathsResult:
    source: PartyInfo
    target: PartyInfo
    paths: list[FoundPath]
    hubs: list[dict[str, Any]]  # hubs met in the pull (crossed only with cross_hubs)
    algorithm: dict[str, Any]
    truncated: bool
    subgraph: Subgraph

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source.to_json(), "target": self.target.to_json(),
                "paths": [p.to_json() for p in self.paths], "hubs": self.hubs, "algorithm": self.algorithm,
                "truncated": self.truncated, "subgraph": self.subgraph.to_json()}


def _describe(pull: PathPull, keys: list[str], hub_degree: int) -> FoundPath:
    parts: list[str] = []
    rels: list[GRel] = []
    nodes = []
    for key in keys:
        node = pull.nodes[key]
        kind = node_kind(node)
        item: dict[str, Any] = {"kind": kind, "name": _name(node), "hub": pull.degree.get(key, 0) > hub_degree}
        if kind == "party":
            item["uid"] = node.properties.get("uid")
        elif kind == "case":
            item["case_no"] = node.properties.get("case_no")
        elif kind in ("phone", "address"):
            item["value"] = node.properties.get("number") or node.properties.get("text")
        nodes.append(item)
    i = 0
    while i < len(keys) - 1:
        here, nxt = keys[i], keys[i + 1]
        first = pull.graph[here][nxt]["rels"][0]
        rels.append(first)
        if node_kind(pull.nodes[nxt]) == "party" or i + 2 >= len(keys):
            parts.append(relation_sentence(first, pull.by_id))
            i += 1
        else:
            second = pull.graph[nxt][keys[i + 2]]["rels"][0]
            rels.append(second)
            parts.append(via_sentence(first, pull.nodes[nxt], second, pull.by_id))
            i += 2
    return FoundPath(hops=len(keys) - 1, nodes=nodes, sentence="，".join(parts) + "。", rels=rels)


def find_paths(graph: Graph, source: PartyInfo, target: PartyInfo, k: int = 3, max_hops: int = 4,
               cross_hubs: bool = False, hub_degree: int = 50, max_nodes: int = 5000,
               as_of: dt.date | None = None) -> PathsResult:
    """The k shortest paths of at most ``max_hops`` relationships between two legal persons."""
    if source.entity_id == target.entity_id:
        raise NetworkError(f"{source.uid} and {target.uid} are the same legal person")
    if k < 1 or max_hops < 1:
        raise NetworkError("k and max_hops must be at least 1")
    as_of = as_of or today()
    pull = _pull(graph, source, target, max_hops, hub_degree, cross_hubs, max_nodes, as_of)
    s, t = "e:" + source.entity_id, "e:" + target.entity_id
    hubs = sorted((key for key, d in pull.degree.items() if d > hub_degree and key not in (s, t)))
    g = pull.graph if cross_hubs else pull.graph.subgraph(set(pull.graph) - set(hubs))
    found: list[FoundPath] = []
    if s in g and t in g:
        try:
            for keys in nx.shortest_simple_paths(g, s, t):
                if len(keys) - 1 > max_hops or len(found) >= k:
                    break
                found.append(_describe(pull, keys, hub_degree))
        except nx.NetworkXNoPath:
            pass
    sub = Subgraph(subject=source.element_id)
    for path in found:
        for rel in path.rels:
            add_to(sub, pull.by_id[rel.start], pull.by_id[rel.end], rel)
    sub.truncated = pull.truncated
    return PathsResult(
        source=source, target=target, paths=found,
        hubs=[{"kind": node_kind(pull.nodes[h]), "name": _name(pull.nodes[h]), "degree": pull.degree[h]} for h in hubs],
        algorithm=algorithm("paths: bidirectional breadth-first pull, then networkx.shortest_simple_paths "
                            "(unweighted, hops = relationships)", k=k, max_hops=max_hops, cross_hubs=cross_hubs,
                            hub_degree=hub_degree, max_nodes=max_nodes, as_of=as_of),
        truncated=pull.truncated, subgraph=sub)


def paths_between(graph: Graph, a_ref: str, b_ref: str, k: int = 3, max_hops: int = 4, cross_hubs: bool = False,
                  hub_degree: int = 50, max_nodes: int = 5000, use_cache: bool = True) -> PathsResult:
    """:func:`find_paths` for two parties named by uid, id_number or ``<source>:<party_id>`` (cached per load)."""
    source, target = resolve_party(graph, a_ref), resolve_party(graph, b_ref)
    key = ("paths", source.entity_id, target.entity_id, k, max_hops, cross_hubs, hub_degree, max_nodes, today())
    return CACHE.get_or_compute(
        graph, key, lambda: find_paths(graph, source, target, k, max_hops, cross_hubs, hub_degree, max_nodes),
        use_cache)
