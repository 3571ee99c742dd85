"""Party and case endpoints over a small model-conformant enforcement story (see api_helpers.STORY)."""

from __future__ import annotations

from urllib.parse import quote

import api_helpers
from api_helpers import CO, ENF, LS, QQ, WW, ZL, ZS

from api.parties import party_network, relation_paths
from graph_model.db import Graph

api = api_helpers.api
Api = api_helpers.Api


def _story(api: Api) -> Api:
    api_helpers.build_story(api.graph)
    return api


def test_search_by_name_id_number_and_party_id(api: Api) -> None:
    _story(api)
    hits = api.get("/api/v1/parties?name=张三", role="judge").json()["items"]
    assert hits[0]["uid"] == ZS and hits[0]["source_keys"] == ["courtA:P1", "courtB:X7"]
    company = api.get("/api/v1/parties?name=贸易", role="judge").json()["items"]
    assert [h["uid"] for h in company] == [CO]
    by_id = api.get("/api/v1/parties?id_number=110101199003074477", role="judge").json()["items"]
    assert [h["uid"] for h in by_id] == [ZS]
    by_key = api.get("/api/v1/parties?party_id=courtB:X7", role="judge").json()["items"]
    assert [h["uid"] for h in by_key] == [ZS]
    lucene = api.get("/api/v1/parties?name=" + quote('张三" OR *:('), role="judge")
    assert lucene.status_code == 200  # Lucene syntax is escaped, not a 500
    both = api.get("/api/v1/parties?name=张三&id_number=110101199003074477", role="judge")
    assert both.status_code == 422


def test_search_pages(api: Api) -> None:
    _story(api)
    api.graph.write("UNWIND range(1, 5) AS i CREATE (:Party:Person {uid: 'src:x:' + i, name: '测试人' + i, "
                    "kind: 'person', source_keys: ['x:' + i]})")
    first = api.get("/api/v1/parties?name=测试人&page_size=2", role="judge").json()
    last = api.get("/api/v1/parties?name=测试人&page_size=2&page=3", role="judge").json()
    assert len(first["items"]) == 2 and first["has_more"]
    assert len(last["items"]) == 1 and not last["has_more"]


def test_profile_shows_every_source_record(api: Api) -> None:
    _story(api)
    body = api.get(f"/api/v1/parties/{ZS}", role="judge").json()
    assert body["party"]["source_keys"] == ["courtA:P1", "courtB:X7"]
    assert body["party"]["names"] == ["张三", "张叁"] and body["kinds"] == ["Person"]
    assert body["phones"] == ["13800138000"] and body["addresses"] == ["上海市徐汇区漕溪北路1号"]
    assert body["case_counts"]["respondent"] == 1 and body["case_counts"]["applicant"] == 1
    flagged = api.get(f"/api/v1/parties/{LS}", role="judge").json()["party"]
    assert flagged["id_invalid"] is True and flagged["id_number_raw"] == "110101199003074470"


def test_cases_by_role_with_status_and_outstanding(api: Api) -> None:
    _story(api)
    body = api.get(f"/api/v1/parties/{ZS}/cases", role="judge").json()
    assert [c["case_no"] for c in body["respondent"]] == [ENF]
    assert body["respondent"][0]["outstanding"] == 150000.0 and body["respondent"][0]["fees_unpaid"] == 1200.0
    assert body["respondent"][0]["others"] == [{"uid": LS, "name": "李四", "role": "applicant"}]
    assert [c["case_no"] for c in body["applicant"]] == ["(2024)苏0508执88号"]
    assert [(c["role"], c["case_no"]) for c in body["other"]] == [("defendant", "(2023)沪0104民初567号")]
    only = api.get(f"/api/v1/parties/{ZS}/cases?role=applicant", role="judge").json()
    assert only["respondent"] == [] and len(only["applicant"]) == 1
    assert api.get(f"/api/v1/parties/{WW}/cases?role=plaintiff", role="judge").json()["other"] == []


