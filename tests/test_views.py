"""Graph views without a browser: looks by kind, sizes, labels, escaping, offline page, cap, layout."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph_model.db import Graph
from graph_model.subgraph import GNode, GRel, Subgraph
from visualizations import labels as L
from visualizations import style
from visualizations.export import external_references
from visualizations.render import build_view, expand_link, outstanding_debts, render_html, view_data, write_view
from visualizations.samples import example_network

XSS_NAME = '<img src=x onerror=alert(1)></script><script>alert(2)</script>"\'&amp;'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def element_tags(html: str) -> list[str]:
    """The elements a browser's parser would create (script contents are not markup)."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def node(nid: str, labels: list[str], **props: object) -> GNode:
    return GNode(nid, labels, dict(props))


def sub_of(nodes: list[GNode], rels: list[tuple[str, str, str, dict]] | None = None, subject: str | None = None) -> Subgraph:
    sub = Subgraph(subject=subject)
    for n in nodes:
        sub.nodes[n.id] = n
    for i, (start, rel_type, end, props) in enumerate(rels or []):
        sub.relationships[f"r{i}"] = GRel(f"r{i}", rel_type, start, end, dict(props))
    return sub


def by_id(view_nodes: list[dict]) -> dict[str, dict]:
    return {n["id"]: n for n in view_nodes}


# --------------------------------------------------------------------------- looks


KIND_NODES = [
    node("person", ["Party", "Person"], name="张三", kind="person"),
    node("company", ["Company", "Party"], name="某某有限公司", kind="company"),
    node("org", ["Organization", "Party"], name="某某工会", kind="organization"),
    node("phone", ["Phone"], number="13812345678"),
    node("address", ["Address"], text="北京市朝阳区建国路88号"),
    node("settlement", ["Settlement"], uid="s", settled_amount=1000.0),
    node("measure", ["Measure"], uid="m", kind="freeze"),
    node("payment", ["Payment"], uid="p", amount=500.0),
    node("auction", ["Auction"], uid="a", result="unsold"),
    node("transfer", ["Transfer"], uid="t", transferred_on="2023-01-05"),
    node("detention", ["Detention"], uid="d", kind="detention"),
    node("alert", ["Alert"], key="k", detector="hidden_receivable"),
]


def test_each_kind_has_its_own_colour_and_shape() -> None:
    view = build_view(sub_of(KIND_NODES))
    nodes = by_id(view.nodes)
    looks = {(nodes[n.id]["shape"], nodes[n.id]["color"]["background"]) for n in KIND_NODES}
    assert len(looks) == len(KIND_NODES), "two kinds look the same"
    assert nodes["person"]["shape"] == "dot" and nodes["company"]["shape"] == "square"
    assert nodes["org"]["shape"] == "hexagon" and nodes["alert"]["shape"] == "star"
    for eid in ("settlement", "measure", "payment", "auction", "transfer", "detention"):
        assert nodes[eid]["shape"] == "box"
        assert nodes[eid]["font"]["strokeWidth"] == 0  # white text on the box stays readable
    assert nodes["measure"]["label"] == "冻结"
    assert nodes["auction"]["label"] == "拍卖 流拍"
    assert nodes["alert"]["label"] == "他案债权（到期债权）"
    assert nodes["phone"]["label"] == "138****5678"
    legend = {item["label"] for item in view.legend}
    assert {"自然人", "企业", "其他组织", "电话", "地址", "执行和解", "控制措施", "执行款", "司法拍卖", "财产转让", "羁押", "预警"} <= legend


