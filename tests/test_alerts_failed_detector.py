"""A detector that fails or times out leaves its stored alerts alone (issue #26).

docs/detectors.md, "The alert store and its workflow": an alert whose condition no longer holds is
resolved — but "only the detectors that ran (and succeeded) resolve their own alerts". A detector whose
query breaks (a deployment threshold that makes it invalid) or runs past its timeout found nothing, which
is not the same as finding that nothing holds: its alerts must stay as they were, while the detectors that
did run go on with their bookkeeping.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_detectors_builder import AS_OF, Builder, days_before

from graph_model.db import Graph
from queries.alerts import (
    StoreResult,
    alert_events,
    apply_detector_config,
    list_alerts,
    run_detectors,
    set_status,
    store_runs,
)
from queries.alerts.run import DetectorRun
from queries.registry import Registry

FAILING = "funds_not_disbursed"
CASE1, CASE2 = "(2026)沪0104执1号", "(2026)沪0104执2号"
FUNDS = f"{FAILING}:{CASE1}"
EMPLOYER = "repeat_offender_employer:id:91310104MA1FL4CK2G"
AUCTION = f"auction_delay:{CASE2}"
# A threshold no calendar holds: as_of − 10¹² days is no date, the query fails on the server.
BAD_CONFIG = {FAILING: {"max_days": 10**12}}
# Stands in for a detector too slow for its graph: it runs for minutes, the timeout is one second.
SLOW_CYPHER = ("UNWIND range(1, 2000000000) AS i WITH sum(i) AS s WHERE s < $max_days "
               "RETURN null AS case_no, null AS court_code, null AS party_uid, null AS party_id, null AS id_number, "
               "[] AS related, [] AS evidence, 0.0 AS score, '' AS message")


def _scene(graph: Graph) -> Builder:
    """Money held 40 days in CASE1 (funds_not_disbursed), an employer with three open labor cases."""
    b = Builder(graph)
    b.party("p", name="债务人")
    b.party("creditor", name="申请人")
    b.enforcement(CASE1, "p", "creditor")
    b.enforcement(CASE2, "p", "creditor")
    b.payment("PAY1", CASE1, days_before(40), amount=1000.0)
    b.party("boss", kind="company", name="欠薪公司", id_number="91310104MA1FL4CK2G")
    b.unpaid_wages("boss")
    return b


def _stored(graph: Graph) -> dict[str, dict]:
    return {a["key"]: a for a in list_alerts(graph, limit=100).items}


def _others() -> list[str]:
    return sorted(q.name for q in Registry().detectors() if q.name != FAILING)


def _failed_run(graph: Graph, how: str) -> DetectorRun:
    if how == "config":
        registry = apply_detector_config(Registry(), BAD_CONFIG)
        [run] = run_detectors(graph, registry, as_of=AS_OF, names=[FAILING])
        assert run.error and "ArithmeticError" in run.error, run.error
    else:
        registry = Registry()
        registry.queries[FAILING] = dataclasses.replace(registry.queries[FAILING], cypher=SLOW_CYPHER)
        [run] = run_detectors(graph, registry, as_of=AS_OF, names=[FAILING], timeout=1.0)
        assert run.error and "TransactionTimedOut" in run.error, run.error
    return run


def _cli_detect(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`debtgraph detect` with a deployment configuration that breaks funds_not_disbursed."""
    config = tmp_path / "detectors.yaml"
    config.write_text(json.dumps(BAD_CONFIG), encoding="utf-8")  # JSON is YAML
    exe = Path(sys.executable).with_name("debtgraph")
    return subprocess.run([str(exe), "detect", "--as-of", AS_OF.isoformat(), "--format", "jsonl"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "300", "DEBTGRAPH_DETECTOR_CONFIG": str(config)})


@pytest.mark.parametrize("how", ["config", "timeout", "cli"])
def test_a_failed_detector_does_not_resolve_its_stored_alerts(graph: Graph, tmp_path: Path, how: str) -> None:
    b = _scene(graph)
    store_runs(graph, run_detectors(graph, Registry(), as_of=AS_OF), AS_OF)
    set_status(graph, FUNDS, "acknowledged", "王法官", "核实中")
    before = _stored(graph)
    assert set(before) == {FUNDS, EMPLOYER}

    # The facts change: CASE1's money is paid out and one labor case ends (neither condition holds any
    # more), and an auction of CASE2 ruled 45 days ago is still not listed (a new auction_delay alert).
    graph.write("MATCH (p:Payment {payment_id: $id}) SET p.disbursed_on = p.received_on + duration({days: 10})",
                {"id": "PAY1"})
    graph.write("MATCH (c:Case {case_no: $case_no}) SET c.status = $status, c.closed_on = $on",
                {"case_no": "(2026)沪0104执10号", "status": "concluded", "on": days_before(1)})
    b.auction("AU1", CASE2, days_before(45))

    # Run again with funds_not_disbursed failing.
    if how == "cli":
        done = _cli_detect(tmp_path)
        assert done.returncode == 1, done.stderr  # docs/detectors.md: exit 1 when a detector failed
        assert FAILING in done.stderr
        assert {json.loads(line)["detector"] for line in done.stdout.splitlines()} == {"auction_delay"}
    else:
        runs = run_detectors(graph, Registry(), as_of=AS_OF, names=_others()) + [_failed_run(graph, how)]
        # one new alert stored (the auction); one resolved (the employer), none of the failed detector's
        assert store_runs(graph, runs, AS_OF) == StoreResult(stored=1, resolved=1)

    after = _stored(graph)
    # the failed detector's alert is untouched: status, last_seen, no resolution, no new event
    funds = after[FUNDS]
    assert funds["status"] == "acknowledged" and funds.get("resolved_at") is None
    assert funds["last_seen"] == before[FUNDS]["last_seen"] and funds["version"] == before[FUNDS]["version"]
    assert [(e["from_status"], e["to_status"]) for e in alert_events(graph, FUNDS)] == [("new", "acknowledged")]
    # the detectors that ran went on: the employer's alert resolved with its event, the auction's stored
    assert after[EMPLOYER]["status"] == "resolved" and after[EMPLOYER]["resolved_at"]
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in alert_events(graph, EMPLOYER)] == \
        [("new", "resolved", "system")]
    assert after[AUCTION]["status"] == "new"

    # once funds_not_disbursed runs and succeeds, it resolves its own alert
    result = store_runs(graph, run_detectors(graph, Registry(), as_of=AS_OF, names=[FAILING]), AS_OF)
    assert result == StoreResult(stored=0, resolved=1)
    assert _stored(graph)[FUNDS]["status"] == "resolved"
    assert [e["to_status"] for e in alert_events(graph, FUNDS)] == ["acknowledged", "resolved"]