def test_network_depth_types_and_hub_flag(api: Api) -> None:
    _story(api)
    one = api.get(f"/api/v1/parties/{ZS}/network?depth=1", role="judge").json()
    uids = {n["properties"].get("uid") for n in one["nodes"]}
    assert {ZS, CO} <= uids and ZL not in uids  # 赵六 is two hops away, through the shared phone
    assert one["subject"] in {n["id"] for n in one["nodes"]} and one["truncated"] is False
    assert {r["type"] for r in one["relationships"]} == {"SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF",
                                                         "HAS_PHONE", "HAS_ADDRESS"}
    two = api.get(f"/api/v1/parties/{ZS}/network?depth=2", role="judge").json()
    assert {ZL, QQ} <= {n["properties"].get("uid") for n in two["nodes"]}
    shares = api.get(f"/api/v1/parties/{ZS}/network?depth=3&types=SHAREHOLDER_OF", role="judge").json()
    assert {n["properties"].get("uid") for n in shares["nodes"]} == {ZS, CO}

    # The phone becomes a hub: shown, not expanded, and the answer says it was cut.
    api.graph.write("MATCH (ph:Phone {number: '13800138000'}) UNWIND range(1, 6) AS i "
                    "CREATE (:Party:Person {uid: 'src:hub:' + i, name: '号码共用' + i, kind: 'person'})-[:HAS_PHONE]->(ph)")
    hub = api.get(f"/api/v1/parties/{ZS}/network?depth=2&max_degree=5", role="judge").json()
    hub_uids = {n["properties"].get("uid") for n in hub["nodes"]}
    phone_id = next(n["id"] for n in hub["nodes"] if n["kind"] == "Phone")
    assert hub["truncated"] is True and hub["hubs"] == [phone_id]
    assert ZL not in hub_uids and "src:hub:1" not in hub_uids and QQ in hub_uids
    capped = api.get(f"/api/v1/parties/{ZS}/network?depth=2&limit=2", role="judge").json()
    assert capped["capped"] is True and capped["truncated"] is True and len(capped["nodes"]) == 3
    assert api.get("/api/v1/parties/id:none/network", role="judge").status_code == 404
    assert api.get(f"/api/v1/parties/{ZS}/network?types=OWNS", role="judge").status_code == 422


def test_library_network_is_a_subgraph(graph: Graph) -> None:
    api_helpers.build_story(graph)
    net = party_network(graph, ZS, depth=1)
    assert net.subgraph.nodes[net.subgraph.subject].properties["uid"] == ZS
    assert all(r.start in net.subgraph.nodes and r.end in net.subgraph.nodes for r in net.subgraph.relationships.values())


def test_asset_panorama(api: Api) -> None:
    _story(api)
    body = api.get(f"/api/v1/parties/{ZS}/assets?as_of=2025-12-31", role="judge").json()
    assert [a["uid"] for a in body["owned"]] == ["courtA:A2"]
    assert body["owned"][0]["freezes"][0]["kind"] == "freeze" and body["owned"][0]["freezes"][0]["in_force"]
    assert body["owned"][0]["freezes"][0]["case_no"] == ENF
    assert [c["case_no"] for c in body["receivables"]] == ["(2024)苏0508执88号"]
    assert body["receivables"][0]["debtors"] == [{"uid": WW, "name": "王五"}]
    equity = body["equity"][0]
    assert equity["company"]["uid"] == CO and equity["share"] == 0.6 and equity["relation"] == "shareholder"
    assert [a["uid"] for a in equity["assets"]] == ["courtA:A1"]
    assert equity["assets"][0]["freezes"][0]["kind"] == "seizure"
    # only the car given away within two years, not the 2019 one
    assert [t["asset"]["uid"] for t in body["transferred"]] == ["courtA:A3"]
    assert body["transferred"][0]["to"] == {"uid": ZL, "name": "赵六"} and body["transferred"][0]["price"] == 0.0
    assert body["totals"]["frozen_assets"] == 1 and body["totals"]["receivable_outstanding"] == 80000.0
    longer = api.get(f"/api/v1/parties/{ZS}/assets?as_of=2025-12-31&years=10", role="judge").json()
    assert len(longer["transferred"]) == 2
    empty = api.get(f"/api/v1/parties/{QQ}/assets", role="judge").json()
    assert empty["owned"] == [] and empty["equity"] == [] and empty["transferred"] == []
    assert api.get("/api/v1/parties/id:none/assets", role="judge").status_code == 404


def test_shared_contacts(api: Api) -> None:
    _story(api)
    items = api.get(f"/api/v1/parties/{ZS}/shared-contacts", role="judge").json()["items"]
    assert {(i["uid"], i["via"], i["value"]) for i in items} == {
        (ZL, "phone", "13800138000"), (QQ, "address", "上海市徐汇区漕溪北路1号")}
    assert api.get(f"/api/v1/parties/{WW}/shared-contacts", role="judge").json()["items"] == []


