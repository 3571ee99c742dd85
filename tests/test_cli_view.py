"""`debtgraph view party|alert`: standalone HTML (and PNG) of a party's network or an alert's evidence,
against the real test server with the seed stories."""

from __future__ import annotations

import os
from pathlib import Path

import pages_helpers as H
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli import view as view_cli
from api.parties import party_network
from graph_model.db import Graph
from queries.alerts import get_alert
from visualizations.export import external_references
from visualizations.render import view_data

runner = CliRunner()


@pytest.fixture
def seeded(graph: Graph, tmp_path: Path) -> Graph:
    H.seed(graph, tmp_path)
    return graph


def test_view_party_writes_a_standalone_page_of_the_network(seeded: Graph, tmp_path: Path) -> None:
    out = tmp_path / "out" / "zhangwei.html"
    res = runner.invoke(app, ["view", "party", "310104198503127610", "--depth", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    data = view_data(html)
    expected = party_network(seeded, H.ZHANG_WEI, 1).subgraph
    assert len(data["nodes"]) == len(expected.nodes) and len(data["edges"]) == len(expected.relationships)
    assert "张伟 的关系网络（1 层）" in html
    assert external_references(html) == []  # vis-network inlined: the file works alone
    deeper = tmp_path / "d2.html"
    assert runner.invoke(app, ["view", "party", H.ZHANG_WEI, "--out", str(deeper)]).exit_code == 0
    assert len(view_data(deeper.read_text(encoding="utf-8"))["nodes"]) >= len(data["nodes"])


def test_view_alert_writes_its_evidence(seeded: Graph, tmp_path: Path) -> None:
    out = tmp_path / "alert.html"
    res = runner.invoke(app, ["view", "alert", H.HIDDEN, "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = view_data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == len(get_alert(seeded, H.HIDDEN)[1].nodes) >= 3
    assert "他案债权（到期债权）" in out.read_text(encoding="utf-8")


def test_view_names_what_is_wrong(seeded: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = runner.invoke(app, ["view", "alert", "hidden_receivable:nothing", "--out", str(tmp_path / "a.html")])
    assert res.exit_code == 1 and "no alert with key" in res.output
    res = runner.invoke(app, ["view", "party", "查无此人", "--out", str(tmp_path / "p.html")])
    assert res.exit_code == 1 and "查无此人" in res.output
    monkeypatch.setattr(view_cli, "playwright_installed", lambda: False)
    res = runner.invoke(app, ["view", "party", H.ZHANG_WEI, "--out", str(tmp_path / "p.html"),
                              "--png", str(tmp_path / "p.png")])
    assert res.exit_code == 1 and "pip install -e '.[test]'" in " ".join(res.output.split())
    assert not (tmp_path / "p.html").exists()  # refused before any work


@pytest.mark.browser
@pytest.mark.skipif(os.environ.get("DEBTGRAPH_BROWSER", "1") == "0", reason="DEBTGRAPH_BROWSER=0")
def test_view_party_png(seeded: Graph, tmp_path: Path) -> None:
    png = tmp_path / "p.png"
    res = runner.invoke(app, ["view", "party", H.ZHANG_WEI, "--out", str(tmp_path / "p.html"), "--png", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