def test_cases_are_coloured_by_status_and_labelled_in_chinese() -> None:
    statuses = list(L.CASE_STATUS_ZH)
    cases = [node(s, ["Case"], case_no=f"(2024)京0105执{i}号", status=s, kind="enforcement") for i, s in enumerate(statuses)]
    view = build_view(sub_of(cases))
    nodes = by_id(view.nodes)
    assert {nodes[s]["shape"] for s in statuses} == {"diamond"}
    assert len({nodes[s]["color"]["background"] for s in statuses}) == len(statuses)
    assert nodes["terminated_no_assets"]["label"] == "(2024)京0105执2号\n终本"
    assert nodes["terminated_no_assets"]["color"]["background"] == style.CASE_STATUS_COLORS["terminated_no_assets"]
    rows = dict(nodes["terminated_no_assets"]["tip"]["rows"])
    assert rows["案件状态"] == "终本" and rows["案件类型"] == "执行案件"
    assert "案件·终本" in {item["label"] for item in view.legend}


def test_assets_are_coloured_by_kind() -> None:
    assets = [node(k, ["Asset"], uid=k, kind=k, description="说明") for k in L.ASSET_KIND_ZH]
    nodes = by_id(build_view(sub_of(assets)).nodes)
    assert {nodes[k]["shape"] for k in L.ASSET_KIND_ZH} == {"triangle"}
    assert len({nodes[k]["color"]["background"] for k in L.ASSET_KIND_ZH}) == len(L.ASSET_KIND_ZH)
    assert nodes["receivable"]["label"] == "应收债权\n说明"


def test_party_size_follows_outstanding_debt_of_open_enforcement_cases() -> None:
    big = node("big", ["Company", "Party"], name="欠得多")
    small = node("small", ["Company", "Party"], name="欠得少")
    none = node("none", ["Company", "Party"], name="不欠")
    given = node("given", ["Person", "Party"], name="给定", outstanding_debt=5_000_000.0)
    cases = [
        node("c1", ["Case"], case_no="1", kind="enforcement", status="terminated_no_assets", outstanding=80_000_000.0),
        node("c2", ["Case"], case_no="2", kind="enforcement", status="pending", outstanding=20_000.0),
        node("c3", ["Case"], case_no="3", kind="enforcement", status="concluded", outstanding=9e9),  # closed
        node("c4", ["Case"], case_no="4", kind="civil", status="pending", outstanding=9e9),  # not enforcement
        node("c5", ["Case"], case_no="5", kind="enforcement", status="pending", outstanding=9e9),
    ]
    rels = [
        ("big", "RESPONDENT_IN", "c1", {}), ("big", "RESPONDENT_IN", "c2", {}),
        ("small", "RESPONDENT_IN", "c2", {}),
        ("none", "RESPONDENT_IN", "c3", {}), ("none", "RESPONDENT_IN", "c4", {}),
        ("none", "APPLICANT_IN", "c5", {}),  # being owed is not owing
    ]
    sub = sub_of([big, small, none, given, *cases], rels)
    debts = outstanding_debts(sub)
    assert debts == {"big": 80_020_000.0, "small": 20_000.0, "given": 5_000_000.0}
    nodes = by_id(build_view(sub).nodes)
    assert nodes["none"]["size"] == style.PARTY_LOOKS["Company"].size
    assert nodes["none"]["size"] < nodes["small"]["size"] < nodes["given"]["size"] < nodes["big"]["size"]
    assert dict(nodes["big"]["tip"]["rows"])["未履行金额"] == "¥80,020,000.00"


def test_subject_is_highlighted() -> None:
    sub = example_network()
    view = build_view(sub)
    nodes = by_id(view.nodes)
    subject = nodes[sub.subject]  # type: ignore[index]
    others = [n for n in view.nodes if n["id"] != sub.subject]
    assert view.subject == sub.subject and subject["subject"] is True
    assert subject["borderWidth"] > max(n["borderWidth"] for n in others)
    assert subject["color"]["border"] == style.SUBJECT_BORDER
    assert not any(n["subject"] for n in others)


