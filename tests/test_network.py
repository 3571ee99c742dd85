"""Network analytics on hand-built graphs in the real Neo4j, answers worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_model.db import Graph
from queries.network import (
    CACHE,
    NetworkError,
    brokers,
    claim_cycles,
    clear_caches,
    controlled_companies,
    controlled_view,
    cycle_subgraph,
    debtor_group,
    debtor_groups,
    load_version,
    paths_between,
    resolve_party,
    ultimate_controller,
)
from queries.network import groups as network_groups

# -- model-conformant fixtures, written as a load would write them ----------------------------------------------

LABEL = {"person": "Person", "company": "Company", "organization": "Organization"}
PARTY_RELATIONS = {"SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "DIRECTOR_OF", "SUPERVISOR_OF", "MANAGER_OF",
                   "ACTUAL_CONTROLLER_OF", "EMPLOYEE_OF", "SPOUSE_OF", "PARENT_OF", "SIBLING_OF", "RELATIVE_OF",
                   "GUARANTOR_OF"}


def parties(graph: Graph, rows: Iterable[tuple[str, ...]]) -> None:
    """(uid, name, kind[, entity_id]) each; the entity starts as the uid, as the loader does."""
    for row in rows:
        uid, name, kind = row[0], row[1], row[2]
        entity = row[3] if len(row) > 3 else uid
        source_key = uid[4:] if uid.startswith("src:") else f"t:{name}"
        graph.write(
            f"CREATE (p:Party:{LABEL[kind]} {{uid: $uid, entity_id: $entity, name: $name, names: [$name],"
            " kind: $kind, source_keys: [$key], sources: ['t'], first_loaded_at: datetime()}) SET p.id_number = $id",
            {"uid": uid, "entity": entity, "name": name, "kind": kind, "key": source_key,
             "id": uid[3:] if uid.startswith("id:") else None})


def rel(graph: Graph, a: str, rtype: str, b: str, **props: Any) -> None:
    assert rtype in PARTY_RELATIONS
    graph.write(f"MATCH (a:Party {{uid: $a}}), (b:Party {{uid: $b}}) CREATE (a)-[r:{rtype}]->(b) SET r += $props",
                {"a": a, "b": b, "props": {"sources": ["t"], **props}})


def case(graph: Graph, case_no: str, applicant: str | None, respondents: list[str], status: str = "pending",
         outstanding: float | None = 100_000.0, court_code: str = "沪0104", filed_on: str = "2024-03-05") -> None:
    graph.write(
        "CREATE (c:Case {case_no: $case_no, loaded: true, kind: 'enforcement', status: $status, court_code: $court,"
        " filed_on: date($filed_on), outstanding: $outstanding, sources: ['t']})",
        {"case_no": case_no, "status": status, "court": court_code, "filed_on": filed_on, "outstanding": outstanding})
    if applicant:
        graph.write("MATCH (p:Party {uid: $p}), (c:Case {case_no: $c}) CREATE (p)-[:APPLICANT_IN]->(c)",
                    {"p": applicant, "c": case_no})
    for respondent in respondents:
        graph.write("MATCH (p:Party {uid: $p}), (c:Case {case_no: $c}) CREATE (p)-[:RESPONDENT_IN]->(c)",
                    {"p": respondent, "c": case_no})


def receivable(graph: Graph, uid: str, owner: str, debtor: str, value: float | None) -> None:
    graph.write(
        "MATCH (o:Party {uid: $owner}), (d:Party {uid: $debtor}) CREATE (o)-[:OWNS]->"
        "(a:Asset {uid: $uid, asset_id: $uid, kind: 'receivable', value: $value, sources: ['t']})-[:OWED_BY]->(d)",
        {"uid": uid, "owner": owner, "debtor": debtor, "value": value})


def contact(graph: Graph, label: str, value: str, holders: list[str]) -> None:
    rtype, key = ("HAS_PHONE", "number") if label == "Phone" else ("HAS_ADDRESS", "text")
    graph.write(f"MERGE (x:{label} {{{key}: $v}}) WITH x UNWIND $holders AS h"
                f" MATCH (p:Party {{uid: h}}) CREATE (p)-[:{rtype}]->(x)", {"v": value, "holders": holders})


def export(graph: Graph, source: str = "t") -> None:
    """A finished load of ``source``, as the loader records it."""
    graph.write("MERGE (e:Export {source: $s}) ON CREATE SET e.first_loaded_at = datetime()"
                " SET e.last_loaded_at = datetime(), e.completed = true", {"s": source})


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


# -- equity penetration -----------------------------------------------------------------------------------------

def equity_with_cross_holding(graph: Graph) -> None:
    """T is held by B 50 %, C 40 %, the state S 10 %; B and C cross-hold (C 30 % of B, B 20 % of C);
    holding company H holds 70 % of B and is wholly owned by 张三; 李四 holds 80 % of C."""
    parties(graph, [("id:T", "目标公司", "company"), ("id:B", "乙公司", "company"), ("id:C", "丙公司", "company"),
                    ("id:H", "控股公司", "company"), ("id:P", "张三", "person"), ("id:Q", "李四", "person"),
                    ("id:S", "某区国资委", "organization")])
    for holder, company, share in [("id:B", "id:T", 0.5), ("id:C", "id:T", 0.4), ("id:S", "id:T", 0.1),
                                   ("id:C", "id:B", 0.3), ("id:B", "id:C", 0.2), ("id:H", "id:B", 0.7),
                                   ("id:P", "id:H", 1.0), ("id:Q", "id:C", 0.8)]:
        rel(graph, holder, "SHAREHOLDER_OF", company, share=share)
    export(graph)


def test_cumulative_shares_through_a_cross_holding_cycle(graph: Graph) -> None:
    equity_with_cross_holding(graph)
    result = ultimate_controller(graph, "id:T")
    ultimate = {h.party.uid: h for h in result.holders}
    # 张三: H→B→T 1×0.7×0.5 = 0.35, plus H→B→C→T 1×0.7×0.2×0.4 = 0.056
    # 李四: C→T 0.8×0.4 = 0.32, plus C→B→T 0.8×0.3×0.5 = 0.12; the loop B→C→B is never walked
    assert set(ultimate) == {"id:P", "id:Q", "id:S"}
    assert ultimate["id:P"].share == pytest.approx(0.406)
    assert ultimate["id:Q"].share == pytest.approx(0.44)
    assert ultimate["id:S"].share == pytest.approx(0.1)
    assert (ultimate["id:P"].paths, ultimate["id:Q"].paths, ultimate["id:S"].paths) == (2, 2, 1)
    assert ultimate["id:P"].terminal == "natural_person"
    assert ultimate["id:S"].terminal == "state_or_organization"
    middle = {h.party.uid: h.share for h in result.intermediates}
    assert middle == pytest.approx({"id:B": 0.58, "id:C": 0.55, "id:H": 0.406})
    # nobody above reaches 50 % cumulatively, but 乙公司 holds 58 % and 张三 holds 70 % of 乙公司
    assert result.controller is not None and result.controller.uid == "id:P"
    assert result.rule == "via_majority_holder" and result.share == pytest.approx(0.406)
    assert [p.uid for p in result.chain] == ["id:T", "id:B"]
    assert result.reason == "乙公司 累计持有 目标公司 58%，张三 累计持有 乙公司 70%，达到50%"
    assert "simple paths" in result.algorithm["name"]
    assert not result.truncated
    names = {n.properties["name"] for n in result.subgraph.nodes.values()}
    assert names == {"目标公司", "乙公司", "丙公司", "控股公司", "张三", "李四", "某区国资委"}
    assert len(result.subgraph.relationships) == 8
    assert json.dumps(result.to_json(), ensure_ascii=False)


def test_declared_actual_controller_decides_before_shares(graph: Graph) -> None:
    equity_with_cross_holding(graph)
    parties(graph, [("id:W", "王五", "person")])
    rel(graph, "id:W", "ACTUAL_CONTROLLER_OF", "id:T")
    result = ultimate_controller(graph, "id:T", use_cache=False)
    assert result.controller is not None and result.controller.uid == "id:W"
    assert result.rule == "actual_controller" and result.share is None
    # an actual controller relation that ended no longer decides
    graph.write("MATCH (:Party {uid: 'id:W'})-[r:ACTUAL_CONTROLLER_OF]->() SET r.until = date('2020-01-01')")
    assert ultimate_controller(graph, "id:T", use_cache=False).rule == "via_majority_holder"
    # with the holding company down to 40 % of 乙公司, 乙公司 has no controller; 丙公司 (55 % of 目标公司)
    # is still 80 % 李四's
    graph.write("MATCH (:Party {uid: 'id:H'})-[r:SHAREHOLDER_OF]->(:Party {uid: 'id:B'}) SET r.share = 0.4")
    result = ultimate_controller(graph, "id:T", use_cache=False)
    assert result.controller is not None and result.controller.uid == "id:Q"
    assert result.rule == "via_majority_holder" and [p.uid for p in result.chain] == ["id:T", "id:C"]
    # and with 李四 down to 40 % of 丙公司 nobody controls a majority holder: the largest ultimate holder decides,
    # 张三 with 0.4×0.5 + 0.4×0.2×0.4 = 23.2 % (李四: 0.4×0.4 + 0.4×0.3×0.5 = 22 %)
    graph.write("MATCH (:Party {uid: 'id:Q'})-[r:SHAREHOLDER_OF]->(:Party {uid: 'id:C'}) SET r.share = 0.4")
    result = ultimate_controller(graph, "id:T", use_cache=False)
    assert result.controller is not None and result.controller.uid == "id:P"
    assert (result.rule, result.share) == ("largest", pytest.approx(0.232))
    assert [h.share for h in result.holders] == pytest.approx([0.232, 0.22, 0.1])


def test_parties_of_one_legal_person_count_as_one(graph: Graph) -> None:
    """赵六 is two parties that identity linking joined; two exports give the same 30 % holding of 明华公司
    (counted once), and one of them alone holds 60 % of 华南公司."""
    parties(graph, [("id:M", "明华公司", "company"), ("id:N", "华南公司", "company"), ("id:P1", "赵六", "person"),
                    ("src:b:7", "赵六", "person", "id:P1"), ("id:R", "钱七", "person")])
    rel(graph, "id:P1", "SHAREHOLDER_OF", "id:M", share=0.3)
    rel(graph, "src:b:7", "SHAREHOLDER_OF", "id:M", share=0.3)
    rel(graph, "id:R", "SHAREHOLDER_OF", "id:M", share=0.4)
    rel(graph, "src:b:7", "SHAREHOLDER_OF", "id:N", share=0.6)
    export(graph)
    result = ultimate_controller(graph, "id:M")
    assert [(h.party.entity_id, round(h.share, 6)) for h in result.holders] == [("id:R", 0.4), ("id:P1", 0.3)]
    assert result.rule == "largest" and result.controller.uid == "id:R"  # type: ignore[union-attr]
    other = ultimate_controller(graph, "id:N")
    assert other.rule == "majority" and other.controller.entity_id == "id:P1"  # type: ignore[union-attr]
    # what 赵六 controls, asked through either of his parties
    assert [c.company.uid for c in controlled_companies(graph, "id:P1")] == ["id:N"]
    assert [c.company.uid for c in controlled_companies(graph, "b:7")] == ["id:N"]


def test_controlled_companies_by_each_rule(graph: Graph) -> None:
    parties(graph, [("id:W", "王五", "person"), ("id:X1", "一号公司", "company"), ("id:X2", "二号公司", "company"),
                    ("id:Y", "亚公司", "company"), ("id:Y2", "亚子公司", "company"), ("id:Z1", "泽一公司", "company"),
                    ("id:Z2", "泽二公司", "company"), ("id:K", "凯公司", "company"), ("id:V", "维公司", "company"),
                    ("id:A", "甲某", "person"), ("id:B", "乙某", "person"), ("id:C", "丙某", "person")])
    rel(graph, "id:W", "SHAREHOLDER_OF", "id:X1", share=0.6)
    rel(graph, "id:X1", "SHAREHOLDER_OF", "id:X2", share=0.6)  # 王五 holds 36 %, controls it through 一号公司
    rel(graph, "id:W", "ACTUAL_CONTROLLER_OF", "id:Y")
    rel(graph, "id:Y", "SHAREHOLDER_OF", "id:Y2", share=1.0)
    rel(graph, "id:W", "LEGAL_REPRESENTATIVE_OF", "id:Z1")
    for holder, share in [("id:A", 0.3), ("id:B", 0.3), ("id:C", 0.4)]:
        rel(graph, holder, "SHAREHOLDER_OF", "id:Z1", share=share)
    rel(graph, "id:W", "LEGAL_REPRESENTATIVE_OF", "id:Z2")
    rel(graph, "id:K", "SHAREHOLDER_OF", "id:Z2", share=0.7)  # 凯公司 holds a majority: not 王五's
    rel(graph, "id:W", "SHAREHOLDER_OF", "id:V", share=0.3)
    export(graph)
    found = {c.company.uid: c for c in controlled_companies(graph, "id:W")}
    assert set(found) == {"id:X1", "id:X2", "id:Y", "id:Y2", "id:Z1"}
    assert (found["id:X1"].rule, found["id:X1"].share) == ("majority", pytest.approx(0.6))
    assert found["id:X2"].rule == "via_controlled" and found["id:X2"].via is not None
    assert found["id:X2"].via.uid == "id:X1" and found["id:X2"].share == pytest.approx(0.36)
    assert found["id:Y"].rule == "actual_controller"
    assert found["id:Y2"].rule == "via_controlled" and found["id:Y2"].via.uid == "id:Y"  # type: ignore[union-attr]
    assert found["id:Z1"].rule == "legal_representative"
    view = controlled_view(graph, "id:W")
    assert "legal_representative" in view.algorithm["name"]
    assert view.subgraph.subject is not None
    # the forward view of 二号公司 agrees on who is above it
    above = ultimate_controller(graph, "id:X2")
    assert above.controller is not None and above.controller.uid == "id:W" and above.rule == "via_majority_holder"


def test_equity_penetration_needs_a_company(graph: Graph) -> None:
    parties(graph, [("id:P", "张三", "person")])
    with pytest.raises(NetworkError, match="person"):
        ultimate_controller(graph, "id:P")


# -- parties by reference -------------------------------------------------------------------------------------

def test_parties_are_found_by_uid_id_number_and_source_key(graph: Graph) -> None:
    parties(graph, [("id:91310000MA1FL0000X", "上海甲公司", "company"), ("src:court2:p9", "无证人", "person")])
    assert resolve_party(graph, "91310000MA1FL0000X").uid == "id:91310000MA1FL0000X"
    assert resolve_party(graph, "id:91310000MA1FL0000X").name == "上海甲公司"
    assert resolve_party(graph, "court2:p9").uid == "src:court2:p9"
    assert resolve_party(graph, "t:上海甲公司").uid == "id:91310000MA1FL0000X"  # a source key of an id'd party
    with pytest.raises(NetworkError, match="no party 'court9:x'"):
        resolve_party(graph, "court9:x")


# -- debtor groups and brokers ------------------------------------------------------------------------------------

def two_debtor_communities(graph: Graph) -> None:
    """债务人1–4 share a phone, 债务人5–8 an address; 中间人 (no debt) is legal representative of 1 and 5.
    A phone used by seven parties (3 and 6 among them) is a hub and links nobody."""
    debtors = [(f"id:D{i}", f"债务人{i}", "company") for i in range(1, 9)]
    fillers = [(f"id:F{i}", f"路人{i}", "person") for i in range(1, 6)]
    parties(graph, [*debtors, ("id:X", "中间人", "person"), ("id:BANK", "某银行", "company"), *fillers])
    contact(graph, "Phone", "13800000001", ["id:D1", "id:D2", "id:D3", "id:D4"])
    contact(graph, "Address", "上海市徐汇区某路1号", ["id:D5", "id:D6", "id:D7", "id:D8"])
    contact(graph, "Phone", "13900000000", ["id:D3", "id:D6", *[f[0] for f in fillers]])
    rel(graph, "id:X", "LEGAL_REPRESENTATIVE_OF", "id:D1")
    rel(graph, "id:X", "LEGAL_REPRESENTATIVE_OF", "id:D5")
    courts = ["沪0104", "沪0105", "沪0106", "沪0107"]
    for i in range(1, 5):
        case(graph, f"(2024)沪执{i}号", "id:BANK", [f"id:D{i}"], court_code=courts[i - 1],
             outstanding=None if i == 2 else 100_000.0)
    case(graph, "(2023)沪执99号", "id:BANK", ["id:D1"], status="concluded", outstanding=9_000_000.0)
    for i in range(5, 9):
        case(graph, f"(2024)苏执{i}号", "id:BANK", [f"id:D{i}"], court_code="苏0508", outstanding=500_000.0,
             status="terminated_no_assets")
    export(graph)


def test_debtor_groups_ranked_by_debt_and_by_courts(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    two_debtor_communities(graph)
    # debtors are pulled in chunks; a phone shared across chunks (债务人4 is in the second) still links
    monkeypatch.setattr(network_groups, "CHUNK", 3)
    result = debtor_groups(graph, hub_degree=5)
    assert result.debtors == 8
    assert len(result.groups) == 2
    first, second = result.groups
    assert {m.party.uid for m in first.members if m.debtor} == {"id:D5", "id:D6", "id:D7", "id:D8"}
    assert {m.party.uid for m in second.members if m.debtor} == {"id:D1", "id:D2", "id:D3", "id:D4"}
    assert first.total_outstanding == 2_000_000.0 and first.courts == ["苏0508"]
    # the concluded case is closed; the case with unknown outstanding counts as open, amount unknown
    assert second.total_outstanding == 300_000.0 and second.unknown_amount_cases == 1 and second.open_cases == 4
    assert second.courts == ["沪0104", "沪0105", "沪0106", "沪0107"]
    d2 = next(m for m in second.members if m.party.uid == "id:D2")
    assert (d2.open_cases, d2.outstanding, d2.unknown_amount_cases) == (1, 0.0, 1)
    assert (first.rank_by_outstanding, first.rank_by_courts) == (1, 2)
    assert (second.rank_by_outstanding, second.rank_by_courts) == (2, 1)
    by_courts = debtor_groups(graph, hub_degree=5, by="courts", top=1)
    assert [g.group_id for g in by_courts.groups] == [second.group_id]
    assert {"kind": "phone", "value": "13900000000", "degree": 7} in result.hubs
    assert result.algorithm["parameters"]["community"]["name"]


def test_the_broker_between_two_groups_ranks_first(graph: Graph) -> None:
    two_debtor_communities(graph)
    result = brokers(graph, "id:D2", hub_degree=5)
    assert result.network_size == 9
    top = result.brokers[0]
    # 中间人 lies on the 16 shortest paths between the two groups (债务人1 on 15): 16 × 2 / (8 × 7)
    assert top.party.uid == "id:X" and not top.debtor
    assert top.betweenness == pytest.approx(16 * 2 / 56)
    assert top.communities_bridged == 2
    assert result.brokers[1].party.uid in {"id:D1", "id:D5"}
    assert result.brokers[1].betweenness == pytest.approx(15 * 2 / 56)
    assert "betweenness_centrality" in result.algorithm["name"]
    uids = {n.properties.get("uid") for n in result.subgraph.nodes.values()}
    assert {"id:X", "id:D1", "id:D8"} <= uids


def test_group_view_of_a_debtor_is_its_subgraph(graph: Graph) -> None:
    two_debtor_communities(graph)
    view = debtor_group(graph, "id:D6", hub_degree=5)
    assert view.group is not None and view.group.debtors == 4
    kinds = {n.kind for n in view.subgraph.nodes.values()}
    assert {"Company", "Address", "Case"} <= kinds
    addresses = [n for n in view.subgraph.nodes.values() if n.kind == "Address"]
    assert [a.properties["text"] for a in addresses] == ["上海市徐汇区某路1号"]  # the hub phone is not drawn
    subject = view.subgraph.nodes[view.subgraph.subject]  # type: ignore[index]
    assert subject.properties["uid"] == "id:D6"
    with pytest.raises(NetworkError, match="not in the debtor network"):
        debtor_group(graph, "id:F1", hub_degree=5)


# -- circular claims -----------------------------------------------------------------------------------------------

def test_a_three_party_debt_cycle_is_found_with_its_amounts(graph: Graph) -> None:
    parties(graph, [(f"id:{x}", f"{x}公司", "company") for x in "ABCDEF"])
    case(graph, "(2023)沪执1号", "id:A", ["id:B"], outstanding=100_000.0, filed_on="2023-01-10")
    case(graph, "(2023)沪执2号", "id:B", ["id:C"], outstanding=80_000.0, filed_on="2023-02-20", status="suspended")
    receivable(graph, "t:r1", "id:C", "id:A", 50_000.0)  # C is owed by A
    # a chain D → E → F whose closing claim F → D is concluded: not a cycle
    case(graph, "(2023)沪执3号", "id:D", ["id:E"])
    case(graph, "(2023)沪执4号", "id:E", ["id:F"])
    case(graph, "(2023)沪执5号", "id:F", ["id:D"], status="concluded")
    export(graph)
    result = claim_cycles(graph)
    assert len(result.cycles) == 1
    cycle = result.cycles[0]
    assert [p.uid for p in cycle.parties] == ["id:A", "id:B", "id:C"]
    assert [(e.creditor.uid, e.debtor.uid, e.amount) for e in cycle.edges] == [
        ("id:A", "id:B", 100_000.0), ("id:B", "id:C", 80_000.0), ("id:C", "id:A", 50_000.0)]
    assert cycle.amount == 50_000.0
    assert cycle.edges[2].claims[0].kind == "receivable"
    assert cycle.to_json()["first_date"] == "2023-01-10" and cycle.to_json()["last_date"] == "2023-02-20"
    assert result.algorithm["parameters"]["length_bound"] == 4
    assert claim_cycles(graph, party_ref="id:D").cycles == []
    assert len(claim_cycles(graph, party_ref="id:B").cycles) == 1
    assert claim_cycles(graph, max_length=2).cycles == []
    sub = cycle_subgraph(graph, cycle)
    assert {n.kind for n in sub.nodes.values()} == {"Company", "Case", "Asset"}
    assert len(sub.relationships) == 6


# -- paths -------------------------------------------------------------------------------------------------------

def path_graph(graph: Graph) -> None:
    """张三 holds 60 % of 上海甲公司, which shares a phone with 李四; 张三 and 李四 also share an address
    that five other parties use too (a hub at hub_degree 5)."""
    fillers = [(f"id:F{i}", f"路人{i}", "person") for i in range(1, 6)]
    parties(graph, [("id:ZS", "张三", "person"), ("id:LS", "李四", "person"), ("id:JIA", "上海甲公司", "company"),
                    *fillers])
    rel(graph, "id:ZS", "SHAREHOLDER_OF", "id:JIA", share=0.6)
    contact(graph, "Phone", "13812345678", ["id:JIA", "id:LS"])
    contact(graph, "Address", "上海市浦东新区某大厦", ["id:ZS", "id:LS", *[f[0] for f in fillers]])
    export(graph)


def test_paths_avoid_hubs_unless_asked(graph: Graph) -> None:
    path_graph(graph)
    # alerts pointing at 上海甲公司 do not make it a hub: only the links a path may use count
    graph.write("MATCH (p:Party {uid: 'id:JIA'}) UNWIND range(1, 6) AS i"
                " CREATE (:Alert {key: 'd:' + toString(i), detector: 'd', status: 'new'})-[:EVIDENCE]->(p)")
    result = paths_between(graph, "id:ZS", "id:LS", k=3, max_hops=4, hub_degree=5)
    assert [p.sentence for p in result.paths] == [
        "张三 是 上海甲公司 的股东（持股60%），上海甲公司 与 李四 共用电话 13812345678。"]
    assert result.paths[0].hops == 3
    assert [h["name"] for h in result.hubs] == ["上海市浦东新区某大厦"]
    assert len(result.subgraph.relationships) == 3
    assert paths_between(graph, "id:ZS", "id:LS", max_hops=2, hub_degree=5).paths == []

    crossing = paths_between(graph, "id:ZS", "id:LS", k=3, max_hops=4, hub_degree=5, cross_hubs=True)
    assert [p.sentence for p in crossing.paths] == [
        "张三 与 李四 共用地址 上海市浦东新区某大厦。",
        "张三 是 上海甲公司 的股东（持股60%），上海甲公司 与 李四 共用电话 13812345678。"]
    assert crossing.paths[0].nodes[1]["hub"] is True
    assert crossing.algorithm["parameters"]["cross_hubs"] is True
    # under a higher threshold the address is no hub and is crossed
    assert paths_between(graph, "id:ZS", "id:LS", k=1, hub_degree=50).paths[0].hops == 2


def test_k_shortest_paths_include_a_longer_one_meeting_in_the_middle(graph: Graph) -> None:
    """The second path runs through 乙公司, which both ends reach: it must be expanded from 李四's side too."""
    parties(graph, [("id:ZS", "张三", "person"), ("id:LS", "李四", "person"), ("id:A", "甲公司", "company"),
                    ("id:B", "乙公司", "company"), ("id:Y", "丙公司", "company"), ("id:X", "丁公司", "company")])
    rel(graph, "id:ZS", "SHAREHOLDER_OF", "id:A", share=0.6)
    rel(graph, "id:A", "SHAREHOLDER_OF", "id:B", share=0.51)
    rel(graph, "id:LS", "LEGAL_REPRESENTATIVE_OF", "id:B")
    rel(graph, "id:ZS", "DIRECTOR_OF", "id:Y")
    rel(graph, "id:Y", "SHAREHOLDER_OF", "id:X", share=0.3)
    rel(graph, "id:X", "SHAREHOLDER_OF", "id:B", share=0.49)
    export(graph)
    result = paths_between(graph, "id:ZS", "id:LS", k=3, max_hops=4)
    assert [p.sentence for p in result.paths] == [
        "张三 是 甲公司 的股东（持股60%），甲公司 是 乙公司 的股东（持股51%），李四 是 乙公司 的法定代表人。",
        "张三 是 丙公司 的董事，丙公司 是 丁公司 的股东（持股30%），丁公司 是 乙公司 的股东（持股49%），"
        "李四 是 乙公司 的法定代表人。"]
    assert [p.hops for p in result.paths] == [3, 4]


