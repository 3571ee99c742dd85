"""Small, dense random court exports: every rule's conditions met, missed and met at their boundaries at random.

Unlike the generator (a background built not to alert, plus planted stories), these exports throw
few parties into many cases, shared phones and addresses, relations, settlements, transfers,
measures, payments, auctions, retrials, detentions and bankruptcies, with dates around the
thresholds — the ground where an oracle and the Cypher can disagree. Nothing is dated after as_of
except releases (end_on) and claims deadlines; every row is valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from graph_model.types.identifiers import USCC_ALPHABET, resident_check_char, uscc_check_char
from loaders.synthetic.writer import FILES

COURTS = (("sh0104-xuhui", "沪0104", "上海市徐汇区人民法院", "徐", "XH"), ("sh0109-hongkou", "沪0109", "上海市虹口区人民法院", "虹", "HK"))
STATUSES = ("pending", "suspended", "terminated_no_assets", "concluded", "settled", "withdrawn", "terminated")
RELATIONS = ("shareholder", "legal_representative", "director", "supervisor", "manager", "actual_controller",
             "employee", "spouse", "parent", "sibling", "relative", "guarantor")
ASSET_KINDS = ("real_estate", "vehicle", "bank_account", "securities", "equity", "receivable", "intellectual_property", "other")
MEASURE_KINDS = ("consumption_restriction", "dishonest_list", "freeze", "seizure", "exit_restriction")


def _person_id(r: random.Random) -> str:
    first = f"310104{r.randint(1960, 1999)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randrange(1000):03d}"
    return first + resident_check_char(first)


def _company_id(r: random.Random) -> str:
    first = "91310104" + "".join(r.choice(USCC_ALPHABET) for _ in range(9))
    return first + uscc_check_char(first)


def write_random_exports(root: Path, seed: int, as_of: dt.date) -> list[Path]:
    """Two random exports under ``root``; returns their directories."""
    r = random.Random(seed)
    phones = [f"1380000{k:04d}" for k in range(6)]
    addresses = [f"上海市徐汇区漕溪路{k}号" for k in range(1, 6)]
    shared = []  # legal persons with a valid id, in both exports
    for k in range(16):
        kind = "person" if k % 3 else "company"
        shared.append((kind, _person_id(r) if kind == "person" else _company_id(r), f"共{k}"))

    def day(back_from: int, back_to: int = 0) -> dt.date:
        return as_of - dt.timedelta(days=r.randint(back_to, back_from))

    def after(start: dt.date, lo: int, hi: int) -> dt.date:
        return min(as_of, start + dt.timedelta(days=r.randint(lo, hi)))

    def maybe(p: float, value: object) -> object:
        return value if r.random() < p else None

    def money(lo: float = 1_000, hi: float = 500_000) -> float:
        return round(r.uniform(lo, hi), 2)

    dirs = []
    judgments: list[str] = []
    for x, (source, court, court_name, labor_prefix, prefix) in enumerate(COURTS):
        rows: dict[str, list[list[object]]] = {name: [] for name in FILES}
        parties = []
        for k, (kind, id_number, name) in enumerate(shared):
            parties.append((f"{prefix}P{k:03d}", kind, name, id_number))
        for k in range(8):
            kind = r.choice(("person", "person", "company"))
            parties.append((f"{prefix}L{k:03d}", kind, f"本地{x}{k}", None))
        for pid, kind, name, id_number in parties:
            rows["parties"].append([pid, kind, name, id_number or "", "", "", maybe(0.35, r.choice(addresses)) or "",
                                    maybe(0.35, r.choice(phones)) or ""])
        pids = [p[0] for p in parties]
        persons = [p[0] for p in parties if p[1] == "person"]
        companies = [p[0] for p in parties if p[1] == "company"]
        for _ in range(14):
            a, b = r.sample(pids, 2)
            relation = r.choice(RELATIONS)
            share = f"{r.choice((0.3, 0.5, 0.51, 0.8, 1.0)):.2f}" if relation == "shareholder" else ""
            rows["relations"].append([a, b, relation, share, maybe(0.5, day(2000)) or "", ""])
        for company in companies:  # legal representatives and shareholders shared between companies
            rep = r.choice(persons[:6])
            rows["relations"].append([rep, company, "legal_representative", "", "", ""])
            rows["relations"].append([r.choice(persons[:6]), company, "shareholder", f"{r.choice((0.4, 0.5, 0.9)):.2f}", "", ""])
        assets = []
        for k in range(14):
            asset_id = f"{prefix}S{k:03d}"
            kind = r.choice(ASSET_KINDS)
            value = maybe(0.85, money(0, 900_000))
            rows["assets"].append([asset_id, kind, r.choice(pids), "财产", "", value if value is not None else "", ""])
            assets.append((asset_id, value))
        for _ in range(10):
            asset_id, value = r.choice(assets)
            a, b = r.sample(pids, 2)
            price = r.choice((0.0, None, round((value or 100_000) * r.choice((0.5, 0.69, 0.7, 0.71, 1.0)), 2)))
            rows["asset_transfers"].append([asset_id, a, b, day(1200), "" if price is None else price])
        for _ in range(6):
            start = day(900)
            end = r.choice((None, as_of, as_of + dt.timedelta(days=30), as_of + dt.timedelta(days=31), day(60),
                            as_of + dt.timedelta(days=400)))
            rows["detentions"].append([r.choice(persons), "上海市监狱", "imprisonment", start, end or ""])
        seq = 0

        def case_no(kind: str, year: int, court: str = court) -> str:
            nonlocal seq
            seq += 1
            return f"({year}){court}{kind}{seq}号"

        for _ in range(5):  # judgments, some revoked or amended on retrial
            filed = day(1500, 600)
            j = case_no("民初", filed.year)
            judgments.append(j)
            defendant = r.choice(pids)
            fees = maybe(0.5, money(100, 9_000))
            rows["cases"].append([j, "civil", court_name, "买卖合同纠纷", filed, after(filed, 30, 200), "concluded",
                                  money(), "", "", "", ""])
            rows["case_parties"] += [[j, r.choice(pids), "plaintiff", ""], [j, defendant, "defendant", fees or ""]]
            if r.random() < 0.7:
                r_filed = day(400, 20)
                rc = case_no("民再", r_filed.year)
                closed = r.choice((as_of - dt.timedelta(days=30), as_of - dt.timedelta(days=31), day(200)))
                rows["cases"].append([rc, "retrial", court_name, "买卖合同纠纷", min(r_filed, closed), closed, "concluded", "",
                                      "", j, r.choice(("upheld", "revoked", "revoked", "amended")), ""])
                rows["case_parties"].append([rc, defendant, "applicant", ""])
        awards = []
        for k in range(3):
            filed = day(900, 100)
            award = f"{labor_prefix}劳人仲({filed.year})办字第{x * 10 + k + 1}号"
            awards.append(award)
            rows["cases"].append([award, "labor_arbitration", "", "劳动争议", filed, after(filed, 20, 60), "concluded",
                                  money(), "", "", "", ""])
        for _ in range(3):  # bankruptcies
            filed = day(500, 10)
            k = case_no("破", filed.year)
            deadline = r.choice((None, as_of, as_of - dt.timedelta(days=1), as_of + dt.timedelta(days=40)))
            status = r.choice(("pending", "pending", "concluded"))
            rows["cases"].append([k, "bankruptcy", court_name, "破产清算", filed, after(filed, 10, 300) if status == "concluded" else "",
                                  status, "", "", "", "", deadline or ""])
            rows["case_parties"] += [[k, r.choice(pids), "applicant", ""],
                                     [k, r.choice(companies), "respondent", maybe(0.3, money(100, 5_000)) or ""]]
        for _ in range(34):  # enforcement cases
            filed = day(800, 1)
            status = r.choice(STATUSES)
            closed = None if status in ("pending", "suspended") else after(filed, 0, 300)
            if status == "terminated_no_assets" and r.random() < 0.3:
                closed = None
            amount = maybe(0.9, money())
            paid = r.choice((None, 0.0, amount, round((amount or 0) * 0.5, 2)))
            origin = r.choice([None, *judgments[-4:], *awards]) if r.random() < 0.8 else None
            cause = r.choice(("劳动争议", "劳动合同纠纷", "民间借贷纠纷", "买卖合同纠纷"))
            e = case_no("执", filed.year)
            rows["cases"].append([e, "enforcement", court_name, cause, filed, closed or "", status,
                                  "" if amount is None else amount, "" if paid is None else paid, origin or "", "", ""])
            debtors = r.sample(pids, r.choice((1, 1, 1, 2)))
            if "劳动" in cause and r.random() < 0.7:  # a few employers with several labor cases
                debtors = [r.choice(companies[:3])]
            creditors = r.sample([p for p in pids if p not in debtors], r.choice((1, 1, 2)))
            for p in creditors:
                rows["case_parties"].append([e, p, "applicant", maybe(0.1, money(10, 900)) or ""])
            for p in debtors:
                rows["case_parties"].append([e, p, "respondent", maybe(0.15, money(10, 900)) or ""])
            reference = closed or filed
            for k in range(r.choice((0, 1, 1, 2))):
                kind = r.choice(MEASURE_KINDS[:3])
                imposed = after(filed, 0, 20)
                lifted = r.choice((None, after(reference, 0, 2), after(reference, 3, 6), after(reference, 5, 12)))
                rows["measures"].append([f"{prefix}M{seq}{k}", e, kind, maybe(0.8, r.choice(debtors)) or "", "", imposed,
                                         lifted or ""])
            if status == "settled" or r.random() < 0.25:
                signed = day(700, 1)
                original = maybe(0.7, money())
                base = original or amount or 100_000.0
                settled = round(base * r.choice((0.3, 0.5, 0.51, 0.9)), 2)
                performed = r.choice((None, after(signed, 0, 30)))
                payee = r.choice((None, None, r.choice(pids)))
                rows["settlements"].append([e, signed, "" if original is None else original, settled, payee or "",
                                            performed or ""])
            for k in range(r.choice((0, 0, 1, 2))):
                received = day(200, 0)
                disbursed = r.choice((None, after(received, 30, 30), after(received, 31, 31), after(received, 0, 90)))
                rows["payments"].append([f"{prefix}F{seq}{k}", e, received, money(100, 50_000), disbursed or ""])
            if r.random() < 0.3:
                ordered = day(400, 0)
                listed = r.choice((None, after(ordered, 30, 30), after(ordered, 31, 31), after(ordered, 0, 60)))
                closed_on = r.choice((None, after(listed, 1, 100))) if listed else None
                result = r.choice((None, "pending", "sold", "unsold", "withdrawn"))
                rows["auctions"].append([f"{prefix}A{seq}", e, r.choice(assets)[0] if r.random() < 0.7 else "", ordered,
                                         listed or "", closed_on or "", result or "", ""])
        d = root / source
        d.mkdir(parents=True, exist_ok=True)
        for name, columns in FILES.items():
            with open(d / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
                out = csv.writer(handle)
                out.writerow(columns)
                for row in rows[name]:
                    out.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
        dirs.append(d)
    return dirs
