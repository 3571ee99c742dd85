"""The alert store and workflow: identity across runs, resolution, reopening, status changes,
filters, a case's alerts, evidence subgraphs, statistics — and the CLI on top of them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_detectors_builder import AS_OF, Builder, days_before

from graph_model.db import Graph
from queries.alerts import (
    AlertError,
    AlertNotFound,
    alert_events,
    alert_stats,
    alerts_of_case,
    get_alert,
    list_alerts,
    run_detectors,
    set_status,
    store_runs,
)
from queries.registry import Registry

CASE1, CASE2 = "(2026)沪0104执1号", "(2026)沪0109执2号"
T0 = dt.datetime(2026, 6, 30, 8, 0, tzinfo=dt.UTC)


def _scene(graph: Graph) -> Builder:
    """Two late payments (two courts) and a repeat-offender employer with three labor cases."""
    b = Builder(graph)
    b.party("p", name="债务人")
    b.party("creditor", name="申请人")
    b.enforcement(CASE1, "p", "creditor")
    b.enforcement(CASE2, "p", "creditor", court_code="沪0109")
    b.payment("PAY1", CASE1, days_before(40), amount=1000.0)
    b.payment("PAY2", CASE2, days_before(100), amount=2000.0)
    b.party("boss", kind="company", name="欠薪公司", id_number="91310104MA1FL4CK2G")
    b.unpaid_wages("boss")
    return b


def _detect(graph: Graph, now: dt.datetime, names: list[str] | None = None) -> None:
    runs = run_detectors(graph, Registry(), as_of=AS_OF, names=names)
    store_runs(graph, runs, AS_OF, now=now)


def _stored(graph: Graph) -> dict[str, dict]:
    return {a["key"]: a for a in list_alerts(graph, limit=100).items}


def test_rerun_keeps_identity_and_status_and_resolves_what_no_longer_holds(graph: Graph) -> None:
    _scene(graph)
    _detect(graph, T0)
    first = _stored(graph)
    key1, key2 = f"funds_not_disbursed:{CASE1}", f"funds_not_disbursed:{CASE2}"
    party_key = "repeat_offender_employer:id:91310104MA1FL4CK2G"
    assert set(first) == {key1, key2, party_key}
    assert all(a["status"] == "new" for a in first.values())
    set_status(graph, key1, "acknowledged", "王法官", "核实中", now=T0)

    # the same run again: no duplicates, status and first_seen kept, last_seen moves on
    _detect(graph, T0 + dt.timedelta(hours=1))
    again = _stored(graph)
    assert set(again) == set(first)
    assert graph.read("MATCH (a:Alert) RETURN count(a) AS n")[0]["n"] == 3
    assert again[key1]["status"] == "acknowledged"
    assert again[key1]["first_seen"] == first[key1]["first_seen"] != again[key1]["last_seen"]

    # the money of CASE1 is paid out: its alert is resolved, not deleted, with an event
    graph.write("MATCH (p:Payment {payment_id: 'PAY1'}) SET p.disbursed_on = p.received_on + duration('P10D')")
    _detect(graph, T0 + dt.timedelta(hours=2))
    now = _stored(graph)
    assert now[key1]["status"] == "resolved" and now[key1]["resolved_at"]
    assert now[key2]["status"] == "new"
    events = alert_events(graph, key1)
    assert [(e["from_status"], e["to_status"]) for e in events] == [("new", "acknowledged"), ("acknowledged", "resolved")]
    assert events[1]["actor"] == "system"

    # running another detector alone resolves nothing of funds_not_disbursed
    graph.write("MATCH (p:Payment {payment_id: 'PAY2'}) SET p.disbursed_on = p.received_on + duration('P10D')")
    _detect(graph, T0 + dt.timedelta(hours=3), names=["auction_delay"])
    assert _stored(graph)[key2]["status"] == "new"

    # the condition holds again: back to new, with an event saying so
    graph.write("MATCH (p:Payment {payment_id: 'PAY1'}) SET p.disbursed_on = null")
    _detect(graph, T0 + dt.timedelta(hours=4), names=["funds_not_disbursed"])
    now = _stored(graph)
    assert now[key1]["status"] == "new" and now[key1].get("resolved_at") is None
    assert now[key2]["status"] == "resolved"
    assert alert_events(graph, key1)[-1]["to_status"] == "new"
    with pytest.raises(AlertError, match="resolved"):
        set_status(graph, key2, "acknowledged", "王法官", "再看看")


def test_status_workflow_refuses_invalid_changes(graph: Graph) -> None:
    _scene(graph)
    _detect(graph, T0)
    key = f"funds_not_disbursed:{CASE1}"
    with pytest.raises(AlertError, match="cannot change status from new to confirmed; from new it may go to acknowledged"):
        set_status(graph, key, "confirmed", "王法官", "确有其事")
    with pytest.raises(AlertError, match="reason"):
        set_status(graph, key, "acknowledged", "王法官", "  ")
    with pytest.raises(AlertError, match="actor"):
        set_status(graph, key, "acknowledged", "", "看过")
    with pytest.raises(AlertError, match="not one of"):
        set_status(graph, key, "closed", "王法官", "看过")
    with pytest.raises(AlertNotFound):
        set_status(graph, "funds_not_disbursed:(2000)沪0104执9号", "acknowledged", "王法官", "看过")
    set_status(graph, key, "acknowledged", "王法官", "看过")
    done = set_status(graph, key, "dismissed", "李庭长", "款项已另行发放")
    assert done["status"] == "dismissed"
    set_status(graph, key, "acknowledged", "李庭长", "重新审查")
    set_status(graph, key, "confirmed", "李庭长", "确认延迟发放")
    events = alert_events(graph, key)
    assert [e["to_status"] for e in events] == ["acknowledged", "dismissed", "acknowledged", "confirmed"]
    assert events[1]["actor"] == "李庭长" and events[1]["reason"] == "款项已另行发放" and events[1]["at"]


def test_list_filters_pagination_case_lookup_evidence_and_stats(graph: Graph) -> None:
    _scene(graph)
    _detect(graph, T0)
    assert list_alerts(graph).total == 3
    assert list_alerts(graph, detector="funds_not_disbursed").total == 2
    court = list_alerts(graph, court_code="沪0109")
    assert [a["case_no"] for a in court.items] == [CASE2]
    assert list_alerts(graph, min_score=0.85).total == 1  # held 100 days: 0.5 + 0.5 × 70/90 ≈ 0.889
    assert list_alerts(graph, seen_from=dt.date(2026, 7, 1)).total == 0
    assert list_alerts(graph, seen_from=dt.date(2026, 6, 30), seen_until=dt.date(2026, 6, 30)).total == 3
    page = list_alerts(graph, skip=1, limit=1)
    assert page.total == 3 and len(page.items) == 1
    ordered = [a["score"] for a in list_alerts(graph).items]
    assert ordered == sorted(ordered, reverse=True)
    with pytest.raises(AlertError):
        list_alerts(graph, status="open")

    # sorted by date: give the three alerts distinct first/last seen instants (first_seen rising with the key,
    # last_seen falling), then each order is a permutation of the keys
    graph.write("MATCH (al:Alert) WITH al ORDER BY al.key WITH collect(al) AS als "
                "UNWIND range(0, size(als) - 1) AS i WITH als[i] AS al, i "
                "SET al.first_seen = datetime('2026-01-01T08:00:00Z') + duration({days: i}), "
                "    al.last_seen = datetime('2026-06-01T08:00:00Z') - duration({days: i})")
    keys = sorted(a["key"] for a in list_alerts(graph).items)
    assert [a["key"] for a in list_alerts(graph, sort="first_seen").items] == keys[::-1]  # newest first
    assert [a["key"] for a in list_alerts(graph, sort="first_seen", descending=False).items] == keys
    assert [a["key"] for a in list_alerts(graph, sort="last_seen").items] == keys
    assert [a["key"] for a in list_alerts(graph, sort="last_seen", descending=False, skip=2, limit=1).items] == keys[:1]
    rising = [a["score"] for a in list_alerts(graph, sort="score", descending=False).items]
    assert rising == sorted(rising)
    with pytest.raises(AlertError, match="sort"):
        list_alerts(graph, sort="case_no")

    # a judge opening the employer's labor case sees the party-level alert; full-width input is normalised
    labor = alerts_of_case(graph, "（2026）沪0104执10号")
    assert [a["detector"] for a in labor] == ["repeat_offender_employer"]
    assert [a["key"] for a in alerts_of_case(graph, CASE1)] == [f"funds_not_disbursed:{CASE1}"]
    assert alerts_of_case(graph, "(1999)沪0104执1号") == []

    alert, evidence = get_alert(graph, "repeat_offender_employer:id:91310104MA1FL4CK2G")
    assert alert["party_id"] == "boss" and alert["status"] == "new" and alert["events"] == []
    kinds = {n.kind for n in evidence.nodes.values()}
    assert {"Company", "Case"} <= kinds
    assert evidence.nodes[evidence.subject].properties["uid"] == "id:91310104MA1FL4CK2G"
    assert {r.type for r in evidence.relationships.values()} == {"RESPONDENT_IN"}
    json.dumps(evidence.to_json(), ensure_ascii=False)
    with pytest.raises(AlertNotFound):
        get_alert(graph, "nope:1")

    set_status(graph, f"funds_not_disbursed:{CASE1}", "acknowledged", "a", "r")
    set_status(graph, f"funds_not_disbursed:{CASE1}", "confirmed", "a", "r")
    set_status(graph, f"funds_not_disbursed:{CASE2}", "acknowledged", "a", "r")
    set_status(graph, f"funds_not_disbursed:{CASE2}", "dismissed", "a", "r")
    stats = {s["detector"]: s for s in alert_stats(graph, ["auction_delay"])}
    funds = stats["funds_not_disbursed"]
    assert (funds["total"], funds["confirmed"], funds["dismissed"], funds["confirmed_ratio"]) == (2, 1, 1, 0.5)
    assert stats["auction_delay"]["total"] == 0 and stats["auction_delay"]["confirmed_ratio"] is None
    # a confirmed alert later resolved still counts as confirmed for the detector's record
    graph.write("MATCH (p:Payment) SET p.disbursed_on = p.received_on + duration('P1D')")
    _detect(graph, T0 + dt.timedelta(hours=1), names=["funds_not_disbursed"])
    funds = {s["detector"]: s for s in alert_stats(graph)}["funds_not_disbursed"]
    assert funds["resolved"] == 2 and funds["decided_confirmed"] == 1 and funds["decided_dismissed"] == 1


# -- the command line -----------------------------------------------------------------------------
def _flat(text: str) -> str:
    """Error text without the console's line wrapping."""
    return " ".join(text.split())


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("debtgraph")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "300", **(env or {})})


