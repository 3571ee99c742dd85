"""Shares: 0.35, 35%, 35 (values above 1 are percent) → fraction 0..1."""

from __future__ import annotations

import math
from typing import Any

from graph_model.types.text import clean_text, halfwidth


def clean_share(raw: Any) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        value = float(raw)
    else:
        text = clean_text(raw)
        if text is None:
            return None
        text = halfwidth(text).replace(" ", "")
        percent = text.endswith("%")
        try:
            value = float(text.removesuffix("%"))
        except ValueError:
            raise ValueError("not a share (use 0.35, 35% or 35)") from None
        if not math.isfinite(value):
            raise ValueError("not a share (use 0.35, 35% or 35)")
        if percent:
            value /= 100
        elif value > 1:  # a bare number above 1 is a percentage; "150%" stays 1.5 and is refused below
            value /= 100
        return _fraction(value)
    if value > 1:
        value /= 100
    return _fraction(value)


def _fraction(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError("share outside 0..100%")
    return round(value, 6)