def test_edge_labels_show_role_share_amount_and_date() -> None:
    p = node("p", ["Party", "Person"], name="张三")
    c = node("c", ["Company", "Party"], name="公司")
    k = node("k", ["Case"], case_no="(2024)京0105执1号")
    rels = [
        ("p", "SHAREHOLDER_OF", "c", {"share": 0.355}),
        ("p", "LEGAL_REPRESENTATIVE_OF", "c", {"since": "2019-02-01"}),
        ("c", "RESPONDENT_IN", "k", {"fees_unpaid": 12_000.0}),
        ("p", "APPLICANT_IN", "k", {"amount": 250_000.0, "date": "2024-03-01"}),
    ]
    edges = {e["relType"]: e for e in build_view(sub_of([p, c, k], rels)).edges}
    assert edges["SHAREHOLDER_OF"]["label"] == "股东 35.5%"
    assert edges["LEGAL_REPRESENTATIVE_OF"]["label"] == "法定代表人 2019-02-01起"
    assert edges["RESPONDENT_IN"]["label"] == "被执行人 欠费 1.2万"
    assert edges["APPLICANT_IN"]["label"] == "申请执行人 25.0万 2024-03-01"
    assert all(e["arrows"] == "to" for e in edges.values())  # a directed network
    # the two relationships between the same pair fan out instead of overlapping
    smooth = [e.get("smooth") for e in (edges["SHAREHOLDER_OF"], edges["LEGAL_REPRESENTATIVE_OF"])]
    assert smooth.count(None) == 1 and any(s and s["type"].startswith("curved") for s in smooth)


def test_person_id_number_is_masked_company_code_is_not() -> None:
    person = node("p", ["Party", "Person"], name="张三", id_number="110105198203154512")
    company = node("c", ["Company", "Party"], name="公司", id_number="91110105MA01ABCD2X")
    html = render_html(sub_of([person, company]), "t")
    nodes = by_id(view_data(html)["nodes"])
    assert dict(nodes["p"]["tip"]["rows"])["证件号码"] == "110105********4512"
    assert "110105198203154512" not in html
    assert dict(nodes["c"]["tip"]["rows"])["证件号码"] == "91110105MA01ABCD2X"


# --------------------------------------------------------------------------- escaping and offline page


def test_untrusted_names_cannot_become_markup() -> None:
    evil = node("evil", ["Party", "Person"], name=XSS_NAME, names=[XSS_NAME, "x"])
    case = node("k", ["Case"], case_no="</script><b>", status="pending")
    sub = sub_of([evil, case], [("evil", "RESPONDENT_IN", "k", {"sources": ["<svg onload=alert(3)>"]})], subject="evil")
    html = render_html(sub, title="</title><script>alert(4)</script>")
    # no markup from the data anywhere: the only elements are the template's
    tags = Counter(element_tags(html))
    assert tags["script"] == 3 and "img" not in tags and "svg" not in tags and "b" not in tags
    assert "</title><script>" not in html
    assert "&lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in html  # title shown as text
    # and the data still carries the names exactly, for the page to show as text
    data = view_data(html)
    nodes = by_id(data["nodes"])
    assert nodes["evil"]["tip"]["head"] == XSS_NAME
    assert nodes["k"]["tip"]["head"] == "</script><b>"
    assert data["edges"][0]["tip"]["rows"][-1] == ["数据来源", "<svg onload=alert(3)>"]


def test_page_loads_nothing_from_outside() -> None:
    html = render_html(example_network(), "示例", expand_url="https://court.example/parties/{uid}")
    assert external_references(html) == []
    assert "cdnjs" not in html and "jsdelivr" not in html and "lib/bindings" not in html
    assert "new vis.Network" in html and "vis-network" in html.lower()  # vis-network inlined
    assert 'http-equiv="Content-Security-Policy"' in html


def test_offline_check_finds_every_kind_of_reference() -> None:
    """The static check itself must catch what pyvis' own template does."""
    page = """<html><head><link rel="stylesheet" href="https://cdn.jsdelivr.net/x.css">
    <script src="lib/bindings/utils.js"></script><style>@import "https://f/x.css"; .a{background:url('https://f/a.png')}
    .b{background:url(data:image/png;base64,AAAA)}</style></head>
    <body><img srcset="a.png 1x, https://f/b.png 2x"><div style="background-image: url(//f/c.png)"></div>
    <a href="#top">top</a></body></html>"""
    found = sorted(url for _, url in external_references(page))
    assert found == ["//f/c.png", "a.png", "https://cdn.jsdelivr.net/x.css", "https://f/a.png", "https://f/b.png",
                     "https://f/x.css", "lib/bindings/utils.js"]


