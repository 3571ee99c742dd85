"""The web pages in a real Chromium (Debian's, driven by Playwright) against the app served by uvicorn
on a loopback port, over the test Neo4j holding the seed stories and their alerts.

Every request the browser makes is routed: anything not to our server is refused and recorded, so
a page reaching for a CDN or a font service fails here. Screenshots of each page land in
tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pages_helpers as H
import pytest
import uvicorn

from api.http import create_app
from api.parties import party_network
from graph_model.db import Graph
from queries.alerts import get_alert

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("DEBTGRAPH_BROWSER", "1") == "0", reason="DEBTGRAPH_BROWSER=0"),
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_SCHEMES = ("data:", "blob:", "about:")


@dataclass
class Served:
    base: str
    graph: Graph
    keys: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("pages-browser")
    keys = H.seed(session_graph, tmp)
    settings = session_graph.settings.model_copy(update={"debtgraph_data_dir": tmp})
    app = create_app(settings, graph=session_graph)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", session_graph, keys)
    server.should_exit = True
    thread.join(10)


@dataclass
class Session:
    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"page_{name}.png"), full_page=True)


@pytest.fixture
def open_session(browser: Any, served: Served) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(role: str | None = None) -> Session:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        session = Session(page, served.base)

        def route(r: Any) -> None:
            url = r.request.url
            session.requests.append(url)
            if url.startswith(served.base + "/") or url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                session.refused.append(url)
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page.on("dialog", lambda d: (session.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(str(e)))
        if role is not None:
            session.go("/web/login")
            page.fill("#key", served.keys[role])
            page.click("button[type=submit]")
            page.wait_for_load_state("load")
        return session

    yield open_
    for context in contexts:
        context.close()


def _settled_frame(page: Any, selector: str) -> Any:
    """The graph view inside an iframe, once its layout has settled."""
    handle = page.wait_for_selector(selector)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_load_state("load")
    frame.wait_for_function("() => window.debtgraphView && window.debtgraphView.stabilized === true", timeout=60_000)
    return frame


def _total(page: Any) -> int:
    return int(page.locator("[data-testid=alert-total]").inner_text())


def test_judge_logs_in_finds_zhang_wei_reads_his_network_and_dismisses_an_alert(open_session: Any,
                                                                                 served: Served) -> None:
    s: Session = open_session()
    s.go("/web/alerts")
    assert "/web/login" in s.page.url  # no session: the login page, remembering where to go
    s.page.fill("#key", served.keys["judge"])
    s.shot("login")
    s.page.click("button[type=submit]")
    s.page.wait_for_load_state("load")
    assert s.page.url.endswith("/web/alerts")
    header = s.page.locator("header").inner_text()
    assert "web-judge" in header and "执行法官" in header
    for item in ("搜索", "预警", "路径", "仪表盘"):
        assert item in header
    before = _total(s.page)
    assert before == 11  # the eleven open alerts of the seed stories (expected.json)
    s.shot("inbox")

    # search → party page
    s.go("/web/search")
    s.page.fill("input[name=q]", "张伟")
    s.page.click("form.search button[type=submit]")
    s.page.wait_for_load_state("load")
    s.shot("search")
    s.page.click("[data-testid=search-results] a:text-is('张伟')")
    s.page.wait_for_load_state("load")
    assert s.page.locator("[data-testid=party-name]").inner_text() == "张伟"
    frame = _settled_frame(s.page, "#network-view")
    expected = len(party_network(served.graph, H.ZHANG_WEI, 2, None, 100, 300).subgraph.nodes)
    drawn = frame.evaluate("() => [debtgraphView.nodes.length, debtgraphView.edges.length]")
    assert drawn[0] == expected and expected >= 4
    assert frame.evaluate("() => debtgraphView.nodes.get().some(n => n.label && n.label.includes('张强'))")
    s.shot("party")

    # depth 1 over siblings only: 张伟 and 张强
    s.page.select_option("select[name=depth]", "1")
    s.page.check("input[name=types][value=SIBLING_OF]")
    s.page.click("text=更新网络")
    s.page.wait_for_load_state("load")
    frame = _settled_frame(s.page, "#network-view")
    assert frame.evaluate("() => debtgraphView.nodes.length") == 2

    # the case and its alert: acknowledge, then dismiss with a reason
    s.go(f"/web/alerts/{quote(H.HIDDEN, safe='')}")
    _settled_frame(s.page, "#evidence-view")
    s.shot("alert")
    s.page.fill("textarea[name=reason]", "已阅，核查债权情况")
    s.page.click("button[value=acknowledged]")
    s.page.wait_for_load_state("load")
    assert "已查看" in s.page.locator("[data-testid=alert-status]").inner_text()
    s.page.fill("textarea[name=reason]", "该债权已于他案中执行完毕，不再构成隐匿财产")
    s.page.click("button[value=dismissed]")
    s.page.wait_for_load_state("load")
    assert "已排除" in s.page.locator("[data-testid=alert-status]").inner_text()
    assert "不再构成隐匿财产" in s.page.locator("[data-testid=alert-events]").inner_text()
    alert, _ = get_alert(served.graph, H.HIDDEN)
    assert alert["status"] == "dismissed" and alert["events"][-1]["actor"] == "web-judge"

    s.go("/web/alerts")
    assert _total(s.page) == before - 1

    s.go(f"/web/cases/{quote(H.ZHANG_WEI_CASE, safe='')}")
    s.page.click("text=查看证据关系图 >> nth=0")
    _settled_frame(s.page, "details[open] iframe.graph")
    s.shot("case")

    s.go("/web/dashboard")
    assert s.page.locator("svg.debtgraph-chart").count() == 5
    s.shot("dashboard")

    s.go("/web/paths?a=" + quote("张伟") + "&b=" + quote("上海锦程物流有限公司"))
    assert s.page.locator("[data-testid=paths] li").count() >= 1
    _settled_frame(s.page, "#paths-view")
    s.shot("paths")

    assert s.refused == [] and all(u.startswith(served.base) or u.startswith(LOCAL_SCHEMES) for u in s.requests)
    assert s.dialogs == [] and s.errors == [], (s.dialogs, s.errors)


def test_investigator_runs_a_saved_query_and_the_console(open_session: Any, served: Served) -> None:
    s: Session = open_session("investigator")
    s.go("/web/queries")
    assert "查询" in s.page.locator("header").inner_text()
    s.shot("queries")
    s.go("/web/queries/party_network")
    assert s.page.locator("input[name=depth]").get_attribute("type") == "number"
    s.page.fill("input[name=uid]", H.ZHANG_WEI)
    s.page.fill("input[name=depth]", "1")
    s.page.click("[data-testid=query-form] button[type=submit]")
    s.page.wait_for_load_state("load")
    assert s.page.locator("table.result tbody tr").count() >= 1
    frame = _settled_frame(s.page, "iframe.graph")
    assert frame.evaluate("() => debtgraphView.nodes.length") >= 2
    s.shot("query")
    s.go("/web/console")
    s.page.fill("textarea[name=text]", "MATCH (p:Party)-[r:SIBLING_OF]-(q:Party) RETURN p, r, q")
    s.page.click("button:text-is('运行')")
    s.page.wait_for_load_state("load")
    assert s.page.locator("table.result tbody tr").count() >= 1
    s.shot("console")
    s.page.fill("textarea[name=text]", "MATCH (p:Party) DETACH DELETE p")
    s.page.click("button:text-is('运行')")
    s.page.wait_for_load_state("load")
    assert "已拒绝" in s.page.locator(".error-box").inner_text()
    assert s.refused == [] and s.dialogs == []


def test_markup_in_a_party_name_shows_as_text_and_runs_nothing(open_session: Any, served: Served) -> None:
    s: Session = open_session("judge")
    s.go("/web/search?q=img")
    cell = s.page.locator("[data-testid=search-results] a").first
    assert cell.inner_text() == H.XSS_NAME
    cell.click()
    s.page.wait_for_load_state("load")
    assert s.page.locator("[data-testid=party-name]").inner_text() == H.XSS_NAME
    frame = _settled_frame(s.page, "#network-view")
    labels = frame.evaluate("() => debtgraphView.nodes.get().map(n => n.label || '')")
    assert any("<img" in label for label in labels)  # drawn on the canvas as text
    s.page.wait_for_timeout(300)
    assert s.page.locator("img[src=x]").count() == 0 and frame.locator("img[src=x]").count() == 0
    assert s.dialogs == [] and s.refused == []
    s.shot("xss_party")
    assert not any(re.search(r"/x$", u) for u in s.requests)  # the <img src=x> never loaded
