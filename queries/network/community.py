"""Community detection behind one function: python-igraph's Leiden when installed, networkx Louvain otherwise.

bench/bench_network.py measures them on the same edge list (bench/RESULTS.md, "Network
analytics"): on 100k nodes and 260k edges igraph's Leiden took 0.06 of networkx
Louvain's time (9.7 s against 161 s on a loaded 2-core machine) with half the memory
and the same modularity, and Leiden never returns badly connected communities, so it
is the default for the one global step (debtor groups over every party with open
debt). networkx stays as the fallback and for every per-party analysis.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

METHODS = ("auto", "igraph-leiden", "igraph-louvain", "networkx-louvain")


def igraph_available() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def detect_communities(nodes: Sequence[str], edges: Iterable[tuple[str, str, float]], method: str = "auto",
                       seed: int = 42, resolution: float = 1.0) -> tuple[list[set[str]], dict[str, Any]]:
    """Partition ``nodes`` by modularity over weighted undirected ``edges``; returns communities and the algorithm."""
    if method not in METHODS:
        raise ValueError(f"unknown community method {method!r} (use {', '.join(METHODS)})")
    if method == "auto":
        method = "igraph-leiden" if igraph_available() else "networkx-louvain"
    edges = list(edges)
    if method == "networkx-louvain":
        g = nx.Graph()
        g.add_nodes_from(nodes)
        for a, b, w in edges:
            if g.has_edge(a, b):
                g[a][b]["weight"] += w
            else:
                g.add_edge(a, b, weight=w)
        parts = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
        return [set(p) for p in parts], {
            "name": "networkx.community.louvain_communities",
            "parameters": {"weight": "weight", "resolution": resolution, "seed": seed}}
    import igraph as ig

    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in edges])
    g.es["weight"] = [w for _, _, w in edges]
    g.simplify(combine_edges="sum")
    ig.set_random_number_generator(random.Random(seed))
    try:
        if method == "igraph-leiden":
            clusters = g.community_leiden(objective_function="modularity", weights="weight",
                                          resolution=resolution, n_iterations=-1)
            name = "igraph.Graph.community_leiden"
            params: dict[str, Any] = {"objective_function": "modularity", "weights": "weight",
                                      "resolution": resolution, "n_iterations": -1, "seed": seed}
        else:
            clusters = g.community_multilevel(weights="weight", resolution=resolution)
            name = "igraph.Graph.community_multilevel"
            params = {"weights": "weight", "resolution": resolution, "seed": seed}
    finally:
        ig.set_random_number_generator(random)
    parts: dict[int, set[str]] = {}
    for i, membership in enumerate(clusters.membership):
        parts.setdefault(membership, set()).add(nodes[i])
    return list(parts.values()), {"name": name, "parameters": params}
