"""`debtgraph demo`: the whole product on one machine, from nothing to the served pages.

Starts the local Neo4j, generates a synthetic dataset (once), loads it together
with the hand-written seed stories, runs every detector, makes an admin key for
the browser and serves the API and pages. Every step is idempotent, so running
the demo again just serves the same graph.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import typer

from api import auth
from api.cli.app import app, err, fail
from api.cli.db import migrate_all
from api.security_store import store_for
from graph_model.db import Graph
from graph_model.settings import Settings, get_settings
from loaders import load_export
from loaders.synthetic import generate
from neo4j_local import server
from queries.alerts import configured_registry, run_detectors, store_runs

DEMO_KEY_NAME = "demo-admin"
# The hand-written seed stories (tests/fixtures/seed_stories/README.md tells them) are part of the
# checkout the demo runs from; the tests load the same files.
SEED_STORIES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seed_stories"


def seed_as_of() -> dt.date:
    """The day the seed stories are told at; the demo evaluates everything on it."""
    expected = json.loads((SEED_STORIES / "expected.json").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(expected["as_of"])


def demo_exports(settings: Settings, parties: int, seed: int, exports: int, as_of: dt.date) -> list[tuple[str, Path]]:
    """(source name, directory) of the generated exports (made on the first run), then the seed stories.

    Both sets name their exports after the same courts, so the seed stories load as
    ``seed-<court>``: party_ids are only unique within one source.
    """
    target = settings.data_dir / "demo" / f"generated-{parties}-{seed}-{exports}-{as_of.isoformat()}"
    if not (target / "truth.json").exists():
        err.print(f"generating {parties} parties in {exports} court exports into {target} …")
        generate(target, parties=parties, seed=seed, as_of=as_of, exports=exports)
    generated = [(p.name, p) for p in sorted(target.iterdir()) if p.is_dir()]
    stories = [(f"seed-{p.name}", p) for p in sorted(SEED_STORIES.iterdir()) if p.is_dir()]
    return generated + stories


def demo_key(settings: Settings) -> str:
    """An admin key for the demo's browser login, kept in the data directory (mode 600)."""
    store = store_for(settings)
    path = settings.data_dir / "demo-admin.key"
    if path.exists():
        key = path.read_text().strip()
        if auth.authenticate(store, key):
            return key
    name = DEMO_KEY_NAME if not any(k["name"] == DEMO_KEY_NAME for k in auth.list_keys(store)) else \
        f"{DEMO_KEY_NAME}-{dt.datetime.now():%Y%m%d%H%M%S}"
    key, _ = auth.create_key(store, name, "admin")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n")
    os.chmod(path, 0o600)
    return key


@app.command()
def demo(
    parties: int = typer.Option(3000, "--parties", min=100, help="size of the generated dataset"),
    seed: int = typer.Option(7, "--seed", help="generator seed (same seed, same data)"),
    exports: int = typer.Option(3, "--exports", min=1, help="number of generated court exports"),
    host: str = typer.Option("127.0.0.1", "--host", help="address the API and pages listen on"),
    port: int = typer.Option(8000, "--port", help="port of the API and pages"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve the API and pages at the end"),
) -> None:
    """Start Neo4j, generate and load demo data, run the detectors, serve the API and pages."""
    settings = get_settings()
    if settings.local:
        try:
            st = server.start(settings)
        except server.ServerError as exc:
            raise fail(str(exc)) from exc
        err.print(f"Neo4j running at {settings.uri} (pid {st.pid})", highlight=False)
    as_of = seed_as_of()
    with Graph(settings) as graph:
        migrate_all(graph, settings)
        for source, export in demo_exports(settings, parties, seed, exports, as_of):
            summary = load_export(graph, export, source=source)
            rejected = sum(f.rejected for f in summary.files.values())
            loaded = sum(f.loaded for f in summary.files.values())
            err.print(f"loaded {source}: {loaded} rows, {rejected} rejected", highlight=False)
        runs = run_detectors(graph, configured_registry(settings), as_of=as_of)
        stored = store_runs(graph, runs, as_of)
        err.print(f"detectors as of {as_of}: {stored.stored} alerts stored", highlight=False)
        key = demo_key(settings)
    err.print(f"\n[bold]admin key for the pages and API:[/] {key}  (also in {settings.data_dir / 'demo-admin.key'})",
              highlight=False)
    if serve:
        from api.cli.serve import serve as serve_command

        serve_command(host=host, port=port, workers=1)
