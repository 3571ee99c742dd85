"""Alerts: a case's alerts (the case system's call), the alert list, one alert with evidence and history,
the status workflow, and running the detectors now."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response

from api import alerts as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE, _problem_content
from api.http.models import IsoDate
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
from queries.registry import QueryError

PUBLIC = False
router = APIRouter(tags=["alerts"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})
MAX_PAGE_SIZE = 200
Key = Annotated[str, Path(min_length=3, max_length=300, pattern=r"^[a-z_]{1,63}:\S.*$",
                          description="the alert's key: <detector>:<case_no or party uid>",
                          examples=["hidden_receivable:(2023)沪0104执1234号"])]
CaseNo = Annotated[str, Path(min_length=1, max_length=100, examples=["(2023)沪0104执1234号"])]


def _etag(detail: dict[str, Any]) -> str:
    return f'"{detail["alert"].get("version") or 1}"'


def _if_match(value: str | None) -> int | None:
    """The version an If-Match header names ("3" or W/"3"); None without one; 422 for anything else."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise QueryError(f"If-Match: {value[:40]!r} is not an alert version as sent in the ETag header", "If-Match")
    return int(text)


@router.get("/cases/{case_no}/alerts", response_model=list[AlertOut], summary="The alerts of a case",
            description="What the case system asks when a judge opens a case: the open alerts on the case and the "
                        "party-level alerts on its respondents, strongest first; [] when there are none. The case "
                        "number is URL-encoded; full-width parentheses and spaces are normalised. 404 when the "
                        "graph has no such case.")
def case_alerts(request: Request, case_no: CaseNo,
                principal: Annotated[Principal, require("alerts:case")]) -> list[AlertOut]:
    audit(request, principal, "case.alerts", case_no)
    _, alerts = lib.case_alerts(request.app.state.graph, case_no)
    return [AlertOut(**a) for a in alerts]


@router.get("/cases/{case_no}/alerts/{key}", response_model=AlertDetailOut,
            summary="One of a case's alerts with its evidence and history",
            description="For the case system, which may read a case's alerts but not the alert list: the alert "
                        "must be one of those `GET /cases/{case_no}/alerts` answers (404 otherwise). ETag: the "
                        "alert's version.")
def case_alert(request: Request, response: Response, case_no: CaseNo, key: Key,
               principal: Annotated[Principal, require("alerts:case")]) -> AlertDetailOut:
    audit(request, principal, "alert.read", key, {"case_no": case_no})
    detail = lib.case_alert_detail(request.app.state.graph, case_no, key)
    response.headers["ETag"] = _etag(detail)
    return AlertDetailOut(**detail)


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
    since: Annotated[IsoDate | None, Query(description="first seen on or after this day (YYYY-MM-DD)")] = None,
    until: Annotated[IsoDate | None, Query(description="first seen on or before this day (YYYY-MM-DD)")] = None,
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


@router.get("/alerts/{key}", response_model=AlertDetailOut, summary="One alert with its evidence and history",
            description="The ETag header is the alert's version: send it back as If-Match with a status change "
                        "so that a change someone made meanwhile is not overwritten (412).")
def alert(request: Request, response: Response, key: Key,
          principal: Annotated[Principal, require("alerts:read")]) -> AlertDetailOut:
    audit(request, principal, "alert.read", key)
    detail = lib.alert_detail(request.app.state.graph, key)
    response.headers["ETag"] = _etag(detail)
    return AlertDetailOut(**detail)


@router.post("/alerts/{key}/status", response_model=AlertDetailOut, summary="Acknowledge, confirm or dismiss",
             responses={409: _problem_content("the workflow does not allow this change from the status the alert "
                                              "has now; `current_status`, `changed_by`, `changed_at` say who set it"),
                        412: _problem_content("If-Match names a version the alert no longer has: someone changed "
                                              "it meanwhile (`current_status`, `changed_by`, `changed_at`)")},
             description="new → acknowledged → confirmed or dismissed; a confirmed or dismissed alert may go back "
                         "to acknowledged. A resolved alert changes only when a detection run finds it again. The "
                         "change is one compare-and-set: of concurrent conflicting changes exactly one succeeds and "
                         "the others get 409. Send the ETag of your read as If-Match to be refused (412) when the "
                         "alert changed since. Recorded with the key's name, the time and the reason, and audited "
                         "as alert.status (refused attempts too).")
def change_status(request: Request, response: Response, key: Key, body: StatusChangeIn,
                  principal: Annotated[Principal, require("alerts:write")],
                  if_match: Annotated[str | None, Header(max_length=100, description="the ETag read")] = None,
                  ) -> AlertDetailOut:
    expected = _if_match(if_match)
    params: dict[str, Any] = {"status": body.status, "reason": body.reason}
    if expected is not None:
        params["if_match"] = expected
    try:
        result = lib.change_status(request.app.state.graph, key, body.status, principal.name, body.reason,
                                   expected_version=expected)
    except lib.AlertConflict as exc:
        audit(request, principal, "alert.status", key, params | {"refused": str(exc)})
        raise
    audit(request, principal, "alert.status", key, params)
    response.headers["ETag"] = _etag(result)
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
