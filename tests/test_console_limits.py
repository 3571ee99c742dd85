"""The console's limits on what comes back, its refusal of administration commands, and how it reports the
server's errors (security review #15, docs/api.md "The Cypher console")."""

from __future__ import annotations

import json
from typing import Any

import api_helpers
import pytest

from api import console

api = api_helpers.api
Api = api_helpers.Api

JAVA_INTERNALS = ("org.apache", "java.lang", "ParseException", "IllegalArgumentException", "Caused by", "\tat ")


def _console(api: Api, cypher: str, params: dict[str, Any] | None = None) -> Any:
    return api.post("/api/v1/console", role="investigator", json={"cypher": cypher, "params": params or {}})


def _limits(api: Api, **update: int) -> None:
    """Deployment settings of the running app (what DEBTGRAPH_CONSOLE_* would set)."""
    api.app.state.settings = api.app.state.settings.model_copy(update=update)


def _is_marker(value: Any) -> bool:
    return isinstance(value, dict) and value.get("truncated") is True


# -- bytes and values ------------------------------------------------------------------------------------


def test_a_huge_list_is_replaced_by_a_marker_not_sent(api: Api) -> None:
    # The review's case: RETURN range(1, 1000000) answered 6.9 MB in one row.
    res = _console(api, "RETURN range(1, 1000000) AS numbers, 'kept' AS label")
    assert res.status_code == 200, res.text
    body = res.json()
    assert len(res.content) < 100_000 + 5_000  # the default value limit is 100,000 bytes
    row = body["rows"][0]
    assert row["label"] == "kept"
    assert _is_marker(row["numbers"]) and row["numbers"]["length"] == 1_000_000
    assert body["truncated"] is True and body["truncated_reason"] == "value"
    assert body["value_limit"] == 100_000 and body["byte_limit"] == 2_000_000


def test_the_whole_graph_collected_into_one_value_is_not_sent(api: Api) -> None:
    # The review's case: MATCH (n) RETURN collect(n) returned the whole graph (11.5 MB) in one row.
    api_helpers.build_story(api.graph)
    api.graph.write("UNWIND range(1, 1500) AS i CREATE (:Party:Person {uid: 'bulk:' + i, name: '批量当事人' + i, "
                    "kind: 'person', source_keys: ['bulk:' + i], note: $note})", {"note": "备注" * 40})
    res = _console(api, "MATCH (n) RETURN collect(n) AS all")
    assert res.status_code == 200, res.text
    body = res.json()
    assert len(res.content) < 10_000
    assert _is_marker(body["rows"][0]["all"]) and body["rows"][0]["all"]["length"] > 1500
    assert body["graph"] is None or body["graph"]["nodes"] == []  # the graph part does not carry it either
    assert body["truncated"] is True and body["truncated_reason"] == "value"


def test_a_single_long_string_is_replaced_and_the_rest_of_the_row_kept(api: Api) -> None:
    _limits(api, debtgraph_console_value_limit=1_000)
    res = _console(api, "RETURN $long AS long, $short AS short", {"long": "长" * 2_000, "short": "短"})
    body = res.json()
    assert body["rows"][0]["short"] == "短"
    marker = body["rows"][0]["long"]
    assert _is_marker(marker) and marker["type"] == "string" and marker["length"] == 2_000
    assert "长长" not in res.text
    assert body["truncated_reason"] == "value"


def test_rows_stop_once_the_byte_budget_is_spent(api: Api) -> None:
    limit = 20_000
    _limits(api, debtgraph_console_byte_limit=limit)
    pad = "汉" * 100  # 300 bytes of UTF-8 per row, plus the row's own JSON
    res = _console(api, "UNWIND range(1, 1000) AS i RETURN i, $pad AS pad", {"pad": pad})
    assert res.status_code == 200, res.text
    body = res.json()
    row_bytes = len(json.dumps({"i": 1000, "pad": pad}, ensure_ascii=False).encode())
    assert len(res.content) <= limit
    assert len(res.content) > limit - 2 * row_bytes  # the budget is used, not given up early
    numbers = [r["i"] for r in body["rows"]]
    assert numbers == list(range(1, len(numbers) + 1)) and 10 < len(numbers) < 1000
    assert body["truncated"] is True and body["truncated_reason"] == "bytes"


