"""Reviewing identity links: confirm, reject, pending pages, entity ids, the valid-id rule, and the CLI."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api.cli import app
from graph_model.db import Graph
from loaders.identity import IdentityError, confirm, pending, reject
from loaders.identity.links import _Components, refresh_all_entities

X = "310104198001010017"  # valid resident ids (check characters computed)
Y = "310104198502020029"

# Party X (valid id) —auto— src:a:1 —pending— id:Y ; src:b:2 —pending— src:c:3 ; src:c:3 —pending— src:d:4
STORY = """
UNWIND $parties AS p
CREATE (n:Party {uid: p.uid, entity_id: p.uid, kind: 'person', name: p.name, id_number: p.id, sources: [p.src]})
WITH count(*) AS made
UNWIND $links AS l
MATCH (a:Party {uid: l.a}), (b:Party {uid: l.b})
CREATE (a)-[:SAME_AS {status: l.status, score: l.score, method: 'test', evidence: ['name: test']}]->(b)
"""


@pytest.fixture
def story(graph: Graph) -> Graph:
    from graph_model.types import check_id_number
    assert check_id_number(X, "person").valid and check_id_number(Y, "person").valid
    graph.write(STORY, {
        "parties": [
            {"uid": f"id:{X}", "name": "张伟", "id": X, "src": "a"},
            {"uid": "src:a:1", "name": "张伟", "id": None, "src": "a"},
            {"uid": f"id:{Y}", "name": "张伟", "id": Y, "src": "b"},
            {"uid": "src:b:2", "name": "王芳", "id": None, "src": "b"},
            {"uid": "src:c:3", "name": "王芳", "id": None, "src": "c"},
            {"uid": "src:d:4", "name": "汪芳", "id": None, "src": "d"},
        ],
        "links": [
            {"a": f"id:{X}", "b": "src:a:1", "status": "auto", "score": 0.99},
            {"a": f"id:{Y}", "b": "src:a:1", "status": "pending", "score": 0.8},
            {"a": "src:b:2", "b": "src:c:3", "status": "pending", "score": 0.9},
            {"a": "src:c:3", "b": "src:d:4", "status": "pending", "score": 0.75},
        ],
    })
    refresh_all_entities(graph, {})
    return graph


def entity(graph: Graph, uid: str) -> str:
    return graph.read("MATCH (p:Party {uid: $uid}) RETURN p.entity_id AS e", {"uid": uid})[0]["e"]


def link_props(graph: Graph, a: str, b: str) -> dict:
    rows = graph.read("MATCH (:Party {uid: $a})-[r:SAME_AS]->(:Party {uid: $b}) RETURN properties(r) AS r", {"a": a, "b": b})
    assert len(rows) == 1
    return rows[0]["r"]


def test_auto_links_set_entity_ids(story: Graph) -> None:
    assert entity(story, "src:a:1") == entity(story, f"id:{X}") == f"id:{X}"
    assert entity(story, "src:b:2") == "src:b:2"  # pending links do not count


def test_confirm_joins_entities_and_records_the_reviewer(story: Graph) -> None:
    result = confirm(story, "src:c:3", "src:b:2", actor="judge-li", reason="same phone in both case files")
    assert (result.a, result.b, result.status, result.previous, result.entity_id) == \
        ("src:b:2", "src:c:3", "confirmed", "pending", "src:b:2")
    props = link_props(story, "src:b:2", "src:c:3")
    assert props["reviewed_by"] == "judge-li" and props["reason"] == "same phone in both case files"
    assert props["reviewed_at"] is not None and props["score"] == 0.9
    assert entity(story, "src:c:3") == "src:b:2"
    confirm(story, "src:c:3", "src:d:4", actor="judge-li")
    assert {entity(story, u) for u in ("src:b:2", "src:c:3", "src:d:4")} == {"src:b:2"}


def test_confirm_refused_when_an_entity_would_hold_two_valid_ids(story: Graph) -> None:
    with pytest.raises(IdentityError, match=rf"different valid id numbers: {X} .*{Y}"):
        confirm(story, "src:a:1", f"id:{Y}", actor="judge-li")
    assert link_props(story, f"id:{Y}", "src:a:1")["status"] == "pending"
    with pytest.raises(IdentityError):  # directly, too
        confirm(story, f"id:{X}", f"id:{Y}", actor="judge-li")
    # after the wrong automatic link is rejected, the other one can be confirmed
    reject(story, "src:a:1", f"id:{X}", actor="judge-li", reason="different people")
    assert entity(story, "src:a:1") == "src:a:1"
    confirm(story, "src:a:1", f"id:{Y}", actor="judge-li")
    assert entity(story, "src:a:1") == f"id:{Y}" and entity(story, f"id:{X}") == f"id:{X}"


def test_reject_splits_a_component_and_restores_entity_ids(story: Graph) -> None:
    confirm(story, "src:b:2", "src:c:3", actor="judge-li")
    confirm(story, "src:c:3", "src:d:4", actor="judge-li")
    reject(story, "src:c:3", "src:d:4", actor="judge-zhao")
    assert entity(story, "src:d:4") == "src:d:4"
    assert entity(story, "src:c:3") == entity(story, "src:b:2") == "src:b:2"
    assert link_props(story, "src:c:3", "src:d:4")["status"] == "rejected"
    assert link_props(story, "src:c:3", "src:d:4")["reviewed_by"] == "judge-zhao"


def test_a_pair_never_proposed_can_be_decided(story: Graph) -> None:
    result = reject(story, "src:d:4", "src:a:1", actor="judge-li")
    assert result.previous is None and result.status == "rejected"
    props = link_props(story, "src:a:1", "src:d:4")
    assert props["method"] == "manual" and props["evidence"] == []


@pytest.mark.parametrize(("a", "b", "actor", "message"), [
    ("src:a:1", "src:a:1", "judge", "itself"),
    ("src:a:1", "src:zz:9", "judge", "no party with uid src:zz:9"),
    ("src:a:1", "src:b:2", " ", "reviewer's name"),
])
def test_bad_reviews_are_refused_with_a_reason(story: Graph, a: str, b: str, actor: str, message: str) -> None:
    with pytest.raises(IdentityError, match=message):
        reject(story, a, b, actor=actor)


def test_pending_is_paginated_best_first(story: Graph) -> None:
    page = pending(story, skip=0, limit=2)
    assert page.total == 3
    assert [i["score"] for i in page.items] == [0.9, 0.8]
    assert page.items[0]["a"]["uid"] == "src:b:2" and page.items[0]["b"]["name"] == "王芳"
    rest = pending(story, skip=2, limit=2)
    assert [(i["a"]["uid"], i["b"]["uid"]) for i in rest.items] == [("src:c:3", "src:d:4")]
    assert pending(story, source="d").total == 1
    with pytest.raises(IdentityError):
        pending(story, skip=-1)


def test_cli_review_confirm_reject(story: Graph) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["link", "review", "--json", "--limit", "1"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["total"] == 3 and data["items"][0]["b"]["uid"] == "src:c:3"
    done = runner.invoke(app, ["link", "confirm", "src:b:2", "src:c:3", "--actor", "judge-li", "--reason", "same phone"])
    assert done.exit_code == 0, done.output
    assert "confirmed (was pending)" in done.stdout
    refused = runner.invoke(app, ["link", "confirm", "src:a:1", f"id:{Y}", "--actor", "judge-li"])
    assert refused.exit_code == 1 and "different valid id numbers" in refused.output
    rejected = runner.invoke(app, ["link", "reject", "src:a:1", f"id:{X}", "--actor", "judge-li"])
    assert rejected.exit_code == 0 and "rejected (was auto)" in rejected.stdout
    assert entity(story, "src:a:1") == "src:a:1"
    text = runner.invoke(app, ["link", "review"])
    assert text.exit_code == 0 and "src:c:3" in text.stdout and "name: test" in text.stdout


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40),
       st.dictionaries(st.integers(0, 11), st.sampled_from(["X", "Y", "Z"]), max_size=12))
def test_component_guard_never_puts_two_valid_ids_together(edges: list[tuple[int, int]], ids: dict[int, str]) -> None:
    """Whatever links are proposed in whatever order, unions the guard allows keep one valid id per component."""
    comps = _Components(lambda uid: ids.get(int(uid[1:])))
    for a, b in edges:
        if a != b and comps.conflict(f"p{a:02d}", f"p{b:02d}") is None:
            comps.union(f"p{a:02d}", f"p{b:02d}")
    canonical = comps.canonical()
    held: dict[str, set[str]] = {}
    for uid, root in canonical.items():
        if int(uid[1:]) in ids:
            held.setdefault(root, set()).add(ids[int(uid[1:])])
        assert root == min(u for u, r in canonical.items() if r == root)
    assert all(len(v) == 1 for v in held.values())


def test_cli_link_run_on_a_small_graph_keeps_decisions(story: Graph) -> None:
    """Linking a graph of a handful of parties works, and leaves reviewed links as they are."""
    runner = CliRunner()
    reject(story, "src:a:1", f"id:{X}", actor="judge-li")
    result = runner.invoke(app, ["link", "--json", "--threshold-auto", "0.99", "--threshold-review", "0.5"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["parties"] == 6 and summary["threshold_auto"] == 0.99
    assert link_props(story, f"id:{X}", "src:a:1")["status"] == "rejected"
    assert entity(story, "src:a:1") != f"id:{X}"
    bad = runner.invoke(app, ["link", "--threshold-auto", "0.5", "--threshold-review", "0.9"])
    assert bad.exit_code == 1 and "thresholds" in bad.output
    unknown = runner.invoke(app, ["link", "--source", "no-such-export"])
    assert unknown.exit_code == 1 and "no-such-export" in unknown.output
