"""Network analytics and identity review over HTTP: seed stories for control and paths, a small built network
for groups, brokers and cycles (built as test_network builds it), pending SAME_AS links for the review."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import api_helpers
import pytest
import test_network as tn
from test_api_alerts import load_stories

from api import audit as audit_log
from queries.network import clear_caches

api = api_helpers.api
Api = api_helpers.Api
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
ZHANG_WEI = "id:310104198503127610"
ZHANG_QIANG = "id:310104198807097537"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def test_controller_and_controlled_companies_of_the_seed_stories(api: Api, tmp_path: Path) -> None:
    load_stories(api.graph, tmp_path, detect=False)
    res = api.get("/api/v1/network/companies/sh0104-xuhui:XH-P003/controller", role="judge")
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["company"]["name"] == "上海鑫源建筑工程有限公司"
    assert body["controller"]["name"] == "陈建国" and body["rule"] == "majority" and body["share"] == 0.8
    assert body["algorithm"]["name"] and body["subgraph"]["subject"] in {n["id"] for n in body["subgraph"]["nodes"]}
    # by id_number too
    assert api.get("/api/v1/network/companies/91310104MA1FL4CK2G/controller").json()["controller"]["name"] == "陈建国"

    controlled = api.get("/api/v1/network/parties/id:310112197008234510/controlled", role="investigator").json()
    assert {(c["company"]["name"], c["rule"]) for c in controlled["companies"]} == {
        ("上海鑫源建筑工程有限公司", "majority"), ("上海恒通装饰工程有限公司", "legal_representative")}

    missing = api.get("/api/v1/network/companies/id:91000000000000000X/controller")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    # a person has no shareholders to penetrate: refused, naming the parameter
    refused = api.get(f"/api/v1/network/companies/{ZHANG_WEI}/controller")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "ref"
    assert api.get("/api/v1/network/companies/x/controller", role="case_system").status_code == 403
    assert [e["target"] for e in audit_log.events(api.store, action="network.controller")][-1] == \
        "id:91310104MA1FL4CK2G"


def test_explained_paths_between_two_exports_parties(api: Api, tmp_path: Path) -> None:
    load_stories(api.graph, tmp_path, detect=False)
    res = api.get("/api/v1/network/paths", role="judge", params={"a": ZHANG_WEI, "b": "sh0109-hongkou:HK0002"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["target"]["uid"] == ZHANG_QIANG
    first = body["paths"][0]
    assert first["hops"] == 1 and "张伟" in first["sentence"] and "张强" in first["sentence"]
    node_uids = {n["properties"].get("uid") for n in body["subgraph"]["nodes"]}
    assert {ZHANG_WEI, ZHANG_QIANG} <= node_uids
    assert len(body["paths"]) <= 3
    for bad in ({"k": 11}, {"max_hops": 7}, {"max_hops": 0}, {"hub_degree": 1}):
        res = api.get("/api/v1/network/paths", params={"a": ZHANG_WEI, "b": ZHANG_QIANG, **bad})
        assert res.status_code == 422, bad
    assert api.get("/api/v1/network/paths", params={"a": ZHANG_WEI, "b": "id:nobody"}).status_code == 404
    same = api.get("/api/v1/network/paths", params={"a": ZHANG_WEI, "b": "sh0109-hongkou:HK0001"})
    assert same.status_code == 422  # one legal person: no path to explain


def test_paths_avoid_hubs_unless_asked(api: Api) -> None:
    tn.parties(api.graph, [("id:A", "甲", "person"), ("id:B", "乙", "person"),
                           *[(f"id:H{i}", f"丙{i}", "person") for i in range(6)]])
    tn.contact(api.graph, "Phone", "13800000009", ["id:A", "id:B", *[f"id:H{i}" for i in range(6)]])
    tn.export(api.graph)
    hidden = api.get("/api/v1/network/paths", params={"a": "id:A", "b": "id:B", "hub_degree": 5}).json()
    assert hidden["paths"] == [] and hidden["hubs"]
    crossed = api.get("/api/v1/network/paths", params={"a": "id:A", "b": "id:B", "hub_degree": 5,
                                                       "cross_hubs": True}).json()
    assert crossed["paths"] and crossed["paths"][0]["hops"] == 2


def test_debtor_group_ranking_brokers_and_cycles(api: Api) -> None:
    tn.two_debtor_communities(api.graph)
    groups = api.get("/api/v1/network/groups", role="judge", params={"hub_degree": 5}).json()
    assert [g["debtors"] for g in groups["groups"]] == [4, 4]
    assert groups["groups"][0]["rank_by_outstanding"] == 1

    view = api.get("/api/v1/network/parties/id:D6/group", params={"hub_degree": 5}).json()
    assert view["group"]["debtors"] == 4 and view["group"]["rank_by_outstanding"] == 1
    assert {m["party"]["uid"] for m in view["group"]["members"]} >= {"id:D5", "id:D6", "id:D7", "id:D8"}
    sub = view["subgraph"]
    subject = next(n for n in sub["nodes"] if n["id"] == sub["subject"])
    assert subject["properties"]["uid"] == "id:D6"
    assert {"Company", "Address", "Case"} <= {n["kind"] for n in sub["nodes"]}
    outsider = api.get("/api/v1/network/parties/id:F1/group", params={"hub_degree": 5})
    assert outsider.status_code == 422 and "not in the debtor network" in outsider.json()["detail"]

    brokers = api.get("/api/v1/network/parties/id:D2/brokers", params={"hub_degree": 5}).json()
    assert brokers["brokers"][0]["party"]["uid"] == "id:X" and brokers["brokers"][0]["communities_bridged"] == 2
    assert brokers["network_size"] == 9

    assert api.get("/api/v1/network/cycles").json()["cycles"] == []
    tn.case(api.graph, "(2024)沪执101号", "id:D1", ["id:D5"])
    tn.case(api.graph, "(2024)沪执102号", "id:D5", ["id:D1"], outstanding=30_000.0)
    tn.export(api.graph, "t2")
    cycles = api.get("/api/v1/network/cycles", role="investigator").json()
    assert len(cycles["cycles"]) == 1 and cycles["cycles"][0]["amount"] == 30_000.0
    through = api.get("/api/v1/network/cycles", params={"party": "id:D2"}).json()
    assert through["cycles"] == []
    assert api.get("/api/v1/network/cycles", params={"party": "id:nobody"}).status_code == 404
    assert api.get("/api/v1/network/cycles", params={"max_length": 9}).status_code == 422
    assert api.get("/api/v1/network/cycles", role="case_system").status_code == 403


# -- identity review ------------------------------------------------------------------------------------------------

def pending_pair(api: Api) -> None:
    tn.parties(api.graph, [("src:a:P1", "王小明", "person"), ("src:b:Q1", "王小明", "person"),
                           ("src:a:P2", "李华", "person"), ("src:b:Q2", "李华", "person")])
    api.graph.write("MATCH (a:Party {uid: 'src:a:P1'}), (b:Party {uid: 'src:b:Q1'}) "
                    "CREATE (a)-[:SAME_AS {status: 'pending', score: 0.82, method: 'splink', "
                    "evidence: ['姓名相同', '电话相同']}]->(b)")
    api.graph.write("MATCH (a:Party {uid: 'src:a:P2'}), (b:Party {uid: 'src:b:Q2'}) "
                    "CREATE (a)-[:SAME_AS {status: 'pending', score: 0.75, method: 'splink', "
                    "evidence: ['姓名相同']}]->(b)")


def test_identity_review_lists_confirms_and_rejects(api: Api) -> None:
    pending_pair(api)
    page = api.get("/api/v1/identity/pending", role="investigator").json()
    assert page["total"] == 2 and [i["score"] for i in page["items"]] == [0.82, 0.75]
    assert page["items"][0]["a"]["uid"] == "src:a:P1" and page["items"][0]["evidence"] == ["姓名相同", "电话相同"]
    assert api.get("/api/v1/identity/pending", params={"page_size": 1, "page": 2}).json()["items"][0]["score"] == 0.75

    ok = api.post("/api/v1/identity/confirm", role="investigator",
                  json={"a": "src:b:Q1", "b": "src:a:P1", "reason": "同一身份证复印件"})
    assert ok.status_code == 200, ok.text
    review = ok.json()
    assert review["status"] == "confirmed" and review["previous"] == "pending"
    entities = {r["uid"]: r["e"] for r in api.graph.read(
        "MATCH (p:Party) WHERE p.uid IN ['src:a:P1', 'src:b:Q1'] RETURN p.uid AS uid, p.entity_id AS e")}
    assert entities["src:a:P1"] == entities["src:b:Q1"] == review["entity_id"]
    link = api.graph.read("MATCH (:Party {uid: 'src:a:P1'})-[r:SAME_AS]-(:Party {uid: 'src:b:Q1'}) "
                          "RETURN r.reviewed_by AS by, r.reason AS reason")[0]
    assert link == {"by": "test-investigator", "reason": "同一身份证复印件"}

    rejected = api.post("/api/v1/identity/reject", json={"a": "src:a:P2", "b": "src:b:Q2"}).json()
    assert rejected["status"] == "rejected"
    assert api.get("/api/v1/identity/pending").json()["total"] == 0

    assert api.post("/api/v1/identity/confirm", json={"a": "src:a:P1", "b": "src:x:nobody"}).status_code == 404
    assert api.post("/api/v1/identity/confirm", role="judge", json={"a": "src:a:P1", "b": "src:b:Q1"}
                    ).status_code == 403
    assert api.get("/api/v1/identity/pending", role="case_system").status_code == 403
    actions = [(e["action"], e["actor"]) for e in audit_log.events(api.store, limit=100)
               if e["action"] in ("identity.confirm", "identity.reject")]
    assert ("identity.confirm", "test-investigator") in actions and ("identity.reject", "test-admin") in actions
    refused = [e for e in audit_log.events(api.store, action="identity.confirm", limit=10)
               if "refused" in json.loads(e["params"])]
    assert len(refused) == 1


def test_confirming_two_different_valid_ids_is_a_conflict(api: Api) -> None:
    tn.parties(api.graph, [("id:110101199003074477", "赵敏", "person"), ("id:110101199003074493", "赵敏", "person")])
    api.graph.write("MATCH (a:Party {uid: 'id:110101199003074477'}), (b:Party {uid: 'id:110101199003074493'}) "
                    "CREATE (a)-[:SAME_AS {status: 'pending', score: 0.7, method: 'splink', evidence: []}]->(b)")
    res = api.post("/api/v1/identity/confirm", json={"a": "id:110101199003074477", "b": "id:110101199003074493"})
    assert res.status_code == 409 and "different valid id numbers" in res.json()["detail"]
