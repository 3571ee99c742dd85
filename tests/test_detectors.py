"""Each detector of the specification: a positive case and every near-miss its rule names."""

from __future__ import annotations

import datetime as dt

import pytest
from test_detectors_builder import AS_OF, Builder, d, days_before, detect, keys

from graph_model.db import Graph
from queries.alerts import evidence_subgraph

A_FILED = d("2026-01-05")


def three_decimals(expected: float) -> object:
    """A score as an alert carries it: the formula's value to three decimals (0.51666… → 0.517)."""
    return pytest.approx(expected, abs=0.0005)


def cno(n: int, kind: str = "执") -> str:
    return f"(2026)沪0104{kind}{n}号"


# -- hidden_receivable --------------------------------------------------------------------------
def test_hidden_receivable_claim_in_another_open_case_and_receivable(graph: Graph) -> None:
    b = Builder(graph)
    for pid in ("debtor", "creditor", "other", "owing", "paid", "closedb", "estate", "late", "unknown"):
        b.party(pid, name={"debtor": "张三", "owing": "李四"}.get(pid, pid))
    b.enforcement(cno(1), "debtor", "creditor")
    b.enforcement(cno(2), "other", "debtor", amount=50000.0, amount_paid=10000.0)  # debtor's open claim
    # a receivable
    b.party("debtor2", name="王五")
    b.enforcement(cno(3), "debtor2", "creditor")
    b.asset("R1", "debtor2", "receivable", 30000.0, counterparty="owing")
    # near misses: A fully paid; B concluded; B fully paid; asset not a receivable; B filed after as_of
    b.enforcement(cno(4), "paid", "creditor", amount=1000.0, amount_paid=1000.0)
    b.enforcement(cno(5), "other", "paid")
    b.enforcement(cno(6), "closedb", "creditor")
    b.enforcement(cno(7), "other", "closedb", status="concluded", closed_on=d("2026-03-01"))
    b.party("fullb")
    b.enforcement(cno(8), "fullb", "creditor")
    b.enforcement(cno(9), "other", "fullb", amount=500.0, amount_paid=500.0)
    b.enforcement(cno(10), "estate", "creditor")
    b.asset("H1", "estate", "real_estate", 900000.0)
    b.enforcement(cno(11), "late", "creditor")
    b.enforcement(cno(12), "other", "late", filed_on=AS_OF + dt.timedelta(days=1))
    # an unknown amount counts as outstanding (on both sides)
    b.enforcement(cno(13), "unknown", "creditor", amount=None, amount_paid=None)
    b.enforcement(cno(14), "other", "unknown", amount=None, amount_paid=None)

    alerts = {a.case_no: a for a in detect(graph, "hidden_receivable")}
    assert set(alerts) == {cno(1), cno(3), cno(13)}
    one = alerts[cno(1)]
    assert one.related == [cno(2)] and one.party_id == "debtor"
    assert one.basis.startswith("民诉法解释") and "499" in one.basis
    assert "张三" in one.message and cno(2) in one.message and "40000元" in one.message
    # 0.6 + 0.4 × min(1, Σ outstanding of B / outstanding of A) = 0.6 + 0.4 × (40000 / 100000) = 0.76
    assert one.score == 0.76
    receivable = alerts[cno(3)]
    assert receivable.related == ["R1"] and "李四" in receivable.message and "R1" in receivable.message
    # a prompt with the next step (issue #23): freeze the claim and notify the third party (民诉法解释 art. 499)
    assert "存在" in receivable.message and "冻结该债权" in receivable.message and "第499条" in receivable.message
    assert "涉嫌" not in receivable.message and "到期债权" not in receivable.message  # no due date is known
    # 0.6 + 0.4 × min(1, receivable value / outstanding of A) = 0.6 + 0.4 × (30000 / 100000) = 0.72
    assert receivable.score == 0.72
    # A's outstanding unknown: 0.8
    assert alerts[cno(13)].score == 0.8


def test_hidden_receivable_same_party_is_the_same_entity_not_the_same_node(graph: Graph) -> None:
    b = Builder(graph)
    b.party("x", name="赵六")
    b.party("creditor")
    b.party("other")
    # the same legal person known to another court under another party_id, linked by entity_id
    other_court = Builder(graph, source="court2")
    other_court.party("x-elsewhere", name="赵六", entity=b.uid("x"))
    other_court.uids.update(b.uids)
    b.enforcement(cno(1), "x", "creditor")
    other_court.enforcement("(2025)京0105执9号", "other", "x-elsewhere", court_code="京0105")
    # a namesake that is a different legal person raises nothing
    b.party("y", name="孙七")
    other_court.party("y-namesake", name="孙七")
    b.enforcement(cno(2), "y", "creditor")
    other_court.enforcement("(2025)京0105执10号", "other", "y-namesake", court_code="京0105")

    alerts = detect(graph, "hidden_receivable")
    assert keys(alerts) == {f"hidden_receivable:{cno(1)}"}
    assert alerts[0].related == ["(2025)京0105执9号"]
    # 0.6 + 0.4 × min(1, 100000 / 100000) = 1.0
    assert alerts[0].score == 1.0


# -- collusive_settlement -----------------------------------------------------------------------
def _collusion_base(b: Builder, tag: str) -> tuple[str, str]:
    """Debtor <tag> in open case A (filed A_FILED); applicant in case B against <tag>-q."""
    b.party(tag, name=f"债务人{tag}")
    b.party(f"{tag}-q", name=f"对方{tag}")
    b.party("creditor") if "creditor" not in b.uids else None
    a, bb = f"(2026)沪0104执{tag}号", f"(2025)沪0104执{tag}号"
    b.enforcement(a, tag, "creditor", filed_on=A_FILED)
    b.enforcement(bb, f"{tag}-q", tag, filed_on=d("2025-06-01"))
    return a, bb


