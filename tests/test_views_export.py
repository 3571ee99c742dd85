"""PNG export of graph views through Chromium (its own browser, as the CLI and server use it)."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from visualizations.export import html_to_png
from visualizations.render import render_html
from visualizations.samples import example_network

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("DEBTGRAPH_BROWSER", "1") == "0", reason="DEBTGRAPH_BROWSER=0"),
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def test_png_export_renders_the_view() -> None:
    from PIL import Image, ImageStat

    ARTIFACTS.mkdir(exist_ok=True)
    out = html_to_png(render_html(example_network(), "北京宏远建设工程有限公司 · 关联网络"),
                      ARTIFACTS / "export_example.png", width=1200, height=800)
    image = Image.open(out).convert("RGB")
    assert image.size == (1200, 800)
    graph_area = image.crop((0, 60, 900, 800))  # left of the legend, below the header
    stddev = statistics.mean(ImageStat.Stat(graph_area).stddev)
    colours = graph_area.getcolors(maxcolors=1_000_000) or []
    assert stddev > 15, "graph area is blank"
    assert len(colours) > 200  # nodes, edges and anti-aliased text, not a flat fill
    # the status colours are on the picture: a 终本 red and a pending amber
    rgb = {c for _, c in colours}
    assert (0xD6, 0x28, 0x28) in rgb and (0xE3, 0x9B, 0x16) in rgb
