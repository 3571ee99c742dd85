"""One renderer for every subgraph the library returns: a self-contained interactive vis-network page.

A party's network, an alert's evidence, a path between two parties and an equity
chain are all a :class:`graph_model.subgraph.Subgraph`; :func:`build_view` turns
one into vis-network nodes, edges and options (built with pyvis), and
:func:`render_html` puts them into our own template with vis-network inlined, so
that the page loads nothing from the internet (court intranets have none) and
works as one exported file.

Names and properties come from court exports and are untrusted. They never
reach HTML as markup: the data travels as JSON inside a ``<script
type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, labels are
drawn on the canvas, and tooltips and the detail panel are built in the browser
with ``textContent``.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import markupsafe
import pyvis
from pyvis.network import Network

from graph_model.subgraph import GNode, GRel, Subgraph
from visualizations import labels as L
from visualizations import style

DEFAULT_LAYOUT_THRESHOLD = 300
"""Above this many nodes the browser's physics stalls: positions are computed here instead."""

STABILIZATION_ITERATIONS = 400
FONT_FACE = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

ExpandUrl = str | Callable[[GNode], str | None]

# Which family an edge belongs to decides its colour: who owes whom, who controls whom.
EDGE_COLORS: dict[str, str] = {
    "RESPONDENT_IN": "#d0605e",
    "DEFENDANT_IN": "#d0605e",
    "APPLICANT_IN": "#3f9a63",
    "PLAINTIFF_IN": "#3f9a63",
    "THIRD_PARTY_IN": "#8d99a6",
    "ADMINISTRATOR_IN": "#8d99a6",
    "BASED_ON": "#b08a2e",
    "SAME_AS": "#c1121f",
    "ALERT_ON_CASE": "#c1121f",
    "ALERT_ON_PARTY": "#c1121f",
    "EVIDENCE": "#e07a7f",
    "OWED_BY": "#c8102e",
    "TRANSFERRED": "#c2185b",
    "TRANSFERRED_TO": "#c2185b",
    "TRANSFER_OF": "#c2185b",
}
FAMILY_EDGE_COLOR = "#8e6bbf"  # spouse, parent, sibling, relative
CORPORATE_EDGE_COLOR = "#5a7fa8"  # shareholder, officers, employee, guarantor
DEFAULT_EDGE_COLOR = "#9aa5b1"
FAMILY = {"SPOUSE_OF", "PARENT_OF", "SIBLING_OF", "RELATIVE_OF"}
CORPORATE = {
    "SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "DIRECTOR_OF", "SUPERVISOR_OF", "MANAGER_OF",
    "ACTUAL_CONTROLLER_OF", "EMPLOYEE_OF", "GUARANTOR_OF",
}
DASHED = {"SAME_AS", "EVIDENCE", "ALERT_ON_CASE", "ALERT_ON_PARTY", "BASED_ON"}

# Order in which a capped neighbourhood keeps nodes at the same distance from the subject.
KEEP_PRIORITY = {
    "Alert": 0, "Case": 1, "Person": 2, "Company": 2, "Organization": 2, "Party": 2, "Asset": 3,
    "Settlement": 4, "Transfer": 4, "Payment": 4, "Measure": 4, "Auction": 4, "Detention": 4,
    "Phone": 5, "Address": 5,
}


