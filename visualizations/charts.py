"""Dashboard bar charts as inline SVG strings (matplotlib's Figure API, no pyplot or GUI backend; CJK font
from fonts-noto-cjk).

Pages embed the returned ``<svg>`` directly: no script, no image request, nothing
from the internet. Text stays text (``svg.fonttype = none``) so that it is
searchable and sharp, with a CJK font family list the reader's machine can
match; labels come from exports, so matplotlib's math parsing is off and the SVG
writer's XML escaping keeps them inert.

Input everywhere: plain lists of (label, value).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from visualizations.labels import DETECTOR_ZH, money_short, shorten

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC")
# Names browsers on court desktops match when the SVG is shown (the SVG names fonts, it does not embed them).
VIEWER_FALLBACKS = ["Microsoft YaHei", "PingFang SC", "SimHei", "sans-serif"]
BAR_COLOR = "#2f6fdb"
ALERT_COLOR = "#c1121f"
MAX_BARS = 20
LABEL_CHARS = 18

Pairs = Sequence[tuple[str, float]]
_RENDER_LOCK = threading.Lock()  # rcParams are process-wide; the web server renders from several threads


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed CJK font, registering fonts-noto-cjk's files when
    matplotlib's font cache predates their installation."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in font_manager.findSystemFonts():
        if "CJK" in Path(path).name or "wqy" in path.lower():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise RuntimeError("no CJK font found for charts: install it with `apt-get install -y fonts-noto-cjk`")


def _rc() -> dict[str, object]:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "debtgraph",  # stable ids: the same data gives the same SVG
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_font(), *VIEWER_FALLBACKS[:-1], "DejaVu Sans"],
        "text.parse_math": False,  # a '$' in a company name is text, not TeX
        "axes.unicode_minus": False,
        "font.size": 10,
    }


def _clean_pairs(data: Pairs) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    for i, item in enumerate(data):
        try:
            label, value = item
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"chart row {i}: expected (label, number), got {item!r}") from exc
        if number != number:  # NaN
            raise ValueError(f"chart row {i}: value is NaN for label {label!r}")
        rows.append(("（空）" if label is None or str(label) == "" else str(label), number))
    return rows


def bar_chart_svg(
    data: Pairs,
    title: str,
    *,
    value_label: str = "",
    color: str = BAR_COLOR,
    max_bars: int = MAX_BARS,
    value_format: Callable[[float], str] | None = None,
    width_px: int = 640,
) -> str:
    """A horizontal bar chart, largest first, as an ``<svg>`` element string for inline use.

    Beyond ``max_bars`` the rest are summed into one “其他” bar so that no count is
    silently dropped. An empty list gives a chart that says 暂无数据.
    """
    rows = sorted(_clean_pairs(data), key=lambda r: (-r[1], r[0]))
    if len(rows) > max_bars:
        rest = rows[max_bars - 1:]
        rows = rows[: max_bars - 1] + [(f"其他 {len(rest)} 项", sum(v for _, v in rest))]
    fmt = value_format or _count_format
    n = max(len(rows), 1)
    height_in = 0.9 + 0.32 * n
    width_in = width_px / 100
    # A bare Figure (no pyplot): no global figure registry, nothing to close, no GUI backend.
    with _RENDER_LOCK, matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(width_in, height_in), dpi=100)
        ax = fig.subplots()
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold", color="#1f2937", pad=10)
        if rows:
            labels = [shorten(label, LABEL_CHARS) for label, _ in rows]
            values = [v for _, v in rows]
            positions = list(range(len(rows)))
            bars = ax.barh(positions, values, color=color, height=0.62)
            ax.set_yticks(positions, labels=labels)
            ax.invert_yaxis()
            top = max(values) if max(values) > 0 else 1.0
            ax.set_xlim(0, top * 1.18)
            for bar, value in zip(bars, values, strict=True):
                ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, fmt(value),
                        va="center", ha="left", fontsize=9, color="#374151")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=fmt is _count_format))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))
        else:
            ax.set_yticks([])
            ax.set_xticks([])
            ax.text(0.5, 0.5, "暂无数据", transform=ax.transAxes, ha="center", va="center", color="#6b7280")
        if value_label:
            ax.set_xlabel(value_label, color="#4b5563")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color("#d1d5db")
        ax.tick_params(axis="y", length=0, colors="#1f2937")
        ax.tick_params(axis="x", colors="#6b7280")
        ax.grid(axis="x", color="#eef0f3", linewidth=0.8)
        ax.set_axisbelow(True)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(buf.getvalue(), title)


def _count_format(value: float) -> str:
    return f"{value:,.0f}"


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def _inline(svg: str, title: str) -> str:
    """The bare <svg> element: no XML prologue or DOCTYPE (which names a remote DTD), no metadata;
    an accessible name and <title> added."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    head_end = svg.index(">")
    return (svg[:head_end] + f' role="img" aria-label={quoteattr(title)} class="debtgraph-chart">'
            + f"\n <title>{escape(title)}</title>" + svg[head_end + 1:])


# --------------------------------------------------------------------------- the dashboard's charts


def alerts_per_detector(data: Pairs) -> str:
    """Alerts per detector; detector names are shown in Chinese."""
    rows = [(DETECTOR_ZH.get(str(name), str(name)), value) for name, value in data]
    return bar_chart_svg(rows, "各类预警数量", value_label="预警数", color=ALERT_COLOR)


def alerts_per_court(data: Pairs) -> str:
    return bar_chart_svg(data, "各法院预警数量", value_label="预警数", color=ALERT_COLOR)


def repeat_offender_employers(data: Pairs) -> str:
    """Employers by number of open labor-related enforcement cases against them."""
    return bar_chart_svg(data, "多次欠薪企业（未结劳动争议执行案件数）", value_label="案件数", color="#e05d1f")


def hidden_receivables_by_court(data: Pairs) -> str:
    """终本 cases whose debtor holds a receivable elsewhere, by court."""
    return bar_chart_svg(data, "终本案件中发现他案债权（按法院）", value_label="案件数", color="#d62828")


def property_in_terminated_by_court(data: Pairs) -> str:
    """终本 cases whose debtor has property on record in some export (terminated_case_assets), by court."""
    return bar_chart_svg(data, "终本案件有财产记录（按法院，小聚大）", value_label="案件数", color="#2a9d8f")


def amounts_by_label(data: Pairs, title: str) -> str:
    """Money per label (e.g. outstanding by court), with 万/亿 ticks."""
    return bar_chart_svg(data, title, value_label="金额", value_format=money_short)
