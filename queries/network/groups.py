"""Debtor groups (关联被执行人团伙) and the brokers who connect them.

The debtor network holds every legal person that is respondent in an open
enforcement case, linked when they are related (equity, offices, family,
guarantees), share a phone or share an address. A non-debtor related to two or
more debtors (the boss behind the shells) joins the network as a *connector*.
Hubs are left out: a phone or address used by more than ``hub_degree`` parties (a
registered-agent address), and a connector related to more than ``hub_degree``
debtors (a bank, a government office). Communities of that network are the groups,
ranked by total outstanding debt and by the number of courts (court_code) they span.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

from graph_model.db import Graph
from graph_model.subgraph import Subgraph
from queries.network.common import (
    GLOBAL_CACHE,
    OPEN_STATUSES,
    NetworkError,
    PartyInfo,
    algorithm,
    resolve_party,
    today,
)
from queries.network.community import detect_communities
from queries.statements import statement

RELATION_ZH = {
    "SHAREHOLDER_OF": "股东", "LEGAL_REPRESENTATIVE_OF": "法定代表人", "DIRECTOR_OF": "董事",
    "SUPERVISOR_OF": "监事", "MANAGER_OF": "经理", "ACTUAL_CONTROLLER_OF": "实际控制人", "EMPLOYEE_OF": "员工",
    "SPOUSE_OF": "配偶", "PARENT_OF": "父母子女", "SIBLING_OF": "兄弟姐妹", "RELATIVE_OF": "亲属",
    "GUARANTOR_OF": "担保",
}


@dataclass
class DebtorNetwork:
    """The debtor network as networkx sees it: nodes are entity ids, edges carry their evidence."""

    graph: nx.Graph = field(default_factory=nx.Graph)
    parties: dict[str, PartyInfo] = field(default_factory=dict)
    uids: dict[str, set[str]] = field(default_factory=dict)  # entity -> every party uid of it
    cases: dict[str, dict[str, tuple[str | None, float | None]]] = field(default_factory=dict)  # entity -> case_no -> (court_code, outstanding)
    hubs: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    community: dict[str, int] = field(default_factory=dict)  # entity -> community index
    communities: list[set[str]] = field(default_factory=list)
    algorithm: dict[str, Any] = field(default_factory=dict)

    def link(self, a: str, b: str, evidence: dict[str, Any]) -> None:
        if a == b:
            return
        if self.graph.has_edge(a, b):
            self.graph[a][b]["weight"] += 1.0
            self.graph[a][b]["links"].append(evidence)
        else:
            self.graph.add_edge(a, b, weight=1.0, links=[evidence])

    def is_debtor(self, entity: str) -> bool:
        return entity in self.cases


CHUNK = 5000  # debtors per pull statement


def _chunks(items: list[str], size: int | None = None) -> Iterator[list[str]]:
    size = size or CHUNK
    for i in range(0, len(items), size):
        yield items[i:i + size]


def build_debtor_network(graph: Graph, hub_degree: int = 50, max_debtor_rows: int = 5_000_000,
                         as_of: dt.date | None = None) -> DebtorNetwork:
    """Pull open debts, relations and shared contacts of every debtor and fold them into a networkx graph."""
    as_of = as_of or today()
    net = DebtorNetwork()
    rows = graph.read(statement("network/open_debts"), {"open_statuses": OPEN_STATUSES, "limit": max_debtor_rows},
                      timeout=600)
    net.truncated = len(rows) >= max_debtor_rows
    entity_of: dict[str, str] = {}
    for row in rows:
        entity = row["entity"]
        net.parties.setdefault(entity, PartyInfo(row["uid"], entity, row["name"], row["kind"]))
        net.uids.setdefault(entity, set()).add(row["uid"])
        net.cases.setdefault(entity, {})[row["case_no"]] = (row["court_code"], row["outstanding"])
        entity_of[row["uid"]] = entity
        net.graph.add_node(entity)
    uids = sorted(entity_of)
    connectors: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for chunk in _chunks(uids):
        limit = 50 * len(chunk) + 1000
        rows = graph.read(statement("network/debtor_relations"), {"uids": chunk, "as_of": as_of, "limit": limit},
                          timeout=600)
        net.truncated = net.truncated or len(rows) >= limit
        for row in rows:
            a = entity_of[row["a"]]
            b = row["b_entity"]
            evidence = {"kind": "relation", "type": row["type"], "a": row["a"], "b": row["b"]}
            if b in net.cases:
                net.link(a, b, evidence)
            else:
                connectors.setdefault(b, {}).setdefault(a, []).append(evidence)
                net.parties.setdefault(b, PartyInfo(row["b"], b, row["b_name"], row["b_kind"]))
                net.uids.setdefault(b, set()).add(row["b"])
    for connector, debtors in connectors.items():
        if len(debtors) < 2:
            net.parties.pop(connector, None)
            net.uids.pop(connector, None)
            continue
        if len(debtors) > hub_degree:
            net.hubs.append({"kind": "party", "value": connector, "degree": len(debtors)})
            net.parties.pop(connector, None)
            net.uids.pop(connector, None)
            continue
        for debtor, evidence in debtors.items():
            for ev in evidence:
                net.link(connector, debtor, ev)
    seen: set[tuple[str, str]] = set()
    for chunk in _chunks(uids):
        limit = 10 * len(chunk) + 1000
        rows = graph.read(statement("network/debtor_contacts"),
                          {"uids": chunk, "hub_degree": hub_degree, "open_statuses": OPEN_STATUSES, "limit": limit},
                          timeout=600)
        net.truncated = net.truncated or len(rows) >= limit
        for row in rows:
            if (row["kind"], row["value"]) in seen:
                continue  # met again from a later chunk of debtors
            seen.add((row["kind"], row["value"]))
            if row["degree"] > hub_degree:
                net.hubs.append({"kind": row["kind"], "value": row["value"], "degree": row["degree"]})
                continue
            entities = sorted({entity_of[u] for u in row["holders"] if u in entity_of})
            for a, b in combinations(entities, 2):
                net.link(a, b, {"kind": row["kind"], "value": row["value"]})
    return net


def detect_groups(net: DebtorNetwork, method: str = "auto", seed: int = 42, resolution: float = 1.0) -> None:
    """Communities of the debtor network, written onto ``net`` (community index per entity)."""
    nodes = sorted(net.graph.nodes)
    edges = [(a, b, float(d["weight"])) for a, b, d in net.graph.edges(data=True)]
    parts, algo = detect_communities(nodes, edges, method=method, seed=seed, resolution=resolution)
    parts.sort(key=lambda p: min(p))
    net.communities = parts
    net.community = {n: i for i, p in enumerate(parts) for n in p}
    net.algorithm = algo


@dataclass
class GroupMember:
    party: PartyInfo
    debtor: bool
    open_cases: int
    outstanding: float  # summed over its open cases with a known outstanding
    unknown_amount_cases: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "debtor": self.debtor, "open_cases": self.open_cases,
                "outstanding": self.outstanding, "unknown_amount_cases": self.unknown_amount_cases}


@dataclass
class DebtorGroup:
    group_id: str  # the smallest entity id in it: stable across runs on the same load
    members: list[GroupMember]
    total_outstanding: float
    open_cases: int
    unknown_amount_cases: int  # open cases whose outstanding is unknown (counted, not summed)
    courts: list[str]
    rank_by_outstanding: int = 0
    rank_by_courts: int = 0

    @property
    def debtors(self) -> int:
        return sum(1 for m in self.members if m.debtor)

    def to_json(self) -> dict[str, Any]:
        return {"group_id": self.group_id, "debtors": self.debtors, "size": len(self.members),
                "total_outstanding": self.total_outstanding, "open_cases": self.open_cases,
                "unknown_amount_cases": self.unknown_amount_cases, "courts": self.courts,
                "court_count": len(self.courts), "rank_by_outstanding": self.rank_by_outstanding,
                "rank_by_courts": self.rank_by_courts, "members": [m.to_json() for m in self.members]}


def _group(net: DebtorNetwork, entities: set[str]) -> DebtorGroup:
    cases: dict[str, tuple[str | None, float | None]] = {}
    members: list[GroupMember] = []
    for entity in entities:
        own = net.cases.get(entity, {})
        cases.update(own)
        members.append(GroupMember(net.parties[entity], entity in net.cases, len(own),
                                   sum(v for _, v in own.values() if v is not None),
                                   sum(1 for _, v in own.values() if v is None)))
    members.sort(key=lambda m: (not m.debtor, -m.outstanding, m.party.uid))
    return DebtorGroup(
        group_id=min(entities), members=members,
        total_outstanding=sum(v for _, v in cases.values() if v is not None), open_cases=len(cases),
        unknown_amount_cases=sum(1 for _, v in cases.values() if v is None),
        courts=sorted({c for c, _ in cases.values() if c}),
    )


@dataclass
class GroupsResult:
    groups: list[DebtorGroup]
    debtors: int  # legal persons with open enforcement debt in the graph
    hubs: list[dict[str, Any]]
    algorithm: dict[str, Any]
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        return {"groups": [g.to_json() for g in self.groups], "debtors": self.debtors, "hubs": self.hubs,
                "algorithm": self.algorithm, "truncated": self.truncated}


@dataclass
class _Analysis:
    net: DebtorNetwork
    groups: list[DebtorGroup]


def _analyse(graph: Graph, hub_degree: int, method: str, min_debtors: int, use_cache: bool) -> _Analysis:
    def compute() -> _Analysis:
        net = build_debtor_network(graph, hub_degree=hub_degree)
        detect_groups(net, method=method)
        groups = [_group(net, part) for part in net.communities]
        groups = [g for g in groups if g.debtors >= min_debtors]
        for rank, g in enumerate(sorted(groups, key=lambda g: (-len(g.courts), -g.total_outstanding, g.group_id)), 1):
            g.rank_by_courts = rank
        groups.sort(key=lambda g: (-g.total_outstanding, -len(g.courts), g.group_id))
        for rank, g in enumerate(groups, 1):
            g.rank_by_outstanding = rank
        return _Analysis(net, groups)

    return GLOBAL_CACHE.get_or_compute(graph, ("debtor_groups", hub_degree, method, min_debtors, today()), compute,
                                use_cache)


def _algorithm(net: DebtorNetwork, hub_degree: int, min_debtors: int) -> dict[str, Any]:
    return algorithm(
        f"debtor groups: communities by {net.algorithm.get('name')} over the debtor network (relations, shared "
        "phones, shared addresses; connectors related to two or more debtors)",
        community=net.algorithm, hub_degree=hub_degree, min_debtors=min_debtors, open_statuses=OPEN_STATUSES)


def debtor_groups(graph: Graph, top: int | None = None, by: str = "outstanding", hub_degree: int = 50,
                  method: str = "auto", min_debtors: int = 2, use_cache: bool = True) -> GroupsResult:
    """Groups of linked debtors, ranked by total outstanding debt (``by='outstanding'``) or courts spanned."""
    if by not in ("outstanding", "courts"):
        raise NetworkError(f"rank groups by 'outstanding' or 'courts', not {by!r}")
    analysis = _analyse(graph, hub_degree, method, min_debtors, use_cache)
    groups = list(analysis.groups)
    if by == "courts":
        groups.sort(key=lambda g: g.rank_by_courts)
    return GroupsResult(groups=groups[:top] if top else groups, debtors=len(analysis.net.cases),
                        hubs=analysis.net.hubs, algorithm=_algorithm(analysis.net, hub_degree, min_debtors),
                        truncated=analysis.net.truncated)


def _view(graph: Graph, net: DebtorNetwork, entities: set[str], subject: PartyInfo, max_nodes: int) -> Subgraph:
    """The parties, their mutual relations, shared contacts and open cases, as one Subgraph."""
    chosen = sorted(entities)
    truncated = len(chosen) > max_nodes
    chosen = chosen[:max_nodes]
    if subject.entity_id in entities and subject.entity_id not in chosen:
        chosen[-1] = subject.entity_id
    chosen_set = set(chosen)
    phones: set[str] = set()
    addresses: set[str] = set()
    for _, _, data in net.graph.subgraph(chosen_set).edges(data=True):
        for ev in data["links"]:
            if ev["kind"] == "phone":
                phones.add(ev["value"])
            elif ev["kind"] == "address":
                addresses.add(ev["value"])
    uids = sorted(u for e in chosen for u in net.uids.get(e, ()))
    records = graph.read_records(statement("network/group_view"), {
        "uids": uids, "phones": sorted(phones), "addresses": sorted(addresses), "open_statuses": OPEN_STATUSES,
        "cases_per_party": 20})
    sub = Subgraph.from_records(records)
    sub.subject = subject.element_id or next((n.id for n in sub.nodes.values()
                                              if n.properties.get("uid") == subject.uid), None)
    sub.truncated = truncated
    return sub


@dataclass
class GroupView:
    party: PartyInfo
    group: DebtorGroup | None  # None when the group is smaller than min_debtors
    community_size: int
    algorithm: dict[str, Any]
    subgraph: Subgraph

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "group": self.group.to_json() if self.group else None,
                "community_size": self.community_size, "algorithm": self.algorithm,
                "subgraph": self.subgraph.to_json()}


def _locate(graph: Graph, ref: str, analysis: _Analysis) -> PartyInfo:
    party = resolve_party(graph, ref)
    if party.entity_id not in analysis.net.graph:
        raise NetworkError(f"{party.label} ({party.uid}) is not in the debtor network: no open enforcement debt "
                           "and not related to two or more debtors")
    return party


def debtor_group(graph: Graph, ref: str, hub_degree: int = 50, method: str = "auto", min_debtors: int = 2,
                 max_nodes: int = 500, use_cache: bool = True) -> GroupView:
    """The group of one debtor (named by uid, id_number or ``<source>:<party_id>``), with its Subgraph."""
    analysis = _analyse(graph, hub_degree, method, min_debtors, use_cache)
    party = _locate(graph, ref, analysis)
    net = analysis.net
    part = net.communities[net.community[party.entity_id]]
    group = next((g for g in analysis.groups if g.group_id == min(part)), None)
    return GroupView(party=party, group=group, community_size=len(part),
                     algorithm=_algorithm(net, hub_degree, min_debtors),
                     subgraph=_view(graph, net, part, party, max_nodes))


@dataclass
class Broker:
    party: PartyInfo
    betweenness: float
    degree: int
    debtor: bool
    community: int
    communities_bridged: int  # distinct communities among the party and its neighbours

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "betweenness": round(self.betweenness, 9), "degree": self.degree,
                "debtor": self.debtor, "community": self.community, "communities_bridged": self.communities_bridged}


@dataclass
class BrokersResult:
    party: PartyInfo
    brokers: list[Broker]
    network_size: int
    algorithm: dict[str, Any]
    truncated: bool
    subgraph: Subgraph

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "brokers": [b.to_json() for b in self.brokers],
                "network_size": self.network_size, "algorithm": self.algorithm, "truncated": self.truncated,
                "subgraph": self.subgraph.to_json()}


def _ball(g: nx.Graph, source: str, limit: int) -> set[str]:
    """The ``limit`` nodes nearest to ``source`` (whole distance rings while they fit, then the start of the next)."""
    scope = {source}
    for layer in nx.bfs_layers(g, source):
        if layer == [source]:
            continue
        room = limit - len(scope)
        if room <= 0:
            break
        scope.update(sorted(layer)[:room])
    return scope


def brokers(graph: Graph, ref: str, top: int = 10, hub_degree: int = 50, method: str = "auto",
            exact_limit: int = 1000, max_nodes: int = 500, use_cache: bool = True) -> BrokersResult:
    """Who connects the debtor's network: exact betweenness centrality over the connected part of the debtor
    network that holds the debtor (a Louvain/Leiden group would cut a broker off from one of the groups it
    joins, so the whole connected part is used; each broker says how many groups it bridges). A connected
    part larger than ``exact_limit`` is cut to the ``exact_limit`` parties nearest the debtor."""
    analysis = _analyse(graph, hub_degree, method, 2, use_cache)
    party = _locate(graph, ref, analysis)
    net = analysis.net
    component = nx.node_connected_component(net.graph, party.entity_id)
    scope = component if len(component) <= exact_limit else _ball(net.graph, party.entity_id, exact_limit)
    h = net.graph.subgraph(scope)
    scores = nx.betweenness_centrality(h, normalized=True)
    ranked = sorted(scores, key=lambda e: (-scores[e], -h.degree(e), e))[:top]
    result = [Broker(party=net.parties[e], betweenness=scores[e], degree=h.degree(e), debtor=net.is_debtor(e),
                     community=net.community[e],
                     communities_bridged=len({net.community[e]} | {net.community[n] for n in h.neighbors(e)}))
              for e in ranked]
    return BrokersResult(
        party=party, brokers=result, network_size=len(component),
        algorithm=algorithm("brokers: networkx.betweenness_centrality (exact) on the connected part of the debtor "
                            "network holding the party, cut to the parties nearest it when larger than exact_limit",
                            normalized=True, exact_limit=exact_limit, scope=len(scope), hub_degree=hub_degree,
                            communities=net.algorithm),
        truncated=len(scope) < len(component) or len(scope) > max_nodes,
        subgraph=_view(graph, net, scope, party, max_nodes))
