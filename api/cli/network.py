"""`debtgraph network …`: equity penetration, control, debtor groups, brokers, circular claims, paths.

Thin edge over :mod:`queries.network`: parse, call, shape. Parties are named by
uid, id_number or ``<source>:<party_id>``. Chinese tables for people, ``--json``
for machines.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.table import Table

from api.cli.app import app, fail, out
from graph_model.db import Graph
from queries.network import (
    NetworkError,
    brokers,
    claim_cycles,
    controlled_view,
    debtor_group,
    debtor_groups,
    paths_between,
    ultimate_controller,
)
from queries.network.common import PartyInfo
from queries.network.community import METHODS

# Server notices about relationship types a graph does not hold yet are noise on a terminal.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

network_app = typer.Typer(help="Network analytics: control, debtor groups, brokers, circular claims, paths.",
                          no_args_is_help=True)
app.add_typer(network_app, name="network")

T = TypeVar("T")
JSON_OPT = typer.Option(False, "--json", help="print JSON for machines instead of tables")

RULE_ZH = {"actual_controller": "登记的实际控制人", "majority": "累计持股≥50%", "largest": "最大最终股东",
           "via_majority_holder": "经控股50%以上的公司",
           "none": "无法确定", "legal_representative": "法定代表人（无人持股≥50%）",
           "via_controlled": "经受控公司控股≥50%"}
TERMINAL_ZH = {"natural_person": "自然人", "state_or_organization": "国资/机构", "no_known_shareholders": "股东不详",
               "hop_limit": "超出层数"}


def _run(work: Callable[[Graph], T]) -> T:
    try:
        with Graph() as graph:
            return work(graph)
    except NetworkError as exc:
        raise fail(str(exc)) from exc


def _json(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _money(value: float | None) -> str:
    return "未知" if value is None else f"{value:,.2f}"


def _who(party: PartyInfo | None) -> str:
    return "—" if party is None else f"{party.label}（{party.uid}）"


def _note(truncated: bool, algorithm: dict[str, Any]) -> None:
    if truncated:
        out.print("[yellow]注意：结果受层数或节点上限截断，可能不完整。[/]")
    out.print(f"[dim]算法：{algorithm['name']}[/]", highlight=False)


@network_app.command()
def controller(company: str = typer.Argument(..., help="the company: uid, id_number or <source>:<party_id>"),
               max_hops: int = typer.Option(10, "--max-hops", min=1, max=30, help="levels of holders to follow"),
               as_json: bool = JSON_OPT) -> None:
    """Equity penetration (股权穿透): every holder above a company and its ultimate controller."""
    result = _run(lambda g: ultimate_controller(g, company, max_hops=max_hops))
    if as_json:
        return _json(result.to_json())
    out.print(f"[bold]{_who(result.company)} 的实际控制人：{_who(result.controller)}[/]", highlight=False)
    out.print(f"判定规则：{RULE_ZH[result.rule]}。{result.reason}", highlight=False)
    table = Table(title="最终股东（累计持股 = 各路径持股比例之积的和）")
    for col in ("股东", "类型", "累计持股", "直接持股", "路径数", "示例路径"):
        table.add_column(col)
    for h in result.holders + result.intermediates:
        kind = TERMINAL_ZH.get(h.terminal or "", "中间公司") if h.ultimate else "中间公司"
        share = _pct(h.share) + ("（部分比例未知）" if h.share_incomplete else "")
        table.add_row(_who(h.party), kind, share, _pct(h.direct_share), str(h.paths),
                      " → ".join(p.label for p in h.example_path[::-1]))
    out.print(table)
    _note(result.truncated, result.algorithm)


@network_app.command()
def controlled(person: str = typer.Argument(..., help="the party: uid, id_number or <source>:<party_id>"),
               max_hops: int = typer.Option(10, "--max-hops", min=1, max=30),
               as_json: bool = JSON_OPT) -> None:
    """Every company a party controls, and by which rule."""
    result = _run(lambda g: controlled_view(g, person, max_hops=max_hops))
    if as_json:
        return _json(result.to_json())
    table = Table(title=f"{_who(result.party)} 控制的公司（{len(result.companies)} 家）")
    for col in ("公司", "控制依据", "本人累计持股", "经由"):
        table.add_column(col)
    for c in result.companies:
        table.add_row(_who(c.company), RULE_ZH[c.rule], _pct(c.share), _who(c.via) if c.via else "")
    out.print(table)
    _note(result.truncated, result.algorithm)


@network_app.command()
def groups(top: int = typer.Option(20, "--top", min=1, help="how many groups to show"),
           by: str = typer.Option("outstanding", "--by", help="rank by 'outstanding' debt or by 'courts' spanned"),
           hub_degree: int = typer.Option(50, "--hub-degree", min=2, help="phones/addresses used by more parties are hubs"),
           method: str = typer.Option("auto", "--method",
                                      help="communities: auto (igraph Leiden, else networkx), igraph-leiden, "
                                           "igraph-louvain, networkx-louvain"),
           as_json: bool = JSON_OPT) -> None:
    """Debtor groups: communities of linked parties with open enforcement debt."""
    if method not in METHODS:
        raise fail(f"--method {method!r} is not one of {', '.join(METHODS)}", 2)
    result = _run(lambda g: debtor_groups(g, top=top, by=by, hub_degree=hub_degree, method=method))
    if as_json:
        return _json(result.to_json())
    table = Table(title=f"被执行人团伙（共 {result.debtors} 个有未结执行债务的主体）")
    for col in ("排名", "团伙", "被执行人", "未结案件", "未履行总额（元）", "法院数", "法院", "主要成员"):
        table.add_column(col)
    for g in result.groups:
        rank = g.rank_by_outstanding if by == "outstanding" else g.rank_by_courts
        names = "、".join(m.party.label for m in g.members[:4]) + ("…" if len(g.members) > 4 else "")
        unknown = f"（另 {g.unknown_amount_cases} 件金额未知）" if g.unknown_amount_cases else ""
        table.add_row(str(rank), g.group_id, str(g.debtors), str(g.open_cases), _money(g.total_outstanding) + unknown,
                      str(len(g.courts)), "、".join(g.courts[:5]), names)
    out.print(table)
    if result.hubs:
        out.print(f"已忽略 {len(result.hubs)} 个枢纽（共用者超过 {hub_degree} 个的电话、地址或主体）", highlight=False)
    _note(result.truncated, result.algorithm)


@network_app.command()
def group(party: str = typer.Argument(..., help="a debtor: uid, id_number or <source>:<party_id>"),
          hub_degree: int = typer.Option(50, "--hub-degree", min=2),
          as_json: bool = JSON_OPT) -> None:
    """The debtor group one party belongs to."""
    view = _run(lambda g: debtor_group(g, party, hub_degree=hub_degree))
    if as_json:
        return _json(view.to_json())
    if view.group is None:
        out.print(f"{_who(view.party)} 不属于任何两个以上被执行人的团伙。", highlight=False)
        return
    g = view.group
    out.print(f"[bold]{_who(view.party)} 所在团伙 {g.group_id}：{g.debtors} 个被执行人，未履行总额 "
              f"{_money(g.total_outstanding)} 元，涉及 {len(g.courts)} 个法院[/]", highlight=False)
    table = Table()
    for col in ("成员", "被执行人", "未结案件", "未履行金额（元）"):
        table.add_column(col)
    for m in g.members:
        unknown = f"（另 {m.unknown_amount_cases} 件金额未知）" if m.unknown_amount_cases else ""
        table.add_row(_who(m.party), "是" if m.debtor else "否（关联人）", str(m.open_cases),
                      _money(m.outstanding) + unknown)
    out.print(table)
    _note(view.subgraph.truncated, view.algorithm)


@network_app.command("brokers")
def brokers_cmd(party: str = typer.Argument(..., help="a debtor: uid, id_number or <source>:<party_id>"),
                top: int = typer.Option(10, "--top", min=1),
                hub_degree: int = typer.Option(50, "--hub-degree", min=2),
                as_json: bool = JSON_OPT) -> None:
    """Who connects the shells: betweenness in the debtor's network."""
    result = _run(lambda g: brokers(g, party, top=top, hub_degree=hub_degree))
    if as_json:
        return _json(result.to_json())
    table = Table(title=f"{_who(result.party)} 所在关联网络（{result.network_size} 个主体）中的关键连接人")
    for col in ("排名", "主体", "中介中心度", "连接数", "被执行人", "连接团伙数"):
        table.add_column(col)
    for i, b in enumerate(result.brokers, 1):
        table.add_row(str(i), _who(b.party), f"{b.betweenness:.4f}", str(b.degree), "是" if b.debtor else "否",
                      str(b.communities_bridged))
    out.print(table)
    _note(result.truncated, result.algorithm)


