"""Equity penetration (股权穿透), the ultimate controller (实际控制人), and what a person controls.

Cumulative share: the product of the shares along a chain of holdings, summed over
every chain. Chains are *simple paths* (no legal person twice), so a cross-holding
cycle (A holds B, B holds A) contributes every way round it once and is never
looped. Holdings come from SHAREHOLDER_OF in force on ``as_of``; two exports that
give the same holding between the same two legal persons count it once (the larger
share). A share the exports leave empty makes the chains through it unknown: they
are counted in ``paths`` but add nothing, and the holder is marked ``share_incomplete``.

Ultimate holders are the holders above the company with no shareholders of their own:
natural persons (kind person), state and other organizations (kind organization: 国资委,
collectives, public bodies), and companies whose shareholders no export gives (or lie beyond
``max_hops``) — each says which (``terminal``). Holders that are held in turn are listed
as intermediates with their own cumulative share.

The ultimate controller of a company, by the first rule that decides:

1. ``actual_controller`` — a declared ACTUAL_CONTROLLER_OF the company (registry fact);
2. ``majority`` — an ultimate holder with cumulative share ≥ 50 %;
3. ``via_majority_holder`` — a company holding ≥ 50 % of it cumulatively is itself controlled by
   rules 1–3: its controller controls this company too (control passes along chains of majorities,
   the same rule :func:`controlled_companies` applies downwards);
4. ``largest`` — the ultimate holder with the largest cumulative share (a tie decides nothing).

A party controls a company (:func:`controlled_companies`), by the first rule that holds:

1. ``actual_controller`` — it is the company's declared actual controller;
2. ``majority`` — its cumulative share in the company is ≥ 50 %;
3. ``legal_representative`` — it is the company's legal representative and nobody (direct or
   indirect holder, at any level) holds ≥ 50 % of it cumulatively, and no actual controller is declared;
4. ``via_controlled`` — a company it controls holds ≥ 50 % of the company cumulatively
   (control passes down chains of majorities: 60 % of 60 % is control although 36 % is not a majority).

The two directions differ on purpose in one place: upwards a company without a ≥ 50 % holder
gets its largest ultimate holder as controller (rule 4, which the result names as such), while
downwards only the legal representative of such a company is taken to control it — the reverse
view feeds the asset panorama, where "controls" must mean more than "holds the most".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_model.db import Graph
from graph_model.subgraph import GNode, GRel, Subgraph
from queries.network.common import (
    CACHE,
    NetworkError,
    PartyInfo,
    add_to,
    algorithm,
    party_node,
    party_of,
    resolve_party,
    today,
)
from queries.statements import statement

MAJORITY = 0.5
EPS = 1e-9
MAX_REPRESENTED = 200  # companies checked for the legal_representative rule per party


@dataclass
class Link:
    """One relationship with its two ends, as the .cypher statements here return it (h = start, c = end)."""

    rel: GRel
    start: GNode
    end: GNode

    @classmethod
    def of(cls, row: dict[str, Any]) -> Link:
        props = {"share": row["r_share"]} if row.get("r_share") is not None else {}
        return cls(GRel(row["r_id"], row["r_type"], row["h_id"], row["c_id"], props),
                   party_node(row, "h"), party_node(row, "c"))

    def add_to(self, sub: Subgraph) -> None:
        add_to(sub, self.start, self.end, self.rel)


@dataclass
class EquityPull:
    """The equity graph around some legal persons: holder → company edges between entity ids."""

    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    parties: dict[str, PartyInfo] = field(default_factory=dict)
    subgraph: Subgraph = field(default_factory=Subgraph)
    expanded: set[str] = field(default_factory=set)
    truncated: bool = False

    def add_party(self, party: PartyInfo) -> None:
        self.parties.setdefault(party.entity_id, party)
        self.graph.add_node(party.entity_id)

    def add_holding(self, link: Link) -> tuple[str, str] | None:
        holder, company = party_of(link.start), party_of(link.end)
        self.add_party(holder)
        self.add_party(company)
        link.add_to(self.subgraph)
        if holder.entity_id == company.entity_id:
            return None
        share = link.rel.properties.get("share")
        share = float(share) if share is not None else None
        if self.graph.has_edge(holder.entity_id, company.entity_id):
            old = self.graph[holder.entity_id][company.entity_id]["share"]
            if old is None or (share is not None and share > old):
                self.graph[holder.entity_id][company.entity_id]["share"] = share
        else:
            self.graph.add_edge(holder.entity_id, company.entity_id, share=share)
        return holder.entity_id, company.entity_id


def pull_equity(graph: Graph, seeds: list[PartyInfo], direction: str, max_hops: int, max_nodes: int,
                as_of: dt.date) -> EquityPull:
    """Breadth-first, one .cypher round trip per hop, up (shareholders) or down (holdings) from the seeds."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    pull = EquityPull()
    for seed in seeds:
        pull.add_party(seed)
    stmt = statement("network/equity_up" if direction == "up" else "network/equity_down")
    frontier = sorted({s.entity_id for s in seeds})
    for _ in range(max_hops):
        if not frontier:
            break
        pull.expanded.update(frontier)
        limit = max(max_nodes * 4, 100)
        records = graph.read(stmt, {"entities": frontier, "as_of": as_of, "limit": limit})
        if len(records) >= limit:
            pull.truncated = True
        nxt: set[str] = set()
        for record in records:
            known = len(pull.parties)
            edge = pull.add_holding(Link.of(record))
            if edge is None:
                continue
            other = edge[0] if direction == "up" else edge[1]
            if other not in pull.expanded:
                nxt.add(other)
            if known < len(pull.parties) and len(pull.parties) > max_nodes:
                pull.truncated = True
                break
        if pull.truncated:
            break
        frontier = sorted(nxt)
    return pull


