"""`debtgraph serve`: the HTTP API (FastAPI under uvicorn)."""

from __future__ import annotations

import os
import secrets

import typer

from api.cli.app import app, err
from graph_model.settings import get_settings


@app.command()
def serve(
    host: str = typer.Option(None, "--host", help="address to listen on (default DEBTGRAPH_API_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, "--port", help="port (default DEBTGRAPH_API_PORT, 8000)"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes"),
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
        uvicorn.run("api.http.asgi:app", host=host, port=port, workers=workers, proxy_headers=True)
    else:
        from api.http import create_app

        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True)