@network_app.command()
def cycles(max_length: int = typer.Option(4, "--max-length", min=2, max=8, help="most parties in a cycle"),
           party: str | None = typer.Option(None, "--party", help="only cycles through this party"),
           limit: int = typer.Option(1000, "--limit", min=1, help="stop after this many cycles"),
           as_json: bool = JSON_OPT) -> None:
    """Circular claims: A is owed by B, B by C, C by A (open cases and receivables)."""
    result = _run(lambda g: claim_cycles(g, max_length=max_length, max_cycles=limit, party_ref=party))
    if as_json:
        return _json(result.to_json())
    if not result.cycles:
        out.print(f"未发现循环债权（检查了 {result.claims} 笔债权，环长不超过 {max_length}）。", highlight=False)
        _note(result.truncated, result.algorithm)
        return
    for i, cycle in enumerate(result.cycles, 1):
        table = Table(title=f"循环债权 {i}：{' → '.join(p.label for p in cycle.parties)} → {cycle.parties[0].label}"
                            f"（可相互抵销 {_money(cycle.amount)} 元）")
        for col in ("债权人", "债务人", "金额（元）", "依据", "日期"):
            table.add_column(col)
        for e in cycle.edges:
            refs = "；".join(("案件 " if c.kind == "enforcement_case" else "应收账款 ") + c.ref for c in e.claims)
            dates = "；".join(c.date for c in e.claims if c.date)
            table.add_row(_who(e.creditor), _who(e.debtor), _money(e.amount), refs, dates)
        out.print(table)
    _note(result.truncated, result.algorithm)


