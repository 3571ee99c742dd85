"""Benchmark of the network analytics (issue 7); results go to bench/RESULTS.md, "Network analytics".

Part 1 — the one heavy global step, communities over every party with open debt:
networkx Louvain against python-igraph (Leiden and Louvain/multilevel) on the same
synthetic edge list made here (planted groups of shells plus random cross links),
each run in its own forked process so that its time and peak memory are its own.
Times are reported as ratios to networkx Louvain measured in the same run.

Part 2 (``--neo4j``, empties the database the environment names!): writes a court
export (parties, cases, case_parties, relations in the court export format), loads
it with the project's loader, then times the controller of one company with a deep
holding structure (target < 1 s) against a Cypher-only variable-length penetration
as the baseline, and the debtor groups end to end (pull + networkx graph + communities).

    .venv/bin/python bench/bench_network.py --nodes 100000
    .venv/bin/python bench/bench_network.py --skip-communities --neo4j --parties 50000 --yes-empty-the-database
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from queries.network.community import detect_communities, igraph_available  # noqa: E402


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def synthetic_edges(nodes: int, seed: int = 7) -> list[tuple[str, str, float]]:
    """Planted groups of 2–60 parties (each member linked to ~2 others in its group) plus one random
    cross link per 10 parties: about 3 edges per node, like the 1M-node 3M-edge graph of the issue."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(nodes)]
    edges: list[tuple[str, str, float]] = []
    start = 0
    while start < nodes:
        size = min(nodes - start, max(2, int(rng.paretovariate(1.2) * 3)), 60)
        group = names[start:start + size]
        for i, a in enumerate(group[1:], 1):
            edges.append((a, group[rng.randrange(i)], 1.0))  # a spanning tree keeps the group connected
            for _ in range(2):
                b = rng.choice(group)
                if b != a:
                    edges.append((a, b, 1.0))
        start += size
    for _ in range(nodes // 10):
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a != b:
            edges.append((names[a], names[b], 1.0))
    return edges


def _modularity(nodes: list[str], edges: list[tuple[str, str, float]], parts: list[set[str]]) -> float:
    import igraph as ig

    index = {n: i for i, n in enumerate(nodes)}
    membership = [0] * len(nodes)
    for c, part in enumerate(parts):
        for n in part:
            membership[index[n]] = c
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in edges])
    g.es["weight"] = [w for _, _, w in edges]
    return float(g.modularity(membership, weights="weight"))


def _child(method: str, nodes: list[str], edges: list[tuple[str, str, float]], queue: Any) -> None:
    before = rss_mb()
    started = time.perf_counter()
    parts, algo = detect_communities(nodes, edges, method=method)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"method": method, "algorithm": algo["name"], "seconds": seconds, "peak_rss_mb": peak,
               "rss_before_mb": before, "communities": len(parts), "parts": parts})


def bench_communities(nodes_n: int, methods: list[str]) -> list[dict[str, Any]]:
    t0 = time.perf_counter()
    edges = synthetic_edges(nodes_n)
    nodes = [f"p{i}" for i in range(nodes_n)]
    print(f"edge list: {nodes_n} nodes, {len(edges)} edges, made in {time.perf_counter() - t0:.1f} s", flush=True)
    ctx = mp.get_context("fork")
    results = []
    for method in methods:
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(method, nodes, edges, queue))
        proc.start()
        result = queue.get()
        proc.join()
        result["modularity"] = _modularity(nodes, edges, result.pop("parts")) if igraph_available() else None
        results.append(result)
        print(f"  {method:18s} {result['seconds']:8.2f} s  peak RSS {result['peak_rss_mb']:7.0f} MB "
              f"(started at {result['rss_before_mb']:.0f} MB)  {result['communities']} communities  "
              f"modularity {result['modularity']:.4f}", flush=True)
    return results


# -- part 2: a loaded graph ---------------------------------------------------------------------------------------

