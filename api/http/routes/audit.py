"""The audit trail (admin): filtered pages and CSV/JSONL export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from api import audit as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES
from api.http.models import AuditPage, IsoInstant
from api.http.security import audit, require
from queries.registry import QueryError

PUBLIC = False
router = APIRouter(prefix="/audit", tags=["audit"], responses=COMMON_RESPONSES)
MAX_PAGE_SIZE = 200


@router.get("", response_model=AuditPage, summary="Audit events, newest first, filtered and paginated")
def events(
    request: Request, principal: Annotated[Principal, require("audit:read")],
    actor: Annotated[str | None, Query(max_length=100, description="key name")] = None,
    action: Annotated[str | None, Query(max_length=100, examples=["party.read"])] = None,
    target: Annotated[str | None, Query(max_length=200, description="party uid, case number, query name …")] = None,
    since: Annotated[IsoInstant | None, Query(description="ISO date-time, inclusive")] = None,
    until: Annotated[IsoInstant | None, Query(description="ISO date-time, exclusive")] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> AuditPage:
    params = {"actor": actor, "action": action, "target": target, "since": since, "until": until,
              "page": page, "page_size": page_size}
    audit(request, principal, "audit.read", None, params)
    rows = lib.events(request.app.state.store, actor=actor, action=action, target=target,
                      since=_aware(since, "since"), until=_aware(until, "until"), skip=(page - 1) * page_size, limit=page_size + 1)
    return AuditPage(items=rows[:page_size], page=page, page_size=page_size, has_more=len(rows) > page_size)


@router.get("/export", summary="Download the trail as CSV or JSON Lines",
            response_class=StreamingResponse,
            responses={200: {"description": "the events, oldest first",
                             "content": {"text/csv": {"schema": {"type": "string"}},
                                         "application/x-ndjson": {"schema": {"type": "string"}}}}})
def export(
    request: Request, principal: Annotated[Principal, require("audit:read")],
    format: Annotated[Literal["csv", "jsonl"], Query()] = "jsonl",
    since: Annotated[IsoInstant | None, Query(description="ISO date-time, inclusive")] = None,
) -> StreamingResponse:
    audit(request, principal, "audit.export", None, {"format": format, "since": since})
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    # Read everything first: a database failure then answers 503 instead of cutting the download short.
    chunks = list(lib.export(request.app.state.store, format, _aware(since, "since")))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(iter(chunks), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="debtgraph-audit-{stamp}.{format}"'})


def _aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """In UTC (naive times are taken as UTC), so they compare with the stored times and Neo4j accepts the offset."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise QueryError(f"{field}: {value.isoformat()} is out of range", field) from None