@network_app.command()
def paths(a: str = typer.Argument(..., help="first party: uid, id_number or <source>:<party_id>"),
          b: str = typer.Argument(..., help="second party"),
          k: int = typer.Option(3, "--k", min=1, max=50, help="how many shortest paths"),
          max_hops: int = typer.Option(4, "--max-hops", min=1, max=10, help="most relationships in a path"),
          cross_hubs: bool = typer.Option(False, "--cross-hubs", help="cross phones, addresses and parties above --hub-degree"),
          hub_degree: int = typer.Option(50, "--hub-degree", min=2),
          as_json: bool = JSON_OPT) -> None:
    """The k shortest paths between two parties, each told in one sentence."""
    result = _run(lambda g: paths_between(g, a, b, k=k, max_hops=max_hops, cross_hubs=cross_hubs,
                                          hub_degree=hub_degree))
    if as_json:
        return _json(result.to_json())
    if not result.paths:
        out.print(f"{_who(result.source)} 与 {_who(result.target)} 之间未找到 {max_hops} 步以内的关联路径"
                  + ("（未穿越枢纽节点，可加 --cross-hubs）" if result.hubs and not cross_hubs else "") + "。",
                  highlight=False)
    else:
        out.print(f"[bold]{_who(result.source)} 与 {_who(result.target)} 的关联路径：[/]", highlight=False)
        for i, p in enumerate(result.paths, 1):
            out.print(f"{i}.（{p.hops} 步）{p.sentence}", highlight=False, soft_wrap=True)
    if result.hubs and not cross_hubs:
        out.print("未穿越的枢纽：" + "、".join(f"{h['name']}（{h['degree']}）" for h in result.hubs[:10]),
                  highlight=False)
    _note(result.truncated, result.algorithm)
