"""Circular claims (循环债务): A is owed by B, B by C, C by A — a sign of fictitious debts.

The claim graph has an edge creditor → debtor for every open enforcement case
(applicant → respondent, amount = outstanding, date = filed_on) and every
receivable (owner → the party that owes it, amount = its value). Cycles are
networkx ``simple_cycles`` with a length bound; a claim of a legal person against
itself (two parties identity linking joined) is not a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_model.db import Graph
from graph_model.subgraph import Subgraph, plain
from queries.network.common import GLOBAL_CACHE, OPEN_STATUSES, NetworkError, PartyInfo, algorithm, resolve_party
from queries.statements import statement


@dataclass
class Claim:
    kind: str  # enforcement_case | receivable
    ref: str  # case_no or asset uid
    creditor_uid: str
    debtor_uid: str
    amount: float | None
    date: str | None  # ISO date the case was filed (None for receivables)
    court_code: str | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "creditor_uid": self.creditor_uid, "debtor_uid": self.debtor_uid,
                "amount": self.amount, "date": self.date, "court_code": self.court_code}


@dataclass
class ClaimEdge:
    creditor: PartyInfo
    debtor: PartyInfo
    claims: list[Claim]

    @property
    def amount(self) -> float | None:
        known = [c.amount for c in self.claims if c.amount is not None]
        return sum(known) if known else None

    def to_json(self) -> dict[str, Any]:
        return {"creditor": self.creditor.to_json(), "debtor": self.debtor.to_json(), "amount": self.amount,
                "claims": [c.to_json() for c in self.claims]}


@dataclass
class ClaimCycle:
    edges: list[ClaimEdge]  # creditor of each is the debtor of the one before

    @property
    def parties(self) -> list[PartyInfo]:
        return [e.creditor for e in self.edges]

    @property
    def amount(self) -> float | None:
        """The smallest claim round the cycle: what netting the cycle out would cancel."""
        amounts = [e.amount for e in self.edges]
        return None if any(a is None for a in amounts) else min(a for a in amounts if a is not None)

    @property
    def dates(self) -> list[str]:
        return sorted(c.date for e in self.edges for c in e.claims if c.date)

    def to_json(self) -> dict[str, Any]:
        dates = self.dates
        return {"length": len(self.edges), "parties": [p.to_json() for p in self.parties], "amount": self.amount,
                "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
                "edges": [e.to_json() for e in self.edges]}


@dataclass
class CyclesResult:
    cycles: list[ClaimCycle]
    claims: int
    algorithm: dict[str, Any]
    truncated: bool

    def to_json(self) -> dict[str, Any]:
        return {"cycles": [c.to_json() for c in self.cycles], "claims": self.claims, "algorithm": self.algorithm,
                "truncated": self.truncated}


@dataclass
class ClaimGraph:
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    parties: dict[str, PartyInfo] = field(default_factory=dict)
    claims: int = 0
    truncated: bool = False


def build_claim_graph(graph: Graph, max_claims: int = 5_000_000) -> ClaimGraph:
    """Every open claim as a creditor → debtor edge between legal persons (entity ids)."""
    rows = graph.read(statement("network/claims"), {"open_statuses": OPEN_STATUSES, "limit": max_claims},
                      timeout=600)
    out = ClaimGraph(claims=len(rows), truncated=len(rows) >= max_claims)
    for row in rows:
        cr = PartyInfo(row["creditor"], row["creditor_entity"], row["creditor_name"], row["creditor_kind"])
        db = PartyInfo(row["debtor"], row["debtor_entity"], row["debtor_name"], row["debtor_kind"])
        if cr.entity_id == db.entity_id:
            continue
        out.parties.setdefault(cr.entity_id, cr)
        out.parties.setdefault(db.entity_id, db)
        date = row["date"]
        claim = Claim(row["kind"], row["ref"], cr.uid, db.uid,
                      float(row["amount"]) if row["amount"] is not None else None,
                      plain(date) if date is not None else None, row["court_code"])
        if out.graph.has_edge(cr.entity_id, db.entity_id):
            out.graph[cr.entity_id][db.entity_id]["claims"].append(claim)
        else:
            out.graph.add_edge(cr.entity_id, db.entity_id, claims=[claim])
    return out


def find_cycles(claims: ClaimGraph, max_length: int = 4, max_cycles: int = 1000,
                through: str | None = None) -> tuple[list[ClaimCycle], bool]:
    """Simple cycles up to ``max_length`` legal persons (optionally only those through one entity)."""
    g = claims.graph
    if through is not None:
        if through not in g:
            return [], False
        g = g.subgraph(nx.node_connected_component(g.to_undirected(as_view=True), through))
    found: list[ClaimCycle] = []
    truncated = False
    for nodes in nx.simple_cycles(g, length_bound=max_length):
        if len(nodes) < 2 or (through is not None and through not in nodes):
            continue
        start = nodes.index(min(nodes))
        nodes = nodes[start:] + nodes[:start]
        edges = [ClaimEdge(claims.parties[a], claims.parties[b], sorted(g[a][b]["claims"], key=lambda c: c.ref))
                 for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True)]
        found.append(ClaimCycle(edges))
        if len(found) >= max_cycles:
            truncated = True
            break
    found.sort(key=lambda c: (-(c.amount or 0.0), len(c.edges), [p.uid for p in c.parties]))
    return found, truncated


def claim_cycles(graph: Graph, max_length: int = 4, max_cycles: int = 1000, party_ref: str | None = None,
                 use_cache: bool = True) -> CyclesResult:
    """Circular claims in the graph (or through one party), each with its amounts and dates; cached per load."""
    if max_length < 2:
        raise NetworkError(f"a cycle of claims needs at least 2 parties; max_length {max_length} is too small")
    through = resolve_party(graph, party_ref).entity_id if party_ref else None
    claims = GLOBAL_CACHE.get_or_compute(graph, ("claim_graph",), lambda: build_claim_graph(graph), use_cache)
    cycles, truncated = find_cycles(claims, max_length, max_cycles, through)
    return CyclesResult(
        cycles=cycles, claims=claims.claims,
        algorithm=algorithm("circular claims: networkx.simple_cycles on the creditor→debtor graph of open "
                            "enforcement cases and receivables", length_bound=max_length, max_cycles=max_cycles,
                            through=through, open_statuses=OPEN_STATUSES),
        truncated=truncated or claims.truncated)


def cycle_subgraph(graph: Graph, cycle: ClaimCycle) -> Subgraph:
    """The parties, cases and receivables of one cycle, for the graph views."""
    rows = [{"creditor": c.creditor_uid, "debtor": c.debtor_uid, "kind": c.kind, "ref": c.ref}
            for e in cycle.edges for c in e.claims]
    sub = Subgraph.from_records(graph.read_records(statement("network/cycle_view"), {"claims": rows}))
    first = cycle.edges[0].creditor.uid
    sub.subject = next((n.id for n in sub.nodes.values() if n.properties.get("uid") == first), None)
    return sub

