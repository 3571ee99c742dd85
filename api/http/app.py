"""The application factory: one FastAPI app over one Graph, routes from api.http.routes.ROUTERS."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from neo4j import GraphDatabase

from api.audit import AuditWriter
from api.http import errors
from api.http.routes import ROUTERS
from api.security_store import SecurityStore, store_for
from graph_model.db import Graph
from graph_model.settings import Settings, get_settings
from queries.registry import Registry

API_PREFIX = "/api/v1"
# While Neo4j is down a request should fail fast with 503 (and the client retry), not hang on
# the driver's default 30 s of retries; the driver itself reconnects once the server is back.
DB_RETRY_SECONDS = 3.0
DB_CONNECT_TIMEOUT = 5.0

DESCRIPTION = """\
JSON API of debtgraph for enforcement judges, investigators and the court's case system.

Authenticate with `X-API-Key: <key>` or `Authorization: Bearer <key>` (keys are created with
`debtgraph keys create --role … --name …`). Roles: **judge** (parties, cases, alerts),
**investigator** (+ saved queries and the read-only Cypher console), **case_system** (case
detail and case alerts), **admin** (everything, keys and the audit trail). Every read of a party
or a case and every query is recorded in the audit trail. Errors are RFC 9457 problem details.
"""


def api_graph(settings: Settings) -> Graph:
    """A Graph whose driver gives up quickly while the server is unreachable (503, then recovery)."""
    driver = GraphDatabase.driver(
        settings.uri, auth=(settings.neo4j_user, settings.neo4j_password),
        max_connection_pool_size=100, connection_acquisition_timeout=10.0, connection_timeout=DB_CONNECT_TIMEOUT,
        max_transaction_retry_time=DB_RETRY_SECONDS, notifications_min_severity="OFF",
    )
    return Graph(settings, driver=driver)


def create_app(settings: Settings | None = None, graph: Graph | None = None,
               registry: Registry | None = None, store: SecurityStore | None = None) -> FastAPI:
    """Build the app; `graph`, `registry` and `store` may be given (tests), else made from the settings."""
    settings = settings or get_settings()
    owns_graph = graph is None
    the_graph = graph or api_graph(settings)
    the_store = store or store_for(settings)

    writer = AuditWriter(the_store, window=settings.debtgraph_audit_commit_ms / 1000.0,
                         max_batch=settings.debtgraph_audit_batch)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.close()  # commits what is pending before the driver goes
        if owns_graph:
            the_graph.close()

    from importlib.metadata import PackageNotFoundError, version
    try:
        app_version = version("debtgraph")
    except PackageNotFoundError:  # running from a checkout without installing
        app_version = "0+unknown"

    app = FastAPI(title="debtgraph API", version=app_version, description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None,  # served by routes/docs.py, behind a key
                  openapi_tags=[{"name": t, "description": d} for t, d in (
                      ("health", "liveness and readiness, no key needed"),
                      ("meta", "version and the caller's identity"),
                      ("parties", "search, profile, cases, network, assets, shared contacts, paths"),
                      ("cases", "case detail"),
                      ("alerts", "a case's alerts, the alert list, evidence, the status workflow, detection runs"),
                      ("network", "control, debtor groups, brokers, circular claims, explained paths"),
                      ("identity", "review of SAME_AS links between parties (investigators, admins)"),
                      ("loads", "upload a zipped export and get its summary and rejection report (admin)"),
                      ("queries", "saved queries: catalogue, run, save"),
                      ("console", "read-only Cypher for investigators"),
                      ("keys", "API keys (admin)"),
                      ("audit", "the audit trail (admin)"),
                  )])
    app.state.settings = settings
    app.state.graph = the_graph
    app.state.store = the_store
    app.state.audit_writer = writer
    app.state.registry = registry or Registry(user_dir=settings.data_dir / "queries")
    secret = settings.debtgraph_session_secret or secrets.token_urlsafe(32)
    app.state.session_serializer = URLSafeTimedSerializer(secret, salt="debtgraph-session")
    errors.install(app)
    for module in ROUTERS:
        app.include_router(module.router, prefix="" if module.PUBLIC else API_PREFIX)
    return app
