"""The web pages through the app (TestClient) against the real test Neo4j with the seed stories:
each page per role, login and logout, CSRF, audit rows, the inbox, generated query forms, the console,
paths, the dashboard, and untrusted names rendered as text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pages_helpers as H
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import audit as audit_log
from api import auth
from api.dashboard import dashboard_counts, mark_inbox_visit, party_alerts
from api.http import create_app
from api.security_store import SecurityStore
from graph_model.db import Graph
from queries.alerts import get_alert

HTML = {"Accept": "text/html,application/xhtml+xml"}


@dataclass
class Site:
    app: FastAPI
    graph: Graph
    keys: dict[str, str]
    store: SecurityStore

    def client(self, role: str | None = None) -> TestClient:
        """A browser-like client, logged in through the login form when a role is given."""
        client = TestClient(self.app, headers=HTML, follow_redirects=False)
        if role is not None:
            res = client.post("/web/login", data={"key": self.keys[role], "next": "/web/"})
            assert res.status_code == 303, res.text
        return client


@pytest.fixture(scope="module")
def site(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("pages")
    keys = H.seed(session_graph, tmp)
    settings = session_graph.settings.model_copy(update={"debtgraph_data_dir": tmp})
    app = create_app(settings, graph=session_graph)
    with TestClient(app):
        yield Site(app, session_graph, keys, app.state.store)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


CASE_URL = f"/web/cases/{quote(H.ZHANG_WEI_CASE, safe='')}"
PARTY_URL = f"/web/parties/{quote(H.ZHANG_WEI, safe='')}"
JUD, INV, CSY, ADM = "judge", "investigator", "case_system", "admin"
# Who may open each page, written by hand from docs/pages.md ("Pages and who may open them"), not read
# from api.auth.PERMISSIONS: a wrong entry there must fail here.
PAGES: list[tuple[str, set[str]]] = [
    ("/web/", {JUD, INV, CSY, ADM}),
    ("/web/search?q=张伟", {JUD, INV, ADM}),
    (PARTY_URL, {JUD, INV, ADM}),
    (PARTY_URL + "/graph?depth=1", {JUD, INV, ADM}),
    ("/web/cases", {JUD, INV, CSY, ADM}),
    (CASE_URL, {JUD, INV, CSY, ADM}),
    ("/web/alerts", {JUD, INV, ADM}),
    (f"/web/alerts/{quote(H.HIDDEN, safe='')}", {JUD, INV, ADM}),
    (f"/web/alerts/{quote(H.HIDDEN, safe='')}/graph", {JUD, INV, ADM}),
    (f"{CASE_URL}/alerts/{quote(H.HIDDEN, safe='')}/graph", {JUD, INV, CSY, ADM}),
    ("/web/queries", {INV, ADM}),
    ("/web/queries/asset_panorama", {INV, ADM}),
    ("/web/console", {INV, ADM}),
    ("/web/paths?a=张伟&b=张强", {JUD, INV, ADM}),
    ("/web/dashboard", {JUD, INV, ADM}),
    ("/web/static/vis/vis-network.min.js", {JUD, INV, CSY, ADM}),
]


def test_each_page_opens_for_the_roles_holding_its_permission_and_refuses_the_others(site: Site) -> None:
    clients = {role: site.client(role) for role in auth.ROLES}
    for url, allowed in PAGES:
        for role, client in clients.items():
            res = client.get(url, follow_redirects=False)
            if role in allowed:
                # opens: 200, or the home page's redirect to the role's start page (never back to the login)
                assert res.status_code == 200 or (url == "/web/" and res.status_code == 303
                                                  and "/login" not in res.headers["location"]), \
                    (url, role, res.status_code, res.text[:500])
            else:
                assert res.status_code == 403, (url, role, res.status_code)
                assert "无权" in res.text and res.headers["content-type"].startswith("text/html")
                assert "需要：" in res.text  # names the roles that may open it
    # the case system lands on the case lookup and sees no party search in its header
    home = clients["case_system"].get("/web/")
    assert home.headers["location"] == "/web/cases"
    page = clients["case_system"].get(CASE_URL).text
    assert 'href="/web/search"' not in page and 'href="/web/alerts"' not in page and 'href="/web/dashboard"' not in page
    assert "他案债权" in page  # the case's own alerts are on its page (alerts:case)
    assert f'href="{PARTY_URL}"' not in page  # party names are not links for a role that cannot read parties
    judge = clients["judge"].get(CASE_URL).text
    assert 'href="/web/queries"' not in judge and f'href="{PARTY_URL}"' in judge


def test_without_a_session_browsers_go_to_the_login_page_and_other_clients_get_401(site: Site) -> None:
    anon = site.client()
    res = anon.get(PARTY_URL + "?depth=1")
    assert res.status_code == 303
    assert res.headers["location"] == "/web/login?next=" + quote(f"/web/parties/{H.ZHANG_WEI}?depth=1", safe="")
    assert anon.get(res.headers["location"]).status_code == 200
    api_client = TestClient(site.app)
    res = api_client.get(PARTY_URL)
    assert res.status_code == 401 and res.headers["content-type"].startswith("application/problem+json")


def test_login_sets_a_strict_httponly_session_and_logout_ends_it(site: Site) -> None:
    client = site.client()
    bad = client.post("/web/login", data={"key": "dg_wrong", "next": "/web/alerts"})
    assert bad.status_code == 401 and "密钥无效" in bad.text and "set-cookie" not in bad.headers
    res = client.post("/web/login", data={"key": site.keys["judge"], "next": "/web/alerts"})
    assert res.status_code == 303 and res.headers["location"] == "/web/alerts"
    cookie = res.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and site.keys["judge"] not in cookie
    page = client.get("/web/alerts").text
    assert "web-judge" in page and "执行法官" in page  # the key's name and role in the header
    # a login posted from another site is refused (login CSRF), one from our own pages passes
    assert site.client().post("/web/login", data={"key": site.keys["judge"]},
                              headers={"Origin": "https://evil.example"}).status_code == 403
    assert site.client().post("/web/login", data={"key": site.keys["judge"]},
                              headers={"Origin": "http://testserver"}).status_code == 303
    # an open redirect is refused: only the pages' own paths
    other = site.client().post("/web/login", data={"key": site.keys["judge"], "next": "https://evil.example/"})
    assert other.headers["location"] == "/web/search"
    assert client.post("/web/logout", data={}).status_code == 403  # logging out needs the token too
    out = client.post("/web/logout", data={"csrf_token": csrf_of(page)})
    assert out.status_code == 303 and out.headers["location"] == "/web/login"
    assert client.get("/web/alerts").status_code == 303


def test_revoking_a_key_ends_its_page_session(site: Site) -> None:
    key, _ = auth.create_key(site.store, "web-judge-temp", "judge")
    client = site.client()
    client.post("/web/login", data={"key": key})
    assert client.get("/web/search").status_code == 200
    auth.revoke_key(site.store, "web-judge-temp")
    assert client.get("/web/search").status_code == 303


def test_party_and_case_pages_show_the_story_and_are_audited(site: Site) -> None:
    client = site.client("judge")
    page = client.get(PARTY_URL).text
    for text in ("张伟", "310104198503127610", "sh0104-xuhui:XH-P001", "(2023)沪0109执567号", "上海锦程物流有限公司",
                 "他案债权（到期债权）", "280,000", "关系网络"):
        assert text in page, text
    assert 'src="/web/parties/id%3A310104198503127610/graph?depth=2"' in page
    filtered = client.get(PARTY_URL + "?depth=1&types=SIBLING_OF&types=BOGUS").text
    assert 'src="/web/parties/id%3A310104198503127610/graph?depth=1&amp;types=SIBLING_OF"' in filtered
    graph_page = client.get(PARTY_URL + "/graph?depth=1&types=SIBLING_OF").text
    assert '<script src="/web/static/vis/vis-network.min.js">' in graph_page and "张强" in graph_page

    case = client.get(CASE_URL).text
    for text in ("(2022)沪0104民初4321号", "中国工商银行股份有限公司上海市徐汇支行", "限制消费", "终本",
                 "他案债权（到期债权）", "恶意串通执行和解",
                 # docs/pages.md: the case page shows its alerts' evidence through the case-scoped view
                 f'src="{CASE_URL}/alerts/{quote(H.HIDDEN, safe="")}/graph"'):
        assert text in case, text
    events = audit_log.events(site.store, actor="web-judge")
    seen = {(e["action"], e["target"]) for e in events}
    assert ("party.read", H.ZHANG_WEI) in seen and ("case.read", H.ZHANG_WEI_CASE) in seen
    assert ("party.network", H.ZHANG_WEI) in seen
    assert all(e["role"] == "judge" for e in events)


def test_search_by_name_id_and_case_number(site: Site) -> None:
    client = site.client("investigator")
    assert "310104********7610" in client.get("/web/search?q=张伟").text  # ids masked in lists
    by_id = client.get("/web/search?q=310104198503127610").text
    assert f'href="{PARTY_URL}"' in by_id
    jump = client.get("/web/search?q=（2023）沪0104执1234号")
    assert jump.status_code == 303 and jump.headers["location"] == CASE_URL
    assert "没有找到" in client.get("/web/search?q=不存在的人").text
    assert client.get("/web/cases?case_no=(2023)沪0104执1234号").headers["location"] == CASE_URL
    missing = client.get("/web/cases/" + quote("(2099)沪0104执1号", safe=""))
    assert missing.status_code == 404 and "未找到" in missing.text
    unknown = client.get("/web/nothing-here")
    assert unknown.status_code == 404 and "没有这个页面" in unknown.text


def test_untrusted_names_are_rendered_as_text(site: Site) -> None:
    client = site.client("judge")
    for url in ("/web/search?q=img", "/web/cases/" + quote("(2024)沪0101执9号", safe="")):
        page = client.get(url).text
        assert H.XSS_NAME not in page and "&lt;img src=x onerror=alert(1)&gt;" in page, url


def test_status_changes_need_the_sessions_csrf_token(site: Site) -> None:
    client = site.client("judge")
    url = f"/web/alerts/{quote(H.COLLUSIVE, safe='')}"
    token = csrf_of(client.get(url).text)
    action = url + "/status"
    form = {"status": "acknowledged", "reason": "核查中", "next": CASE_URL}
    assert client.post(action, data=form).status_code == 403
    assert client.post(action, data={**form, "csrf_token": token + "x"}).status_code == 403
    other = site.client("judge")  # another session's token does not fit this session
    assert other.post(action, data={**form, "csrf_token": token}).status_code == 403
    cross = client.post(action, data={**form, "csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403  # the right token from another site's page: refused by origin
    assert get_alert(site.graph, H.COLLUSIVE)[0]["status"] == "new"
    res = client.post(action, data={**form, "csrf_token": token})
    assert res.status_code == 303 and res.headers["location"] == CASE_URL
    alert, _ = get_alert(site.graph, H.COLLUSIVE)
    assert alert["status"] == "acknowledged"
    assert alert["events"][-1]["actor"] == "web-judge" and alert["events"][-1]["reason"] == "核查中"
    # a change the workflow does not allow is refused with the reason, nothing changes
    bad = client.post(action, data={"status": "resolved", "reason": "x", "csrf_token": token})
    assert bad.status_code == 409 and "cannot change status" in bad.text
    # the case system may read a case's alerts but not change them
    cs = site.client("case_system")
    assert cs.post(action, data={**form, "status": "dismissed", "csrf_token": token}).status_code == 403
    # with an API key header there is no ambient credential: no token needed
    api = TestClient(site.app)
    res = api.post(action, headers={"X-API-Key": site.keys["judge"]},
                   data={"status": "confirmed", "reason": "证据充分"}, follow_redirects=False)
    assert res.status_code == 303 and get_alert(site.graph, H.COLLUSIVE)[0]["status"] == "confirmed"
    assert ("alert.status", H.COLLUSIVE) in {(e["action"], e["target"]) for e in audit_log.events(site.store)}


def test_inbox_filters_counts_and_new_since_last_visit(site: Site) -> None:
    key_hash = auth.hash_key(site.keys["admin"])
    mark_inbox_visit(site.store, key_hash, now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    client = site.client("admin")
    page = client.get("/web/alerts").text
    open_total = int(re.search(r'data-testid="alert-total">(\d+)<', page).group(1))
    # the eleven alerts of the seed stories' expected.json (the XSS export raises none), less those an earlier
    # test of this module decided
    decided = site.graph.read("MATCH (al:Alert) WHERE al.status IN $decided RETURN count(al) AS n",
                              {"decided": ["confirmed", "dismissed"]})
    assert open_total == 11 - decided[0]["n"]
    new_since = re.search(r'data-testid="new-since">.*?<b>(\d+)</b>', page, re.S)
    assert new_since and int(new_since.group(1)) == open_total
    assert page.count('class="badge fresh"') == open_total
    again = client.get("/web/alerts").text
    assert re.search(r'data-testid="new-since">.*?<b>0</b>', again, re.S)  # the visit was remembered
    assert 'class="badge fresh"' not in again
    everything = client.get("/web/alerts?status=all").text
    assert int(re.search(r'data-testid="alert-total">(\d+)<', everything).group(1)) == 11
    only = client.get("/web/alerts?detector=detained_debtor&status=all").text
    assert "(2024)沪0109执88号" in only and H.ZHANG_WEI_CASE not in only
    court = client.get("/web/alerts?court=" + quote("沪0104") + "&status=all").text
    assert H.ZHANG_WEI_CASE in court and "(2024)沪0109执88号" not in court
    for xuhui in ("(2024)沪0104执456号", "(2023)沪0104执3456号", "(2023)沪0104执789号"):  # 孙丽, 吴建华, 郑红
        assert xuhui in court, xuhui
    assert "(2024)沪0109执150号" not in court and "(2024)沪0109执420号" not in court  # 黄丽, 孙浩: Hongkou
    assert "没有符合条件" in client.get("/web/alerts?from=2099-01-01").text
    assert client.get("/web/alerts?status=bogus").status_code == 422
    # strongest first
    scores = [float(s) for s in re.findall(r'<i style="width:\d+%"></i></span>([\d.]+)</span>', page)]
    assert scores == sorted(scores, reverse=True)
    # or by date, either way: the choice stays selected and survives paging links
    site.graph.write("MATCH (al:Alert) WITH al ORDER BY al.key WITH collect(al) AS als "
                     "UNWIND range(0, size(als) - 1) AS i WITH als[i] AS al, i "
                     "SET al.last_seen = datetime('2026-03-01T08:00:00Z') + duration({days: i})")
    by_date = client.get("/web/alerts?status=all&sort=last_seen&order=asc").text
    assert '<option value="last_seen" selected>' in by_date and '<option value="asc" selected>' in by_date
    shown = re.findall(r'<td style="white-space:nowrap">(2026-03-\d\d)', by_date)
    assert len(shown) == 11 and shown == sorted(shown)
    newest = re.findall(r'<td style="white-space:nowrap">(2026-03-\d\d)',
                        client.get("/web/alerts?status=all&sort=last_seen").text)
    assert newest == sorted(shown, reverse=True)
    assert client.get("/web/alerts?sort=bogus").status_code == 422


def test_generated_query_form_uses_input_types_and_shows_table_and_graph(site: Site) -> None:
    client = site.client("investigator")
    catalogue = client.get("/web/queries").text
    assert "财产查控全景" in catalogue and "/web/queries/asset_panorama" in catalogue
    form = client.get("/web/queries/asset_panorama").text
    assert re.search(r'type="date" name="as_of"', form)
    assert re.search(r'type="number" name="years" step="1" min="1(\.0)?" max="20(\.0)?"', form)
    assert re.search(r'type="number" name="min_share" step="any"', form)
    assert re.search(r'type="text" name="uid"[^>]*required', form)
    bad = client.get("/web/queries/asset_panorama?run=1&uid=x&years=99")
    assert bad.status_code == 422 and "years" in bad.text
    res = client.get(f"/web/queries/party_network?run=1&uid={quote(H.ZHANG_WEI)}&depth=1").text
    assert "<table" in res and 'srcdoc="' in res and "debtgraph-data" in res
    table = client.get("/web/queries/party_search?run=1&name=" + quote("张伟")).text
    assert "310104198503127610" in table and "srcdoc" not in table  # rows without nodes: no graph
    assert ("query.run", "party_search") in {(e["action"], e["target"]) for e in audit_log.events(site.store)}


def test_console_runs_reads_refuses_writes_and_needs_the_token(site: Site) -> None:
    client = site.client("investigator")
    token = csrf_of(client.get("/web/console").text)
    res = client.post("/web/console", data={"text": "MATCH (p:Party {name: '张伟'}) RETURN p", "csrf_token": token})
    assert res.status_code == 200 and "srcdoc" in res.text and "张伟" in res.text
    refused = client.post("/web/console", data={"text": "MATCH (p:Party) DETACH DELETE p", "csrf_token": token})
    assert refused.status_code == 403 and "已拒绝" in refused.text
    assert client.post("/web/console", data={"text": "MATCH (p) RETURN p LIMIT 1"}).status_code == 403
    assert site.graph.read("MATCH (p:Party) RETURN count(p) AS n")[0]["n"] > 0


def test_paths_are_explained_and_drawn(site: Site) -> None:
    client = site.client("judge")
    page = client.get("/web/paths?a=张伟&b=张强").text
    assert "张伟 与 张强 是兄弟姐妹" in page and 'data-testid="paths"' in page  # the stories: brothers (sibling row)
    assert 'id="paths-view"' in page
    unknown = client.get("/web/paths?a=张伟&b=查无此人").text
    assert "未能唯一确定当事人" in unknown


def test_dashboard_draws_the_five_charts_from_the_alert_store(site: Site) -> None:
    counts = dashboard_counts(site.graph)
    # the seed stories raise one alert of each of the eleven detectors
    assert dict(counts.per_detector) == {
        "hidden_receivable": 1, "collusive_settlement": 1, "repeat_offender_employer": 1, "detained_debtor": 1,
        "restriction_not_lifted": 1, "funds_not_disbursed": 1, "auction_delay": 1, "retrial_not_terminated": 1,
        "bankrupt_unpaid_fees": 1, "suspicious_asset_transfer": 1, "terminated_case_assets": 1}
    assert counts.repeat_employers[0]["name"] == "上海鑫源建筑工程有限公司" and counts.repeat_employers[0]["cases"] == 3
    assert dict(counts.hidden_receivables_by_court) == {"上海市徐汇区人民法院": 1}
    # 周明's 终本 case in Xuhui, with the car Hongkou's export records
    assert dict(counts.property_in_terminated_by_court) == {"上海市徐汇区人民法院": 1}
    page = site.client("judge").get("/web/dashboard").text
    assert page.count("<svg") == 5 and "终本案件有财产记录" in page and "各类预警数量" in page and "上海鑫源建筑工程有限公司" in page
    assert "http://www.w3.org/2000/svg" in page  # the SVG namespace, inline: no image request


def test_party_alerts_cover_the_party_and_its_cases(site: Site) -> None:
    detectors = {a["detector"] for a in party_alerts(site.graph, H.ZHANG_WEI)}
    assert {"hidden_receivable", "collusive_settlement"} <= detectors
    assert party_alerts(site.graph, "id:nobody") == []


def test_graph_views_expand_parties_through_their_own_graph_route(site: Site) -> None:
    from visualizations.render import view_data
    client = site.client("judge")
    data = view_data(client.get(PARTY_URL + "/graph?depth=2").text)
    urls = {n.get("url") for n in data["nodes"] if n.get("url")}
    assert f"/web/parties/{quote(H.ZHANG_WEI, safe='')}/graph" in urls
    evidence = view_data(client.get(f"/web/alerts/{quote(H.HIDDEN, safe='')}/graph").text)
    assert len(evidence["nodes"]) == len(get_alert(site.graph, H.HIDDEN)[1].nodes)


def test_pages_make_no_reference_outside_the_server(site: Site) -> None:
    from visualizations.export import external_references
    client = site.client("admin")
    for url, _ in PAGES[1:-1]:
        page = client.get(url).text
        outside = [ref for ref in external_references(page) if not (ref[1].startswith("/") and not ref[1].startswith("//"))]
        assert outside == [], url


def test_capped_neighbourhoods_link_to_the_unexpanded_nodes_own_view(site: Site) -> None:
    from visualizations.render import view_data
    site.graph.write("""
        CREATE (c:Party:Company {uid: 'src:big:C', kind: 'company', name: '上海大型劳务派遣有限公司',
                                 names: ['上海大型劳务派遣有限公司'], source_keys: ['big:C'], sources: ['big']})
        WITH c
        UNWIND range(1, 200) AS i
        CREATE (p:Party:Person {uid: 'src:big:P' + i, kind: 'person', name: '员工' + i, names: ['员工' + i],
                                source_keys: ['big:P' + i], sources: ['big']})-[:EMPLOYEE_OF {sources: ['big']}]->(c)
    """)
    client = site.client("judge")
    company_url = "/web/parties/" + quote("src:big:C", safe="") + "/graph"
    person = view_data(client.get("/web/parties/" + quote("src:big:P1", safe="") + "/graph?depth=2").text)
    hub = next(n for n in person["nodes"] if n.get("label", "").startswith("上海大型劳务派遣"))
    assert hub["url"] == company_url and len(person["nodes"]) == 2  # the hub is shown, not expanded
    company = view_data(client.get(company_url + "?depth=1").text)
    more = [n for n in company["nodes"] if n.get("kind") == "more"]
    assert len(company["nodes"]) <= 151 + len(more) and sum(n["more"] for n in more) == 201 - 150


def test_a_session_opened_through_the_api_gets_a_csrf_token_too(site: Site) -> None:
    client = site.client()
    res = client.post("/api/v1/session", headers={"X-API-Key": site.keys["investigator"]})
    assert res.status_code == 200
    client.headers.pop("X-API-Key", None)
    page = client.get("/web/console").text
    token = csrf_of(page)
    assert client.post("/web/console", data={"text": "RETURN 1 AS n"}).status_code == 403
    assert client.post("/web/console", data={"text": "RETURN 1 AS n", "csrf_token": token}).status_code == 200


def test_error_pages_say_in_chinese_what_was_not_found_or_not_accepted(site: Site) -> None:
    client = site.client("judge")
    missing = client.get("/web/cases/" + quote("(2023)沪0104执99999号", safe=""))
    assert missing.status_code == 404 and "没有找到案件 (2023)沪0104执99999号" in missing.text
    assert "no case" not in missing.text
    long = client.get("/web/search?q=" + quote("张" * 300))
    assert long.status_code == 422 and "最多 100 个字符" in long.text and "String should" not in long.text
    party = client.get("/web/parties/" + quote("id:nobody", safe=""))
    assert party.status_code == 404 and "没有找到当事人 id:nobody" in party.text