def test_write_view_writes_one_standalone_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # pyvis' write_html would drop a lib/ folder here
    out = write_view(example_network(), tmp_path / "out" / "view.html", title="示例")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out", "out/view.html"]
    html = out.read_text(encoding="utf-8")
    assert "<title>示例</title>" in html and external_references(html) == []


def test_server_may_serve_vis_network_itself() -> None:
    html = render_html(example_network(), "示例", asset_url="/static/vis/")
    assert sorted(url for _, url in external_references(html)) == ["/static/vis/vis-network.css",
                                                                   "/static/vis/vis-network.min.js"]
    assert "new vis.Network" in html and len(html) < 200_000  # the 700 kB library is not inlined
    assert "script-src 'unsafe-inline' 'self'" in html
    from visualizations.render import vis_asset_files

    assert all(path.is_file() for path in vis_asset_files().values())
    with pytest.raises(ValueError, match="same server"):
        render_html(example_network(), "示例", asset_url="https://cdn.example/vis")
    with pytest.raises(ValueError, match="standalone"):
        write_view(example_network(), "/tmp/never.html", asset_url="/static/vis")


def test_page_data_matches_the_subgraph() -> None:
    sub = example_network()
    data = view_data(render_html(sub, "示例"))
    assert len(data["nodes"]) == len(sub.nodes)
    assert len(data["edges"]) == len(sub.relationships)
    assert {n["id"] for n in data["nodes"]} == set(sub.nodes)
    assert data["stats"]["capped"] is False and data["serverLayout"] is False
    physics = data["options"]["physics"]
    assert physics["enabled"] is True and physics["stabilization"]["iterations"] > 0


# --------------------------------------------------------------------------- cap, expand links, layout


def star(n_leaves: int, subject: str = "hub") -> Subgraph:
    hub = node(subject, ["Company", "Party"], name="中心公司", uid="id:HUB")
    leaves = [node(f"l{i:04d}", ["Party", "Person"], name=f"员工{i}", uid=f"src:x:{i}") for i in range(n_leaves)]
    rels = [(leaf.id, "EMPLOYEE_OF", subject, {}) for leaf in leaves]
    return sub_of([hub, *leaves], rels, subject=subject)


def test_cap_keeps_nearest_nodes_and_summarises_the_rest_with_expand_links() -> None:
    sub = star(50)
    view = build_view(sub, cap=10, expand_url="/parties/{uid}?depth=2")
    real = [n for n in view.nodes if n["kind"] != "more"]
    more = [n for n in view.nodes if n["kind"] == "more"]
    assert len(real) == 10 and "hub" in {n["id"] for n in real}
    assert len(more) == 1
    assert more[0]["label"] == "+41" and more[0]["parent"] == "hub"
    assert more[0]["url"] == "/parties/id%3AHUB?depth=2"
    assert more[0]["tip"]["rows"] == [["自然人", "41 个"]]
    assert by_id(view.nodes)["hub"]["url"] == "/parties/id%3AHUB?depth=2"
    assert view.stats == {"nodes": 51, "relationships": 50, "shownNodes": 10, "shownRelationships": 9,
                          "hiddenNodes": 41, "hiddenLinks": 41, "capped": True, "truncated": True}
    assert any(e["to"] == more[0]["id"] for e in view.edges)
    # every drawn edge joins drawn nodes
    ids = {n["id"] for n in view.nodes}
    assert all(e["from"] in ids and e["to"] in ids for e in view.edges)
    html = render_html(sub, "t", cap=10, expand_url="/parties/{uid}?depth=2")
    assert "另有 41 个节点未显示" in html


