"""`debtgraph serve`: the HTTP API (FastAPI under uvicorn)."""

from __future__ import annotations

import os
import secrets

import typer

from api.cli.app import app, err
from graph_model.settings import get_settings

WORKER_STARTUP_SECONDS = 60


@app.command()
def serve(
    host: str = typer.Option(None, "--host", help="address to listen on (default DEBTGRAPH_API_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, "--port", help="port (default DEBTGRAPH_API_PORT, 8000)"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes (each its own app, driver, key cache "
                                                             "and audit writer)"),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="log every request on stdout"),
) -> None:
    """Serve the JSON API (/api/v1, OpenAPI at /docs) over the graph the settings name."""
    import uvicorn

    settings = get_settings()
    host = host or settings.debtgraph_api_host
    port = port or settings.debtgraph_api_port
    err.print(f"debtgraph API on http://{host}:{port} (docs at /docs), Neo4j at {settings.uri}", highlight=False,
              soft_wrap=True)
    if workers > 1:
        # Every worker must sign session cookies with the same secret, or a cookie from one fails on another.
        os.environ.setdefault("DEBTGRAPH_SESSION_SECRET", settings.debtgraph_session_secret or secrets.token_urlsafe(32))
        # The app factory, called once in each worker process with the settings from the environment.
        # A worker imports the whole app before it answers the supervisor's health check; on a busy machine
        # that takes longer than uvicorn's 5 s default, and the supervisor would kill and respawn it forever.
        uvicorn.run("api.http:create_app", factory=True, host=host, port=port, workers=workers, proxy_headers=True,
                    access_log=access_log, timeout_worker_healthcheck=WORKER_STARTUP_SECONDS)
    else:
        from api.http import create_app

        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True, access_log=access_log)
