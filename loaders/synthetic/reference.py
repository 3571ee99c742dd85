"""An independent reference implementation of the detectors (the oracle), in plain Python.

It is the generator's source of truth and the oracle the Cypher detectors are checked
against: the generator feeds it every record it writes (one case at a time, with the rows
that hang on that case), :mod:`loaders.synthetic.readback` feeds it the exports read back
from disk, and at the end it says which alerts a correct implementation of the detector
rules must raise on the whole dataset — including any that arise by accident from the
random background — with, per alert, its score and its related records.

It is written from the contract (docs/detectors.md and the specification of the detectors:
rules, the `related` list, and each detector's score formula as its description states it),
never from the Cypher, and imports nothing from the project but the standard library: a
mistake in a detector, in the loader or in the generator's planting cannot be shared with it.

Memory stays bounded at a million parties: it keeps compact integer arrays (parties are
integers — "entities", one per legal person after cross-export matching — and cases are
integers too), one flag byte per entity, and per-case results computed while the case
passes by. Only settlements, transfers, receivables, bankruptcies, revoked or amended retrials and
the alerts themselves are kept as Python objects, and those are few.

The rules (thresholds as in the default configuration):

- open enforcement case: status pending, suspended or terminated_no_assets;
  outstanding = amount − amount_paid, unknown amount counts as outstanding;
- linked: a relations row between the two (not begun after as_of), or a shared phone or
  address; related within two hops: linked, or both linked to one third party;
- "N days after D" is calendar days (date − D > N); working days are Monday to Friday,
  counted after the reference date.

Related records are tokens: ``("case", case code)``, ``("party", entity)`` or
``("id", asset / measure / payment / auction id)``.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

DETECTORS = (
    "hidden_receivable",
    "collusive_settlement",
    "repeat_offender_employer",
    "detained_debtor",
    "restriction_not_lifted",
    "funds_not_disbursed",
    "auction_delay",
    "retrial_not_terminated",
    "bankrupt_unpaid_fees",
    "suspicious_asset_transfer",
    "terminated_case_assets",
)
OPEN = frozenset({"pending", "suspended", "terminated_no_assets"})
ENDED = frozenset({"concluded", "terminated", "withdrawn"})  # restriction_not_lifted (spec 1.1): closed_on is the day
REVISED = frozenset({"revoked", "amended"})  # retrial outcomes that leave an enforcement without its basis (spec 1.1)
NOT_STILL_RUNNING = frozenset({"terminated", "concluded", "withdrawn"})
RESTRICTIONS = frozenset({"consumption_restriction", "dishonest_list"})
PROPERTY = frozenset({"real_estate", "vehicle", "bank_account", "securities", "equity"})  # terminated_case_assets

# Default thresholds of detectors.md.
SETTLEMENT_RATIO = 0.5
TRANSFER_PRICE_RATIO = 0.7
TRANSFER_LOOKBACK_DAYS = 365
LABOR_CASES = 3
LABOR_WINDOW_DAYS = 730
LIFT_WORKING_DAYS = 3
DISBURSE_DAYS = 30
LISTING_DAYS = 30
AUCTION_OPEN_DAYS = 180
RELIST_DAYS = 30  # 流拍 → the next auction listed (网拍规定 art. 26)
RUNNING = frozenset({"pending", "suspended"})  # cases whose unsold assets must be put up again
RETRIAL_GRACE_DAYS = 30
CONTROLLING_SHARE = 0.5
SOON_RELEASED_DAYS = 30

# Entity flags.
PERSON, COMPANY, APPLICANT_OPEN, RECEIVABLE, DETAINED, OPEN_DEBTOR = 1, 2, 4, 8, 16, 32

Token = tuple[str, int | str]


def nth_working_day_after(start: dt.date, n: int) -> dt.date:
    """The ``n``-th Monday-to-Friday after ``start``: the last day a measure may still stand."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if day.isoweekday() <= 5:
            n -= 1
    return day


def _cap(score: float) -> float:
    return 1.0 if score > 1 else score


