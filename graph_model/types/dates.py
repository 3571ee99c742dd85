"""Dates in every form the exports use: 2024-03-05, 2024/3/5, 2024年3月5日, 20240305."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from graph_model.types.text import clean_text, halfwidth

_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
]


def clean_date(raw: Any) -> dt.date | None:
    """A date, None when empty; ValueError naming the problem otherwise."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if hasattr(raw, "to_pydatetime"):  # pandas Timestamp from xlsx/parquet
        return raw.to_pydatetime().date()
    text = clean_text(raw)
    if text is None:
        return None
    text = halfwidth(text).strip()
    stamp = re.match(r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2})[T ]+\d{1,2}:\d{2}", text)
    if stamp:  # a timestamp: keep its day
        text = stamp.group(1)
    text = text.replace(" ", "")
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"not a calendar date ({exc})") from None
    raise ValueError("not a date (use 2024-03-05, 2024/3/5, 2024年3月5日 or 20240305)")


# The days a date filter may name (alerts' since/until …): wide enough for any court record, and far enough from
# the ends of the calendar that "until that day, inclusive" (the next midnight) still exists.
FILTER_DAYS = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def check_filter_day(day: dt.date | None, field: str) -> dt.date | None:
    """`day` when it lies within FILTER_DAYS (None passes); ValueError naming `field` otherwise."""
    if day is None:
        return None
    low, high = FILTER_DAYS
    if not low <= (day.date() if isinstance(day, dt.datetime) else day) <= high:
        raise ValueError(f"{field}: {day.isoformat()} is outside the dates a filter may name "
                         f"({low.isoformat()} … {high.isoformat()})")
    return day
