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

Part 3 (``--loaded --data DIR``, what bench/run_all.py runs): on the graph bench_load.py left
(checked to hold DIR's dataset; nothing is emptied): the controller of a typical company (the
median number of direct shareholders) and of the company with most direct shareholders, each
against the Cypher-only baseline, and debtor groups over every party with open debt with
networkx Louvain and igraph Leiden side by side, each in its own process (time, peak RSS), plus
the Neo4j JVM's peak RSS (VmHWM). Written to RESULTS.md ("## Network on the loaded dataset") and
results/<size>/network.json, with part 1's table when it ran.

    .venv/bin/python bench/bench_network.py --nodes 100000
    .venv/bin/python bench/bench_network.py --skip-communities --neo4j --parties 50000 --yes-empty-the-database
    .venv/bin/python bench/bench_network.py --nodes 100000 --loaded --data bench/data/detect-100000-5
"""

from __future__ import annotations

import argparse
import csv
import logging
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
sys.path.insert(0, str(ROOT / "bench"))

import psutil  # noqa: E402

from queries.network.community import detect_communities, igraph_available  # noqa: E402

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


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


def time_controller(graph: Any, label: str, uid: str, repeats: int, out: dict[str, Any]) -> None:
    """Median time of the controller of ``uid`` (ours, networkx) and of the Cypher-only penetration, into ``out``."""
    from queries.network import ultimate_controller
    from queries.statements import statement

    def ours() -> Any:
        return ultimate_controller(graph, uid, use_cache=False)

    def cypher_only() -> Any:
        return graph.read(statement("network/penetration_cypher_only"), {"uid": uid, "limit": 100_000}, timeout=600)

    out[f"controller_{label}_uid"] = uid
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


def time_groups(out: dict[str, Any]) -> None:
    """Debtor groups with networkx Louvain and igraph Leiden, each in a forked process, into ``out``."""
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


def bench_loaded(data: Path, repeats: int = 5) -> dict[str, Any]:
    """Part 3: controller and debtor groups on the graph the load step left (checked to hold ``data``)."""
    from common import check_loaded, cypher, neo4j_peak_mb, neo4j_peak_reset, neo4j_pid, read_truth, versions

    from graph_model.db import Graph

    truth = read_truth(data)
    pid = neo4j_pid()
    out: dict[str, Any] = {"dataset": str(data), "parties": truth["parties"]}
    with Graph() as graph:
        check_loaded(graph, truth)
        out.update(versions(graph))
        out["neo4j_peak_reset"] = neo4j_peak_reset(pid)
        started = time.perf_counter()
        companies = graph.read(cypher("company_holders"), timeout=600)
        out["pick_seconds"] = time.perf_counter() - started
        if not companies:
            raise SystemExit(f"no company with shareholders in the graph of {data}")
        out["companies_with_holders"] = len(companies)
        picks = (("most_holders", companies[0]), ("typical", companies[len(companies) // 2]))
        for label, row in picks:
            out[f"controller_{label}_direct_holders"] = row["holders"]
            time_controller(graph, label, row["uid"], repeats, out)
    time_groups(out)
    out["neo4j_peak_rss_mb"] = neo4j_peak_mb(pid)
    out["python_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def loaded_section(res: dict[str, Any], communities: list[dict[str, Any]] | None, nodes: int) -> str:
    """RESULTS.md section of part 3 (and part 1 when it ran in the same invocation)."""
    import datetime as dt

    from common import machine

    def ctl(label: str, what: str) -> str:
        return (f"| controller of {what} ({res[f'controller_{label}_direct_holders']} direct shareholders, "
                f"{res[f'controller_{label}_holders']} holders above it) | "
                f"{res[f'controller_{label}_networkx_seconds']:.3f} s | "
                f"{res[f'controller_{label}_cypher_only_seconds']:.3f} s | {res[f'controller_{label}_ratio']:.2f} | "
                f"< 1 s: {'met' if res[f'controller_{label}_networkx_seconds'] < 1 else '**not met**'} |")

    lines = [
        "## Network on the loaded dataset", "",
        f"`bench/bench_network.py --loaded`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}, load "
        f"average {os.getloadavg()[0]:.1f} at the end. {res['neo4j']}, driver {res['driver']}, heap {res['heap']}, "
        f"page cache {res['pagecache']}. Graph: `{res['dataset']}` as bench_load.py left it "
        f"({res['companies_with_holders']:,} companies with shareholders). Controller: median of the runs after one "
        "warm-up, `use_cache=False`; baseline `queries/network/penetration_cypher_only.cypher`.", "",
        "| measurement | ours (networkx) | baseline: Cypher alone | ratio | target |", "|---|---|---|---|---|",
        ctl("typical", "a typical company (median)"), ctl("most_holders", "the company with most shareholders"), "",
        "| debtor groups, all parties with open debt | seconds | ratio to networkx Louvain | peak RSS MB (growth) "
        "| debtors | groups |", "|---|---|---|---|---|---|",
    ]
    base = res.get("groups_networkx-louvain_seconds")
    for method in ("networkx-louvain", "igraph-leiden"):
        if f"groups_{method}_seconds" not in res:
            continue
        g = {k: res[f"groups_{method}_{k}"] for k in ("seconds", "peak_rss_mb", "rss_before_mb", "debtors", "groups")}
        lines.append(f"| {method} | {g['seconds']:.2f} | {g['seconds'] / base:.2f} | {g['peak_rss_mb']:.0f} "
                     f"(+{g['peak_rss_mb'] - g['rss_before_mb']:.0f}) | {g['debtors']:,} | {g['groups']:,} |")
    neo = res.get("neo4j_peak_rss_mb")
    lines += ["", "Peak RSS of the Neo4j JVM during these steps: "
              + (f"{neo:,.0f} MB" if neo is not None else "n/a (remote server)") + "."]
    if communities:
        b = next((r for r in communities if r["method"] == "networkx-louvain"), communities[0])
        lines += ["", f"Communities on the synthetic edge list ({nodes:,} nodes, same run):", "",
                  "| method | seconds | ratio to networkx Louvain | peak RSS MB | communities | modularity |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['method']} | {r['seconds']:.2f} | {r['seconds'] / b['seconds']:.3f} | {r['peak_rss_mb']:.0f} | "
                  f"{r['communities']} | {r['modularity']:.4f} |" for r in communities]
    return "\n".join(lines) + "\n"


def bench_neo4j(parties: int, repeats: int = 5, keep: bool = False) -> dict[str, Any]:
    from graph_model.db import Graph
    from loaders.load import load_export
    from queries.network.common import resolve_party

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
            time_controller(graph, label, resolve_party(graph, ref).uid, repeats, out)
        time_groups(out)
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
    ap.add_argument("--loaded", action="store_true",
                    help="part 3 on the graph bench_load.py left (needs --data; checked, never emptied)")
    ap.add_argument("--data", type=Path, help="the dataset directory the graph holds (with --loaded)")
    ap.add_argument("--repeats", type=int, default=5, help="controller runs per company after the warm-up")
    ap.add_argument("--no-results", action="store_true", help="do not write RESULTS.md or results/")
    args = ap.parse_args()
    if args.loaded and not args.data:
        raise SystemExit("--loaded needs --data DIR (the dataset the graph holds)")
    results: list[dict[str, Any]] | None = None
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, igraph {igraph_available()}")
    if not args.skip_communities:
        results = bench_communities(args.nodes, args.methods.split(","))
        base = next((r for r in results if r["method"] == "networkx-louvain"), results[0])
        print("\n| method | algorithm | seconds | ratio to networkx Louvain | peak RSS MB | communities | modularity |")
        print("|---|---|---|---|---|---|---|")
        for r in results:
            print(f"| {r['method']} | {r['algorithm']} | {r['seconds']:.2f} | {r['seconds'] / base['seconds']:.3f} | "
                  f"{r['peak_rss_mb']:.0f} | {r['communities']} | {r['modularity']:.4f} |")
    if args.loaded:
        from common import write_json, write_section

        loaded = bench_loaded(args.data, args.repeats)
        section = loaded_section(loaded, results, args.nodes)
        print(section)
        if not args.no_results:
            write_section("## Network on the loaded dataset", section)
            write_json("network", loaded["parties"], {
                **loaded, "targets": {"controller_under_1s": max(loaded["controller_typical_networkx_seconds"],
                                                                 loaded["controller_most_holders_networkx_seconds"]) < 1.0},
                "communities_synthetic": {"nodes": args.nodes, "results": results}})
    if args.neo4j:
        if not args.yes_empty_the_database:
            raise SystemExit("part 2 empties the database; add --yes-empty-the-database")
        result = bench_neo4j(args.parties, keep=args.keep)
        print()
        for k, v in result.items():
            print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    main()
