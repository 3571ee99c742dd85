"""What the judges' dashboard and alert inbox count: alerts per detector and court, repeat-offender
employers, 终本 cases with hidden receivables and with property on record per court, a party's alerts, the
inbox's last visit.

Library functions over .cypher files in queries/pages/; the web pages call them, nothing else
computes these numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from api.security_store import SecurityStore
from graph_model.db import Graph
from graph_model.subgraph import plain
from queries.statements import statement

OPEN_ALERT_STATUSES = ("new", "acknowledged", "confirmed")
"""Alerts a judge still has to act on or has confirmed; dismissed and resolved ones are done."""
NO_COURT = "（主体预警，不限法院）"


@dataclass
class DashboardCounts:
    """The dashboard's numbers, each a list of (label, value) ready for visualizations.charts."""

    per_detector: list[tuple[str, int]] = field(default_factory=list)
    per_court: list[tuple[str, int]] = field(default_factory=list)
    hidden_receivables_by_court: list[tuple[str, int]] = field(default_factory=list)
    property_in_terminated_by_court: list[tuple[str, int]] = field(default_factory=list)  # terminated_case_assets
    repeat_employers: list[dict[str, Any]] = field(default_factory=list)
    courts: list[tuple[str, str]] = field(default_factory=list)  # (court_code, court name) seen in alerts
    total: int = 0


def dashboard_counts(graph: Graph, statuses: tuple[str, ...] = OPEN_ALERT_STATUSES,
                     employers: int = 10) -> DashboardCounts:
    """Alerts in `statuses` per detector and per court, the top `employers` repeat offenders, and the
    hidden_receivable alerts (each on a 终本 case) per court."""
    rows = graph.read(statement("pages/alert_counts"), {"statuses": list(statuses)})
    per_detector: Counter[str] = Counter()
    per_court: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    zhongben: Counter[str] = Counter()
    names: dict[str, str] = {}
    for row in rows:
        court = row["court"] or row["court_code"] or NO_COURT
        if row["court_code"]:
            names.setdefault(row["court_code"], row["court"] or row["court_code"])
        per_detector[row["detector"]] += row["n"]
        per_court[court] += row["n"]
        if row["detector"] == "hidden_receivable":
            hidden[court] += row["n"]
        elif row["detector"] == "terminated_case_assets":
            zhongben[court] += row["n"]
    top = [plain(r) for r in graph.read(statement("pages/repeat_employers"),
                                        {"statuses": list(statuses), "limit": employers})]
    return DashboardCounts(
        per_detector=per_detector.most_common(), per_court=per_court.most_common(),
        hidden_receivables_by_court=hidden.most_common(), property_in_terminated_by_court=zhongben.most_common(),
        repeat_employers=top,
        courts=sorted(names.items()), total=sum(per_detector.values()))


def party_alerts(graph: Graph, uid: str, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Alerts on the party and on the cases it takes part in, strongest first."""
    rows = graph.read(statement("pages/party_alerts"), {"uid": uid, "include_resolved": include_resolved})
    return [plain(dict(r["alert"])) for r in rows]


def mark_inbox_visit(store: SecurityStore, key_hash: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Record that the key opened the alert inbox now; the previous visit (None the first time).

    Kept with the key in the security store, so "new since last visit" follows the key across browsers.
    """
    return store.mark_inbox_visit(key_hash, now or dt.datetime.now(dt.UTC))


def party_names(graph: Graph, uids: list[str]) -> dict[str, str]:
    """uid → name for the given parties (unknown uids are left out)."""
    if not uids:
        return {}
    return {r["uid"]: r["name"] for r in graph.read(statement("pages/party_names"), {"uids": sorted(set(uids))})
            if r["name"] is not None}


def party_retired(graph: Graph, uid: str, limit: int = 100) -> list[dict[str, Any]]:
    """What the exports said about the party and no longer say (retired by a snapshot), newest first."""
    return [plain(r) for r in graph.read(statement("pages/party_retired"), {"uid": uid, "limit": limit})]
