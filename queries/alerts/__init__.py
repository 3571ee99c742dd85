"""Detectors turned into alerts: running them, storing alerts, their workflow and statistics.

The API and the CLI call these functions; the Cypher they run lives beside them
(queries/alerts/*.cypher) and in queries/detectors/.
"""

from queries.alerts.config import apply_detector_config, configured_registry, load_detector_config
from queries.alerts.run import CSV_FIELDS, OUTPUT_FIELDS, Alert, DetectorRun, alerts_from_rows, run_detectors
from queries.alerts.store import (
    SORTS,
    STATUSES,
    TRANSITIONS,
    AlertError,
    AlertNotFound,
    AlertPage,
    StaleVersion,
    StatusConflict,
    StoreResult,
    alert_events,
    alert_stats,
    alerts_of_case,
    evidence_subgraph,
    get_alert,
    list_alerts,
    set_status,
    store_runs,
)

__all__ = [
    "CSV_FIELDS",
    "OUTPUT_FIELDS",
    "SORTS",
    "STATUSES",
    "TRANSITIONS",
    "Alert",
    "AlertError",
    "AlertNotFound",
    "AlertPage",
    "StaleVersion",
    "StatusConflict",
    "DetectorRun",
    "StoreResult",
    "alert_events",
    "alert_stats",
    "alerts_from_rows",
    "alerts_of_case",
    "apply_detector_config",
    "configured_registry",
    "evidence_subgraph",
    "get_alert",
    "list_alerts",
    "load_detector_config",
    "run_detectors",
    "set_status",
    "store_runs",
]
