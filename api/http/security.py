"""Who is calling, and may they: API keys (header or bearer), the session-cookie hook, role checks.

Routes declare what they need with ``principal: Principal = require("parties:read")``;
the permission table itself is :data:`api.auth.PERMISSIONS`. Web pages log in once
with a key (POST /api/v1/session) and then send a signed cookie that carries the
key's hash — re-checked against the graph like a key, so revoking a key ends its
sessions too. A key found valid is trusted for DEBTGRAPH_KEY_CACHE_SECONDS in this
process (api.auth.KeyCache); revoking it through this process clears it at once.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.auth import PERMISSIONS, Principal, authenticate, principal_for_hash

SESSION_COOKIE = "debtgraph_session"


def session_max_age(request: Request) -> int:
    """Seconds a login lasts (DEBTGRAPH_SESSION_HOURS, default a working day); then log in again."""
    return max(1, round(request.app.state.settings.debtgraph_session_hours * 3600))

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")
bearer_scheme = HTTPBearer(auto_error=False, description="the API key as a bearer token")

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="debtgraph", ApiKey header="X-API-Key"'}


def session_serializer(request: Request) -> URLSafeTimedSerializer:
    return request.app.state.session_serializer


def make_session_cookie(request: Request, principal: Principal) -> str:
    """The signed cookie value for a logged-in key (carries the key hash, never the key)."""
    return session_serializer(request).dumps({"h": principal.key_hash})


def _from_cookie(request: Request, cookie: str) -> Principal | None:
    try:
        data = session_serializer(request).loads(cookie, max_age=session_max_age(request))
    except BadSignature:
        return None
    key_hash = data.get("h") if isinstance(data, dict) else None
    if not isinstance(key_hash, str):
        return None
    return principal_for_hash(request.app.state.store, key_hash, _cache_seconds(request))


def _cache_seconds(request: Request) -> float:
    return request.app.state.settings.debtgraph_key_cache_seconds


def current_principal(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The caller from X-API-Key, Authorization: Bearer, or the session cookie; 401 otherwise."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    principal: Principal | None = None
    presented = api_key or (bearer.credentials if bearer else None)
    if presented:
        principal = authenticate(request.app.state.store, presented, _cache_seconds(request))
        if principal is None:
            raise HTTPException(401, "the API key is unknown or revoked", headers=_UNAUTHORIZED_HEADERS)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            principal = _from_cookie(request, cookie)
    if principal is None:
        raise HTTPException(401, "an API key is required (X-API-Key header or Authorization: Bearer)",
                            headers=_UNAUTHORIZED_HEADERS)
    request.state.principal = principal
    return principal


class Require:
    """A dependency that lets the call through only when the principal's role holds `permission`."""

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        self.permission = permission

    def __call__(self, request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.can(self.permission):
            allowed = ", ".join(sorted(PERMISSIONS[self.permission]))
            # a refused attempt is part of who tried to look at what
            audit(request, principal, "access.denied", request.url.path[:300],
                  {"method": request.method, "permission": self.permission})
            raise HTTPException(403, f"role {principal.role} may not do this ({self.permission}: {allowed})")
        return principal


def require(permission: str) -> Any:
    """``principal: Annotated[Principal, require("cases:read")]`` in a route's signature."""
    return Depends(Require(permission))


async def principal_of(request: Request) -> Principal | None:
    """The caller if the request carries a valid key or session, else None (no exception): the same
    header schemes and checks as the routes' dependency, for the error handlers."""
    try:
        return current_principal(request, await api_key_header(request), await bearer_scheme(request))
    except HTTPException:
        return None


@lru_cache(maxsize=16)
def _networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _trusted(address: str, spec: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(spec))


def client_address(request: Request) -> str | None:
    """The address the request came from, for the audit trail.

    The TCP peer, unless that peer is a reverse proxy named in DEBTGRAPH_TRUSTED_PROXIES: then the
    X-Forwarded-For entries are walked from the right (the entry each proxy appended) and the first
    address not itself a trusted proxy is the client. A client's own X-Forwarded-For is never believed.
    """
    peer = request.client.host if request.client else None
    spec = request.app.state.settings.debtgraph_trusted_proxies
    if not peer or not spec or not _trusted(peer, spec):
        return peer
    forwarded = [part.strip() for part in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in forwarded if h]):
        if not _trusted(hop, spec):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: keep what we know for certain
    return peer


def audit(request: Request, principal: Principal, action: str, target: str | None = None,
          params: dict[str, Any] | None = None) -> None:
    """Record an audit event for this request (who, what, target, parameters, from where).

    Returns once the event is committed (group commit with concurrent requests, see
    :class:`api.audit.AuditWriter`); raises when it could not be, so no data leaves unaudited.
    """
    request.app.state.audit_writer.record(actor=principal.actor, role=principal.role, action=action,
                                          target=target, params=params, client=client_address(request))
