"""The alert store: detection results as (:Alert) nodes with identity, status workflow and history.

An alert is identified by its key (`<detector>:<case_no>` or `<detector>:<party uid>`). Re-running a
detector updates its alerts in place: status and first_seen stay, last_seen moves on. Alerts of the
detectors that ran which were not found again are *resolved* (status resolved, resolved_at), never
deleted. When a resolved alert's condition holds again it goes back to ``new`` with an event
(actor ``system``): the facts changed twice and the judge should look again, whatever was decided
before — that decision stays in the alert's history.

Users move alerts along new → acknowledged → confirmed / dismissed; a confirmed or dismissed alert
may go back to acknowledged to be reviewed again. Every change records who, when and why as an
(:AlertEvent) linked by STATUS_CHANGE. ``resolved`` is set by detection runs only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from graph_model.db import Graph
from graph_model.subgraph import Subgraph, plain
from graph_model.types.case_numbers import normalise_case_no
from queries.alerts.run import Alert, DetectorRun
from queries.registry import QueryError, Registry
from queries.statements import statement

STATUSES = ("new", "acknowledged", "confirmed", "dismissed", "resolved")
SORTS = ("score", "first_seen", "last_seen")
"""What an alert list can be ordered by (list_alerts' ``sort``)."""
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged",),
    "acknowledged": ("confirmed", "dismissed"),
    "confirmed": ("acknowledged",),
    "dismissed": ("acknowledged",),
    "resolved": (),
}
"""Status changes a user may make; ``resolved`` (and leaving it) belongs to detection runs."""

SYSTEM_ACTOR = "system"
BATCH = 500


class AlertError(ValueError):
    """A request about alerts that cannot be done; the message says which alert and why."""


class AlertNotFound(AlertError):
    """No alert with that key."""


class StatusConflict(AlertError):
    """The workflow does not allow the change from the status the alert has now (HTTP 409)."""

    def __init__(self, message: str, *, current: str, version: int, by: str, at: str | None) -> None:
        super().__init__(message)
        self.current, self.version, self.by, self.at = current, version, by, at


class StaleVersion(StatusConflict):
    """The alert changed since the caller read it (its version differs from If-Match: HTTP 412)."""


@dataclass
class StoreResult:
    stored: int
    resolved: int


@dataclass
class AlertPage:
    total: int
    items: list[dict[str, Any]]
    skip: int
    limit: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def store_runs(graph: Graph, runs: Iterable[DetectorRun], as_of: dt.date, now: dt.datetime | None = None,
               batch: int = BATCH) -> StoreResult:
    """Upsert the alerts of the runs that succeeded; resolve those detectors' alerts not found again.

    Idempotent, and safe to interrupt: the upserts come in transactions of `batch` alerts and the
    resolution last, so a run killed half-way leaves some alerts refreshed and none wrongly resolved,
    and running it again gives the store of one uninterrupted run.
    """
    now = now or _now()
    ok = [r for r in runs if r.ok]
    alerts: list[Alert] = [a for r in ok for a in r.alerts]
    stored = 0
    batch = max(1, batch)
    for start in range(0, len(alerts), batch):
        rows = [a.to_row(as_of) for a in alerts[start:start + batch]]
        stored += graph.write(statement("alerts/upsert"), {
            "rows": rows, "now": now, "actor": SYSTEM_ACTOR,
            "reopen_reason": "检测条件再次成立（condition holds again）"})[0]["stored"]
    resolved = 0
    if ok:
        resolved = graph.write(statement("alerts/resolve"), {
            "detectors": [r.name for r in ok], "now": now, "actor": SYSTEM_ACTOR,
            "reason": "检测条件不再成立（condition no longer holds）"})[0]["resolved"]
    return StoreResult(stored=stored, resolved=resolved)


def _alert(props: dict[str, Any]) -> dict[str, Any]:
    """A stored alert, with its detector's citations (declared once, in the detector's yaml)."""
    data = plain(dict(props))
    data["citations"] = detector_citations(str(data.get("detector")))
    return data


@cache
def detector_citations(detector: str) -> list[dict[str, Any]]:
    """The structured legal basis of a built-in detector ([] for one no longer declared)."""
    try:
        query = Registry().get(detector)
    except QueryError:
        return []
    return [c.to_json() for c in query.citations]