@dataclass
class Chains:
    """Cumulative shares from simple-path enumeration around one legal person."""

    share: dict[str, float] = field(default_factory=dict)
    paths: dict[str, int] = field(default_factory=dict)
    incomplete: set[str] = field(default_factory=set)
    example: dict[str, list[str]] = field(default_factory=dict)  # the chain with the largest product
    best: dict[str, float] = field(default_factory=dict)
    truncated: bool = False


def cumulative_shares(holdings: nx.DiGraph, origin: str, direction: str, max_paths: int = 200_000) -> Chains:
    """Sum over simple paths of the product of shares, from ``origin`` up to its holders or down to its holdings.

    Depth-first over networkx predecessors (up) or successors (down); a path never
    revisits a legal person, which is how cross-holding cycles are passed without looping.
    """
    out = Chains()
    stack: list[tuple[str, float | None, tuple[str, ...]]] = [(origin, 1.0, (origin,))]
    walked = 0
    while stack:
        node, product, path = stack.pop()
        neighbours = holdings.predecessors(node) if direction == "up" else holdings.successors(node)
        for other in neighbours:
            if other in path:
                continue
            walked += 1
            if walked > max_paths:
                out.truncated = True
                return out
            edge = holdings[other][node] if direction == "up" else holdings[node][other]
            share = edge["share"]
            value = None if product is None or share is None else product * share
            out.paths[other] = out.paths.get(other, 0) + 1
            out.share.setdefault(other, 0.0)
            if value is None:
                out.incomplete.add(other)
            else:
                out.share[other] += value
                if value > out.best.get(other, -1.0):
                    out.best[other] = value
                    out.example[other] = list(path + (other,))
            if other not in out.example:
                out.example[other] = list(path + (other,))
            stack.append((other, value, path + (other,)))
    return out


@dataclass
class Holder:
    party: PartyInfo
    share: float  # cumulative, from the chains with known shares
    direct_share: float | None
    paths: int
    ultimate: bool
    terminal: str | None  # why the chain ends here: natural_person, state_or_organization, no_known_shareholders, hop_limit
    share_incomplete: bool
    example_path: list[PartyInfo]

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "share": round(self.share, 9), "direct_share": self.direct_share,
                "paths": self.paths, "ultimate": self.ultimate, "terminal": self.terminal,
                "share_incomplete": self.share_incomplete,
                "example_path": [p.to_json() for p in self.example_path]}


