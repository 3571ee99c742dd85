"""The HTTP API's core: authentication on every route, roles, problem details, keys, audit, console, queries."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from typing import Any

import api_helpers
import pytest
from fastapi.routing import APIRoute
from neo4j.exceptions import ClientError
from starlette.routing import Route

from api import auth
from api.console import ConsoleRefused, execute_read_only, static_check
from api.http.security import Require
from graph_model.db import Graph

api = api_helpers.api
Api = api_helpers.Api
PUBLIC_PATHS = {"/", "/health", "/health/ready", "/web/login"}  # "/" only redirects; the login form asks for the key


def _routes(app: Any) -> list[tuple[str, set[str], Any]]:
    """(path, methods, original route) of every route the app serves, included routers flattened."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers were kept nested
        return [(r.path, set(r.methods or ()), r) for r in app.routes if isinstance(r, Route)]
    return [(c.path, set(c.methods or ()), c.original_route) for c in iter_route_contexts(app.routes)]


def _requirements(route: Any) -> list[str]:
    """The permissions a route's dependency tree requires (Require instances anywhere in it)."""
    found: list[str] = []
    stack = [route.dependant] if isinstance(route, APIRoute) else []
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Require):
            found.append(dep.call.permission)
        stack.extend(dep.dependencies)
    return found


def _route_table(app: Any) -> list[tuple[str, str, str | None]]:
    """(method, path with dummy parameters, permission) for every route of the app."""
    table = []
    for path, methods, route in _routes(app):
        perms = _requirements(route)
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            table.append((method, re.sub(r"\{[^}]+\}", "x", path), perms[0] if perms else None))
    return table


def test_every_route_but_health_declares_exactly_one_permission(api: Api) -> None:
    routes = _routes(api.app)
    assert len(routes) > 20 and {p for p, _, _ in routes} >= PUBLIC_PATHS
    for path, _, route in routes:
        perms = _requirements(route)
        if path in PUBLIC_PATHS:
            assert perms == [], path
        else:
            assert len(perms) == 1, f"{path} must declare one require(...) permission, has {perms}"
            assert perms[0] in auth.PERMISSIONS


def test_no_route_answers_without_a_valid_key(api: Api) -> None:
    table = _route_table(api.app)
    assert len(table) > 20
    for method, path, perm in table:
        if perm is None:
            continue
        for headers in ({}, {"X-API-Key": "dg_not-a-key"}, {"Authorization": "Bearer dg_wrong"}):
            res = api.client.request(method, path, headers=headers)
            assert res.status_code == 401, (method, path, headers, res.status_code, res.text)
            assert res.headers["content-type"].startswith("application/problem+json")
            assert res.json()["status"] == 401


def test_bearer_token_and_revoked_key(api: Api) -> None:
    judge = api.keys["judge"]
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {judge}"}).json()["role"] == "judge"
    api.post("/api/v1/keys/test-judge/revoke")
    assert api.client.get("/api/v1/me", headers={"X-API-Key": judge}).status_code == 401


def test_session_cookie_stands_for_the_key_until_it_is_revoked(api: Api) -> None:
    res = api.post("/api/v1/session", role="judge")
    assert res.status_code == 200
    cookie = res.cookies.get("debtgraph_session")
    assert cookie and api.keys["judge"] not in cookie
    api.client.cookies.clear()
    anon = api.client
    assert anon.get("/api/v1/me", cookies={"debtgraph_session": cookie}).json()["name"] == "test-judge"
    assert anon.get("/api/v1/me", cookies={"debtgraph_session": cookie + "x"}).status_code == 401
    api.post("/api/v1/keys/test-judge/revoke")
    assert anon.get("/api/v1/me", cookies={"debtgraph_session": cookie}).status_code == 401


