"""An independent reference implementation of the detectors, in plain Python.

It is the generator's source of truth: the generator feeds it every record it
writes (one case at a time, with the rows that hang on that case), and at the end
it says which alerts a correct implementation of the detector rules must raise on
the whole dataset, including any that arise by accident from the random background.
The same evaluator runs on exports read back from disk (:mod:`loaders.synthetic.readback`),
which is how the hand-written seed-story fixture and the generated files are checked.

Memory stays bounded at a million parties: it keeps compact integer arrays
(parties are integers — "entities", one per legal person after cross-export
matching — and cases are integers too), one flag byte per entity, and per-case
results computed while the case passes by. Only settlements, transfers,
bankruptcies and revoked retrials are kept as Python objects, and those are few.

The rules (thresholds as in the default configuration):

- open enforcement case: status pending, suspended or terminated_no_assets;
  outstanding = amount − amount_paid, unknown amount counts as outstanding;
- linked: a relations row between the two, or a shared phone or address;
  related within two hops: linked, or both linked to one third party.
"""

from __future__ import annotations

import datetime as dt
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
)
OPEN = frozenset({"pending", "suspended", "terminated_no_assets"})
NOT_STILL_RUNNING = frozenset({"terminated", "concluded", "withdrawn"})
RESTRICTIONS = frozenset({"consumption_restriction", "dishonest_list"})

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
RETRIAL_GRACE_DAYS = 30

# Entity flags.
PERSON, COMPANY, APPLICANT_OPEN, RECEIVABLE, DETAINED = 1, 2, 4, 8, 16