@pytest.mark.slow
def test_cli_detect_jsonl_is_only_alerts_on_stdout_and_deterministic(graph: Graph) -> None:
    _scene(graph)
    first = _cli("detect", "--as-of", AS_OF.isoformat(), "--format", "jsonl")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    # the specification's fields, then the structured citations (docs/detectors.md)
    spec_fields = ("detector", "case_no", "party_id", "id_number", "related", "score", "message", "basis")
    assert len(rows) == 3 and all(tuple(r) == (*spec_fields, "citations") for r in rows)
    assert "funds_not_disbursed" in _flat(first.stderr) and "stored" in _flat(first.stderr)
    second = _cli("detect", "--as-of", AS_OF.isoformat(), "--format", "jsonl", "--no-store")
    assert second.stdout == first.stdout
    assert graph.read("MATCH (a:Alert) RETURN count(a) AS n")[0]["n"] == 3

    only = _cli("detect", "--as-of", "2026/6/30", "-d", "funds_not_disbursed", "--format", "csv", "--no-store")
    assert only.stdout.splitlines()[0] == ",".join(spec_fields) and len(only.stdout.splitlines()) == 3
    table = _cli("detect", "--as-of", AS_OF.isoformat(), "--no-store", env={"COLUMNS": "300"})
    assert "执行款未及时发放" in table.stdout and "重复欠薪用人单位" in table.stdout
    bad = _cli("detect", "-d", "no_such_detector")
    assert bad.returncode == 2 and "no_such_detector" in _flat(bad.stderr) and bad.stdout == ""


