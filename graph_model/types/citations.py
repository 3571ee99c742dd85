"""Legal citations: one provision a detector rests on — law, revision, article, paragraph, item.

A judge checks the basis of an alert against the text of the rule, so each detector's yaml lists its
citations as data (queries/detectors/*.yaml, `citations:`), checked here once, and every place that
shows them (pages, API, JSONL, CLI) renders them with :meth:`Citation.text` — the same words everywhere.
A citation whose wording could not be checked against the rule's text says so (`verified: false`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

# "93", "276之一" (an inserted article), "45-53" (a run of articles)
ARTICLE = re.compile(r"^(\d{1,4})(之[一二三四五六七八九十])?$|^(\d{1,4})-(\d{1,4})$")
FIELDS = ("law", "short", "number", "revision", "article", "paragraph", "item", "verified", "note")


@dataclass(frozen=True)
class Citation:
    law: str  # the full name, e.g. 中华人民共和国民事诉讼法
    short: str  # the name judges use, e.g. 民诉法
    article: str
    number: str | None = None  # the document number, e.g. 法释〔2017〕7号
    revision: str | None = None  # the year of the revision in force, e.g. "2023"
    paragraph: int | None = None
    item: int | None = None
    verified: bool = True  # the wording was checked against the rule's text
    note: str = ""  # what a judge should know: "3 个工作日为管理期限" …

    def text(self) -> str:
        """'民诉法（2023年修正）第268条第1款第2项' — the one rendering of a citation."""
        edition = f"（{self.revision}年修正）" if self.revision else (f"（{self.number}）" if self.number else "")
        m = ARTICLE.match(self.article)
        assert m is not None
        article = f"第{m.group(1)}条{m.group(2) or ''}" if m.group(1) else f"第{m.group(3)}–{m.group(4)}条"
        para = f"第{self.paragraph}款" if self.paragraph else ""
        item = f"第{self.item}项" if self.item else ""
        return f"{self.short}{edition}{article}{para}{item}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "text": self.text()}


def clean_citation(raw: Any) -> Citation:
    """A citation from its yaml mapping; ValueError naming the field that is wrong."""
    if not isinstance(raw, dict):
        raise ValueError(f"a citation is a mapping of {', '.join(FIELDS)}, not {raw!r}")
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown citation field(s) {', '.join(sorted(unknown))}")
    for name in ("law", "short", "article"):
        if not isinstance(raw.get(name), str | int) or not str(raw[name]).strip():
            raise ValueError(f"citation needs {name}")
    article = str(raw["article"]).strip()
    if not ARTICLE.match(article):
        raise ValueError(f"citation article {article!r}: use 93, 276之一 or 45-53")
    for name in ("paragraph", "item"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ValueError(f"citation {name} {value!r}: a positive whole number")
    revision = raw.get("revision")
    if revision is not None and not re.fullmatch(r"\d{4}", str(revision)):
        raise ValueError(f"citation revision {revision!r}: the year, e.g. 2023")
    verified = raw.get("verified", True)
    if not isinstance(verified, bool):
        raise ValueError(f"citation verified {verified!r}: true or false")
    return Citation(law=str(raw["law"]).strip(), short=str(raw["short"]).strip(), article=article,
                    number=raw.get("number") or None, revision=str(revision) if revision is not None else None,
                    paragraph=raw.get("paragraph"), item=raw.get("item"), verified=verified,
                    note=str(raw.get("note") or "").strip())


def citations_text(citations: tuple[Citation, ...] | list[Citation]) -> str:
    """The citations as one line (the alert's `basis`), in their order."""
    return "；".join(c.text() for c in citations)