def test_cap_prefers_the_subjects_neighbourhood() -> None:
    sub = star(30)
    far = node("far", ["Party", "Person"], name="远处", uid="far")
    sub.nodes["far"] = far
    sub.relationships["rf"] = GRel("rf", "SPOUSE_OF", "far", "l0000", {})
    kept = {n["id"] for n in build_view(sub, cap=31).nodes if n["kind"] != "more"}
    assert "far" not in kept and "hub" in kept  # two hops away: cut before any direct neighbour


def test_expand_links_are_encoded_and_only_for_nodes_the_template_fits() -> None:
    party = node("p", ["Party", "Person"], uid="src:a b/c?d", name="x")
    case = node("k", ["Case"], case_no="(2024)京0105执1号")
    assert expand_link(party, "/parties/{uid}?depth=2") == "/parties/src%3Aa%20b%2Fc%3Fd?depth=2"
    assert expand_link(case, "/parties/{uid}") is None
    assert expand_link(case, "/cases/{case_no}").startswith("/cases/%28")
    assert expand_link(case, lambda n: f"/n/{n.kind}") == "/n/Case"
    with pytest.raises(ValueError, match="only relative or http"):
        expand_link(party, "javascript:alert({uid})")


def test_big_views_get_server_layout_with_physics_off() -> None:
    small = build_view(star(40), layout_threshold=300)
    assert small.server_layout is False and small.options["physics"]["enabled"] is True
    assert not any("x" in n for n in small.nodes)

    view = build_view(star(320), layout_threshold=300)
    assert view.server_layout is True
    assert view.options["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) and n["physics"] is False for n in view.nodes)
    xs = [n["x"] for n in view.nodes]
    assert max(xs) - min(xs) > 1000  # scaled to canvas pixels, not layout units
    assert len({(n["x"], n["y"]) for n in view.nodes}) == len(view.nodes)
    # edge text moves into hover labels on big views
    assert all("label" not in e and "hoverLabel" in e for e in view.edges)


def test_server_layout_is_repeatable_and_handles_thousands_of_nodes() -> None:
    """Above 1000 nodes igraph switches to its grid algorithm; a view must look the same each time."""
    first = build_view(star(1200))
    again = build_view(star(1200))
    assert first.server_layout is True and len(first.nodes) == 1201
    assert [(n["x"], n["y"]) for n in first.nodes] == [(n["x"], n["y"]) for n in again.nodes]
    other_seed = build_view(star(1200), seed=8)
    assert [(n["x"], n["y"]) for n in first.nodes] != [(n["x"], n["y"]) for n in other_seed.nodes]


def test_hubs_the_query_did_not_expand_are_marked() -> None:
    sub = example_network()
    view = build_view(sub, hubs=["p-boss", sub.subject], expand_url="/parties/{uid}?depth=2")  # type: ignore[list-item]
    nodes = by_id(view.nodes)
    boss = nodes["p-boss"]
    assert boss["hub"] is True and boss["shapeProperties"]["borderDashes"]
    assert boss["tip"]["hint"] == "关联过多，查询未展开此节点：双击展开"
    assert boss["url"] == "/parties/id%3A110105198203154512?depth=2"
    assert nodes[sub.subject]["hub"] is False  # the subject stays the subject  # type: ignore[index]
    assert not any(n["hub"] for n in view.nodes if n["id"] != "p-boss")
    assert view.legend[-1]["label"] == "未展开节点"  # markers after kinds
    assert "未展开节点" in render_html(sub, "示例", hubs=["p-boss"])


def test_a_query_capped_subgraph_says_so() -> None:
    sub = example_network()
    sub.truncated = True  # the query stopped at its own limit
    html = render_html(sub, "示例")
    assert "查询结果已截断" in html and view_data(html)["stats"]["truncated"] is True
    assert "查询结果已截断" not in render_html(example_network(), "示例")


def test_empty_subgraph_renders() -> None:
    html = render_html(Subgraph(), "空")
    data = view_data(html)
    assert data["nodes"] == [] and data["edges"] == []
    assert "没有可显示的节点" in html


def test_invalid_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="cap must be at least 1"):
        build_view(star(3), cap=0)