@dataclass
class View:
    """What the page draws: vis-network nodes, edges and options, plus legend and counts."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]]
    subject: str | None
    server_layout: bool
    stats: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "subject": self.subject,
            "serverLayout": self.server_layout,
            "stats": self.stats,
        }


# --------------------------------------------------------------------------- debts


def outstanding_debts(sub: Subgraph) -> dict[str, float]:
    """Outstanding debt per party: a given ``outstanding_debt`` property, else the sum over the
    open enforcement cases in the subgraph where the party is respondent.

    Sizing debtors by what they still owe lets a judge see at a glance who matters;
    a case whose outstanding is unknown adds nothing to the sum.
    """
    debts: dict[str, float] = {}
    for rel in sub.relationships.values():
        if rel.type != "RESPONDENT_IN":
            continue
        case = sub.nodes.get(rel.end)
        if case is None or case.kind != "Case":
            continue
        props = case.properties
        if props.get("kind") != "enforcement" or props.get("status") not in L.OPEN_CASE_STATUSES:
            continue
        amount = _float(props.get("outstanding"))
        if amount is not None and amount > 0:
            debts[rel.start] = debts.get(rel.start, 0.0) + amount
    for node in sub.nodes.values():
        given = _float(node.properties.get("outstanding_debt"))
        if given is not None:
            debts[node.id] = given
    return debts


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- labels and tooltips


def node_label(node: GNode) -> str:
    """The short text drawn by the node."""
    p = node.properties
    kind = node.kind
    if kind in style.PARTY_LOOKS:
        return L.shorten(p.get("name") or p.get("uid") or "（无名称）", 16)
    if kind == "Case":
        status = L.zh(L.CASE_STATUS_ZH, p.get("status"))
        return f"{p.get('case_no') or '（无案号）'}" + (f"\n{status}" if status else "")
    if kind == "Asset":
        head = L.zh(L.ASSET_KIND_ZH, p.get("kind")) or "财产"
        desc = L.shorten(p.get("description") or p.get("registry_no") or "", 14)
        return head + (f"\n{desc}" if desc else "")
    if kind == "Phone":
        return L.mask_phone(p.get("number"))
    if kind == "Address":
        return L.shorten(p.get("text"), 16)
    if kind == "Settlement":
        return "和解 " + (L.money_short(p.get("settled_amount")) or "")
    if kind == "Measure":
        return L.zh(L.MEASURE_KIND_ZH, p.get("kind")) or "控制措施"
    if kind == "Payment":
        return "执行款 " + (L.money_short(p.get("amount")) or "")
    if kind == "Auction":
        return "拍卖 " + (L.zh(L.AUCTION_RESULT_ZH, p.get("result")) or "")
    if kind == "Transfer":
        return "转让 " + str(p.get("transferred_on") or "")
    if kind == "Detention":
        return L.zh(L.DETENTION_KIND_ZH, p.get("kind")) or "羁押"
    if kind == "Alert":
        return L.zh(L.DETECTOR_ZH, p.get("detector")) or "预警"
    return L.shorten(p.get("name") or p.get("uid") or p.get("key") or L.KIND_ZH.get(kind, kind), 16)


def _rows(pairs: Iterable[tuple[str, Any]]) -> list[list[str]]:
    return [[k, str(v)] for k, v in pairs if v not in (None, "", [])]


def node_tip(node: GNode, debt: float | None) -> dict[str, Any]:
    """Tooltip content as data (head, kind, rows); the page builds it with textContent."""
    p = node.properties
    kind = node.kind
    head = node_label(node).replace("\n", " ")
    rows: list[tuple[str, Any]]
    if kind in style.PARTY_LOOKS:
        head = str(p.get("name") or p.get("uid") or "（无名称）")
        id_number = p.get("id_number") or p.get("id_number_raw")
        if kind == "Person" and id_number:
            id_number = L.mask_id_number(id_number)
        other_names = [n for n in (p.get("names") or []) if n != p.get("name")]
        rows = [
            ("证件号码", id_number),
            ("证件核验", "未通过" if p.get("id_invalid") else None),
            ("曾用名/别名", "、".join(map(str, other_names))),
            ("登记状态", L.zh(L.PARTY_STATUS_ZH, p.get("status"))),
            ("成立日期", p.get("registered_on")),
            ("未履行金额", L.money(debt) if debt else None),
        ]
    elif kind == "Case":
        head = str(p.get("case_no") or "（无案号）")
        outstanding = p.get("outstanding")
        rows = [
            ("案件类型", L.zh(L.CASE_KIND_ZH, p.get("kind"))),
            ("案件状态", L.zh(L.CASE_STATUS_ZH, p.get("status"))),
            ("法院", p.get("court")),
            ("案由", p.get("cause")),
            ("立案日期", p.get("filed_on")),
            ("结案日期", p.get("closed_on")),
            ("执行标的", L.money(p.get("amount"))),
            ("已到位", L.money(p.get("amount_paid"))),
            ("未履行", L.money(outstanding) if outstanding is not None else ("不明" if p.get("amount") is None and p.get("kind") == "enforcement" else None)),
            ("裁判结果", L.zh(L.CASE_OUTCOME_ZH, p.get("outcome"))),
            ("债权申报截止", p.get("claims_deadline")),
            ("数据状态", "仅作为执行依据出现，未导入" if p.get("loaded") is False else None),
        ]
    elif kind == "Asset":
        rows = [
            ("财产类型", L.zh(L.ASSET_KIND_ZH, p.get("kind"))),
            ("描述", p.get("description")),
            ("登记号", p.get("registry_no")),
            ("价值", L.money(p.get("value"))),
        ]
    elif kind == "Phone":
        rows = [("号码", L.mask_phone(p.get("number")))]
    elif kind == "Address":
        head = str(p.get("text") or "")
        rows = []
    elif kind == "Settlement":
        rows = [
            ("签订日期", p.get("signed_on")),
            ("原标的", L.money(p.get("original_amount"))),
            ("和解金额", L.money(p.get("settled_amount"))),
            ("履行日期", p.get("performed_on")),
        ]
    elif kind == "Measure":
        rows = [
            ("措施", L.zh(L.MEASURE_KIND_ZH, p.get("kind"))),
            ("采取日期", p.get("imposed_on")),
            ("解除日期", p.get("lifted_on") or "未解除"),
        ]
    elif kind == "Payment":
        rows = [
            ("到账日期", p.get("received_on")),
            ("金额", L.money(p.get("amount"))),
            ("发放日期", p.get("disbursed_on") or "未发放"),
        ]
    elif kind == "Auction":
        rows = [
            ("委托日期", p.get("ordered_on")),
            ("挂拍日期", p.get("listed_on")),
            ("结束日期", p.get("closed_on")),
            ("结果", L.zh(L.AUCTION_RESULT_ZH, p.get("result"))),
            ("成交价", L.money(p.get("price"))),
        ]
    elif kind == "Transfer":
        rows = [("转让日期", p.get("transferred_on")), ("价格", L.money(p.get("price")))]
    elif kind == "Detention":
        rows = [
            ("类型", L.zh(L.DETENTION_KIND_ZH, p.get("kind"))),
            ("场所", p.get("facility")),
            ("开始", p.get("start_on")),
            ("结束", p.get("end_on")),
        ]
    elif kind == "Alert":
        score = _float(p.get("score"))
        rows = [
            ("预警类型", L.zh(L.DETECTOR_ZH, p.get("detector"))),
            ("案号", p.get("case_no")),
            ("说明", p.get("message")),
            ("依据", p.get("basis")),
            ("分值", f"{score:.2f}" if score is not None else None),
            ("处理状态", L.zh(L.ALERT_STATUS_ZH, p.get("status"))),
            ("首次发现", p.get("first_seen")),
        ]
    else:
        rows = [(k, v) for k, v in sorted(p.items()) if k not in ("sources", "first_loaded_at") and not isinstance(v, dict)]
    sources = p.get("sources")
    if sources:
        rows.append(("数据来源", "、".join(map(str, sources))))
    return {"head": head, "sub": style.look_of(node).legend, "rows": _rows(rows)}


def edge_label(rel: GRel) -> str:
    """Role, share as %, amount and date: what a judge reads on the line itself."""
    p = rel.properties
    parts = [L.REL_ZH.get(rel.type, rel.type)]
    if p.get("share") is not None:
        parts.append(L.percent(p.get("share")))
    for key in ("amount", "fees_unpaid"):
        if _float(p.get(key)):
            parts.append(("欠费 " if key == "fees_unpaid" else "") + L.money_short(p.get(key)))
    if rel.type == "SAME_AS" and _float(p.get("score")) is not None:
        parts.append(f"{_float(p.get('score')):.2f}")
    date = p.get("date") or p.get("since")
    if date:
        parts.append(f"{date}起" if p.get("since") and not p.get("date") else str(date))
    return " ".join(x for x in parts if x)


def edge_tip(rel: GRel, start: GNode | None, end: GNode | None) -> dict[str, Any]:
    p = rel.properties
    rows: list[tuple[str, Any]] = [
        ("从", node_label(start).replace("\n", " ") if start else None),
        ("到", node_label(end).replace("\n", " ") if end else None),
        ("持股比例", L.percent(p.get("share")) if p.get("share") is not None else None),
        ("金额", L.money(p.get("amount"))),
        ("欠缴诉讼费", L.money(p.get("fees_unpaid"))),
        ("日期", p.get("date")),
        ("起始", p.get("since")),
        ("终止", p.get("until")),
        ("匹配分值", f"{_float(p.get('score')):.2f}" if _float(p.get("score")) is not None else None),
        ("匹配方法", p.get("method")),
        ("匹配依据", "、".join(map(str, p.get("evidence") or []))),
        ("核实状态", L.zh(L.SAME_AS_STATUS_ZH, p.get("status")) if rel.type == "SAME_AS" else None),
        ("核实说明", p.get("reason")),
        ("核实人", p.get("reviewed_by")),
    ]
    if p.get("sources"):
        rows.append(("数据来源", "、".join(map(str, p["sources"]))))
    return {"head": L.REL_ZH.get(rel.type, rel.type), "sub": "关系", "rows": _rows(rows)}


# --------------------------------------------------------------------------- expand links


def expand_link(node: GNode, expand_url: ExpandUrl | None) -> str | None:
    """The caller's "expand this node" URL for a node, or None when the template does not fit it.

    A string template names node properties (``/parties/{uid}?depth=2``, ``/cases/{case_no}``)
    or ``{id}`` (element id) and ``{kind}``; values are percent-encoded. Only relative
    and http(s) URLs are accepted, so an untrusted value can never become a script URL.
    """
    if expand_url is None:
        return None
    if callable(expand_url):
        url = expand_url(node)
    else:
        values = {"id": node.id, "kind": node.kind, **{k: v for k, v in node.properties.items() if v is not None}}
        fields = {name for _, name, _, _ in Formatter().parse(expand_url) if name}
        if not fields <= values.keys():
            return None
        url = expand_url.format_map({k: quote(str(values[k]), safe="") for k in fields})
    if not url:
        return None
    if urlsplit(url).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"expand URL {url!r}: only relative or http(s) links are allowed")
    return url


# --------------------------------------------------------------------------- capping


def _adjacency(sub: Subgraph) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {nid: set() for nid in sub.nodes}
    for rel in sub.relationships.values():
        if rel.start in adj and rel.end in adj and rel.start != rel.end:
            adj[rel.start].add(rel.end)
            adj[rel.end].add(rel.start)
    return adj


def choose_nodes(sub: Subgraph, cap: int | None, adj: dict[str, set[str]]) -> list[str]:
    """The nodes to draw: all of them, or the ``cap`` nearest the subject (breadth first).

    Nearest first keeps what the judge asked about; among equals alerts, cases and
    parties come before phones and addresses. Without a subject the best-connected
    node is the centre.
    """
    if cap is None or len(sub.nodes) <= cap:
        return list(sub.nodes)

    def priority(nid: str) -> tuple[int, int, str]:
        return (KEEP_PRIORITY.get(sub.nodes[nid].kind, 6), -len(adj[nid]), nid)

    roots = sorted(sub.nodes, key=lambda nid: (-len(adj[nid]), nid))
    if sub.subject in sub.nodes:
        roots.insert(0, sub.subject)  # type: ignore[arg-type]
    kept: list[str] = []
    seen: set[str] = set()
    for root in roots:
        if len(kept) >= cap:
            break
        if root in seen:
            continue
        seen.add(root)
        queue = deque([root])
        while queue and len(kept) < cap:
            nid = queue.popleft()
            kept.append(nid)
            for nb in sorted(adj[nid] - seen, key=priority):
                seen.add(nb)
                queue.append(nb)
    return kept


# --------------------------------------------------------------------------- layout


_LAYOUT_LOCK = threading.Lock()


def server_layout(node_ids: list[str], edges: list[tuple[str, str]], seed: int = 7) -> dict[str, tuple[int, int]]:
    """Force-directed positions computed here, in canvas pixels, for views too big for browser physics.

    igraph's Fruchterman-Reingold (C, grid-accelerated above 1000 nodes) lays out
    thousands of nodes in about a second; networkx' spring_layout took 20 s for
    1000 nodes on this project's 2-core machines. Seeded, so a view looks the same
    each time it is opened.
    """
    import igraph

    if not node_ids:
        return {}
    index = {nid: i for i, nid in enumerate(node_ids)}
    pairs = {(min(index[a], index[b]), max(index[a], index[b])) for a, b in edges if a != b}
    g = igraph.Graph(n=len(node_ids), edges=sorted(pairs))
    with _LAYOUT_LOCK:  # igraph's random generator is process-wide
        igraph.set_random_number_generator(random.Random(seed))
        try:
            coords = g.layout_fruchterman_reingold(niter=500, grid="auto").coords
        finally:
            igraph.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    # spread so that, fitted to a screen, labels fall under vis' draw threshold until the judge zooms in
    scale = 180.0 * len(node_ids) ** 0.5 / extent
    # whole pixels: vis-network truncates positions to integers anyway
    return {nid: (round((x - cx) * scale), round((y - cy) * scale)) for nid, (x, y) in zip(node_ids, coords, strict=True)}


# --------------------------------------------------------------------------- the view


class _IdList(list[str]):
    """pyvis' list of node ids with set-speed membership, so adding n nodes and m edges is O(n + m)."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[str] = set()

    def append(self, item: str) -> None:
        super().append(item)
        self._set.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._set


