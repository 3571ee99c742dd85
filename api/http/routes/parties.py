"""Parties: search, profile, cases, network, asset panorama, shared contacts, relation paths."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from api import parties as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE
from api.http.models import AssetPanorama, NetworkOut, PartyCases, PartyPage, PartyProfile, PathsOut, SharedContacts
from api.http.security import audit, require

PUBLIC = False
router = APIRouter(prefix="/parties", tags=["parties"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})

RelationType = Literal[
    "SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "DIRECTOR_OF", "SUPERVISOR_OF", "MANAGER_OF",
    "ACTUAL_CONTROLLER_OF", "EMPLOYEE_OF", "SPOUSE_OF", "PARENT_OF", "SIBLING_OF", "RELATIVE_OF", "GUARANTOR_OF",
    "SAME_AS", "HAS_PHONE", "HAS_ADDRESS"]
Uid = Annotated[str, Path(min_length=1, max_length=200, description="the party's uid: id:<id_number> or "
                                                                     "src:<source>:<party_id>")]
MAX_PAGE_SIZE = 200


@router.get("", response_model=PartyPage, summary="Find parties by name, id_number or party_id")
def search(
    request: Request,
    principal: Annotated[Principal, require("parties:read")],
    name: Annotated[str | None, Query(max_length=100, description="name (full-text, Chinese segmented)",
                                      examples=["张三"])] = None,
    id_number: Annotated[str | None, Query(max_length=40, description="valid id_number")] = None,
    party_id: Annotated[str | None, Query(max_length=200, description="<source>:<party_id>",
                                          examples=["courtA:P1"])] = None,
    page: Annotated[int, Query(ge=1, le=10000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> PartyPage:
    params = {"name": name, "id_number": id_number, "party_id": party_id, "page": page, "page_size": page_size}
    audit(request, principal, "party.search", None, params)
    rows = lib.search_parties(request.app.state.graph, name=name, id_number=id_number, source_key=party_id,
                              skip=(page - 1) * page_size, limit=page_size + 1)
    return PartyPage(items=rows[:page_size], page=page, page_size=page_size, has_more=len(rows) > page_size)


@router.get("/{uid}", response_model=PartyProfile, summary="Profile: identity and every source record")
def profile(request: Request, uid: Uid, principal: Annotated[Principal, require("parties:read")]) -> PartyProfile:
    audit(request, principal, "party.read", uid)
    return PartyProfile(**lib.party_profile(request.app.state.graph, uid))


@router.get("/{uid}/cases", response_model=PartyCases, summary="Cases as applicant, respondent or other role")
def cases(request: Request, uid: Uid, principal: Annotated[Principal, require("parties:read")],
          role: Annotated[Literal["applicant", "respondent", "plaintiff", "defendant", "third_party",
                                  "administrator"] | None, Query()] = None) -> PartyCases:
    audit(request, principal, "party.cases", uid, {"role": role})
    return PartyCases(**lib.party_cases(request.app.state.graph, uid, role))


@router.get("/{uid}/network", response_model=NetworkOut, summary="Network to a depth over chosen relation types",
            description="Nodes and relationships within `depth` hops (1–3). Nodes with more than `max_degree` "
                        "network relationships are shown but not expanded (listed in `hubs`); at most `limit` "
                        "nodes. `truncated` is true when either cut the network short.")
def network(
    request: Request, uid: Uid, principal: Annotated[Principal, require("parties:read")],
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    types: Annotated[list[RelationType] | None, Query(description="relation types; default all")] = None,
    max_degree: Annotated[int, Query(ge=1, le=1_000_000)] = 100,
    limit: Annotated[int, Query(ge=1, le=2000)] = 300,
) -> NetworkOut:
    params = {"depth": depth, "types": types, "max_degree": max_degree, "limit": limit}
    audit(request, principal, "party.network", uid, params)
    result = lib.party_network(request.app.state.graph, uid, depth, list(types) if types else None, max_degree, limit)
    return NetworkOut(**result.to_json())


@router.get("/{uid}/assets", response_model=AssetPanorama, summary="Asset panorama (财产查控全景)")
def assets(
    request: Request, uid: Uid, principal: Annotated[Principal, require("parties:read")],
    as_of: Annotated[dt.date | None, Query(description="evaluation date; default today")] = None,
    years: Annotated[int, Query(ge=1, le=20, description="how far back transfers count")] = 2,
    min_share: Annotated[float, Query(ge=0, le=1, description="smallest shareholding listed")] = 0.0,
) -> AssetPanorama:
    audit(request, principal, "party.assets", uid, {"as_of": as_of, "years": years, "min_share": min_share})
    return AssetPanorama(**lib.asset_panorama(request.app.state.graph, uid, as_of, years, min_share))


@router.get("/{uid}/shared-contacts", response_model=SharedContacts,
            summary="Parties sharing a phone number or an address")
def shared(request: Request, uid: Uid, principal: Annotated[Principal, require("parties:read")],
           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> SharedContacts:
    audit(request, principal, "party.shared_contacts", uid, {"limit": limit})
    return SharedContacts(party=uid, items=lib.shared_contacts(request.app.state.graph, uid, limit))


@router.get("/{uid}/paths/{other_uid}", response_model=PathsOut, summary="Shortest relation paths to another party",
            description="Paths of at most `max_hops` (1–6) relationships. Nodes with more than `max_degree` network "
                        "relationships are not passed through unless `include_hubs` is true.")
def paths(
    request: Request, uid: Uid, other_uid: Uid, principal: Annotated[Principal, require("parties:read")],
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
    types: Annotated[list[RelationType] | None, Query(description="relation types; default all")] = None,
    max_degree: Annotated[int, Query(ge=1, le=1_000_000)] = 100,
    include_hubs: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> PathsOut:
    params = {"to": other_uid, "max_hops": max_hops, "types": types, "max_degree": max_degree,
              "include_hubs": include_hubs, "limit": limit}
    audit(request, principal, "party.paths", uid, params)
    result = lib.relation_paths(request.app.state.graph, uid, other_uid, max_hops, list(types) if types else None,
                                max_degree, include_hubs, limit)
    return PathsOut(from_uid=uid, to_uid=other_uid, **result.to_json())