def list_alerts(graph: Graph, detector: str | None = None, court_code: str | None = None,
                status: str | Iterable[str] | None = None, seen_from: dt.date | dt.datetime | None = None,
                seen_until: dt.date | dt.datetime | None = None, min_score: float | None = None,
                skip: int = 0, limit: int = 50, sort: str = "score", descending: bool = True) -> AlertPage:
    """Alerts by detector, court, status(es), first_seen range [from, until) and minimum score; one page and the total.

    ``sort`` is one of :data:`SORTS` (score, first_seen, last_seen), highest/newest first unless ``descending``
    is False; ties go strongest first.
    """
    statuses = [status] if isinstance(status, str) else list(status) if status is not None else None
    for s in statuses or []:
        if s not in STATUSES:
            raise AlertError(f"status {s!r} is not one of {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise AlertError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
    if skip < 0 or limit < 1:
        raise AlertError(f"pagination: skip must be ≥ 0 and limit ≥ 1 (got skip={skip}, limit={limit})")
    params = {"detector": detector, "court_code": court_code, "statuses": statuses,
              "seen_from": _as_datetime(seen_from), "seen_until": _as_datetime(seen_until, end=True),
              "min_score": min_score}
    total = graph.read(statement("alerts/filter_count"), params)[0]["total"]
    rows = graph.read(statement("alerts/filter"), {**params, "skip": skip, "limit": limit, "sort": sort,
                                                   "descending": descending})
    return AlertPage(total=total, items=[_alert(r["alert"]) for r in rows], skip=skip, limit=limit)


def _as_datetime(value: dt.date | dt.datetime | None, end: bool = False) -> dt.datetime | None:
    """A date filter as a UTC instant; a date as `until` includes that whole day."""
    if value is None or isinstance(value, dt.datetime):
        return value
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def get_alert(graph: Graph, key: str) -> tuple[dict[str, Any], Subgraph]:
    """One alert and its evidence as a Subgraph (subject = the case or party it is on)."""
    records = graph.read_records(statement("alerts/evidence"), {"key": key})
    if not records:
        raise AlertNotFound(f"no alert with key {key!r}")
    record = records[0]
    subject = record["subject"]
    sub = Subgraph(subject=subject.element_id if subject is not None else None)
    sub.add(record["nodes"])
    sub.add(record["rels"])
    alert = _alert(record["alert"])
    alert["events"] = alert_events(graph, key)
    return alert, sub


def evidence_subgraph(graph: Graph, alert: Alert) -> Subgraph:
    """The evidence of an alert straight from a detection run (stored or not), subject = its case or party."""
    records = graph.read_records(statement("alerts/evidence_of"), {"ids": alert.evidence})
    sub = Subgraph()
    if records:
        sub.add(records[0]["nodes"])
        sub.add(records[0]["rels"])
    for node in sub.nodes.values():
        if (alert.alert_on == "case" and "Case" in node.labels and node.properties.get("case_no") == alert.case_no) \
                or (alert.alert_on == "party" and node.properties.get("uid") == alert.party_uid):
            sub.subject = node.id
    return sub


def alert_events(graph: Graph, key: str) -> list[dict[str, Any]]:
    """The status history of an alert, oldest first."""
    return [plain(dict(r["event"])) for r in graph.read(statement("alerts/events"), {"key": key})]


def alerts_of_case(graph: Graph, case_no: str, include_parties: bool = True,
                   include_resolved: bool = False) -> list[dict[str, Any]]:
    """The alerts on a case (and the party-level alerts on its respondents), strongest first."""
    case_no = normalise_case_no(case_no) or ""
    rows = graph.read(statement("alerts/of_case"), {"case_no": case_no, "include_parties": include_parties,
                                                    "include_resolved": include_resolved})
    return [_alert(r["alert"]) for r in rows]


def set_status(graph: Graph, key: str, status: str, actor: str, reason: str,
               now: dt.datetime | None = None, expected_version: int | None = None) -> dict[str, Any]:
    """Move an alert along the workflow, recording who, when and why, as one compare-and-set.

    Of concurrent conflicting changes exactly one succeeds; the others raise :class:`StatusConflict`
    naming the status found and who set it. With ``expected_version`` (the version the caller read,
    HTTP If-Match) a change made meanwhile raises :class:`StaleVersion` even when the workflow would allow
    this one from the new status.
    """
    if status not in STATUSES:
        raise AlertError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if not (actor or "").strip():
        raise AlertError("a status change needs the actor (who makes it)")
    if not (reason or "").strip():
        raise AlertError("a status change needs a reason")
    allowed_from = [source for source, targets in TRANSITIONS.items() if status in targets]
    if not allowed_from:
        raise AlertError(f"alert {key}: cannot change status to {status}; only detection runs set it")
    rows = graph.write(statement("alerts/set_status"), {
        "key": key, "allowed_from": allowed_from, "expected_version": expected_version, "to_status": status,
        "actor": actor.strip(), "reason": reason.strip(), "now": now or _now(), "event_uid": f"{key}@{uuid.uuid4()}"})
    if not rows:
        raise AlertNotFound(f"no alert with key {key!r}")
    row = rows[0]
    if row["changed"]:
        return _alert(row["alert"])
    current, version = row["current"], row["version"]
    by, at = row["last_actor"] or SYSTEM_ACTOR, plain(row["last_at"])
    when = f"{by} at {at}" if at else f"{by} (when the detector found it)"
    if expected_version is not None and version != expected_version:
        raise StaleVersion(f"alert {key} changed meanwhile: it is now {current} (version {version}, you read "
                           f"version {expected_version}), set by {when}; read it again before changing it",
                           current=current, version=version, by=by, at=at)
    allowed = TRANSITIONS.get(current, ())
    hint = (f"from {current} it may go to {', '.join(allowed)}" if allowed
            else "a resolved alert changes only when a detection run finds its condition again")
    raise StatusConflict(f"alert {key}: cannot change status from {current} to {status}; {hint} "
                         f"(it was set to {current} by {when})",
                         current=current, version=version, by=by, at=at)


def alert_stats(graph: Graph, detectors: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Per detector: alerts by status, and confirmed : dismissed by the users' latest decision on each alert."""
    table: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        return table.setdefault(name, {"detector": name, "total": 0, **{s: 0 for s in STATUSES},
                                       "decided_confirmed": 0, "decided_dismissed": 0})

    for name in detectors:
        entry(name)
    for row in graph.read(statement("alerts/stats")):
        e = entry(row["detector"])
        e["total"] += row["n"]
        e[row["status"]] = e.get(row["status"], 0) + row["n"]
        if row["decision"] == "confirmed":
            e["decided_confirmed"] += row["n"]
        elif row["decision"] == "dismissed":
            e["decided_dismissed"] += row["n"]
    for e in table.values():
        c, d = e["decided_confirmed"], e["decided_dismissed"]
        e["confirmed_ratio"] = round(c / (c + d), 3) if c + d else None
    return [table[k] for k in sorted(table)]
