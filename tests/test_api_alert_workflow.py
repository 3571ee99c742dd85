"""Many users on one alert: the status change is a compare-and-set, versions (ETag / If-Match) stop
overwrites, and the case system reaches a case's alerts with their evidence but not the alert list.

Expectations come from docs/api.md ("Alert workflow") and the seed stories (tests/fixtures/seed_stories):
the stories' 徐汇 终本 case has a hidden-receivable alert, status new, as of their day.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import api_helpers
import pytest
from api_helpers import Api
from test_api_alerts import HR_KEY, XUHUI_CASE, load_stories

from queries.alerts import get_alert

api = api_helpers.api
KEY_URL = "/api/v1/alerts/" + quote(HR_KEY, safe="")


@pytest.fixture
def stories(api: Api, tmp_path: Path) -> Api:
    load_stories(api.graph, tmp_path)
    return api


def _set(api: Api, status: str, role: str = "judge", reason: str = "核实", **headers: str) -> object:
    return api.client.post(f"{KEY_URL}/status", json={"status": status, "reason": reason},
                           headers={**api.headers(role), **headers})


def test_of_twenty_conflicting_changes_exactly_one_wins_and_history_agrees(stories: Api) -> None:
    assert _set(stories, "acknowledged").status_code == 200  # type: ignore[attr-defined]
    barrier = threading.Barrier(20)

    def change(i: int) -> object:
        barrier.wait()
        return _set(stories, "confirmed" if i % 2 else "dismissed", role=("judge", "investigator", "admin")[i % 3],
                    reason=f"决定 {i}")

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(change, range(20)))
    codes = sorted(a.status_code for a in answers)  # type: ignore[attr-defined]
    assert codes == [200] + [409] * 19, codes
    winner = next(a for a in answers if a.status_code == 200).json()["alert"]  # type: ignore[attr-defined]
    for lost in (a for a in answers if a.status_code == 409):  # type: ignore[attr-defined]
        body = lost.json()  # type: ignore[attr-defined]
        assert body["current_status"] == winner["status"] and body["changed_by"].startswith("test-")
        assert body["changed_at"] and winner["status"] in body["detail"]
    alert, _ = get_alert(stories.graph, HR_KEY)
    transitions = [(e["from_status"], e["to_status"]) for e in alert["events"]]
    assert transitions == [("new", "acknowledged"), ("acknowledged", winner["status"])]
    assert alert["status"] == winner["status"] and alert["version"] == 3  # found (1), acknowledged, decided


def test_etag_and_if_match_refuse_a_change_made_on_a_stale_read(stories: Api) -> None:
    first = stories.get(KEY_URL, role="judge")
    assert first.headers["ETag"] == '"1"'  # type: ignore[attr-defined]
    # an investigator acknowledges meanwhile; the judge's change names the version the judge read
    assert _set(stories, "acknowledged", role="investigator").status_code == 200  # type: ignore[attr-defined]
    stale = _set(stories, "acknowledged", **{"If-Match": '"1"'})
    assert stale.status_code == 412, stale.text  # type: ignore[attr-defined]
    body = stale.json()  # type: ignore[attr-defined]
    assert (body["current_status"], body["version"], body["changed_by"]) == ("acknowledged", 2, "test-investigator")
    # read again, then the change goes through with the fresh version, and the answer names the next one
    fresh = stories.get(KEY_URL, role="judge").headers["ETag"]  # type: ignore[attr-defined]
    done = _set(stories, "confirmed", **{"If-Match": fresh})
    assert done.status_code == 200 and done.headers["ETag"] == '"3"'  # type: ignore[attr-defined]
    assert _set(stories, "dismissed", **{"If-Match": "yesterday"}).status_code == 422  # type: ignore[attr-defined]
    refused = [e for e in stories.store.events(action="alert.status", limit=20) if "refused" in e["params"]]
    assert len(refused) == 1 and '"if_match": 1' in refused[0]["params"]  # the refused attempt is audited


def test_the_page_says_who_changed_the_alert_instead_of_overwriting(stories: Api) -> None:
    assert _set(stories, "acknowledged", role="investigator").status_code == 200  # type: ignore[attr-defined]
    page = stories.client.post(f"/web/alerts/{quote(HR_KEY, safe='')}/status",
                               data={"status": "acknowledged", "reason": "我也看看", "version": "1"},
                               headers={**stories.headers("judge"), "Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 409
    assert "此预警已被他人更改，您的操作未保存" in page.text and "test-investigator" in page.text
    alert, _ = get_alert(stories.graph, HR_KEY)
    assert [e["actor"] for e in alert["events"]] == ["test-investigator"]


def test_the_case_system_reads_a_case_and_its_alerts_with_evidence_and_nothing_else(stories: Api) -> None:
    case = quote(XUHUI_CASE, safe="")
    alerts = stories.get(f"/api/v1/cases/{case}/alerts", role="case_system").json()  # type: ignore[attr-defined]
    assert HR_KEY in {a["key"] for a in alerts}
    one = stories.get(f"/api/v1/cases/{case}/alerts/{quote(HR_KEY, safe='')}", role="case_system")
    assert one.status_code == 200 and one.json()["alert"]["key"] == HR_KEY  # type: ignore[attr-defined]
    assert one.json()["evidence"]["nodes"] and one.headers["ETag"] == '"1"'  # type: ignore[attr-defined]
    # the same alert through the list of every court's alerts: refused
    assert stories.get(KEY_URL, role="case_system").status_code == 403  # type: ignore[attr-defined]
    assert stories.get("/api/v1/alerts", role="case_system").status_code == 403  # type: ignore[attr-defined]
    # an alert that is not one of this case's
    other = stories.get(f"/api/v1/cases/{case}/alerts/{quote('hidden_receivable:(2099)沪0104执1号', safe='')}",
                        role="case_system")
    assert other.status_code == 404  # type: ignore[attr-defined]


def test_after_a_conflict_the_form_keeps_the_reason_and_goes_back_where_the_first_would_have(stories: Api) -> None:
    case_url = f"/web/cases/{quote(XUHUI_CASE, safe='')}"
    assert _set(stories, "acknowledged", role="investigator").status_code == 200  # type: ignore[attr-defined]
    html = {**stories.headers("judge"), "Accept": "text/html"}
    page = stories.client.post(f"/web/alerts/{quote(HR_KEY, safe='')}/status", headers=html, follow_redirects=False,
                               data={"status": "acknowledged", "reason": "我也看看", "version": "1", "next": case_url})
    assert page.status_code == 409
    assert "您原本要将状态改为“已查看”" in page.text
    assert f'name="next" value="{case_url}"' in page.text and "/status\"" not in page.text.split('name="next"')[1][:80]
    assert ">我也看看</textarea>" in page.text  # the reason typed is kept
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    again = stories.client.post(f"/web/alerts/{quote(HR_KEY, safe='')}/status", headers=html, follow_redirects=False,
                                data={"status": "confirmed", "reason": "我也看看", "version": version,
                                      "next": case_url})
    assert again.status_code == 303 and again.headers["location"] == case_url
    assert get_alert(stories.graph, HR_KEY)[0]["status"] == "confirmed"


def test_the_case_systems_case_page_offers_only_what_it_may_open(stories: Api) -> None:
    html = {**stories.headers("case_system"), "Accept": "text/html"}
    page = stories.client.get(f"/web/cases/{quote(XUHUI_CASE, safe='')}", headers=html).text
    assert "他案债权" in page and 'href="/web/alerts/' not in page  # no links to alert pages it cannot open
    frames = re.findall(r'<iframe[^>]*src="([^"]+)"', page)
    assert frames and all(src.startswith(f"/web/cases/{quote(XUHUI_CASE, safe='')}/alerts/") for src in frames)
    for src in frames:  # each evidence view opens for the case system
        assert stories.client.get(src, headers=html).status_code == 200, src
    other = f"/web/cases/{quote('(2024)沪0109执88号', safe='')}/alerts/{quote(HR_KEY, safe='')}/graph"
    assert stories.client.get(other, headers=html).status_code == 404  # not an alert of that case


def test_refused_attempts_are_in_the_audit_trail(stories: Api) -> None:
    assert stories.get("/api/v1/alerts", role="case_system").status_code == 403  # type: ignore[attr-defined]
    (denied,) = stories.store.events(action="access.denied")
    assert denied["actor"] == "test-case_system" and denied["target"] == "/api/v1/alerts"
    assert json.loads(denied["params"])["permission"] == "alerts:read"
    res = stories.post("/api/v1/console", role="investigator", json={"cypher": "CREATE DATABASE evil"})
    assert res.status_code == 403  # type: ignore[attr-defined]
    (run,) = stories.store.events(action="console.run")
    assert "CREATE DATABASE is an administration command" in json.loads(run["params"])["refused"]
