"""Version, the caller's identity, and the web pages' session (log in with a key, get a cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.auth import PERMISSIONS, Principal
from api.http.errors import COMMON_RESPONSES
from api.http.models import Me, VersionOut
from api.http.security import SESSION_COOKIE, audit, make_session_cookie, require, session_max_age

PUBLIC = False
router = APIRouter(tags=["meta"], responses=COMMON_RESPONSES)


@router.get("/version", response_model=VersionOut, summary="debtgraph and Neo4j versions")
def version(request: Request, principal: Annotated[Principal, require("meta:read")]) -> VersionOut:
    info = request.app.state.graph.server_info()
    return VersionOut(debtgraph=request.app.version, api="v1",
                      neo4j={"name": info.get("name"), "version": info.get("version"), "edition": info.get("edition")})


@router.get("/me", response_model=Me, summary="Who the key (or session) belongs to, and what it may do")
def me(principal: Annotated[Principal, require("meta:read")]) -> Me:
    return Me(name=principal.name, role=principal.role,
              permissions=sorted(p for p, roles in PERMISSIONS.items() if principal.role in roles))


@router.post("/session", response_model=Me, summary="Log in: turn the presented key into a session cookie",
             description="For the web pages: send the key once (header), receive an HttpOnly signed cookie "
                         "that stands for it until it expires or the key is revoked.")
def login(request: Request, response: Response, principal: Annotated[Principal, require("meta:read")]) -> Me:
    response.set_cookie(SESSION_COOKIE, make_session_cookie(request, principal), max_age=session_max_age(request),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    audit(request, principal, "session.login")
    return me(principal)


@router.delete("/session", status_code=204, summary="Log out: drop the session cookie")
def logout(response: Response, principal: Annotated[Principal, require("meta:read")]) -> Response:
    response.delete_cookie(SESSION_COOKIE)
    response.status_code = 204
    return response
