"""Tests run against a real Neo4j: the local server debtgraph runs, or NEO4J_URI.

Unless the environment says otherwise, tests use their own data directory and
ports (.debtgraph/test, Bolt 7697) so they never touch the demo's graph. The
session starts that server when it is not running and stops it again at the end
(when it started it). Each test that takes ``graph`` sees an empty database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DEBTGRAPH_DATA_DIR", str(ROOT / ".debtgraph" / "test"))
os.environ.setdefault("DEBTGRAPH_BOLT_PORT", "7697")
os.environ.setdefault("DEBTGRAPH_HTTP_PORT", "7484")
os.environ.setdefault("DEBTGRAPH_HEAP", "1g")
os.environ.setdefault("DEBTGRAPH_PAGECACHE", "512m")
os.environ.setdefault("NEO4J_PASSWORD", "debtgraph-test")

from api.security_store import SecurityStore, open_store  # noqa: E402
from graph_model.db import Graph  # noqa: E402
from graph_model.settings import Settings  # noqa: E402
from neo4j_local import server  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    # The security store is per test (see security_db); the session's settings name none of them.
    return Settings(debtgraph_security_db=None)


@pytest.fixture(autouse=True)
def security_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own security store (keys, audit trail): the CLI and child processes find it by
    DEBTGRAPH_SECURITY_DB, apps made by tests/api_helpers by their data directory (the same file)."""
    from graph_model.settings import get_settings

    path = tmp_path / "security.sqlite3"
    monkeypatch.setenv("DEBTGRAPH_SECURITY_DB", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def store(security_db: Path) -> SecurityStore:
    """The test's security store."""
    return open_store(security_db)


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[Settings]:
    """The real server for this test session; started here only when not already running."""
    started = False
    if settings.local and server.status(settings).state != "running":
        server.start(settings)
        started = True
    yield settings
    if started:
        server.stop(settings)


@pytest.fixture(scope="session")
def session_graph(neo4j_server: Settings) -> Iterator[Graph]:
    graph = Graph(neo4j_server)
    graph.migrate()
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The shared graph, emptied before the test (schema kept), with no network analytics cached from another
    test (the caches are keyed by the graph's load version, which a reset does not guarantee to change)."""
    from queries.network import clear_caches

    session_graph.reset()
    clear_caches()
    return session_graph


@pytest.fixture
def tmp_settings(tmp_path: Path, settings: Settings) -> Settings:
    """Settings for a throw-away local server (own data dir and ports), for launcher tests."""
    return Settings(
        debtgraph_data_dir=tmp_path / "data",
        debtgraph_bolt_port=settings.debtgraph_bolt_port + 100,
        debtgraph_http_port=settings.debtgraph_http_port + 100,
        debtgraph_heap="512m",
        debtgraph_pagecache="128m",
        neo4j_password="launcher-test",
        neo4j_uri="",
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module (the browser tests of pages and views)."""
    from visualizations.export import chromium  # late: only the browser tests need Playwright

    with chromium() as b:
        yield b
