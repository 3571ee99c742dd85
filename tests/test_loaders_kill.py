"""A load killed with SIGKILL mid-way, then run again, leaves exactly the graph of one clean load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_loaders_support import dump, kill_when

from graph_model.db import Graph
from graph_model.types.identifiers import resident_check_char, uscc_check_char
from loaders import load_export

PARTIES = 1800


def _write_export(root: Path) -> Path:
    """An export big enough to take a few seconds: persons and companies sharing phones and addresses."""
    export = root / "court_k"
    export.mkdir()
    parties = ["party_id,kind,name,id_number,phone,address"]
    for i in range(PARTIES):
        if i % 3 == 0:
            first17 = f"91310104MA{i:07d}"
            first17 = first17.replace("I", "1")
            parties.append(f"K{i},company,公司{i},{first17}{uscc_check_char(first17)},021{i % 500:08d},地址{i % 700}号")
        else:
            first17 = f"310104{1950 + i % 50}0{1 + i % 9}1{i % 10}{i % 1000:03d}"
            id_number = first17 + resident_check_char(first17) if i % 7 else "310104199001011230"  # some invalid
            parties.append(f"K{i},person,人{i},{id_number},138{i % 900:08d};139{i:08d},地址{i % 700}号")
    (export / "parties.csv").write_text("\n".join(parties) + "\n", encoding="utf-8")
    cases = ["case_no,filed_on,status,amount,amount_paid,origin_case_no"]
    links = ["case_no,party_id,role"]
    for c in range(PARTIES // 2):
        origin = f"(2023)沪0104民初{c}号" if c % 2 else ""
        cases.append(f"(2024)沪0104执{c}号,2024-01-{1 + c % 28:02d},pending,{1000 + c},{c % 100},{origin}")
        links.append(f"(2024)沪0104执{c}号,K{(2 * c) % PARTIES},applicant")
        links.append(f"(2024)沪0104执{c}号,K{(2 * c + 1) % PARTIES},respondent")
    (export / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    (export / "case_parties.csv").write_text("\n".join(links) + "\n", encoding="utf-8")
    relations = ["from_id,to_id,relation,share"]
    relations += [f"K{i + 1},K{i},shareholder,{10 + i % 80}%" for i in range(0, PARTIES - 1, 3)]
    (export / "relations.csv").write_text("\n".join(relations) + "\n", encoding="utf-8")
    return export


def _count(graph: Graph, label: str) -> int:
    return graph.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]


@pytest.mark.slow
def test_killed_load_then_rerun_equals_one_clean_load(graph: Graph, tmp_path: Path) -> None:
    export = _write_export(tmp_path)
    env = {**os.environ, "DEBTGRAPH_BATCH_SIZE": "60"}  # many small transactions: a kill lands between or in one
    cli = [sys.executable, "-c", "from api.cli import main; main()", "load", str(export), "--json",
           "--rejects", str(tmp_path / "r.csv")]
    proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    kill_when(proc, lambda: _count(graph, "Case") >= 1)  # parties are in, cases under way
    interrupted = graph.read("MATCH (e:Export {source: 'court_k'}) RETURN e.completed AS done")
    assert interrupted == [{"done": False}]  # the record shows the load did not finish
    partial = graph.counts()

    summary = load_export(graph, export)
    assert summary.completed and summary.rejected == 0
    rerun = dump(graph)

    graph.reset()
    clean = load_export(graph, export)
    assert clean.loaded == summary.loaded
    assert dump(graph) == rerun
    full = graph.counts()
    assert 0 < partial["relationships"] < full["relationships"]  # the kill really landed mid-way
    assert _count(graph, "Party") > 0.9 * PARTIES and _count(graph, "Case") == PARTIES // 2 + PARTIES // 4