def test_health_needs_no_key_and_version_names_neo4j(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    assert api.client.get("/health/ready").json() == {"status": "ok", "neo4j": "up"}
    version = api.get("/api/v1/version", role="case_system").json()
    assert version["neo4j"]["version"].startswith("5.")
    assert version["neo4j"]["edition"] == "community"
    assert version["debtgraph"]


def test_the_bare_root_sends_a_browser_to_the_pages_and_reveals_nothing(api: Api) -> None:
    response = api.client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/web/"
    assert response.content == b""


def test_openapi_needs_a_key_and_documents_every_route(api: Api) -> None:
    assert api.client.get("/openapi.json").status_code == 401
    doc = api.get("/openapi.json", role="judge").json()
    paths = doc["paths"]
    for needed in ("/api/v1/parties", "/api/v1/parties/{uid}/network", "/api/v1/parties/{uid}/assets",
                   "/api/v1/cases/{case_no}", "/api/v1/console", "/api/v1/queries/{name}/run", "/api/v1/audit",
                   "/api/v1/keys", "/health"):
        assert needed in paths
    assert "X-API-Key" in json.dumps(doc["components"]["securitySchemes"])
    problem = paths["/api/v1/parties/{uid}"]["get"]["responses"]["404"]["content"]
    assert "application/problem+json" in problem


def test_problem_details_for_404_422_and_unknown_paths(api: Api) -> None:
    res = api.get("/api/v1/parties/id:nobody")
    assert res.status_code == 404
    assert res.headers["content-type"].startswith("application/problem+json")
    body = res.json()
    assert body["status"] == 404 and body["title"] == "Not Found" and "id:nobody" in body["detail"]
    assert body["type"].startswith("urn:debtgraph:problem:")

    res = api.get("/api/v1/parties/x/network?depth=4")
    assert res.status_code == 422
    assert [e["field"] for e in res.json()["errors"]] == ["depth"]
    res = api.get("/api/v1/parties?name=a&page_size=201")
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "page_size"
    res = api.get("/api/v1/parties/x/paths/y?max_hops=7")
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "max_hops"
    res = api.get("/api/v1/parties")
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "name"
    assert api.get("/api/v1/nothing-here").json()["status"] == 404


# -- keys and audit ------------------------------------------------------------------------------------
def test_keys_created_once_listed_without_hashes_and_revoked(api: Api) -> None:
    res = api.post("/api/v1/keys", json={"name": "judge-wang", "role": "judge"})
    assert res.status_code == 201
    created = res.json()
    key = created["key"]
    assert key.startswith("dg_") and len(key) > 40 and created["role"] == "judge"
    stored = dict(api.store.con.execute("SELECT * FROM api_keys WHERE name = 'judge-wang'").fetchone())
    assert key not in json.dumps(stored, default=str) and stored["key_hash"] == auth.hash_key(key)
    assert api.client.get("/api/v1/me", headers={"X-API-Key": key}).json()["role"] == "judge"

    listed = api.get("/api/v1/keys").json()
    assert {"judge-wang", "test-admin"} <= {k["name"] for k in listed}
    assert "key_hash" not in json.dumps(listed) and key not in json.dumps(listed)

    assert api.post("/api/v1/keys", json={"name": "judge-wang", "role": "judge"}).status_code == 409
    bad = api.post("/api/v1/keys", json={"name": "x", "role": "superuser"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "role"

    assert api.post("/api/v1/keys/judge-wang/revoke").json()["revoked"] is True
    assert api.client.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401
    assert api.post("/api/v1/keys/nobody/revoke").status_code == 404
    actions = [e["action"] for e in api.get("/api/v1/audit?page_size=200").json()["items"]]
    assert {"key.create", "key.list", "key.revoke"} <= set(actions)


def _audit(api: Api, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return api.get(f"/api/v1/audit?page_size=200&{query}").json()["items"]


def test_audit_records_party_read_query_run_console_run_and_key_creation(api: Api) -> None:
    api_helpers.build_story(api.graph)
    assert api.get(f"/api/v1/parties/{api_helpers.ZS}", role="judge").status_code == 200
    assert api.post("/api/v1/queries/shared_contacts/run", role="investigator",
                    json={"params": {"uid": api_helpers.ZS}}).status_code == 200
    assert api.post("/api/v1/console", role="investigator",
                    json={"cypher": "MATCH (p:Party) RETURN count(p) AS n"}).status_code == 200
    assert api.post("/api/v1/keys", json={"name": "new-key", "role": "case_system"}).status_code == 201
    assert api.get(f"/api/v1/cases/{api_helpers.ENF}", role="case_system").status_code == 200

    read = _audit(api, action="party.read")
    assert len(read) == 1 and read[0]["actor"] == "test-judge" and read[0]["role"] == "judge"
    assert read[0]["target"] == api_helpers.ZS and read[0]["client"] == "testclient"
    run = _audit(api, action="query.run")[0]
    assert run["target"] == "shared_contacts" and json.loads(run["params"]) == {"uid": api_helpers.ZS}
    console = _audit(api, action="console.run")[0]
    assert json.loads(console["params"])["cypher"] == "MATCH (p:Party) RETURN count(p) AS n"
    assert console["actor"] == "test-investigator"
    created = _audit(api, action="key.create")[0]
    assert created["target"] == "new-key" and json.loads(created["params"]) == {"role": "case_system"}
    assert _audit(api, action="case.read", actor="test-case_system")[0]["target"] == api_helpers.ENF
    assert _audit(api, actor="nobody") == []


def test_audit_pages_and_exports(api: Api) -> None:
    for i in range(5):
        api.get(f"/api/v1/parties/id:p{i}", role="judge")
    page1 = api.get("/api/v1/audit?action=party.read&page_size=2").json()
    page3 = api.get("/api/v1/audit?action=party.read&page_size=2&page=3").json()
    assert page1["has_more"] and len(page1["items"]) == 2 and page1["items"][0]["target"] == "id:p4"
    assert not page3["has_more"] and [e["target"] for e in page3["items"]] == ["id:p0"]
    future = api.get("/api/v1/audit?since=2999-01-01T00:00:00").json()
    assert future["items"] == []

    res = api.get("/api/v1/audit/export?format=csv")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert [r["target"] for r in rows if r["action"] == "party.read"] == [f"id:p{i}" for i in range(5)]
    events = [json.loads(line) for line in api.get("/api/v1/audit/export?format=jsonl").text.splitlines()]
    assert [e["target"] for e in events if e["action"] == "party.read"] == [f"id:p{i}" for i in range(5)]
    assert events[-1]["action"] == "audit.export"  # the export itself is audited


def test_the_store_refuses_to_change_or_delete_audit_events_and_verify_finds_tampering(api: Api) -> None:
    for i in range(3):
        api.get(f"/api/v1/parties/id:p{i}", role="judge")
    store = api.store
    for sql in ("UPDATE audit_events SET actor = 'nobody' WHERE seq = 2", "DELETE FROM audit_events WHERE seq = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.con.execute(sql)
    good = store.verify()
    assert good.ok and good.events == 3
    # someone with the file drops the triggers and rewrites an event: the chain breaks at that event
    store.con.execute("DROP TRIGGER audit_events_no_update")
    store.con.execute("UPDATE audit_events SET target = 'id:someone-else' WHERE seq = 2")
    broken = store.verify()
    assert not broken.ok and broken.broken_at == 2 and broken.events == 1


# -- console ---------------------------------------------------------------------------------------------
REFUSED = [
    "CREATE (n:Party {uid: 'x'})",
    "MATCH (p:Party) SET p.name = 'x'",
    "MATCH (p:Party) DETACH DELETE p",
    "MERGE (p:Party {uid: 'x'}) RETURN p",
    "CREATE INDEX evil IF NOT EXISTS FOR (n:Party) ON (n.name)",
    "DROP CONSTRAINT party_uid_key",
    "CALL dbms.components()",
    "CALL dbms.killQueries(['1'])",
    "CALL db.createLabel('X')",
    "CALL db.index.fulltext.drop('party_names')",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "USE system MATCH (n) RETURN n",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    "SHOW USERS",
    "CREATE USER mallory SET PASSWORD 'secret123'",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
    "RETURN dbms.info()",
    "CALL `dbms`.`components`()",
    "CALL `db.createLabel`('X')",
    "call DB.CREATELABEL('X')",
    "MATCH (n) RETURN n /* ; */ ; LOAD /* x */ CSV FROM 'file:///x' AS r RETURN r",
]


def _story_state(graph: Graph) -> list[dict[str, Any]]:
    """Everything in the graph (the audit trail is not in it)."""
    return graph.read("MATCH (n) RETURN count(n) AS nodes, "
                      "collect(DISTINCT labels(n)) AS labels, sum(size(keys(n))) AS props, "
                      "COUNT { ()-[]->() } AS rels")


@pytest.mark.parametrize("cypher", REFUSED)
def test_console_refuses_writes_schema_admin_and_load_csv(api: Api, cypher: str) -> None:
    api_helpers.build_story(api.graph)
    before = _story_state(api.graph)
    res = api.post("/api/v1/console", role="investigator", json={"cypher": cypher})
    assert res.status_code == 403, res.text
    assert res.json()["type"] == "urn:debtgraph:problem:statement-refused"
    assert _story_state(api.graph) == before
    assert api.graph.read("SHOW INDEXES YIELD name WHERE name = 'evil' RETURN name") == []


def test_console_runs_reads_with_a_row_limit_and_graph(api: Api) -> None:
    api_helpers.build_story(api.graph)
    res = api.post("/api/v1/console", role="investigator", json={
        "cypher": "MATCH (p:Party {uid: $uid})-[r:SHAREHOLDER_OF]->(c) RETURN p.name AS name, r, c // ;comment",
        "params": {"uid": api_helpers.ZS}})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["columns"] == ["name", "r", "c"] and body["rows"][0]["name"] == "张三"
    assert body["rows"][0]["r"]["type"] == "SHAREHOLDER_OF" and body["graph"]["relationships"]
    allowed = api.post("/api/v1/console", role="investigator", json={"cypher": "CALL db.labels() YIELD label RETURN label"})
    assert allowed.status_code == 200 and "Party" in [r["label"] for r in allowed.json()["rows"]]
    fulltext = api.post("/api/v1/console", role="investigator", json={
        "cypher": "CALL db.index.fulltext.queryNodes('party_names', '张三') YIELD node RETURN node.uid AS uid"})
    assert fulltext.json()["rows"][0]["uid"] == api_helpers.ZS

    api.app.state.settings = api.app.state.settings.model_copy(update={"debtgraph_console_row_limit": 3})
    capped = api.post("/api/v1/console", role="investigator", json={"cypher": "UNWIND range(1, 10) AS i RETURN i"})
    assert capped.json()["rows"] == [{"i": 1}, {"i": 2}, {"i": 3}] and capped.json()["truncated"] is True
    syntax = api.post("/api/v1/console", role="investigator", json={"cypher": "MATCH (n RETURN n"})
    assert syntax.status_code == 400 and syntax.json()["status"] == 400


def test_console_query_past_the_timeout_is_cancelled_with_504(api: Api) -> None:
    api.app.state.settings = api.app.state.settings.model_copy(update={"debtgraph_query_timeout": 0.5})
    slow = "UNWIND range(1, 1000000000) AS i WITH i WHERE i % 1000003 = -1 RETURN count(i) AS n"
    res = api.post("/api/v1/console", role="investigator", json={"cypher": slow})
    assert res.status_code == 504, res.text
    assert res.json()["type"] == "urn:debtgraph:problem:query-timeout"
    assert api.post("/api/v1/console", role="investigator", json={"cypher": "RETURN 1 AS one"}).status_code == 200


def test_console_lower_layer_cannot_write_even_without_the_check(graph: Graph) -> None:
    with pytest.raises(ClientError) as caught:
        execute_read_only(graph, "CREATE (n:Party {uid: 'bypass'}) RETURN n")
    assert "AccessMode" in (caught.value.code or "")
    assert graph.read("MATCH (n:Party {uid: 'bypass'}) RETURN n") == []


def test_console_static_check_ignores_keywords_in_strings() -> None:
    assert static_check("MATCH (p:Party) WHERE p.name = 'LOAD CSV; CALL dbms.x' RETURN p;")
    with pytest.raises(ConsoleRefused):
        static_check("MATCH (p) RETURN p /* ok */ ; CREATE (x)")


# -- queries ---------------------------------------------------------------------------------------------
def test_catalogue_lists_the_spec_saved_queries_with_typed_parameters(api: Api) -> None:
    res = api.get("/api/v1/queries", role="investigator")
    by_name = {q["name"]: q for q in res.json()}
    for name in ("asset_panorama", "party_network", "relation_paths", "shared_contacts"):
        assert by_name[name]["group"] == "saved"
    depth = {p["name"]: p for p in by_name["party_network"]["parameters"]}["depth"]
    assert depth["type"] == "integer" and depth["maximum"] == 3
    assert api.get("/api/v1/queries/party_network", role="investigator").json()["name"] == "party_network"
    assert api.get("/api/v1/queries/nope", role="investigator").status_code == 404


def test_run_saved_query_validates_parameters_by_type(api: Api) -> None:
    api_helpers.build_story(api.graph)
    ok = api.post("/api/v1/queries/party_network/run", role="investigator",
                  json={"params": {"uid": api_helpers.ZS, "depth": "1"}})
    assert ok.status_code == 200 and ok.json()["graph"]["nodes"]
    for params, field in (({"uid": api_helpers.ZS, "depth": "two"}, "depth"),
                          ({"uid": api_helpers.ZS, "depth": 4}, "depth"),
                          ({"uid": api_helpers.ZS, "types": ["OWNS"]}, "types"),
                          ({"depth": 1}, "uid"),
                          ({"uid": api_helpers.ZS, "colour": "red"}, "colour")):
        res = api.post("/api/v1/queries/party_network/run", role="investigator", json={"params": params})
        assert res.status_code == 422, (params, res.text)
        assert res.json()["errors"][0]["field"] == field
    assert api.post("/api/v1/queries/nope/run", role="investigator", json={}).status_code == 404


def test_investigator_saves_a_query_that_then_runs_and_write_queries_are_refused(api: Api) -> None:
    api_helpers.build_story(api.graph)
    body = {"name": "big_debts", "title": {"zh": "大额欠款", "en": "Big debts"},
            "cypher": "MATCH (c:Case) WHERE c.outstanding >= $min RETURN c.case_no AS case_no ORDER BY case_no",
            "parameters": {"min": {"type": "float", "default": 100000}}, "columns": ["case_no"]}
    res = api.post("/api/v1/queries", role="investigator", json=body)
    assert res.status_code == 201, res.text
    assert res.json()["author"] == "test-investigator" and res.json()["group"] == "user"
    user_dir = api.app.state.settings.data_dir / "queries"
    assert (user_dir / "big_debts.cypher").is_file() and (user_dir / "big_debts.yaml").is_file()
    rows = api.post("/api/v1/queries/big_debts/run", role="investigator", json={}).json()["rows"]
    assert [r["case_no"] for r in rows] == ["(2024)沪0104执1234号", "(2025)沪0104执恢12号"]

    evil = {**body, "name": "evil", "cypher": "MATCH (c:Case) DETACH DELETE c"}
    assert api.post("/api/v1/queries", role="investigator", json=evil).status_code == 403
    builtin = {**body, "name": "asset_panorama"}
    assert api.post("/api/v1/queries", role="investigator", json=builtin).status_code == 422
    undeclared = {**body, "name": "bad_params", "parameters": {}}
    res = api.post("/api/v1/queries", role="investigator", json=undeclared)
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "parameters"
    assert api.post("/api/v1/queries", role="judge", json=body).status_code == 403
