"""Loads the project's own Cypher statements from .cypher files under queries/.

Library code never spells Cypher inline: it names a file here
(``statement("internal/reset")``) so every statement can be read, reviewed and
EXPLAINed on its own. Values always travel as parameters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).parent


@cache
def statement(name: str) -> str:
    """The text of ``queries/<name>.cypher``, without its leading // comment lines."""
    path = QUERIES_DIR / f"{name}.cypher"
    if not path.is_file():
        raise FileNotFoundError(f"no Cypher statement {name!r} at {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("//")):
        lines.pop(0)
    return "\n".join(lines).strip()
