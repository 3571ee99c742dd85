"""The Cypher detectors against the independent oracle, exactly: alerts, scores, subjects and related records.

Small random datasets of the generator (different seeds, sizes, export counts, clean and messy),
loaded into Neo4j, are checked against loaders/synthetic/reference.py evaluated on the same files
read back from disk (loaders/synthetic/readback.py) — at the generation date and weeks later, when
other deadlines have passed. Dense random exports (tests/random_exports.py) put every rule near its
thresholds, and the hand-written seed stories are checked the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from oracle_helpers import check_exports, differences
from random_exports import write_random_exports

from graph_model.db import Graph
from loaders.synthetic import generate
from loaders.synthetic.readback import evaluate_exports
from loaders.synthetic.reference import DETECTORS
from queries.alerts import run_detectors
from queries.registry import Registry

SEED_STORIES = Path(__file__).parent / "fixtures" / "seed_stories"


@pytest.mark.slow
@pytest.mark.parametrize(("parties", "seed", "exports", "messy", "as_of"), [
    (300, 21, 1, False, dt.date(2024, 6, 28)),
    (500, 22, 2, True, dt.date(2025, 1, 6)),
    (800, 23, 3, True, dt.date(2025, 11, 29)),
    (600, 24, 4, False, dt.date(2023, 3, 15)),
])
def test_detectors_equal_the_oracle_on_small_random_datasets(graph: Graph, tmp_path: Path, parties: int, seed: int,
                                                              exports: int, messy: bool, as_of: dt.date) -> None:
    truth = generate(tmp_path / "gen", parties, seed, as_of, exports=exports, messy=messy)
    dirs = [tmp_path / "gen" / e["dir"] for e in truth.exports]
    alerts, _ = check_exports(graph, dirs, as_of, tmp_path)
    assert {a.detector for a in alerts} == set(DETECTORS)  # every rule is exercised, the match is not vacuous
    # Weeks later other deadlines have passed (nothing in the data is dated after the generation date).
    for later in (9, 45):
        day = as_of + dt.timedelta(days=later)
        runs = run_detectors(graph, Registry(), as_of=day)
        assert all(r.ok for r in runs)
        diffs = differences(graph, [a for r in runs for a in r.alerts], evaluate_exports(dirs, day))
        assert not diffs, f"as_of {day}: {len(diffs)} differences from the oracle:\n" + "\n".join(diffs[:30])


@pytest.mark.parametrize("seed", range(8))
def test_detectors_equal_the_oracle_on_dense_random_exports(graph: Graph, tmp_path: Path, seed: int) -> None:
    """Few parties in many cases, shared phones and addresses, dates around every threshold."""
    as_of = dt.date(2025, 3, 14) + dt.timedelta(days=seed * 3)  # another weekday each time
    dirs = write_random_exports(tmp_path / "x", seed, as_of)
    alerts, back = check_exports(graph, dirs, as_of, tmp_path)
    assert len(alerts) >= 30 and not any(back.rejects.values())


def test_seed_stories_equal_the_oracle(graph: Graph, tmp_path: Path) -> None:
    expected = json.loads((SEED_STORIES / "expected.json").read_text(encoding="utf-8"))
    dirs = [SEED_STORIES / name for name in expected["exports"]]
    as_of = dt.date.fromisoformat(expected["as_of"])
    check_exports(graph, dirs, as_of, tmp_path)
