"""The cheap request path: audit group commit and the per-process key cache, without weakening either guarantee.

Every read is audited before its data leaves (the request waits for its own event's commit, and fails when
that commit fails); a key revoked through this process stops working at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import api_helpers
import pytest
from api_helpers import Api
from fastapi.testclient import TestClient

from api import auth
from api.audit import AuditWriter
from api.http import create_app
from api.http.app import api_graph
from graph_model.db import Graph
from queries.statements import statement

api = api_helpers.api


def _events(graph: Graph, action: str) -> list[dict[str, object]]:
    return graph.read("MATCH (e:AuditEvent {action: $action}) RETURN e.uid AS uid, e.target AS target, "
                      "e.actor AS actor", {"action": action})


# -- audit group commit ----------------------------------------------------------------------------------
def test_concurrent_writers_share_commits_and_every_event_is_committed_before_record_returns(graph: Graph) -> None:
    writer = AuditWriter(graph, window=0.02, max_batch=64)
    barrier = threading.Barrier(24)
    returned: list[tuple[str, bool]] = []

    def one(i: int) -> None:
        barrier.wait()
        uid = writer.record(actor=f"judge-{i}", role="judge", action="test.group", target=str(i))
        # the event is in the graph by the time record() returns, not merely queued
        seen = graph.read("MATCH (e:AuditEvent {uid: $uid}) RETURN count(e) AS n", {"uid": uid})[0]["n"] == 1
        returned.append((uid, seen))

    with ThreadPoolExecutor(24) as pool:
        list(pool.map(one, range(24)))
    writer.close()
    assert len(returned) == 24 and all(seen for _, seen in returned)
    stored = _events(graph, "test.group")
    assert sorted(e["uid"] for e in stored) == sorted(uid for uid, _ in returned)
    assert sorted(int(e["target"]) for e in stored) == list(range(24))  # type: ignore[arg-type]
    assert writer.events == 24 and writer.commits < 24  # the commits were shared


def test_close_commits_what_is_pending_and_later_events_are_still_written(graph: Graph) -> None:
    writer = AuditWriter(graph, window=0.5, max_batch=1000)  # a long window: close() must not wait it out
    done: list[str] = []
    threads = [threading.Thread(target=lambda i=i: done.append(
        writer.record(actor="a", role="admin", action="test.close", target=str(i)))) for i in range(5)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    started = time.monotonic()
    writer.close()
    for t in threads:
        t.join(10)
    assert len(done) == 5 and time.monotonic() - started < 5
    writer.record(actor="a", role="admin", action="test.close", target="late")  # after shutdown: written alone
    assert len(_events(graph, "test.close")) == 6


def test_concurrent_api_requests_all_get_their_audit_rows(api: Api) -> None:
    api_helpers.build_story(api.graph)
    writer = api.app.state.audit_writer
    commits_before, events_before = writer.commits, writer.events
    url = "/api/v1/cases/" + api_helpers.ENF.replace("(", "%28").replace(")", "%29") + "/alerts"

    def call(_: int) -> int:
        return api.get(url, role="case_system").status_code  # type: ignore[attr-defined]

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(call, range(40)))
    assert statuses == [200] * 40
    rows = _events(api.graph, "case.alerts")
    assert len(rows) == 40 and {r["target"] for r in rows} == {api_helpers.ENF}
    assert {r["actor"] for r in rows} == {"test-case_system"}
    assert writer.events - events_before == 40
    assert writer.commits - commits_before <= 40


def test_a_failing_audit_write_fails_the_request_and_returns_no_data(api: Api, tmp_path: Path) -> None:
    api_helpers.build_story(api.graph)
    # the audit trail's database unreachable (the key check still works): nothing may be answered
    unreachable = api.graph.settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:9"})
    broken = api_graph(unreachable)
    working = api.app.state.audit_writer
    api.app.state.audit_writer = AuditWriter(broken, window=0.01)
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge"), range(4)))
        for res in answers:
            assert res.status_code == 503, res.text  # type: ignore[attr-defined]
            assert "张三" not in res.text  # type: ignore[attr-defined]
    finally:
        api.app.state.audit_writer.close()
        api.app.state.audit_writer = working
        broken.close()
    assert _events(api.graph, "party.read") == []
    assert api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge").status_code == 200  # type: ignore[attr-defined]
    assert len(_events(api.graph, "party.read")) == 1


# -- the key cache -----------------------------------------------------------------------------------------
@pytest.fixture
def cached_api(graph: Graph, tmp_path: Path) -> Iterator[Api]:
    """The app with a key cache long enough that only revocation (or its absence) decides."""
    settings = graph.settings.model_copy(update={"debtgraph_data_dir": tmp_path, "debtgraph_key_cache_seconds": 60.0})
    app = create_app(settings, graph=graph)
    keys = {role: auth.create_key(graph, f"cache-{role}", role)[0] for role in ("judge", "admin")}
    made = Api(app, TestClient(app), graph, keys)
    with made.client:
        yield made


def test_revoking_through_this_process_ends_the_cached_key_at_once(cached_api: Api) -> None:
    judge = {"X-API-Key": cached_api.keys["judge"]}
    assert cached_api.client.get("/api/v1/me", headers=judge).status_code == 200  # now cached
    assert cached_api.post("/api/v1/keys/cache-judge/revoke").status_code == 200  # type: ignore[attr-defined]
    assert cached_api.client.get("/api/v1/me", headers=judge).status_code == 401


def test_a_key_revoked_elsewhere_lasts_at_most_the_cache_time(graph: Graph, tmp_path: Path) -> None:
    settings = graph.settings.model_copy(update={"debtgraph_data_dir": tmp_path, "debtgraph_key_cache_seconds": 1.0})
    key, _ = auth.create_key(graph, "elsewhere-judge", "judge")
    with TestClient(create_app(settings, graph=graph)) as client:
        headers = {"X-API-Key": key}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        # another process (`debtgraph keys revoke`, another worker) revokes: this one has not heard of it
        graph.write(statement("internal/keys/revoke"), {"name": "elsewhere-judge"})
        assert client.get("/api/v1/me", headers=headers).status_code == 200  # the documented lag
        time.sleep(1.2)
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cache_time_zero_checks_the_graph_on_every_request(graph: Graph, tmp_path: Path) -> None:
    settings = graph.settings.model_copy(update={"debtgraph_data_dir": tmp_path, "debtgraph_key_cache_seconds": 0.0})
    key, _ = auth.create_key(graph, "uncached-judge", "judge")
    with TestClient(create_app(settings, graph=graph)) as client:
        headers = {"X-API-Key": key}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        graph.write(statement("internal/keys/revoke"), {"name": "uncached-judge"})
        assert client.get("/api/v1/me", headers=headers).status_code == 401