@dataclass(slots=True)
class CaseRecord:
    """One case as the detectors see it (clean values)."""

    code: int
    kind: str
    status: str
    filed: dt.date
    closed: dt.date | None = None
    amount: float | None = None
    paid: float | None = None
    origin: int | None = None
    labor: bool = False  # origin is a labor arbitration award, or the cause contains 劳动
    outcome: str | None = None
    claims_deadline: dt.date | None = None


@dataclass(slots=True)
class Settlement:
    signed: dt.date
    settled: float
    original: float | None = None
    payee: int | None = None  # entity; None = the applicant
    performed: dt.date | None = None


@dataclass(slots=True)
class Payment:
    received: dt.date
    disbursed: dt.date | None = None
    payment_id: str | None = None


@dataclass(slots=True)
class Auction:
    ordered: dt.date
    listed: dt.date | None = None
    closed: dt.date | None = None
    result: str | None = None
    auction_id: str | None = None
    asset_id: str | None = None  # the asset auctioned


@dataclass(slots=True)
class Measure:
    kind: str
    imposed: dt.date
    lifted: dt.date | None = None
    measure_id: str | None = None
    party: int | None = None  # the entity restricted


@dataclass(frozen=True, slots=True, order=True)
class Alert:
    """An alert: detector and case (case-level) or entity (party-level), with its score and related records.

    ``subject`` is the party it is about; ``subjects`` every party that may stand as the subject (the
    strongest finding's parties, or the case's applicants / respondents for rules about the case
    itself); ``co_subjects`` every party a per-party rule found on this case — one alert per case
    carries all of them, so those not named as the subject are part of its evidence.
    """

    detector: str
    case: int | None
    subject: int | None = field(compare=False, default=None)
    party_level_entity: int | None = None
    score: float = field(compare=False, default=0.0)
    related: frozenset[Token] = field(compare=False, default=frozenset())
    subjects: tuple[int, ...] = field(compare=False, default=())
    co_subjects: frozenset[int] = field(compare=False, default=frozenset())


@dataclass(slots=True)
class _Settled:
    applicant: int
    signed: int
    cheap: bool
    payee: int | None
    respondents: tuple[int, ...]
    case: int


