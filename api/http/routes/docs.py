"""The OpenAPI document and Swagger UI, behind a key like everything but health.

A browser reaches /docs with the session cookie (POST /api/v1/session once with a key);
programs send X-API-Key to /openapi.json.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.auth import Principal
from api.http.security import require

PUBLIC = True  # mounted at the root; each route still requires a key
router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi(request: Request, principal: Annotated[Principal, require("meta:read")]) -> dict[str, Any]:
    return request.app.openapi()


@router.get("/docs", response_class=HTMLResponse)
def docs(principal: Annotated[Principal, require("meta:read")]) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="debtgraph API")
