"""The synthetic generator: deterministic, complete, valid per the export format, truth that holds.

Small datasets (1k–5k parties, seconds). The truth is checked two ways: against what
the generator planted (every planted scenario alerts, no decoy does) and against
the exports read back from disk by an independent strict reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph_model.types import check_id_number, clean_amount, clean_date, parse_case_no
from loaders.synthetic import generate
from loaders.synthetic.generator import Truth
from loaders.synthetic.readback import ENUMS, evaluate_exports, read_csv
from loaders.synthetic.reference import DETECTORS
from loaders.synthetic.writer import FILES

AS_OF = dt.date(2024, 6, 28)


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _keys(alerts: list[dict]) -> set[tuple[str, str | None, str | None]]:
    return {(a["detector"], a["case_no"], a["id_number"]) for a in alerts}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    root = tmp_path_factory.mktemp("clean")
    return root, generate(root, 3000, 11, AS_OF, exports=4)


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    root = tmp_path_factory.mktemp("messy")
    return root, generate(root, 3000, 12, AS_OF, exports=3, messy=True)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for messy_flag in (False, True):
        a, b, c = tmp_path / f"a{messy_flag}", tmp_path / f"b{messy_flag}", tmp_path / f"c{messy_flag}"
        generate(a, 1000, 5, AS_OF, exports=2, messy=messy_flag)
        generate(b, 1000, 5, AS_OF, exports=2, messy=messy_flag)
        generate(c, 1000, 6, AS_OF, exports=2, messy=messy_flag)
        assert _digest(a) == _digest(b)
        assert _digest(a)["sh0104-xuhui/cases.csv"] != _digest(c)["sh0104-xuhui/cases.csv"]


def test_every_file_of_the_format_is_present_and_populated(clean: tuple[Path, Truth]) -> None:
    root, truth = clean
    assert [e["source"] for e in truth.exports] == ["sh0104-xuhui", "sh0109-hongkou", "sh0115-pudong", "sh03-third-intermediate"]
    for export in truth.exports:
        for name, columns in FILES.items():
            path = root / export["dir"] / f"{name}.csv"
            rows = read_csv(path)
            assert rows, f"{path} has no rows"
            assert tuple(rows[0].keys()) == columns
    assert json.loads((root / "truth.json").read_text(encoding="utf-8"))["counts"] == truth.counts()


def test_clean_dataset_is_valid_row_by_row(clean: tuple[Path, Truth]) -> None:
    root, truth = clean
    for export in truth.exports:
        d = root / export["dir"]
        parties = read_csv(d / "parties.csv")
        defined = {p["party_id"] for p in parties}
        assert len(defined) == len(parties)
        for p in parties:
            assert check_id_number(p["id_number"], p["kind"]).valid, p
        cases = read_csv(d / "cases.csv")
        case_nos = {c["case_no"] for c in cases}
        assert len(case_nos) == len(cases)
        origins = {c["origin_case_no"] for c in cases if c["origin_case_no"]}
        for c in cases:
            parsed = parse_case_no(c["case_no"])
            assert parsed.kind == c["kind"] or (c["kind"] == "labor_arbitration" and parsed.type_code == "劳人仲"), c
            assert parsed.court_code is not None
            filed = clean_date(c["filed_on"])
            assert filed <= AS_OF
            if c["closed_on"]:
                assert filed <= clean_date(c["closed_on"]) <= AS_OF
            clean_amount(c["amount"])
            clean_amount(c["amount_paid"])
        for name, columns in FILES.items():
            for row in read_csv(d / f"{name}.csv"):
                for column in columns:
                    if column.endswith("_id") and column not in ("asset_id", "measure_id", "payment_id", "auction_id") and row[column]:
                        assert row[column] in defined, (name, column, row)
                    if column == "case_no" and name != "cases":
                        assert row[column] in case_nos, (name, row)
                    if column.endswith("_on") or column in ("since", "until", "claims_deadline"):
                        value = clean_date(row[column])
                        assert value is None or value <= AS_OF or column in ("end_on", "claims_deadline"), (name, row)
        assert origins - case_nos  # some origins live in no export: the link completes later
    back = evaluate_exports([root / e["dir"] for e in truth.exports], AS_OF)
    assert all(not c for c in back.rejects.values()) and not any(back.invalid_ids.values())


def test_realistic_court_data(clean: tuple[Path, Truth]) -> None:
    root, truth = clean
    enforcement = Counter()
    surnames = Counter()
    amounts = []
    for export in truth.exports:
        d = root / export["dir"]
        for c in read_csv(d / "cases.csv"):
            parsed = parse_case_no(c["case_no"])
            if parsed.type_code == "劳人仲":
                assert c["case_no"].split("劳人仲")[0] in "徐虹浦静长闵黄杨普宝嘉松青奉金崇"
                assert "办字第" in c["case_no"]
            elif parsed.type_code in ("执", "执恢"):
                assert parsed.court_code == export["court_code"]
                enforcement[c["status"]] += 1
                amounts.append(clean_amount(c["amount"]))
            if parsed.type_code == "破":
                assert c["claims_deadline"]
        for p in read_csv(d / "parties.csv"):
            if p["kind"] == "person":
                surnames[p["name"][0]] += 1
                assert p["id_number"][:2] in ("31", "32", "33", "34", "36", "37", "41", "42", "43", "51", "52")
                assert 1950 <= int(p["id_number"][6:10]) <= AS_OF.year - 18  # adults
    total = sum(enforcement.values())
    assert 0.30 <= enforcement["terminated_no_assets"] / total <= 0.50
    assert {"concluded", "pending", "settled", "suspended", "withdrawn", "terminated"} <= set(enforcement)
    amounts.sort()
    assert amounts[0] >= 1000 and amounts[-1] >= 1_000_000 and 10_000 <= amounts[len(amounts) // 2] <= 500_000
    assert {s for s, _ in surnames.most_common(5)} & {"王", "李", "张", "刘", "陈"}


def test_truth_holds_every_planted_scenario_and_no_decoy(clean: tuple[Path, Truth]) -> None:
    _, truth = clean
    alerts = {(a["detector"], a["case_no"] or a["id_number"]) for a in truth.alerts}
    for detector in DETECTORS:
        assert truth.planted[detector], detector
        assert truth.decoys[detector], detector
        for item in truth.planted[detector]:
            assert (detector, item["case_no"] or item["id_number"]) in alerts, (detector, item)
        for item in truth.decoys[detector]:
            assert (detector, item["case_no"] or item["id_number"]) not in alerts, (detector, item)
    assert truth.accidental == []  # the background is built not to alert; any accident would be listed here
    subjects = [a for a in truth.alerts if a["detector"] != "repeat_offender_employer"]
    assert all(a["party_keys"] for a in subjects)


def test_scenarios_cross_exports(clean: tuple[Path, Truth]) -> None:
    _, truth = clean
    crossing = [a for a in truth.alerts if len({k[0] for k in a["party_keys"]}) > 1]
    assert {a["detector"] for a in crossing} >= {"hidden_receivable", "collusive_settlement", "repeat_offender_employer",
                                                  "bankrupt_unpaid_fees", "detained_debtor"}


def test_truth_equals_the_exports_read_back_from_disk(clean: tuple[Path, Truth], messy: tuple[Path, Truth]) -> None:
    """The round trip: the oracle fed by the generator's records in memory and the oracle fed by the files read
    back with a strict reader raise the same alerts on the same parties — the files say what the generator meant."""
    for root, truth in (clean, messy):
        back = evaluate_exports([root / e["dir"] for e in truth.exports], AS_OF)
        assert _keys(back.alerts) == _keys(truth.alerts)
        by_key = {(a["detector"], a["case_no"], a["id_number"]): sorted(map(tuple, a["party_keys"])) for a in truth.alerts}
        for a in back.alerts:
            assert sorted(map(tuple, a["party_keys"])) == by_key[(a["detector"], a["case_no"], a["id_number"])]


def test_the_oracle_on_the_files_raises_the_planted_stories_and_no_decoy(clean: tuple[Path, Truth],
                                                                         messy: tuple[Path, Truth]) -> None:
    """Planting (scenarios.py, with its own date arithmetic) and the oracle (reference.py) share no rule code:
    the oracle on the files read back raises every planted story, no decoy, and nothing else."""
    for root, truth in (clean, messy):
        back = evaluate_exports([root / e["dir"] for e in truth.exports], AS_OF)
        raised = {(a["detector"], a["case_no"] or a["id_number"]) for a in back.alerts}
        planted = {(d, e["case_no"] or e["id_number"]) for d, items in truth.planted.items() for e in items}
        decoys = {(d, e["case_no"] or e["id_number"]) for d, items in truth.decoys.items() for e in items}
        assert planted <= raised, sorted(planted - raised)[:5]
        assert not decoys & raised, sorted(decoys & raised)[:5]
        assert raised == planted  # the background raises nothing by accident


def test_planted_counts_scale_with_parties(tmp_path: Path) -> None:
    small = generate(tmp_path / "s", 1000, 3, AS_OF, exports=2)
    large = generate(tmp_path / "l", 8000, 3, AS_OF, exports=2)
    for detector in DETECTORS:
        variants = small.scenarios[detector]["planted"]  # every variant once at 1k parties
        assert large.scenarios[detector]["planted"] == max(variants, 8)
        assert large.scenarios[detector]["decoys"] >= 8
        assert len(large.planted[detector]) >= large.scenarios[detector]["planted"] > len(small.planted[detector]) // 2
        assert large.counts()[detector] >= 8
    assert large.stats["distinct_parties"] > 5 * small.stats["distinct_parties"]


def test_messy_dataset_has_exactly_the_recorded_bad_rows(messy: tuple[Path, Truth]) -> None:
    root, truth = messy
    back = evaluate_exports([root / e["dir"] for e in truth.exports], AS_OF)
    assert {s: dict(c) for s, c in back.rejects.items()} == truth.messy["bad_rows"]
    assert sum(sum(c.values()) for c in back.rejects.values()) == truth.messy["bad_rows_total"]
    classes = {reason.split(":")[1].strip() for _, _, _, reason in back.reasons}
    assert any("missing required value" in c for c in classes)
    assert any("unknown enum" in c for c in classes)
    assert any("not defined in this export" in c for c in classes)
    assert any("unknown case" in c for c in classes)
    assert any("not a calendar date" in c for c in classes) and any("not an amount" in c for c in classes)
    invalid = Counter(t["source"] for t in truth.messy["parties_with_invalid_id"])
    assert back.invalid_ids == {e["source"]: invalid.get(e["source"], 0) for e in truth.exports}
    assert truth.messy["parties_without_id"]
    assert truth.messy["cross_export_duplicates"]["count"] > 0


def test_messy_values_take_every_accepted_form(messy: tuple[Path, Truth]) -> None:
    root, truth = messy
    encodings = {e["source"]: e["encoding"] for e in truth.exports}
    assert set(encodings.values()) == {"utf-8", "gb18030", "utf-8-sig"}
    gb = next(root / s for s, enc in encodings.items() if enc == "gb18030")
    with pytest.raises(UnicodeDecodeError):
        (gb / "parties.csv").read_bytes().decode("utf-8")
    text = "".join((root / e["dir"] / f).read_bytes().decode(e["encoding"]) for e in truth.exports
                   for f in ("cases.csv", "payments.csv", "measures.csv"))
    assert "（" in text and "万" in text and "年" in text and "/" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert any(len(r) > 4 and r[4].isdigit() and len(r[4]) == 8 for r in rows)  # 20240305
    assert any(" " in r[0] for r in rows if r and "执" in r[0])  # spaces inside case numbers


def test_cli_generate(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--parties", "1000", "--seed", "2", "--as-of", "2024-06-28",
                                      "--out", str(tmp_path / "g"), "--exports", "2", "--encoding", "gb18030"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "g" / "truth.json").read_text(encoding="utf-8"))
    assert truth["as_of"] == "2024-06-28" and len(truth["exports"]) == 2
    assert all(e["encoding"] == "gb18030" for e in truth["exports"])
    bad = CliRunner().invoke(app, ["generate", "--parties", "1000", "--seed", "2", "--as-of", "June", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "--as-of" in bad.output


def test_every_enum_value_of_the_format_appears(clean: tuple[Path, Truth]) -> None:
    root, truth = clean
    columns = {
        "party_kind": ("parties", "kind"), "party_status": ("parties", "status"), "case_kind": ("cases", "kind"),
        "case_status": ("cases", "status"), "outcome": ("cases", "outcome"), "role": ("case_parties", "role"),
        "relation": ("relations", "relation"), "asset_kind": ("assets", "kind"), "measure_kind": ("measures", "kind"),
        "auction_result": ("auctions", "result"), "detention_kind": ("detentions", "kind"),
    }
    for enum, (file, column) in columns.items():
        seen = {row[column] for e in truth.exports for row in read_csv(root / e["dir"] / f"{file}.csv")} - {""}
        assert seen == ENUMS[enum], (enum, ENUMS[enum] - seen)


def test_encoding_option_writes_bom_or_gb18030(tmp_path: Path) -> None:
    generate(tmp_path / "sig", 400, 1, AS_OF, exports=1, encoding="utf-8-sig")
    generate(tmp_path / "gb", 400, 1, AS_OF, exports=1, encoding="gb18030")
    assert (tmp_path / "sig" / "sh0104-xuhui" / "parties.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    gb = (tmp_path / "gb" / "sh0104-xuhui" / "parties.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert read_csv(tmp_path / "gb" / "sh0104-xuhui" / "parties.csv") == read_csv(tmp_path / "sig" / "sh0104-xuhui" / "parties.csv")


def test_a_rerun_with_fewer_exports_leaves_no_stale_export(tmp_path: Path) -> None:
    generate(tmp_path, 400, 1, AS_OF, exports=3)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    generate(tmp_path, 400, 1, AS_OF, exports=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "sh0104-xuhui", "truth.json"]
