"""`debtgraph view party|alert …`: a party's network or an alert's evidence as a standalone HTML file
(and optionally a PNG), for attaching to a case file or a report.

Thin edge over api.parties.party_network, queries.alerts.get_alert and
visualizations.render.write_view / visualizations.export.html_to_png. The HTML inlines
vis-network, so the file opens anywhere without a network.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import typer
from rich.markup import escape

from api.cli.app import app, err, fail
from api.parties import party_network
from api.results import NotFound
from graph_model.db import Graph
from graph_model.subgraph import Subgraph
from queries.alerts import AlertNotFound, get_alert
from queries.network import NetworkError, resolve_party
from visualizations.labels import DETECTOR_ZH
from visualizations.render import render_html

logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

view_app = typer.Typer(help="Write a graph view (party network, alert evidence) as a standalone HTML file.",
                       no_args_is_help=True)
app.add_typer(view_app, name="view")

PNG_INSTALL = "pip install -e '.[test]'  (Playwright; Chromium from `apt-get install -y chromium fonts-noto-cjk`)"
OUT_OPT = typer.Option(..., "--out", "-o", help="the HTML file to write", dir_okay=False)
PNG_OPT = typer.Option(None, "--png", help="also write a PNG screenshot of the view (needs Playwright and Chromium)",
                       dir_okay=False)


def playwright_installed() -> bool:
    return importlib.util.find_spec("playwright") is not None


def _check_png(png: Path | None) -> None:
    """Fail before any work when a PNG is asked for but Playwright is not installed."""
    if png is not None and not playwright_installed():
        raise fail(escape(f"--png needs Playwright, which is not installed; install it with: {PNG_INSTALL}"))


def _write(sub: Subgraph, title: str, out: Path, png: Path | None, hubs: list[str] | None = None) -> None:
    html = render_html(sub, title, hubs=hubs or ())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    err.print(f"wrote {out} ({len(sub.nodes)} nodes, {len(sub.relationships)} relationships)", highlight=False)
    if png is not None:
        from visualizations.export import html_to_png
        try:
            html_to_png(html, png)
        except RuntimeError as exc:  # Chromium missing: the message names the install command
            raise fail(escape(str(exc))) from exc
        err.print(f"wrote {png}", highlight=False)


@view_app.command("party")
def view_party(party: str = typer.Argument(..., help="the party: uid, id_number or <source>:<party_id>"),
               depth: int = typer.Option(2, "--depth", min=1, max=3, help="hops of relations to show"),
               out: Path = OUT_OPT, png: Path | None = PNG_OPT) -> None:
    """A party's network (relations, shared phones and addresses) to `depth` hops."""
    _check_png(png)
    with Graph() as graph:
        try:
            info = resolve_party(graph, party)
            net = party_network(graph, info.uid, depth)
        except (NetworkError, NotFound) as exc:
            raise fail(escape(str(exc))) from exc
    _write(net.subgraph, f"{info.name or info.uid} 的关系网络（{depth} 层）", out, png, net.hubs)


@view_app.command("alert")
def view_alert(key: str = typer.Argument(..., help="the alert's key, e.g. hidden_receivable:(2023)沪0104执1234号"),
               out: Path = OUT_OPT, png: Path | None = PNG_OPT) -> None:
    """An alert's evidence subgraph."""
    _check_png(png)
    with Graph() as graph:
        try:
            alert, evidence = get_alert(graph, key)
        except AlertNotFound as exc:
            raise fail(escape(str(exc))) from exc
    title = f"预警证据：{DETECTOR_ZH.get(alert['detector'], alert['detector'])} · {alert.get('case_no') or alert.get('party_id') or ''}"
    _write(evidence, title, out, png)
