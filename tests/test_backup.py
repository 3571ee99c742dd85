"""`debtgraph db backup FILE` / `db restore FILE --yes` / `db check` against the real local server.

What a court expects of a backup (issue #16): backup → the graph changes and keys come and go → restore
gives back the identical graph (every node and relationship with its properties), the alert workflow's
history, the keys and the audit trail as they were; nothing written after the backup is lost (the store
is kept aside); a damaged backup is refused before anything is touched.
"""

from __future__ import annotations

import datetime as dt
import json
import tarfile
from pathlib import Path

import api_helpers
import pytest
from neo4j import GraphDatabase
from test_loaders_support import dump
from typer.testing import CliRunner

from api import audit, auth
from api.cli import app
from api.security_store import SecurityStore
from graph_model.db import Graph
from neo4j_local import server
from queries.alerts import get_alert, set_status

runner = CliRunner()
KEY = "hidden_receivable:" + api_helpers.ENF


def _story_with_workflow(graph: Graph) -> None:
    api_helpers.build_story(graph)
    graph.write("CREATE (:Alert {key: $key, detector: 'hidden_receivable', case_no: $case, status: 'new', "
                "version: 1, score: 0.8, first_seen: datetime(), last_seen: datetime()})",
                {"key": KEY, "case": api_helpers.ENF})
    set_status(graph, KEY, "acknowledged", "judge-wang", "核实中")


@pytest.mark.slow
def test_backup_then_restore_gives_back_graph_workflow_keys_and_trail(graph: Graph, store: SecurityStore,
                                                                         tmp_path: Path) -> None:
    if not graph.settings.local:
        pytest.skip("backup dumps the local server only")
    _story_with_workflow(graph)
    key, _ = auth.create_key(store, "judge-wang", "judge")
    audit.record(store, actor="judge-wang", role="judge", action="party.read", target=api_helpers.ZS)
    before = dump(graph)
    file = tmp_path / "court.backup"

    res = runner.invoke(app, ["db", "backup", str(file)])
    assert res.exit_code == 0, res.output
    assert "backup written" in res.stderr and "dump" in res.stderr
    assert server.status(graph.settings).state == "running"  # started again after the offline dump
    graph.bookmarks = GraphDatabase.bookmark_manager()  # the server restarted: a fresh bookmark chain
    with tarfile.open(file) as tar:
        assert sorted(tar.getnames()) == ["manifest.json", "neo4j.dump", "security.sqlite3"]
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["graph"] == graph.counts() and manifest["api_keys"] == 1 and manifest["audit"]["intact"]
    assert runner.invoke(app, ["db", "backup", str(file)]).exit_code == 2  # never overwritten

    # life goes on: the graph is emptied, a key is revoked, another created, more reads audited
    graph.reset()
    auth.revoke_key(store, "judge-wang")
    auth.create_key(store, "intruder", "admin")
    audit.record(store, actor="intruder", role="admin", action="audit.read")
    events_after_backup = store.verify().events

    assert runner.invoke(app, ["db", "restore", str(file)]).exit_code == 2  # needs --yes
    res = runner.invoke(app, ["db", "restore", str(file), "--yes"])
    assert res.exit_code == 0, res.output
    graph.bookmarks = GraphDatabase.bookmark_manager()
    assert dump(graph) == before
    alert, _ = get_alert(graph, KEY)
    assert alert["status"] == "acknowledged" and [e["actor"] for e in alert["events"]] == ["judge-wang"]
    assert auth.authenticate(store, key) is not None  # the key as it was at the backup: not revoked
    assert [k["name"] for k in auth.list_keys(store)] == ["judge-wang"]
    assert [e["actor"] for e in store.events(limit=10)] == ["judge-wang"] and store.verify().ok
    # what was written after the backup is not lost: the store before the restore is kept beside it
    (kept,) = store.path.parent.glob(f"{store.path.name}.before-restore-*")
    assert SecurityStore(kept).verify().events == events_after_backup


def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_touched(graph: Graph, store: SecurityStore,
                                                                            tmp_path: Path) -> None:
    api_helpers.build_story(graph)
    counts = graph.counts()
    foreign = tmp_path / "notes.tar"
    with tarfile.open(foreign, "w") as tar:
        (tmp_path / "x.txt").write_text("hello")
        tar.add(tmp_path / "x.txt", arcname="x.txt")
    res = runner.invoke(app, ["db", "restore", str(foreign), "--yes"])
    assert res.exit_code == 2 and "not a debtgraph backup" in res.output
    damaged = tmp_path / "damaged.backup"
    manifest = {"format": "debtgraph-backup/1", "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "sha256": {"neo4j.dump": "0" * 64, "security.sqlite3": "0" * 64}}
    for name, text in (("manifest.json", json.dumps(manifest)), ("neo4j.dump", "x"), ("security.sqlite3", "y")):
        (tmp_path / name).write_text(text)
    with tarfile.open(damaged, "w") as tar:
        for name in ("manifest.json", "neo4j.dump", "security.sqlite3"):
            tar.add(tmp_path / name, arcname=name)
    res = runner.invoke(app, ["db", "restore", str(damaged), "--yes"])
    assert res.exit_code == 2 and "checksum" in res.output
    assert graph.counts() == counts and server.status(graph.settings).state == "running"


@pytest.mark.slow
def test_db_check_reports_a_consistent_store(graph: Graph) -> None:
    if not graph.settings.local:
        pytest.skip("check runs on the local server only")
    api_helpers.build_story(graph)
    res = runner.invoke(app, ["db", "check"])
    assert res.exit_code == 0, res.output
    graph.bookmarks = GraphDatabase.bookmark_manager()
    assert server.status(graph.settings).state == "running" and graph.counts()["nodes"] > 0