def test_paths_between_one_legal_person_are_refused(graph: Graph) -> None:
    parties(graph, [("id:P1", "赵六", "person"), ("src:b:7", "赵六", "person", "id:P1")])
    with pytest.raises(NetworkError, match="same legal person"):
        paths_between(graph, "id:P1", "b:7")


# -- cache -------------------------------------------------------------------------------------------------------

def test_results_are_cached_until_a_new_load(graph: Graph) -> None:
    equity_with_cross_holding(graph)
    before = load_version(graph)
    first = ultimate_controller(graph, "id:T")
    assert first.rule == "via_majority_holder"
    # a change without a load is not seen: the cached result is returned
    parties(graph, [("id:NEW", "孙八", "person")])
    rel(graph, "id:NEW", "ACTUAL_CONTROLLER_OF", "id:T")
    assert ultimate_controller(graph, "id:T") is first
    assert CACHE.hits == 1
    # a new export load changes the load version, and the result is computed afresh
    export(graph, "court-2")
    assert load_version(graph) != before
    again = ultimate_controller(graph, "id:T")
    assert again is not first and again.rule == "actual_controller" and again.controller.uid == "id:NEW"  # type: ignore[union-attr]
    # identity links change it too
    graph.write("MATCH (a:Party {uid: 'id:P'}), (b:Party {uid: 'id:Q'}) CREATE (a)-[:SAME_AS {score: 0.4, "
                "method: 'name', status: 'pending'}]->(b)")
    assert ultimate_controller(graph, "id:T") is not again


