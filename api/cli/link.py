"""`debtgraph link …`: cross-court identity linking and the review of its candidates."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer
from rich.table import Table

from api.cli.app import app, err, fail, out
from graph_model.db import Graph
from loaders.identity import IdentityError, LinkSummary, confirm, link, pending, reject

link_app = typer.Typer(help="Link parties that are probably one legal person across courts (SAME_AS), and review.",
                       invoke_without_command=True, no_args_is_help=False)
app.add_typer(link_app, name="link")


def _quiet() -> None:
    """splink and the driver talk a lot at INFO/WARNING; the summary says what matters."""
    for name in ("splink", "neo4j.notifications", "loaders.identity.scoring"):
        logging.getLogger(name).setLevel(logging.ERROR)


@link_app.callback()
def run(
    ctx: typer.Context,
    threshold_auto: Annotated[float, typer.Option("--threshold-auto", help="score from which a link counts automatically")] = 0.95,
    threshold_review: Annotated[float, typer.Option("--threshold-review", help="score from which a pair waits for review")] = 0.7,
    source: Annotated[str | None, typer.Option("--source", help="only candidates involving this export's parties")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON on stdout")] = False,
) -> None:
    """Propose identity links over the whole graph (or one export's parties); idempotent, keeps review decisions."""
    if ctx.invoked_subcommand is not None:
        return
    _quiet()
    with Graph() as graph:
        try:
            summary = link(graph, threshold_auto, threshold_review, source,
                           progress=None if as_json else lambda msg: err.print(f"[dim]{msg}[/]", highlight=False))
        except IdentityError as exc:
            raise fail(str(exc)) from exc
    if as_json:
        out.print_json(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        _print_summary(summary)


def _print_summary(s: LinkSummary) -> None:
    table = Table(title="identity linking" + (f" — export {s.source}" if s.source else ""), title_justify="left")
    table.add_column("")
    table.add_column("", justify="right")
    for label, value in (("parties", s.parties), ("in scope", s.in_scope), ("candidates ≥ review threshold", s.candidates),
                         ("automatic links", s.auto), ("pending review", s.pending),
                         ("kept pending: would join different valid ids", s.conflicts),
                         ("already reviewed (kept)", s.kept_reviewed), ("links withdrawn", s.removed),
                         ("entity ids changed", s.entities_changed), ("entity ids reset", s.entities_reset)):
        table.add_row(label, f"{value:,}")
    err.print(table)
    err.print(f"thresholds auto {s.threshold_auto} / review {s.threshold_review}; {s.seconds:.1f} s "
              f"({', '.join(f'{k} {v:.1f} s' for k, v in s.timings.items())})", highlight=False)


@link_app.command("review")
def review(
    skip: Annotated[int, typer.Option("--skip", min=0, help="pending links to skip (pagination)")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, help="pending links to show")] = 20,
    source: Annotated[str | None, typer.Option("--source", help="only links touching this export's parties")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the page as JSON on stdout")] = False,
) -> None:
    """List the links waiting for a reviewer, best score first, with their evidence."""
    with Graph() as graph:
        page = pending(graph, skip, limit, source)
    if as_json:
        out.print_json(json.dumps({"total": page.total, "skip": page.skip, "limit": page.limit, "items": page.items},
                                  ensure_ascii=False, default=str))
        return
    if not page.items:
        err.print(f"no pending links ({page.total} in all)")
        return
    for k, item in enumerate(page.items, start=page.skip + 1):
        a, b = item["a"], item["b"]
        out.print(f"[bold]{k}. {a['uid']}  ↔  {b['uid']}[/]  score {item['score']:.4f}", highlight=False)
        for side in (a, b):
            ident = side.get("id_number") or (f"{side['id_number_raw']} (fails its check)" if side.get("id_number_raw")
                                              else "no id number")
            out.print(f"   {side['name']} · {side['kind']} · {ident} · {', '.join(side.get('sources') or [])}",
                      highlight=False)
        for line in item["evidence"] or []:
            out.print(f"   - {line}", highlight=False)
    err.print(f"{page.skip + 1}–{page.skip + len(page.items)} of {page.total} pending; "
              "decide with `debtgraph link confirm|reject A B --actor NAME`", highlight=False)


def _decide(action: str, a: str, b: str, actor: str, reason: str | None) -> None:
    with Graph() as graph:
        try:
            result = (confirm if action == "confirm" else reject)(graph, a, b, actor, reason)
        except IdentityError as exc:
            raise fail(str(exc)) from exc
    was = f" (was {result.previous})" if result.previous else " (no link before)"
    out.print(f"{result.a} ↔ {result.b}: {result.status}{was}; entity of {result.a} is {result.entity_id}",
              highlight=False)


@link_app.command("confirm")
def confirm_cmd(
    a: Annotated[str, typer.Argument(help="uid of one party")],
    b: Annotated[str, typer.Argument(help="uid of the other party")],
    actor: Annotated[str, typer.Option("--actor", help="who decides (recorded on the link)")],
    reason: Annotated[str | None, typer.Option("--reason", help="why (recorded on the link)")] = None,
) -> None:
    """Confirm that two parties are one legal person; they count as one party from now on."""
    _decide("confirm", a, b, actor, reason)


@link_app.command("reject")
def reject_cmd(
    a: Annotated[str, typer.Argument(help="uid of one party")],
    b: Annotated[str, typer.Argument(help="uid of the other party")],
    actor: Annotated[str, typer.Option("--actor", help="who decides (recorded on the link)")],
    reason: Annotated[str | None, typer.Option("--reason", help="why (recorded on the link)")] = None,
) -> None:
    """Reject a link: the two parties are different legal persons and are never proposed again."""
    _decide("reject", a, b, actor, reason)