@dataclass
class ControllerResult:
    company: PartyInfo
    controller: PartyInfo | None
    rule: str  # actual_controller | majority | via_majority_holder | largest | none
    share: float | None  # the controller's cumulative share (None when it holds nothing)
    reason: str  # the decision in Chinese
    chain: list[PartyInfo]  # via_majority_holder: the company, then each majority holder up to the decisive one
    holders: list[Holder]  # ultimate holders, largest first
    intermediates: list[Holder]  # holders with holders of their own
    declared_controllers: list[PartyInfo]
    algorithm: dict[str, Any]
    truncated: bool
    subgraph: Subgraph

    def to_json(self) -> dict[str, Any]:
        return {
            "company": self.company.to_json(),
            "controller": self.controller.to_json() if self.controller else None,
            "rule": self.rule, "share": self.share, "reason": self.reason,
            "chain": [p.to_json() for p in self.chain],
            "holders": [h.to_json() for h in self.holders],
            "intermediates": [h.to_json() for h in self.intermediates],
            "declared_controllers": [p.to_json() for p in self.declared_controllers],
            "algorithm": self.algorithm, "truncated": self.truncated, "subgraph": self.subgraph.to_json(),
        }


def _terminal(party: PartyInfo, pull: EquityPull) -> str:
    if party.kind == "person":
        return "natural_person"
    if party.kind == "organization":
        return "state_or_organization"
    if party.entity_id not in pull.expanded:
        return "hop_limit"
    return "no_known_shareholders"


def _declared(graph: Graph, entities: list[str], as_of: dt.date, limit: int, stmt: str) -> list[Link]:
    rows = graph.read(statement(stmt), {"entities": entities, "as_of": as_of, "limit": limit})
    return [Link.of(row) for row in rows]


def _pct(value: float | None) -> str:
    return "未知" if value is None else f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass
class _Decision:
    controller: PartyInfo | None
    rule: str
    chain: list[str]  # the company, then each majority holder up to the one whose controller decided
    reason: str


CONTROL_RULES = ("actual_controller", "majority", "via_majority_holder")


def _decide(pull: EquityPull, entity: str, declared: dict[str, list[PartyInfo]], seen: frozenset[str],
            max_paths: int) -> _Decision:
    """The controller of one legal person in the pulled equity graph, by the rules of the module docstring."""
    name = pull.parties[entity].label
    if declared.get(entity):
        who = declared[entity][0]
        return _Decision(who, "actual_controller", [entity], f"{who.label} 登记为 {name} 的实际控制人")
    chains = cumulative_shares(pull.graph, entity, "up", max_paths)
    ranked = sorted(chains.share.items(), key=lambda kv: (-kv[1], pull.parties[kv[0]].uid))
    ultimate = [(e, v) for e, v in ranked if pull.graph.in_degree(e) == 0]
    if ultimate and ultimate[0][1] >= MAJORITY - EPS:
        who = pull.parties[ultimate[0][0]]
        return _Decision(who, "majority", [entity], f"{who.label} 累计持有 {name} {_pct(ultimate[0][1])}，达到50%")
    for holder, value in ranked:
        if value < MAJORITY - EPS:
            break
        if holder in seen or pull.graph.in_degree(holder) == 0:
            continue
        inner = _decide(pull, holder, declared, seen | {entity}, max_paths)
        if inner.rule in CONTROL_RULES:
            reason = f"{pull.parties[holder].label} 累计持有 {name} {_pct(value)}，{inner.reason}"
            return _Decision(inner.controller, "via_majority_holder", [entity, *inner.chain], reason)
    if ultimate and ultimate[0][1] > EPS and (len(ultimate) == 1 or ultimate[1][1] < ultimate[0][1] - EPS):
        who = pull.parties[ultimate[0][0]]
        return _Decision(who, "largest", [entity],
                         f"无人累计持有 {name} 达50%，{who.label} 累计持股 {_pct(ultimate[0][1])}，为最大最终股东")
    if ultimate and ultimate[0][1] > EPS:
        return _Decision(None, "none", [entity], f"{name} 的最大最终股东持股相同，无法确定实际控制人")
    return _Decision(None, "none", [entity], f"未找到 {name} 的股东，无法确定实际控制人")


