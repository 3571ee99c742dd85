"""The cheap request path: audit group commit and the per-process key cache, without weakening either guarantee.

Every read is audited before its data leaves (the request waits for its own event's commit, and fails when
that commit fails); a key revoked through this process stops working at once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import api_helpers
import pytest
from api_helpers import Api

from api.audit import AuditWriter, event_row
from api.security_store import SecurityStore
from graph_model.db import Graph

api = api_helpers.api


def _events(store: SecurityStore, action: str) -> list[dict[str, object]]:
    return store.events(action=action, limit=10_000)


# -- audit group commit ----------------------------------------------------------------------------------
def test_concurrent_writers_share_commits_and_every_event_is_committed_before_record_returns(
        store: SecurityStore) -> None:
    writer = AuditWriter(store, window=0.05, max_batch=64)
    barrier = threading.Barrier(24)
    returned: list[tuple[str, bool]] = []

    def one(i: int) -> None:
        barrier.wait()
        uid = writer.record(actor=f"judge-{i}", role="judge", action="test.group", target=str(i))
        # the event is in the store by the time record() returns, not merely queued
        seen = store.con.execute("SELECT count(*) FROM audit_events WHERE uid = ?", (uid,)).fetchone()[0] == 1
        returned.append((uid, seen))

    with ThreadPoolExecutor(24) as pool:
        list(pool.map(one, range(24)))
    writer.close()
    assert len(returned) == 24 and all(seen for _, seen in returned)
    stored = _events(store, "test.group")
    assert sorted(e["uid"] for e in stored) == sorted(uid for uid, _ in returned)  # type: ignore[type-var]
    assert sorted(int(e["target"]) for e in stored) == list(range(24))  # type: ignore[arg-type]
    assert writer.events == 24 and writer.commits < 24  # the commits were shared


def test_close_commits_what_is_pending_and_later_events_are_still_written(store: SecurityStore) -> None:
    writer = AuditWriter(store, window=0.5, max_batch=1000)  # a long window: close() must not wait it out
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
    assert len(_events(store, "test.close")) == 6


def test_an_event_that_cannot_be_written_fails_only_its_own_request(store: SecurityStore) -> None:
    """One bad event in a shared commit: the batch is retried event by event, the others are written."""
    writer = AuditWriter(store, window=0.2, max_batch=100)
    unwritable = event_row(actor="judge-x", role="judge", action="test.bad", target="t")
    unwritable["target"] = "\ud800"  # a lone surrogate: SQLite cannot encode it (event_row would have replaced it)
    barrier = threading.Barrier(11)
    outcomes: dict[str, str] = {}

    def good(i: int) -> None:
        barrier.wait()
        writer.record(actor=f"judge-{i}", role="judge", action="test.good", target=str(i))
        outcomes[str(i)] = "written"

    def bad() -> None:
        barrier.wait()
        try:
            writer.record_row(unwritable)
            outcomes["bad"] = "written"
        except Exception as exc:  # noqa: BLE001 - what the request would see
            outcomes["bad"] = type(exc).__name__

    with ThreadPoolExecutor(11) as pool:
        futures = [pool.submit(good, i) for i in range(10)] + [pool.submit(bad)]
        for f in futures:
            f.result(30)
    writer.close()
    assert outcomes.pop("bad") == "UnicodeEncodeError"
    assert outcomes == {str(i): "written" for i in range(10)}
    assert sorted(int(e["target"]) for e in _events(store, "test.good")) == list(range(10))  # type: ignore[arg-type]
    (failure,) = _events(store, "audit.write_failed")  # the trail says an event was lost, and whose
    assert '"judge-x"' in str(failure["params"]) and '"test.bad"' in str(failure["params"])
    assert store.verify().ok


def test_concurrent_api_requests_all_get_their_audit_rows(graph: Graph, tmp_path: Path) -> None:
    made = api_helpers.make_api(graph, tmp_path, debtgraph_audit_commit_ms=50.0)
    api_helpers.build_story(graph)
    with made.client:
        writer = made.app.state.audit_writer
        commits_before, events_before = writer.commits, writer.events
        url = "/api/v1/cases/" + api_helpers.ENF.replace("(", "%28").replace(")", "%29") + "/alerts"

        def call(_: int) -> int:
            return made.get(url, role="case_system").status_code  # type: ignore[attr-defined]

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(call, range(40)))
    assert statuses == [200] * 40
    rows = _events(made.store, "case.alerts")
    assert len(rows) == 40 and {r["target"] for r in rows} == {api_helpers.ENF}
    assert {r["actor"] for r in rows} == {"test-case_system"}
    assert writer.events - events_before == 40
    assert writer.commits - commits_before < 40  # 16 requests in flight within a 50 ms window share commits


def test_a_failing_audit_write_fails_the_request_and_returns_no_data(api: Api) -> None:
    api_helpers.build_story(api.graph)
    # another process holds the store's write lock past this writer's patience: nothing may be answered
    impatient = SecurityStore(api.store.path, busy_timeout_ms=200)
    working = api.app.state.audit_writer
    api.app.state.audit_writer = AuditWriter(impatient, window=0.01)
    holder = sqlite3.connect(api.store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge"), range(4)))
        for res in answers:
            assert res.status_code == 503, res.text  # type: ignore[attr-defined]
            assert "张三" not in res.text  # type: ignore[attr-defined]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        api.app.state.audit_writer.close()
        api.app.state.audit_writer = working
    assert _events(api.store, "party.read") == []
    assert api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge").status_code == 200  # type: ignore[attr-defined]
    assert len(_events(api.store, "party.read")) == 1


# -- the key cache -----------------------------------------------------------------------------------------
@pytest.fixture
def cached_api(graph: Graph, tmp_path: Path) -> Iterator[Api]:
    """The app with a key cache long enough that only revocation (or its absence) decides."""
    made = api_helpers.make_api(graph, tmp_path, debtgraph_key_cache_seconds=60.0)
    with made.client:
        yield made


def test_revoking_through_this_process_ends_the_cached_key_at_once(cached_api: Api) -> None:
    judge = {"X-API-Key": cached_api.keys["judge"]}
    assert cached_api.client.get("/api/v1/me", headers=judge).status_code == 200  # now cached
    assert cached_api.post("/api/v1/keys/test-judge/revoke").status_code == 200  # type: ignore[attr-defined]
    assert cached_api.client.get("/api/v1/me", headers=judge).status_code == 401


def test_a_key_revoked_elsewhere_lasts_at_most_the_cache_time(graph: Graph, tmp_path: Path) -> None:
    made = api_helpers.make_api(graph, tmp_path, debtgraph_key_cache_seconds=3.0)
    with made.client as client:
        headers = {"X-API-Key": made.keys["judge"]}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        cached_at = time.monotonic()
        # another process (`debtgraph keys revoke`, another worker) revokes in the shared store: this one
        # has not heard of it (its cache is not cleared, unlike a revocation through auth.revoke_key here)
        made.store.revoke_key("test-judge", dt.datetime.now(dt.UTC))
        still = client.get("/api/v1/me", headers=headers).status_code
        if time.monotonic() - cached_at < 2.5:  # the documented lag (skipped only on a machine stalled for 2.5 s)
            assert still == 200
        time.sleep(max(0.0, 3.2 - (time.monotonic() - cached_at)))
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cache_time_zero_checks_the_store_on_every_request(graph: Graph, tmp_path: Path) -> None:
    made = api_helpers.make_api(graph, tmp_path, debtgraph_key_cache_seconds=0.0)
    with made.client as client:
        headers = {"X-API-Key": made.keys["judge"]}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        made.store.revoke_key("test-judge", dt.datetime.now(dt.UTC))
        assert client.get("/api/v1/me", headers=headers).status_code == 401

