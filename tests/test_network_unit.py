"""The networkx side of the network analytics, on graphs built in memory (no database)."""

from __future__ import annotations

import networkx as nx
import pytest

from queries.network.common import PartyInfo
from queries.network.community import detect_communities, igraph_available
from queries.network.cycles import Claim, ClaimGraph, find_cycles
from queries.network.equity import EquityPull, _decide, cumulative_shares
from queries.network.groups import _ball


def holdings(*edges: tuple[str, str, float | None]) -> nx.DiGraph:
    g = nx.DiGraph()
    for holder, company, share in edges:
        g.add_edge(holder, company, share=share)
    return g


def test_cumulative_shares_sum_products_over_simple_paths_only() -> None:
    # A and B hold each other (0.5 / 0.5); X holds 100 % of A; A holds 60 % of T, B 40 %
    g = holdings(("X", "A", 1.0), ("A", "T", 0.6), ("B", "T", 0.4), ("A", "B", 0.5), ("B", "A", 0.5))
    up = cumulative_shares(g, "T", "up")
    # X: X→A→T 0.6 + X→A→B→T 0.5×0.4 = 0.8; looping A→B→A… would add more and is not walked
    assert up.share["X"] == pytest.approx(0.8)
    assert up.share["A"] == pytest.approx(0.6 + 0.5 * 0.4)
    assert up.share["B"] == pytest.approx(0.4 + 0.5 * 0.6)
    assert up.paths == {"A": 2, "B": 2, "X": 2}
    assert up.example["X"] == ["T", "A", "X"]  # the chain with the largest product
    down = cumulative_shares(g, "X", "down")
    assert down.share["T"] == pytest.approx(0.8)


def test_an_unknown_share_makes_the_holder_incomplete_not_wrong() -> None:
    g = holdings(("P", "A", None), ("A", "T", 0.5), ("P", "T", 0.1))
    up = cumulative_shares(g, "T", "up")
    assert up.share["P"] == pytest.approx(0.1)
    assert up.incomplete == {"P"}
    assert up.paths["P"] == 2


def test_path_enumeration_stops_at_its_cap() -> None:
    # a ladder of 2^12 paths
    g = nx.DiGraph()
    for i in range(12):
        for a in (f"a{i}", f"b{i}"):
            for b in (f"a{i + 1}", f"b{i + 1}"):
                g.add_edge(b, a, share=0.5)
    up = cumulative_shares(g, "a0", "up", max_paths=1000)
    assert up.truncated


def pull_of(edges: list[tuple[str, str, float]], kinds: dict[str, str]) -> EquityPull:
    pull = EquityPull(graph=holdings(*edges))
    for entity in pull.graph:
        pull.parties[entity] = PartyInfo(entity, entity, entity, kinds.get(entity, "company"))
    pull.expanded = set(pull.graph)
    return pull


def test_controller_rules_in_order() -> None:
    people = {"P": "person", "Q": "person", "R": "person"}
    # P holds 60 % of M, M holds 55 % of T, Q 45 % of T: P controls T through M
    pull = pull_of([("P", "M", 0.6), ("R", "M", 0.4), ("M", "T", 0.55), ("Q", "T", 0.45)], people)
    d = _decide(pull, "T", {}, frozenset(), 10_000)
    assert (d.controller.uid, d.rule, d.chain) == ("P", "via_majority_holder", ["T", "M"])  # type: ignore[union-attr]
    # a declared actual controller decides first
    d = _decide(pull, "T", {"T": [PartyInfo("R", "R", "R", "person")]}, frozenset(), 10_000)
    assert (d.controller.uid, d.rule) == ("R", "actual_controller")  # type: ignore[union-attr]
    # two equal largest holders decide nothing
    pull = pull_of([("P", "T", 0.4), ("Q", "T", 0.4), ("R", "T", 0.2)], people)
    d = _decide(pull, "T", {}, frozenset(), 10_000)
    assert d.controller is None and d.rule == "none"
    pull = pull_of([("P", "T", 0.5), ("Q", "T", 0.5)], people)
    assert _decide(pull, "T", {}, frozenset(), 10_000).rule == "majority"  # 50 % is enough (first by uid)


def claim_graph(*claims: tuple[str, str, float | None]) -> ClaimGraph:
    out = ClaimGraph()
    for n, (cr, db, amount) in enumerate(claims):
        for p in (cr, db):
            out.parties[p] = PartyInfo(p, p, p, "company")
        claim = Claim("enforcement_case", f"case{n}", cr, db, amount, f"2024-01-{n + 1:02d}", "沪0104")
        if out.graph.has_edge(cr, db):
            out.graph[cr][db]["claims"].append(claim)
        else:
            out.graph.add_edge(cr, db, claims=[claim])
    return out


def test_cycles_are_found_rotated_and_bounded() -> None:
    g = claim_graph(("B", "C", 80.0), ("C", "A", 50.0), ("A", "B", 100.0), ("A", "B", 20.0),
                    ("D", "E", 1.0), ("E", "F", 1.0))
    cycles, truncated = find_cycles(g, max_length=4)
    assert not truncated and len(cycles) == 1
    assert [p.uid for p in cycles[0].parties] == ["A", "B", "C"]
    assert [e.amount for e in cycles[0].edges] == [120.0, 80.0, 50.0]
    assert cycles[0].amount == 50.0
    assert find_cycles(g, max_length=2)[0] == []
    assert find_cycles(g, through="D")[0] == []
    assert len(find_cycles(g, through="C")[0]) == 1


def test_a_cycle_with_an_unknown_amount_has_no_nettable_amount() -> None:
    g = claim_graph(("A", "B", 10.0), ("B", "A", None))
    cycles, _ = find_cycles(g)
    assert len(cycles) == 1 and cycles[0].amount is None


@pytest.mark.parametrize("method", ["networkx-louvain", "igraph-leiden", "igraph-louvain"])
def test_two_cliques_joined_by_a_bridge_are_two_communities(method: str) -> None:
    if method.startswith("igraph") and not igraph_available():
        pytest.skip("python-igraph not installed")
    left = [f"l{i}" for i in range(5)]
    right = [f"r{i}" for i in range(5)]
    edges = [(a, b, 1.0) for group in (left, right) for i, a in enumerate(group) for b in group[i + 1:]]
    edges.append(("l0", "r0", 1.0))
    parts, algo = detect_communities(left + right, edges, method=method)
    assert sorted(sorted(p) for p in parts) == [sorted(left), sorted(right)]
    assert algo["parameters"]["seed"] == 42


def test_unknown_community_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown community method 'magic'"):
        detect_communities(["a"], [], method="magic")


def test_broker_scope_is_cut_to_the_nearest_parties() -> None:
    g = nx.path_graph(["a", "b", "c", "d", "e"])
    g.add_edge("a", "x")
    assert _ball(g, "a", 3) == {"a", "b", "x"}
    assert _ball(g, "c", 4) == {"c", "b", "d", "a"}
    assert _ball(g, "a", 100) == {"a", "b", "c", "d", "e", "x"}