def test_collusive_settlement_rules_and_near_misses(graph: Graph) -> None:
    b = Builder(graph)
    signed = d("2026-02-01")
    a50, b50 = _collusion_base(b, "50")  # settled at exactly 50% → cheap
    b.settlement(b50, signed, 50000.0, 100000.0)
    a60, b60 = _collusion_base(b, "60")  # 60% and nothing else → no alert
    b.settlement(b60, signed, 60000.0, 100000.0)
    aorig, borig = _collusion_base(b, "41")  # no original amount: B's outstanding (100000) is the base
    b.settlement(borig, signed, 40000.0)
    apay, bpay = _collusion_base(b, "90")  # 90%, but paid to a third party
    b.party("friend", name="朋友")
    b.settlement(bpay, signed, 90000.0, 100000.0, payee="friend")
    aself, bself = _collusion_base(b, "91")  # 90% paid to the debtor himself → no alert
    b.settlement(bself, signed, 90000.0, 100000.0, payee="91")
    aold, bold = _collusion_base(b, "42")  # cheap, but signed before A was filed → no alert
    b.settlement(bold, days_before(1, A_FILED), 10000.0, 100000.0)
    # linked within two hops: B's respondent shares a phone with the debtor's spouse
    atwo, btwo = _collusion_base(b, "2h")
    b.party("2h-spouse", phones=("13911112222",))
    b.party("2h-q2", phones=("13911112222",))
    b.relation("2h", "2h-spouse", "spouse")
    graph.write("MATCH (q:Party {uid: $q}), (ph:Phone {number: '13911112222'}) MERGE (q)-[:HAS_PHONE]->(ph)",
                {"q": b.uid("2h-q")})
    b.settlement(btwo, signed, 95000.0, 100000.0)
    # three hops away: debtor — m1 — m2 — respondent of B → no alert
    athree, bthree = _collusion_base(b, "3h")
    b.party("3h-m1")
    b.party("3h-m2")
    b.relation("3h", "3h-m1", "sibling")
    b.relation("3h-m1", "3h-m2", "employee")
    b.relation("3h-m2", "3h-q", "legal_representative")
    b.settlement(bthree, signed, 95000.0, 100000.0)
    # two signs: settled at 30% and paid to the friend
    a2s, b2s = _collusion_base(b, "2s")
    b.settlement(b2s, signed, 30000.0, 100000.0, payee="friend")
    # three signs: settled at 20%, paid to the friend, and B's respondent is the debtor's spouse
    a3s, b3s = _collusion_base(b, "3s")
    b.relation("3s", "3s-q", "spouse")
    b.settlement(b3s, signed, 20000.0, 100000.0, payee="friend")

    alerts = {a.case_no: a for a in detect(graph, "collusive_settlement")}
    assert set(alerts) == {a50, aorig, apay, atwo, a2s, a3s}
    assert alerts[a50].related == [b50] and "50%" in alerts[a50].message
    assert alerts[apay].related == sorted([bpay, "friend"]) and "朋友" in alerts[apay].message
    # a third-party payee is a sign, not proof; the next steps: freeze, summon, 撤销权, fines or 拒执 referral
    assert "只是迹象" in alerts[apay].message and "传唤被执行人" in alerts[apay].message
    assert "撤销权" in alerts[apay].message and "民诉法第116条" in alerts[apay].message
    assert set(alerts[atwo].related) == {btwo, "2h-q", "2h-spouse"}
    # 0.4 + 0.2 × signs: one sign each (cheap; cheap against B's outstanding; paid to another; linked) = 0.6
    assert {c: alerts[c].score for c in (a50, aorig, apay, atwo)} == {a50: 0.6, aorig: 0.6, apay: 0.6, atwo: 0.6}
    assert alerts[a2s].score == 0.8  # 0.4 + 0.2 × 2 (cheap, paid to another)
    assert alerts[a3s].score == 1.0  # 0.4 + 0.2 × 3 (cheap, paid to another, respondent of B is the spouse)
    assert "刑法" in alerts[a50].basis and "154" in alerts[a50].basis

    # the evidence subgraph shows the chain: debtor —spouse— 2h-spouse —phone— B's respondent
    evidence = evidence_subgraph(graph, alerts[atwo])
    assert evidence.nodes[evidence.subject].properties["case_no"] == atwo
    assert {"SPOUSE_OF", "HAS_PHONE", "SETTLES", "APPLICANT_IN", "RESPONDENT_IN"} <= \
        {r.type for r in evidence.relationships.values()}
    assert "Phone" in {n.kind for n in evidence.nodes.values()}


# -- repeat_offender_employer -------------------------------------------------------------------
def _labor_cases(b: Builder, company: str, n: int, filed: list[dt.date] | None = None,
                 statuses: list[str] | None = None) -> list[str]:
    cases = []
    for i in range(n):
        award = f"徐劳人仲(2024)办字第{company}{i}号"
        b.case(award, kind="labor_arbitration", status="concluded", filed_on=d("2024-01-01"), cause="劳动争议")
        worker = f"{company}-w{i}"
        b.party(worker)
        case_no = f"(2026)沪0104执{company}{i}号"
        b.enforcement(case_no, company, worker, origin=award, filed_on=(filed or [])[i] if filed else d("2026-01-01"),
                      status=(statuses or [])[i] if statuses else "pending")
        cases.append(case_no)
    return cases


def test_repeat_offender_employer_counts_open_labor_cases_within_730_days(graph: Graph) -> None:
    b = Builder(graph)
    for c in ("c3", "c2", "c731", "c730", "cdone", "ccause"):
        b.party(c, kind="company", name=f"公司{c}")
    three = _labor_cases(b, "c3", 3)
    _labor_cases(b, "c2", 2)
    _labor_cases(b, "c731", 3, filed=[d("2026-01-01"), d("2026-01-01"), days_before(731)])
    at730 = _labor_cases(b, "c730", 3, filed=[d("2026-01-01"), d("2026-01-01"), days_before(730)])
    _labor_cases(b, "cdone", 3, statuses=["pending", "pending", "concluded"])
    # cause alone (no award origin) makes a labor case too
    for i in range(3):
        b.party(f"cc-w{i}")
        b.enforcement(f"(2026)沪0104执cc{i}号", "ccause", f"cc-w{i}", cause="追索劳动报酬纠纷")
    # a sister company sharing the legal representative of c3, and one sharing a 60% shareholder
    b.party("boss", name="老板")
    b.party("sister", kind="company", name="姐妹公司")
    b.relation("boss", "c3", "legal_representative")
    b.relation("boss", "sister", "legal_representative")
    b.party("holder", kind="company", name="控股公司")
    b.party("sub", kind="company", name="子公司")
    b.party("minor", kind="company", name="参股公司")
    b.relation("holder", "c3", "shareholder", share=0.6)
    b.relation("holder", "sub", "shareholder", share=0.5)
    b.relation("holder", "minor", "shareholder", share=0.2)

    alerts = {a.party_id: a for a in detect(graph, "repeat_offender_employer")}
    assert set(alerts) == {"c3", "c730", "ccause"}
    c3 = alerts["c3"]
    assert c3.case_no is None and c3.key == f"repeat_offender_employer:{b.uid('c3')}"
    assert c3.related == sorted(three + ["sister", "sub"])
    # min(1, 0.6 + 0.1 × (3 − 3)) = 0.6, for each company at exactly three cases
    assert c3.score == 0.6 and "公司c3" in c3.message and "执行转破产" in c3.message
    assert "书面同意" in c3.message and "司法建议" in c3.message and "系重复" not in c3.message
    assert alerts["c730"].score == 0.6 and alerts["ccause"].score == 0.6
    assert set(at730) <= set(alerts["c730"].related)
    assert "511" in c3.basis