def test_json_block_escapes_html_specials() -> None:
    html = render_html(sub_of([node("p", ["Party", "Person"], name="a</script>&<!--b")]), "t")
    block = re.search(r'<script id="debtgraph-data" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None
    assert "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    assert json.loads(block.group(1))["nodes"][0]["tip"]["head"] == "a</script>&<!--b"


# --------------------------------------------------------------------------- formatting


def test_formatting_helpers() -> None:
    assert L.mask_id_number("110105198203154512") == "110105********4512"
    assert L.mask_id_number("123") == "***"
    assert L.mask_phone("13812345678") == "138****5678"
    assert L.money(1234567.891) == "¥1,234,567.89" and L.money(None) == ""
    assert L.money_short(123_456_789) == "1.23亿" and L.money_short(45_600) == "4.6万" and L.money_short(800) == "800元"
    assert L.percent(0.5) == "50%" and L.percent(0.3333) == "33.33%"
    assert L.zh(L.CASE_STATUS_ZH, "terminated_no_assets") == "终本" and L.zh(L.CASE_STATUS_ZH, "odd") == "odd"


# --------------------------------------------------------------------------- from the real database


def test_view_of_a_network_read_from_neo4j(graph: Graph) -> None:
    """Element ids, labels and temporal values as the driver gives them reach the page intact."""
    graph.write(
        """
        CREATE (c:Party:Company {uid: 'id:C', name: '某某建设有限公司', kind: 'company'})
        CREATE (p:Party:Person {uid: 'id:P', name: '张三', kind: 'person', id_number: '110105198203154512'})
        CREATE (k:Case {case_no: '(2024)京0105执1号', kind: 'enforcement', status: 'terminated_no_assets',
                        amount: 500000.0, amount_paid: 0.0, outstanding: 500000.0, filed_on: date('2024-03-01')})
        CREATE (p)-[:SHAREHOLDER_OF {share: 0.6}]->(c)
        CREATE (c)-[:RESPONDENT_IN]->(k)
        """
    )
    records = graph.read_records("MATCH path = (c:Party {uid: $uid})-[*1..2]-() RETURN path", {"uid": "id:C"})
    subject = graph.read("MATCH (c:Party {uid: $uid}) RETURN elementId(c) AS id", {"uid": "id:C"})[0]["id"]
    sub = Subgraph.from_records(records, subject=subject)
    assert len(sub.nodes) == 3 and len(sub.relationships) == 2

    data = view_data(render_html(sub, "某某建设有限公司", expand_url="/parties/{uid}?depth=2"))
    nodes = {n["kind"]: n for n in data["nodes"]}
    assert data["subject"] == subject and nodes["Company"]["subject"] is True
    assert nodes["Company"]["url"] == "/parties/id%3AC?depth=2"
    assert nodes["Company"]["size"] > nodes["Person"]["size"]  # it owes 50万 in a 终本 case
    assert dict(nodes["Case"]["tip"]["rows"])["立案日期"] == "2024-03-01"
    assert nodes["Case"]["label"].endswith("终本")
    assert dict(nodes["Person"]["tip"]["rows"])["证件号码"] == "110105********4512"
    assert sorted(e["label"] for e in data["edges"]) == ["股东 60%", "被执行人"]


def test_detector_titles_come_from_the_detectors_yaml_only() -> None:
    from queries.registry import Registry

    detectors = Registry().detectors()
    assert dict(L.DETECTOR_ZH) == {q.name: q.title_zh for q in detectors} and len(detectors) >= 10
    assert L.zh(L.DETECTOR_ZH, "hidden_receivable") == "他案债权（到期债权）"
    assert L.zh(L.DETECTOR_ZH, "a_user_detector") == "a_user_detector"
    source = (Path(L.__file__)).read_text(encoding="utf-8")
    assert "他案债权" not in source  # no second copy of a title in the labels
