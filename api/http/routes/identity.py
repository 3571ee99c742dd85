"""Identity review: SAME_AS links waiting for a reviewer, and confirming or rejecting one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE, _problem_content
from api.http.models_analytics import PendingPageOut, ReviewIn, ReviewOut
from api.http.security import audit, require
from api.results import NotFound
from loaders import identity

PUBLIC = False
router = APIRouter(prefix="/identity", tags=["identity"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})
MAX_PAGE_SIZE = 200


@router.get("/pending", response_model=PendingPageOut, summary="Links waiting for review, best score first")
def pending(request: Request, principal: Annotated[Principal, require("identity:review")],
            source: Annotated[str | None, Query(max_length=100, description="only links touching this export")] = None,
            page: Annotated[int, Query(ge=1, le=100000)] = 1,
            page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50) -> PendingPageOut:
    audit(request, principal, "identity.pending", None, {"source": source, "page": page, "page_size": page_size})
    found = identity.pending(request.app.state.graph, skip=(page - 1) * page_size, limit=page_size, source=source)
    return PendingPageOut(items=found.items, total=found.total, page=page, page_size=page_size,
                          has_more=page * page_size < found.total)


def _review(request: Request, principal: Principal, body: ReviewIn, decision: str) -> ReviewOut:
    decide = identity.confirm if decision == "confirm" else identity.reject
    try:
        review = decide(request.app.state.graph, body.a, body.b, principal.name, body.reason)
    except identity.IdentityError as exc:
        audit(request, principal, f"identity.{decision}", body.a, {"b": body.b, "reason": body.reason,
                                                                  "refused": str(exc)})
        if str(exc).startswith("no party"):
            raise NotFound(str(exc)) from None
        raise HTTPException(409, str(exc)) from None
    audit(request, principal, f"identity.{decision}", body.a, {"b": body.b, "reason": body.reason,
                                                              "previous": review.previous})
    return ReviewOut(a=review.a, b=review.b, status=review.status, previous=review.previous,  # type: ignore[arg-type]
                     score=review.score, entity_id=review.entity_id)


@router.post("/confirm", response_model=ReviewOut, summary="Confirm that two parties are one legal person",
             responses={409: _problem_content("the two would join different valid id numbers or kinds")},
             description="Records the reviewer (the key's name), time and reason on the SAME_AS link and merges the "
                         "two parties' entities. Refused (409) when that would put two different valid id numbers "
                         "or a person and a company in one entity.")
def confirm(request: Request, body: ReviewIn, principal: Annotated[Principal, require("identity:review")]) -> ReviewOut:
    return _review(request, principal, body, "confirm")


@router.post("/reject", response_model=ReviewOut, summary="Reject a link: the two are different legal persons",
             responses={409: _problem_content("the review cannot be recorded")},
             description="The pair is never proposed again; entities are recomputed without the link.")
def reject(request: Request, body: ReviewIn, principal: Annotated[Principal, require("identity:review")]) -> ReviewOut:
    return _review(request, principal, body, "reject")