def test_the_graph_part_counts_against_the_byte_budget(api: Api) -> None:
    api.graph.write("UNWIND range(1, 400) AS i CREATE (:Party:Person {uid: 'p:' + i, name: '当事人' + i, "
                    "kind: 'person', address: $address})", {"address": "上海市徐汇区漕溪北路" * 5})
    limit = 30_000
    _limits(api, debtgraph_console_byte_limit=limit)
    res = _console(api, "MATCH (p:Party) RETURN p ORDER BY p.uid")
    assert res.status_code == 200, res.text
    body = res.json()
    assert len(res.content) <= limit
    assert body["truncated_reason"] == "bytes" and 0 < len(body["rows"]) < 400
    # every node of the rows, and only those, is in the graph
    assert sorted(n["id"] for n in body["graph"]["nodes"]) == sorted(r["p"]["id"] for r in body["rows"])


def test_the_row_limit_still_says_rows(api: Api) -> None:
    _limits(api, debtgraph_console_row_limit=5)
    body = _console(api, "UNWIND range(1, 50) AS i RETURN i").json()
    assert [r["i"] for r in body["rows"]] == [1, 2, 3, 4, 5]
    assert body["truncated"] is True and body["truncated_reason"] == "rows"
    whole = _console(api, "UNWIND range(1, 5) AS i RETURN i").json()
    assert whole["truncated"] is False and whole["truncated_reason"] is None


def test_saved_query_runs_keep_to_the_byte_budget(api: Api) -> None:
    api.graph.write("UNWIND range(1, 200) AS i CREATE (:Party:Person {uid: 'p:' + i, name: '测试人' + i, "
                    "kind: 'person', source_keys: ['t:' + i]})")
    api.graph.autocommit("CALL db.awaitIndexes(60)")
    limit = 5_000
    _limits(api, debtgraph_console_byte_limit=limit)
    res = api.post("/api/v1/queries/party_search/run", role="investigator",
                   json={"params": {"name": "测试人", "limit": 200}})
    assert res.status_code == 200, res.text
    body = res.json()
    assert len(res.content) <= limit
    assert body["truncated"] is True and body["truncated_reason"] == "bytes" and body["rows"]


# -- administration commands -------------------------------------------------------------------------------