def working_days_after(start: dt.date, end: dt.date) -> int:
    """Mondays to Fridays in (start, end]: how many working days ``end`` lies after ``start``."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for k in range(1, rest + 1):
        if (weekday + k) % 7 < 5:
            count += 1
    return count


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


@dataclass(slots=True)
class Auction:
    ordered: dt.date
    listed: dt.date | None = None
    closed: dt.date | None = None
    result: str | None = None


@dataclass(slots=True)
class Measure:
    kind: str
    imposed: dt.date
    lifted: dt.date | None = None


@dataclass(frozen=True, slots=True, order=True)
class Alert:
    """An alert key: detector and case (case-level) or entity (party-level); ``subject`` is the party it is about."""

    detector: str
    case: int | None
    subject: int | None = field(compare=False, default=None)
    party_level_entity: int | None = None


@dataclass(slots=True)
class _Settled:
    applicant: int
    signed: int
    strong: bool  # low ratio or paid to someone else: needs no relation
    respondents: tuple[int, ...]
    case: int


class Evaluator:
    """Collects records, then :meth:`alerts` evaluates every detector of detectors.md."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.flags = bytearray()
        # (entity, case, filed ordinal, bits) for each respondent of an open enforcement case.
        self.or_entity = array("q")
        self.or_case = array("q")
        self.or_filed = array("q")
        self.or_bits = array("b")  # 1 = outstanding > 0, 2 = labor
        self.settled: list[_Settled] = []
        self.tr_from = array("q")
        self.tr_to = array("q")
        self.tr_date = array("q")
        self.tr_cheap = array("b")
        self.fee_entity = array("q")
        self.fee_case = array("q")
        self.bankruptcies: list[tuple[int, int]] = []  # (case, respondent entity) of pending bankruptcies
        self.revoked: dict[int, list[dt.date]] = defaultdict(list)  # judgment → closing dates of revoking retrials
        self.run_origin = array("q")  # enforcement cases still running, by origin
        self.run_case = array("q")
        self.run_subject = array("q")
        self.link_a = array("q")
        self.link_b = array("q")
        self.node_entity = array("q")
        self.node_key = array("q")
        self.case_alerts: dict[tuple[str, int], int] = {}

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

    def add_link(self, a: int, b: int) -> None:
        """A relations row (any type, either direction)."""
        if a != b:
            self.link_a.append(a)
            self.link_b.append(b)

    def add_asset(self, owner: int, kind: str) -> None:
        if kind == "receivable":
            self._flag(owner, RECEIVABLE)

    def add_transfer(self, source: int, target: int, on: dt.date, price: float | None, value: float | None) -> None:
        cheap = price is not None and (price == 0 or (value is not None and price < TRANSFER_PRICE_RATIO * value))
        self.tr_from.append(source)
        self.tr_to.append(target)
        self.tr_date.append(on.toordinal())
        self.tr_cheap.append(1 if cheap else 0)

    def add_detention(self, entity: int, start: dt.date, end: dt.date | None) -> None:
        if start <= self.as_of and (end is None or end >= self.as_of):
            self._flag(entity, DETAINED)

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
        respondents = [e for e, role, _ in parties if role == "respondent"]
        applicants = [e for e, role, _ in parties if role == "applicant"]
        subject = respondents[0] if respondents else -1
        for entity, _, fees in parties:
            if fees is not None and fees > 0:
                self.fee_entity.append(entity)
                self.fee_case.append(case.code)
        if case.kind == "retrial":
            if case.outcome == "revoked" and case.closed is not None and case.origin is not None:
                self.revoked[case.origin].append(case.closed)
            return
        if case.kind == "bankruptcy":
            if case.status == "pending":
                self.bankruptcies.extend((case.code, e) for e in respondents)
            return
        if case.kind != "enforcement":
            return
        remaining = None if case.amount is None else case.amount - (case.paid or 0.0)
        outstanding = remaining is None or remaining > 0.005
        if case.status in OPEN:
            bits = (1 if outstanding else 0) | (2 if case.labor else 0)
            for entity in respondents:
                self.or_entity.append(entity)
                self.or_case.append(case.code)
                self.or_filed.append(case.filed.toordinal())
                self.or_bits.append(bits)
            if outstanding:
                for entity in applicants:
                    self._flag(entity, APPLICANT_OPEN)
        if case.origin is not None and case.status not in NOT_STILL_RUNNING:
            self.run_origin.append(case.origin)
            self.run_case.append(case.code)
            self.run_subject.append(subject)
        settlements = list(settlements)
        for s in settlements:
            base = s.original if s.original is not None else remaining
            low = base is not None and s.settled <= SETTLEMENT_RATIO * base
            for entity in applicants:
                elsewhere = s.payee is not None and s.payee != entity
                self.settled.append(_Settled(entity, s.signed.toordinal(), low or elsewhere, tuple(respondents), case.code))
        as_of = self.as_of
        reference = None
        if case.status == "concluded":
            reference = case.closed
        elif case.status == "settled":
            performed = [s.performed for s in settlements if s.performed is not None]
            reference = max(performed) if performed else None
        if reference is not None:
            for m in measures:
                if m.kind in RESTRICTIONS:
                    end = m.lifted if m.lifted is not None else as_of
                    if working_days_after(reference, end) > LIFT_WORKING_DAYS:
                        self.case_alerts[("restriction_not_lifted", case.code)] = subject
                        break
        for p in payments:
            end = p.disbursed if p.disbursed is not None else as_of
            if (end - p.received).days > DISBURSE_DAYS:
                self.case_alerts[("funds_not_disbursed", case.code)] = subject
                break
        for a in auctions:
            if a.result == "withdrawn":
                continue
            late_listing = (a.listed is None and (as_of - a.ordered).days > LISTING_DAYS) or (
                a.listed is not None and (a.listed - a.ordered).days > LISTING_DAYS
            )
            stuck = (
                a.listed is not None
                and a.result in (None, "pending")
                and a.closed is None
                and (as_of - a.listed).days > AUCTION_OPEN_DAYS
            )
            if late_listing or stuck:
                self.case_alerts[("auction_delay", case.code)] = subject
                break

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
                        if owner != entity:
                            near[owner].add(entity)
        return near

    def alerts(self) -> list[Alert]:
        """Every alert the detectors raise on what was fed in, sorted."""
        as_of = self.as_of.toordinal()
        found: dict[tuple[str, int | None, int | None], int] = {}

        def raise_case(detector: str, case: int, subject: int) -> None:
            found.setdefault((detector, case, None), subject)

        # Open, outstanding respondent entries by entity, for the cross-case rules.
        flags = self.flags
        debtor_cases: dict[int, list[tuple[int, int]]] = defaultdict(list)
        settlement_parties = {s.applicant for s in self.settled}
        transfer_parties = set(self.tr_from)
        labor: dict[int, set[int]] = defaultdict(set)
        for entity, case, filed, bits in zip(self.or_entity, self.or_case, self.or_filed, self.or_bits, strict=True):
            f = flags[entity] if entity < len(flags) else 0
            if bits & 1:
                if f & (APPLICANT_OPEN | RECEIVABLE):
                    raise_case("hidden_receivable", case, entity)
                if entity in settlement_parties or entity in transfer_parties:
                    debtor_cases[entity].append((case, filed))
            if f & PERSON and f & DETAINED:
                raise_case("detained_debtor", case, entity)
            if bits & 2 and f & COMPANY and 0 <= as_of - filed <= LABOR_WINDOW_DAYS:
                labor[entity].add(case)
        for entity, cases in labor.items():
            if len(cases) >= LABOR_CASES:
                found.setdefault(("repeat_offender_employer", None, entity), entity)

        # Settlements and transfers: candidates first, relations only for those that need them.
        pending: list[tuple[str, int, int, int]] = []  # (detector, case A, P, other party)
        for s in self.settled:
            for case, filed in debtor_cases.get(s.applicant, ()):
                if case == s.case or s.signed < filed:
                    continue
                if s.strong:
                    raise_case("collusive_settlement", case, s.applicant)
                else:
                    pending.extend(("collusive_settlement", case, s.applicant, r) for r in s.respondents)
        for source, target, on, cheap in zip(self.tr_from, self.tr_to, self.tr_date, self.tr_cheap, strict=True):
            for case, filed in debtor_cases.get(source, ()):
                if on < filed - TRANSFER_LOOKBACK_DAYS:
                    continue
                if cheap:
                    raise_case("suspicious_asset_transfer", case, source)
                else:
                    pending.append(("suspicious_asset_transfer", case, source, target))
        pending = [p for p in pending if (p[0], p[1], None) not in found]
        if pending:
            near = self._neighbours({p[2] for p in pending} | {p[3] for p in pending})
            for detector, case, party, other in pending:
                if other == party:
                    continue
                mine, theirs = near[party], near[other]
                if other in mine or (mine - {party, other}) & (theirs - {party, other}):
                    raise_case(detector, case, party)

        # Retrials that revoked the judgment an enforcement case still rests on.
        if self.revoked:
            for origin, case, subject in zip(self.run_origin, self.run_case, self.run_subject, strict=True):
                closings = self.revoked.get(origin)
                if closings and any(as_of - c.toordinal() > RETRIAL_GRACE_DAYS for c in closings):
                    raise_case("retrial_not_terminated", case, subject)

        # Pending bankruptcies of companies that owe court fees in other cases.
        if self.bankruptcies:
            bankrupt = {e for _, e in self.bankruptcies}
            fees: dict[int, set[int]] = defaultdict(set)
            for entity, case in zip(self.fee_entity, self.fee_case, strict=True):
                if entity in bankrupt:
                    fees[entity].add(case)
            for case, entity in self.bankruptcies:
                if self._flags_of(entity) & COMPANY and fees.get(entity, set()) - {case}:
                    raise_case("bankrupt_unpaid_fees", case, entity)

        for (detector, case), subject in self.case_alerts.items():
            raise_case(detector, case, subject)
        result = [
            Alert(detector, case, subject if subject is not None and subject >= 0 else None, party)
            for (detector, case, party), subject in found.items()
        ]
        return sorted(result, key=lambda a: (a.detector, a.case if a.case is not None else -1, a.party_level_entity if a.party_level_entity is not None else -1))


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
