"""`debtgraph loads list|show`: what earlier loads did — uploads and `debtgraph load` runs alike (api/loads.py)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from api import loads as lib
from api.cli.app import app, err, fail
from api.results import NotFound
from graph_model.settings import get_settings

loads_app = typer.Typer(help="Earlier loads: their summaries, per file what was added, changed, retired.",
                        no_args_is_help=True)
app.add_typer(loads_app, name="loads")
FACTS = ("added", "changed", "retired", "reasserted")


@loads_app.command("list")
def list_(limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
          as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False) -> None:
    """The latest loads, newest first."""
    records = lib.list_loads(get_settings().data_dir, limit)
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False))
        return
    table = Table(title="loads", title_justify="left")
    for column in ("load", "source", "by", "kind", "rows", "rejected", *FACTS):
        table.add_column(column.replace("reasserted", "re-asserted"))
    for r in records:
        s = r["summary"]
        kind = f"snapshot {s.get('exported_on')}" if s.get("snapshot") else "delta"
        table.add_row(r["load_id"], r["source"], r["uploaded_by"], kind, f"{s.get('rows', 0):,}",
                      f"{s.get('rejected', 0):,}", *(f"{_total(s, f):,}" for f in FACTS))
    err.print(table)


@loads_app.command("show")
def show(load_id: Annotated[str, typer.Argument(help="the load's id (debtgraph loads list)")],
         as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False) -> None:
    """One load: per file the rows, rejects, and the facts added, changed, retired and re-asserted."""
    try:
        record = lib.load_record(get_settings().data_dir, load_id)
    except NotFound as exc:
        raise fail(str(exc), 2) from exc
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    s = record["summary"]
    kind = f"snapshot as of {s.get('exported_on')}" if s.get("snapshot") else "delta (adds and updates)"
    err.print(f"load {record['load_id']}: {record['source']} by {record['uploaded_by']} at {record['uploaded_at']} — "
              f"{kind}", highlight=False)
    table = Table(title_justify="left")
    for column in ("file", "rows", "loaded", "rejected", "flagged", *FACTS):
        table.add_column(column.replace("reasserted", "re-asserted"), justify="left" if column == "file" else "right")
    for f in s.get("files", {}).values():
        table.add_row(f["file"], *(f"{f.get(c, 0):,}" for c in ("rows", "loaded", "rejected", "flagged", *FACTS)))
    err.print(table)
    if s.get("rejected") or s.get("flagged"):
        err.print(f"rejection report: {lib.rejects_path(get_settings().data_dir, load_id)}", highlight=False)


def _total(summary: dict[str, Any], fact: str) -> int:
    return sum(f.get(fact, 0) for f in summary.get("files", {}).values())
