"""`debtgraph audit export`: the audit trail as CSV or JSON Lines on stdout."""

from __future__ import annotations

import datetime as dt
import sys

import typer

from api import audit as audit_log
from api.cli.app import app, fail
from api.cli.keys import cli_actor
from graph_model.db import Graph

audit_app = typer.Typer(help="The audit trail of reads, queries and changes.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("export")
def export(
    since: str = typer.Option(None, "--since", help="ISO date or date-time (UTC when no zone); default: everything"),
    fmt: str = typer.Option("jsonl", "--format", help="csv or jsonl"),
) -> None:
    """Write every event since a time, oldest first, to stdout."""
    if fmt not in ("csv", "jsonl"):
        raise fail(f"--format {fmt!r}: use csv or jsonl", 2)
    start: dt.datetime | None = None
    if since:
        try:
            start = dt.datetime.fromisoformat(since)
        except ValueError as exc:
            raise fail(f"--since {since!r} is not an ISO date or date-time", 2) from exc
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
    with Graph() as graph:
        audit_log.record(graph, actor=cli_actor(), role="admin", action="audit.export",
                         params={"since": since, "format": fmt}, client="cli")
        for chunk in audit_log.export(graph, fmt, start):
            sys.stdout.write(chunk)
    sys.stdout.flush()
