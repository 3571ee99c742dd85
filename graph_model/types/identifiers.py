"""Identity numbers: resident ids (GB 11643) and unified social credit codes (GB 32100-2015).

A number that fails its check is not a reason to lose a row: the loaders keep the
raw value, flag the party, and never use that value to match across exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph_model.types.text import clean_text, halfwidth

RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_check_char(first17: str) -> str:
    """The 18th character of a resident id computed from the first 17 digits."""
    return RESIDENT_CHECK[sum(int(c) * w for c, w in zip(first17, RESIDENT_WEIGHTS, strict=True)) % 11]


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code computed from the first 17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def resident_id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident id, or None when it is."""
    if len(value) != 18:
        return f"resident id must have 18 characters, has {len(value)}"
    if not value[:17].isdigit() or value[17] not in "0123456789X":
        return "resident id must be 17 digits and a digit or X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "resident id holds no valid birth date"
    if resident_check_char(value[:17]) != value[17]:
        return "resident id fails its GB 11643 check character"
    return None


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is."""
    if len(value) != 18:
        return f"social credit code must have 18 characters, has {len(value)}"
    bad = [c for c in value if c not in USCC_ALPHABET]
    if bad:
        return f"social credit code holds characters outside GB 32100 ({''.join(bad)})"
    if uscc_check_char(value[:17]) != value[17]:
        return "social credit code fails its GB 32100 check character"
    return None


def valid_resident_id(value: str) -> bool:
    return resident_id_problem(value) is None


def valid_social_credit_code(value: str) -> bool:
    return uscc_problem(value) is None


@dataclass(frozen=True)
class IdCheck:
    value: str | None  # cleaned value (upper case, half-width, no spaces); None when empty
    valid: bool
    problem: str | None = None


def clean_id_number(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    return halfwidth(text).replace(" ", "").upper()


def check_id_number(raw: Any, kind: str) -> IdCheck:
    """Clean an id_number and check it by the algorithm for the party's kind."""
    value = clean_id_number(raw)
    if value is None:
        return IdCheck(None, False)
    problem = resident_id_problem(value) if kind == "person" else uscc_problem(value)
    return IdCheck(value, problem is None, problem)


def birth_date(resident_id: str) -> dt.date | None:
    """Birth date held by a valid resident id (used by identity linking)."""
    try:
        return dt.date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
    except (ValueError, IndexError):
        return None


def sex(resident_id: str) -> str | None:
    """'M' or 'F' from the 17th digit of a resident id."""
    if len(resident_id) < 17 or not resident_id[16].isdigit():
        return None
    return "M" if int(resident_id[16]) % 2 else "F"
