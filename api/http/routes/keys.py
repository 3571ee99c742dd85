"""API keys (admin): create (the key is shown once), list without hashes, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api import auth
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE, _problem_content
from api.http.models import KeyCreated, KeyCreateIn, KeyInfo
from api.http.security import audit, require

PUBLIC = False
router = APIRouter(prefix="/keys", tags=["keys"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})


@router.post("", response_model=KeyCreated, status_code=201, summary="Create a key (shown once)",
             responses={409: _problem_content("a key of that name exists")})
def create(request: Request, body: KeyCreateIn, principal: Annotated[Principal, require("keys:admin")]) -> KeyCreated:
    audit(request, principal, "key.create", body.name, {"role": body.role})
    key, info = auth.create_key(request.app.state.store, body.name, body.role)
    return KeyCreated(key=key, **info)


@router.get("", response_model=list[KeyInfo], summary="Every key, without hashes")
def list_keys(request: Request, principal: Annotated[Principal, require("keys:admin")]) -> list[KeyInfo]:
    audit(request, principal, "key.list")
    return [KeyInfo(**k) for k in auth.list_keys(request.app.state.store)]


@router.post("/{name}/revoke", response_model=KeyInfo, summary="Revoke a key (it stays listed, revoked)")
def revoke(request: Request, name: Annotated[str, Path(max_length=100)],
           principal: Annotated[Principal, require("keys:admin")]) -> KeyInfo:
    audit(request, principal, "key.revoke", name)
    return KeyInfo(**auth.revoke_key(request.app.state.store, name))
