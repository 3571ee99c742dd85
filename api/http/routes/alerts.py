"""Alerts: a case's alerts (the case system's call), the alert list, one alert with evidence and history,
the status workflow, and running the detectors now."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request

from api import alerts as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE, _problem_content
from api.http.models_analytics import (
    AlertDetailOut,
    AlertOut,
    AlertPageOut,
    AlertStatus,
    DetectIn,
    DetectOut,
    StatusChangeIn,
)
from api.http.security import audit, require

PUBLIC = False
router = APIRouter(tags=["alerts"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})
MAX_PAGE_SIZE = 200
Key = Annotated[str, Path(max_length=300, description="the alert's key", examples=[
    "hidden_receivable:(2023)沪0104执1234号"])]


@router.get("/cases/{case_no}/alerts", response_model=list[AlertOut], summary="The alerts of a case",
            description="What the case system asks when a judge opens a case: the open alerts on the case and the "
                        "party-level alerts on its respondents, strongest first; [] when there are none. The case "
                        "number is URL-encoded; full-width parentheses and spaces are normalised. 404 when the "
                        "graph has no such case.")
def case_alerts(request: Request,
                case_no: Annotated[str, Path(max_length=100, examples=["(2023)沪0104执1234号"])],
                principal: Annotated[Principal, require("alerts:read")]) -> list[AlertOut]:
    audit(request, principal, "case.alerts", case_no)
    _, alerts = lib.case_alerts(request.app.state.graph, case_no)
    return [AlertOut(**a) for a in alerts]


@router.get("/alerts", response_model=AlertPageOut, summary="Alerts, filtered and paginated",
            description="Strongest first unless `sort` (score, first_seen or last_seen) and `order` (desc or asc) "
                        "say otherwise; ties strongest first. Filters combine; `since`/`until` bound the day an alert "
                        "was first seen (both inclusive). `status` may be given several times.")
def alerts(
    request: Request, principal: Annotated[Principal, require("alerts:read")],
    detector: Annotated[str | None, Query(max_length=63, examples=["hidden_receivable"])] = None,
    court: Annotated[str | None, Query(max_length=20, description="court code of the case",
                                       examples=["沪0104"])] = None,
    status: Annotated[list[AlertStatus] | None, Query(description="one or more statuses; default all")] = None,
    since: Annotated[dt.date | None, Query(description="first seen on or after this day")] = None,
    until: Annotated[dt.date | None, Query(description="first seen on or before this day")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    sort: Annotated[Literal["score", "first_seen", "last_seen"], Query(description="what to order by")] = "score",
    order: Annotated[Literal["desc", "asc"], Query(description="desc: highest or newest first")] = "desc",
) -> AlertPageOut:
    params = {"detector": detector, "court": court, "status": status, "since": since, "until": until,
              "min_score": min_score, "page": page, "page_size": page_size, "sort": sort, "order": order}
    audit(request, principal, "alert.list", None, params)
    found = lib.alert_page(request.app.state.graph, detector=detector, court_code=court, statuses=status,
                           since=since, until=until, min_score=min_score, page=page, page_size=page_size,
                           sort=sort, order=order)
    return AlertPageOut(**found)


@router.get("/alerts/{key}", response_model=AlertDetailOut, summary="One alert with its evidence and history")
def alert(request: Request, key: Key, principal: Annotated[Principal, require("alerts:read")]) -> AlertDetailOut:
    audit(request, principal, "alert.read", key)
    return AlertDetailOut(**lib.alert_detail(request.app.state.graph, key))


@router.post("/alerts/{key}/status", response_model=AlertDetailOut, summary="Acknowledge, confirm or dismiss",
             responses={409: _problem_content("the workflow does not allow this change from the alert's status")},
             description="new → acknowledged → confirmed or dismissed; a confirmed or dismissed alert may go back "
                         "to acknowledged. A resolved alert changes only when a detection run finds it again. The "
                         "change is recorded with the key's name, the time and the reason, and audited as "
                         "alert.status.")
def change_status(request: Request, key: Key, body: StatusChangeIn,
                  principal: Annotated[Principal, require("alerts:write")]) -> AlertDetailOut:
    try:
        result = lib.change_status(request.app.state.graph, key, body.status, principal.name, body.reason)
    except lib.AlertConflict as exc:
        audit(request, principal, "alert.status", key, {"status": body.status, "reason": body.reason,
                                                        "refused": str(exc)})
        raise HTTPException(409, str(exc)) from None
    audit(request, principal, "alert.status", key, {"status": body.status, "reason": body.reason})
    return AlertDetailOut(**result)


@router.post("/detect", response_model=DetectOut, summary="Run the detectors now and store their alerts",
             description="Runs every detector (or the ones named) on the graph as it stood on `as_of`, with the "
                         "deployment's thresholds, and updates the alert store: new alerts, alerts found again, "
                         "alerts no longer found resolved. A failing detector is reported and the others still run.")
def detect(request: Request, principal: Annotated[Principal, require("alerts:detect")],
           body: DetectIn | None = None) -> DetectOut:
    body = body or DetectIn()
    audit(request, principal, "detect.run", None, body.model_dump())
    return DetectOut(**lib.detect_now(request.app.state.graph, request.app.state.settings, body.as_of,
                                      body.detectors))
