"""A small, realistic enforcement network for previews, documentation and tests of the views.

``python -m visualizations.samples preview.html`` writes the example as a
standalone page, so a page or chart can be looked at without loading data.
"""

from __future__ import annotations

import sys
from typing import Any

from graph_model.subgraph import GNode, GRel, Subgraph
from visualizations.render import write_view


class _Builder:
    def __init__(self) -> None:
        self.sub = Subgraph()
        self._rels = 0

    def node(self, nid: str, labels: list[str], **props: Any) -> str:
        self.sub.nodes[nid] = GNode(nid, labels, props)
        return nid

    def rel(self, start: str, rel_type: str, end: str, **props: Any) -> str:
        self._rels += 1
        rid = f"r{self._rels}"
        self.sub.relationships[rid] = GRel(rid, rel_type, start, end, props)
        return rid


def example_network() -> Subgraph:
    """A debtor company whose 终本 cases hide a receivable, a settlement paid to a friend, and an alert."""
    b = _Builder()
    co = b.node("c-debtor", ["Company", "Party"], uid="id:91110105MA01ABCD2X", kind="company",
                name="北京宏远建设工程有限公司", id_number="91110105MA01ABCD2X", status="active",
                registered_on="2015-03-18", sources=["朝阳法院执行案件导出"])
    boss = b.node("p-boss", ["Party", "Person"], uid="id:110105198203154512", kind="person", name="张建国",
                  id_number="110105198203154512", names=["张建国", "张健国"])
    wife = b.node("p-wife", ["Party", "Person"], uid="id:110105198507224526", kind="person", name="李秀梅",
                  id_number="110105198507224526")
    sister = b.node("c-sister", ["Company", "Party"], uid="id:91110108MA02EFGH3Y", kind="company",
                    name="北京宏达商贸有限公司", id_number="91110108MA02EFGH3Y", status="deregistered")
    owes = b.node("c-owes", ["Company", "Party"], uid="id:91130100MA03JKLM4Z", kind="company",
                  name="河北恒信置业有限公司", id_number="91130100MA03JKLM4Z")
    union = b.node("o-union", ["Organization", "Party"], uid="src:hd:U1", kind="organization", name="海淀区建筑业工会")
    b.rel(boss, "LEGAL_REPRESENTATIVE_OF", co, since="2015-03-18")
    b.rel(boss, "SHAREHOLDER_OF", co, share=0.6)
    b.rel(wife, "SHAREHOLDER_OF", co, share=0.4)
    b.rel(wife, "SPOUSE_OF", boss)
    b.rel(boss, "SHAREHOLDER_OF", sister, share=1.0)

    cases = [
        ("(2023)京0105执1234号", "terminated_no_assets", 1_850_000.0, 0.0, "建设工程施工合同纠纷", "王师傅"),
        ("(2024)京0105执567号", "pending", 236_400.0, 36_400.0, "劳动争议", "刘小军"),
        ("(2024)京0105执890号", "pending", 98_000.0, None, "劳动争议", "陈大勇"),
        ("(2022)京0105执3321号", "concluded", 50_000.0, 50_000.0, "买卖合同纠纷", None),
    ]
    case_ids = []
    for i, (case_no, status, amount, paid, cause, applicant) in enumerate(cases):
        cid = b.node(f"k{i}", ["Case"], case_no=case_no, kind="enforcement", status=status, court="北京市朝阳区人民法院",
                     court_code="J05", cause=cause, filed_on=f"{case_no[1:5]}-0{i + 3}-12", amount=amount,
                     amount_paid=paid, outstanding=None if paid is None else amount - paid, loaded=True)
        case_ids.append(cid)
        b.rel(co, "RESPONDENT_IN", cid, fees_unpaid=1200.0 if i == 0 else None)
        if applicant:
            pid = b.node(f"p-app{i}", ["Party", "Person"], uid=f"src:cy:A{i}", kind="person", name=applicant,
                         id_invalid=True, id_number_raw="11010519900101123")
            b.rel(pid, "APPLICANT_IN", cid)
    award = b.node("k-award", ["Case"], case_no="京朝劳人仲字[2023]第4411号", kind="labor_arbitration",
                   status="concluded", court="北京市朝阳区劳动人事争议仲裁委员会")
    b.rel(case_ids[1], "BASED_ON", award)
    b.rel(union, "THIRD_PARTY_IN", case_ids[2])

    # the company is a creditor elsewhere: a hidden receivable
    other = b.node("k-other", ["Case"], case_no="(2024)冀0102执2021号", kind="enforcement", status="pending",
                   court="石家庄市长安区人民法院", amount=3_200_000.0, amount_paid=0.0, outstanding=3_200_000.0)
    b.rel(co, "APPLICANT_IN", other)
    b.rel(owes, "RESPONDENT_IN", other)
    recv = b.node("a-recv", ["Asset"], uid="cy:AS9", kind="receivable", description="工程款债权（恒信置业）",
                  value=3_200_000.0)
    b.rel(co, "OWNS", recv)
    b.rel(recv, "OWED_BY", owes)
    car = b.node("a-car", ["Asset"], uid="cy:AS10", kind="vehicle", description="京N·8K2Q3 奔驰GLE", value=420_000.0)
    b.rel(boss, "OWNS", car)
    tr = b.node("t1", ["Transfer"], uid="cy:AS10:x:y:2023-01-05", transferred_on="2023-01-05", price=10_000.0)
    b.rel(boss, "TRANSFERRED", tr)
    b.rel(tr, "TRANSFERRED_TO", wife)
    b.rel(tr, "TRANSFER_OF", car)

    st = b.node("s1", ["Settlement"], uid="(2024)冀0102执2021号:2024-06-01:800000", signed_on="2024-06-01",
                original_amount=3_200_000.0, settled_amount=800_000.0)
    b.rel(st, "SETTLES", other)
    b.rel(st, "PAYEE", sister)
    m = b.node("m1", ["Measure"], uid="cy:M1", kind="consumption_restriction", imposed_on="2023-05-10")
    b.rel(m, "MEASURE_IN", case_ids[0])
    b.rel(m, "RESTRICTS", boss)

    phone = b.node("ph1", ["Phone"], number="13812345678")
    b.rel(co, "HAS_PHONE", phone)
    b.rel(sister, "HAS_PHONE", phone)
    addr = b.node("ad1", ["Address"], text="北京市朝阳区建国路88号SOHO现代城3号楼1205")
    b.rel(co, "HAS_ADDRESS", addr)

    alert = b.node("al1", ["Alert"], key="hidden_receivable:(2023)京0105执1234号", detector="hidden_receivable",
                   case_no="(2023)京0105执1234号", score=0.92, status="new",
                   message="被执行人在石家庄市长安区人民法院(2024)冀0102执2021号案中为申请执行人，尚有320万元未受偿，可依法冻结该到期债权。",
                   basis="民诉法解释(2022) 第499条")
    b.rel(alert, "ALERT_ON_CASE", case_ids[0])
    b.rel(alert, "EVIDENCE", other)
    b.rel(alert, "EVIDENCE", recv)
    b.sub.subject = co
    return b.sub


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m visualizations.samples OUTPUT.html", file=sys.stderr)
        return 2
    path = write_view(example_network(), argv[0], title="北京宏远建设工程有限公司 · 关联网络（示例）",
                      expand_url="/parties/{uid}?depth=2")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
