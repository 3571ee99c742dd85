"""The population a dataset draws its parties from: every attribute is a pure function of (seed, index).

Nothing per party is stored: the name, the resident id or social credit code, the
phone and the address of party ``i`` are recomputed whenever an export needs them,
so the same legal person looks the same in every export and a million parties
cost no memory. Ids, phones and addresses are built by bijections of the index,
so two parties never share an id by accident, and share a phone or an address
only when the population says so (members of one household share its address).

Index blocks: banks, law firms, the scenario block (planted stories and their
decoys, kinds set by the planner), companies, persons (households of three:
households of two:
member 0 is the "primary" — debtor, creditor or neutral — member 1 is the spouse,
always neutral).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from itertools import accumulate

from graph_model.types.identifiers import USCC_ALPHABET, resident_check_char, uscc_check_char
from loaders.synthetic.names import (
    AREAS,
    BANK_BRANCHES,
    BANK_NAMES,
    BUSINESS_STREETS,
    COMPANY_PLACES,
    COMPANY_TRADES,
    COMPANY_WORDS,
    GIVEN_COMMON,
    GIVEN_FEMALE,
    GIVEN_MALE,
    ORGANIZATIONS,
    STREETS,
    SURNAMES,
)

MASK = (1 << 64) - 1
PERSON, COMPANY, ORGANIZATION = "person", "company", "organization"
KINDS = (PERSON, COMPANY, ORGANIZATION)

_UNIQUE_AREAS = tuple(dict.fromkeys(AREAS))
_BIRTH_BASE = dt.date(1955, 1, 1).toordinal()
_BIRTH_DAYS = 16071  # 1955 … 1998: adults when their cases were filed
_ID_SPACE = _BIRTH_DAYS * len(_UNIQUE_AREAS) * 500
_MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "158", "159", "186", "185", "133", "180", "189", "177", "152", "150", "151")
_SURNAME_CUM = list(accumulate(w for _, w in SURNAMES))
_SURNAME_TOTAL = _SURNAME_CUM[-1]
_PLACES = tuple(dict.fromkeys(COMPANY_PLACES))
_FORMS = ("有限公司", "股份有限公司", "有限责任公司")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ADDRESS_NODE = 10**12
COMPANY_ADDRESS_NODE = 2 * 10**12

# Category of a primary person or a company.
DEBTOR, CREDITOR, NEUTRAL = 0, 1, 2


def mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def _org_code(value: int) -> str:
    """Eight characters and the GB 11714 check character of an organization code."""
    body = []
    for _ in range(8):
        value, r = divmod(value, 31)
        body.append(USCC_ALPHABET[r])
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "".join(body) + ("X" if check == 10 else "0" if check == 11 else str(check))


def social_credit_code(prefix: str, area: str, value: int) -> str:
    """A valid unified social credit code: registration + type (e.g. 91), area, organization code, check."""
    first17 = prefix + area + _org_code(value)
    return first17 + uscc_check_char(first17)


class Population:
    """Parties 0 … n−1 and their attributes; ``scenario_kinds`` gives the kind of each scenario-block party."""

    def __init__(self, n: int, seed: int, scenario_kinds: bytes) -> None:
        self.n = n
        self.key = mix(seed * 1_000_003 + 17)
        self.banks = min(len(BANK_NAMES) * len(BANK_BRANCHES), max(6, n // 400))
        self.firms0 = self.banks
        self.s0 = self.firms0 + len(ORGANIZATIONS)
        self.s1 = self.s0 + len(scenario_kinds)
        self.scenario_kinds = scenario_kinds
        rest = n - self.s1
        if rest < 60:
            raise ValueError(f"{n} parties are too few for the planted scenarios (need at least {self.s1 + 60})")
        companies = int(rest * 0.22)
        self.c0, self.c1 = self.s1, self.s1 + companies
        self.p0 = self.c1
        self.households = (n - self.p0 + 1) // 2

    # -- hashing -------------------------------------------------------------------------------------
    def h(self, i: int, salt: int) -> int:
        return mix(self.key ^ ((i * 0x9E3779B97F4A7C15 + salt * 0xD1B54A32D192ED03) & MASK))

    # -- blocks --------------------------------------------------------------------------------------
    def kind(self, i: int) -> str:
        if i < self.firms0:
            return COMPANY
        if i < self.s0:
            return ORGANIZATION
        if i < self.s1:
            return KINDS[self.scenario_kinds[i - self.s0]]
        return COMPANY if i < self.c1 else PERSON

    def category(self, i: int) -> int:
        """Debtor, creditor or neutral (background companies and primary persons only)."""
        if self.c0 <= i < self.c1:
            r = self.h(i, 7) % 100
            return DEBTOR if r < 50 else CREDITOR if r < 72 else NEUTRAL
        if i >= self.p0 and (i - self.p0) % 2 == 0:
            r = self.h(i, 7) % 100
            return DEBTOR if r < 80 else CREDITOR if r < 90 else NEUTRAL
        return NEUTRAL

    def household(self, i: int) -> int:
        """Household number (persons share its address); scenario persons live alone."""
        if i >= self.p0:
            return (i - self.p0) // 2
        return self.households + 1 + i

    def member(self, household: int, k: int) -> int | None:
        i = self.p0 + household * 2 + k
        return i if i < self.n else None

    def neutral_person(self, r: int) -> int:
        """A neutral person (the spouse member of a household) picked by the number ``r``."""
        hh = r % max(1, (self.n - self.p0) // 2)
        primary = self.p0 + hh * 2
        if (r >> 40) % 4 == 0 and self.category(primary) == NEUTRAL:
            return primary
        return primary + 1

    # -- persons -------------------------------------------------------------------------------------
    def male(self, i: int) -> bool:
        return bool(self.h(i, 1) & 1)

    def name(self, i: int) -> str:
        kind = self.kind(i)
        if kind == PERSON:
            return self._person_name(i)
        if i < self.firms0:
            return BANK_NAMES[i % len(BANK_NAMES)] + BANK_BRANCHES[(i // len(BANK_NAMES)) % len(BANK_BRANCHES)]
        if kind == ORGANIZATION and i < self.s0:
            return ORGANIZATIONS[i - self.firms0]
        return self._company_name(i)

    def _person_name(self, i: int) -> str:
        r = self.h(i, 2)
        surname = SURNAMES[bisect_right(_SURNAME_CUM, r % _SURNAME_TOTAL)][0]
        pool = GIVEN_MALE if self.male(i) else GIVEN_FEMALE
        r >>= 16
        first = pool[r % len(pool)]
        r >>= 8
        if r % 10 < 3:
            return surname + first
        r >>= 4
        second = (pool + GIVEN_COMMON)[r % (len(pool) + len(GIVEN_COMMON))]
        return surname + (second + first if r & 256 else first + second)

    def _company_name(self, i: int) -> str:
        x = (i * 1_000_033 + self.key) % (len(_PLACES) * len(COMPANY_WORDS) ** 2 * len(COMPANY_TRADES) * len(_FORMS))
        x, place = divmod(x, len(_PLACES))
        x, w1 = divmod(x, len(COMPANY_WORDS))
        x, w2 = divmod(x, len(COMPANY_WORDS))
        form, trade = divmod(x, len(COMPANY_TRADES))
        words = COMPANY_WORDS[w1] + ("" if w1 == w2 else COMPANY_WORDS[w2])
        return f"{_PLACES[place]}{words}{COMPANY_TRADES[trade]}{_FORMS[form]}"

    def id_number(self, i: int) -> str:
        """Resident id (persons) or unified social credit code (companies, organizations); unique per index."""
        kind = self.kind(i)
        if kind != PERSON:
            prefix = "91" if kind == COMPANY else "31"
            area = "310000" if i < self.s0 else "3101" + ("04", "09", "15", "06", "05", "12", "01", "10")[self.h(i, 3) % 8]
            return social_credit_code(prefix, area, (i * 528_491_723_459 + (self.key & 0xFFFFF)) % 31**8)
        x = (i * 1_000_003 + (self.key & 0xFFFFFF)) % _ID_SPACE
        x, day = divmod(x, _BIRTH_DAYS)
        seq, area = divmod(x, len(_UNIQUE_AREAS))
        birth = dt.date.fromordinal(_BIRTH_BASE + day)
        first17 = f"{_UNIQUE_AREAS[area]}{birth:%Y%m%d}{seq * 2 + (1 if self.male(i) else 0):03d}"
        return first17 + resident_check_char(first17)

    def birth(self, i: int) -> dt.date:
        x = (i * 1_000_003 + (self.key & 0xFFFFFF)) % _ID_SPACE
        return dt.date.fromordinal(_BIRTH_BASE + x % _BIRTH_DAYS)

    def phone(self, i: int) -> str:
        if self.kind(i) == PERSON:
            y = (i * 982_451_653 + (self.key & 0xFFFFFFF)) % (len(_MOBILE_PREFIXES) * 10**8)
            p, rest = divmod(y, 10**8)
            return f"{_MOBILE_PREFIXES[p]}{rest:08d}"
        y = (i * 15_485_867 + (self.key & 0xFFFFF)) % (2 * 10**7)
        return f"021{5 + y // 10**7}{y % 10**7:07d}"

    def address(self, i: int) -> str:
        if self.kind(i) == PERSON:
            hh = self.household(i)
            z = (hh * 104_729 + (self.key & 0xFFFF)) % (len(STREETS) * 999 * 60 * 120)
            z, street = divmod(z, len(STREETS))
            z, lane = divmod(z, 999)
            room, number = divmod(z, 60)
            return f"上海市{STREETS[street]}{lane + 1}弄{number + 1}号{room // 4 + 1}{room % 4 + 1:02d}室"
        z = (i * 130_363 + (self.key & 0xFFFF)) % (len(BUSINESS_STREETS) * 2000 * 40 * 600)
        z, street = divmod(z, len(BUSINESS_STREETS))
        z, number = divmod(z, 2000)
        room, building = divmod(z, 40)
        return f"上海市{BUSINESS_STREETS[street]}{number + 1}号{building + 1}幢{room // 6 + 1}{room % 6 + 1:02d}室"

    def nodes(self, i: int) -> tuple[int, int]:
        """Integer keys of the party's phone and address for the reference evaluator."""
        if self.kind(i) == PERSON:
            return int(self.phone(i)), ADDRESS_NODE + self.household(i)
        return int(self.phone(i)), COMPANY_ADDRESS_NODE + i

    def registered_on(self, i: int, as_of: dt.date) -> dt.date:
        return as_of - dt.timedelta(days=2300 + self.h(i, 4) % 7000)  # before any of its cases

    # -- company structure ----------------------------------------------------------------------------
    def legal_representative(self, company: int) -> int:
        return self.neutral_person(self.h(company, 11))

    def second_shareholder(self, company: int) -> int:
        """A second shareholder: often a holding company (a neutral one), otherwise a person."""
        r = self.h(company, 12)
        if r % 100 < 60 and self.c1 > self.c0:
            for k in range(8):
                candidate = self.c0 + self.h(company, 30 + k) % (self.c1 - self.c0)
                if candidate != company and self.category(candidate) == NEUTRAL:
                    return candidate
        return self.neutral_person(r >> 8)
