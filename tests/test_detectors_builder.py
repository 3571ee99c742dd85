"""A small builder of model-conformant test graphs for the detector and alert tests.

It writes what the loader writes for an export (Party with uid/entity_id/source_keys,
Case keyed by case_no, role relationships, typed relations, Phone/Address, assets,
transfers, measures, settlements, payments, auctions, detentions), so the detectors
are tested on the same shape as loaded data. The test below checks that every label,
relationship type and property the builder writes is declared in graph_model/model.yaml.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_model.db import Graph
from graph_model.schema import MODEL
from queries.alerts import Alert, run_detectors
from queries.registry import Registry

AS_OF = dt.date(2026, 6, 30)  # a Tuesday
SOURCE = "t"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def days_before(n: int, ref: dt.date = AS_OF) -> dt.date:
    return ref - dt.timedelta(days=n)


class Builder:
    """Writes parties, cases and the facts around them; ids are the export's ids."""

    def __init__(self, graph: Graph, source: str = SOURCE) -> None:
        self.graph = graph
        self.source = source
        self.uids: dict[str, str] = {}

    def uid(self, pid: str) -> str:
        return self.uids[pid]

    def party(self, pid: str, kind: str = "person", name: str | None = None, id_number: str | None = None,
              phones: tuple[str, ...] = (), addresses: tuple[str, ...] = (), entity: str | None = None,
              status: str | None = None) -> str:
        uid = f"id:{id_number}" if id_number else f"src:{self.source}:{pid}"
        self.uids[pid] = uid
        label = {"person": "Person", "company": "Company", "organization": "Organization"}[kind]
        self.graph.write(
            f"MERGE (p:Party {{uid: $uid}}) SET p:{label}, p.entity_id = $entity, p.kind = $kind, p.name = $name, "
            "p.names = [$name], p.id_number = $id_number, p.source_keys = coalesce(p.source_keys, []) + $key, "
            "p.status = $status, p.sources = [$source] "
            "FOREACH (n IN $phones | MERGE (ph:Phone {number: n}) MERGE (p)-[:HAS_PHONE]->(ph)) "
            "FOREACH (a IN $addresses | MERGE (ad:Address {text: a}) MERGE (p)-[:HAS_ADDRESS]->(ad))",
            {"uid": uid, "entity": entity or uid, "kind": kind, "name": name or pid, "id_number": id_number,
             "key": f"{self.source}:{pid}", "status": status, "source": self.source, "phones": list(phones),
             "addresses": list(addresses)})
        return uid

    def case(self, case_no: str, kind: str = "enforcement", status: str = "pending", filed_on: dt.date | None = None,
             closed_on: dt.date | None = None, amount: float | None = 100000.0, amount_paid: float | None = 0.0,
             cause: str | None = None, origin: str | None = None, outcome: str | None = None,
             claims_deadline: dt.date | None = None, court_code: str = "沪0104") -> str:
        self.graph.write(
            "MERGE (c:Case {case_no: $case_no}) SET c.loaded = true, c.kind = $kind, c.status = $status, "
            "c.filed_on = $filed_on, c.closed_on = $closed_on, c.amount = $amount, c.amount_paid = $amount_paid, "
            "c.outstanding = CASE WHEN $amount IS NULL THEN null ELSE $amount - coalesce($amount_paid, 0.0) END, "
            "c.cause = $cause, c.outcome = $outcome, c.claims_deadline = $claims_deadline, "
            "c.court_code = $court_code, c.sources = [$source] "
            "WITH c WHERE $origin IS NOT NULL "
            "MERGE (o:Case {case_no: $origin}) ON CREATE SET o.loaded = false "
            "MERGE (c)-[:BASED_ON]->(o)",
            {"case_no": case_no, "kind": kind, "status": status, "filed_on": filed_on or days_before(200),
             "closed_on": closed_on, "amount": amount, "amount_paid": amount_paid, "cause": cause,
             "outcome": outcome, "claims_deadline": claims_deadline, "court_code": court_code, "origin": origin,
             "source": self.source})
        return case_no

    def role(self, pid: str, case_no: str, role: str = "respondent", fees_unpaid: float | None = None) -> None:
        rel = {"applicant": "APPLICANT_IN", "respondent": "RESPONDENT_IN", "plaintiff": "PLAINTIFF_IN",
               "defendant": "DEFENDANT_IN", "third_party": "THIRD_PARTY_IN", "administrator": "ADMINISTRATOR_IN"}[role]
        self.graph.write(f"MATCH (p:Party {{uid: $uid}}), (c:Case {{case_no: $case_no}}) "
                         f"MERGE (p)-[r:{rel}]->(c) SET r.fees_unpaid = $fees",
                         {"uid": self.uid(pid), "case_no": case_no, "fees": fees_unpaid})

    def unpaid_wages(self, employer: str, n: int = 3) -> list[str]:
        """`n` workers' enforcement cases against the employer, each resting on a concluded labor award
        (徐劳人仲(2025)办字第<i>号 → (2026)沪0104执1<i>号, worker w<i>): a repeat-offender employer at n ≥ 3."""
        cases = []
        for i in range(n):
            self.party(f"w{i}")
            self.case(f"徐劳人仲(2025)办字第{i}号", kind="labor_arbitration", status="concluded")
            cases.append(self.enforcement(f"(2026)沪0104执1{i}号", employer, f"w{i}",
                                          origin=f"徐劳人仲(2025)办字第{i}号"))
        return cases

    def enforcement(self, case_no: str, debtor: str, creditor: str | None = None, **case: Any) -> str:
        """An enforcement case with its respondent (and applicant)."""
        self.case(case_no, **case)
        self.role(debtor, case_no, "respondent")
        if creditor:
            self.role(creditor, case_no, "applicant")
        return case_no

    def relation(self, from_pid: str, to_pid: str, relation: str = "spouse", share: float | None = None,
                 since: dt.date | None = None) -> None:
        rel = MODEL.relation_types[relation]
        self.graph.write(f"MATCH (a:Party {{uid: $a}}), (b:Party {{uid: $b}}) MERGE (a)-[r:{rel}]->(b) "
                         "SET r.since = $since" + (", r.share = $share" if relation == "shareholder" else ""),
                         {"a": self.uid(from_pid), "b": self.uid(to_pid), "share": share, "since": since})

    def asset(self, aid: str, owner: str, kind: str = "real_estate", value: float | None = None,
              counterparty: str | None = None, description: str | None = None) -> None:
        self.graph.write(
            "MATCH (o:Party {uid: $owner}) MERGE (x:Asset {uid: $uid}) "
            "SET x.asset_id = $aid, x.kind = $kind, x.value = $value, x.description = $description, x.sources = [$source] "
            "MERGE (o)-[:OWNS]->(x) "
            "WITH x WHERE $debtor IS NOT NULL MATCH (dp:Party {uid: $debtor}) MERGE (x)-[:OWED_BY]->(dp)",
            {"owner": self.uid(owner), "uid": f"{self.source}:{aid}", "aid": aid, "kind": kind, "value": value,
             "description": description, "debtor": self.uid(counterparty) if counterparty else None,
             "source": self.source})

    def transfer(self, aid: str, from_pid: str, to_pid: str, on: dt.date, price: float | None) -> None:
        self.graph.write(
            "MATCH (f:Party {uid: $f}), (t:Party {uid: $t}), (x:Asset {uid: $asset}) "
            "MERGE (tr:Transfer {uid: $uid}) SET tr.transferred_on = $on, tr.price = $price "
            "MERGE (f)-[:TRANSFERRED]->(tr) MERGE (tr)-[:TRANSFERRED_TO]->(t) MERGE (tr)-[:TRANSFER_OF]->(x)",
            {"f": self.uid(from_pid), "t": self.uid(to_pid), "asset": f"{self.source}:{aid}",
             "uid": f"{self.source}:{aid}:{from_pid}:{to_pid}:{on}", "on": on, "price": price})

    def measure(self, mid: str, case_no: str, kind: str, party: str | None = None, imposed_on: dt.date | None = None,
                lifted_on: dt.date | None = None) -> None:
        self.graph.write(
            "MATCH (c:Case {case_no: $case_no}) MERGE (m:Measure {uid: $uid}) "
            "SET m.measure_id = $mid, m.kind = $kind, m.imposed_on = $imposed, m.lifted_on = $lifted "
            "MERGE (m)-[:MEASURE_IN]->(c) "
            "WITH m WHERE $party IS NOT NULL MATCH (p:Party {uid: $party}) MERGE (m)-[:RESTRICTS]->(p)",
            {"case_no": case_no, "uid": f"{self.source}:{mid}", "mid": mid, "kind": kind,
             "imposed": imposed_on or days_before(300), "lifted": lifted_on,
             "party": self.uid(party) if party else None})

    def settlement(self, case_no: str, signed_on: dt.date, settled_amount: float, original_amount: float | None = None,
                   payee: str | None = None, performed_on: dt.date | None = None) -> None:
        self.graph.write(
            "MATCH (c:Case {case_no: $case_no}) MERGE (s:Settlement {uid: $uid}) "
            "SET s.signed_on = $signed, s.original_amount = $original, s.settled_amount = $settled, "
            "s.performed_on = $performed MERGE (s)-[:SETTLES]->(c) "
            "WITH s WHERE $payee IS NOT NULL MATCH (p:Party {uid: $payee}) MERGE (s)-[:PAYEE]->(p)",
            {"case_no": case_no, "uid": f"{case_no}:{signed_on}:{settled_amount}", "signed": signed_on,
             "original": original_amount, "settled": settled_amount, "performed": performed_on,
             "payee": self.uid(payee) if payee else None})

    def payment(self, pid: str, case_no: str, received_on: dt.date, amount: float = 5000.0,
                disbursed_on: dt.date | None = None) -> None:
        self.graph.write(
            "MATCH (c:Case {case_no: $case_no}) MERGE (p:Payment {uid: $uid}) "
            "SET p.payment_id = $pid, p.received_on = $received, p.amount = $amount, p.disbursed_on = $disbursed "
            "MERGE (p)-[:PAYMENT_IN]->(c)",
            {"case_no": case_no, "uid": f"{self.source}:{pid}", "pid": pid, "received": received_on,
             "amount": amount, "disbursed": disbursed_on})

    def auction(self, aid: str, case_no: str, ordered_on: dt.date, listed_on: dt.date | None = None,
                closed_on: dt.date | None = None, result: str | None = None, asset: str | None = None) -> None:
        self.graph.write(
            "MATCH (c:Case {case_no: $case_no}) MERGE (a:Auction {uid: $uid}) "
            "SET a.auction_id = $aid, a.ordered_on = $ordered, a.listed_on = $listed, a.closed_on = $closed, "
            "a.result = $result MERGE (a)-[:AUCTION_IN]->(c) "
            "WITH a WHERE $asset IS NOT NULL MATCH (x:Asset {uid: $asset}) MERGE (a)-[:AUCTIONS]->(x)",
            {"case_no": case_no, "uid": f"{self.source}:{aid}", "aid": aid, "ordered": ordered_on,
             "listed": listed_on, "closed": closed_on, "result": result,
             "asset": f"{self.source}:{asset}" if asset else None})

    def detention(self, pid: str, start_on: dt.date, end_on: dt.date | None = None, kind: str = "detention",
                  facility: str | None = "某看守所") -> None:
        self.graph.write(
            "MATCH (p:Party {uid: $uid}) MERGE (d:Detention {uid: $duid}) "
            "SET d.start_on = $start, d.end_on = $end, d.kind = $kind, d.facility = $facility "
            "MERGE (p)-[:DETAINED]->(d)",
            {"uid": self.uid(pid), "duid": f"{self.source}:{pid}:{start_on}", "start": start_on, "end": end_on,
             "kind": kind, "facility": facility})


