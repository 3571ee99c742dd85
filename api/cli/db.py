"""`debtgraph db …`: run the local Neo4j and manage the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import app, err, fail, out
from api.security_store import move_from_graph, store_for
from graph_model.db import Graph
from graph_model.settings import Settings, get_settings
from neo4j_local import server

db_app = typer.Typer(help="The Neo4j database: start, stop, status, migrate, reset.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command()
def start() -> None:
    """Start the local Neo4j in the background, wait for Bolt, apply the schema; prints the bolt URI."""
    settings = get_settings()
    if settings.local:
        before = server.status(settings).state
        if before == "stale":
            err.print(f"[yellow]{server.status(settings).detail}; starting afresh[/]")
        try:
            st = server.start(settings)
        except server.ServerError as exc:
            raise fail(str(exc)) from exc
        if before != "running":
            err.print(f"Neo4j {server.NEO4J_VERSION} started (pid {st.pid}), logs in {st.log}")
    with Graph(settings) as graph:
        migrate_all(graph, settings)
    out.print(settings.uri, highlight=False)


def migrate_all(graph: Graph, settings: Settings) -> list[str]:
    """The graph's schema, and keys or audit events an older debtgraph kept in the graph moved to the store."""
    names = graph.migrate()
    keys, events = move_from_graph(graph, store_for(settings))
    if keys or events:
        err.print(f"moved {keys} API keys and {events} audit events from the graph into the security store "
                  f"{settings.security_db}", highlight=False)
    return names


@db_app.command()
def stop() -> None:
    """Stop the local Neo4j; leaves no process behind."""
    settings = get_settings()
    if not settings.local:
        raise fail("NEO4J_URI points at a server debtgraph did not start; it will not stop it")
    st = server.stop(settings)
    err.print(f"Neo4j {st.state}")


@db_app.command()
def status() -> None:
    """Say whether the database runs, where, and which version."""
    settings = get_settings()
    if settings.local:
        st = server.status(settings)
        out.print(f"local Neo4j: {st.state}" + (f" (pid {st.pid})" if st.pid else "") + f" at {st.uri}", highlight=False)
        if st.detail:
            out.print(st.detail, highlight=False)
        if st.state != "running":
            raise typer.Exit(3)
    with Graph(settings) as graph:
        if not graph.ping():
            raise fail(f"no answer from {settings.uri}", 3)
        info = graph.server_info()
        counts = graph.counts()
    out.print(f"{info['name']} {info['version']} {info['edition']} at {settings.uri}, database "
              f"{settings.neo4j_database}: {counts['nodes']} nodes, {counts['relationships']} relationships",
              highlight=False)


@db_app.command()
def migrate() -> None:
    """Create the constraints and indexes declared in graph_model/model.yaml (idempotent)."""
    with Graph() as graph:
        names = migrate_all(graph, get_settings())
    err.print(f"schema in place: {len(names)} constraints and indexes")


@db_app.command()
def reset(yes: bool = typer.Option(False, "--yes", help="confirm: delete every node and relationship")) -> None:
    """Empty the database; the schema stays."""
    if not yes:
        raise fail("this deletes every node and relationship; add --yes to confirm", 2)
    with Graph() as graph:
        graph.reset()
    err.print("database emptied (schema kept)")


@db_app.command("backup")
def backup_command(file: Annotated[Path, typer.Argument(help="the backup file to write (never overwritten)")]) -> None:
    """Back up the graph (neo4j-admin dump, server stopped meanwhile) and the keys and audit trail, in one file."""
    from api import backup as lib

    try:
        result = lib.backup(get_settings(), file, say=lambda text: err.print(text, highlight=False))
    except lib.BackupError as exc:
        raise fail(str(exc), 2) from exc
    m = result.manifest
    graph = m["graph"] or {}
    err.print(f"backup written to {result.path}: {graph.get('nodes', '?')} nodes, {graph.get('relationships', '?')} "
              f"relationships, {m['api_keys']} API keys, {m['audit']['events']} audit events "
              f"(head {m['audit']['head']}); " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()),
              highlight=False)


@db_app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a file written by `debtgraph db backup`")],
    yes: bool = typer.Option(False, "--yes", help="confirm: replace the graph, the keys and the audit trail"),
) -> None:
    """Replace the graph and the security store by a backup's (the current store is kept beside it)."""
    from api import backup as lib

    if not yes:
        raise fail("this replaces the whole graph, the API keys and the audit trail by the backup's; add --yes", 2)
    try:
        result = lib.restore(get_settings(), file, say=lambda text: err.print(text, highlight=False))
    except lib.BackupError as exc:
        raise fail(str(exc), 2) from exc
    err.print(f"restored {file} (made {result.manifest['created_at']}); restart any running `debtgraph serve`; "
              + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()), highlight=False)


@db_app.command("check")
def check_command() -> None:
    """Check the store's consistency (neo4j-admin database check; the server is stopped meanwhile)."""
    from api import backup as lib

    try:
        report = lib.check(get_settings(), say=lambda text: err.print(text, highlight=False))
    except lib.BackupError as exc:
        raise fail(str(exc), 1) from exc
    out.print(report.strip() or "the database is consistent", highlight=False)
