"""Amounts in yuan: 1234.5, 1,234.50, 12.5万 (= 125000); `-` or empty = unknown."""

from __future__ import annotations

import math
import re
from typing import Any

from graph_model.types.text import clean_text, halfwidth

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_UNITS = {"万": 10_000.0, "亿": 100_000_000.0, "元": 1.0}


def clean_amount(raw: Any) -> float | None:
    """Yuan as float, None when unknown; ValueError for anything else."""
    if isinstance(raw, bool):
        raise ValueError("not an amount")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        return float(raw)
    text = clean_text(raw)
    if text is None:
        return None
    text = halfwidth(text).replace(",", "").replace(" ", "").replace("¥", "").replace("￥", "")
    factor = 1.0
    if text.endswith("万元"):
        text = text[:-1]
    if text and text[-1] in _UNITS:
        factor = _UNITS[text[-1]]
        text = text[:-1]
    if not _NUMBER.match(text):
        raise ValueError("not an amount (use 1234.5, 1,234.50 or 12.5万)")
    return round(float(text) * factor, 2)