def detect(graph: Graph, name: str, as_of: dt.date = AS_OF, **params: Any) -> list[Alert]:
    """Run one detector; the alerts it raises."""
    runs = run_detectors(graph, Registry(), as_of=as_of, names=[name], params={name: params})
    assert runs[0].ok, runs[0].error
    return runs[0].alerts


def keys(alerts: list[Alert]) -> set[str]:
    return {a.key for a in alerts}


def test_builder_writes_only_what_the_model_declares(graph: Graph) -> None:
    b = Builder(graph)
    b.party("p1", phones=("13800000000",), addresses=("上海市徐汇区某路1号",))
    b.party("c1", kind="company", id_number="91310000MA1FL0000X")
    b.enforcement("(2026)沪0104执1号", "p1", "c1", origin="(2025)沪0104民初1号")
    b.role("c1", "(2026)沪0104执1号", "applicant", fees_unpaid=10.0)
    b.relation("p1", "c1", "shareholder", share=0.6, since=d("2020-01-01"))
    b.asset("A1", "p1", "receivable", 1000.0, counterparty="c1")
    b.transfer("A1", "p1", "c1", d("2026-01-01"), 0.0)
    b.measure("M1", "(2026)沪0104执1号", "dishonest_list", party="p1")
    b.settlement("(2026)沪0104执1号", d("2026-02-01"), 10.0, 100.0, payee="c1", performed_on=d("2026-03-01"))
    b.payment("P1", "(2026)沪0104执1号", d("2026-02-01"))
    b.auction("AU1", "(2026)沪0104执1号", d("2026-02-01"), asset="A1")
    b.detention("p1", d("2026-01-01"))
    rows = graph.read("MATCH (n) UNWIND labels(n) AS label UNWIND keys(n) AS prop "
                      "RETURN DISTINCT label, prop UNION "
                      "MATCH ()-[r]->() UNWIND (CASE WHEN size(keys(r)) = 0 THEN [null] ELSE keys(r) END) AS prop "
                      "RETURN DISTINCT type(r) AS label, prop")
    assert rows
    for row in rows:
        declared = MODEL.properties_of(row["label"])
        if row["prop"] is not None:
            assert row["prop"] in declared, f"{row['label']}.{row['prop']} is not in model.yaml"
