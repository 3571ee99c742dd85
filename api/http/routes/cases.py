"""Cases: detail with parties, origin chain, measures, payments, auctions and settlements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.auth import Principal
from api.cases import case_detail
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE
from api.http.models import CaseDetail
from api.http.security import audit, require

PUBLIC = False
router = APIRouter(prefix="/cases", tags=["cases"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})


@router.get("/{case_no}", response_model=CaseDetail, summary="Case detail",
            description="Parties with roles, the origin chain through BASED_ON in both directions, measures, "
                        "payments, auctions and settlements. The case number is URL-encoded; full-width "
                        "parentheses are accepted.")
def detail(request: Request,
           case_no: Annotated[str, Path(max_length=100, examples=["(2024)沪0104执1234号"])],
           principal: Annotated[Principal, require("cases:read")]) -> CaseDetail:
    audit(request, principal, "case.read", case_no)
    return CaseDetail(**case_detail(request.app.state.graph, case_no))
