"""Alerts for the API: a case's alerts, pages of alerts, one alert with evidence and history, the workflow,
and running the detectors on demand.

Thin over :mod:`queries.alerts` (the store): this module adds what an HTTP caller needs — a 404 for an
unknown case or alert, page numbers instead of skip/limit, and the refusals of the workflow as
:class:`AlertConflict` (HTTP 409) rather than a bad parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from api.results import NotFound
from graph_model.db import Graph
from graph_model.settings import Settings
from graph_model.types.case_numbers import normalise_case_no
from graph_model.types.dates import check_filter_day
from queries.alerts import (
    SORTS,
    AlertError,
    AlertNotFound,
    StatusConflict,
    alert_events,
    alerts_of_case,
    configured_registry,
    get_alert,
    list_alerts,
    run_detectors,
    set_status,
    store_runs,
)
from queries.registry import QueryError
from queries.statements import statement

AlertConflict = StatusConflict
"""A status change the workflow refuses from the alert's current status (HTTP 409); StaleVersion (412) is one."""


def case_alerts(graph: Graph, case_no: str) -> tuple[str, list[dict[str, Any]]]:
    """(normalised case number, its open alerts strongest first); NotFound when the graph has no such case.

    The case system calls this each time a judge opens a case: index lookups only, and whether the case
    exists is asked only when it has no alerts.
    """
    normalised = normalise_case_no(case_no)
    if not normalised:
        raise QueryError("case_no: an empty case number", "case_no")
    alerts = alerts_of_case(graph, normalised)
    if not alerts and not graph.read(statement("internal/cases/exists"), {"case_no": normalised}):
        raise NotFound(f"no case {normalised}")
    return normalised, alerts


def alert_page(graph: Graph, *, detector: str | None = None, court_code: str | None = None,
               statuses: Iterable[str] | None = None, since: dt.date | None = None, until: dt.date | None = None,
               min_score: float | None = None, page: int = 1, page_size: int = 50, sort: str = "score",
               order: str = "desc") -> dict[str, Any]:
    """One page of alerts (first seen in [since, until], both whole days) and the total matching the filters,
    ordered by score, first_seen or last_seen, `order` desc or asc. A day outside FILTER_DAYS
    (graph_model.types.dates) is a QueryError naming since or until (HTTP 422)."""
    if order not in ("asc", "desc"):
        raise QueryError(f"order {order!r} is not asc or desc", "order")
    if sort not in SORTS:
        raise QueryError(f"sort {sort!r} is not one of {', '.join(SORTS)}", "sort")
    for name, day in (("since", since), ("until", until)):
        try:
            check_filter_day(day, name)
        except ValueError as exc:
            raise QueryError(str(exc), name) from None
    if since and until and until < since:
        raise QueryError(f"until {until.isoformat()} is before since {since.isoformat()}", "until")
    chosen = list(statuses) if statuses else None
    try:
        found = list_alerts(graph, detector=detector, court_code=court_code, status=chosen, seen_from=since,
                            seen_until=until, min_score=min_score, skip=(page - 1) * page_size, limit=page_size,
                            sort=sort, descending=order == "desc")
    except AlertError as exc:
        raise QueryError(str(exc), "status") from None
    return {"items": found.items, "total": found.total, "page": page, "page_size": page_size,
            "has_more": page * page_size < found.total}


def alert_detail(graph: Graph, key: str) -> dict[str, Any]:
    """One alert, its status history (oldest first) and its evidence as Subgraph JSON."""
    try:
        alert, evidence = get_alert(graph, key)
    except AlertNotFound as exc:
        raise NotFound(str(exc)) from None
    events = alert.pop("events", None)
    return {"alert": alert, "events": events if events is not None else alert_events(graph, key),
            "evidence": evidence.to_json()}


def change_status(graph: Graph, key: str, status: str, actor: str, reason: str,
                  expected_version: int | None = None) -> dict[str, Any]:
    """Move an alert along the workflow as `actor` (compare-and-set).

    NotFound; StatusConflict (the workflow refuses it from the status found: 409) or its StaleVersion
    (changed since `expected_version` was read: 412); QueryError for a bad request.
    """
    if not reason.strip():
        raise QueryError("reason: a status change needs a reason", "reason")
    try:
        set_status(graph, key, status, actor, reason, expected_version=expected_version)
    except AlertNotFound as exc:
        raise NotFound(str(exc)) from None
    except StatusConflict:
        raise
    except AlertError as exc:
        raise QueryError(str(exc), "status") from None
    return alert_detail(graph, key)


def case_alert_detail(graph: Graph, case_no: str, key: str) -> dict[str, Any]:
    """One of a case's alerts (as the case system lists them) with evidence and history; NotFound otherwise."""
    _, alerts = case_alerts(graph, case_no)
    if key not in {a["key"] for a in alerts}:
        raise NotFound(f"alert {key} is not one of the open alerts of case {case_no}")
    return alert_detail(graph, key)


def detect_now(graph: Graph, settings: Settings, as_of: dt.date | None = None,
               detectors: Iterable[str] | None = None) -> dict[str, Any]:
    """Run the detectors (deployment thresholds applied) as of a day and store their alerts; per-detector report."""
    day = as_of or dt.date.today()
    registry = configured_registry(settings)
    runs = run_detectors(graph, registry, as_of=day, names=list(detectors) if detectors else None,
                         timeout=settings.debtgraph_detector_timeout)
    result = store_runs(graph, runs, day)
    return {"as_of": day.isoformat(), "stored": result.stored, "resolved": result.resolved,
            "runs": [{"detector": r.name, "alerts": len(r.alerts), "seconds": round(r.seconds, 3), "error": r.error}
                     for r in runs]}
