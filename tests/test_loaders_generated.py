"""The loader against the project's synthetic generator: the rows it plants as bad are exactly the rejected ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from graph_model.db import Graph
from loaders import load_export
from loaders.synthetic import generate


def test_messy_generated_exports_reject_exactly_the_planted_bad_rows(graph: Graph, tmp_path: Path) -> None:
    generate(tmp_path, parties=600, seed=11, as_of=dt.date(2025, 6, 30), exports=2, messy=True)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    expected = truth["messy"]["bad_rows"]
    for source, per_file in expected.items():
        summary = load_export(graph, tmp_path / source)
        rejected = {name: f.rejected for name, f in summary.files.items() if f.rejected}
        assert rejected == {name: n for name, n in per_file.items() if n}, source
        assert summary.completed and summary.loaded > 0
    # a valid id_number shared by both exports is one party node
    shared = graph.read("MATCH (p:Party) WHERE size(p.sources) > 1 RETURN count(p) AS n")[0]["n"]
    assert shared > 0
    assert graph.read("MATCH (p:Party) WHERE p.id_number IS NOT NULL AND NOT p.uid STARTS WITH 'id:' "
                      "RETURN count(p) AS n")[0]["n"] == 0
