"""`debtgraph load DIR`: load a court export directory into the graph (`--bulk-initial DIR…`: a first load
of several exports through Neo4j's offline importer, loaders/bulk.py)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from neo4j.exceptions import DriverError, Neo4jError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.app import app, err, fail
from api.loads import record_local_load
from graph_model.db import Graph
from graph_model.types import clean_date
from loaders import ExportError, LoadSummary, MassRetire, load_export, load_snapshot
from loaders.bulk import BulkError, BulkRefused, BulkSummary, bulk_initial_load


class _RowsPerSecond(TextColumn):
    """rows/s of a file's task (rich's own speed column shows bytes)."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]  # rich's column API
        speed = task.finished_speed or task.speed
        return super().render(task) if speed is None else f"{speed:,.0f} rows/s"


@contextmanager
def _progress_bar() -> Iterator[tuple[Progress, Callable[[str, int, int], None]]]:
    """A bar per file on stderr and the loader's progress(file, done, total) callback that moves it."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RowsPerSecond(),
                  TimeElapsedColumn(), console=err, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(file: str, done: int, total: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=total)
            bar.update(tasks[file], completed=done)

        yield bar, progress


@app.command()
def load(
    directories: Annotated[list[Path], typer.Argument(help="the export directory (parties, cases, case_parties, …); "
                                                            "several with --bulk-initial, loaded in this order")],
    source: Annotated[str | None, typer.Option("--source", help="name of the export; defaults to the directory name")] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="rejection report CSV [default: <source>.rejects.csv]; "
                                                 "with several exports a directory holding <source>.rejects.csv")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="encoding of the CSV files (default: detect UTF-8/GB18030)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON on stdout, no progress")] = False,
    keep_extra: Annotated[bool, typer.Option("--keep-extra", help="keep unknown columns as extra_<column> properties")] = False,
    bulk_initial: Annotated[bool, typer.Option("--bulk-initial", help="first load into an EMPTY local database through "
                                               "Neo4j's offline importer (restarts the server); same graph as loading "
                                               "the exports one by one")] = False,
    snapshot: Annotated[bool, typer.Option("--snapshot", help="the export is the source's complete current state: "
                                           "facts it asserted before and not now are retired as of --exported-on "
                                           "(kept for history)")] = False,
    exported_on: Annotated[str | None, typer.Option("--exported-on", help="the snapshot's date, YYYY-MM-DD "
                                                    "[default: today]")] = None,
    allow_mass_retire: Annotated[bool, typer.Option("--allow-mass-retire", help="let a snapshot retire more than "
                                                    "DEBTGRAPH_MAX_RETIRE_SHARE of the source's facts")] = False,
) -> None:
    """Load one court export; bad rows go to the rejection report, unreadable files stop it (exit 2)."""
    if bulk_initial:
        _bulk(directories, source, rejects, encoding, as_json, keep_extra)
        return
    if len(directories) != 1:
        raise fail("give one export directory (several only with --bulk-initial, on an empty database)", 2)
    directory = directories[0]
    name = source or directory.resolve().name
    report = rejects or Path(f"{name}.rejects.csv")
    if (exported_on or allow_mass_retire) and not snapshot:
        raise fail("--exported-on and --allow-mass-retire go with --snapshot", 2)
    try:
        on = clean_date(exported_on) if exported_on else None
    except ValueError as exc:
        raise fail(f"--exported-on {exported_on!r}: {exc}", 2) from exc
    with Graph() as graph:
        graph.migrate()

        def run(progress: Callable[[str, int, int], None] | None) -> LoadSummary:
            if snapshot:
                return load_snapshot(graph, directory, name, exported_on=on, allow_mass_retire=allow_mass_retire,
                                     max_share=graph.settings.debtgraph_max_retire_share, rejects=report,
                                     encoding=encoding, keep_extra=keep_extra, progress=progress)
            return load_export(graph, directory, name, report, encoding, keep_extra, progress)

        try:
            if as_json:
                summary = run(None)
            else:
                with _progress_bar() as (bar, progress):
                    summary = run(progress)
        except ExportError as exc:
            raise fail(f"{exc} — nothing of export {name!r} was loaded", 2) from exc
        except MassRetire as exc:
            raise fail(str(exc), 2) from exc
        except (Neo4jError, DriverError) as exc:
            raise fail(f"the database failed while loading {name!r}: {exc} — run the same command again to "
                       "complete the load (it is safe to repeat)") from exc
        record = record_local_load(graph.settings.data_dir, summary, actor=f"cli:{getpass.getuser()}", rejects=report)
        summary.load_id = record.load_id
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, default=str))
    else:
        _print_summary(summary)
        err.print(f"load {record.load_id} (debtgraph loads show {record.load_id})", highlight=False)


def _bulk(directories: list[Path], source: str | None, rejects: Path | None, encoding: str | None, as_json: bool,
          keep_extra: bool) -> None:
    """`load --bulk-initial DIR…`: refusals exit 2 before anything is done."""
    if source is not None and len(directories) != 1:
        raise fail("--source names one export; with several, each is named by its directory", 2)
    names = [source] if source else [d.resolve().name for d in directories]
    if rejects is None:
        reports: list[Path | None] = [Path(f"{n}.rejects.csv") for n in names]
    elif len(directories) == 1 and not rejects.is_dir():
        reports = [rejects]
    else:
        reports = [rejects / f"{n}.rejects.csv" for n in names]
    with Graph() as graph:
        try:
            if as_json:
                summary = bulk_initial_load(graph, directories, names, reports, encoding, keep_extra)
            else:
                with _progress_bar() as (bar, progress):
                    def phase(text: str) -> None:
                        bar.console.print(f"[bold]{text}[/] …", highlight=False)

                    summary = bulk_initial_load(graph, directories, names, reports, encoding, keep_extra, progress,
                                                phase)
        except BulkRefused as exc:
            raise fail(f"{exc}", 2) from exc
        except BulkError as exc:
            raise fail(str(exc)) from exc
        except (Neo4jError, DriverError) as exc:
            raise fail(f"the database failed during the bulk load: {exc}") from exc
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, default=str))
    else:
        _print_bulk(summary)


def _print_bulk(summary: BulkSummary) -> None:
    for export in summary.exports:
        _print_summary(export, created=False)
    phases = ", ".join(f"{name} {sec:.1f} s" for name, sec in summary.phases.items())
    err.print(f"{summary.nodes:,} nodes and {summary.relationships:,} relationships imported in "
              f"{summary.seconds:.1f} s ({summary.elements / max(summary.seconds, 1e-9):,.0f} elements/s; {phases})",
              highlight=False)


def _print_summary(summary: LoadSummary, created: bool = True) -> None:
    for warning in summary.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    table = Table(title=f"export {summary.source}", title_justify="left")
    facts = ("added", "changed", "retired", "reasserted") if created else ()
    for column in ("file", "format", "rows", "loaded", "rejected", "flagged", *facts):
        table.add_column(column.replace("reasserted", "re-asserted"),
                         justify="left" if column in ("file", "format") else "right")
    for fs in summary.files.values():
        fmt = fs.format + (f" ({fs.encoding})" if fs.encoding else "")
        table.add_row(fs.file, fmt, f"{fs.rows:,}", f"{fs.loaded:,}", f"{fs.rejected:,}", f"{fs.flagged:,}",
                      *(f"{getattr(fs, c):,}" for c in facts))
    table.add_row("total", "", f"{summary.rows:,}", f"{summary.loaded:,}", f"{summary.rejected:,}",
                  f"{summary.flagged:,}", *(f"{sum(getattr(f, c) for f in summary.files.values()):,}" for c in facts),
                  style="bold")
    err.print(table)
    if summary.snapshot:
        err.print(f"snapshot of {summary.source} as of {summary.exported_on}: facts it no longer holds are retired "
                  "(kept for history; detect --as-of an earlier date still sees them)", highlight=False)
    if created:
        err.print(f"{summary.nodes_created:,} nodes and {summary.relationships_created:,} relationships created "
                  f"in {summary.seconds:.1f} s", highlight=False)
    if summary.rejected or summary.flagged:
        err.print(f"rejected and flagged rows: {summary.rejects_file}", highlight=False)
