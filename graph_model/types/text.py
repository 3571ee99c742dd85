"""Plain text, phone numbers and addresses as the exports give them."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

EMPTY_MARKERS = {"", "-", "—", "－", "nan", "NaN", "None", "null", "NULL", "N/A"}


def is_empty(raw: Any) -> bool:
    """Empty cell: None, NaN, blank, or a dash."""
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return str(raw).strip() in EMPTY_MARKERS


def halfwidth(text: str) -> str:
    """Full-width ASCII forms (（）０-９Ａ-Ｚ and the ideographic space) to half-width."""
    return unicodedata.normalize("NFKC", text)


def clean_text(raw: Any) -> str | None:
    """Trimmed text, None when empty. Keeps Chinese characters as given."""
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # spreadsheets turn ids like 1001 into 1001.0
    return re.sub(r"\s+", " ", str(raw)).strip()


def clean_phone(raw: Any) -> str | None:
    """Digits only; +86/0086 dropped so that one phone is one node whoever wrote it."""
    text = clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"\D", "", halfwidth(text))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 5:
        raise ValueError("phone number has fewer than 5 digits")
    return digits


def clean_address(raw: Any) -> str | None:
    """Half-width, no spaces: the same address written twice meets in one node."""
    text = clean_text(raw)
    if text is None:
        return None
    return re.sub(r"\s+", "", halfwidth(text))


# Lucene's query syntax (the full-text indexes' query parser): its special characters, and its operator
# words when they stand alone between blanks (AND, OR, NOT; TO only inside a range, whose brackets are escaped).
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_OPERATOR = re.compile(r"(?<!\S)(AND|OR|NOT)(?!\S)")
MAX_SEARCH_CHARS = 200


def fulltext_query(raw: Any) -> str:
    """Text a user typed as a Lucene query that finds that text and nothing else.

    Every special character is escaped and the operator words AND/OR/NOT are escaped to plain words, so
    ``name:张伟 OR uid:*`` searches those words instead of reading fields and wildcards; the words are left
    to the index's analyzer (the cjk analyzer segments Chinese into bigrams). The one place search text
    becomes a full-text query. ValueError when empty or longer than MAX_SEARCH_CHARS characters.
    """
    text = re.sub(r"\s+", " ", "" if raw is None else str(raw)).strip()
    if not text:
        raise ValueError("empty search text")
    if len(text) > MAX_SEARCH_CHARS:
        raise ValueError(f"search text longer than {MAX_SEARCH_CHARS} characters")
    return _LUCENE_OPERATOR.sub(r"\\\1", _LUCENE_SPECIAL.sub(r"\\\1", text))
