"""The synthetic dataset: K court exports streamed to disk, and truth.json computed by the reference evaluator.

Background cases are generated so that they cannot raise alerts by accident where
that is practical (creditors and debtors are separate pools, restrictions are
lifted on time, money is paid out within 30 days, …); planted scenarios and their
near-miss decoys come from :mod:`loaders.synthetic.scenarios`. Whatever the data
holds, truth.json lists exactly what the reference evaluator raises on it, and
says which of those alerts were planted and which arose by accident.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loaders.synthetic import scenarios as sc
from loaders.synthetic.names import (
    CAUSE_LABOR,
    CAUSES_BANK,
    CAUSES_COMPANY,
    CAUSES_CRIMINAL,
    CAUSES_PERSON,
    COURTS,
    INTERMEDIATE,
    PRISONS,
)
from loaders.synthetic.population import COMPANY, CREDITOR, DEBTOR, PERSON, Population
from loaders.synthetic.reference import (
    DETECTORS,
    Auction,
    CaseRecord,
    Evaluator,
    Measure,
    Payment,
    Settlement,
    describe_alerts,
)
from loaders.synthetic.writer import AWARD, COURT_INDEX, ExportWriter, case_name

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
KIND_OF_TYPE = {"执": "enforcement", "执恢": "enforcement", "民初": "civil", "民终": "civil", "民再": "retrial",
                "破": "bankruptcy", "破申": "bankruptcy", "刑初": "criminal", "行初": "administrative"}
PREFIXES = ("XH", "HK", "PD", "SZ", "JA", "CN", "MH", "HP", "YP", "PT", "BS", "JD", "SJ", "QP", "FX", "JS", "CM")
BAD_CLASSES = (
    ("parties", "missing required value"), ("parties", "unknown enum"),
    ("cases", "unparseable date"), ("cases", "unknown enum"), ("cases", "missing required value"),
    ("case_parties", "undefined party_id"), ("case_parties", "unknown enum"),
    ("relations", "unknown enum"), ("relations", "undefined party_id"),
    ("assets", "unknown enum"), ("asset_transfers", "undefined party_id"),
    ("measures", "unknown case_no"), ("measures", "unparseable date"),
    ("settlements", "missing required value"),
    ("payments", "unparseable amount"), ("payments", "unknown case_no"),
    ("auctions", "unknown case_no"), ("detentions", "missing required value"),
)
STATUS_WEIGHTS = (("terminated_no_assets", 40), ("concluded", 30), ("pending", 16), ("settled", 6),
                  ("withdrawn", 3), ("suspended", 3), ("terminated", 2))
_STATUSES = [s for s, w in STATUS_WEIGHTS for _ in range(w)]


@dataclass
class Truth:
    """What the detectors must find in a generated dataset (the content of truth.json)."""

    as_of: dt.date
    seed: int
    parties: int
    exports: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    planted: dict[str, list[dict]] = field(default_factory=dict)
    decoys: dict[str, list[dict]] = field(default_factory=dict)
    accidental: list[dict] = field(default_factory=list)
    messy: dict | None = None
    stats: dict = field(default_factory=dict)
    scenarios: dict[str, dict[str, int]] = field(default_factory=dict)  # detector → planted / decoy stories

    def counts(self) -> dict[str, int]:
        c = Counter(a["detector"] for a in self.alerts)
        return {d: c.get(d, 0) for d in DETECTORS}

    def to_json(self) -> dict:
        return {
            "format": 1,
            "as_of": self.as_of.isoformat(),
            "seed": self.seed,
            "parties": self.parties,
            "exports": self.exports,
            "counts": self.counts(),
            "alerts": self.alerts,
            "scenarios": self.scenarios,
            "planted": self.planted,
            "decoys": self.decoys,
            "accidental": self.accidental,
            "messy": self.messy,
            "stats": self.stats,
        }


def _key(item: dict) -> tuple[str, str]:
    return item["detector"], item["case_no"] or item.get("id_number") or ""


class Generator:
    """Writes one dataset; see :func:`generate`."""

    def __init__(self, out: Path, parties: int, seed: int, as_of: dt.date, exports: int, encoding: str, messy: bool) -> None:
        if not 1 <= exports <= len(COURTS):
            raise ValueError(f"exports must be between 1 and {len(COURTS)}")
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
        self.out = out
        self.seed = seed
        self.as_of = as_of
        self.messy = messy
        self.encoding = encoding
        self.courts = COURTS[:exports]
        self.k = exports
        self.plan = sc.plan(parties, exports, seed)
        kinds = bytearray()
        for s in self.plan:
            s.base = len(kinds)
            kinds.extend(s.kinds)
        self.pop = Population(parties, seed, bytes(kinds))
        for s in self.plan:
            s.base += self.pop.s0
        self.ev = Evaluator(as_of)
        self.present = [bytearray(parties) for _ in self.courts]
        self.extra: dict[int, tuple[int, str, str, str | None, str]] = {}  # virtual entity → (export, party_id, kind, id_raw, name)
        self.status_override: dict[int, str] = {}
        self.name_override: dict[int, str] = {}
        self.planted: dict[str, list[tuple[str, int]]] = {d: [] for d in DETECTORS}  # detector → ("case"/"party", key)
        self.decoys: dict[str, list[tuple[str, int, str]]] = {d: [] for d in DETECTORS}
        self.twins: list[dict] = []
        self.w: ExportWriter
        self.x = 0  # current export index
        self._relations: set[tuple[int, int, str]] = set()  # relations rows of the current export
        self._last_case = -1  # the current export's filler case (bad rows that need a real case name it)
        self._filler_asset = ""  # the current export's filler vehicle
        self.rng = random.Random(seed)
        pop = self.pop
        self.creditor_companies = [i for i in range(pop.c0, pop.c1) if pop.category(i) == CREDITOR]
        self.creditor_persons = [i for i in range(pop.p0, parties, 3) if pop.category(i) == CREDITOR]
        self.debtors = [i for i in range(pop.c0, parties) if pop.category(i) == DEBTOR]
        if not self.creditor_companies or not self.creditor_persons:
            raise ValueError("too few parties for a background population")
        self.bankruptcy_court = next((k for k, c in enumerate(self.courts) if c.code == "沪03"), None)

    # -- background flags -----------------------------------------------------------------------------
    def home(self, i: int) -> int:
        return self.pop.h(i, 13) % self.k

    def bankrupt(self, i: int) -> bool:
        return self.pop.kind(i) == COMPANY and self.pop.c0 <= i < self.pop.c1 and self.pop.h(i, 15) % 100 < 3

    def visits(self, i: int) -> bool:
        return self.k > 1 and self.pop.h(i, 14) % 100 < 8 and not self.transfers(i)

    def transfers(self, i: int) -> bool:
        return self.pop.h(i, 16) % 100 < 6

    # -- emission API (used by scenarios too) ---------------------------------------------------------
    def P(self, i: int) -> str:
        """party_id of population party ``i`` in the current export (marks it present)."""
        if i >= self.pop.n:
            return self.extra[i][1]
        self.present[self.x][i] = 1
        return self.w.party_id(i)

    def court_code(self) -> str:
        return self.courts[self.x].code

    def new_case(self, type_code: str, year: int, court_code: str | None = None) -> int:
        return self.w.next_case(court_code or self.court_code(), type_code, year)

    def new_award(self, year: int) -> int:
        court = COURT_INDEX[self.court_code()]
        if not self.courts[self.x].labor:  # an intermediate court: the awards of the first district
            court = 0
        return self.w.next_award(court, year)

    def case(
        self,
        code: int,
        status: str,
        filed: dt.date,
        parties: list[tuple[int, str, float | None]],
        *,
        closed: dt.date | None = None,
        amount: float | None = None,
        paid: float | None = None,
        origin: int | None = None,
        cause: str | None = None,
        outcome: str | None = None,
        claims_deadline: dt.date | None = None,
        kind: str | None = None,
        measures: Sequence[tuple[str, int | None, str | None, dt.date, dt.date | None]] = (),
        settlements: Sequence[tuple[dt.date, float | None, float, int | None, dt.date | None]] = (),
        payments: Sequence[tuple[dt.date, float, dt.date | None]] = (),
        auctions: Sequence[tuple[str | None, dt.date, dt.date | None, dt.date | None, str | None, float | None]] = (),
    ) -> int:
        """Write a case with its case_parties, measures, settlements, payments and auctions; feed the evaluator."""
        w = self.w
        type_index = (code >> 24) // 64 % 16
        name_type = None if type_index == AWARD else sc.type_code(type_index)
        if kind is None:
            kind = "labor_arbitration" if type_index == AWARD else KIND_OF_TYPE[name_type]
        court_index = (code >> 24) // 64 // 16
        court = "" if type_index == AWARD else sc.court_name(court_index)
        written_kind = kind
        if w.messy and type_index != AWARD and self.rng.random() < 0.1:
            written_kind = ""  # derived from the type code by the loader
        cno = w.c(code)
        w.row("cases", (cno, written_kind, court, cause or "", w.d(filed), w.d(closed), status, w.a(amount), w.a(paid),
                        w.c(origin) if origin is not None else "", outcome or "", w.d(claims_deadline)))
        for i, role, fees in parties:
            w.row("case_parties", (w.c(code), self.P(i), role, w.a(fees) if fees is not None else ""))
        ms = []
        for mkind, party, asset, imposed, lifted in measures:
            w.row("measures", (w.new_id("M"), w.c(code), mkind, self.P(party) if party is not None else "",
                               asset or "", w.d(imposed), w.d(lifted)))
            ms.append(Measure(mkind, imposed, lifted))
        ss = []
        for signed, original, settled, payee, performed in settlements:
            w.row("settlements", (w.c(code), w.d(signed), w.a(original), w.a(settled),
                                  self.P(payee) if payee is not None else "", w.d(performed)))
            ss.append(Settlement(signed, settled, original, payee, performed))
        ps = []
        for received, value, disbursed in payments:
            w.row("payments", (w.new_id("F"), w.c(code), w.d(received), w.a(value), w.d(disbursed)))
            ps.append(Payment(received, disbursed))
        au = []
        for asset, ordered, listed, closed_on, result, price in auctions:
            w.row("auctions", (w.new_id("A"), w.c(code), asset or "", w.d(ordered), w.d(listed), w.d(closed_on),
                               result or "", w.a(price)))
            au.append(Auction(ordered, listed, closed_on, result))
        origin_type = None if origin is None else (origin >> 24) // 64 % 16
        labor = origin_type == AWARD or (cause is not None and "劳动" in cause)
        self.ev.add_case(
            CaseRecord(code, kind, status, filed, closed, amount, paid, origin, labor, outcome),
            parties, ms, ss, ps, au,
        )
        return code

    def asset(self, kind: str, owner: int, value: float | None, description: str, registry: str = "",
              counterparty: int | None = None) -> str:
        w = self.w
        asset_id = w.new_id("S")
        w.row("assets", (asset_id, kind, self.P(owner), description, registry, w.a(value),
                         self.P(counterparty) if counterparty is not None else ""))
        self.ev.add_asset(owner, kind, asset_id, value)
        return asset_id

    def transfer(self, asset_id: str, source: int, target: int, on: dt.date, price: float | None, value: float | None) -> None:
        w = self.w
        w.row("asset_transfers", (asset_id, self.P(source), self.P(target), w.d(on), w.a(price)))
        self.ev.add_transfer(source, target, on, price, value)

    def relation(self, source: int, target: int, relation: str, share: float | None = None,
                 since: dt.date | None = None, until: dt.date | None = None) -> None:
        key = (source, target, relation)
        if key in self._relations:  # one row per relation and export (a repeat would be a duplicate row)
            return
        self._relations.add(key)
        w = self.w
        share_text = ""
        if share is not None:
            share_text = f"{share:.2f}" if not w.messy or self.rng.random() < 0.5 else f"{share * 100:.0f}%"
        w.row("relations", (self.P(source), self.P(target), relation, share_text, w.d(since), w.d(until)))
        self.ev.add_link(source, target)

    def detention(self, i: int, facility: str, kind: str, start: dt.date, end: dt.date | None) -> None:
        w = self.w
        w.row("detentions", (self.P(i), facility, kind, w.d(start), w.d(end)))
        self.ev.add_detention(i, start, end)

    def expect(self, detector: str, key: int, *, party: bool = False) -> None:
        self.planted[detector].append(("party" if party else "case", key))

    def decoy(self, detector: str, key: int, reason: str, *, party: bool = False) -> None:
        self.decoys[detector].append(("party" if party else "case", key, reason))

    # -- values --------------------------------------------------------------------------------------
    def amount(self) -> float:
        value = math.exp(self.rng.gauss(math.log(60_000), 1.4))
        value = min(max(value, 2_000.0), 80_000_000.0)
        if value > 20_000:
            return float(round(value, -2))
        return round(value, 2)

    def day(self, earliest: int, latest: int) -> dt.date:
        """A day between ``earliest`` and ``latest`` days before as_of."""
        return self.as_of - dt.timedelta(days=self.rng.randint(latest, earliest))

    def workday_after(self, start: dt.date, n: int) -> dt.date:
        d = start
        while n > 0:
            d += dt.timedelta(days=1)
            if d.weekday() < 5:
                n -= 1
        return d

    def company_relations(self, company: int) -> None:
        """Legal representative and shareholders of a company, as the court's system records them."""
        pop = self.pop
        rep = pop.legal_representative(company)
        since = pop.registered_on(company, self.as_of)
        self.relation(rep, company, "legal_representative", since=since)
        r = pop.h(company, 21) % 100
        if r < 55:
            self.relation(rep, company, "shareholder", share=1.0 if r < 25 else 0.6, since=since)
            if r >= 25:
                self.relation(pop.second_shareholder(company), company, "shareholder", share=0.4, since=since)
        else:
            self.relation(pop.second_shareholder(company), company, "shareholder", share=0.7, since=since)
            self.relation(rep, company, "director", since=since)
            if r >= 85:
                self.relation(rep, company, "actual_controller", since=since)
        r = pop.h(company, 24) % 100
        if r < 25:
            self.relation(pop.neutral_person(pop.h(company, 23)), company, "supervisor", since=since)
        if r >= 85:
            self.relation(pop.neutral_person(pop.h(company, 25)), company, "manager", since=since)

    # -- background ----------------------------------------------------------------------------------
    def creditor_for(self, debtor: int, labor_left: int) -> tuple[int, str, bool]:
        """(applicant, cause, labor?) for a new enforcement case against ``debtor``."""
        rng, pop = self.rng, self.pop
        r = rng.random()
        if pop.kind(debtor) == COMPANY:
            if labor_left > 0 and pop.h(debtor, 17) % 100 < 30 and r < 0.35:
                return rng.choice(self.creditor_persons), CAUSE_LABOR, True
            if r < 0.45:
                return rng.randrange(pop.banks), rng.choice(CAUSES_BANK), False
            if r < 0.9:
                return rng.choice(self.creditor_companies), rng.choice(CAUSES_COMPANY), False
            return rng.choice(self.creditor_persons), rng.choice(CAUSES_PERSON), False
        if r < 0.5:
            return rng.randrange(pop.banks), rng.choice(CAUSES_BANK), False
        if r < 0.8:
            return rng.choice(self.creditor_companies), rng.choice(CAUSES_COMPANY), False
        return rng.choice(self.creditor_persons), rng.choice(CAUSES_PERSON), False

    def debtor_unit(self, d: int, visiting: bool) -> None:
        """A debtor's enforcement cases in the current export, with judgments, measures, money and assets."""
        rng, pop = self.rng, self.pop
        n_cases = 1 if visiting else 1 + (rng.random() < 0.3) + (rng.random() < 0.08)
        labor_left = 0 if visiting else 2
        earliest = None
        person = pop.kind(d) == PERSON
        for _ in range(n_cases):
            creditor, cause, labor = self.creditor_for(d, labor_left)
            labor_left -= labor
            filed = self.day(2200, 15)
            earliest = filed if earliest is None or filed < earliest else earliest
            self.enforcement(d, creditor, cause, labor, filed)
        if person and rng.random() < 0.8:
            spouse = pop.member(pop.household(d), 1)
            if spouse is not None:
                self.relation(d, spouse, "spouse")
        if person and rng.random() < 0.08:
            parent = pop.neutral_person(pop.h(d, 27))
            if pop.birth(parent) < pop.birth(d) - dt.timedelta(days=365 * 18):
                self.relation(parent, d, "parent")
        if not person:
            self.company_relations(d)
        if not visiting and self.transfers(d) and earliest is not None:
            self.background_transfer(d, earliest)
        if person and not visiting and pop.h(d, 18) % 100 < 2:
            start = self.day(3000, 800)
            end = start + dt.timedelta(days=rng.randint(90, 700))
            end = min(end, self.as_of - dt.timedelta(days=rng.randint(1, 60)))
            self.detention(d, rng.choice(PRISONS), "detention" if rng.random() < 0.5 else "imprisonment", start, end)
        if self.messy and rng.random() < 0.004:
            self.bad_row()

    def enforcement(self, d: int, creditor: int, cause: str, labor: bool, filed: dt.date) -> None:
        rng, pop, as_of = self.rng, self.pop, self.as_of
        person = pop.kind(d) == PERSON
        amount = self.amount() if not labor else round(rng.uniform(3_000, 120_000), 2)
        status = rng.choice(_STATUSES)
        # 30% of the debtors hold property (a house, shares, money in an account): their cases are never 终本
        # (terminated_case_assets would rightly flag them); the others' accounts are empty, and their cases end
        # 终本 more often, so that about 40% of all enforcement cases are 终本, as in the courts' statistics.
        holder = pop.h(d, 43) % 100 < 30
        if holder and status == "terminated_no_assets":
            status = "pending"
        elif not holder and status != "terminated_no_assets" and rng.random() < 0.3:
            status = "terminated_no_assets"
        type_code = "执"
        origin = None
        year = filed.year
        retrial = None
        # The judgment or award enforced.
        if labor:
            award_filed = filed - dt.timedelta(days=rng.randint(60, 300))
            origin = self.new_award(award_filed.year)
            if rng.random() < 0.5:
                self.case(origin, "concluded", award_filed, [(creditor, "applicant", None), (d, "respondent", None)],
                          closed=award_filed + dt.timedelta(days=rng.randint(30, 45)), amount=amount, cause=cause,
                          kind="labor_arbitration")
        elif rng.random() < 0.72:
            judged = filed - dt.timedelta(days=rng.randint(40, 400))
            j_filed = judged - dt.timedelta(days=rng.randint(60, 200))
            origin = self.new_case("民初", j_filed.year)
            if rng.random() < 0.6:
                fees = round(amount * rng.uniform(0.005, 0.02), 2) if rng.random() < 0.15 and not self.bankrupt(d) else None
                parties = [(creditor, "plaintiff", None), (d, "defendant", fees)]
                if rng.random() < 0.05:  # a third party joined to the suit (第三人)
                    parties.append((pop.neutral_person(rng.getrandbits(48)), "third_party", None))
                self.case(origin, "concluded", j_filed, parties, closed=judged, amount=amount, cause=cause)
                if rng.random() < 0.03:
                    retrial = judged
        else:
            appeal = filed - dt.timedelta(days=rng.randint(40, 300))
            origin = self.new_case("民终", appeal.year, rng.choice(INTERMEDIATE))
        closed = None
        if status not in ("pending", "suspended"):
            closed = filed + dt.timedelta(days=rng.randint(25, 400))
            if closed >= as_of:
                status, closed = "pending", None
        r_filed = None
        if retrial is not None:
            r_filed = max(retrial + dt.timedelta(days=rng.randint(100, 300)), filed + dt.timedelta(days=5))
        if r_filed is not None and r_filed < as_of - dt.timedelta(days=10):
            # a retrial: upheld or amended, or revoked and the enforcement terminated in time
            r_closed = r_filed + dt.timedelta(days=rng.randint(60, 200))
            outcome = rng.choice(("upheld", "upheld", "amended", "revoked"))
            if r_closed >= as_of - dt.timedelta(days=30):
                outcome = "upheld"
                r_closed = min(r_closed, as_of - dt.timedelta(days=1))
            if outcome in ("revoked", "amended"):  # terminated in time (retrial_not_terminated, spec 1.1)
                status, closed = "terminated", r_closed + dt.timedelta(days=rng.randint(3, 28))
            rcode = self.new_case("民再", r_filed.year)
            self.case(rcode, "concluded", r_filed, [(d, "applicant", None), (creditor, "respondent", None)],
                      closed=r_closed, origin=origin, outcome=outcome, cause=cause)
        paid = 0.0
        if status == "concluded":
            paid = amount
        elif status in ("terminated_no_assets", "pending", "suspended"):
            paid = round(amount * rng.uniform(0, 0.3), 2) if rng.random() < 0.4 else 0.0
        settlements = []
        ref = closed
        if status == "settled":
            signed = filed + dt.timedelta(days=rng.randint(20, 200))
            if signed >= as_of:
                signed = as_of - dt.timedelta(days=1)
            original = amount
            settled = round(original * rng.uniform(0.7, 1.0), 2)
            performed = signed + dt.timedelta(days=rng.randint(5, 90))
            if performed > as_of:
                performed = None
            closed = performed or signed
            settlements.append((signed, original, settled, None, performed))
            paid = settled if performed else 0.0
            ref = performed
        elif status == "pending" and rng.random() < 0.03:
            signed = self.day(max(1, (as_of - filed).days), 0)
            settlements.append((signed, amount, round(amount * rng.uniform(0.75, 1.0), 2), None, None))
        # Money received by the court.
        payments = []
        if paid > 0:
            parts = 1 if rng.random() < 0.7 or paid < 10_000 else 2
            end = closed or as_of
            span = max(1, (end - filed).days)
            left = paid
            for k in range(parts):
                value = left if k == parts - 1 else round(paid * rng.uniform(0.3, 0.7), 2)
                left = round(left - value, 2)
                received = filed + dt.timedelta(days=rng.randint(1, span))
                received = min(received, as_of)
                disbursed = received + dt.timedelta(days=rng.randint(3, 30))
                if disbursed > as_of:
                    disbursed = None
                payments.append((received, value, disbursed))
        # Measures.
        measures = []
        personal = [("consumption_restriction", 0.85 if status in ("terminated_no_assets", "pending", "suspended") else 0.55),
                    ("dishonest_list", 0.35)]
        last = closed or as_of
        for mkind, p in personal:
            if rng.random() < p:
                imposed = filed + dt.timedelta(days=rng.randint(3, 60))
                if imposed >= last:
                    continue
                lifted = None
                if ref is not None and status in ("concluded", "settled", "terminated", "withdrawn"):
                    # lifted in time (restriction_not_lifted, spec 1.1: every way a case ends)
                    lifted = self.workday_after(ref, rng.randint(0, 3))
                    if lifted > as_of:
                        lifted = None
                measures.append((mkind, d, None, imposed, lifted))
        auctions = []
        if person and status in ("terminated_no_assets", "pending") and rng.random() < 0.05:
            imposed = filed + dt.timedelta(days=rng.randint(10, 90))
            if imposed < last:
                measures.append(("exit_restriction", d, None, imposed, None))
        extra = rng.random()
        if extra < 0.08:  # equity, securities, a trademark or something else, frozen
            kind, description = (("equity", f"持有{pop.name(pop.c0 + rng.randrange(max(1, pop.c1 - pop.c0)))}{rng.randint(5, 40)}%股权"),
                                 ("securities", "证券账户(A股)"), ("intellectual_property", f"第{rng.randrange(10**7, 10**8)}号注册商标专用权"),
                                 ("other", rng.choice(("会员卡预付款", "保证金", "古董字画"))))[int(extra / 0.08 * 4)]
            value = round(amount * rng.uniform(0.1, 1.5), -2)
            imposed = filed + dt.timedelta(days=rng.randint(5, 60))
            if holder or kind not in ("equity", "securities"):
                held = self.asset(kind, d, value, description)
                if imposed < last:
                    measures.append(("freeze", None, held, imposed, closed if status == "concluded" else None))
        if rng.random() < 0.4:
            account = self.asset("bank_account", d, None if holder else 0.0,
                                 rng.choice(("工商银行账户", "建设银行账户", "招商银行账户", "支付宝账户")),
                                 f"6222****{rng.randrange(10000):04d}")
            imposed = filed + dt.timedelta(days=rng.randint(1, 30))
            if imposed < last:
                measures.append(("freeze", None, account, imposed, closed if status == "concluded" else None))
        if rng.random() < 0.15 and holder:
            value = round(amount * rng.uniform(0.8, 3.0), -2)
            house = self.asset("real_estate", d, value, "上海市" + pop.address(d)[3:].split("号")[0] + "号房产",
                               f"沪({filed.year - rng.randint(1, 10)})徐字不动产权第{rng.randrange(10**7):07d}号")
            imposed = filed + dt.timedelta(days=rng.randint(5, 60))
            if imposed < last:
                measures.append(("seizure", None, house, imposed, closed if status == "concluded" else None))
                if rng.random() < 0.6 and (last - imposed).days > 40:
                    auctions.append(self.background_auction(house, imposed, last, value))
                    if auctions[-1][4] == "unsold" and status in ("pending", "suspended"):
                        again = self.background_reauction(house, auctions[-1][3], value)
                        if again is not None:
                            auctions.append(again)
        parties = [(creditor, "applicant", None), (d, "respondent", None)]
        if not person and cause in CAUSES_BANK and rng.random() < 0.3:  # the boss guaranteed the company's loan
            self.relation(pop.legal_representative(d), d, "guarantor")
        code = self.new_case(type_code, year)
        self.case(code, status, filed, parties, closed=closed, amount=amount, paid=paid, origin=origin, cause=cause,
                  measures=measures, settlements=settlements, payments=payments, auctions=auctions)
        if labor:
            self.relation(creditor, d, "employee", since=filed - dt.timedelta(days=rng.randint(400, 2000)))
        elif status == "terminated_no_assets" and closed is not None and rng.random() < 0.08:
            # assets turned up: the case is restored (执恢) and runs on its remaining amount
            restored = closed + dt.timedelta(days=rng.randint(100, 600))
            if restored < as_of - dt.timedelta(days=5):
                again = self.new_case("执恢", restored.year)
                self.case(again, "pending", restored, parties, amount=round(amount - paid, 2), paid=0.0, origin=code,
                          cause=cause, measures=[("consumption_restriction", d, None, restored + dt.timedelta(days=7), None)]
                          if restored + dt.timedelta(days=7) <= as_of else [])

    def background_auction(self, asset: str, seized: dt.date, last: dt.date, value: float) -> tuple:
        rng, as_of = self.rng, self.as_of
        ordered = seized + dt.timedelta(days=rng.randint(20, max(21, (last - seized).days - 5)))
        ordered = min(ordered, as_of - dt.timedelta(days=1))
        if rng.random() < 0.1:
            return (asset, ordered, None, None, "withdrawn", None)
        listed = ordered + dt.timedelta(days=rng.randint(7, 30))
        if listed > as_of:
            return (asset, ordered, None, None, None, None)
        closed = listed + dt.timedelta(days=rng.randint(30, 120))
        if closed > as_of:
            return (asset, ordered, listed, None, "pending", None)
        if rng.random() < 0.7:
            return (asset, ordered, listed, closed, "sold", round(value * rng.uniform(0.7, 1.0), -2))
        return (asset, ordered, listed, closed, "unsold", None)

    def background_reauction(self, asset: str, unsold_on: dt.date, value: float) -> tuple | None:
        """流拍 in a running case: put up again and listed within 30 days (网拍规定 art. 26), a fifth cheaper."""
        rng, as_of = self.rng, self.as_of
        ordered = unsold_on + dt.timedelta(days=rng.randint(1, 10))
        listed = ordered + dt.timedelta(days=rng.randint(5, 20))
        if ordered > as_of:  # not yet, and not yet due
            return None
        if listed > as_of:
            return (asset, ordered, None, None, None, None)
        closed = listed + dt.timedelta(days=rng.randint(30, 120))
        if closed > as_of:
            return (asset, ordered, listed, None, "pending", None)
        return (asset, ordered, listed, closed, "sold", round(value * 0.8 * rng.uniform(0.7, 1.0), -2))

    def background_transfer(self, d: int, earliest: dt.date) -> None:
        """An old gift to the family, or a sale at a fair price to a stranger: neither may alert."""
        rng, pop = self.rng, self.pop
        value = round(rng.uniform(50_000, 400_000), -2)
        plate = f"沪{rng.choice('ABCDEFGHJKLMN')}{rng.randrange(100000):05d}"
        spouse = pop.member(pop.household(d), 1) if pop.kind(d) == PERSON else None
        if rng.random() < 0.5 and spouse is not None:  # the spouse shares the debtor's address: related
            target = spouse
            on = earliest - dt.timedelta(days=rng.randint(400, 1500))
            price = 0.0
        else:
            target = pop.neutral_person(rng.getrandbits(48))
            on = earliest - dt.timedelta(days=rng.randint(-200, 300))
            on = min(on, self.as_of - dt.timedelta(days=1))
            price = round(value * rng.uniform(0.85, 1.1), -2)
        asset = self.asset("vehicle", target, value, "小型轿车", plate)
        self.transfer(asset, d, target, on, price, value)

    def criminal_unit(self) -> None:
        """A person convicted and imprisoned: not a debtor, so never an alert."""
        rng, pop = self.rng, self.pop
        person = pop.neutral_person(rng.getrandbits(48))
        filed = self.day(1800, 200)
        closed = filed + dt.timedelta(days=rng.randint(60, 180))
        code = self.new_case("刑初", filed.year)
        self.case(code, "concluded", filed, [(person, "defendant", None)], closed=closed, cause=rng.choice(CAUSES_CRIMINAL))
        start = filed - dt.timedelta(days=rng.randint(0, 30))
        end = None if rng.random() < 0.1 else start + dt.timedelta(days=rng.randint(180, 3000))
        if rng.random() < 0.1:
            self.detention(person, "上海市青东强制隔离戒毒所", "compulsory_isolation", start, start + dt.timedelta(days=730))
        else:
            self.detention(person, rng.choice(PRISONS), "imprisonment", start, end)

    def administrative_unit(self) -> None:
        """A company suing an authority over a fine or a licence (行政诉讼): no enforcement, no alert."""
        rng, pop = self.rng, self.pop
        company = pop.c0 + rng.randrange(max(1, pop.c1 - pop.c0))
        authority = pop.firms0 + 4 + rng.randrange(3)
        filed = self.day(1500, 60)
        code = self.new_case("行初", filed.year)
        closed = filed + dt.timedelta(days=rng.randint(40, 180))
        status = "concluded" if closed < self.as_of else "pending"
        self.case(code, status, filed, [(company, "plaintiff", None), (authority, "defendant", None)],
                  closed=closed if status == "concluded" else None, cause=rng.choice(("行政处罚", "行政许可", "工伤认定")))

    def bankruptcy_unit(self, company: int) -> None:
        rng = self.rng
        court = self.court_code()
        filed = self.day(1500, 30)
        status = "pending" if rng.random() < 0.6 else "concluded"
        closed = None if status == "pending" else min(filed + dt.timedelta(days=rng.randint(200, 700)), self.as_of)
        if closed is not None and closed >= self.as_of:
            status, closed = "pending", None
        code = self.new_case("破", filed.year, court)
        creditor = rng.choice(self.creditor_companies) if rng.random() < 0.5 else rng.randrange(self.pop.banks)
        firm = self.pop.firms0 + rng.randrange(4)
        self.case(code, status, filed, [(creditor, "applicant", None), (company, "respondent", None), (firm, "administrator", None)],
                  closed=closed, claims_deadline=filed + dt.timedelta(days=rng.randint(30, 90)), cause="破产清算")
        self.company_relations(company)

    # -- messy ---------------------------------------------------------------------------------------
    def messy_party_unit(self, invalid: bool) -> None:
        """A one-off concluded case whose debtor is written without an id, or with an id failing its check.

        The debtor is a twin of a population member (same name, phone, address): a project that links
        parties without valid ids may link them, and nothing it could link changes an alert.
        """
        rng, pop = self.rng, self.pop
        twin = pop.neutral_person(rng.getrandbits(48))
        entity = pop.n + len(self.extra)
        pid = self.w.new_id("Q")
        real = pop.id_number(twin)
        id_raw = None
        if invalid:
            wrong = [c for c in "0123456789X" if c != real[17]]
            id_raw = real[:17] + rng.choice(wrong)
        self.extra[entity] = (self.x, pid, PERSON, id_raw, pop.name(twin))
        self.twins.append({"source": self.courts[self.x].source, "party_id": pid, "twin_of": real,
                           "id_number_written": id_raw})
        self.w.extra_rows.append((pid, PERSON, pop.name(twin), id_raw or "", "", "", pop.address(twin), pop.phone(twin)))
        self.ev.add_party(entity, PERSON, pop.nodes(twin))
        filed = self.day(2000, 400)
        closed = filed + dt.timedelta(days=rng.randint(30, 200))
        amount = round(rng.uniform(5_000, 60_000), 2)
        code = self.new_case("执", filed.year)
        self.case(code, "concluded", filed, [(rng.choice(self.creditor_persons), "applicant", None), (entity, "respondent", None)],
                  closed=closed, amount=amount, paid=amount, cause="民间借贷纠纷")

    def bad_row(self, which: int | None = None) -> None:
        """One row that breaks the contract in exactly one way; loaders must reject it and count it."""
        rng, w, pop = self.rng, self.w, self.pop
        file, reason = BAD_CLASSES[rng.randrange(len(BAD_CLASSES)) if which is None else which]
        someone = self.P(pop.neutral_person(rng.getrandbits(48)))
        other = self.P(pop.neutral_person(rng.getrandbits(48)))
        undefined = f"{w.prefix}U{rng.randrange(10**7):07d}"
        day = self.day(900, 100)
        unknown_case = w.c(self.new_case("执", day.year))  # allocated, never written: in no export
        if file == "parties":
            pid = w.new_id("B")
            row = (pid, "person", "", "", "", "", "", "") if reason.startswith("missing") else \
                (pid, "individual", "张三", "", "", "", "", "")
            w.bad_extra.append(row)
            w.bad[file] += 1
            return
        if file == "cases":
            code = w.c(self.new_case("执", day.year))
            if reason == "unparseable date":
                row = (code, "enforcement", "", "", f"{day.year}-02-30", "", "pending", "1000", "", "", "", "")
            elif reason == "unknown enum":
                row = (code, "enforcement", "", "", w.d(day), "", "closed", "1000", "", "", "", "")
            else:
                row = (code, "enforcement", "", "", "", "", "pending", "1000", "", "", "", "")
        elif file == "case_parties":
            # a case that exists (the export's filler case): only the party or only the role is wrong
            row = (w.c(self.last_case), undefined, "applicant", "") if reason == "undefined party_id" else \
                (w.c(self.last_case), someone, "guarantor", "")
        elif file == "relations":
            row = (someone, other, "friend", "", "", "") if reason == "unknown enum" else (someone, undefined, "relative", "", "", "")
        elif file == "assets":
            row = (w.new_id("S"), "house", someone, "", "", "100000", "")
        elif file == "asset_transfers":
            row = (self._filler_asset, someone, undefined, w.d(day), "1000")
        elif file == "measures":
            row = (w.new_id("M"), unknown_case, "freeze", someone, "", w.d(day), "") if reason == "unknown case_no" else \
                (w.new_id("M"), w.c(self.last_case), "consumption_restriction", someone, "", "2023-13-01", "")
        elif file == "settlements":
            row = (w.c(self.last_case), w.d(day), "1000", "", "", "")
        elif file == "payments":
            row = (w.new_id("F"), w.c(self.last_case), w.d(day), "1.234.5", w.d(day)) if reason == "unparseable amount" else \
                (w.new_id("F"), unknown_case, w.d(day), "1000", w.d(day))
        elif file == "auctions":
            row = (w.new_id("A"), unknown_case, "", w.d(day), w.d(day), w.d(day), "sold", "1000")
        else:
            row = (someone, "上海市提篮桥监狱", "imprisonment", "", "")
        w.bad_row(file, row)

    # -- exports -------------------------------------------------------------------------------------
    @property
    def last_case(self) -> int:
        return self._last_case

    def run(self) -> Truth:
        self.out.mkdir(parents=True, exist_ok=True)
        exports = []
        bankrupt_companies = [i for i in self.debtors if self.bankrupt(i)]
        for x, court in enumerate(self.courts):
            self.x = x
            encoding = self.encoding
            if self.messy:
                encoding = (self.encoding, "gb18030", "utf-8-sig")[x % 3]
            self.rng = random.Random(f"{self.seed}:{x}")
            self.w = ExportWriter(self.out, court, encoding, self.messy, self.rng, PREFIXES[x])
            self._relations = set()
            self._last_case = self.filler()
            for s in self.plan:
                if x in s.exports:
                    sc.build(self, s)
            units = 0
            for d in self.debtors:
                h = self.home(d)
                if h == x:
                    self.debtor_unit(d, visiting=False)
                elif self.visits(d) and (h + 1) % self.k == x:
                    self.debtor_unit(d, visiting=True)
                else:
                    continue
                units += 1
                if units % 40 == 0:
                    self.criminal_unit()
                if units % 90 == 45:
                    self.administrative_unit()
                if self.messy and units % 150 == 0:
                    self.messy_party_unit(invalid=units % 300 == 0)
            for company in bankrupt_companies:
                target = self.bankruptcy_court if self.bankruptcy_court is not None else self.home(company)
                if target == x:
                    self.bankruptcy_unit(company)
            if self.messy:
                self.messy_party_unit(invalid=False)
                self.messy_party_unit(invalid=True)
                for k in range(len(BAD_CLASSES)):
                    self.bad_row(k)
            self.write_parties()
            self.w.close()
            exports.append({"source": court.source, "court_code": court.code, "court": court.name, "encoding": encoding,
                            "dir": court.source, "rows": dict(sorted(self.w.rows.items())),
                            "bad_rows": dict(sorted(self.w.bad.items()))})
        return self.truth(exports)

    def filler(self) -> int:
        """One settled case of a quiet debtor carrying a row of every file, all in order: no alert."""
        sc.build_filler(self)
        return self._last_case

    def write_parties(self) -> None:
        pop, w, x = self.pop, self.w, self.x
        present = self.present[x]
        as_of = self.as_of
        row = w.row
        status_override = self.status_override
        add_party = self.ev.add_party
        for i in range(pop.n):
            if not present[i]:
                continue
            kind = pop.kind(i)
            status = status_override.get(i, "")
            registered = ""
            if kind != PERSON:
                registered = w.d(pop.registered_on(i, as_of))
                if not status:
                    status = "active"
                    if self.bankrupt(i):
                        status = "bankrupt"
                    elif pop.c0 <= i < pop.c1 and pop.category(i) == DEBTOR:
                        r = pop.h(i, 19) % 100
                        status = "revoked" if r < 12 else "deregistered" if r < 15 else "liquidating" if r < 17 else "active"
            elif not status and i >= pop.p0 and pop.category(i) == DEBTOR and pop.h(i, 26) % 1000 < 5:
                status = "deceased"
            phone = pop.phone(i)
            address = pop.address(i)
            name = self.name_override.get(i) or pop.name(i)
            row("parties", (w.party_id(i), kind, name, pop.id_number(i), status, registered, address, phone))
            add_party(i, kind, pop.nodes(i))
        for r in w.extra_rows:
            row("parties", r)
        for r in w.bad_extra:
            w.row("parties", r)

    # -- truth ---------------------------------------------------------------------------------------
    def describe(self, entity: int) -> dict:
        if entity >= self.pop.n:
            x, pid, _, _, _ = self.extra[entity]
            return {"id_number": None, "party_keys": [[self.courts[x].source, pid]]}
        keys = [[c.source, self._pid(k, entity)] for k, c in enumerate(self.courts) if self.present[k][entity]]
        return {"id_number": self.pop.id_number(entity), "party_keys": keys}

    def _pid(self, x: int, i: int) -> str:
        return f"{PREFIXES[x]}{(i * 48_271 + 12_345) % 10**8:08d}"

    def truth(self, exports: list[dict]) -> Truth:
        alerts = describe_alerts(self.ev.alerts(), case_name, self.describe)
        truth = Truth(self.as_of, self.seed, self.pop.n, exports, alerts)

        def key_of(kind: str, key: int) -> dict:
            if kind == "case":
                return {"case_no": case_name(key)}
            return {"case_no": None, **self.describe(key)}

        truth.planted = {d: sorted((key_of(k, v) for k, v in items), key=lambda e: e["case_no"] or e.get("id_number") or "")
                         for d, items in self.planted.items()}
        truth.decoys = {d: sorted(({**key_of(k, v), "reason": r} for k, v, r in items),
                                  key=lambda e: (e["case_no"] or e.get("id_number") or "", e["reason"]))
                        for d, items in self.decoys.items()}
        planted_keys = {(d, e["case_no"] or e.get("id_number")) for d, items in truth.planted.items() for e in items}
        truth.accidental = [a for a in alerts if _key(a) not in planted_keys]
        truth.scenarios = {d: {"planted": sum(1 for s in self.plan if s.detector == d and s.planted),
                               "decoys": sum(1 for s in self.plan if s.detector == d and not s.planted)}
                           for d in DETECTORS}
        distinct = sum(1 for i in range(self.pop.n) if any(p[i] for p in self.present))
        appearances = sum(sum(p) for p in self.present)
        truth.stats = {
            "distinct_parties": distinct,
            "party_rows": appearances + len(self.extra),
            "expected_party_nodes": distinct + len(self.extra),
            "cross_export_parties": appearances - distinct,
            "rows": {f: sum(e["rows"].get(f, 0) for e in exports) for f in sorted({f for e in exports for f in e["rows"]})},
        }
        if self.messy:
            bad = {e["source"]: e["bad_rows"] for e in exports}
            truth.messy = {
                "bad_rows": bad,
                "bad_rows_total": sum(sum(v.values()) for v in bad.values()),
                "bad_row_classes": [f"{f}: {r}" for f, r in BAD_CLASSES],
                "parties_without_id": [t for t in self.twins if t["id_number_written"] is None],
                "parties_with_invalid_id": [t for t in self.twins if t["id_number_written"] is not None],
                "cross_export_duplicates": self.cross_export_duplicates(),
            }
        return truth

    def cross_export_duplicates(self, limit: int = 2000) -> dict:
        """Legal persons written in several exports under different party_ids (same valid id_number)."""
        listed = []
        total = 0
        for i in range(self.pop.n):
            keys = [k for k in range(self.k) if self.present[k][i]]
            if len(keys) > 1:
                total += 1
                if len(listed) < limit:
                    listed.append({"id_number": self.pop.id_number(i),
                                   "party_keys": [[self.courts[k].source, self._pid(k, i)] for k in keys]})
        return {"count": total, "listed": listed, "listed_limit": limit}


def _remove_stale_exports(out: Path, keep: set[str]) -> None:
    """Remove the export directories an earlier run wrote into ``out`` that this run will not rewrite."""
    try:
        previous = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    ours = {c.source for c in COURTS}
    for export in previous.get("exports", []):
        name = export.get("dir")
        if name in ours and name not in keep and (out / name).is_dir():
            shutil.rmtree(out / name)


def generate(out: Path, parties: int, seed: int, as_of: dt.date, exports: int = 3, encoding: str = "utf-8",
             messy: bool = False) -> Truth:
    """Write ``exports`` court exports under ``out`` and ``out/truth.json``; return the truth."""
    out = Path(out)
    gen = Generator(out, parties, seed, as_of, exports, encoding, messy)
    _remove_stale_exports(out, {c.source for c in gen.courts})
    truth = gen.run()
    with open(out / "truth.json", "w", encoding="utf-8") as handle:
        json.dump(truth.to_json(), handle, ensure_ascii=False, indent=1, sort_keys=False)
        handle.write("\n")
    return truth
