"""`uvicorn api.http.asgi:app`: the application built from the environment's settings."""

from api.http.app import create_app

app = create_app()
