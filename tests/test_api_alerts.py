"""Alerts over HTTP on the loaded seed stories: the case system's call, the list, one alert, the workflow, detect."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import api_helpers
import pytest

from api import audit as audit_log
from graph_model.db import Graph
from loaders import load_export
from queries.alerts import run_detectors, store_runs
from queries.registry import Registry

api = api_helpers.api
Api = api_helpers.Api
STORIES = Path(__file__).parent / "fixtures" / "seed_stories"
EXPECTED = json.loads((STORIES / "expected.json").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(EXPECTED["as_of"])
XUHUI_CASE = "(2023)沪0104执1234号"
BANKRUPTCY = "(2024)沪03破12号"
HR_KEY = f"hidden_receivable:{XUHUI_CASE}"
STORED_AT = dt.datetime(2024, 6, 28, 8, 0, tzinfo=dt.UTC)  # when the stories' alerts were first seen
# The server's notices about relationship types the small stories lack are noise in the test output.
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


def load_stories(graph: Graph, tmp_path: Path, detect: bool = True) -> None:
    for name in EXPECTED["exports"]:
        load_export(graph, STORIES / name, name, rejects=tmp_path / f"{name}.rejects.csv")
    if detect:
        runs = run_detectors(graph, Registry(), as_of=AS_OF)
        assert all(r.ok for r in runs), [r.error for r in runs if not r.ok]
        store_runs(graph, runs, AS_OF, now=STORED_AT)


@pytest.fixture
def stories(api: Api, tmp_path: Path) -> Api:
    load_stories(api.graph, tmp_path)
    return api


def _actions(api: Api, action: str) -> list[dict[str, Any]]:
    return audit_log.events(api.store, action=action, limit=100)


def test_case_system_gets_exactly_the_seed_stories_alerts_of_each_case(stories: Api) -> None:
    graph = stories.graph
    employer = next(a for a in EXPECTED["alerts"] if a["case_no"] is None)
    employer_cases = {r["case_no"] for r in graph.read(
        "MATCH (p:Party {id_number: $id})-[:RESPONDENT_IN]->(c:Case) RETURN c.case_no AS case_no",
        {"id": employer["id_number"]})}
    assert len([c for c in employer_cases if "执" in c]) == 3
    expected: dict[str, set[str]] = {}
    for a in EXPECTED["alerts"]:
        if a["case_no"] is not None:
            expected.setdefault(a["case_no"], set()).add(a["detector"])
    for case_no in employer_cases:
        expected.setdefault(case_no, set()).add(employer["detector"])

    cases = [r["case_no"] for r in graph.read("MATCH (c:Case) RETURN c.case_no AS case_no ORDER BY case_no")]
    assert len(cases) > 10
    for case_no in cases:
        res = stories.get(f"/api/v1/cases/{case_no}/alerts", role="case_system")
        assert res.status_code == 200, (case_no, res.text)
        got = res.json()
        assert {a["detector"] for a in got} == expected.get(case_no, set()), case_no
        assert len(got) == len(expected.get(case_no, set()))
        assert [a["score"] for a in got] == sorted((a["score"] for a in got), reverse=True)

    hidden = next(a for a in stories.get(f"/api/v1/cases/{XUHUI_CASE}/alerts", role="judge").json()
                  if a["detector"] == "hidden_receivable")
    assert hidden["key"] == HR_KEY and hidden["status"] == "new" and hidden["id_number"] == "310104198503127610"
    assert "(2023)沪0109执567号" in hidden["related"] and hidden["basis"] and hidden["message"]
    assert len(_actions(stories, "case.alerts")) == len(cases) + 1


def test_case_alerts_full_width_number_unknown_case_and_roles(stories: Api) -> None:
    full_width = XUHUI_CASE.replace("(", "（").replace(")", "）")
    res = stories.get(f"/api/v1/cases/{full_width}/alerts", role="case_system")
    assert res.status_code == 200
    assert {a["detector"] for a in res.json()} == {"hidden_receivable", "collusive_settlement"}
    assert stories.get(f"/api/v1/cases/ {full_width} /alerts", role="case_system").status_code == 200

    missing = stories.get("/api/v1/cases/(2099)沪0104执1号/alerts", role="case_system")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "(2099)沪0104执1号" in missing.json()["detail"]

    # a case the graph has but no detector flagged: an empty list, not a 404
    quiet = stories.get("/api/v1/cases/(2022)沪0104民初4321号/alerts", role="case_system")
    assert quiet.status_code == 200 and quiet.json() == []

    # the case system reads alerts but may not change them or run detection
    assert stories.post(f"/api/v1/alerts/{HR_KEY}/status", role="case_system",
                        json={"status": "acknowledged", "reason": "x"}).status_code == 403
    assert stories.post("/api/v1/detect", role="judge", json={}).status_code == 403


def test_alert_list_sorts_by_date_or_score_either_way(stories: Api) -> None:
    # distinct first-seen days, in key order, so that a date sort is visible
    stories.graph.write("MATCH (al:Alert) WITH al ORDER BY al.key WITH collect(al) AS als "
                        "UNWIND range(0, size(als) - 1) AS i WITH als[i] AS al, i "
                        "SET al.first_seen = datetime('2026-01-01T08:00:00Z') + duration({days: i}), "
                        "    al.last_seen = datetime('2026-02-01T08:00:00Z') + duration({days: i})")
    keys = sorted(a["key"] for a in stories.get("/api/v1/alerts").json()["items"])
    oldest = stories.get("/api/v1/alerts", params={"sort": "first_seen", "order": "asc"}).json()["items"]
    assert [a["key"] for a in oldest] == keys
    newest = stories.get("/api/v1/alerts", params={"sort": "last_seen"}).json()["items"]
    assert [a["key"] for a in newest] == keys[::-1]
    weakest = [a["score"] for a in stories.get("/api/v1/alerts", params={"order": "asc"}).json()["items"]]
    assert weakest == sorted(weakest)
    bad = stories.get("/api/v1/alerts", params={"sort": "case_no"})
    assert bad.status_code == 422 and "sort" in bad.text
    assert stories.get("/api/v1/alerts", params={"order": "up"}).status_code == 422


def test_resolved_alerts_leave_the_case_systems_answer(stories: Api) -> None:
    # the bankruptcy detector no longer finds its alert (say, the fees were paid): resolved, not shown
    runs = [r for r in run_detectors(stories.graph, Registry(), as_of=AS_OF, names=["bankrupt_unpaid_fees"])]
    for r in runs:
        r.alerts = []
    store_runs(stories.graph, runs, AS_OF)
    assert stories.get(f"/api/v1/cases/{BANKRUPTCY}/alerts", role="case_system").json() == []
    page = stories.get("/api/v1/alerts", params={"status": "resolved"}).json()
    assert [a["detector"] for a in page["items"]] == ["bankrupt_unpaid_fees"]


def test_alert_list_filters_and_pagination(stories: Api) -> None:
    everything = stories.get("/api/v1/alerts", role="judge").json()
    assert everything["total"] == len(EXPECTED["alerts"]) == len(everything["items"])
    assert not everything["has_more"]
    scores = [a["score"] for a in everything["items"]]
    assert scores == sorted(scores, reverse=True)

    # the eleven alerts of the stories, two per page: six pages, the last holding one
    seen: list[str] = []
    for page in (1, 2, 3, 4, 5, 6):
        res = stories.get("/api/v1/alerts", params={"page": page, "page_size": 2}).json()
        assert res["total"] == 11 and res["page"] == page and res["page_size"] == 2
        assert res["has_more"] == (page < 6) and len(res["items"]) == (1 if page == 6 else 2)
        seen += [a["key"] for a in res["items"]]
    assert seen == [a["key"] for a in everything["items"]]

    by_detector = stories.get("/api/v1/alerts", params={"detector": "detained_debtor"}).json()
    assert by_detector["total"] == 1 and by_detector["items"][0]["case_no"] == "(2024)沪0109执88号"
    # Xuhui's cases: 张伟's (two alerts), 孙丽's restriction, 吴建华's auction, 郑红's revoked judgment, and
    # 周明's 终本 case with the car Hongkou's export records
    by_court = stories.get("/api/v1/alerts", params={"court": "沪0104"}).json()
    assert {(a["detector"], a["case_no"]) for a in by_court["items"]} == {
        ("hidden_receivable", XUHUI_CASE), ("collusive_settlement", XUHUI_CASE),
        ("restriction_not_lifted", "(2024)沪0104执456号"), ("auction_delay", "(2023)沪0104执3456号"),
        ("retrial_not_terminated", "(2023)沪0104执789号"), ("terminated_case_assets", "(2023)沪0104执4567号")}
    # Hongkou's: 李娜's detention, 黄丽's money, 孙浩's transfer
    by_court = stories.get("/api/v1/alerts", params={"court": "沪0109"}).json()
    assert {a["detector"] for a in by_court["items"]} == {"detained_debtor", "funds_not_disbursed",
                                                          "suspicious_asset_transfer"}
    assert stories.get("/api/v1/alerts", params={"status": ["acknowledged", "confirmed"]}).json()["total"] == 0
    assert stories.get("/api/v1/alerts", params={"status": "new"}).json()["total"] == 11
    top = max(scores)
    assert stories.get("/api/v1/alerts", params={"min_score": top}).json()["total"] == scores.count(top)
    # expected.json's scores: 1.0 (李娜, 宏达), 0.92 (张伟), 0.885 (周明's car), 0.8 (孙浩), 0.7 (黄丽, 郑红),
    # 0.65 (孙丽), 0.6 (张伟's settlement, 鑫源, 吴建华)
    assert scores == [1.0, 1.0, 0.92, 0.885, 0.8, 0.7, 0.7, 0.65, 0.6, 0.6, 0.6]
    assert stories.get("/api/v1/alerts", params={"min_score": 0.7}).json()["total"] == 7
    today = STORED_AT.date()
    assert stories.get("/api/v1/alerts", params={"since": today.isoformat(),
                                                 "until": today.isoformat()}).json()["total"] == 11
    assert stories.get("/api/v1/alerts", params={"until": (today - dt.timedelta(days=1)).isoformat()}
                       ).json()["total"] == 0

    for bad in ({"page_size": 201}, {"page": 0}, {"status": "open"}, {"min_score": 1.5},
                {"since": "2024-02-30"}, {"since": today.isoformat(), "until": "2000-01-01"}):
        res = stories.get("/api/v1/alerts", params=bad)
        assert res.status_code == 422, (bad, res.text)
        assert res.json()["errors"][0]["field"].split(".")[0] in bad


def test_one_alert_with_evidence_subgraph_and_history(stories: Api) -> None:
    res = stories.get(f"/api/v1/alerts/{HR_KEY}", role="investigator")
    assert res.status_code == 200
    body = res.json()
    assert body["alert"]["key"] == HR_KEY and body["events"] == []
    evidence = body["evidence"]
    ids = {n["id"] for n in evidence["nodes"]}
    assert evidence["subject"] in ids and evidence["relationships"]
    case_nos = {n["properties"].get("case_no") for n in evidence["nodes"]}
    assert {XUHUI_CASE, "(2023)沪0109执567号"} <= case_nos
    for rel in evidence["relationships"]:
        assert rel["start"] in ids and rel["end"] in ids
    assert stories.get("/api/v1/alerts/hidden_receivable:(2099)沪0104执1号").status_code == 404

    # a party-level alert: its key holds the party's uid (with its own colon), its subject is the party
    employer = stories.get("/api/v1/alerts/repeat_offender_employer:id:91310104MA1FL4CK2G", role="judge")
    assert employer.status_code == 200, employer.text
    body = employer.json()
    assert body["alert"]["case_no"] is None and body["alert"]["party_uid"] == "id:91310104MA1FL4CK2G"
    subject = next(n for n in body["evidence"]["nodes"] if n["id"] == body["evidence"]["subject"])
    assert subject["properties"]["uid"] == "id:91310104MA1FL4CK2G"


def test_status_workflow_records_who_why_and_refuses_invalid_changes(stories: Api) -> None:
    url = f"/api/v1/alerts/{HR_KEY}/status"
    # new → confirmed skips acknowledging: refused, nothing changes
    refused = stories.post(url, role="judge", json={"status": "confirmed", "reason": "证据充分"})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "from new to confirmed" in refused.json()["detail"]
    assert stories.get(f"/api/v1/alerts/{HR_KEY}").json()["alert"]["status"] == "new"

    ack = stories.post(url, role="judge", json={"status": "acknowledged", "reason": "已阅，正在核实"})
    assert ack.status_code == 200, ack.text
    assert ack.json()["alert"]["status"] == "acknowledged"
    done = stories.post(url, role="investigator", json={"status": "dismissed", "reason": "应收账款已抵销"}).json()
    assert done["alert"]["status"] == "dismissed"
    assert [(e["from_status"], e["to_status"], e["actor"], e["reason"]) for e in done["events"]] == [
        ("new", "acknowledged", "test-judge", "已阅，正在核实"),
        ("acknowledged", "dismissed", "test-investigator", "应收账款已抵销")]
    assert stories.post(url, role="judge", json={"status": "confirmed", "reason": "x"}).status_code == 409
    back = stories.post(url, role="admin", json={"status": "acknowledged", "reason": "复查"})
    assert back.status_code == 200 and back.json()["alert"]["status"] == "acknowledged"

    # bad requests name the field: no reason, a status users cannot set, an unknown alert
    for body, field in (({"status": "confirmed"}, "reason"), ({"status": "confirmed", "reason": ""}, "reason"),
                        ({"status": "resolved", "reason": "x"}, "status"), ({"status": "new", "reason": "x"}, "status")):
        res = stories.post(url, role="judge", json=body)
        assert res.status_code == 422, (body, res.text)
        assert res.json()["errors"][0]["field"] == field
    assert stories.post("/api/v1/alerts/nope:nothing/status", role="judge",
                        json={"status": "acknowledged", "reason": "x"}).status_code == 404

    rows = sorted(_actions(stories, "alert.status"), key=lambda r: r["at"])
    assert [(r["actor"], r["target"]) for r in rows] == [
        ("test-judge", HR_KEY), ("test-judge", HR_KEY), ("test-investigator", HR_KEY), ("test-judge", HR_KEY),
        ("test-admin", HR_KEY)]
    params = [json.loads(r["params"]) for r in rows]
    assert "refused" in params[0] and params[0]["status"] == "confirmed"
    assert params[1] == {"status": "acknowledged", "reason": "已阅，正在核实"}
    assert "refused" in params[3] and "refused" not in params[4]


def test_detect_runs_the_detectors_as_of_and_stores_the_alerts(api: Api, tmp_path: Path) -> None:
    load_stories(api.graph, tmp_path, detect=False)
    assert api.get("/api/v1/alerts").json()["total"] == 0
    res = api.post("/api/v1/detect", json={"as_of": AS_OF.isoformat()})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["as_of"] == "2024-06-28" and body["stored"] == 11 and body["resolved"] == 0
    assert len(body["runs"]) == 11 and all(r["error"] is None for r in body["runs"])
    assert {r["detector"] for r in body["runs"] if r["alerts"]} == {a["detector"] for a in EXPECTED["alerts"]}
    assert api.get("/api/v1/alerts").json()["total"] == 11
    assert {a["detector"] for a in api.get(f"/api/v1/cases/{XUHUI_CASE}/alerts", role="case_system").json()} == {
        "hidden_receivable", "collusive_settlement"}

    one = api.post("/api/v1/detect", json={"as_of": AS_OF.isoformat(), "detectors": ["detained_debtor"]}).json()
    assert [r["detector"] for r in one["runs"]] == ["detained_debtor"] and one["stored"] == 1
    unknown = api.post("/api/v1/detect", json={"detectors": ["no_such_detector"]})
    assert unknown.status_code == 422 and "no_such_detector" in unknown.json()["detail"]
    assert len(_actions(api, "detect.run")) == 3