def build_view(
    sub: Subgraph,
    title: str = "关系图",
    *,
    cap: int | None = None,
    expand_url: ExpandUrl | None = None,
    layout_threshold: int = DEFAULT_LAYOUT_THRESHOLD,
    seed: int = 7,
    hubs: Iterable[str] = (),
) -> View:
    """Turn a subgraph into vis-network data: looks by kind, sizes by debt, labels, tooltips, cap, layout.

    ``cap`` limits the drawn nodes (nearest the subject first); each drawn node with
    neighbours left out gets a "+N" node that links to ``expand_url`` for it.
    ``hubs`` (element ids, e.g. ``api.parties.Network.hubs``) are nodes the query showed
    but did not expand: they get a dashed border and their expand link.
    Above ``layout_threshold`` drawn nodes the positions are computed on the server
    and physics is off.
    """
    if cap is not None and cap < 1:
        raise ValueError(f"cap must be at least 1, got {cap}")
    debts = outstanding_debts(sub)
    adj = _adjacency(sub)
    kept = choose_nodes(sub, cap, adj)
    kept_set = set(kept)
    capped = len(kept) < len(sub.nodes)
    hub_set = set(hubs)

    net = Network(directed=True, cdn_resources="in_line")  # directed: pyvis' undirected add_edge is quadratic
    net.node_ids = _IdList()  # pyvis checks `id in node_ids` (a list) for every node and both ends of every edge
    legend: dict[tuple[str, str], dict[str, str]] = {}
    for nid in kept:
        node = sub.nodes[nid]
        look = style.look_of(node)
        legend.setdefault((look.shape, look.color), {"label": look.legend, "shape": look.shape, "color": look.color})
        debt = debts.get(nid)
        size = style.size_for_debt(debt, look.size) if node.kind in style.PARTY_LOOKS else look.size
        is_subject = nid == sub.subject
        is_hub = nid in hub_set and not is_subject
        url = expand_link(node, expand_url)
        tip = node_tip(node, debt)
        if is_hub:
            tip["hint"] = "关联过多，查询未展开此节点" + ("：双击展开" if url else "")
            legend.setdefault(("hub", "hub"), {"label": "未展开节点", "shape": "hub", "color": "hub"})
        font: dict[str, Any] = {"color": look.font_color}
        if look.shape == "box":
            font["strokeWidth"] = 0  # text sits on the coloured box, a white halo would erase it
        if is_subject:
            font.update({"size": 16, "bold": True})
        net.add_node(
            nid,
            label=node_label(node) or " ",
            shape=look.shape,
            color={
                "background": look.color,
                "border": style.SUBJECT_BORDER if is_subject else (look.color if look.shape == "box" else style.BORDER),
                "highlight": {"background": look.color, "border": "#111827"},
                "hover": {"background": look.color, "border": "#111827"},
            },
            size=size + (6 if is_subject else 0),
            borderWidth=5 if is_subject else 3 if is_hub else (1 if look.shape == "box" else 2),
            font=font,
            kind=node.kind,
            kindLabel=look.legend,
            debt=debt,
            subject=is_subject,
            hub=is_hub,
            tip=tip,
            url=url,
            **({"shapeProperties": {"borderDashes": [5, 3]}} if is_hub else {}),
        )
        if is_hub:
            net.node_map[nid]["color"]["border"] = "#374151"

    rels = [r for r in sub.relationships.values() if r.start in kept_set and r.end in kept_set]
    parallel: Counter[frozenset[str]] = Counter()
    for rel in rels:
        pair = frozenset((rel.start, rel.end))
        nth = parallel[pair]
        parallel[pair] += 1
        color = EDGE_COLORS.get(rel.type) or (
            FAMILY_EDGE_COLOR if rel.type in FAMILY else CORPORATE_EDGE_COLOR if rel.type in CORPORATE else DEFAULT_EDGE_COLOR
        )
        net.add_edge(
            rel.start,
            rel.end,
            id=rel.id,
            label=edge_label(rel),
            color={"color": color, "highlight": "#111827", "hover": "#111827"},
            dashes=rel.type in DASHED,
            relType=rel.type,
            # several relationships between the same two parties fan out instead of overlapping
            **({"smooth": {"enabled": True, "type": "curvedCW" if nth % 2 else "curvedCCW",
                           "roundness": 0.25 * ((nth + 1) // 2)}} if nth else {}),
            tip=edge_tip(rel, sub.nodes.get(rel.start), sub.nodes.get(rel.end)),
        )

    hidden_total = 0
    if capped:
        for nid in kept:
            hidden = [nb for nb in adj[nid] if nb not in kept_set]
            if not hidden:
                continue
            hidden_total += len(hidden)
            counts = Counter(L.KIND_ZH.get(sub.nodes[nb].kind, sub.nodes[nb].kind) for nb in hidden)
            url = expand_link(sub.nodes[nid], expand_url)
            more_id = f"more:{nid}"
            net.add_node(
                more_id,
                label=f"+{len(hidden)}",
                shape=style.MORE_LOOK.shape,
                color={"background": "#ffffff", "border": "#6b7280",
                       "highlight": {"background": "#f3f4f6", "border": "#111827"}},
                borderWidth=1,
                shapeProperties={"borderDashes": [4, 3]},
                font={"color": style.MORE_LOOK.font_color, "size": 12},
                kind="more",
                kindLabel=style.MORE_LOOK.legend,
                more=len(hidden),
                parent=nid,
                subject=False,
                tip={
                    "head": f"另有 {len(hidden)} 个关联节点未显示",
                    "sub": "已截断",
                    "rows": [[k, f"{v} 个"] for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
                    "hint": "双击或点击右侧链接展开此节点" if url else "",
                },
                url=url,
            )
            net.add_edge(nid, more_id, id=f"more-edge:{nid}", color={"color": "#9ca3af"}, dashes=True, relType="MORE",
                         arrows={"to": {"enabled": False}})
        legend[("box", "more")] = {"label": style.MORE_LOOK.legend, "shape": "box", "color": "#ffffff"}

    nodes, edges, *_ = net.get_network_data()
    big = len(nodes) > layout_threshold
    if big:
        positions = server_layout([n["id"] for n in nodes], [(e["from"], e["to"]) for e in edges], seed=seed)
        for n in nodes:
            n["x"], n["y"] = positions[n["id"]]
            n["physics"] = False
        for e in edges:
            # edge text on a thousand lines is noise; the tooltip keeps it
            e["hoverLabel"] = e.pop("label", "")

    options = _options(len(nodes), big, seed)
    stats = {
        "nodes": len(sub.nodes),
        "relationships": len(sub.relationships),
        "shownNodes": len(kept),
        "shownRelationships": len(rels),
        "hiddenNodes": len(sub.nodes) - len(kept),
        "hiddenLinks": hidden_total,
        "capped": capped,
        "truncated": bool(sub.truncated or capped),
    }
    # the explanations of markers (dashed border, '+N') come after the kinds
    legend_items = sorted(legend.values(), key=lambda item: item["shape"] == "hub" or item["color"] == "#ffffff")
    return View(title, nodes, edges, options, legend_items, sub.subject if sub.subject in kept_set else None,
                big, stats)


def _options(n: int, big: bool, seed: int) -> dict[str, Any]:
    physics: dict[str, Any]
    if big:
        physics = {"enabled": False}
    else:
        physics = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.008, "springLength": 120,
                                 "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS, "updateInterval": 25,
                              "fit": True},
            "minVelocity": 1.0,
            "maxVelocity": 60,
        }
    return {
        "autoResize": True,
        "nodes": {
            "font": {"face": FONT_FACE, "size": 13, "strokeWidth": 3, "strokeColor": "#ffffff", "multi": False},
            "shadow": False,
            "margin": 6,
        },
        "edges": {
            "font": {"face": FONT_FACE, "size": 10, "color": "#4b5563", "strokeWidth": 3, "strokeColor": "#ffffff",
                     "align": "middle"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "width": 1.2,
            "selectionWidth": 1.5,
            "smooth": {"enabled": False} if big else {"enabled": True, "type": "continuous", "roundness": 0.4},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False},
        "physics": physics,
        "layout": {"randomSeed": seed, "improvedLayout": n <= 100},
    }


# --------------------------------------------------------------------------- HTML


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S*", "", js)  # a file the page does not ship
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    for name, text, closing in (("js", js, "</script"), ("css", css, "</style")):
        if closing in text.lower() or "<!--" in text:
            raise RuntimeError(f"vis-network {name} contains {closing}: it cannot be inlined safely")
    return js, css


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,  # every {{ }} is escaped unless explicitly marked safe
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def script_json(value: Any) -> markupsafe.Markup:
    """JSON safe inside a <script> element: no '<', '>' or '&' can close it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return markupsafe.Markup(text)


def vis_asset_files() -> dict[str, Path]:
    """The vis-network files a web server may serve itself (see ``asset_url`` of :func:`render_html`)."""
    return {"vis-network.min.js": VIS_DIR / "vis-network.min.js", "vis-network.css": VIS_DIR / "vis-network.css"}


def render_view(view: View, asset_url: str | None = None) -> str:
    """The page for a view; vis-network inlined, or loaded from ``asset_url`` on the same server."""
    if asset_url is not None and (not asset_url.startswith("/") or asset_url.startswith("//")):
        raise ValueError(f"asset_url {asset_url!r}: must be a path on the same server, like /static/vis")
    js, css = _vis_assets()
    return _environment().get_template("graph_view.html.j2").render(
        asset_url=asset_url.rstrip("/") if asset_url else None,
        title=view.title,
        view=view,
        data_json=script_json(view.payload()),
        vis_js=markupsafe.Markup(js),
        vis_css=markupsafe.Markup(css),
        legend_shapes=style.LEGEND_SHAPES,
        font_face=FONT_FACE,
    )


def render_html(
    subgraph: Subgraph,
    title: str = "关系图",
    *,
    cap: int | None = None,
    expand_url: ExpandUrl | None = None,
    layout_threshold: int = DEFAULT_LAYOUT_THRESHOLD,
    seed: int = 7,
    hubs: Iterable[str] = (),
    asset_url: str | None = None,
) -> str:
    """A standalone HTML page showing the subgraph (no request leaves the page). See :func:`build_view`.

    A web server that serves :func:`vis_asset_files` itself may pass their path as
    ``asset_url`` (e.g. ``/static/vis``) to save the 700 kB inlined in every page;
    exported files keep the default, inlined, so that they work alone.
    """
    return render_view(build_view(subgraph, title, cap=cap, expand_url=expand_url,
                                  layout_threshold=layout_threshold, seed=seed, hubs=hubs), asset_url)


def write_view(subgraph: Subgraph, path: str | Path, title: str = "关系图", **kwargs: Any) -> Path:
    """Write the view as one standalone HTML file (nothing copied beside it, no browser opened)."""
    if kwargs.get("asset_url"):
        raise ValueError("write_view writes a standalone file: vis-network is inlined, asset_url does not apply")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(subgraph, title, **kwargs), encoding="utf-8")
    return target


_DATA_RE = re.compile(r'<script id="debtgraph-data" type="application/json">(.*?)</script>', re.S)


def view_data(html: str) -> dict[str, Any]:
    """The data a rendered page carries (nodes, edges, options, stats): for tests and tools."""
    match = _DATA_RE.search(html)
    if match is None:
        raise ValueError("not a debtgraph view: no debtgraph-data block")
    return json.loads(match.group(1))
