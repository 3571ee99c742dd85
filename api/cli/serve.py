"""`debtgraph serve`: the HTTP API (FastAPI under uvicorn)."""

from __future__ import annotations

import os
import secrets

import typer

from api.cli.app import app, err
from graph_model.settings import get_settings

WORKER_STARTUP_SECONDS = 60


def _run_workers(host: str, port: int, workers: int, access_log: bool) -> None:
    """uvicorn's supervisor over N workers, each building the app with the factory from the environment.

    What ``uvicorn.run(..., workers=N)`` does, with two fixes: a worker imports the whole app before it
    answers the supervisor's health check, which on a busy machine takes longer than uvicorn's 5 s
    default (the supervisor then kills and respawns workers forever); and uvicorn binds the shared
    socket with protocol 0, so asyncio leaves Nagle's algorithm on for every accepted connection and
    each keep-alive response waits ~40 ms for the client's delayed ACK (uvicorn issue #3149, measured
    here: /health 48 ms with 2 workers, 4 ms with 1). The socket is re-wrapped as IPPROTO_TCP.
    """
    import inspect
    import socket

    from uvicorn import Config, Server
    from uvicorn.supervisors import Multiprocess

    config = Config("api.http:create_app", factory=True, host=host, port=port, workers=workers,
                    proxy_headers=True, access_log=access_log, timeout_worker_healthcheck=WORKER_STARTUP_SECONDS)
    bound = config.bind_socket()
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach()) \
        if bound.family in (socket.AF_INET, socket.AF_INET6) else bound
    sock.set_inheritable(True)
    extra = {"target": Server(config).run} if "target" in inspect.signature(Multiprocess).parameters else {}
    Multiprocess(config, sockets=[sock], **extra).run()


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
        _run_workers(host, port, workers, access_log)
    else:
        from api.http import create_app

        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True, access_log=access_log)
