"""The catalogue: the detectors' metadata contract, typed parameters, user queries, read-only runs,
deployment overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from neo4j.exceptions import ClientError, Neo4jError

from graph_model.db import Graph
from queries.alerts import apply_detector_config, load_detector_config
from queries.alerts.run import DETECTOR_COLUMNS
from queries.registry import QueryError, Registry

DETECTORS = {
    "hidden_receivable": ("case", ["499", "45"]),
    "collusive_settlement": ("case", ["154", "法释〔2018〕3号", "313"]),
    "repeat_offender_employer": ("party", ["511", "514"]),
    "detained_debtor": ("case", ["第93条"]),
    "restriction_not_lifted": ("case", ["法释〔2017〕7号", "第10条", "第9条"]),
    "funds_not_disbursed": ("case", ["法发〔2017〕6号"]),
    "auction_delay": ("case", ["法释〔2016〕18号", "法释〔2018〕15号"]),
    "retrial_not_terminated": ("case", ["268"]),
    "bankrupt_unpaid_fees": ("case", ["（三）", "第1条"]),
    "suspicious_asset_transfer": ("case", ["538", "539"]),
    "terminated_case_assets": ("case", ["法〔2016〕373号", "第517条"]),
}
THRESHOLDS = {
    "collusive_settlement": {"max_settled_ratio": 0.5},
    "repeat_offender_employer": {"min_cases": 3, "window_days": 730, "controlling_share": 0.5},
    "restriction_not_lifted": {"working_days": 3, "holidays": []},
    "funds_not_disbursed": {"max_days": 30},
    "auction_delay": {"max_listing_days": 30, "max_open_days": 180},
    "retrial_not_terminated": {"grace_days": 30},
    "suspicious_asset_transfer": {"lookback_days": 365, "max_price_ratio": 0.7},
}


def test_every_detector_of_the_spec_with_its_metadata() -> None:
    registry = Registry()
    detectors = {q.name: q for q in registry.detectors()}
    assert set(detectors) == set(DETECTORS)
    for name, (alert_on, basis) in DETECTORS.items():
        q = detectors[name]
        assert q.alert_on == alert_on, name
        assert all(part in q.basis for part in basis), (name, q.basis)
        assert q.title_zh and q.title_en and q.severity in {"low", "medium", "high"}
        assert "Score" in q.description, f"{name}: the score formula belongs in the description"
        assert tuple(q.columns) == DETECTOR_COLUMNS
        as_of = q.parameters["as_of"]
        assert as_of.type == "date" and as_of.default == "today"
        assert q.bind({})["as_of"] == dt.date.today()
        for pname, default in THRESHOLDS.get(name, {}).items():
            assert q.parameters[pname].default == default, (name, pname)


def test_typed_parameters_are_converted_and_checked() -> None:
    q = Registry().get("restriction_not_lifted")
    bound = q.bind({"as_of": "2026年6月30日", "working_days": "5", "holidays": "2026-10-01;2026/10/2"})
    assert bound["as_of"] == dt.date(2026, 6, 30) and bound["working_days"] == 5
    assert bound["holidays"] == [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
    with pytest.raises(QueryError, match="holidays"):
        q.bind({"holidays": "2026-13-01"})
    with pytest.raises(QueryError, match="working_days"):
        q.bind({"working_days": "0"})
    with pytest.raises(QueryError, match="takes no parameter colour"):
        q.bind({"colour": "red"})
    assert q.parameters["holidays"].to_json()["default"] == []
    with pytest.raises(QueryError, match="no saved query or detector named"):
        Registry().get("nothing_here")


def test_investigators_save_and_run_their_own_query(graph: Graph, tmp_path: Path) -> None:
    graph.write("CREATE (:Party {uid: 'src:t:1', entity_id: 'src:t:1', kind: 'company', name: '甲公司'}), "
                "(:Party {uid: 'src:t:2', entity_id: 'src:t:2', kind: 'person', name: '乙'})")
    registry = Registry(user_dir=tmp_path / "queries")
    saved = registry.save_user_query(
        "parties_of_kind", "MATCH (p:Party {kind: $kind}) RETURN p.name AS name ORDER BY name LIMIT $limit",
        {"title": {"zh": "按类型查当事人", "en": "Parties of a kind"},
         "parameters": {"kind": {"type": "string", "required": True, "choices": ["person", "company"]},
                        "limit": {"type": "integer", "default": 10, "minimum": 1}}},
        author="investigator-7")
    assert saved.group == "user" and (tmp_path / "queries" / "parties_of_kind.yaml").is_file()
    again = Registry(user_dir=tmp_path / "queries")  # found again from the files
    assert again.get("parties_of_kind").author == "investigator-7"
    assert again.run(graph, "parties_of_kind", {"kind": "company"}) == [{"name": "甲公司"}]
    with pytest.raises(QueryError, match="needs parameter kind"):
        again.run(graph, "parties_of_kind", {})
    with pytest.raises(QueryError, match="not one of"):
        again.run(graph, "parties_of_kind", {"kind": "alien"})
    with pytest.raises(QueryError, match="built-in"):
        again.save_user_query("hidden_receivable", "RETURN 1 AS x", {"title": {"zh": "x", "en": "x"}}, "x")
    with pytest.raises(QueryError, match="undeclared parameters name"):
        again.save_user_query("by_name", "MATCH (p:Party {name: $name}) RETURN p", {"title": {"zh": "x", "en": "x"}}, "x")


def test_queries_run_read_only_and_with_a_timeout(graph: Graph, tmp_path: Path) -> None:
    registry = Registry(user_dir=tmp_path)
    registry.save_user_query("sneaky", "CREATE (p:Party {uid: $uid}) RETURN p.uid AS uid",
                             {"title": {"zh": "写入", "en": "write"}, "parameters": {"uid": {"type": "string"}}}, "x")
    with pytest.raises(ClientError):
        registry.run(graph, "sneaky", {"uid": "x"})
    assert graph.read("MATCH (p:Party) RETURN count(p) AS n")[0]["n"] == 0
    registry.save_user_query("slow", "UNWIND range(1, 50000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n",
                             {"title": {"zh": "慢", "en": "slow"}}, "x")
    with pytest.raises(Neo4jError) as cancelled:
        registry.run(graph, "slow", timeout=0.05)
    # the server cancelled it for the time limit (not any other database error)
    assert cancelled.value.code in ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                                    "Neo.ClientError.Transaction.TransactionTimedOut",
                                    "Neo.TransientError.Transaction.Terminated"), cancelled.value.code


def test_deployment_overrides_are_checked_and_applied(tmp_path: Path) -> None:
    path = tmp_path / "detectors.yaml"
    path.write_text("all:\n  holidays: ['2026-10-01']\n  open_statuses: [pending]\nauction_delay:\n  max_open_days: 90\n",
                    encoding="utf-8")
    registry = apply_detector_config(Registry(), load_detector_config(path), str(path))
    assert registry.get("auction_delay").bind({})["max_open_days"] == 90
    assert registry.get("restriction_not_lifted").bind({})["holidays"] == [dt.date(2026, 10, 1)]
    assert registry.get("hidden_receivable").bind({})["open_statuses"] == ["pending"]
    assert "open_statuses" not in registry.get("funds_not_disbursed").parameters  # `all` touches only declarers
    assert registry.get("auction_delay").bind({"max_open_days": 5})["max_open_days"] == 5  # explicit wins

    for text, message in (("auction_delay: {max_open_days: soon}", "auction_delay: parameter max_open_days"),
                          ("auction_dlay: {max_open_days: 3}", "no detector named 'auction_dlay'"),
                          ("auction_delay: {max_days: 3}", "no parameter 'max_days'"),
                          ("auction_delay: 3", "expected a mapping"),
                          ("[unclosed", "not valid YAML")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(QueryError, match=message) as info:
            apply_detector_config(Registry(), load_detector_config(path), str(path))
        assert str(path) in str(info.value)
