"""How each kind of node looks: colour, shape, base size; and the legend that explains it.

Shapes tell the family (parties round/square, cases diamonds, assets triangles,
procedural events boxes, alerts stars); colours tell the detail a judge scans
for first: a red diamond is a 终本 case, a crimson triangle a receivable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph_model.subgraph import GNode
from visualizations.labels import ASSET_KIND_ZH, CASE_STATUS_ZH, KIND_ZH


@dataclass(frozen=True)
class Look:
    color: str  # fill
    shape: str  # vis-network shape
    size: int  # base size (for shapes whose size vis honours)
    legend: str  # the words in the legend
    font_color: str = "#1f2937"


PARTY_LOOKS: dict[str, Look] = {
    "Person": Look("#2f6fdb", "dot", 16, "自然人"),
    "Company": Look("#0f8b8d", "square", 16, "企业"),
    "Organization": Look("#6d4bb8", "hexagon", 16, "其他组织"),
    "Party": Look("#5b7083", "dot", 16, "当事人"),
}

CASE_STATUS_COLORS: dict[str, str] = {
    "pending": "#e39b16",
    "suspended": "#f06a1d",
    "terminated_no_assets": "#d62828",
    "settled": "#2a9d58",
    "concluded": "#8d99a6",
    "withdrawn": "#b7bec6",
    "terminated": "#5c6670",
}
CASE_UNKNOWN_COLOR = "#c9a227"

ASSET_KIND_COLORS: dict[str, str] = {
    "real_estate": "#8a5a2b",
    "vehicle": "#4f6d7a",
    "bank_account": "#1d7fc4",
    "securities": "#7b4fc9",
    "equity": "#b83fb0",
    "receivable": "#c8102e",
    "intellectual_property": "#138a9e",
    "other": "#9a948c",
}

OTHER_LOOKS: dict[str, Look] = {
    "Phone": Look("#7b8794", "triangleDown", 10, "电话"),
    "Address": Look("#a47148", "triangleDown", 10, "地址"),
    "Settlement": Look("#2a9d58", "box", 10, "执行和解", "#ffffff"),
    "Measure": Look("#e05d1f", "box", 10, "控制措施", "#ffffff"),
    "Payment": Look("#1d7fc4", "box", 10, "执行款", "#ffffff"),
    "Auction": Look("#7b4fc9", "box", 10, "司法拍卖", "#ffffff"),
    "Transfer": Look("#c2185b", "box", 10, "财产转让", "#ffffff"),
    "Detention": Look("#37474f", "box", 10, "羁押", "#ffffff"),
    "Alert": Look("#c1121f", "star", 20, "预警"),
    "AlertEvent": Look("#8d99a6", "box", 10, "预警处理记录", "#ffffff"),
}
FALLBACK_LOOK = Look("#9aa5b1", "ellipse", 12, "其他")
MORE_LOOK = Look("#ffffff", "box", 10, "未展开的关联节点", "#374151")

SUBJECT_BORDER = "#111827"
BORDER = "#ffffff"
CASE_SIZE = 13
ASSET_SIZE = 13


def look_of(node: GNode) -> Look:
    """The look of a node from its most specific label and, for cases and assets, its status or kind."""
    kind = node.kind
    if kind in PARTY_LOOKS:
        return PARTY_LOOKS[kind]
    if kind == "Case":
        status = node.properties.get("status")
        color = CASE_STATUS_COLORS.get(str(status), CASE_UNKNOWN_COLOR)
        legend = "案件·" + CASE_STATUS_ZH.get(str(status), "状态不明") if status else "案件·状态不明"
        return Look(color, "diamond", CASE_SIZE, legend)
    if kind == "Asset":
        asset_kind = node.properties.get("kind")
        color = ASSET_KIND_COLORS.get(str(asset_kind), ASSET_KIND_COLORS["other"])
        return Look(color, "triangle", ASSET_SIZE, "财产·" + ASSET_KIND_ZH.get(str(asset_kind), "其他财产"))
    if kind in OTHER_LOOKS:
        return OTHER_LOOKS[kind]
    return Look(FALLBACK_LOOK.color, FALLBACK_LOOK.shape, FALLBACK_LOOK.size, KIND_ZH.get(kind, kind))


def size_for_debt(outstanding: float | None, base: int) -> int:
    """Node size grows with the logarithm of the outstanding debt: 1万 barely, 1亿 clearly, capped.

    Amounts run from a few thousand yuan to billions; a linear scale would make
    every debtor but one a dot.
    """
    if outstanding is None or outstanding <= 0:
        return base
    return base + min(30, round(5 * math.log10(1 + outstanding / 10_000)))


LEGEND_SHAPES: dict[str, str] = {
    # CSS clip-path polygons that mimic vis-network's shapes in the HTML legend
    "dot": "circle(50% at 50% 50%)",
    "ellipse": "ellipse(50% 35% at 50% 50%)",
    "square": "inset(8% 8% 8% 8%)",
    "box": "inset(22% 0% 22% 0% round 3px)",
    "diamond": "polygon(50% 0%, 100% 50%, 50% 100%, 0% 50%)",
    "triangle": "polygon(50% 4%, 100% 92%, 0% 92%)",
    "triangleDown": "polygon(0% 8%, 100% 8%, 50% 96%)",
    "hexagon": "polygon(25% 5%, 75% 5%, 100% 50%, 75% 95%, 25% 95%, 0% 50%)",
    "star": "polygon(50% 0%, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%)",
}
