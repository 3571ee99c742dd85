"""Planted scenarios for every detector, and their near-miss decoys.

Each scenario is a small story with parties of its own (the scenario block of the
population: they live alone, with their own phone and address, so nothing links
them but what the story writes). A story may span two exports — the debtor's case
in one court, its creditor case in another — and is built once per export it
touches, from its own seeded random generator, so both halves agree.

Counts per detector: ``max(variants, parties // 1000)`` planted stories and as many decoys, cycling
through the variants, so every variant appears at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loaders.synthetic.names import COURTS, PRISONS
from loaders.synthetic.writer import ALL_COURTS, TYPES

if TYPE_CHECKING:
    from loaders.synthetic.generator import Generator

P, C = 0, 1  # entity kinds in the scenario block (2 = organization)

# detector → (planted variants, decoy variants); each variant lists the kinds of its parties.
VARIANTS: dict[str, tuple[dict[str, bytes], dict[str, bytes]]] = {
    "hidden_receivable": (
        {"creditor_case": bytes([P, C]), "receivable": bytes([C, C])},
        {"creditor_case_concluded": bytes([P, C]), "own_case_concluded": bytes([P, C]), "namesake": bytes([P, P, C])},
    ),
    "collusive_settlement": (
        {"low_ratio": bytes([P, P]), "half": bytes([C, C]), "payee_relative": bytes([P, C, P]),
         "related_respondent": bytes([P, C, P])},
        {"ratio_60": bytes([P, C]), "signed_before_case": bytes([P, C]), "three_hops": bytes([P, C, P, P])},
    ),
    "repeat_offender_employer": (
        {"three_awards": bytes([C, P, C, P, P, P]), "four_awards": bytes([C, P, C, P, P, P, P])},
        {"two_cases": bytes([C, P, P, P, P]), "one_too_old": bytes([C, P, P, P, P])},
    ),
    "detained_debtor": (
        {"in_prison": bytes([P]), "release_today": bytes([P]), "two_cases": bytes([P])},
        {"released": bytes([P]), "case_concluded": bytes([P])},
    ),
    "restriction_not_lifted": (
        {"lifted_late": bytes([P]), "never_lifted": bytes([C]), "settled_performed": bytes([P]),
         "terminated_not_deleted": bytes([P]), "withdrawn_lifted_late": bytes([P])},
        {"third_working_day": bytes([P]), "closed_two_working_days_ago": bytes([P]), "settlement_not_performed": bytes([P]),
         "suspended_in_force": bytes([P])},
    ),
    "funds_not_disbursed": (
        {"disbursed_late": bytes([P]), "not_disbursed": bytes([C])},
        {"disbursed_day_30": bytes([P]), "received_30_days_ago": bytes([P])},
    ),
    "auction_delay": (
        {"unlisted": bytes([P]), "late_listing": bytes([C]), "stuck": bytes([P]), "unsold_not_relisted": bytes([P])},
        {"listed_day_30": bytes([P]), "ordered_30_days_ago": bytes([P]), "withdrawn": bytes([C]), "listed_180_days_ago": bytes([P]),
         "relisted_day_30": bytes([P])},
    ),
    "retrial_not_terminated": (
        {"revoked": bytes([P]), "revoked_long_ago": bytes([C]), "amended": bytes([P])},
        {"upheld": bytes([P]), "revoked_30_days_ago": bytes([P]), "terminated": bytes([C])},
    ),
    "bankrupt_unpaid_fees": (
        {"fees_elsewhere": bytes([C]), "fees_in_two_cases": bytes([C]), "self_filed": bytes([C])},
        {"bankruptcy_concluded": bytes([C]), "fees_zero": bytes([C]), "fees_only_in_bankruptcy": bytes([C]),
         "creditor_owes": bytes([C, C])},
    ),
    "suspicious_asset_transfer": (
        {"gift": bytes([P, P]), "cheap": bytes([C, C]), "sibling_fair_price": bytes([P, P]), "day_365": bytes([P, P])},
        {"long_before": bytes([P, P]), "fair_price_stranger": bytes([P, P]), "three_hops": bytes([P, P, P, P])},
    ),
    "terminated_case_assets": (
        {"house": bytes([P]), "car_in_other_court": bytes([P]), "company_account": bytes([C])},
        {"account_empty": bytes([P]), "spouse_house": bytes([P, P]), "case_pending": bytes([P]),
         "paid_in_full": bytes([C])},
    ),
}
FILLER = bytes([P, P])


@dataclass
class Scenario:
    detector: str
    variant: str
    planted: bool
    serial: int
    kinds: bytes
    exports: tuple[int, ...]
    x: int = 0  # the export of the story's main case
    y: int = 0  # the export of its other half (the same as x when there is one export)
    base: int = 0

    def e(self, k: int) -> int:
        return self.base + k


def plan(parties: int, exports: int, seed: int) -> list[Scenario]:
    """The scenarios of a dataset: fillers (one per export), then planted stories and decoys per detector."""
    count = max(2, parties // 1000)
    bankruptcy_export = next((k for k, c in enumerate(COURTS[:exports]) if c.code == "沪03"), None)
    out = [Scenario("filler", "filler", False, x, FILLER, (x,), x, x) for x in range(exports)]
    serial = 0
    for detector, (plants, decoys) in VARIANTS.items():
        for planted, variants in ((True, plants), (False, decoys)):
            names = list(variants)
            for k in range(max(count, len(names))):
                name = names[k % len(names)]
                x = serial % exports
                y = (serial + 1) % exports
                if detector == "bankrupt_unpaid_fees" and bankruptcy_export is not None:
                    x = bankruptcy_export
                    y = (x + 1 + serial % max(1, exports - 1)) % exports
                out.append(Scenario(detector, name, planted, serial, variants[name], tuple(sorted({x, y})), x, y))
                serial += 1
    return out


def type_code(type_index: int) -> str:
    return TYPES[type_index]


def court_name(court_index: int) -> str:
    code = ALL_COURTS[court_index]
    for c in COURTS:
        if c.code == code:
            return c.name
    return {"沪01": "上海市第一中级人民法院", "沪02": "上海市第二中级人民法院"}.get(code, "")


# -- helpers ---------------------------------------------------------------------------------------------
def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _bank(g: Generator, r: random.Random) -> int:
    return r.randrange(g.pop.banks)


def _open_case(g: Generator, r: random.Random, debtor: int, *, filed: dt.date | None = None, status: str | None = None,
               amount: float | None = None, creditor: int | None = None, cause: str = "金融借款合同纠纷") -> int:
    """An open enforcement case against ``debtor`` with money outstanding (终本 or pending), restricted."""
    filed = filed or g.as_of - _days(r.randint(120, 900))
    status = status or r.choice(("terminated_no_assets", "terminated_no_assets", "pending"))
    amount = amount or round(r.uniform(80_000, 2_000_000), -2)
    closed = filed + _days(r.randint(60, 110)) if status == "terminated_no_assets" else None
    origin = g.new_case("民初", filed.year - 1)
    code = g.new_case("执", filed.year)
    measures = [("consumption_restriction", debtor, None, filed + _days(10), None)]
    g.case(code, status, filed, [(creditor if creditor is not None else _bank(g, r), "applicant", None),
                                 (debtor, "respondent", None)],
           closed=closed, amount=amount, paid=0.0, origin=origin, cause=cause, measures=measures)
    return code


def _closed_case(g: Generator, r: random.Random, debtor: int, creditor: int, filed: dt.date, **kw) -> int:
    """A concluded enforcement case, paid in full, no measures."""
    amount = kw.pop("amount", None) or round(r.uniform(50_000, 900_000), -2)
    code = g.new_case("执", filed.year)
    g.case(code, "concluded", filed, [(creditor, "applicant", None), (debtor, "respondent", None)],
           closed=filed + _days(r.randint(40, 200)), amount=amount, paid=amount, origin=g.new_case("民初", filed.year - 1),
           cause=kw.pop("cause", "买卖合同纠纷"), **kw)
    return code


def _rng(g: Generator, s: Scenario) -> random.Random:
    return random.Random(f"{g.seed}:{s.detector}:{s.variant}:{s.serial}")


def build(g: Generator, s: Scenario) -> None:
    """Write the part of scenario ``s`` that belongs to the current export."""
    if s.detector == "filler":
        return
    BUILDERS[s.detector](g, s, _rng(g, s), g.x == s.x, g.x == s.y)


def build_filler(g: Generator) -> None:
    """A settled case of a quiet debtor with a row in every file, all in order; records it as the export's last case."""
    s = next(s for s in g.plan if s.detector == "filler" and s.serial == g.x)
    r = _rng(g, s)
    debtor, spouse = s.e(0), s.e(1)
    as_of = g.as_of
    filed = as_of - _days(r.randint(300, 500))
    signed = filed + _days(60)
    performed = signed + _days(20)
    amount = 150_000.0
    house = g.asset("real_estate", debtor, 900_000.0, "上海市闵行区莘松路100弄5号房产", "沪(2018)闵字不动产权第0012345号")
    car_value = 120_000.0
    car = g.asset("vehicle", spouse, car_value, "小型轿车", "沪A12345")
    g.transfer(car, debtor, spouse, filed - _days(900), 0.0, car_value)
    g._filler_asset = car
    g.relation(debtor, spouse, "spouse")
    g.detention(debtor, PRISONS[0], "detention", filed - _days(800), filed - _days(785))
    code = g.new_case("执", filed.year)
    lifted = g.workday_after(performed, 1)
    g.case(code, "settled", filed, [(_bank(g, r), "applicant", None), (debtor, "respondent", None)],
           closed=performed, amount=amount, paid=135_000.0, origin=g.new_case("民初", filed.year - 1), cause="金融借款合同纠纷",
           measures=[("consumption_restriction", debtor, None, filed + _days(5), lifted), ("seizure", None, house, filed + _days(7), lifted)],
           settlements=[(signed, amount, 135_000.0, None, performed)],
           payments=[(performed, 135_000.0, performed + _days(10))],
           auctions=[(house, filed + _days(20), filed + _days(35), filed + _days(55), "unsold", None)])
    g._last_case = code