@pytest.mark.slow
def test_cli_alert_workflow_stats_queries_and_query(graph: Graph) -> None:
    _scene(graph)
    assert _cli("detect", "--as-of", AS_OF.isoformat(), "--format", "jsonl").returncode == 0
    key = f"funds_not_disbursed:{CASE1}"
    refused = _cli("alerts", "set-status", key, "--status", "confirmed", "--reason", "r", "--actor", "a")
    assert refused.returncode == 2 and "cannot change status from new to confirmed" in _flat(refused.stderr)
    ok = _cli("alerts", "set-status", key, "--status", "acknowledged", "--reason", "核实", "--actor", "王法官")
    assert ok.returncode == 0, ok.stderr
    stats = json.loads(_cli("alerts", "stats", "--json").stdout)
    funds = next(s for s in stats if s["detector"] == "funds_not_disbursed")
    assert funds["acknowledged"] == 1 and funds["new"] == 1 and len(stats) == 11
    listed = json.loads(_cli("alerts", "list", "--status", "acknowledged", "--json").stdout)
    assert listed["total"] == 1 and listed["items"][0]["key"] == key
    shown = json.loads(_cli("alerts", "show", key).stdout)
    assert shown["alert"]["events"][0]["actor"] == "王法官" and shown["evidence"]["nodes"]
    assert "funds_not_disbursed" in _cli("alerts", "case", CASE1).stdout

    catalogue = json.loads(_cli("queries", "--json").stdout)
    assert {q["name"] for q in catalogue if q["group"] == "detectors"} >= {"hidden_receivable", "auction_delay"}
    rows = _cli("query", "funds_not_disbursed", "--param", "as_of=2026-06-30", "--param", "max_days=60",
                "--format", "jsonl")
    assert rows.returncode == 0, rows.stderr
    assert [json.loads(line)["case_no"] for line in rows.stdout.splitlines()] == [CASE2]
    wrong = _cli("query", "funds_not_disbursed", "--param", "max_days=soon")
    assert wrong.returncode == 2 and "max_days" in _flat(wrong.stderr)


