"""The security office's findings (issue #15), each against the real server.

Expectations are written from docs/api.md: keys and the audit trail live outside the graph, so no console
statement can read them; one oversized request never fails other people's requests; the audit's client
address comes from X-Forwarded-For only behind a trusted proxy; a request without a key learns nothing
about its body; the trail is hash-chained and `debtgraph audit verify` says when it was tampered with.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import api_helpers
import pytest
from api_helpers import Api
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import auth
from api.cli import app as cli
from api.security_store import SecurityStore, move_from_graph
from graph_model.db import Graph

api = api_helpers.api
runner = CliRunner()


def _console(api: Api, cypher: str) -> dict:
    res = api.post("/api/v1/console", role="investigator", json={"cypher": cypher})
    assert res.status_code == 200, res.text  # type: ignore[attr-defined]
    return res.json()  # type: ignore[attr-defined]


def test_no_console_statement_reaches_key_hashes_or_the_audit_trail(api: Api) -> None:
    api_helpers.build_story(api.graph)
    api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge")  # something in the trail to look for
    hashes = [auth.hash_key(k) for k in api.keys.values()]
    scans = [
        "MATCH (n) RETURN n",
        "MATCH (n) RETURN collect(properties(n)) AS everything",
        "MATCH (n) WHERE n.key_hash IS NOT NULL OR n.actor IS NOT NULL RETURN n",
        "CALL db.labels() YIELD label RETURN collect(label) AS labels",
        "CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS keys",
    ]
    for cypher in scans:
        text = json.dumps(_console(api, cypher), ensure_ascii=False)
        assert not any(h in text for h in hashes), cypher
        assert "test-judge" not in text and "party.read" not in text, cypher
    labels = _console(api, "CALL db.labels() YIELD label RETURN collect(label) AS labels")["rows"][0]["labels"]
    assert "ApiKey" not in labels and "AuditEvent" not in labels
    # ... while the trail has the read, in the store
    assert [e["target"] for e in api.store.events(action="party.read")] == [api_helpers.ZS]


def test_an_oversized_id_is_refused_and_unrelated_requests_all_succeed(api: Api) -> None:
    api_helpers.build_story(api.graph)
    case_url = "/api/v1/cases/" + quote(api_helpers.ENF, safe="") + "/alerts"
    huge = "x" * 8200

    def call(i: int) -> tuple[str, int]:
        if i == 150:
            return "huge", api.get(f"/api/v1/parties/{huge}", role="judge").status_code  # type: ignore[attr-defined]
        return "case", api.get(case_url, role="case_system").status_code  # type: ignore[attr-defined]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(call, range(300)))
    assert ("huge", 422) in answers
    assert [code for kind, code in answers if kind == "case"] == [200] * 299
    for path in (f"/api/v1/cases/{huge}", f"/api/v1/parties/{huge}/network", f"/api/v1/alerts/hidden_receivable:{huge}",
                 f"/web/parties/{huge}"):
        assert api.get(path, role="admin").status_code == 422, path  # type: ignore[attr-defined]
    assert len(api.store.events(action="case.alerts", limit=1000)) == 299


def test_a_9000_character_source_is_refused_and_audited_in_bounds(api: Api, tmp_path: Path) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("parties.csv", "party_id,name\n1,张三\n")
    res = api.client.post("/api/v1/loads", headers=api.headers("admin"), data={"source": "s" * 9000},
                          files={"file": ("e.zip", buf.getvalue(), "application/zip")})
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "source"
    (event,) = api.store.events(action="load")
    assert len(event["target"]) < 400 and event["target"].endswith("[9000 characters]")
    assert api.get("/api/v1/me", role="case_system").status_code == 200  # type: ignore[attr-defined]


def _client_seen(made: Api, peer: str, forwarded: str | None) -> str | None:
    """The client address the audit trail records for one read from `peer` claiming `forwarded`."""
    headers = {**made.headers("judge"), **({"X-Forwarded-For": forwarded} if forwarded else {})}
    with TestClient(made.app, client=(peer, 40000)) as client:
        assert client.get(f"/api/v1/parties/{api_helpers.ZS}", headers=headers).status_code == 200
    return made.store.events(action="party.read", limit=1)[0]["client"]


def test_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(graph: Graph, tmp_path: Path) -> None:
    api_helpers.build_story(graph)
    plain = api_helpers.make_api(graph, tmp_path / "a")  # DEBTGRAPH_TRUSTED_PROXIES empty: believe nobody
    assert _client_seen(plain, "192.0.2.10", "203.0.113.66") == "192.0.2.10"

    proxied = api_helpers.make_api(graph, tmp_path / "b", debtgraph_trusted_proxies="10.0.0.0/8, 192.0.2.1")
    # from the proxy: the right-most address it appended; a client's own prefix is ignored
    assert _client_seen(proxied, "192.0.2.1", "203.0.113.66, 198.51.100.7") == "198.51.100.7"
    # through two trusted hops: the first address that is not a proxy
    assert _client_seen(proxied, "10.1.2.3", "198.51.100.8, 192.0.2.1") == "198.51.100.8"
    # not from a proxy: the header is the client's own claim
    assert _client_seen(proxied, "192.0.2.99", "198.51.100.9") == "192.0.2.99"
    # garbage behind a proxy: the proxy's address, never the garbage
    assert _client_seen(proxied, "192.0.2.1", "not-an-ip") == "192.0.2.1"


def test_a_request_without_a_key_gets_401_before_its_body_is_read(api: Api) -> None:
    for path in ("/api/v1/console", "/api/v1/alerts/x:y/status", "/api/v1/keys", "/api/v1/queries/party_search/run"):
        res = api.client.post(path, content=b"{not json", headers={"Content-Type": "application/json"})
        assert res.status_code == 401, (path, res.status_code, res.text)
        wrong = api.client.post(path, content=b"{not json", headers={"Content-Type": "application/json",
                                                                      "X-API-Key": "dg_wrong"})
        assert wrong.status_code == 401, path
    # with a key the same body is a 422 naming the problem
    keyed = api.client.post("/api/v1/console", content=b"{not json",
                            headers={**api.headers("investigator"), "Content-Type": "application/json"})
    assert keyed.status_code == 422


@pytest.mark.parametrize("since", ["-8.3e-07", "1700000000", "yesterday", "2024-13-01"])
def test_audit_times_are_iso_dates_only(api: Api, since: str) -> None:
    for path in (f"/api/v1/audit?since={since}", f"/api/v1/audit/export?since={since}"):
        res = api.get(path)
        assert res.status_code == 422 and res.json()["errors"][0]["field"] == "since", (path, res.text)  # type: ignore[attr-defined]
    assert api.get("/api/v1/audit?since=2024-06-28T08:00:00%2B08:00").status_code == 200  # type: ignore[attr-defined]


def test_the_web_inbox_and_dashboard_are_audited(api: Api) -> None:
    api_helpers.build_story(api.graph)
    html = {**api.headers("judge"), "Accept": "text/html"}
    assert api.client.get("/web/alerts?detector=hidden_receivable", headers=html).status_code == 200
    assert api.client.get("/web/dashboard", headers=html).status_code == 200
    (inbox,) = api.store.events(action="alert.list")
    assert inbox["actor"] == "test-judge" and json.loads(inbox["params"])["detector"] == "hidden_receivable"
    assert [e["actor"] for e in api.store.events(action="dashboard.read")] == ["test-judge"]


def test_audit_verify_passes_an_intact_trail_and_names_the_first_tampered_event(store: SecurityStore) -> None:
    for i in range(4):
        assert runner.invoke(cli, ["keys", "create", "--role", "judge", "--name", f"judge-{i}"]).exit_code == 0
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 4 events" in ok.stdout
    head = ok.stdout.strip().rsplit(" ", 1)[1]  # SEQ:HASH of event 4
    assert head.startswith("4:")
    # with the anchor noted: still intact (the verify itself was appended as event 5)
    assert runner.invoke(cli, ["audit", "verify", "--anchor", head]).exit_code == 0
    store.con.execute("DROP TRIGGER audit_events_no_update")
    store.con.execute("UPDATE audit_events SET target = 'judge-x' WHERE seq = 3")
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN at event 3" in broken.output
    assert runner.invoke(cli, ["audit", "verify", "--anchor", "four"]).exit_code == 2


def test_an_anchor_detects_events_cut_from_the_end(store: SecurityStore) -> None:
    from api import audit

    for i in range(3):
        audit.record(store, actor="a", role="admin", action="test", target=str(i))
    noted = store.verify()
    assert noted.ok and noted.events == 3
    store.con.execute("DROP TRIGGER audit_events_no_delete")
    store.con.execute("DELETE FROM audit_events WHERE seq = 3")
    assert store.verify().ok  # without an anchor a cut end looks like a shorter trail …
    cut = store.verify((noted.head_seq, noted.head_hash))
    assert not cut.ok and "removed" in (cut.problem or "")  # … the anchor shows it


def test_keys_and_events_an_older_version_kept_in_the_graph_are_moved_out(graph: Graph, store: SecurityStore) -> None:
    key = "dg_legacy-key-of-judge-wang"
    graph.write("CREATE (:ApiKey {key_hash: $h, name: 'judge-wang', role: 'judge', created_at: datetime($t), "
                "revoked: false}) "
                "CREATE (:AuditEvent {uid: 'e1', at: datetime($t), actor: 'judge-wang', role: 'judge', "
                "action: 'party.read', target: 'id:1', params: '{}', client: '10.0.0.1'})",
                {"h": auth.hash_key(key), "t": dt.datetime(2024, 1, 2, tzinfo=dt.UTC)})
    assert move_from_graph(graph, store) == (1, 1)
    assert auth.authenticate(store, key) is not None  # the key still works, from the store
    (event,) = store.events(action="party.read")
    assert (event["uid"], event["actor"], event["at"][:10]) == ("e1", "judge-wang", "2024-01-02")
    assert graph.read("MATCH (n) WHERE n:ApiKey OR n:AuditEvent RETURN count(n) AS n")[0]["n"] == 0
    assert move_from_graph(graph, store) == (0, 0) and store.verify().ok


def test_a_login_expires_after_the_session_hours(graph: Graph, tmp_path: Path) -> None:
    import time

    made = api_helpers.make_api(graph, tmp_path, debtgraph_session_hours=1 / 3600)  # one second
    with made.client as client:
        assert client.post("/api/v1/session", headers=made.headers("judge")).status_code == 200
        assert client.get("/api/v1/me").json()["name"] == "test-judge"  # the cookie alone
        time.sleep(2.2)  # cookies are stamped in whole seconds: 2 s old is past a 1 s session
        assert client.get("/api/v1/me").status_code == 401
        page = client.get("/web/alerts", headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/web/login")


def test_the_security_store_is_readable_by_its_owner_only(store: SecurityStore) -> None:
    import stat

    auth.create_key(store, "judge-wang", "judge")  # a write: the WAL exists now
    files = sorted(store.path.parent.glob(store.path.name + "*"))
    assert {f.name for f in files} >= {store.path.name, store.path.name + "-wal"}
    assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {f.name: "0o600" for f in files}


def _append_from_another_process(path: str, who: str, n: int) -> None:
    from api import audit as audit_lib
    from api.security_store import SecurityStore as Store

    store = Store(Path(path))
    writer = audit_lib.AuditWriter(store, window=0.001, max_batch=7)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: writer.record(actor=who, role="judge", action="party.read", target=str(i)), range(n)))
    writer.close()


def test_api_processes_sharing_the_store_keep_one_unbroken_chain(store: SecurityStore) -> None:
    """`serve --workers N` and the CLI append to one file: SQLite's write lock keeps one chain, no gaps."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_from_another_process, args=(str(store.path), f"worker-{w}", 150))
             for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    check = store.verify()
    assert check.ok and check.events == 450
    per_worker = Counter(e["actor"] for e in store.events(limit=1000))
    assert per_worker == {"worker-0": 150, "worker-1": 150, "worker-2": 150}
