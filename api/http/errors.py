"""Every error as RFC 9457 problem details (application/problem+json).

``type``, ``title``, ``status``, ``detail`` always; ``errors`` (field + message)
for 422. Neo4j being unreachable is a 503 with Retry-After, never a crash: the
driver reconnects by itself once the server is back.

No server text reaches a caller except Neo4j's explanation of a statement an
investigator wrote (console, saved-query runs: :class:`api.console.CypherError`,
cleaned of Java class names and stack text). Every other database error answers
a generic message and is logged here with the server's own text.
"""

from __future__ import annotations

import logging
import sqlite3
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import KeyProblem
from api.console import ConsoleRefused, CypherError
from api.http.security import _UNAUTHORIZED_HEADERS, principal_of
from api.results import NotFound
from queries.alerts import StaleVersion, StatusConflict
from queries.registry import QueryError

log = logging.getLogger("debtgraph.api")
PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    field: str = Field(description="the parameter or body field at fault, dotted for nested fields")
    message: str
    location: str | None = Field(None, description="path, query, header or body")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = Field(None, description="422 only: one entry per bad field")

    model_config = {"json_schema_extra": {"examples": [{
        "type": "urn:debtgraph:problem:invalid-parameter", "title": "Unprocessable Content", "status": 422,
        "detail": "parameter depth: 5 is above the maximum 3",
        "errors": [{"field": "depth", "message": "parameter depth: 5 is above the maximum 3", "location": "query"}],
    }]}}


def problem_response(status: int, detail: str | None = None, *, kind: str | None = None,
                     errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None,
                     extra: dict[str, Any] | None = None) -> JSONResponse:
    """A problem details answer; `extra` adds members of the problem type (RFC 9457 extension members)."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"urn:debtgraph:problem:{kind or phrase.lower().replace(' ', '-')}",
        "title": phrase, "status": status, "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _problem_content(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# The error answers every authenticated route may give, documented once for OpenAPI.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem_content("no valid API key (X-API-Key or Authorization: Bearer) or session"),
    403: _problem_content("the key's role may not do this, or the console refused the statement"),
    422: _problem_content("a parameter or body field is not valid; `errors` names it"),
    503: _problem_content("Neo4j is unreachable; retry after the Retry-After seconds"),
    504: _problem_content("the query ran past DEBTGRAPH_QUERY_TIMEOUT and was cancelled"),
}
CYPHER_ERROR_RESPONSE: dict[int | str, dict[str, Any]] = {
    400: _problem_content("the statement is not valid Cypher (the server's explanation, without its internals)")}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {404: _problem_content("no such party, case, query or key")}


def _loc_field(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str | None]:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("path", "query", "header", "body", "cookie"):
        return ".".join(parts[1:]) or parts[0], parts[0]
    return ".".join(parts), None


def _needs_key(request: Request) -> bool:
    """Every route but the health checks and the login page needs a key."""
    path = request.url.path
    return not (path.startswith("/health") or path in ("/web/login", "/web/login/"))


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into a problem response."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail) if exc.detail else None,
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(StatusConflict)
    async def status_conflict(request: Request, exc: StatusConflict) -> JSONResponse:
        stale = isinstance(exc, StaleVersion)
        return problem_response(412 if stale else 409, str(exc), kind="alert-changed" if stale else "conflict",
                                headers={"ETag": f'"{exc.version}"'},
                                extra={"current_status": exc.current, "version": exc.version, "changed_by": exc.by,
                                       "changed_at": exc.at})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Who asks comes before what they sent: a request without a valid key learns nothing about
        # the body it would need (FastAPI parses the body before the route's dependencies run).
        if _needs_key(request) and await principal_of(request) is None:
            return problem_response(401, "an API key is required (X-API-Key header or Authorization: Bearer)",
                                    headers=_UNAUTHORIZED_HEADERS)
        errors = []
        for err in exc.errors():
            field, location = _loc_field(err.get("loc", ()))
            errors.append({"field": field, "message": str(err.get("msg", "invalid")), "location": location})
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem_response(422, detail, kind="invalid-parameter", errors=errors)

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> JSONResponse:
        field = exc.field or "params"
        return problem_response(422, str(exc), kind="invalid-parameter",
                                errors=[{"field": field, "message": str(exc), "location": None}])

    @app.exception_handler(KeyProblem)
    async def key_problem(request: Request, exc: KeyProblem) -> JSONResponse:
        if exc.conflict:
            return problem_response(409, str(exc), kind="conflict")
        return problem_response(422, str(exc), kind="invalid-parameter",
                                errors=[{"field": exc.field or "body", "message": str(exc), "location": "body"}])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem_response(404, str(exc), kind="not-found")

    @app.exception_handler(ConsoleRefused)
    async def refused(request: Request, exc: ConsoleRefused) -> JSONResponse:
        return problem_response(403, str(exc), kind="statement-refused")

    @app.exception_handler(CypherError)
    async def cypher_error(request: Request, exc: CypherError) -> JSONResponse:
        return problem_response(400, exc.message, kind="cypher-error")

    @app.exception_handler(Neo4jError)
    async def neo4j_error(request: Request, exc: Neo4jError) -> JSONResponse:
        code = exc.code or ""
        if isinstance(exc, TransientError) or code.startswith("Neo.TransientError"):
            log.warning("database busy on %s %s: %s %s", request.method, request.url.path, code, exc.message)
            return problem_response(503, "the database is busy; retry shortly", kind="database-busy",
                                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        if "TransactionTimedOut" in code or "Transaction.Terminated" in code:
            return problem_response(504, "the query ran past the time limit (DEBTGRAPH_QUERY_TIMEOUT) and was "
                                    "cancelled", kind="query-timeout")
        if code.startswith("Neo.ClientError.Security"):
            log.error("Neo4j refused the API's credentials: %s", exc.message)
            return problem_response(503, "the API cannot sign in to Neo4j (check NEO4J_USER / NEO4J_PASSWORD)",
                                    kind="database-unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        if code == "Neo.ClientError.Statement.AccessMode":
            return problem_response(403, "the database refused a write in a read-only transaction",
                                    kind="statement-refused")
        if isinstance(exc, ClientError):
            log.error("the database refused a request on %s %s: %s %s", request.method, request.url.path, code,
                      exc.message)
            return problem_response(400, "the database refused the request; it has been logged",
                                    kind="database-refused")
        log.exception("database error", exc_info=exc)
        return problem_response(500, "the database failed to answer", kind="database-error")

    @app.exception_handler(sqlite3.Error)
    async def store_error(request: Request, exc: sqlite3.Error) -> JSONResponse:
        log.error("the security store failed: %s", exc)
        return problem_response(503, "the audit trail cannot be written just now, so nothing is answered; retry",
                                kind="audit-unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(DriverError)
    async def driver_error(request: Request, exc: DriverError) -> JSONResponse:
        if isinstance(exc, ServiceUnavailable | SessionExpired):
            detail = "Neo4j is unreachable; the API reconnects by itself when it is back"
        else:
            detail = f"the database connection failed ({type(exc).__name__})"
        return problem_response(503, detail, kind="database-unavailable",
                                headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(500, "unexpected server error; it has been logged", kind="internal-error")
