"""`debtgraph decisions export` / `import`: a graph rebuilt from the exports gets every human decision back
(issue #16): alert statuses with their history, identity reviews, saved queries, API key records."""

from __future__ import annotations

import json
from pathlib import Path

from test_api_alerts import HR_KEY, XUHUI_CASE, load_stories
from typer.testing import CliRunner

from api import auth
from api.cli import app
from api.security_store import SecurityStore, open_store
from graph_model.db import Graph
from loaders.identity.links import reject
from queries.alerts import get_alert, set_status
from queries.registry import Registry

runner = CliRunner()
COLLUSIVE = f"collusive_settlement:{XUHUI_CASE}"


def _brothers(graph: Graph) -> tuple[str, str]:
    """张伟 and 张强 of the stories (the settlement's payee), for an identity review between two people."""
    rows = graph.read("MATCH (p:Party) WHERE p.name IN ['张伟', '张强'] RETURN p.name AS name, p.uid AS uid")
    uids = {r["name"]: r["uid"] for r in rows}
    return uids["张伟"], uids["张强"]


def test_a_rebuilt_graph_gets_every_decision_back(graph: Graph, store: SecurityStore, tmp_path: Path,
                                                  monkeypatch: object) -> None:
    settings_dir = tmp_path / "data"
    monkeypatch.setenv("DEBTGRAPH_DATA_DIR", str(settings_dir))  # type: ignore[attr-defined]
    from graph_model.settings import get_settings

    get_settings.cache_clear()
    load_stories(graph, tmp_path)
    # people decide: a judge works two alerts, an investigator rejects an identity link, saves a query
    set_status(graph, HR_KEY, "acknowledged", "judge-wang", "核实中")
    set_status(graph, HR_KEY, "confirmed", "judge-wang", "已查明他案债权，准备冻结")
    set_status(graph, COLLUSIVE, "acknowledged", "judge-li", "调取和解协议")
    a, b = _brothers(graph)
    graph.write("MATCH (a:Party {uid: $a}), (b:Party {uid: $b}) MERGE (a)-[r:SAME_AS]->(b) "
                "SET r.status = 'pending', r.score = 0.8, r.method = 'splink', r.evidence = ['same surname']",
                {"a": min(a, b), "b": max(a, b)})
    reject(graph, a, b, actor="inv-zhao", reason="兄弟二人，身份证号不同")
    registry = Registry(user_dir=settings_dir / "queries")
    registry.save_user_query("brothers", "MATCH (p:Party) WHERE p.name STARTS WITH $surname RETURN p.name AS name",
                             {"title": {"zh": "同姓当事人", "en": "same surname"},
                              "parameters": {"surname": {"type": "string"}}}, "inv-zhao")
    key, _ = auth.create_key(store, "judge-wang", "judge")
    auth.create_key(store, "old-clerk", "judge")
    auth.revoke_key(store, "old-clerk")

    file = tmp_path / "decisions.jsonl"
    res = runner.invoke(app, ["decisions", "export", str(file)])
    assert res.exit_code == 0, res.output
    kinds = [json.loads(line)["kind"] for line in file.read_text(encoding="utf-8").splitlines()]
    assert kinds.count("alert") == 2 and kinds.count("same_as") == 1 and kinds.count("query") == 1
    assert kinds.count("api_key") == 2 and key not in file.read_text(encoding="utf-8")  # hashes, never keys

    # a new server: the graph rebuilt from the same exports, an empty security store, no saved queries
    graph.reset()
    load_stories(graph, tmp_path)
    assert get_alert(graph, HR_KEY)[0]["status"] == "new"
    fresh_dir = tmp_path / "fresh"
    monkeypatch.setenv("DEBTGRAPH_DATA_DIR", str(fresh_dir))  # type: ignore[attr-defined]
    monkeypatch.setenv("DEBTGRAPH_SECURITY_DB", str(fresh_dir / "security.sqlite3"))  # type: ignore[attr-defined]
    get_settings.cache_clear()

    res = runner.invoke(app, ["decisions", "import", str(file), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["restored"] == {"alert": 2, "same_as": 1, "query": 1, "api_key": 2} and report["skipped"] == []
    hr, _ = get_alert(graph, HR_KEY)
    assert hr["status"] == "confirmed" and hr["version"] == 3
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in hr["events"]] == [
        ("new", "acknowledged", "judge-wang"), ("acknowledged", "confirmed", "judge-wang")]
    assert get_alert(graph, COLLUSIVE)[0]["status"] == "acknowledged"
    link = graph.read("MATCH (:Party {uid: $a})-[r:SAME_AS]-(:Party {uid: $b}) RETURN r.status AS s, "
                      "r.reviewed_by AS by, r.reason AS why", {"a": a, "b": b})
    assert link == [{"s": "rejected", "by": "inv-zhao", "why": "兄弟二人，身份证号不同"}]
    assert "brothers" in Registry(user_dir=fresh_dir / "queries").queries
    new_store = open_store(fresh_dir / "security.sqlite3")
    assert auth.authenticate(new_store, key) is not None  # the same key works against the new store
    assert {k["name"]: k["revoked"] for k in auth.list_keys(new_store)} == {"judge-wang": False, "old-clerk": True}

    # importing again changes nothing and says why it skipped the keys
    again = json.loads(runner.invoke(app, ["decisions", "import", str(file), "--json"]).stdout)
    assert [s["kind"] for s in again["skipped"]] == ["api_key", "api_key"]
    assert len(get_alert(graph, HR_KEY)[0]["events"]) == 2
    get_settings.cache_clear()


def test_a_broken_line_is_named_and_a_missing_party_is_skipped_with_its_reason(graph: Graph, tmp_path: Path) -> None:
    file = tmp_path / "d.jsonl"
    file.write_text('{"kind": "same_as", "a": "id:1", "b": "id:2", "status": "rejected", "reviewed_by": "x", '
                    '"reviewed_at": "2024-01-01T00:00:00+00:00", "reason": "r"}\n{not json\n', encoding="utf-8")
    res = runner.invoke(app, ["decisions", "import", str(file)])
    assert res.exit_code == 2 and "line 2" in res.output and "not JSON" in res.output
    file.write_text(file.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    res = runner.invoke(app, ["decisions", "import", str(file), "--json"])
    assert res.exit_code == 0
    (skipped,) = json.loads(res.stdout)["skipped"]
    assert skipped["line"] == 1 and "id:1" in skipped["why"]
