"""`debtgraph ingest INBOX`: the daily run over dropped court exports (loaders/ingest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import app, err, fail
from graph_model.db import Graph
from loaders.ingest import IngestBusy, ingest
from loaders.readers import ExportError


@app.command("ingest")
def ingest_command(
    inbox: Annotated[Path, typer.Argument(help="the folder the case systems drop INBOX/<YYYY-MM-DD>/<source>/ into")],
    as_json: Annotated[bool, typer.Option("--json", help="the run's summary as JSON on stdout")] = False,
) -> None:
    """Load each dated export folder in date order, detect as of its date, move it to done/ or failed/.

    Exit 0 when every folder loaded (or was a duplicate), 1 when a folder failed or a detector did,
    2 for a missing inbox, 3 when another ingest runs. Safe to run again after an interruption.
    """
    with Graph() as graph:
        try:
            result = ingest(graph, inbox, say=lambda text: err.print(text, highlight=False))
        except IngestBusy as exc:
            raise fail(str(exc), 3) from exc
        except ExportError as exc:
            raise fail(str(exc), 2) from exc
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    for d in result.dates:
        courts = ", ".join(f"{court} {n}" for court, n in sorted(d.new_alerts.items())) or "none"
        err.print(f"{d.date}: " + ", ".join(f"{f.source} {f.outcome}" for f in d.folders) + f"; new alerts: {courts}",
                  highlight=False)
    if any(f.outcome == "failed" for d in result.dates for f in d.folders) or \
            any(d.detectors_failed for d in result.dates):
        raise typer.Exit(1)
