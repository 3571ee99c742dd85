"""The foundation: the local server, the schema from the model, the settings, the compose file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from neo4j import GraphDatabase

from graph_model.db import Graph
from graph_model.schema import MODEL
from graph_model.settings import Settings
from neo4j_local import server
from queries.statements import statement

ROOT = Path(__file__).resolve().parent.parent


def test_cypher_round_trip_through_the_official_driver(graph: Graph) -> None:
    graph.write("CREATE (:Party {uid: $uid, name: $name})", {"uid": "t:1", "name": "张三"})
    rows = graph.read("MATCH (p:Party {uid: $uid}) RETURN p.name AS name", {"uid": "t:1"})
    assert rows == [{"name": "张三"}]


def test_every_declared_constraint_and_index_exists_after_migrate(graph: Graph) -> None:
    present = {row["name"] for row in graph.read(statement("internal/show_schema"))}
    missing = MODEL.schema_names() - present
    assert not missing, f"declared in model.yaml but not in Neo4j: {missing}"
    assert len(graph.migrate()) == len(MODEL.schema_names())  # idempotent: a second run changes nothing
    assert {row["name"] for row in graph.read(statement("internal/show_schema"))} == present


def test_party_uid_is_unique_in_the_database(graph: Graph) -> None:
    graph.write("CREATE (:Party {uid: $uid})", {"uid": "dup"})
    with pytest.raises(Exception, match="already exists"):
        graph.write("CREATE (:Party {uid: $uid})", {"uid": "dup"})


def test_chinese_full_text_index_finds_a_party_by_part_of_its_name(graph: Graph) -> None:
    graph.write("UNWIND $names AS n CREATE (:Party {uid: n, name: n})",
                {"names": ["上海宏达建筑工程有限公司", "北京远方贸易有限公司"]})
    graph.autocommit("CALL db.awaitIndexes(60)")
    rows = graph.read("CALL db.index.fulltext.queryNodes('party_names', $q) YIELD node RETURN node.name AS name",
                      {"q": "宏达"})
    assert [r["name"] for r in rows] == ["上海宏达建筑工程有限公司"]


def test_reset_empties_the_graph_but_keeps_the_schema(graph: Graph) -> None:
    graph.write("CREATE (:Party {uid: 'a'})-[:HAS_PHONE]->(:Phone {number: '13800000000'})")
    graph.reset()
    assert graph.counts() == {"nodes": 0, "relationships": 0}
    present = {row["name"] for row in graph.read(statement("internal/show_schema"))}
    assert MODEL.schema_names() <= present


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://example.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_DATABASE", "court")
    s = Settings()
    assert s.uri == "neo4j+s://example.databases.neo4j.io" and s.neo4j_database == "court"
    assert not s.local
    with pytest.raises(server.ServerError, match="does not start its own"):
        server.start(s)


@pytest.mark.slow
def test_launcher_starts_once_reports_and_stops_leaving_no_process(tmp_settings: Settings) -> None:
    st = server.start(tmp_settings)
    try:
        assert st.state == "running" and st.pid
        assert server.start(tmp_settings).pid == st.pid  # second start is a no-op
        with GraphDatabase.driver(tmp_settings.uri, auth=("neo4j", tmp_settings.neo4j_password)) as drv:
            records, _, _ = drv.execute_query("RETURN $x AS x", x=42)
            assert records[0]["x"] == 42
        assert server.log_file(tmp_settings).exists()
    finally:
        stopped = server.stop(tmp_settings)
    assert stopped.state == "stopped"
    assert not server._alive(st.pid)
    ps = subprocess.run(["pgrep", "-f", str(tmp_settings.data_dir)], capture_output=True, text=True)
    assert ps.stdout.strip() == "", "a process of the stopped server is still running"


@pytest.mark.slow
def test_a_killed_server_is_reported_as_stale_and_restarts(tmp_settings: Settings) -> None:
    st = server.start(tmp_settings)
    try:
        os.killpg(st.pid, 9)
        deadline = time.monotonic() + 30  # SIGKILL is delivered asynchronously: wait for the JVM to be gone
        while server._alive(st.pid) and time.monotonic() < deadline:
            server._reap(st.pid)
            time.sleep(0.1)
        stale = server.status(tmp_settings)
        assert stale.state == "stale" and "crash or kill" in stale.detail
        again = server.start(tmp_settings)
        assert again.state == "running" and again.pid != st.pid
    finally:
        server.stop(tmp_settings)


def test_cli_db_commands_against_the_test_server(neo4j_server: Settings) -> None:
    cli = Path(sys.executable).with_name("debtgraph")
    status = subprocess.run([str(cli), "db", "status"], capture_output=True, text=True, env=os.environ.copy())
    assert status.returncode == 0, status.stderr
    assert "5.26" in status.stdout and "community" in status.stdout
    refused = subprocess.run([str(cli), "db", "reset"], capture_output=True, text=True, env=os.environ.copy())
    assert refused.returncode == 2 and "--yes" in refused.stderr


def test_docker_compose_matches_what_the_code_expects() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == f"neo4j:{server.NEO4J_VERSION.rsplit('.', 1)[0]}-community"
    assert any(p.endswith(":7687") for p in neo4j["ports"])
    assert "NEO4J_AUTH" in neo4j["environment"] and "${NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]
    assert "healthcheck" in neo4j
    assert any(v.split(":")[0] in compose["volumes"] for v in neo4j["volumes"])
    api = compose["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert (ROOT / api["build"]["context"] / api["build"]["dockerfile"]).is_file()
    env = api["environment"]
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    settings_fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= settings_fields, f"unknown settings in compose: {set(env) - settings_fields}"
    assert any(p.endswith(":8000") for p in api["ports"])