def write_export(directory: Path, parties: int, seed: int = 11) -> dict[str, Any]:
    """A court export: an equity forest with cross-holdings, a deep target holding, open debts with shared contacts."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    persons = parties // 3
    companies = parties - persons
    rows_p = []
    for i in range(persons):
        rows_p.append({"party_id": f"P{i}", "kind": "person", "name": f"自然人{i}", "phone": "", "address": ""})
    for i in range(companies):
        rows_p.append({"party_id": f"C{i}", "kind": "company", "name": f"公司{i}", "phone": "", "address": ""})
    relations = []
    # equity: each company has 1–4 holders among higher-numbered companies or persons (a DAG),
    # plus 1 % cross-holdings back down (cycles)
    for i in range(companies):
        k = rng.randint(1, 4)
        shares = [rng.random() for _ in range(k)]
        total = sum(shares)
        for share in shares:
            if i + 1 < companies and rng.random() < 0.6:
                holder = f"C{rng.randrange(i + 1, min(companies, i + 200))}"
            else:
                holder = f"P{rng.randrange(persons)}"
            relations.append({"from_id": holder, "to_id": f"C{i}", "relation": "shareholder",
                              "share": f"{share / total:.4f}"})
        if rng.random() < 0.01 and i > 0:
            relations.append({"from_id": f"C{i}", "to_id": f"C{rng.randrange(max(0, i - 200), i)}",
                              "relation": "shareholder", "share": "0.05"})
    # debts: 20 % of parties respond to an open enforcement case; groups of them share phones and addresses
    cases, case_parties = [], []
    debtors = rng.sample([r["party_id"] for r in rows_p], parties // 5)
    courts = ["沪0104", "沪0105", "苏0508", "浙0102", "京0105"]
    statuses = ["pending", "terminated_no_assets", "suspended", "concluded"]
    for n, debtor in enumerate(debtors):
        case_no = f"(2024){courts[n % 5]}执{n + 1}号"
        cases.append({"case_no": case_no, "kind": "enforcement", "filed_on": "2024-03-05",
                      "status": statuses[n % 4], "amount": str(rng.randrange(10_000, 5_000_000)), "amount_paid": "0"})
        case_parties.append({"case_no": case_no, "party_id": debtor, "role": "respondent"})
        case_parties.append({"case_no": case_no, "party_id": f"P{rng.randrange(persons)}", "role": "applicant"})
    by_id = {r["party_id"]: r for r in rows_p}
    start = 0
    while start < len(debtors):
        size = rng.randint(2, 12)
        group = debtors[start:start + size]
        phone = f"139{rng.randrange(10**8):08d}"
        address = f"某市某区某路{start}号"
        for d in group:
            by_id[d]["phone"] = phone if rng.random() < 0.7 else by_id[d]["phone"]
            by_id[d]["address"] = address if rng.random() < 0.5 else by_id[d]["address"]
        start += size
    # the benchmark's company: a holding pyramid 8 levels deep with cross-holdings, ~ 3^6 holders
    target = "TARGET"
    rows_p.append({"party_id": target, "kind": "company", "name": "被穿透公司", "phone": "", "address": ""})
    level = [target]
    for depth in range(8):
        nxt = []
        for company in level:
            fan = 3 if depth < 6 else 1
            for j in range(fan):
                pid = f"L{depth}_{len(nxt)}"
                kind = "person" if depth == 7 else "company"
                rows_p.append({"party_id": pid, "kind": kind, "name": f"层{depth}股东{len(nxt)}", "phone": "",
                               "address": ""})
                relations.append({"from_id": pid, "to_id": company, "relation": "shareholder",
                                  "share": f"{[0.5, 0.3, 0.2][j] if fan == 3 else 1.0}"})
                nxt.append(pid)
        for a, b in zip(nxt[::7], nxt[3::7], strict=False):
            if not b.startswith("L7"):
                relations.append({"from_id": a, "to_id": b, "relation": "shareholder", "share": "0.1"})
        level = nxt
    for name, rows in (("parties", rows_p), ("relations", relations), ("cases", cases), ("case_parties", case_parties)):
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return {"parties": len(rows_p), "relations": len(relations), "cases": len(cases), "target": target}


def _groups_child(method: str, queue: Any) -> None:
    """Debtor groups end to end (pull, networkx graph, communities) in a fresh process: its own time and memory."""
    from graph_model.db import Graph
    from queries.network import debtor_groups

    before = rss_mb()
    with Graph() as graph:
        started = time.perf_counter()
        res = debtor_groups(graph, method=method, use_cache=False)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": seconds, "peak_rss_mb": peak, "rss_before_mb": before, "debtors": res.debtors,
               "groups": len(res.groups)})


def bench_neo4j(parties: int, repeats: int = 5, keep: bool = False) -> dict[str, Any]:
    from graph_model.db import Graph
    from loaders.load import load_export
    from queries.network import ultimate_controller
    from queries.network.common import resolve_party
    from queries.statements import statement

    out: dict[str, Any] = {}
    with Graph() as graph, tempfile.TemporaryDirectory() as tmp:
        graph.reset()
        graph.migrate()
        made = write_export(Path(tmp) / "bench", parties)
        t0 = time.perf_counter()
        summary = load_export(graph, Path(tmp) / "bench", source="bench")
        out["load_seconds"] = time.perf_counter() - t0
        out.update(made)
        out["rejected"] = summary.rejected
        print(f"loaded {made} in {out['load_seconds']:.1f} s ({summary.rejected} rejected)", flush=True)
        companies = parties - parties // 3
        for label, ref in (("typical", f"bench:C{companies // 2}"), ("pyramid", "bench:TARGET")):
            target = resolve_party(graph, ref)

            def ours(uid: str = target.uid) -> Any:
                return ultimate_controller(graph, uid, use_cache=False)

            def cypher_only(uid: str = target.uid) -> Any:
                return graph.read(statement("network/penetration_cypher_only"), {"uid": uid, "limit": 100_000},
                                  timeout=600)

            for name, fn in (("networkx", ours), ("cypher_only", cypher_only)):
                fn()  # warm the page cache and the query plan
                times = []
                for _ in range(repeats):
                    t = time.perf_counter()
                    res = fn()
                    times.append(time.perf_counter() - t)
                out[f"controller_{label}_{name}_seconds"] = statistics.median(times)
                if name == "networkx":
                    out[f"controller_{label}_holders"] = len(res.holders) + len(res.intermediates)
                    out[f"controller_{label}_rule"] = res.rule
                else:
                    out[f"controller_{label}_cypher_only_holders"] = len(res)
                print(f"  controller of the {label} company ({name}): median {statistics.median(times) * 1000:.0f} ms "
                      f"of {repeats}", flush=True)
            out[f"controller_{label}_ratio"] = (out[f"controller_{label}_networkx_seconds"]
                                                / out[f"controller_{label}_cypher_only_seconds"])
        for method in ("networkx-louvain", "igraph-leiden") if igraph_available() else ("networkx-louvain",):
            ctx = mp.get_context("fork")
            queue = ctx.Queue()
            proc = ctx.Process(target=_groups_child, args=(method, queue))
            proc.start()
            res = queue.get()
            proc.join()
            for key, value in res.items():
                out[f"groups_{method}_{key}"] = value
            print(f"  debtor groups ({method}): {res['seconds']:.1f} s, peak RSS {res['peak_rss_mb']:.0f} MB "
                  f"(+{res['peak_rss_mb'] - res['rss_before_mb']:.0f} MB), {res['debtors']} debtors, "
                  f"{res['groups']} groups", flush=True)
        if not keep:
            graph.reset()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=100_000, help="nodes of the synthetic edge list")
    ap.add_argument("--skip-communities", action="store_true")
    ap.add_argument("--methods", default="networkx-louvain,igraph-leiden,igraph-louvain")
    ap.add_argument("--neo4j", action="store_true", help="also run part 2 against the database the environment names")
    ap.add_argument("--parties", type=int, default=50_000)
    ap.add_argument("--yes-empty-the-database", action="store_true", help="confirm part 2 may empty the database")
    ap.add_argument("--keep", action="store_true", help="leave the benchmark graph in the database")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, igraph {igraph_available()}")
    if not args.skip_communities:
        results = bench_communities(args.nodes, args.methods.split(","))
        base = next((r for r in results if r["method"] == "networkx-louvain"), results[0])
        print("\n| method | algorithm | seconds | ratio to networkx Louvain | peak RSS MB | communities | modularity |")
        print("|---|---|---|---|---|---|---|")
        for r in results:
            print(f"| {r['method']} | {r['algorithm']} | {r['seconds']:.2f} | {r['seconds'] / base['seconds']:.3f} | "
                  f"{r['peak_rss_mb']:.0f} | {r['communities']} | {r['modularity']:.4f} |")
    if args.neo4j:
        if not args.yes_empty_the_database:
            raise SystemExit("part 2 empties the database; add --yes-empty-the-database")
        result = bench_neo4j(args.parties, keep=args.keep)
        print()
        for k, v in result.items():
            print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    main()
