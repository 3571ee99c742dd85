"""Lists: `;` or full-width `；` separated."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graph_model.types.text import clean_text


def clean_list(raw: Any, item: Callable[[Any], str | None] = clean_text) -> list[str]:
    """Split on ; or ；, clean each item, drop empty ones and repeats (order kept)."""
    text = clean_text(raw)
    if text is None:
        return []
    seen: dict[str, None] = {}
    for part in re.split(r"[;；]", text):
        value = item(part)
        if value:
            seen.setdefault(value, None)
    return list(seen)
