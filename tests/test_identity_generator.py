"""The generator of identity test data plants what it says it plants (no database needed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from graph_model.types import check_id_number
from graph_model.types.names import name_pinyin, normalise_name
from loaders.synthetic.identity import IdentityTruth, generate_identity


def _rows(out: Path) -> dict[str, list[dict[str, str]]]:
    """uid the loader will give → the parties rows naming it (with their source)."""
    rows: dict[str, list[dict[str, str]]] = {}
    for source_dir in sorted(p for p in out.iterdir() if p.is_dir()):
        with (source_dir / "parties.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                check = check_id_number(row["id_number"], row["kind"])
                uid = f"id:{check.value}" if check.valid else f"src:{source_dir.name}:{row['party_id']}"
                rows.setdefault(uid, []).append({**row, "source": source_dir.name})
    return rows


def test_planted_variants_are_what_they_claim(tmp_path: Path) -> None:
    truth = generate_identity(tmp_path, persons=200, companies=60, seed=3)
    assert IdentityTruth.from_json(json.loads((tmp_path / "identity_truth.json").read_text("utf-8"))).pairs() \
        == truth.pairs()
    rows = _rows(tmp_path)
    assert set(truth.entity_of) <= set(rows)
    by_key: dict[str, list[str]] = {}
    for uid, key in truth.entity_of.items():
        by_key.setdefault(key, []).append(uid)
    kinds: set[str] = set()
    changed = 0
    for uid, how in truth.variants.items():
        if "id valid" in how:
            continue  # the copy is the original's node: nothing to compare
        (row,) = rows[uid]
        originals = [o for u in by_key[truth.entity_of[uid]] if u != uid for o in rows[u]]
        kinds.update(how)
        if "id typo" in how:
            assert row["id_number"] and not check_id_number(row["id_number"], row["kind"]).valid
        if "id missing" in how:
            assert row["id_number"] == ""
        if "name traditional" in how:  # some names have no traditional form: then the copy is unchanged
            assert any(normalise_name(o["name"], o["kind"]) == normalise_name(row["name"], row["kind"])
                       for o in originals)
            changed += any(o["name"] != row["name"] for o in originals)
        if "name homophone" in how and all(o["name"] != row["name"] for o in originals):
            assert any(name_pinyin(normalise_name(o["name"]), "person") ==
                       name_pinyin(normalise_name(row["name"]), "person") for o in originals)
        if "name llc" in how:
            assert row["name"].endswith("有限责任公司")
        if "name bracket" in how:
            assert "（" in row["name"]
        if "phone" in how:
            assert any(set(o["phone"].split(";")) & set(row["phone"].split(";")) for o in originals)
    assert changed > 5
    assert {"id typo", "id missing", "name traditional", "name homophone", "name llc", "name bracket",
            "name city"} <= kinds
    # look-alikes: one common name, different people, different valid ids where they have one
    assert truth.lookalikes
    for group in truth.lookalikes:
        assert len({truth.entity_of[u] for u in group}) > 1
        valid = [u for u in group if u.startswith("id:")]
        assert len(valid) == len(set(valid))


def test_same_seed_same_data(tmp_path: Path) -> None:
    a = generate_identity(tmp_path / "a", persons=80, companies=20, seed=5)
    b = generate_identity(tmp_path / "b", persons=80, companies=20, seed=5)
    assert a.entity_of == b.entity_of
    assert (tmp_path / "a" / "court-b" / "parties.csv").read_bytes() == \
        (tmp_path / "b" / "court-b" / "parties.csv").read_bytes()
