"""One export directory written row by row: CSV files of the court export format, values formatted clean or messy."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import IO

from loaders.synthetic.names import COURTS, INTERMEDIATE, Court

FILES: dict[str, tuple[str, ...]] = {
    "parties": ("party_id", "kind", "name", "id_number", "status", "registered_on", "address", "phone"),
    "cases": ("case_no", "kind", "court", "cause", "filed_on", "closed_on", "status", "amount", "amount_paid",
              "origin_case_no", "outcome", "claims_deadline"),
    "case_parties": ("case_no", "party_id", "role", "fees_unpaid"),
    "relations": ("from_id", "to_id", "relation", "share", "since", "until"),
    "assets": ("asset_id", "kind", "owner_id", "description", "registry_no", "value", "counterparty_id"),
    "asset_transfers": ("asset_id", "from_id", "to_id", "transferred_on", "price"),
    "measures": ("measure_id", "case_no", "kind", "party_id", "asset_id", "imposed_on", "lifted_on"),
    "settlements": ("case_no", "signed_on", "original_amount", "settled_amount", "payee_id", "performed_on"),
    "payments": ("payment_id", "case_no", "received_on", "amount", "disbursed_on"),
    "auctions": ("auction_id", "case_no", "asset_id", "ordered_on", "listed_on", "closed_on", "result", "price"),
    "detentions": ("party_id", "facility", "kind", "start_on", "end_on"),
}

# Case-number packing: every case number the generator writes is an integer for the evaluator.
ALL_COURTS: tuple[str, ...] = tuple(c.code for c in COURTS) + INTERMEDIATE
COURT_INDEX = {code: k for k, code in enumerate(ALL_COURTS)}
TYPES: tuple[str, ...] = ("执", "执恢", "民初", "民终", "民再", "破", "破申", "刑初", "劳人仲", "行初")
TYPE_INDEX = {t: k for k, t in enumerate(TYPES)}
AWARD = TYPE_INDEX["劳人仲"]
LABOR_PREFIX = {k: c.labor for k, c in enumerate(COURTS)}


def pack_case(court: int, type_index: int, year: int, seq: int) -> int:
    return ((((court * 16) + type_index) * 64 + (year - 1990)) << 24) | seq


def case_name(code: int) -> str:
    """The case number of a packed case code."""
    seq = code & 0xFFFFFF
    rest = code >> 24
    rest, year = divmod(rest, 64)
    court, type_index = divmod(rest, 16)
    year += 1990
    if type_index == AWARD:
        return f"{LABOR_PREFIX[court]}劳人仲({year})办字第{seq}号"
    return f"({year}){ALL_COURTS[court]}{TYPES[type_index]}{seq}号"


class ExportWriter:
    """Streams the rows of one export; the parties file is written last, from the parties the rows named."""

    def __init__(self, root: Path, court: Court, encoding: str, messy: bool, rng: random.Random, prefix: str) -> None:
        self.dir = root / court.source
        self.dir.mkdir(parents=True, exist_ok=True)
        self.court = court
        self.encoding = encoding
        self.messy = messy
        self.rng = rng
        self.prefix = prefix
        self.rows: Counter[str] = Counter()
        self.bad: Counter[str] = Counter()
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, csv.writer] = {}
        for name, columns in FILES.items():
            handle = open(self.dir / f"{name}.csv", "w", encoding=encoding, newline="")  # noqa: SIM115
            self._files[name] = handle
            self._writers[name] = csv.writer(handle)
            self._writers[name].writerow(columns)
        self._seq: dict[tuple[int, int, int], int] = {}
        self.extra_rows: list[tuple[str, ...]] = []  # parties without a valid id (--messy)
        self.bad_extra: list[tuple[str, ...]] = []  # bad parties rows (--messy)
        self._ids = 0

    # -- identifiers ---------------------------------------------------------------------------------
    def party_id(self, i: int) -> str:
        return f"{self.prefix}{(i * 48_271 + 12_345) % 10**8:08d}"

    def new_id(self, letter: str) -> str:
        """A fresh measure/payment/asset/auction id of this export."""
        self._ids += 1
        return f"{self.prefix}{letter}{self._ids:08d}"

    def next_case(self, court_code: str, type_code: str, year: int) -> int:
        """Allocate the next case number of a court, type and year (sequences start somewhere and step a little)."""
        court = COURT_INDEX[court_code]
        key = (court, TYPE_INDEX[type_code], year)
        seq = self._seq.get(key)
        if seq is None:  # busy courts: enforcement and first-instance numbers run into the thousands
            seq = 1 + self.rng.randrange(3000 if type_code in ("执", "民初") else 200)
        else:
            seq += 1 + (self.rng.random() < 0.3)
        self._seq[key] = seq
        return pack_case(court, key[1], year, seq)

    def next_award(self, court_index: int, year: int) -> int:
        key = (court_index, AWARD, year)
        seq = self._seq.get(key)
        seq = 1 + self.rng.randrange(400) if seq is None else seq + 1 + (self.rng.random() < 0.5)
        self._seq[key] = seq
        return pack_case(court_index, AWARD, year, seq)

    # -- value formats -------------------------------------------------------------------------------
    def d(self, value: dt.date | None) -> str:
        if value is None:
            return ""
        if not self.messy:
            return value.isoformat()
        r = self.rng.random()
        if r < 0.7:
            return value.isoformat()
        if r < 0.8:
            return f"{value.year}/{value.month}/{value.day}"
        if r < 0.9:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value:%Y%m%d}"

    def a(self, value: float | None) -> str:
        if value is None:
            return ""
        if not self.messy:
            return f"{value:.2f}"
        r = self.rng.random()
        if r < 0.8:
            return f"{value:.2f}"
        if r < 0.93:
            return f"{value:,.2f}"
        text = f"{value / 10000:.6f}".rstrip("0").rstrip(".")
        return f"{text}万"

    def c(self, code: int) -> str:
        name = case_name(code)
        if not self.messy:
            return name
        r = self.rng.random()
        if r < 0.06:
            return name.replace("(", "（").replace(")", "）")
        if r < 0.09:
            k = self.rng.randrange(1, len(name))
            return f" {name[:k]} {name[k:]}"
        return name

    # -- rows ----------------------------------------------------------------------------------------
    def row(self, file: str, values: list[str] | tuple[str, ...]) -> None:
        self._writers[file].writerow(values)
        self.rows[file] += 1

    def bad_row(self, file: str, values: list[str] | tuple[str, ...]) -> None:
        """A row that breaks the contract on purpose (--messy): counted for truth.json."""
        self._writers[file].writerow(values)
        self.rows[file] += 1
        self.bad[file] += 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