ADMIN = [
    ("CREATE DATABASE evil", "CREATE DATABASE"),
    ("create database `evil` IF NOT EXISTS", "CREATE DATABASE"),
    ("CREATE OR REPLACE DATABASE evil", "CREATE DATABASE"),
    ("CREATE COMPOSITE DATABASE evil", "CREATE COMPOSITE DATABASE"),
    ("DROP DATABASE neo4j", "DROP DATABASE"),
    ("ALTER DATABASE neo4j SET ACCESS READ ONLY", "ALTER DATABASE"),
    ("STOP DATABASE neo4j", "STOP DATABASE"),
    ("START DATABASE neo4j", "START DATABASE"),
    ("CREATE ALIAS evil FOR DATABASE neo4j", "CREATE ALIAS"),
    ("CREATE USER mallory SET PASSWORD 'secret123'", "CREATE USER"),
    ("ALTER USER neo4j SET PASSWORD 'x'", "ALTER USER"),
    ("CREATE ROLE evil", "CREATE ROLE"),
    ("GRANT ROLE admin TO mallory", "GRANT ROLE"),
    ("DENY READ {*} ON GRAPH * TO reader", "DENY"),
    ("REVOKE ROLE admin FROM neo4j", "REVOKE ROLE"),
    ("ENABLE SERVER 'x'", "ENABLE SERVER"),
    ("SHOW USERS", "SHOW USERS"),
    ("SHOW ROLES", "SHOW ROLES"),
    ("SHOW PRIVILEGES", "SHOW PRIVILEGES"),
    ("SHOW DATABASES", "SHOW DATABASES"),
    ("SHOW SERVERS", "SHOW SERVERS"),
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("SHOW SETTINGS", "SHOW SETTINGS"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("CREATE INDEX evil FOR (n:Party) ON (n.name)", "CREATE INDEX"),
    ("CREATE TEXT INDEX evil IF NOT EXISTS FOR (n:Party) ON (n.name)", "CREATE TEXT INDEX"),
    ("CREATE CONSTRAINT evil FOR (n:Party) REQUIRE n.name IS UNIQUE", "CREATE CONSTRAINT"),
    ("DROP INDEX party_names", "DROP INDEX"),
    ("DROP CONSTRAINT party_uid_key", "DROP CONSTRAINT"),
    ("CYPHER 5 CREATE /* comment */ DATABASE evil", "CREATE DATABASE"),
]


@pytest.mark.parametrize(("cypher", "kind"), ADMIN)
def test_administration_commands_are_refused_by_kind(api: Api, cypher: str, kind: str) -> None:
    res = _console(api, cypher)
    assert res.status_code == 403, res.text
    problem = res.json()
    assert problem["type"] == "urn:debtgraph:problem:statement-refused"
    assert problem["detail"].startswith(kind + " ") and "command" in problem["detail"]
    assert "the console only reads" in problem["detail"]


def test_administration_commands_are_refused_before_the_server(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def server_asked(*args: object, **kwargs: object) -> str:
        raise AssertionError("the statement reached the server")

    monkeypatch.setattr(console, "classify", server_asked)
    monkeypatch.setattr(console, "execute_read_only", server_asked)
    res = _console(api, "CREATE DATABASE evil")
    assert res.status_code == 403, res.text
    assert res.json()["detail"] == "CREATE DATABASE is an administration command; the console only reads"


def test_a_graph_create_is_still_refused_as_a_write_and_reads_still_run(api: Api) -> None:
    refused = _console(api, "CREATE (n:Party {uid: 'x'}) RETURN n")
    assert refused.status_code == 403 and "writes" in refused.json()["detail"]
    assert api.graph.read("MATCH (n:Party {uid: 'x'}) RETURN n") == []
    assert _console(api, "SHOW INDEXES YIELD name RETURN name").status_code == 200
    assert _console(api, "MATCH (n) RETURN n.start AS stop LIMIT 1").status_code == 200


# -- the server's errors ---------------------------------------------------------------------------------


def test_syntax_errors_keep_the_explanation_without_java_internals(api: Api) -> None:
    syntax = _console(api, "MATCH (n RETURN n")
    assert syntax.status_code == 400 and syntax.json()["type"] == "urn:debtgraph:problem:cypher-error"
    assert "Invalid input" in syntax.json()["detail"]
    assert '"MATCH (n RETURN n"' in syntax.json()["detail"] and "EXPLAIN" not in syntax.json()["detail"]
    assert "column 10" in syntax.json()["detail"]  # where the error is in the statement sent

    lucene = _console(api, "CALL db.index.fulltext.queryNodes('party_names', 'AND') YIELD node RETURN node")
    assert lucene.status_code == 400, lucene.text
    detail = lucene.json()["detail"]
    assert "queryNodes" in detail and "Encountered" in detail  # what is wrong with the statement
    assert not any(word in lucene.text for word in JAVA_INTERNALS), detail

    no_index = _console(api, "CALL db.index.fulltext.queryNodes('no_such_index', 'x') YIELD node RETURN node")
    assert no_index.status_code == 400 and "no such fulltext schema index" in no_index.json()["detail"]
    assert not any(word in no_index.text for word in JAVA_INTERNALS), no_index.text


def test_saved_query_errors_keep_the_explanation_without_java_internals(api: Api) -> None:
    saved = api.post("/api/v1/queries", role="investigator", json={
        "name": "raw_fulltext", "title": {"zh": "全文检索", "en": "Raw full-text"},
        "cypher": "CALL db.index.fulltext.queryNodes('party_names', $q) YIELD node RETURN node.uid AS uid",
        "parameters": {"q": {"type": "string", "required": True}}})
    assert saved.status_code == 201, saved.text
    res = api.post("/api/v1/queries/raw_fulltext/run", role="investigator", json={"params": {"q": "name:(AND"}})
    assert res.status_code == 400, res.text
    assert res.json()["detail"] and not any(word in res.text for word in JAVA_INTERNALS), res.text


def test_the_console_page_shows_the_explanation_without_java_internals(api: Api) -> None:
    page = api.client.post("/web/console", data={"text": "CALL db.index.fulltext.queryNodes('party_names', 'OR') "
                                                         "YIELD node RETURN node"},
                           headers={**api.headers("investigator"), "Accept": "text/html"})
    assert page.status_code == 400
    assert "Cypher 语句有误" in page.text and "Encountered" in page.text
    assert not any(word in page.text for word in JAVA_INTERNALS)