def test_deployment_config_overrides_thresholds(graph: Graph, tmp_path: Path) -> None:
    _scene(graph)
    config = tmp_path / "detectors.yaml"
    config.write_text("funds_not_disbursed:\n  max_days: 60\nall:\n  holidays: [2026-10-01]\n", encoding="utf-8")
    run = _cli("detect", "--as-of", AS_OF.isoformat(), "--format", "jsonl", "--no-store",
               env={"DEBTGRAPH_DETECTOR_CONFIG": str(config)})
    assert run.returncode == 0, run.stderr
    assert [json.loads(x)["case_no"] for x in run.stdout.splitlines() if "funds" in x] == [CASE2]
    config.write_text("funds_not_disbursed:\n  max_days: soon\n", encoding="utf-8")
    bad = _cli("detect", "--no-store", env={"DEBTGRAPH_DETECTOR_CONFIG": str(config)})
    assert bad.returncode == 2 and str(config) in _flat(bad.stderr) and "max_days" in _flat(bad.stderr)
    config.write_text("funds_not_disbursd:\n  max_days: 3\n", encoding="utf-8")
    bad = _cli("detect", "--no-store", env={"DEBTGRAPH_DETECTOR_CONFIG": str(config)})
    assert bad.returncode == 2 and "funds_not_disbursd" in _flat(bad.stderr)