def penetrate(graph: Graph, company: PartyInfo, max_hops: int = 10, max_nodes: int = 5000,
              max_paths: int = 200_000, as_of: dt.date | None = None) -> ControllerResult:
    """Every holder above ``company`` with its cumulative share, and the ultimate controller."""
    as_of = as_of or today()
    pull = pull_equity(graph, [company], "up", max_hops, max_nodes, as_of)
    chains = cumulative_shares(pull.graph, company.entity_id, "up", max_paths)
    declared: dict[str, list[PartyInfo]] = {}
    for link in _declared(graph, sorted(pull.parties), as_of, max_nodes, "network/declared_controllers"):
        who, whom = party_of(link.start), party_of(link.end)
        if who.entity_id != whom.entity_id and all(p.entity_id != who.entity_id for p in declared.get(whom.entity_id, [])):
            declared.setdefault(whom.entity_id, []).append(who)
            declared[whom.entity_id].sort(key=lambda p: p.uid)
            if whom.entity_id == company.entity_id or whom.entity_id in chains.share:
                link.add_to(pull.subgraph)
    holders: list[Holder] = []
    intermediates: list[Holder] = []
    for entity, share in chains.share.items():
        party = pull.parties[entity]
        ultimate = pull.graph.in_degree(entity) == 0
        direct = pull.graph[entity][company.entity_id]["share"] if pull.graph.has_edge(entity, company.entity_id) else None
        holder = Holder(party=party, share=share, direct_share=direct, paths=chains.paths[entity], ultimate=ultimate,
                        terminal=_terminal(party, pull) if ultimate else None,
                        share_incomplete=entity in chains.incomplete,
                        example_path=[pull.parties[e] for e in chains.example[entity]])
        (holders if ultimate else intermediates).append(holder)
    holders.sort(key=lambda h: (-h.share, h.party.uid))
    intermediates.sort(key=lambda h: (-h.share, h.party.uid))
    decision = _decide(pull, company.entity_id, declared, frozenset(), max_paths)
    controller = decision.controller
    pull.subgraph.subject = company.element_id
    pull.subgraph.truncated = pull.truncated or chains.truncated
    return ControllerResult(
        company=company, controller=controller, rule=decision.rule,
        share=chains.share.get(controller.entity_id) if controller else None, reason=decision.reason,
        chain=[pull.parties[e] for e in decision.chain], holders=holders, intermediates=intermediates,
        declared_controllers=declared.get(company.entity_id, []),
        algorithm=algorithm(
            "equity penetration: breadth-first pull up SHAREHOLDER_OF, then depth-first enumeration of simple "
            "paths on a networkx.DiGraph (product of shares along a path, summed over paths); controller rules "
            "actual_controller > majority (>=50%) > via_majority_holder > largest",
            max_hops=max_hops, max_nodes=max_nodes, max_paths=max_paths, as_of=as_of, majority=MAJORITY),
        truncated=pull.truncated or chains.truncated, subgraph=pull.subgraph,
    )


def ultimate_controller(graph: Graph, company_ref: str, max_hops: int = 10, max_nodes: int = 5000,
                        as_of: dt.date | None = None, use_cache: bool = True) -> ControllerResult:
    """Equity penetration of a company named by uid, id_number or ``<source>:<party_id>`` (cached per load)."""
    company = resolve_party(graph, company_ref)
    if company.kind == "person":
        raise NetworkError(f"{company_ref!r} is a person ({company.label}); equity penetration needs a company")
    key = ("controller", company.entity_id, max_hops, max_nodes, as_of or today())
    return CACHE.get_or_compute(graph, key, lambda: penetrate(graph, company, max_hops, max_nodes, as_of=as_of),
                                use_cache)


@dataclass
class ControlledCompany:
    company: PartyInfo
    rule: str  # actual_controller | majority | legal_representative | via_controlled
    share: float  # the party's own cumulative share in the company (0 when it holds none)
    via: PartyInfo | None  # via_controlled: the controlled company that holds the majority

    def to_json(self) -> dict[str, Any]:
        return {"company": self.company.to_json(), "rule": self.rule, "share": round(self.share, 9),
                "via": self.via.to_json() if self.via else None}


@dataclass
class ControlledResult:
    party: PartyInfo
    companies: list[ControlledCompany]
    algorithm: dict[str, Any]
    truncated: bool
    subgraph: Subgraph

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party.to_json(), "companies": [c.to_json() for c in self.companies],
                "algorithm": self.algorithm, "truncated": self.truncated, "subgraph": self.subgraph.to_json()}