def test_relation_paths_with_hub_suppression(api: Api) -> None:
    _story(api)
    res = api.get(f"/api/v1/parties/{ZL}/paths/{QQ}", role="judge").json()
    assert [p["hops"] for p in res["paths"]] == [4]  # 赵六 –phone– 张三 –address– 钱七
    node_uids = [next(n["properties"].get("uid") for n in res["graph"]["nodes"] if n["id"] == i)
                 for i in res["paths"][0]["nodes"]]
    assert node_uids[0] == ZL and node_uids[2] == ZS and node_uids[-1] == QQ
    assert api.get(f"/api/v1/parties/{ZL}/paths/{QQ}?max_hops=3", role="judge").json()["paths"] == []
    # make 张三 a hub: the path through him is suppressed unless asked for
    api.graph.write(f"MATCH (z:Party {{uid: '{ZS}'}}) UNWIND range(1, 5) AS i "
                    "CREATE (z)-[:RELATIVE_OF]->(:Party:Person {uid: 'src:rel:' + i, name: '亲属' + i, kind: 'person'})")
    assert api.get(f"/api/v1/parties/{ZL}/paths/{QQ}?max_degree=5", role="judge").json()["paths"] == []
    forced = api.get(f"/api/v1/parties/{ZL}/paths/{QQ}?max_degree=5&include_hubs=true", role="judge").json()
    assert len(forced["paths"]) == 1
    assert api.get(f"/api/v1/parties/{ZL}/paths/id:none", role="judge").status_code == 404


def test_library_relation_paths(graph: Graph) -> None:
    api_helpers.build_story(graph)
    found = relation_paths(graph, ZS, CO, max_hops=1)
    assert sorted(len(p["relationships"]) for p in found.paths) == [1, 1]  # shareholder and legal representative


def test_case_detail(api: Api) -> None:
    _story(api)
    body = api.get(f"/api/v1/cases/{quote(ENF)}", role="case_system").json()
    assert body["case"]["outstanding"] == 150000.0
    assert {(p["uid"], p["role"]) for p in body["parties"]} == {(LS, "applicant"), (ZS, "respondent")}
    assert [(c["case_no"], c["depth"]) for c in body["origins"]] == [("(2023)沪0104民初567号", 1)]
    assert [(c["case_no"], c["depth"]) for c in body["derived"]] == [("(2025)沪0104执恢12号", 1)]
    assert {m["kind"] for m in body["measures"]} == {"seizure", "consumption_restriction", "freeze"}
    ban = next(m for m in body["measures"] if m["kind"] == "consumption_restriction")
    assert ban["party"] == {"uid": ZS, "name": "张三"}
    assert body["payments"][0]["amount"] == 50000.0
    assert body["auctions"][0]["asset"]["uid"] == "courtA:A1"
    restored = api.get(f"/api/v1/cases/{quote('(2025)沪0104执恢12号')}", role="judge").json()
    assert [(c["case_no"], c["depth"]) for c in restored["origins"]] == [(ENF, 1), ("(2023)沪0104民初567号", 2)]
    settled = api.get(f"/api/v1/cases/{quote('(2024)苏0508执88号')}", role="judge").json()
    assert settled["settlements"][0]["payee"] == {"uid": ZL, "name": "赵六"}
    fullwidth = api.get(f"/api/v1/cases/{quote('（2024）沪0104执1234号')}", role="judge")
    assert fullwidth.status_code == 200 and fullwidth.json()["case"]["case_no"] == ENF
    assert api.get(f"/api/v1/cases/{quote('(2099)沪0104执1号')}", role="judge").status_code == 404


def test_network_relation_types_follow_the_model() -> None:
    """The saved network queries spell the relation types out (degree counts need static types): keep them in step."""
    import re
    from pathlib import Path

    from graph_model.schema import MODEL
    from queries.registry import Registry

    expected = {r.type for r in MODEL.relationships.values() if r.relation} | {"SAME_AS", "HAS_PHONE", "HAS_ADDRESS"}
    registry = Registry()
    for name in ("party_network", "relation_paths"):
        query = registry.get(name)
        assert set(query.parameters["types"].choices) == expected
        assert set(query.parameters["types"].default) == expected
        text = (Path(__file__).resolve().parent.parent / "queries" / "saved" / f"{name}.cypher").read_text()
        statics = re.findall(r"\[\w*:((?:[A-Z_]+\|)+[A-Z_]+)\]", text)
        assert statics, name
        for static in statics:
            assert set(static.split("|")) == expected, name


def test_the_fixture_story_conforms_to_the_model(graph: Graph) -> None:
    """The hand-written story uses only labels, types and properties model.yaml declares."""
    from graph_model.schema import MODEL

    api_helpers.build_story(graph)
    for row in graph.read("MATCH (n) RETURN DISTINCT labels(n) AS labels, keys(n) AS keys"):
        main = next(label for label in row["labels"] if label in MODEL.nodes)
        assert set(row["labels"]) - {main} <= set(MODEL.nodes[main].extra_labels), row
        assert set(row["keys"]) <= set(MODEL.properties_of(main)), row
    for row in graph.read("MATCH (a)-[r]->(b) RETURN DISTINCT type(r) AS type, keys(r) AS keys, "
                          "labels(a) AS start, labels(b) AS end"):
        rel = MODEL.relationships[row["type"]]
        assert rel.start in row["start"] and (rel.end == "*" or rel.end in row["end"]), row
        assert set(row["keys"]) <= set(MODEL.properties_of(row["type"])), row
