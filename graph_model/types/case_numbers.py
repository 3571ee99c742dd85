"""Case numbers (案号): normalise and parse into year, court code, type code and sequence.

Court cases follow the Supreme People's Court rules, ``(2024)沪0104执1234号``;
labor arbitration awards look like ``徐劳人仲(2023)办字第123号`` and must load too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph_model.types.text import clean_text, halfwidth

_COURT = re.compile(r"^\((\d{4})\)(最高法|[\u4e00-\u9fff]\d*)([\u4e00-\u9fff]+?)(\d+)号$")
_AWARD = re.compile(r"^([\u4e00-\u9fff]+?)\((\d{4})\)([\u4e00-\u9fff]*?)第?(\d+)号$")

# 类型代字 → case kind, for cases whose export leaves `kind` empty.
TYPE_KINDS = {
    "执": "enforcement", "执恢": "enforcement", "执保": "enforcement", "执异": "enforcement",
    "执复": "enforcement", "执监": "enforcement",
    "民初": "civil", "民终": "civil", "民特": "civil", "民辖": "civil",
    "民再": "retrial", "民申": "retrial", "民监": "retrial",
    "破": "bankruptcy", "破申": "bankruptcy",
    "刑初": "criminal", "刑终": "criminal",
    "行初": "administrative", "行终": "administrative",
}


@dataclass(frozen=True)
class CaseNumber:
    case_no: str
    year: int | None = None
    court_code: str | None = None
    type_code: str | None = None
    seq: int | None = None
    kind: str | None = None  # derived from the type code; None when it says nothing


def normalise_case_no(raw: Any) -> str | None:
    """Half-width parentheses, no spaces; None when empty."""
    text = clean_text(raw)
    if text is None:
        return None
    text = halfwidth(text)  # （）→()
    return re.sub(r"\s+", "", text).replace("〔", "(").replace("〕", ")").replace("[", "(").replace("]", ")")


def parse_case_no(raw: Any) -> CaseNumber | None:
    """Parse a case number; a number of no known pattern still loads, unparsed."""
    case_no = normalise_case_no(raw)
    if case_no is None:
        return None
    m = _COURT.match(case_no)
    if m:
        year, court, type_code, seq = m.groups()
        return CaseNumber(case_no, int(year), court, type_code, int(seq), TYPE_KINDS.get(type_code))
    m = _AWARD.match(case_no)
    if m:
        prefix, year, _, seq = m.groups()
        kind = "labor_arbitration" if "仲" in prefix else None
        return CaseNumber(case_no, int(year), prefix, "劳人仲" if kind else prefix, int(seq), kind)
    return CaseNumber(case_no)
