"""The detectors on real loaded data: the hand-written seed stories, and a generated dataset checked
exactly against the independent oracle (alerts, scores, subjects, related records) and its planted stories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from oracle_helpers import check_exports

from graph_model.db import Graph
from loaders import load_export
from loaders.synthetic import generate
from queries.alerts import Alert, get_alert, run_detectors, store_runs
from queries.registry import Registry

SEED_STORIES = Path(__file__).parent / "fixtures" / "seed_stories"


def _load(graph: Graph, root: Path, exports: list[str], tmp_path: Path) -> None:
    for name in exports:
        load_export(graph, root / name, name, rejects=tmp_path / f"{name}.rejects.csv")


def _run_all(graph: Graph, as_of: dt.date) -> list[Alert]:
    runs = run_detectors(graph, Registry(), as_of=as_of)
    failed = {r.name: r.error for r in runs if not r.ok}
    assert not failed, failed
    return [a for r in runs for a in r.alerts]


def _truth_key(item: dict[str, Any]) -> tuple[str, str]:
    """Case-level alerts by case number; party-level ones by id_number (else the party's keys)."""
    if item["case_no"] is not None:
        return item["detector"], item["case_no"]
    keys = sorted(":".join(k) for k in item.get("party_keys") or [])
    return item["detector"], item.get("id_number") or ";".join(keys)


def _alert_key(alert: Alert, source_keys: dict[str, list[str]]) -> tuple[str, str]:
    if alert.case_no is not None:
        return alert.detector, alert.case_no
    return alert.detector, alert.id_number or ";".join(sorted(source_keys.get(alert.party_uid or "", [])))


def test_seed_stories_raise_exactly_the_expected_alerts(graph: Graph, tmp_path: Path) -> None:
    expected = json.loads((SEED_STORIES / "expected.json").read_text(encoding="utf-8"))
    _load(graph, SEED_STORIES, expected["exports"], tmp_path)
    as_of = dt.date.fromisoformat(expected["as_of"])
    alerts = _run_all(graph, as_of)
    got = {(a.detector, a.case_no, a.id_number) for a in alerts}
    assert got == {(e["detector"], e["case_no"], e["id_number"]) for e in expected["alerts"]}
    # every score exactly as computed by hand from the documented formulas (expected.json's score_why)
    assert {(a.detector, a.case_no): a.score for a in alerts} == \
        {(e["detector"], e["case_no"]): e["score"] for e in expected["alerts"]}

    by = {a.detector: a for a in alerts}
    # the evidence the stories name is in the alerts
    assert "(2023)沪0109执567号" in by["hidden_receivable"].related
    assert "张强" in by["collusive_settlement"].message
    assert "上海市女子监狱" in by["detained_debtor"].message
    employer = by["repeat_offender_employer"]
    assert employer.case_no is None and len([r for r in employer.related if "执" in r]) == 3
    assert "上海恒通装饰工程有限公司" in employer.message
    fees = by["bankrupt_unpaid_fees"]
    assert fees.related == ["(2022)沪0104民初5678号"] and "8650.00元" in fees.message and "2024-07-31" in fees.message
    assert by["restriction_not_lifted"].related == ["XH-M004"] and "孙丽" in by["restriction_not_lifted"].message
    funds = by["funds_not_disbursed"]
    assert funds.related == ["HK-PAY02"] and "60000元" in funds.message and "黄丽" in funds.message
    assert by["auction_delay"].related == ["XH-A001", "XH-AU01"] and "198天" in by["auction_delay"].message
    assert by["retrial_not_terminated"].related == ["(2022)沪0104民初9012号", "(2023)沪0104民再15号"]
    transfer = by["suspicious_asset_transfer"]
    assert transfer.related == ["HK-A01", "HK0012", "HK0013"] and "林峰" in transfer.message and "林晓" in transfer.message
    for a in alerts:
        assert 0 < a.score <= 1 and a.basis and a.message.endswith("。")

    # stored, each alert's evidence is a subgraph with the subject and the related cases in it
    store_runs(graph, run_detectors(graph, Registry(), as_of=as_of), as_of)
    _, evidence = get_alert(graph, f"hidden_receivable:{by['hidden_receivable'].case_no}")
    case_nos = {n.properties.get("case_no") for n in evidence.nodes.values()}
    assert {"(2023)沪0104执1234号", "(2023)沪0109执567号"} <= case_nos
    assert evidence.subject in evidence.nodes and evidence.relationships


@pytest.mark.slow
def test_generated_messy_dataset_equals_the_oracle(graph: Graph, tmp_path: Path) -> None:
    """Every alert of the independent oracle (loaders/synthetic/reference.py on the files read back), and no
    other, with its score, subject and related records exactly; the planted stories are among them."""
    as_of = dt.date(2026, 6, 30)
    truth = generate(tmp_path / "gen", 5000, 11, as_of, exports=3, messy=True).to_json()
    alerts, _ = check_exports(graph, [tmp_path / "gen" / e["dir"] for e in truth["exports"]], as_of, tmp_path)
    source_keys = {r["uid"]: r["keys"] for r in graph.read(
        "MATCH (p:Party) WHERE p.uid IN $uids RETURN p.uid AS uid, p.source_keys AS keys",
        {"uids": [a.party_uid for a in alerts if a.case_no is None]})}
    found = {_alert_key(a, source_keys) for a in alerts}
    planted = {(d, e["case_no"] or e["id_number"]) for d, items in truth["planted"].items() for e in items}
    decoys = {(d, e["case_no"] or e["id_number"]) for d, items in truth["decoys"].items() for e in items}
    assert planted <= found and not decoys & found
    assert {_truth_key(t) for t in truth["alerts"]} == found