def control_of(graph: Graph, party: PartyInfo, max_hops: int = 10, max_nodes: int = 5000,
               as_of: dt.date | None = None) -> ControlledResult:
    """Every company ``party`` controls, each with the rule that makes it so (see the module docstring)."""
    as_of = as_of or today()
    roles = _declared(graph, [party.entity_id], as_of, max_nodes, "network/control_out")
    actual: dict[str, PartyInfo] = {}
    represented: dict[str, PartyInfo] = {}
    for link in roles:
        target = party_of(link.end)
        if target.entity_id == party.entity_id:
            continue
        (actual if link.rel.type == "ACTUAL_CONTROLLER_OF" else represented).setdefault(target.entity_id, target)
    seeds = [party, *actual.values(), *represented.values()]
    pull = pull_equity(graph, seeds, "down", max_hops, max_nodes, as_of)
    for link in roles:
        link.add_to(pull.subgraph)
    own = cumulative_shares(pull.graph, party.entity_id, "down")
    truncated = pull.truncated or own.truncated
    controlled: dict[str, ControlledCompany] = {}

    def mark(entity: str, rule: str, via: PartyInfo | None = None) -> None:
        if entity != party.entity_id and entity not in controlled:
            controlled[entity] = ControlledCompany(pull.parties[entity], rule, own.share.get(entity, 0.0), via)

    for entity in sorted(actual):
        mark(entity, "actual_controller")
    for entity, share in sorted(own.share.items()):
        if share >= MAJORITY - EPS:
            mark(entity, "majority")
    candidates = [(e, c) for e, c in sorted(represented.items()) if e not in controlled]
    if len(candidates) > MAX_REPRESENTED:
        truncated = True  # each candidate costs an equity penetration of its own
        candidates = candidates[:MAX_REPRESENTED]
    for entity, company in candidates:
        above = penetrate(graph, company, max_hops, max_nodes, as_of=as_of)
        truncated = truncated or above.truncated
        tops = [h for h in above.holders + above.intermediates if h.party.entity_id != party.entity_id]
        if not above.declared_controllers and not any(h.share >= MAJORITY - EPS for h in tops):
            mark(entity, "legal_representative")
    queue = list(controlled)
    while queue:
        holder = queue.pop(0)
        below = cumulative_shares(pull.graph, holder, "down")
        truncated = truncated or below.truncated
        for entity, share in sorted(below.share.items()):
            if share >= MAJORITY - EPS and entity not in controlled and entity != party.entity_id:
                mark(entity, "via_controlled", pull.parties[holder])
                queue.append(entity)
    rank = {"actual_controller": 0, "majority": 1, "legal_representative": 2, "via_controlled": 3}
    companies = sorted(controlled.values(), key=lambda c: (rank[c.rule], -c.share, c.company.uid))
    pull.subgraph.subject = party.element_id
    pull.subgraph.truncated = truncated
    return ControlledResult(
        party=party, companies=companies,
        algorithm=algorithm(
            "control: breadth-first pull down SHAREHOLDER_OF from the party and the companies it controls or "
            "represents, depth-first simple-path enumeration on a networkx.DiGraph for cumulative shares; rules "
            "actual_controller > majority (>=50%) > legal_representative (no >=50% holder) > via_controlled",
            max_hops=max_hops, max_nodes=max_nodes, as_of=as_of, majority=MAJORITY),
        truncated=truncated, subgraph=pull.subgraph,
    )


def controlled_view(graph: Graph, party_ref: str, max_hops: int = 10, max_nodes: int = 5000,
                    as_of: dt.date | None = None, use_cache: bool = True) -> ControlledResult:
    """:func:`control_of` for a party named by uid, id_number or ``<source>:<party_id>`` (cached per load)."""
    party = resolve_party(graph, party_ref)
    key = ("controlled", party.entity_id, max_hops, max_nodes, as_of or today())
    return CACHE.get_or_compute(graph, key, lambda: control_of(graph, party, max_hops, max_nodes, as_of), use_cache)


def controlled_companies(graph: Graph, party_uid: str) -> list[ControlledCompany]:
    """The companies a party controls (for the asset panorama: assets of controlled companies)."""
    return controlled_view(graph, party_uid).companies
