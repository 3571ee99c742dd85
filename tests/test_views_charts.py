"""Dashboard charts: valid inline SVG, labels kept as escaped text, Chinese names, nothing external."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from visualizations import charts
from visualizations.export import external_references

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</script><i>&$x$"  # short enough to be shown whole


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def test_chart_is_valid_inline_svg_with_escaped_labels() -> None:
    svg = charts.bar_chart_svg([(HOSTILE, 5), ("北京市朝阳区人民法院", 12)], "各法院预警数量")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label") == "各法院预警数量"
    assert root.find(f"{SVG}title").text == "各法院预警数量"  # type: ignore[union-attr]
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert "</script>" not in svg and "<i>" not in svg and "&lt;/script&gt;&lt;i&gt;&amp;$x$" in svg
    labels = texts(svg)
    assert HOSTILE in labels  # as text, '$x$' not turned into math
    assert "北京市朝阳区人民法院" in labels and "各法院预警数量" in labels
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg and "<metadata>" not in svg
    assert external_references(f"<html><body>{svg}</body></html>") == []


def test_bars_are_largest_first_with_values() -> None:
    svg = charts.bar_chart_svg([("乙法院", 3), ("甲法院", 30), ("丙法院", 12)], "t")
    labels = texts(svg)
    order = [label for label in labels if label.endswith("法院")]
    assert order == ["甲法院", "丙法院", "乙法院"]
    assert {"30", "12", "3"} <= set(labels)


def test_long_tails_are_summed_not_dropped() -> None:
    data = [(f"法院{i:02d}", 100 - i) for i in range(30)]
    svg = charts.bar_chart_svg(data, "t", max_bars=10)
    labels = texts(svg)
    assert "其他 21 项" in labels
    assert f"{sum(100 - i for i in range(9, 30)):,}" in labels
    assert "法院09" not in labels and "法院08" in labels


def test_detector_chart_uses_chinese_names() -> None:
    svg = charts.alerts_per_detector([("hidden_receivable", 42), ("collusive_settlement", 7), ("new_detector", 1)])
    labels = texts(svg)
    assert "他案债权（到期债权）" in labels and "恶意串通执行和解" in labels and "new_detector" in labels
    assert "各类预警数量" in labels


def test_every_dashboard_chart_renders() -> None:
    rows = [("北京市朝阳区人民法院", 4), ("石家庄市长安区人民法院", 2)]
    for render in (charts.alerts_per_court, charts.repeat_offender_employers, charts.hidden_receivables_by_court,
                   charts.property_in_terminated_by_court):
        assert "北京市朝阳区人民法院" in texts(render(rows))
    money = texts(charts.amounts_by_label([("甲", 123_456_789.0)], "未履行金额"))
    assert "1.23亿" in money


def test_text_uses_an_installed_cjk_font() -> None:
    family = charts.cjk_font()
    assert "CJK" in family or "WenQuanYi" in family or "Han Sans" in family
    svg = charts.bar_chart_svg([("终本", 1)], "终本案件")
    assert f"font-family: '{family}'" in svg  # first choice; viewers' fallbacks follow
    assert "Microsoft YaHei" in svg


def test_empty_chart_says_so() -> None:
    assert "暂无数据" in texts(charts.bar_chart_svg([], "各法院预警数量"))


def test_same_data_gives_the_same_svg() -> None:
    rows = [("甲", 1), ("乙", 2)]
    assert charts.bar_chart_svg(rows, "t") == charts.bar_chart_svg(rows, "t")


def test_bad_rows_are_refused_with_the_row() -> None:
    with pytest.raises(ValueError, match=r"chart row 1: expected \(label, number\), got \('乙', 'many'\)"):
        charts.bar_chart_svg([("甲", 1), ("乙", "many")], "t")
    with pytest.raises(ValueError, match="chart row 0: value is NaN"):
        charts.bar_chart_svg([("甲", float("nan"))], "t")


def test_charts_render_safely_from_several_threads() -> None:
    """The web server renders charts from its thread pool; matplotlib's settings are process-wide."""
    from concurrent.futures import ThreadPoolExecutor

    inputs = [[(f"法院{i}-{j}", j + 1) for j in range(i + 2)] for i in range(6)]
    expected = [charts.bar_chart_svg(rows, f"图{i}") for i, rows in enumerate(inputs)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda item: charts.bar_chart_svg(item[1], f"图{item[0]}"), enumerate(inputs)))
    assert got == expected