# -- detectors -------------------------------------------------------------------------------------------
def hidden_receivable(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    p, other = s.e(0), s.e(1)
    filed_a = g.as_of - _days(r.randint(150, 700))
    if s.variant == "namesake":
        g.name_override[s.e(1)] = g.pop.name(p)
        if in_x:
            a = _open_case(g, r, p, filed=filed_a)
            g.decoy(s.detector, a, "a namesake with another valid id is the creditor elsewhere")
        if in_y:
            _open_case(g, r, s.e(2), creditor=s.e(1), cause="民间借贷纠纷")
        return
    if in_x:
        if s.variant == "own_case_concluded":
            a = _closed_case(g, r, p, _bank(g, r), filed_a)
            g.decoy(s.detector, a, "the debtor's own case is concluded")
        else:
            a = _open_case(g, r, p, filed=filed_a)
            if s.variant == "creditor_case_concluded":
                g.decoy(s.detector, a, "the debtor's creditor case is concluded")
            else:
                g.expect(s.detector, a)
        if s.variant == "receivable":
            g.asset("receivable", p, round(r.uniform(100_000, 900_000), -2), "应收货款", f"合同编号HT{r.randrange(10**6):06d}", counterparty=other)
    if in_y and s.variant != "receivable":
        if s.variant == "creditor_case_concluded":
            _closed_case(g, r, other, p, g.as_of - _days(r.randint(300, 900)))
        else:
            _open_case(g, r, other, creditor=p, cause="买卖合同纠纷" if g.pop.kind(p) == "company" else "民间借贷纠纷")


def collusive_settlement(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    p, resp = s.e(0), s.e(1)
    filed_a = g.as_of - _days(r.randint(200, 600))
    signed = filed_a + _days(r.randint(10, 120))
    if s.variant == "signed_before_case":
        signed = filed_a - _days(r.randint(1, 60))
    if in_x:
        a = _open_case(g, r, p, filed=filed_a)
        reasons = {"ratio_60": "the settlement gives up only 40 %", "signed_before_case": "settled before the debtor's case was filed",
                   "three_hops": "the respondent is related to the debtor only through three hops"}
        if s.planted:
            g.expect(s.detector, a)
        else:
            g.decoy(s.detector, a, reasons[s.variant])
    if in_y:
        original = round(r.uniform(100_000, 1_500_000), -2)
        ratio = {"low_ratio": r.uniform(0.2, 0.45), "half": 0.5, "ratio_60": 0.6, "signed_before_case": 0.3}.get(s.variant, 0.85)
        settled = round(original * ratio, 2)
        payee = None
        if s.variant == "payee_relative":
            payee = s.e(2)
            g.relation(p, payee, "sibling")
        elif s.variant == "related_respondent":
            g.relation(p, s.e(2), "spouse")
            g.relation(s.e(2), resp, "legal_representative")
        elif s.variant == "three_hops":
            g.relation(p, s.e(2), "spouse")
            g.relation(s.e(2), s.e(3), "sibling")
            g.relation(s.e(3), resp, "legal_representative")
        performed = signed + _days(r.randint(5, 25))
        performed = min(performed, g.as_of - _days(1))
        filed_b = signed - _days(r.randint(60, 300))
        code = g.new_case("执", filed_b.year)
        g.case(code, "settled", filed_b, [(p, "applicant", None), (resp, "respondent", None)], closed=performed,
               amount=original, paid=settled, origin=g.new_case("民初", filed_b.year - 1), cause="买卖合同纠纷",
               settlements=[(signed, original, settled, payee, performed)])


def repeat_offender_employer(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    company, rep = s.e(0), s.e(1)
    if s.planted:
        sister = s.e(2)
        workers = [s.e(k) for k in range(3, len(s.kinds))]
    else:
        sister = None
        workers = [s.e(k) for k in range(2, len(s.kinds))]
    n = len(workers)
    for k, worker in enumerate(workers):
        here = in_x if k < (n + 1) // 2 else in_y
        if not here:
            continue
        filed = g.as_of - _days(r.randint(30, 700))
        status = "terminated_no_assets" if k % 2 else "pending"
        if not s.planted and s.variant == "two_cases" and k == n - 1:
            status = "concluded"
        if not s.planted and s.variant == "one_too_old" and k == n - 1:
            filed = g.as_of - _days(r.randint(760, 900))
        award_day = filed - _days(r.randint(60, 200))
        award = g.new_award(award_day.year)
        amount = round(r.uniform(8_000, 90_000), 2)
        if r.random() < 0.5:
            g.case(award, "concluded", award_day, [(worker, "applicant", None), (company, "respondent", None)],
                   closed=award_day + _days(40), amount=amount, cause="劳动争议", kind="labor_arbitration")
        code = g.new_case("执", filed.year)
        closed = filed + _days(r.randint(50, 100)) if status != "pending" else None
        if closed is not None and closed >= g.as_of:
            closed = g.as_of - _days(1)
        paid = amount if status == "concluded" else 0.0
        g.case(code, status, filed, [(worker, "applicant", None), (company, "respondent", None)], closed=closed,
               amount=amount, paid=paid, origin=award, cause="劳动争议")
        g.relation(worker, company, "employee", since=award_day - _days(400))
    if in_x:
        g.relation(rep, company, "legal_representative")
        g.relation(rep, company, "shareholder", share=0.8)
        if sister is not None:
            g.relation(rep, sister, "legal_representative")
        if s.planted:
            g.expect(s.detector, company, party=True)
        else:
            g.decoy(s.detector, company, {"two_cases": "two open labor cases and a concluded one",
                                          "one_too_old": "the third labor case was filed more than 730 days ago"}[s.variant],
                    party=True)


def detained_debtor(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    p = s.e(0)
    if in_x:
        if s.variant == "case_concluded":
            code = _closed_case(g, r, p, _bank(g, r), g.as_of - _days(r.randint(300, 600)))
            g.decoy(s.detector, code, "the debtor's case is concluded")
        else:
            codes = [_open_case(g, r, p)]
            if s.variant == "two_cases":
                codes.append(_open_case(g, r, p, creditor=r.choice(g.creditor_companies), cause="买卖合同纠纷"))
            for code in codes:
                if s.variant == "released":
                    g.decoy(s.detector, code, "the detention ended before as_of")
                else:
                    g.expect(s.detector, code)
    if in_y:
        filed = g.as_of - _days(r.randint(200, 500))
        start = filed - _days(20)
        end: dt.date | None = start + _days(r.randint(1000, 2000))
        if s.variant == "release_today":
            end = g.as_of
        elif s.variant == "released":
            end = g.as_of - _days(10)
        elif s.variant == "two_cases":
            end = None
        code = g.new_case("刑初", filed.year)
        g.case(code, "concluded", filed, [(p, "defendant", None)], closed=filed + _days(90), cause="拒不执行判决、裁定罪")
        g.detention(p, r.choice(PRISONS), "imprisonment", start, end)


def restriction_not_lifted(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    if not in_x:
        return
    p = s.e(0)
    as_of = g.as_of
    filed = as_of - _days(r.randint(200, 600))
    amount = round(r.uniform(30_000, 500_000), -2)
    kind = "dishonest_list" if s.variant in ("never_lifted", "terminated_not_deleted") else "consumption_restriction"
    status, settlements = "concluded", []
    closed: dt.date | None = filed + _days(r.randint(60, 150))
    lifted: dt.date | None = None
    reason = ""
    if s.variant == "lifted_late":
        lifted = g.workday_after(closed, r.randint(5, 12))
    elif s.variant == "terminated_not_deleted":  # 终结执行: the 失信 entry must go within 3 working days
        status = "terminated"
    elif s.variant == "withdrawn_lifted_late":  # 不予执行 / 撤回
        status = "withdrawn"
        lifted = g.workday_after(closed, r.randint(4, 10))
    elif s.variant == "suspended_in_force":
        status, closed = "suspended", None
        reason = "a suspended case does not say why it was suspended (spec 1.1)"
    elif s.variant == "third_working_day":
        lifted = g.workday_after(closed, 3)
        reason = "lifted on the third working day after closing"
    elif s.variant == "closed_two_working_days_ago":
        closed = as_of - _days(1)
        while g.workday_after(closed, 2) > as_of:  # the generator's own count, not the oracle's
            closed -= _days(1)
        reason = "closed two working days before as_of, restriction still in force"
    elif s.variant in ("settled_performed", "settlement_not_performed"):
        status = "settled"
        signed = closed - _days(20)
        performed = closed if s.variant == "settled_performed" else None
        settlements = [(signed, amount, round(amount * 0.9, 2), None, performed)]
        if performed is None:
            reason = "the settlement is not performed yet"
    paid = amount if status == "concluded" else (round(amount * 0.9, 2) if s.variant == "settled_performed" else 0.0)
    if status in ("terminated", "withdrawn", "suspended"):
        paid = round(amount * 0.2, 2)
    code = g.new_case("执", filed.year)
    g.case(code, status, filed, [(_bank(g, r), "applicant", None), (p, "respondent", None)], closed=closed, amount=amount,
           paid=paid, origin=g.new_case("民初", filed.year - 1), cause="信用卡纠纷",
           measures=[(kind, p, None, filed + _days(15), lifted)], settlements=settlements)
    if s.planted:
        g.expect(s.detector, code)
    else:
        g.decoy(s.detector, code, reason)


def funds_not_disbursed(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    if not in_x:
        return
    as_of = g.as_of
    filed = as_of - _days(r.randint(200, 500))
    amount = round(r.uniform(30_000, 600_000), -2)
    value = round(amount * r.uniform(0.2, 0.6), 2)
    received = filed + _days(r.randint(30, 90))
    disbursed: dt.date | None
    reason = ""
    if s.variant == "disbursed_late":
        disbursed = received + _days(r.randint(31, 80))
    elif s.variant == "not_disbursed":
        received, disbursed = as_of - _days(r.randint(31, 120)), None
    elif s.variant == "disbursed_day_30":
        disbursed, reason = received + _days(30), "disbursed on day 30"
    else:
        received, disbursed, reason = as_of - _days(30), None, "received 30 days before as_of"
    code = g.new_case("执", filed.year)
    g.case(code, "pending", filed, [(_bank(g, r), "applicant", None), (s.e(0), "respondent", None)], amount=amount,
           paid=value, origin=g.new_case("民初", filed.year - 1), cause="金融借款合同纠纷",
           payments=[(received, value, disbursed)])
    if s.planted:
        g.expect(s.detector, code)
    else:
        g.decoy(s.detector, code, reason)


def auction_delay(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    if not in_x:
        return
    as_of = g.as_of
    p = s.e(0)
    filed = as_of - _days(r.randint(500, 800))
    value = round(r.uniform(800_000, 6_000_000), -3)
    ordered = filed + _days(r.randint(60, 120))
    listed: dt.date | None = None
    result: str | None = None
    reason = ""
    if s.variant == "unlisted":
        ordered = as_of - _days(r.randint(31, 120))
    elif s.variant == "late_listing":
        ordered = as_of - _days(r.randint(200, 400))
        listed = ordered + _days(r.randint(31, 70))
        code = _auction_case(g, r, p, filed, value, (ordered, listed, listed + _days(40), "sold"))
        g.expect(s.detector, code)
        return
    elif s.variant == "stuck":
        listed, result = as_of - _days(r.randint(181, 300)), "pending"
        ordered = listed - _days(r.randint(5, 30))
    elif s.variant == "listed_day_30":
        listed, result, reason = ordered + _days(30), "pending", "listed on day 30"
        listed_close = listed + _days(40)
        result = "sold"
        code = _auction_case(g, r, p, filed, value, (ordered, listed, listed_close, result))
        g.decoy(s.detector, code, reason)
        return
    elif s.variant in ("unsold_not_relisted", "relisted_day_30"):  # 流拍 (网拍规定 art. 26)
        unsold_on = as_of - _days(r.randint(60, 200))
        listed = unsold_on - _days(r.randint(30, 60))
        ordered = listed - _days(r.randint(5, 25))
        again = None
        if s.variant == "relisted_day_30":
            again = (unsold_on + _days(5), unsold_on + _days(30), None, "pending")
        code = _auction_case(g, r, p, filed, value, (ordered, listed, unsold_on, "unsold"), again)
        if s.planted:
            g.expect(s.detector, code)
        else:
            g.decoy(s.detector, code, "put up again 30 days after 流拍")
        return
    elif s.variant == "ordered_30_days_ago":
        ordered, reason = as_of - _days(30), "ordered 30 days ago, not listed yet"
    elif s.variant == "withdrawn":
        ordered, result, reason = as_of - _days(r.randint(90, 200)), "withdrawn", "withdrawn auction"
    else:  # listed_180_days_ago
        listed, result, reason = as_of - _days(180), "pending", "listed exactly 180 days ago"
        ordered = listed - _days(r.randint(5, 30))
    code = _auction_case(g, r, p, filed, value, (ordered, listed, None, result))
    if s.planted:
        g.expect(s.detector, code)
    else:
        g.decoy(s.detector, code, reason)


def _auction_case(g: Generator, r: random.Random, p: int, filed: dt.date, value: float,
                  auction: tuple[dt.date, dt.date | None, dt.date | None, str | None],
                  again: tuple[dt.date, dt.date | None, dt.date | None, str | None] | None = None) -> int:
    ordered, listed, closed, result = auction
    house = g.asset("real_estate", p, value, "上海市浦东新区张杨路500弄房产", f"沪({filed.year - 5})浦字不动产权第{r.randrange(10**7):07d}号")
    code = g.new_case("执", filed.year)
    price = round(value * 0.8, -2) if result == "sold" else None
    g.case(code, "pending", filed, [(_bank(g, r), "applicant", None), (p, "respondent", None)],
           amount=round(value * 1.2, -3), paid=price or 0.0, origin=g.new_case("民初", filed.year - 1), cause="金融借款合同纠纷",
           measures=[("seizure", None, house, filed + _days(20), None)],
           auctions=[(house, ordered, listed, closed, result, price)] + ([(house, *again, None)] if again else []),
           payments=[(closed + _days(5), price, closed + _days(15))] if price else [])
    return code


def retrial_not_terminated(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    if not in_x:
        return
    as_of = g.as_of
    p = s.e(0)
    creditor = r.choice(g.creditor_companies)
    judged = as_of - _days(r.randint(700, 1000))
    amount = round(r.uniform(100_000, 1_000_000), -2)
    j = g.new_case("民初", judged.year)
    g.case(j, "concluded", judged - _days(120), [(creditor, "plaintiff", None), (p, "defendant", None)], closed=judged,
           amount=amount, cause="买卖合同纠纷")
    r_closed = {"revoked": as_of - _days(r.randint(31, 90)), "revoked_long_ago": as_of - _days(r.randint(200, 400)),
                "upheld": as_of - _days(r.randint(60, 200)), "revoked_30_days_ago": as_of - _days(30),
                "terminated": as_of - _days(r.randint(60, 200)), "amended": as_of - _days(r.randint(31, 120))}[s.variant]
    outcome = {"upheld": "upheld", "amended": "amended"}.get(s.variant, "revoked")
    filed = judged + _days(r.randint(30, 90))
    status, closed = "terminated_no_assets", filed + _days(r.randint(60, 100))
    if s.variant == "terminated":
        status, closed = "terminated", r_closed + _days(r.randint(5, 25))
    code = g.new_case("执", filed.year)
    g.case(code, status, filed, [(creditor, "applicant", None), (p, "respondent", None)], closed=closed, amount=amount,
           paid=0.0, origin=j, cause="买卖合同纠纷")
    r_filed = r_closed - _days(r.randint(90, 200))
    rc = g.new_case("民再", r_filed.year)
    g.case(rc, "concluded", r_filed, [(p, "applicant", None), (creditor, "respondent", None)], closed=r_closed,
           origin=j, outcome=outcome, cause="买卖合同纠纷")
    if s.planted:
        g.expect(s.detector, code)
    else:
        g.decoy(s.detector, code, {"upheld": "the retrial upheld the judgment",
                                   "revoked_30_days_ago": "the judgment was revoked exactly 30 days ago",
                                   "terminated": "the enforcement was terminated after the revocation"}[s.variant])


def bankrupt_unpaid_fees(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    company = s.e(0)
    as_of = g.as_of
    g.status_override[s.e(1) if s.variant == "creditor_owes" else company] = "bankrupt"
    if in_x:
        filed = as_of - _days(r.randint(60, 400))
        status = "concluded" if s.variant == "bankruptcy_concluded" else "pending"
        closed = as_of - _days(r.randint(5, 40)) if status == "concluded" else None
        fees = round(r.uniform(2_000, 40_000), 2) if s.variant == "fees_only_in_bankruptcy" else None
        code = g.new_case("破", filed.year)
        if s.variant == "self_filed":  # the company filed for its own bankruptcy: no respondent
            parties = [(company, "applicant", None), (g.pop.firms0 + r.randrange(4), "administrator", None)]
        elif s.variant == "creditor_owes":  # the applying creditor (not the debtor) owes fees elsewhere
            parties = [(company, "applicant", None), (s.e(1), "respondent", None),
                       (g.pop.firms0 + r.randrange(4), "administrator", None)]
        else:
            parties = [(_bank(g, r), "applicant", None), (company, "respondent", fees),
                       (g.pop.firms0 + r.randrange(4), "administrator", None)]
        g.case(code, status, filed, parties, closed=closed, claims_deadline=filed + _days(r.randint(30, 90)),
               cause="破产清算")
        g.relation(g.pop.legal_representative(company), company, "legal_representative")
        if s.planted:
            g.expect(s.detector, code)
        else:
            g.decoy(s.detector, code, {"bankruptcy_concluded": "the bankruptcy is concluded",
                                       "fees_zero": "fees_unpaid is 0 in the other cases",
                                       "fees_only_in_bankruptcy": "the fees are owed in the bankruptcy case itself",
                                       "creditor_owes": "the company owing fees applied as a creditor; the debtor is "
                                                        "another company"}[s.variant])
    if in_y and s.variant != "fees_only_in_bankruptcy":
        for _ in range(2 if s.variant == "fees_in_two_cases" else 1):
            judged = as_of - _days(r.randint(400, 1200))
            amount = round(r.uniform(50_000, 800_000), -2)
            fees = 0.0 if s.variant == "fees_zero" else round(amount * r.uniform(0.005, 0.02), 2)
            code = g.new_case("民初", judged.year)
            g.case(code, "concluded", judged - _days(150), [(r.choice(g.creditor_companies), "plaintiff", None),
                                                            (company, "defendant", fees)],
                   closed=judged, amount=amount, cause="买卖合同纠纷")


def suspicious_asset_transfer(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    p, q = s.e(0), s.e(1)
    filed = g.as_of - _days(r.randint(200, 500))
    if in_x:
        a = _open_case(g, r, p, filed=filed)
        if s.planted:
            g.expect(s.detector, a)
        else:
            g.decoy(s.detector, a, {"long_before": "gift 400 days before the case",
                                    "fair_price_stranger": "sold at 90 % of value to a stranger",
                                    "three_hops": "sold at 75 % to someone three hops away"}[s.variant])
    if in_y:
        value = round(r.uniform(300_000, 3_000_000), -3)
        on = filed - _days(r.randint(30, 300))
        price = {"gift": 0.0, "cheap": round(value * 0.4, -2), "sibling_fair_price": round(value * 0.95, -2),
                 "day_365": 0.0, "long_before": 0.0, "fair_price_stranger": round(value * 0.9, -2),
                 "three_hops": round(value * 0.75, -2)}[s.variant]
        if s.variant == "day_365":
            on = filed - _days(365)
        elif s.variant == "long_before":
            on = filed - _days(400)
        if s.variant == "sibling_fair_price":
            g.relation(p, q, "sibling")
        elif s.variant == "three_hops":
            g.relation(p, s.e(2), "spouse")
            g.relation(s.e(2), s.e(3), "sibling")
            g.relation(s.e(3), q, "relative")
        kind = "vehicle" if g.pop.kind(p) == "person" and value < 600_000 else "real_estate"
        desc = "小型轿车" if kind == "vehicle" else "上海市徐汇区天钥桥路房产"
        asset = g.asset(kind, q, value, desc, f"沪B{r.randrange(10**5):05d}" if kind == "vehicle" else
                        f"沪({on.year})徐字不动产权第{r.randrange(10**7):07d}号")
        g.transfer(asset, p, q, on, price, value)


def terminated_case_assets(g: Generator, s: Scenario, r: random.Random, in_x: bool, in_y: bool) -> None:
    """A 终本 case whose debtor has property on record — in the same court's export, or (the 小聚大 case) in
    another court's; decoys: an empty account, the spouse's house, a case still pending, a debt paid in full."""
    p = s.e(0)
    as_of = g.as_of
    if in_x:
        filed = as_of - _days(r.randint(200, 800))
        amount = round(r.uniform(80_000, 1_500_000), -2)
        status = "pending" if s.variant == "case_pending" else "terminated_no_assets"
        closed = filed + _days(r.randint(60, 150)) if status == "terminated_no_assets" else None
        code = g.new_case("执", filed.year)
        g.case(code, status, filed, [(_bank(g, r), "applicant", None), (p, "respondent", None)], closed=closed,
               amount=amount, paid=amount if s.variant == "paid_in_full" else 0.0, origin=g.new_case("民初", filed.year - 1),
               cause="金融借款合同纠纷", measures=[("consumption_restriction", p, None, filed + _days(10), None)]
               if g.pop.kind(p) == "person" else [])
        if s.variant == "house":
            g.asset("real_estate", p, round(amount * r.uniform(0.5, 2.0), -3), "上海市徐汇区龙华西路房产",
                    f"沪({filed.year})徐字不动产权第{r.randrange(10**7):07d}号")
        elif s.variant == "company_account":
            g.asset("bank_account", p, None, "工商银行基本户", f"1001****{r.randrange(10**4):04d}")
        elif s.variant == "account_empty":
            g.asset("bank_account", p, 0.0, "建设银行账户", f"6217****{r.randrange(10**4):04d}")
        elif s.variant == "spouse_house":
            g.relation(p, s.e(1), "spouse")
            g.asset("real_estate", s.e(1), round(amount * 1.2, -3), "上海市徐汇区宛平南路房产", "")
        elif s.variant in ("case_pending", "paid_in_full"):
            g.asset("real_estate", p, round(amount * 1.5, -3), "上海市徐汇区田林路房产", "")
        if s.planted:
            g.expect(s.detector, code)
        else:
            g.decoy(s.detector, code, {"account_empty": "the only account holds nothing",
                                       "spouse_house": "the house is the spouse's, another legal person",
                                       "case_pending": "the case is not 终本", "paid_in_full": "nothing is owed"}[s.variant])
    if in_y and s.variant == "car_in_other_court":
        # another court's export records the debtor's car: property found anywhere reaches every 终本 case
        g.asset("vehicle", p, round(r.uniform(60_000, 300_000), -3), "小型轿车", f"沪C{r.randrange(10**5):05d}")


BUILDERS = {
    "hidden_receivable": hidden_receivable,
    "collusive_settlement": collusive_settlement,
    "repeat_offender_employer": repeat_offender_employer,
    "detained_debtor": detained_debtor,
    "restriction_not_lifted": restriction_not_lifted,
    "funds_not_disbursed": funds_not_disbursed,
    "auction_delay": auction_delay,
    "retrial_not_terminated": retrial_not_terminated,
    "bankrupt_unpaid_fees": bankrupt_unpaid_fees,
    "suspicious_asset_transfer": suspicious_asset_transfer,
    "terminated_case_assets": terminated_case_assets,
}