# -- command line --------------------------------------------------------------------------------------------------

def test_cli_controller_paths_and_groups(graph: Graph) -> None:
    from api.cli import app

    equity_with_cross_holding(graph)
    runner = CliRunner()
    done = runner.invoke(app, ["network", "controller", "id:T", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["controller"]["uid"] == "id:P" and data["rule"] == "via_majority_holder"
    assert data["algorithm"]["name"] and "subgraph" in data
    human = runner.invoke(app, ["network", "controller", "T"])
    assert human.exit_code == 0, human.output
    assert "张三" in human.stdout and "44%" in human.stdout and "经控股50%以上的公司" in human.stdout
    missing = runner.invoke(app, ["network", "controller", "nobody"])
    assert missing.exit_code != 0 and "no party 'nobody'" in missing.stderr

    controlled = runner.invoke(app, ["network", "controlled", "id:P", "--json"])
    assert controlled.exit_code == 0, controlled.output
    assert {c["company"]["uid"] for c in json.loads(controlled.stdout)["companies"]} == {"id:H", "id:B", "id:T"}

    paths = runner.invoke(app, ["network", "paths", "id:P", "id:Q", "--k", "1", "--max-hops", "4"])
    assert paths.exit_code == 0, paths.output
    assert "张三 是 控股公司 的股东（持股100%）" in paths.stdout

    groups = runner.invoke(app, ["network", "groups", "--top", "5", "--json"])
    assert groups.exit_code == 0, groups.output
    assert json.loads(groups.stdout)["groups"] == []
    cycles = runner.invoke(app, ["network", "cycles"])
    assert cycles.exit_code == 0, cycles.output
    assert "未发现" in cycles.stdout


def test_cli_groups_group_and_brokers(graph: Graph) -> None:
    from api.cli import app

    two_debtor_communities(graph)
    runner = CliRunner()
    done = runner.invoke(app, ["network", "groups", "--hub-degree", "5", "--by", "courts", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert [g["court_count"] for g in data["groups"]] == [4, 1]
    human = runner.invoke(app, ["network", "group", "id:D2", "--hub-degree", "5"])
    assert human.exit_code == 0, human.output
    assert "债务人2（id:D2）" in human.stdout and "另 1 件金额未知" in human.stdout
    top = runner.invoke(app, ["network", "brokers", "id:D7", "--hub-degree", "5", "--top", "1", "--json"])
    assert top.exit_code == 0, top.output
    assert [b["party"]["uid"] for b in json.loads(top.stdout)["brokers"]] == ["id:X"]
    outsider = runner.invoke(app, ["network", "brokers", "id:F1", "--hub-degree", "5"])
    assert outsider.exit_code == 1 and "not in the debtor network" in outsider.stderr