class Evaluator:
    """Collects records, then :meth:`alerts` evaluates every detector of detectors.md."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.flags = bytearray()
        # (entity, case, filed ordinal, bits, outstanding) for each respondent of an open enforcement case.
        self.or_entity = array("q")
        self.or_case = array("q")
        self.or_filed = array("q")
        self.or_bits = array("b")  # 1 = outstanding > 0, 2 = labor
        self.or_owed = array("d")  # outstanding, NaN when unknown
        # (entity, case, outstanding) for each applicant of an open enforcement case with money outstanding.
        self.ap_entity = array("q")
        self.ap_case = array("q")
        self.ap_owed = array("d")
        self.receivables: list[tuple[int, str | None, float | None]] = []  # (owner, asset id, value)
        self.property: dict[int, list[tuple[str | None, float | None]]] = defaultdict(list)  # owner → (asset id, value)
        self.zhongben: list[tuple[int, tuple[int, ...], float]] = []  # 终本 cases: (case, respondents, outstanding)
        self.settled: list[_Settled] = []
        self.transfers: list[tuple[int, int, int, int, str | None]] = []  # (from, to, ordinal, bits 1 cheap 2 gift, asset id)
        self.fee_entity = array("q")
        self.fee_case = array("q")
        self.bankruptcies: list[tuple[int, int, dt.date | None]] = []  # pending: (case, respondent entity, claims deadline)
        self.revoked: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)  # judgment → (closed_on, retrial case), revoked or amended
        self.run_origin = array("q")  # enforcement cases still running, by origin
        self.run_case = array("q")
        self.run_subject = array("q")
        self.run_more: dict[int, tuple[int, ...]] = {}  # running cases with several respondents
        self.link_a = array("q")
        self.link_b = array("q")
        # (person, company) of legal representatives (kind 0) and shareholders holding a controlling share (kind 1).
        self.tie_person = array("q")
        self.tie_company = array("q")
        self.tie_kind = array("b")
        self.node_entity = array("q")
        self.node_key = array("q")
        self.detention: dict[int, tuple[dt.date, dt.date | None]] = {}  # entity → (start, end) of its latest current detention
        self.case_alerts: dict[tuple[str, int], tuple[float, frozenset[Token], tuple[int, ...]]] = {}

    # -- records -------------------------------------------------------------------------------------
    def _flag(self, entity: int, bit: int) -> None:
        if entity >= len(self.flags):
            self.flags.extend(bytes(entity + 1 - len(self.flags) + 1024))
        self.flags[entity] |= bit

    def add_party(self, entity: int, kind: str, nodes: Iterable[int] = ()) -> None:
        """A party row; ``nodes`` are integer keys of its phones and addresses (shared key = linked)."""
        self._flag(entity, PERSON if kind == "person" else COMPANY if kind == "company" else 0)
        for node in nodes:
            self.node_entity.append(entity)
            self.node_key.append(node)

    def add_link(self, a: int, b: int, relation: str | None = None, share: float | None = None,
                 since: dt.date | None = None) -> None:
        """A relations row (``a`` → ``b``, any type; links either direction)."""
        controlling = relation == "shareholder" and share is not None and share >= CONTROLLING_SHARE
        if relation == "legal_representative" or controlling:
            self.tie_person.append(a)
            self.tie_company.append(b)
            self.tie_kind.append(1 if controlling else 0)
        if a != b and (since is None or since <= self.as_of):
            self.link_a.append(a)
            self.link_b.append(b)

    def add_asset(self, owner: int, kind: str, asset_id: str | None = None, value: float | None = None) -> None:
        if kind in PROPERTY and (value is None or value > 0):
            self.property[owner].append((asset_id, value))
        if kind == "receivable":
            self._flag(owner, RECEIVABLE)
            self.receivables.append((owner, asset_id, value))

    def add_transfer(self, source: int, target: int, on: dt.date, price: float | None, value: float | None,
                     asset_id: str | None = None) -> None:
        cheap = price is not None and value is not None and price < TRANSFER_PRICE_RATIO * value
        gift = price is not None and price == 0
        self.transfers.append((source, target, on.toordinal(), (1 if cheap else 0) | (2 if gift else 0), asset_id))

    def add_detention(self, entity: int, start: dt.date, end: dt.date | None) -> None:
        if start <= self.as_of and (end is None or end >= self.as_of):
            self._flag(entity, DETAINED)
            known = self.detention.get(entity)
            if known is None or start > known[0] or (start == known[0] and known[1] is not None
                                                      and (end is None or end > known[1])):
                self.detention[entity] = (start, end)

    def add_case(
        self,
        case: CaseRecord,
        parties: Iterable[tuple[int, str, float | None]],
        measures: Iterable[Measure] = (),
        settlements: Iterable[Settlement] = (),
        payments: Iterable[Payment] = (),
        auctions: Iterable[Auction] = (),
    ) -> None:
        """A case with its case_parties rows (entity, role, fees_unpaid) and the rows that hang on it."""
        parties = list(parties)
        respondents = tuple(dict.fromkeys(e for e, role, _ in parties if role == "respondent"))
        applicants = tuple(dict.fromkeys(e for e, role, _ in parties if role == "applicant"))
        for entity, _, fees in parties:
            if fees is not None and fees > 0:
                self.fee_entity.append(entity)
                self.fee_case.append(case.code)
        if case.kind == "retrial":
            if case.outcome in REVISED and case.closed is not None and case.origin is not None:
                self.revoked[case.origin].append((case.closed, case.code))
            return
        if case.kind == "bankruptcy":
            if case.status == "pending":  # the debtor: the respondent, or the applicant of its own filing
                debtors = respondents or applicants
                self.bankruptcies.extend((case.code, e, case.claims_deadline) for e in debtors)
            return
        if case.kind != "enforcement":
            return
        remaining = None if case.amount is None else case.amount - (case.paid or 0.0)
        outstanding = remaining is None or remaining > 0
        if (case.status == "terminated_no_assets" and outstanding and case.filed <= self.as_of
                and (case.closed is None or case.closed <= self.as_of)):
            self.zhongben.append((case.code, respondents, math.nan if remaining is None else remaining))
        if case.status in OPEN:
            bits = (1 if outstanding else 0) | (2 if case.labor else 0)
            for entity in respondents:
                self.or_entity.append(entity)
                self.or_case.append(case.code)
                self.or_filed.append(case.filed.toordinal())
                self.or_bits.append(bits)
                self.or_owed.append(math.nan if remaining is None else remaining)
                if outstanding:
                    self._flag(entity, OPEN_DEBTOR)
            if outstanding:
                for entity in applicants:
                    self._flag(entity, APPLICANT_OPEN)
                    self.ap_entity.append(entity)
                    self.ap_case.append(case.code)
                    self.ap_owed.append(math.nan if remaining is None else remaining)
        if case.origin is not None and case.status not in NOT_STILL_RUNNING:
            self.run_origin.append(case.origin)
            self.run_case.append(case.code)
            self.run_subject.append(respondents[0] if respondents else -1)
            if len(respondents) > 1:
                self.run_more[case.code] = respondents
        settlements = list(settlements)
        for s in settlements:
            if s.signed > self.as_of:
                continue
            base = s.original if s.original is not None else remaining
            cheap = base is not None and s.settled <= SETTLEMENT_RATIO * base
            for entity in applicants:
                self.settled.append(_Settled(entity, s.signed.toordinal(), cheap, s.payee, respondents, case.code))
        self._restrictions(case, respondents, measures, settlements)
        self._payments(case, applicants, payments)
        self._auctions(case, respondents, auctions)

    def _restrictions(self, case: CaseRecord, respondents: tuple[int, ...], measures: Iterable[Measure],
                      settlements: list[Settlement]) -> None:
        """restriction_not_lifted: a case that ended keeps a restriction past the 3rd working day after it ended."""
        as_of = self.as_of
        reference = None
        if case.status in ENDED:
            reference = case.closed
        elif case.status == "settled":
            performed = [s.performed for s in settlements if s.performed is not None and s.performed <= as_of]
            reference = max(performed) if performed else None
        if reference is None or reference > as_of:
            return
        deadline = nth_working_day_after(reference, LIFT_WORKING_DAYS)
        late: list[tuple[int, Measure]] = []
        for m in measures:
            if m.kind not in RESTRICTIONS or m.imposed > as_of:
                continue
            end = m.lifted if m.lifted is not None and m.lifted <= as_of else as_of
            if end > deadline:
                late.append(((end - deadline).days, m))
        if not late:
            return
        worst = max(days for days, _ in late)
        with_party = [(days, m.party) for days, m in late if m.party is not None]
        if with_party:
            most = max(days for days, _ in with_party)
            subjects = tuple(dict.fromkeys(p for days, p in with_party if days == most and p is not None))
        else:
            subjects = respondents
        related = frozenset(("id", m.measure_id) for _, m in late if m.measure_id is not None)
        self.case_alerts[("restriction_not_lifted", case.code)] = (_cap(0.5 + 0.5 * worst / 30), related, subjects)

    def _payments(self, case: CaseRecord, applicants: tuple[int, ...], payments: Iterable[Payment]) -> None:
        """funds_not_disbursed: money received and not paid out within 30 days."""
        as_of = self.as_of
        held: list[tuple[int, Payment]] = []
        for p in payments:
            if p.received > as_of:
                continue
            end = p.disbursed if p.disbursed is not None and p.disbursed <= as_of else as_of
            days = (end - p.received).days
            if days > DISBURSE_DAYS:
                held.append((days, p))
        if held:
            longest = max(days for days, _ in held)
            related = frozenset(("id", p.payment_id) for _, p in held if p.payment_id is not None)
            self.case_alerts[("funds_not_disbursed", case.code)] = (
                _cap(0.5 + 0.5 * (longest - DISBURSE_DAYS) / 90), related, applicants)

    def _auctions(self, case: CaseRecord, respondents: tuple[int, ...], auctions: Iterable[Auction]) -> None:
        """auction_delay: not listed within 30 days of the ruling, listed and without a result for 180 days, or
        (a running case) unsold and not put up again within 30 days."""
        as_of = self.as_of
        late: list[tuple[int, Auction]] = []
        auctions = list(auctions)
        for a in auctions:
            if a.result != "unsold" or a.closed is None or a.closed > as_of or case.status not in RUNNING:
                continue
            listings = [b.listed for b in auctions if b is not a and b.ordered >= a.closed and b.listed is not None
                        and b.listed <= as_of and (a.asset_id is None or b.asset_id == a.asset_id)]
            days = ((min(listings) if listings else as_of) - a.closed).days
            if days > RELIST_DAYS:
                late.append((days - RELIST_DAYS, a))
        for a in auctions:
            if a.result == "withdrawn" or a.ordered > as_of:
                continue
            listed = a.listed if a.listed is not None and a.listed <= as_of else None
            closed = a.closed if a.closed is not None and a.closed <= as_of else None
            result = "pending" if a.closed is not None and closed is None else a.result
            excess: list[int] = []
            listing = (as_of - a.ordered).days if listed is None else (listed - a.ordered).days
            if listing > LISTING_DAYS:
                excess.append(listing - LISTING_DAYS)
            if listed is not None and closed is None and result in (None, "pending"):
                waiting = (as_of - listed).days
                if waiting > AUCTION_OPEN_DAYS:
                    excess.append(waiting - AUCTION_OPEN_DAYS)
            if excess:
                late.append((max(excess), a))
        if late:
            worst = max(days for days, _ in late)
            related = frozenset(("id", i) for _, a in late for i in (a.auction_id, a.asset_id) if i is not None)
            self.case_alerts[("auction_delay", case.code)] = (_cap(0.5 + 0.5 * worst / 90), related, respondents)

    # -- evaluation ----------------------------------------------------------------------------------
    def _flags_of(self, entity: int) -> int:
        return self.flags[entity] if 0 <= entity < len(self.flags) else 0

    def _neighbours(self, wanted: set[int]) -> dict[int, set[int]]:
        """Parties linked to each wanted entity (relations, shared phone or address), itself excluded."""
        near: dict[int, set[int]] = {e: set() for e in wanted}
        for a, b in zip(self.link_a, self.link_b, strict=True):
            if a in near:
                near[a].add(b)
            if b in near:
                near[b].add(a)
        nodes: dict[int, set[int]] = defaultdict(set)
        for entity, node in zip(self.node_entity, self.node_key, strict=True):
            if entity in near:
                nodes[node].add(entity)
        if nodes:
            for entity, node in zip(self.node_entity, self.node_key, strict=True):
                owners = nodes.get(node)
                if owners:
                    for owner in owners:
                        near[owner].add(entity)
        for e, linked in near.items():
            linked.discard(e)
        return near

    @staticmethod
    def _two_hops(near: dict[int, set[int]], p: int, q: int) -> tuple[bool, set[int]]:
        """Is ``q`` related to ``p`` within two hops, and the third parties between them."""
        middle = (near[p] & near[q]) - {p, q}
        return q in near[p] or bool(middle), middle

    def alerts(self) -> list[Alert]:
        """Every alert the detectors raise on what was fed in, with its score and related records, sorted."""
        as_of = self.as_of.toordinal()
        # Per-party findings: (detector, case, party-level entity) → subject → (score, related).
        found: dict[tuple[str, int | None, int | None], dict[int, tuple[float, set[Token]]]] = {}

        def finding(detector: str, case: int | None, subject: int, score: float, related: set[Token],
                    party_level: bool = False) -> None:
            by = found.setdefault((detector, case, subject if party_level else None), {})
            known = by.get(subject)
            by[subject] = (score, set(related)) if known is None else (max(known[0], score), known[1] | related)

        flags = self.flags
        debtor_cases: dict[int, list[tuple[int, int]]] = defaultdict(list)
        settlement_parties = {s.applicant for s in self.settled}
        transfer_parties = {t[0] for t in self.transfers}
        labor: dict[int, set[int]] = defaultdict(set)
        owing: list[tuple[int, int, float]] = []  # (entity, case, outstanding) of hidden_receivable candidates
        for entity, case, filed, bits, owed in zip(self.or_entity, self.or_case, self.or_filed, self.or_bits,
                                                   self.or_owed, strict=True):
            f = flags[entity] if entity < len(flags) else 0
            if bits & 1:
                if f & (APPLICANT_OPEN | RECEIVABLE):
                    owing.append((entity, case, owed))
                if entity in settlement_parties or entity in transfer_parties:
                    debtor_cases[entity].append((case, filed))
            if f & PERSON and f & DETAINED:
                _, end = self.detention[entity]
                soon = end is not None and (end - self.as_of).days <= SOON_RELEASED_DAYS
                finding("detained_debtor", case, entity, 0.7 if soon else 1.0, set())
            if bits & 2 and f & COMPANY and 0 <= as_of - filed <= LABOR_WINDOW_DAYS:
                labor[entity].add(case)

        # hidden_receivable: the debtor's open claims in other cases and its receivables.
        if owing:
            wanted = {e for e, _, _ in owing}
            claims: dict[int, dict[int, float]] = defaultdict(dict)
            for entity, case, owed in zip(self.ap_entity, self.ap_case, self.ap_owed, strict=True):
                if entity in wanted:
                    claims[entity][case] = owed
            receivables: dict[int, list[tuple[str | None, float | None]]] = defaultdict(list)
            for owner, asset_id, value in self.receivables:
                if owner in wanted:
                    receivables[owner].append((asset_id, value))
            for entity, case, owed in owing:
                others = {c: o for c, o in claims.get(entity, {}).items() if c != case}
                held = receivables.get(entity, [])
                if not others and not held:
                    continue
                claimable = sum(o for o in others.values() if not math.isnan(o)) + sum(v for _, v in held if v is not None)
                if math.isnan(owed) or owed <= 0 or claimable == 0:
                    score = 0.8
                else:
                    score = 0.6 + 0.4 * min(1.0, claimable / owed)
                related: set[Token] = {("case", c) for c in others}
                related |= {("id", a) for a, _ in held if a is not None}
                finding("hidden_receivable", case, entity, score, related)

        # repeat_offender_employer, with the companies that share its legal representative or a controlling shareholder.
        employers = {e: cases for e, cases in labor.items() if len(cases) >= LABOR_CASES}
        if employers:
            def ties() -> Iterable[tuple[int, int, int]]:
                return zip(self.tie_person, self.tie_company, self.tie_kind, strict=True)

            theirs = {(person, kind) for person, company, kind in ties() if company in employers}
            companies: dict[tuple[int, int], set[int]] = defaultdict(set)
            for person, company, kind in ties():
                if (person, kind) in theirs:
                    companies[(person, kind)].add(company)
            for entity, cases in employers.items():
                sisters = {x for tie in companies.values() if entity in tie for x in tie}
                sisters = {x for x in sisters if x != entity and self._flags_of(x) & COMPANY}
                related = {("case", c) for c in cases} | {("party", x) for x in sisters}
                finding("repeat_offender_employer", None, entity, _cap(0.6 + 0.1 * (len(cases) - LABOR_CASES)),
                        related, party_level=True)

        # Settlements and transfers of debtors: the signs of each, with the relations they need.
        settled_pairs = [(case, s) for s in self.settled for case, filed in debtor_cases.get(s.applicant, ())
                         if case != s.case and s.signed >= filed]
        transfer_pairs = [(case, t) for t in self.transfers if t[0] != t[1] and t[2] <= as_of
                          for case, filed in debtor_cases.get(t[0], ()) if t[2] >= filed - TRANSFER_LOOKBACK_DAYS]
        wanted = {s.applicant for _, s in settled_pairs} | {r for _, s in settled_pairs for r in s.respondents}
        wanted |= {t[0] for _, t in transfer_pairs} | {t[1] for _, t in transfer_pairs}
        near = self._neighbours(wanted) if wanted else {}
        for case, s in settled_pairs:
            p = s.applicant
            related = {("case", s.case)}
            payee = s.payee is not None and s.payee != p
            if payee:
                related.add(("party", s.payee))
            linked = False
            for q in s.respondents:
                if q == p:
                    continue
                ok, middle = self._two_hops(near, p, q)
                if ok:
                    linked = True
                    related |= {("party", q)} | {("party", m) for m in middle}
            signs = int(s.cheap) + int(payee) + int(linked)
            if signs:
                finding("collusive_settlement", case, p, 0.4 + 0.2 * signs, related)
        for case, (source, target, _, bits, asset_id) in transfer_pairs:
            linked, middle = self._two_hops(near, source, target)
            signs = (bits & 1) + (bits >> 1 & 1) + int(linked)
            if signs:
                related = {("party", target)} | {("party", m) for m in middle}
                if asset_id is not None:
                    related.add(("id", asset_id))
                finding("suspicious_asset_transfer", case, source, _cap(0.4 + 0.2 * signs), related)

        # Retrials that revoked or amended the judgment an enforcement case still rests on.
        if self.revoked:
            for origin, case, subject in zip(self.run_origin, self.run_case, self.run_subject, strict=True):
                due = [(c, r) for c, r in self.revoked.get(origin, ()) if as_of - c.toordinal() > RETRIAL_GRACE_DAYS]
                if due:
                    since = as_of - min(c for c, _ in due).toordinal()
                    related = frozenset({("case", origin)} | {("case", r) for _, r in due})
                    subjects = self.run_more.get(case, (subject,) if subject >= 0 else ())
                    score = _cap(0.6 + 0.4 * (since - RETRIAL_GRACE_DAYS) / 60)
                    self.case_alerts[("retrial_not_terminated", case)] = (score, related, subjects)

        # Pending bankruptcies of companies that owe court fees in other cases.
        if self.bankruptcies:
            bankrupt = {e for _, e, _ in self.bankruptcies}
            fees: dict[int, set[int]] = defaultdict(set)
            for entity, case in zip(self.fee_entity, self.fee_case, strict=True):
                if entity in bankrupt:
                    fees[entity].add(case)
            for case, entity, deadline in self.bankruptcies:
                owed_in = fees.get(entity, set()) - {case}
                if self._flags_of(entity) & COMPANY and owed_in:
                    score = 1.0 if deadline is None or deadline >= self.as_of else 0.7
                    finding("bankrupt_unpaid_fees", case, entity, score, {("case", c) for c in owed_in})

        # 终本 cases whose debtor owns property some export recorded (terminated_case_assets, spec 1.1).
        for case, respondents, owed in self.zhongben:
            for entity in respondents:
                held = self.property.get(entity)
                if not held:
                    continue
                valued = sum(v for _, v in held if v is not None)
                if math.isnan(owed) or owed <= 0 or valued == 0:
                    score = 0.8
                else:
                    score = 0.6 + 0.4 * min(1.0, valued / owed)
                finding("terminated_case_assets", case, entity, score, {("id", a) for a, _ in held if a is not None})

        result = []
        for (detector, case, party), by in found.items():
            top = max(score for score, _ in by.values())
            subjects = tuple(e for e, (score, _) in by.items() if top - score < 0.0005)
            related = frozenset(t for _, r in by.values() for t in r)
            result.append(Alert(detector, case, subjects[0], party, top, related, subjects, frozenset(by)))
        for (detector, case), (score, related, subjects) in self.case_alerts.items():
            result.append(Alert(detector, case, subjects[0] if subjects else None, None, score, related, subjects))
        return sorted(result, key=lambda a: (a.detector, a.case if a.case is not None else -1,
                                             a.party_level_entity if a.party_level_entity is not None else -1))


def describe_alerts(
    alerts: list[Alert],
    case_name: Callable[[int], str],
    describe: Callable[[int], dict],
) -> list[dict]:
    """Alerts as JSON objects: detector, case_no (null for party-level), and the subject party."""
    out = []
    for a in alerts:
        subject = a.party_level_entity if a.party_level_entity is not None else a.subject
        item: dict = {"detector": a.detector, "case_no": case_name(a.case) if a.case is not None else None}
        item.update(describe(subject) if subject is not None else {"id_number": None, "party_keys": []})
        out.append(item)
    return out
