"""Running the detectors: registry rows → one :class:`Alert` per key, deterministic and sorted."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph_model.db import Graph
from queries.registry import QueryError, Registry, SavedQuery

OUTPUT_FIELDS = ("detector", "case_no", "party_id", "id_number", "related", "score", "message", "basis", "citations")
"""The alert as the specification defines it, plus its structured citations (jsonl output, API)."""
CSV_FIELDS = OUTPUT_FIELDS[:-1]
"""csv: one line per alert; the citations are in `basis`, as one line."""

DETECTOR_COLUMNS = ("case_no", "court_code", "party_uid", "party_id", "id_number", "related", "evidence", "score",
                    "message")
"""What every detector statement returns, one row per finding."""


@dataclass
class Alert:
    """One finding: a detector on a case (or, for party-level detectors, on a party)."""

    detector: str
    alert_on: str  # case | party
    case_no: str | None
    party_uid: str | None
    party_id: str | None
    id_number: str | None
    court_code: str | None
    related: list[str]
    evidence: list[str]  # element ids of the nodes that make up the evidence
    score: float
    message: str
    basis: str
    citations: list[dict[str, Any]] = field(default_factory=list)  # the detector's, structured (graph_model.types.citations)

    @property
    def key(self) -> str:
        """`<detector>:<case_no>` or, for party-level alerts, `<detector>:<party uid>`."""
        subject = self.case_no if self.alert_on == "case" else self.party_uid
        return f"{self.detector}:{subject}"

    def to_output(self) -> dict[str, Any]:
        """The alert exactly as the jsonl output and the API give it."""
        return {
            "detector": self.detector,
            "case_no": self.case_no,
            "party_id": self.party_id,
            "id_number": self.id_number,
            "related": self.related,
            "score": self.score,
            "message": self.message,
            "basis": self.basis,
            "citations": self.citations,
        }

    def to_row(self, as_of: dt.date) -> dict[str, Any]:
        """Parameters of one alert for the store's upsert statement."""
        return {"key": self.key, "detector": self.detector, "case_no": self.case_no, "party_uid": self.party_uid,
                "party_id": self.party_id, "id_number": self.id_number, "court_code": self.court_code,
                "related": self.related, "evidence": self.evidence, "score": self.score,
                "message": self.message, "basis": self.basis, "as_of": as_of}


@dataclass
class DetectorRun:
    """What one detector did in a run: its alerts, its time, or the error that stopped it."""

    name: str
    params: dict[str, Any]
    alerts: list[Alert] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def alerts_from_rows(query: SavedQuery, rows: Iterable[dict[str, Any]]) -> list[Alert]:
    """Fold a detector's rows into one alert per key: evidence united, strongest row's score and message."""
    if query.alert_on not in ("case", "party"):
        raise QueryError(f"{query.name}: a detector needs alert_on: case or party", "alert_on")
    merged: dict[str, Alert] = {}
    for row in rows:
        missing = [c for c in DETECTOR_COLUMNS if c not in row]
        if missing:
            raise QueryError(f"{query.name}: the statement does not return {', '.join(missing)}", "columns")
        alert = Alert(
            detector=query.name, alert_on=query.alert_on, case_no=row["case_no"], party_uid=row["party_uid"],
            party_id=row["party_id"], id_number=row["id_number"], court_code=row["court_code"],
            related=sorted({str(r) for r in row["related"] or [] if r is not None}),
            evidence=sorted({str(e) for e in row["evidence"] or [] if e is not None}),
            score=round(min(1.0, max(0.0, float(row["score"] or 0.0))), 3),
            message=str(row["message"] or ""), basis=query.basis, citations=[c.to_json() for c in query.citations],
        )
        if (alert.case_no if query.alert_on == "case" else alert.party_uid) is None:
            raise QueryError(f"{query.name}: a row without its {query.alert_on} ({row!r})", "columns")
        previous = merged.get(alert.key)
        if previous is None:
            merged[alert.key] = alert
            continue
        # Several debtors of one case: one alert, the strongest finding leads, all evidence kept.
        lead, other = sorted((alert, previous), key=lambda a: (-a.score, a.party_uid or ""))
        extra = {other.party_id} if other.party_id and other.party_id != lead.party_id else set()
        lead.related = sorted(set(lead.related) | set(other.related) | extra)
        lead.evidence = sorted(set(lead.evidence) | set(other.evidence))
        merged[alert.key] = lead
    return sorted(merged.values(), key=lambda a: a.key)


def run_detectors(graph: Graph, registry: Registry, as_of: dt.date | None = None, names: Iterable[str] | None = None,
                  params: dict[str, dict[str, Any]] | None = None, timeout: float | None = None,
                  progress: Callable[[DetectorRun], None] | None = None) -> list[DetectorRun]:
    """Run the named detectors (all by default) on the graph as it stood on as_of; one failure stops only itself.

    ``timeout`` is per detector, DEBTGRAPH_DETECTOR_TIMEOUT seconds when not given (detection is a batch
    job, not an interactive read bound by DEBTGRAPH_QUERY_TIMEOUT).
    """
    timeout = graph.settings.debtgraph_detector_timeout if timeout is None else timeout
    detectors = {q.name: q for q in registry.detectors()}
    chosen = list(names) if names else sorted(detectors)
    unknown = [n for n in chosen if n not in detectors]
    if unknown:
        raise QueryError(f"no detector named {', '.join(unknown)} (known: {', '.join(sorted(detectors))})", "detector")
    runs: list[DetectorRun] = []
    for name in dict.fromkeys(chosen):
        query = detectors[name]
        raw = dict((params or {}).get(name, {}))
        if as_of is not None:
            raw["as_of"] = as_of
        bound = query.bind(raw)
        run = DetectorRun(name=name, params=bound)
        started = time.perf_counter()
        try:
            rows = graph.read(query.cypher, bound, timeout=timeout)
            run.alerts = alerts_from_rows(query, rows)
        except QueryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a timeout or server error fails this detector only
            run.error = f"{type(exc).__name__}: {exc}"
        run.seconds = time.perf_counter() - started
        runs.append(run)
        if progress:
            progress(run)
    return runs
