"""`debtgraph decisions export FILE` / `decisions import FILE`: every human decision, portable (api/decisions.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api import decisions as lib
from api.cli.app import app, err, fail
from api.security_store import store_for
from graph_model.db import Graph
from graph_model.settings import get_settings
from queries.registry import Registry

decisions_app = typer.Typer(help="Alert decisions, identity reviews, saved queries and key records as JSON Lines.",
                            no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")


def _registry() -> Registry:
    return Registry(user_dir=get_settings().data_dir / "queries")


@decisions_app.command("export")
def export(file: Annotated[Path, typer.Argument(help="the JSON Lines file to write")]) -> None:
    """Write every decision people made (alert statuses with history, identity reviews, saved queries, key records)."""
    if file.exists():
        raise fail(f"{file} exists already; give a new file name", 2)
    settings = get_settings()
    with Graph(settings) as graph:
        counts = lib.export(graph, store_for(settings), _registry(), file)
    err.print(f"{file}: " + ", ".join(f"{n} {k}" for k, n in counts.items()), highlight=False)


@decisions_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a file of `decisions export`")],
    as_json: Annotated[bool, typer.Option("--json", help="the report as JSON on stdout")] = False,
) -> None:
    """Put the decisions back into this graph (e.g. one rebuilt from the exports); says what was skipped and why."""
    settings = get_settings()
    with Graph(settings) as graph:
        try:
            report = lib.import_(graph, store_for(settings), _registry(), file)
        except lib.DecisionsError as exc:
            raise fail(str(exc), 2) from exc
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    err.print("restored: " + ", ".join(f"{n} {k}" for k, n in report.restored.items()), highlight=False)
    for line, kind, why in report.skipped:
        err.print(f"skipped line {line} ({kind}): {why}", highlight=False)
