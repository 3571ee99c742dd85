"""Liveness and readiness: the only routes that answer without a key (and the bare root, a redirect)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from api.http.errors import PROBLEM_MEDIA_TYPE, RETRY_AFTER_SECONDS, Problem
from api.http.models import Health, Ready

PUBLIC = True
router = APIRouter(tags=["health"])


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    """A browser opening the server lands on the pages, which ask for a key; no data here."""
    return RedirectResponse("/web/", status_code=307)


@router.get("/health", response_model=Health, summary="Liveness: the process answers")
def health() -> Health:
    return Health(status="ok")


@router.get("/health/ready", response_model=Ready, summary="Readiness: Neo4j answers",
            responses={503: {"model": Problem, "description": "Neo4j is unreachable",
                             "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}})
def ready(request: Request) -> Ready | JSONResponse:
    if request.app.state.graph.ping():
        return Ready(status="ok", neo4j="up")
    return JSONResponse(
        {"type": "urn:debtgraph:problem:database-unavailable", "title": "Service Unavailable", "status": 503,
         "detail": "Neo4j is unreachable; the API reconnects by itself when it is back"},
        status_code=503, media_type=PROBLEM_MEDIA_TYPE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
