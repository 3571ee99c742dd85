"""Saved queries: the catalogue, running one by name with typed parameters, saving a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.auth import Principal
from api.console import check_statement, execute_read_only
from api.http.errors import COMMON_RESPONSES, CYPHER_ERROR_RESPONSE, NOT_FOUND_RESPONSE, _problem_content
from api.http.models import QueryInfo, QueryRunIn, QueryRunOut, QuerySaveIn
from api.http.security import audit, require
from api.results import NotFound
from queries.registry import QueryError, Registry, SavedQuery

PUBLIC = False
router = APIRouter(prefix="/queries", tags=["queries"],
                   responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE, **CYPHER_ERROR_RESPONSE})
Name = Annotated[str, Path(max_length=63, examples=["asset_panorama"])]


def _get(registry: Registry, name: str) -> SavedQuery:
    try:
        return registry.get(name)
    except QueryError:
        raise NotFound(f"no saved query or detector named {name!r}") from None


@router.get("", response_model=list[QueryInfo], summary="Catalogue of saved queries and detectors")
def catalogue(request: Request, principal: Annotated[Principal, require("queries:read")]) -> list[QueryInfo]:
    registry: Registry = request.app.state.registry
    return [QueryInfo(**q.to_json()) for q in registry.queries.values()]


@router.get("/{name}", response_model=QueryInfo, summary="One saved query with its parameters")
def one(request: Request, name: Name, principal: Annotated[Principal, require("queries:read")]) -> QueryInfo:
    return QueryInfo(**_get(request.app.state.registry, name).to_json())


@router.post("/{name}/run", response_model=QueryRunOut, summary="Run a saved query with typed parameters",
             description="Parameters are converted and validated by their declared type; a bad value answers 422 "
                         "naming the field. Runs in a read transaction with the query timeout and the console's "
                         "row, byte and value limits.")
def run(request: Request, name: Name, principal: Annotated[Principal, require("queries:run")],
        body: QueryRunIn | None = None) -> QueryRunOut:
    query = _get(request.app.state.registry, name)
    params = (body or QueryRunIn()).params
    audit(request, principal, "query.run", name, params)
    settings = request.app.state.settings
    result = execute_read_only(request.app.state.graph, query.cypher, query.bind(params),
                               row_limit=settings.debtgraph_console_row_limit,
                               timeout=settings.debtgraph_query_timeout,
                               byte_limit=settings.debtgraph_console_byte_limit,
                               value_limit=settings.debtgraph_console_value_limit)
    return QueryRunOut(name=name, columns=result.columns, rows=result.rows, truncated=result.truncated,
                       truncated_reason=result.truncated_reason, graph=result.graph)


@router.post("", response_model=QueryInfo, status_code=201, summary="Save a new investigator query",
             responses={409: _problem_content("a query of that name exists")},
             description="The statement must be a plain read (the console's checks apply); it is stored under "
                         "the data directory's queries/ with the caller as author.")
def save(request: Request, body: QuerySaveIn, principal: Annotated[Principal, require("queries:save")]) -> QueryInfo:
    registry: Registry = request.app.state.registry
    audit(request, principal, "query.save", body.name, body.model_dump())
    existing = registry.queries.get(body.name)
    if existing is not None and existing.group != "user":
        raise QueryError(f"{body.name} is a built-in query and cannot be replaced", "name")
    check_statement(request.app.state.graph, body.cypher)
    meta = {"title": body.title.model_dump(), "description": body.description, "columns": body.columns,
            "parameters": {k: v.model_dump(exclude_none=True, exclude_defaults=True) | {"type": v.type}
                           for k, v in body.parameters.items()}}
    saved = registry.save_user_query(body.name, body.cypher, meta, author=principal.name)
    return QueryInfo(**saved.to_json())