def test_repeat_offender_employer_score_grows_with_the_cases_and_names_related_companies(graph: Graph) -> None:
    b = Builder(graph)
    for c in ("c5", "c8"):
        b.party(c, kind="company", name=f"公司{c}")
    five = _labor_cases(b, "c5", 5)
    eight = _labor_cases(b, "c8", 8)
    # c5's legal representative also represents 关联公司甲; c5's 70% shareholder holds 50% of 关联公司乙
    # (controlling both) and 40% of 参股公司丙 (not controlling: not related)
    b.party("rep", name="法定代表人")
    b.party("rel1", kind="company", name="关联公司甲")
    b.relation("rep", "c5", "legal_representative")
    b.relation("rep", "rel1", "legal_representative")
    b.party("parent", kind="company", name="母公司")
    b.party("rel2", kind="company", name="关联公司乙")
    b.party("minor", kind="company", name="参股公司丙")
    b.relation("parent", "c5", "shareholder", share=0.7)
    b.relation("parent", "rel2", "shareholder", share=0.5)
    b.relation("parent", "minor", "shareholder", share=0.4)

    alerts = {a.party_id: a for a in detect(graph, "repeat_offender_employer")}
    assert set(alerts) == {"c5", "c8"}
    c5 = alerts["c5"]
    assert c5.related == sorted(five + ["rel1", "rel2"])
    assert "关联公司甲" in c5.message and "关联公司乙" in c5.message and "参股公司丙" not in c5.message
    assert c5.score == 0.8  # min(1, 0.6 + 0.1 × (5 − 3)) = 0.8
    assert alerts["c8"].related == sorted(eight)
    assert alerts["c8"].score == 1.0  # min(1, 0.6 + 0.1 × (8 − 3)) = min(1, 1.1) = 1.0
    # a deployment asking for five cases: min(1, 0.6 + 0.1 × (5 − 5)) = 0.6 and 0.6 + 0.1 × (8 − 5) = 0.9
    strict = {a.party_id: a.score for a in detect(graph, "repeat_offender_employer", min_cases=5)}
    assert strict == {"c5": 0.6, "c8": 0.9}


# -- detained_debtor ----------------------------------------------------------------------------
def test_detained_debtor_on_each_open_case_while_detained(graph: Graph) -> None:
    b = Builder(graph)
    for pid in ("held", "released", "today", "future", "creditor"):
        b.party(pid, name=pid)
    b.party("firm", kind="company")
    b.detention("held", d("2026-01-01"), kind="imprisonment", facility="某监狱")
    # a company "detained" (a data error, or its representative's detention filed on it) raises nothing
    b.detention("firm", d("2026-01-01"))
    b.enforcement(cno(7), "firm", "creditor")
    # released 30 days after as_of (soon: 0.7) and 31 days after it (1.0)
    b.party("soon", name="soon")
    b.detention("soon", d("2026-01-01"), end_on=AS_OF + dt.timedelta(days=30))
    b.enforcement(cno(8), "soon", "creditor")
    b.party("later", name="later")
    b.detention("later", d("2026-01-01"), end_on=AS_OF + dt.timedelta(days=31))
    b.enforcement(cno(9), "later", "creditor")
    b.enforcement(cno(1), "held", "creditor")
    b.enforcement(cno(2), "held", "creditor", status="terminated_no_assets", closed_on=d("2026-03-01"))
    b.enforcement(cno(3), "held", "creditor", status="concluded", closed_on=d("2026-03-01"))
    b.detention("released", d("2026-01-01"), end_on=days_before(1))  # ended before as_of
    b.enforcement(cno(4), "released", "creditor")
    b.detention("today", d("2026-01-01"), end_on=AS_OF)  # still held on as_of
    b.enforcement(cno(5), "today", "creditor")
    b.detention("future", AS_OF + dt.timedelta(days=1))  # starts after as_of
    b.enforcement(cno(6), "future", "creditor")

    alerts = {a.case_no: a for a in detect(graph, "detained_debtor")}
    assert set(alerts) == {cno(1), cno(2), cno(5), cno(8), cno(9)}
    # 1.0 when the release date is unknown or more than 30 days after as_of, else 0.7
    assert {c: a.score for c, a in alerts.items()} == {cno(1): 1.0, cno(2): 1.0, cno(5): 0.7, cno(8): 0.7,
                                                        cno(9): 1.0}
    assert "某监狱" in alerts[cno(1)].message and "送达" in alerts[cno(1)].message
    assert "通过其所在监所或强制性教育机构转交送达（民诉法第93条）" in alerts[cno(1)].message
    assert "复查" in alerts[cno(1)].message and "失信" in alerts[cno(1)].message


# -- restriction_not_lifted ---------------------------------------------------------------------
FRIDAY = d("2026-06-05")  # working days after it: Mon 8 (1st), Tue 9 (2nd), Wed 10 (3rd), Thu 11 (4th)


