"""The debtgraph HTTP API: a FastAPI application over the same library the CLI uses."""

from api.http.app import create_app

__all__ = ["create_app"]
