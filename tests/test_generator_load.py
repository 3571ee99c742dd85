"""A generated messy dataset loads into the real Neo4j with exactly the rejects truth.json records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph_model.db import Graph
from loaders import load_export
from loaders.synthetic import generate


def test_messy_exports_load_with_the_recorded_rejects(graph: Graph, tmp_path: Path) -> None:
    truth = generate(tmp_path / "data", 1000, 31, dt.date(2024, 6, 28), exports=3, messy=True)
    for export in truth.exports:
        summary = load_export(graph, tmp_path / "data" / export["dir"], export["source"])
        assert summary.completed
        expected = truth.messy["bad_rows"][export["source"]]
        assert {name: f.rejected for name, f in summary.files.items() if f.rejected} == expected
        assert summary.rejected == sum(expected.values())
        invalid = [t for t in truth.messy["parties_with_invalid_id"] if t["source"] == export["source"]]
        assert summary.flagged == len(invalid) > 0
        assert summary.loaded == sum(export["rows"].values()) - summary.rejected
    parties = graph.read("MATCH (p:Party) RETURN count(p) AS n")[0]["n"]
    assert parties == truth.stats["expected_party_nodes"]
    cases = graph.read("MATCH (c:Case) WHERE c.loaded RETURN count(c) AS n")[0]["n"]
    assert cases == truth.stats["rows"]["cases"] - sum(b.get("cases", 0) for b in truth.messy["bad_rows"].values())
