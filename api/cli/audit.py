"""`debtgraph audit export`: the audit trail as CSV or JSON Lines on stdout."""

from __future__ import annotations

import datetime as dt
import sys

import typer

from api import audit as audit_log
from api.cli.app import app, fail
from api.cli.keys import cli_actor
from api.security_store import store_for
from graph_model.settings import get_settings

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
    store = store_for(get_settings())
    audit_log.record(store, actor=cli_actor(), role="admin", action="audit.export",
                     params={"since": since, "format": fmt}, client="cli")
    for chunk in audit_log.export(store, fmt, start):
        sys.stdout.write(chunk)
    sys.stdout.flush()


@audit_app.command("verify")
def verify(
    anchor: str = typer.Option(None, "--anchor", help="SEQ:HASH noted from an earlier verify (or export): also "
                                                      "proves no event up to it was removed from the end"),
) -> None:
    """Recompute the trail's hash chain; exit 0 when intact, 1 when an event was changed, removed or reordered.

    Prints the number of events and the head (SEQ:HASH). Note the head somewhere the server cannot
    write (the security office's register) and pass it as --anchor next time.
    """
    point: tuple[int, str] | None = None
    if anchor:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or int(seq) < 1 or len(digest) != 64:
            raise fail(f"--anchor {anchor!r}: use SEQ:HASH as printed by `debtgraph audit verify`", 2)
        point = (int(seq), digest.lower())
    store = store_for(get_settings())
    result = audit_log.verify(store, point)
    audit_log.record(store, actor=cli_actor(), role="admin", action="audit.verify",
                     params={"anchor": anchor, "ok": result.ok, "events": result.events}, client="cli")
    if not result.ok:
        typer.echo(f"BROKEN at event {result.broken_at}: {result.problem}; events 1–{result.events} are intact",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"intact: {result.events} events, head {result.head_seq}:{result.head_hash}")