def test_restriction_lifted_on_third_working_day_is_in_time_fourth_is_late(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p", name="钱八")
    b.party("creditor")
    for n, lifted in ((1, d("2026-06-10")), (2, d("2026-06-11")), (3, None)):
        b.enforcement(cno(n), "p", "creditor", status="concluded", closed_on=FRIDAY)
        b.measure(f"M{n}", cno(n), "consumption_restriction", party="p", lifted_on=lifted)
    # settled and performed: the reference date is performed_on
    b.enforcement(cno(4), "p", "creditor", status="settled")
    b.settlement(cno(4), d("2026-05-01"), 1000.0, 2000.0, performed_on=FRIDAY)
    b.measure("M4", cno(4), "dishonest_list", party="p")
    # settled but not performed; a pending case; a freeze left in force: nothing to lift
    b.enforcement(cno(5), "p", "creditor", status="settled")
    b.settlement(cno(5), d("2026-05-01"), 1000.0, 2000.0)
    b.measure("M5", cno(5), "dishonest_list", party="p")
    b.enforcement(cno(6), "p", "creditor")
    b.measure("M6", cno(6), "consumption_restriction", party="p")
    b.enforcement(cno(7), "p", "creditor", status="concluded", closed_on=FRIDAY)
    b.measure("M7", cno(7), "freeze")
    # lifted 6 days after the last allowed day (Wed 10 → Tue 16)
    b.enforcement(cno(8), "p", "creditor", status="concluded", closed_on=FRIDAY)
    b.measure("M8", cno(8), "consumption_restriction", party="p", lifted_on=d("2026-06-16"))
    # two measures lifted late: the latest (12 days late, Mon 22) makes the score
    b.enforcement(cno(9), "p", "creditor", status="concluded", closed_on=FRIDAY)
    b.measure("M9a", cno(9), "consumption_restriction", party="p", lifted_on=d("2026-06-16"))
    b.measure("M9b", cno(9), "dishonest_list", party="p", lifted_on=d("2026-06-22"))
    # concluded Friday 2026-04-03, last allowed day Wed 04-08, never lifted: 83 days late on as_of
    b.enforcement(cno(10), "p", "creditor", status="concluded", closed_on=d("2026-04-03"))
    b.measure("M10", cno(10), "dishonest_list", party="p")
    # spec 1.1: terminated (终结执行) and withdrawn (不予执行) end a case too; closed_on is the day
    b.enforcement(cno(11), "p", "creditor", status="terminated", closed_on=FRIDAY)
    b.measure("M11", cno(11), "dishonest_list", party="p")
    b.enforcement(cno(12), "p", "creditor", status="withdrawn", closed_on=FRIDAY)
    b.measure("M12", cno(12), "consumption_restriction", party="p", lifted_on=d("2026-06-11"))
    b.enforcement(cno(13), "p", "creditor", status="withdrawn", closed_on=FRIDAY)
    b.measure("M13", cno(13), "consumption_restriction", party="p", lifted_on=d("2026-06-10"))  # in time
    # a suspended case does not say why it was suspended: it stays out
    b.enforcement(cno(14), "p", "creditor", status="suspended", closed_on=FRIDAY)
    b.measure("M14", cno(14), "dishonest_list", party="p")

    alerts = {a.case_no: a for a in detect(graph, "restriction_not_lifted")}
    assert set(alerts) == {cno(2), cno(3), cno(4), cno(8), cno(9), cno(10), cno(11), cno(12)}
    # 删除 for a 失信 entry (3 working days are the law's), 解除 for a 限消 order (3 days are a management target)
    assert "裁定终结执行" in alerts[cno(11)].message and "失信被执行人名单信息至今未删除" in alerts[cno(11)].message
    assert "失信名单规定第10条" in alerts[cno(11)].message and "立即删除失信信息" in alerts[cno(11)].message
    assert "撤回申请或裁定不予执行" in alerts[cno(12)].message and "限制消费令迟至2026-06-11才解除" in alerts[cno(12)].message
    assert "管理期限" in alerts[cno(12)].message and "管理期限" not in alerts[cno(11)].message
    assert alerts[cno(11)].score == alerts[cno(3)].score
    assert alerts[cno(2)].related == ["M2"] and "2026-06-11" in alerts[cno(2)].message
    assert "至今未解除" in alerts[cno(3)].message and "失信" in alerts[cno(4)].message
    assert "法释〔2017〕7号" in alerts[cno(3)].basis
    assert alerts[cno(9)].related == ["M9a", "M9b"]
    # min(1, 0.5 + 0.5 × days late / 30), days late = calendar days from the last allowed day (Wed 06-10)
    assert alerts[cno(2)].score == three_decimals(0.5 + 0.5 * 1 / 30)  # lifted Thu 06-11: 0.5167
    assert alerts[cno(3)].score == three_decimals(0.5 + 0.5 * 20 / 30)  # in force on Tue 06-30: 0.8333
    assert alerts[cno(4)].score == three_decimals(0.5 + 0.5 * 20 / 30)  # performed Fri 06-05, in force: 0.8333
    assert alerts[cno(8)].score == 0.6  # 0.5 + 0.5 × 6 / 30
    assert alerts[cno(9)].score == 0.7  # 0.5 + 0.5 × 12 / 30 (the latest measure)
    assert alerts[cno(10)].score == 1.0  # min(1, 0.5 + 0.5 × 83 / 30)

    # a measure still in force counts only once as_of is past the third working day
    assert cno(3) not in {a.case_no for a in detect(graph, "restriction_not_lifted", as_of=d("2026-06-10"))}
    assert cno(3) in {a.case_no for a in detect(graph, "restriction_not_lifted", as_of=d("2026-06-11"))}
    # a holiday on Monday moves the third working day to Thursday
    late = {a.case_no for a in detect(graph, "restriction_not_lifted", holidays="2026-06-08")}
    assert cno(2) not in late and cno(3) in late


# -- funds_not_disbursed ------------------------------------------------------------------------
def test_funds_disbursed_on_day_30_in_time_day_31_late(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p")
    b.party("creditor", name="申请人甲")
    received = d("2026-05-01")
    for n in range(1, 5):
        b.enforcement(cno(n), "p", "creditor")
    b.payment("PAY1", cno(1), received, disbursed_on=received + dt.timedelta(days=30))
    b.payment("PAY2", cno(2), received, disbursed_on=received + dt.timedelta(days=31))
    b.payment("PAY3", cno(3), days_before(30))  # not disbursed, held 30 days on as_of
    b.payment("PAY4", cno(4), days_before(31), amount=12345.0)  # not disbursed, held 31 days
    # two payments not paid out, held 48 and 75 days: the longest-held makes the score
    b.enforcement(cno(5), "p", "creditor")
    b.payment("PAY5", cno(5), days_before(48))
    b.payment("PAY5b", cno(5), days_before(75))
    # disbursed 48 days after it came in
    b.enforcement(cno(6), "p", "creditor")
    b.payment("PAY6", cno(6), d("2026-03-02"), disbursed_on=d("2026-04-19"))
    # held 300 days
    b.enforcement(cno(7), "p", "creditor")
    b.payment("PAY7", cno(7), days_before(300))

    alerts = {a.case_no: a for a in detect(graph, "funds_not_disbursed")}
    assert set(alerts) == {cno(2), cno(4), cno(5), cno(6), cno(7)}
    # min(1, 0.5 + 0.5 × (days held − 30) / 90) for the longest-held payment
    assert alerts[cno(2)].score == three_decimals(0.5 + 0.5 * 1 / 90)  # disbursed on day 31: 0.5056
    assert alerts[cno(4)].score == three_decimals(0.5 + 0.5 * 1 / 90)  # held 31 days on as_of: 0.5056
    assert alerts[cno(5)].related == ["PAY5", "PAY5b"]
    assert alerts[cno(5)].score == 0.75  # 0.5 + 0.5 × (75 − 30) / 90
    assert alerts[cno(6)].score == 0.6  # 03-02 → 04-19 is 48 days: 0.5 + 0.5 × (48 − 30) / 90
    assert alerts[cno(7)].score == 1.0  # min(1, 0.5 + 0.5 × 270 / 90)
    assert alerts[cno(4)].related == ["PAY4"] and "12345元" in alerts[cno(4)].message
    assert "申请人甲" in alerts[cno(4)].message and alerts[cno(4)].party_id == "creditor"
    assert "管理期限" in alerts[cno(4)].message and "请核查是否经批准延缓发放" in alerts[cno(4)].message
    assert "法发〔2017〕6号" in alerts[cno(2)].basis


# -- auction_delay ------------------------------------------------------------------------------
def test_auction_listed_on_day_30_in_time_day_31_late_and_open_180_days(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p")
    b.party("creditor")
    ordered = d("2026-01-02")
    for n in range(1, 10):
        b.enforcement(cno(n), "p", "creditor")
    b.auction("AU1", cno(1), ordered, listed_on=ordered + dt.timedelta(days=30), result="sold",
              closed_on=d("2026-03-01"))
    b.auction("AU2", cno(2), ordered, listed_on=ordered + dt.timedelta(days=31), result="sold",
              closed_on=d("2026-03-01"))
    b.auction("AU3", cno(3), days_before(30))  # not listed, 30 days since the ruling
    b.auction("AU4", cno(4), days_before(31))  # not listed, 31 days
    b.auction("AU5", cno(5), days_before(100), result="withdrawn")  # withdrawn: nothing to list
    b.auction("AU6", cno(6), days_before(200), listed_on=days_before(180), result="pending")
    b.auction("AU7", cno(7), days_before(200), listed_on=days_before(181), result="pending")
    b.auction("AU8", cno(8), days_before(200), listed_on=days_before(181), result="sold", closed_on=days_before(10))
    b.auction("AU9", cno(9), days_before(200), listed_on=days_before(181))  # result empty: still open

    alerts = {a.case_no: a for a in detect(graph, "auction_delay")}
    assert set(alerts) == {cno(2), cno(4), cno(7), cno(9)}
    assert alerts[cno(4)].related == ["AU4"] and "未挂网" in alerts[cno(4)].message
    assert "180天" in alerts[cno(7)].message and "管理期限" in alerts[cno(7)].message
    assert "第26条" in alerts[cno(7)].message  # the next step: re-auction within 30 days of 流拍
    assert "法释〔2016〕18号" in alerts[cno(2)].basis
    # one day beyond each limit: 0.5 + 0.5 × 1 / 90 = 0.5056
    for n in (2, 4, 7, 9):
        assert alerts[cno(n)].score == three_decimals(0.5 + 0.5 * 1 / 90), n


def test_auction_delay_scores_the_worst_auction_by_days_beyond_the_limit(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p")
    b.party("creditor")
    for n in range(1, 6):
        b.enforcement(cno(n), "p", "creditor")
    # no listing after the ruling: 75 days since it, 45 beyond the 30
    b.auction("AU1", cno(1), days_before(75))
    # listed late: ordered 2026-01-02, listed 2026-03-09 (day 66, 36 beyond), sold
    b.auction("AU2", cno(2), d("2026-01-02"), listed_on=d("2026-03-09"), result="sold", closed_on=d("2026-04-20"))
    # no result after listing: listed in time (day 22), open 198 days, 18 beyond the 180
    b.auction("AU3", cno(3), days_before(220), listed_on=days_before(198), result="pending")
    # two auctions: not listed 48 days after the ruling (18 beyond), and listed 207 days ago without a result
    # (27 beyond): the worst one makes the score
    b.asset("H4", "p", "real_estate", 2000000.0)
    b.auction("AU4a", cno(4), days_before(48))
    b.auction("AU4b", cno(4), days_before(230), listed_on=days_before(207), asset="H4")
    # open 400 days
    b.auction("AU5", cno(5), days_before(410), listed_on=days_before(400), result="pending")

    alerts = {a.case_no: a for a in detect(graph, "auction_delay")}
    assert set(alerts) == {cno(n) for n in range(1, 6)}
    # min(1, 0.5 + 0.5 × days beyond the limit / 90) for the worst auction
    assert alerts[cno(1)].score == 0.75  # 0.5 + 0.5 × 45 / 90
    assert alerts[cno(2)].score == 0.7  # 0.5 + 0.5 × 36 / 90
    assert alerts[cno(3)].score == 0.6  # 0.5 + 0.5 × 18 / 90
    assert alerts[cno(4)].score == 0.65  # 0.5 + 0.5 × 27 / 90 (the worse of 18 and 27)
    assert alerts[cno(4)].related == ["AU4a", "AU4b", "H4"]
    assert alerts[cno(5)].score == 1.0  # min(1, 0.5 + 0.5 × 220 / 90)
    assert "未挂网" in alerts[cno(1)].message and "2026-03-09" in alerts[cno(2)].message


# -- retrial_not_terminated ---------------------------------------------------------------------
def test_retrial_revoked_and_enforcement_not_terminated_after_30_days(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p")
    b.party("creditor")
    scenarios = {  # n: (retrial outcome, days since the retrial closed, enforcement status)
        1: ("revoked", 31, "pending"),
        2: ("upheld", 90, "pending"),
        3: ("revoked", 30, "pending"),
        4: ("revoked", 90, "terminated"),
        5: ("amended", 90, "suspended"),
        6: ("revoked", 90, "terminated_no_assets"),
        7: ("revoked", 45, "pending"),
        8: ("revoked", 60, "suspended"),
        9: ("revoked", 400, "pending"),
    }
    for n, (outcome, since, status) in scenarios.items():
        judgment = f"(2024)沪0104民初{n}号"
        b.case(judgment, kind="civil", status="concluded", filed_on=d("2024-01-01"), closed_on=d("2024-06-01"))
        b.case(f"(2025)沪01民再{n}号", kind="retrial", status="concluded", filed_on=d("2025-06-01"),
               closed_on=days_before(since), outcome=outcome, origin=judgment)
        closed = days_before(5) if status in ("terminated",) else None
        b.enforcement(cno(n), "p", "creditor", origin=judgment, status=status, closed_on=closed)

    alerts = {a.case_no: a for a in detect(graph, "retrial_not_terminated")}
    # spec 1.1: an amended judgment (改判) leaves the enforcement on the old judgment too
    assert set(alerts) == {cno(1), cno(5), cno(6), cno(7), cno(8), cno(9)}
    assert "改判" in alerts[cno(5)].message and "执行回转" in alerts[cno(5)].message
    assert "终结执行" not in alerts[cno(5)].message and "终结执行" in alerts[cno(1)].message
    assert alerts[cno(5)].score == 1.0  # 90 days, as for a revocation
    assert alerts[cno(1)].related == ["(2024)沪0104民初1号", "(2025)沪01民再1号"]
    assert "(2025)沪01民再1号" in alerts[cno(1)].message and "268" in alerts[cno(1)].basis
    # min(1, 0.6 + 0.4 × (days since R closed − 30) / 60)
    assert alerts[cno(1)].score == three_decimals(0.6 + 0.4 * 1 / 60)  # 31 days: 0.6067
    assert alerts[cno(7)].score == 0.7  # 45 days: 0.6 + 0.4 × 15 / 60
    assert alerts[cno(8)].score == 0.8  # 60 days: 0.6 + 0.4 × 30 / 60
    assert alerts[cno(6)].score == 1.0  # 90 days: 0.6 + 0.4 × 60 / 60
    assert alerts[cno(9)].score == 1.0  # 400 days: min(1, 0.6 + 0.4 × 370 / 60)


# -- bankrupt_unpaid_fees -----------------------------------------------------------------------
def test_bankrupt_company_owing_fees_in_other_cases(graph: Graph) -> None:
    b = Builder(graph)
    b.party("co", kind="company", name="破产公司")
    b.party("clean", kind="company")
    b.party("done", kind="company")
    b.party("x")
    k = "(2026)沪03破1号"
    b.case(k, kind="bankruptcy", claims_deadline=d("2026-09-30"))
    b.role("co", k, "respondent", fees_unpaid=999.0)  # fees in K itself do not count
    b.case("(2025)沪0104民初7号", kind="civil", status="concluded")
    b.role("co", "(2025)沪0104民初7号", "defendant", fees_unpaid=500.0)
    b.case("(2025)沪0104民初8号", kind="civil", status="concluded")
    b.role("co", "(2025)沪0104民初8号", "plaintiff", fees_unpaid=300.5)
    b.case("(2025)沪0104民初9号", kind="civil")
    b.role("co", "(2025)沪0104民初9号", "plaintiff", fees_unpaid=0.0)
    # no fees owed; a bankruptcy no longer pending
    b.case("(2026)沪03破2号", kind="bankruptcy")
    b.role("clean", "(2026)沪03破2号", "respondent")
    b.case("(2025)沪0104民初10号", kind="civil")
    b.role("clean", "(2025)沪0104民初10号", "defendant", fees_unpaid=0.0)
    b.case("(2025)沪03破3号", kind="bankruptcy", status="concluded", closed_on=d("2026-03-01"))
    b.role("done", "(2025)沪03破3号", "respondent")
    b.case("(2025)沪0104民初11号", kind="civil")
    b.role("done", "(2025)沪0104民初11号", "defendant", fees_unpaid=100.0)
    # claims deadline already past on as_of; and a deadline not known
    b.party("late", kind="company")
    b.case("(2026)沪03破5号", kind="bankruptcy", claims_deadline=d("2026-05-31"))
    b.role("late", "(2026)沪03破5号", "respondent")
    b.case("(2025)沪0104民初12号", kind="civil", status="concluded")
    b.role("late", "(2025)沪0104民初12号", "defendant", fees_unpaid=200.0)
    b.party("unknown", kind="company")
    b.case("(2026)沪03破6号", kind="bankruptcy")
    b.role("unknown", "(2026)沪03破6号", "respondent")
    b.case("(2025)沪0104民初13号", kind="civil", status="concluded")
    b.role("unknown", "(2025)沪0104民初13号", "defendant", fees_unpaid=200.0)

    # the debtor filed for its own bankruptcy: it is K's applicant and K has no respondent
    b.party("self", kind="company", name="自行申请公司")
    b.case("(2026)沪03破7号", kind="bankruptcy")
    b.role("self", "(2026)沪03破7号", "applicant")
    b.case("(2025)沪0104民初14号", kind="civil", status="concluded")
    b.role("self", "(2025)沪0104民初14号", "defendant", fees_unpaid=150.0)
    # near miss: a creditor company applied against another company; the creditor owes fees, the debtor none
    b.party("cred", kind="company")
    b.party("debtor8", kind="company")
    b.case("(2026)沪03破8号", kind="bankruptcy")
    b.role("cred", "(2026)沪03破8号", "applicant")
    b.role("debtor8", "(2026)沪03破8号", "respondent")
    b.case("(2025)沪0104民初15号", kind="civil", status="concluded")
    b.role("cred", "(2025)沪0104民初15号", "plaintiff", fees_unpaid=120.0)
    # an application still under review (破申): file once it is accepted
    b.party("applied", kind="company")
    b.case("(2026)沪03破申1号", kind="bankruptcy")
    graph.write("MATCH (c:Case {case_no: '(2026)沪03破申1号'}) SET c.type_code = '破申'")
    b.role("applied", "(2026)沪03破申1号", "respondent")
    b.case("(2025)沪0104民初16号", kind="civil", status="concluded")
    b.role("applied", "(2025)沪0104民初16号", "defendant", fees_unpaid=80.0)

    alerts = {a.case_no: a for a in detect(graph, "bankrupt_unpaid_fees")}
    assert set(alerts) == {k, "(2026)沪03破5号", "(2026)沪03破6号", "(2026)沪03破7号", "(2026)沪03破申1号"}
    assert alerts["(2026)沪03破7号"].related == ["(2025)沪0104民初14号"] and "自行申请公司" in alerts["(2026)沪03破7号"].message
    assert "破产申请审查" in alerts["(2026)沪03破申1号"].message and "受理后" in alerts["(2026)沪03破申1号"].message
    alert = alerts[k]
    assert alert.related == ["(2025)沪0104民初7号", "(2025)沪0104民初8号"]
    assert "800.50元" in alert.message and "2026-09-30" in alert.message
    assert "破产法" in alert.basis
    # 1.0 while the claims deadline is unknown or not yet past, 0.7 once it has passed
    assert alert.score == 1.0  # deadline 2026-09-30, after as_of 2026-06-30
    assert alerts["(2026)沪03破5号"].score == 0.7  # deadline 2026-05-31 has passed
    assert alerts["(2026)沪03破6号"].score == 1.0  # deadline unknown


# -- suspicious_asset_transfer ------------------------------------------------------------------
def test_suspicious_transfer_window_price_and_link(graph: Graph) -> None:
    b = Builder(graph)
    b.party("creditor")
    scenarios = {  # tag: (days before filing, price, value, how the buyer is related)
        "gift365": (365, 0.0, 100000.0, None),
        "gift366": (366, 0.0, 100000.0, None),
        "cheap": (10, 60000.0, 100000.0, None),
        "fair": (10, 80000.0, 100000.0, None),
        "spouse": (10, 80000.0, 100000.0, "spouse"),
        "twohop": (10, 80000.0, 100000.0, "twohop"),
        "threehop": (10, 80000.0, 100000.0, "threehop"),
        "after": (-20, 0.0, None, None),  # after the filing, a gift of unknown value
        "giftspouse": (10, 0.0, 100000.0, "spouse"),  # a gift to the spouse: cheap, free and related
    }
    expected = set()
    for tag, (before, price, value, link) in scenarios.items():
        b.party(tag, name=f"被执行人{tag}", addresses=(f"地址{tag}",))
        b.party(f"{tag}-buyer", name=f"受让人{tag}")
        case_no = b.enforcement(f"(2026)沪0104执{tag}号", tag, "creditor", filed_on=A_FILED)
        b.asset(f"H-{tag}", tag, "real_estate", value, description=f"房产{tag}")
        b.transfer(f"H-{tag}", tag, f"{tag}-buyer", A_FILED - dt.timedelta(days=before), price)
        if link == "spouse":
            b.relation(f"{tag}-buyer", tag, "spouse")
        elif link == "twohop":  # the buyer lives where the debtor's sibling lives
            b.party(f"{tag}-sib", addresses=(f"地址{tag}-sib",))
            b.relation(tag, f"{tag}-sib", "sibling")
            graph.write("MATCH (q:Party {uid: $q}), (ad:Address {text: $t}) MERGE (q)-[:HAS_ADDRESS]->(ad)",
                        {"q": b.uid(f"{tag}-buyer"), "t": f"地址{tag}-sib"})
        elif link == "threehop":
            b.party(f"{tag}-m1")
            b.party(f"{tag}-m2")
            b.relation(tag, f"{tag}-m1", "parent")
            b.relation(f"{tag}-m1", f"{tag}-m2", "director")
            b.relation(f"{tag}-m2", f"{tag}-buyer", "guarantor")
        if tag in ("gift365", "cheap", "spouse", "twohop", "after", "giftspouse"):
            expected.add(case_no)

    alerts = {a.case_no: a for a in detect(graph, "suspicious_asset_transfer")}
    assert set(alerts) == expected
    gift = alerts["(2026)沪0104执gift365号"]
    assert gift.related == ["H-gift365", "gift365-buyer"] and "无偿" in gift.message and gift.score == 0.8
    assert "撤销权" in gift.message and "民法典第538条" in gift.message and "涉嫌" not in gift.message
    assert set(alerts["(2026)沪0104执twohop号"].related) == {"H-twohop", "twohop-buyer", "twohop-sib"}
    assert "538" in gift.basis
    # min(1, 0.4 + 0.2 × signs) of the strongest transfer; signs: price < 70% of value, price 0, related
    scores = {tag: alerts[f"(2026)沪0104执{tag}号"].score for tag in
              ("gift365", "cheap", "spouse", "twohop", "after", "giftspouse")}
    assert scores == {
        "gift365": 0.8,  # 0 < 70% of 100000, and 0: two signs
        "cheap": 0.6,  # 60000 < 70000: one sign
        "spouse": 0.6,  # 80000 is not cheap; the buyer is the spouse: one sign
        "twohop": 0.6,  # related within two hops: one sign
        "after": 0.6,  # a gift of unknown value: not known to be cheap, but free: one sign
        "giftspouse": 1.0,  # cheap, free and to the spouse: min(1, 0.4 + 0.2 × 3)
    }


# -- every detector: as_of replay and determinism -----------------------------------------------
def test_as_of_ignores_facts_dated_after_it(graph: Graph) -> None:
    b = Builder(graph)
    b.party("debtor")
    b.party("creditor")
    b.party("other")
    b.enforcement(cno(1), "debtor", "creditor", filed_on=d("2026-01-05"))
    b.enforcement(cno(2), "other", "debtor", filed_on=d("2026-03-01"))
    assert detect(graph, "hidden_receivable", as_of=d("2026-02-01")) == []  # B not filed yet
    assert len(detect(graph, "hidden_receivable", as_of=d("2026-03-01"))) == 1
    # a case concluded after as_of was still open on as_of
    graph.write("MATCH (c:Case {case_no: $c}) SET c.status = 'concluded', c.closed_on = date('2026-05-01')",
                {"c": cno(2)})
    assert detect(graph, "hidden_receivable") == []
    assert len(detect(graph, "hidden_receivable", as_of=d("2026-04-01"))) == 1


def test_replaying_a_past_day_ignores_later_settlements_measures_payments_transfers_auctions(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p", name="债务人")
    b.party("creditor")
    b.party("q")
    b.party("friend")
    # collusive: a cheap settlement signed 2026-03-01 in a case where p is the applicant
    b.enforcement(cno(1), "p", "creditor", filed_on=d("2026-01-05"))
    b.enforcement(cno(2), "q", "p", filed_on=d("2025-06-01"))
    b.settlement(cno(2), d("2026-03-01"), 10000.0, 100000.0)
    # restriction: concluded 2026-03-06 (Friday), the measure imposed on 2026-03-02 still in force
    b.enforcement(cno(3), "p", "creditor", status="concluded", closed_on=d("2026-03-06"))
    b.measure("M1", cno(3), "consumption_restriction", party="p", imposed_on=d("2026-03-02"))
    # funds: received 2026-03-01, never paid out
    b.enforcement(cno(4), "p", "creditor")
    b.payment("PAY1", cno(4), d("2026-03-01"))
    # transfer: a gift on 2026-03-01
    b.asset("H1", "p", "real_estate", 500000.0)
    b.transfer("H1", "p", "friend", d("2026-03-01"), 0.0)
    # auction ordered 2026-03-01, never listed
    b.enforcement(cno(5), "p", "creditor")
    b.auction("AU1", cno(5), d("2026-03-01"))

    names = ["collusive_settlement", "restriction_not_lifted", "funds_not_disbursed", "suspicious_asset_transfer",
             "auction_delay"]
    today = {n: {a.case_no for a in detect(graph, n)} for n in names}
    # every open case of the debtor filed before the settlement / within a year after the transfer
    assert today == {"collusive_settlement": {cno(1), cno(4), cno(5)}, "restriction_not_lifted": {cno(3)},
                     "funds_not_disbursed": {cno(4)}, "suspicious_asset_transfer": {cno(1), cno(4), cno(5)},
                     "auction_delay": {cno(5)}}
    before = {n: detect(graph, n, as_of=d("2026-02-28")) for n in names}
    assert before == {n: [] for n in names}
    # on 2026-03-11 (the third working day after the closing) the measure was still in time
    assert detect(graph, "restriction_not_lifted", as_of=d("2026-03-11")) == []
    assert [a.case_no for a in detect(graph, "restriction_not_lifted", as_of=d("2026-03-12"))] == [cno(3)]


# -- terminated_case_assets (spec 1.1) ------------------------------------------------------------------
def test_terminated_case_assets_property_any_court_recorded_reaches_the_终本_case(graph: Graph) -> None:
    """Positives: a house in the court's own export, a car another court's export records (小聚大), an account of
    unknown balance. Near misses: an empty account, the spouse's house, a pending case, a debt paid in full,
    only a receivable, a 终本 ruled after as_of."""
    b = Builder(graph)
    hongkou = Builder(graph, source="sh0109-hongkou")
    b.party("creditor")
    for n in range(1, 10):
        b.party(f"d{n}", name=f"债务人{n}", id_number=None)
    b.party("zhou", name="周明", id_number="310104197811204513")
    hongkou.party("zhou-hk", name="周明", id_number="310104197811204513")  # the same legal person
    zb = {"status": "terminated_no_assets", "closed_on": days_before(100), "amount": 100000.0}
    b.enforcement(cno(1), "d1", "creditor", **zb)
    b.asset("H1", "d1", "real_estate", 300000.0, description="徐汇区龙华西路房产")
    b.enforcement(cno(2), "zhou", "creditor", **zb)
    hongkou.asset("HK-CAR", "zhou-hk", "vehicle", 25000.0, description="小型轿车")
    b.enforcement(cno(3), "d3", "creditor", **zb)
    b.asset("ACC3", "d3", "bank_account")  # balance unknown
    b.enforcement(cno(4), "d4", "creditor", **zb)
    b.asset("ACC4", "d4", "bank_account", 0.0)  # empty
    b.enforcement(cno(5), "d5", "creditor", **zb)
    b.relation("d5", "d6", "spouse")
    b.asset("H6", "d6", "real_estate", 500000.0)  # the spouse's, another legal person
    b.enforcement(cno(7), "d7", "creditor")  # pending
    b.asset("H7", "d7", "real_estate", 500000.0)
    b.enforcement(cno(8), "d8", "creditor", **{**zb, "amount_paid": 100000.0})  # nothing owed
    b.asset("H8", "d8", "real_estate", 500000.0)
    b.enforcement(cno(9), "d9", "creditor", **zb)
    b.asset("R9", "d9", "receivable", 80000.0)  # a receivable is hidden_receivable's
    b.party("late")
    b.enforcement(cno(10), "late", "creditor", **{**zb, "closed_on": d("2026-07-15")})  # 终本 after as_of
    b.asset("H10", "late", "real_estate", 500000.0)

    alerts = {a.case_no: a for a in detect(graph, "terminated_case_assets")}
    assert set(alerts) == {cno(1), cno(2), cno(3)}
    assert alerts[cno(1)].related == ["H1"] and alerts[cno(2)].related == ["HK-CAR"]
    # 0.6 + 0.4 × min(1, Σ known values / outstanding); 0.8 when no value is known
    assert alerts[cno(1)].score == 1.0  # 300000 / 100000 capped
    assert alerts[cno(2)].score == 0.7  # 0.6 + 0.4 × 25000 / 100000
    assert alerts[cno(3)].score == 0.8
    car = alerts[cno(2)].message
    assert "周明" in car and "车辆“小型轿车”（25000元，sh0109-hongkou导出记录）" in car
    assert "终结本次执行程序" in car and "恢复执行" in car and "终本规定第9条" in car
    assert "民诉法解释（2022年修正）第517条第2款" in alerts[cno(2)].basis


def test_auction_delay_unsold_and_not_put_up_again_within_30_days(graph: Graph) -> None:
    """网拍规定 art. 26: after 流拍 the asset goes up again within 30 days — in a case still running."""
    b = Builder(graph)
    b.party("p")
    b.party("creditor")
    for n in range(1, 8):
        b.enforcement(cno(n), "p", "creditor", status="concluded" if n == 6 else "pending", closed_on=None)
        b.asset(f"H{n}", "p", "real_estate", 1000000.0)
        # listed in time, 流拍 on day 40 after listing: none of the other grounds apply
        b.auction(f"AU{n}", cno(n), days_before(150), listed_on=days_before(140), closed_on=days_before(100),
                  result="unsold", asset=f"H{n}")
    b.auction("AU1b", cno(1), days_before(95), listed_on=days_before(70), asset="H1")  # listed day 30: in time
    b.auction("AU2b", cno(2), days_before(95), listed_on=days_before(69), asset="H2")  # day 31: late by one
    # 3: never put up again, 100 days since 流拍 (70 beyond)
    b.asset("OTHER", "p", "vehicle", 50000.0)
    b.auction("AU4b", cno(4), days_before(95), listed_on=days_before(80), asset="OTHER")  # another asset: not a re-auction
    b.auction("AU5b", cno(5), days_before(110), listed_on=days_before(105), asset="H5")  # ordered before the 流拍
    # 6: the case is concluded; 7: 流拍 only 30 days ago
    b.graph.write("MATCH (a:Auction {auction_id: 'AU7'}) SET a.closed_on = $d", {"d": days_before(30)})

    alerts = {a.case_no: a for a in detect(graph, "auction_delay")}
    assert set(alerts) == {cno(2), cno(3), cno(4), cno(5)}
    assert alerts[cno(2)].score == three_decimals(0.5 + 0.5 * 1 / 90)
    assert alerts[cno(3)].score == three_decimals(0.5 + 0.5 * 70 / 90)
    assert alerts[cno(3)].related == ["AU3", "H3"]
    assert "流拍后100天仍未再次拍卖" in alerts[cno(3)].message and "网拍规定第26条" in alerts[cno(3)].message
    assert "流拍后迟至" in alerts[cno(2)].message and "（第31天）才再次挂网" in alerts[cno(2)].message
