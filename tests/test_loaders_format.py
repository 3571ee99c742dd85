"""The export format (loaders/export_format.yaml) against the graph model, the Cypher and the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph_model import docs
from graph_model.schema import MODEL
from graph_model.types.case_numbers import TYPE_KINDS
from loaders.format import export_format
from loaders.load import ROLE_TYPES
from queries.statements import QUERIES_DIR, statement

ROOT = Path(__file__).resolve().parent.parent
FMT = export_format()
# value type of the format → property type of the model it may land in
COMPATIBLE = {"text": "string", "id_number": "string", "case_no": "string", "enum": "string", "date": "date",
              "amount": "float", "share": "float", "list": "list<string>", "phones": "string", "addresses": "string"}


def _targets() -> list[tuple[str, str, str]]:
    return [(f.name, c.name, c.to) for f in FMT.files.values() for c in f.columns.values() if c.to]


@pytest.mark.parametrize(("file", "column", "to"), _targets())
def test_every_column_lands_in_a_declared_property_of_compatible_type(file: str, column: str, to: str) -> None:
    col = FMT.files[file].columns[column]
    owner, _, prop = to.partition(".")
    assert owner in MODEL.nodes or owner in MODEL.relationships, f"{file}.{column}: {owner} is not in the model"
    if not prop:  # the column makes a relationship of that type
        assert owner in MODEL.relationships
        return
    declared = MODEL.properties_of(owner)
    assert prop in declared, f"{file}.{column} → {to}: not declared in model.yaml"
    expected = COMPATIBLE[col.type]
    actual = declared[prop].type
    # party_id lands in the list Party.source_keys (as <source>:<party_id>)
    assert actual == expected or (actual == "list<string>" and expected == "string"), f"{to} is {actual}"


def test_every_enum_of_the_format_equals_the_model_enum() -> None:
    for enum in FMT.enums.values():
        if enum.model:
            label, _, prop = enum.model.partition(".")
            assert tuple(MODEL.properties_of(label)[prop].enum) == enum.values, enum.name
        assert set(enum.aliases.values()) <= set(enum.values), f"{enum.name}: an alias names no value"
    assert {v for v in TYPE_KINDS.values()} <= set(MODEL.properties_of("Case")["kind"].enum)
    assert set(FMT.enums["relation"].values) == set(MODEL.relation_types)
    for role, rtype in ROLE_TYPES.items():
        rel = MODEL.relationships[rtype]
        assert (rel.start, rel.end) == ("Party", "Case"), role


def test_every_column_of_a_file_is_used_and_the_load_order_respects_references() -> None:
    order = FMT.order
    assert order[:3] == ("parties", "cases", "case_parties") and set(FMT.required_files) == set(order[:3])
    for f in FMT.files.values():
        for c in f.columns.values():
            lands = c.to or c.party_ref or c.case_ref or c.asset_ref or (c.enum and c.enum.name in ("role", "relation"))
            assert lands, f"{f.name}.{c.name} lands nowhere in the graph"
            if c.asset_ref:
                assert order.index("assets") < order.index(f.name)
        for key in f.unique:
            assert key in f.columns


_BINDING = re.compile(r"[(\[](\w+):(\w+|\$\(row\.type\))")
_WRITE = re.compile(r"\b(\w+)\.(\w+)\s*=(?!=)")
# statements that write a relationship whose type comes from the row: the types it may be
_DYNAMIC = {"case_parties": set(ROLE_TYPES.values()),
            "relations": set(MODEL.relation_types.values()) - {"SHAREHOLDER_OF"}}


@pytest.mark.parametrize("name", sorted(p.stem for p in (QUERIES_DIR / "load").glob("*.cypher")))
def test_every_property_a_load_statement_writes_is_declared(name: str) -> None:
    """The static side of the mapping check: SET/ON CREATE SET targets of queries/load/*.cypher."""
    text = statement(f"load/{name}")
    bound: dict[str, set[str]] = {}
    for var, what in _BINDING.findall(text):
        bound[var] = _DYNAMIC[name] if what.startswith("$") else {what}
    clauses = re.split(r"\b(SET|MERGE|MATCH|WITH|UNWIND|RETURN|CALL)\b", text)
    set_text = " ".join(body for kw, body in zip(clauses[1::2], clauses[2::2], strict=True) if kw == "SET")
    writes = [(v, p) for v, p in _WRITE.findall(set_text) if v in bound]
    if name.startswith(("dump_", "source_")) or name in ("known_cases", "last_snapshot"):
        assert writes == [] and _WRITE.findall(set_text) == []
        return
    if name == "_asserted" or name.startswith("retire_"):  # the provenance of any element: model.yaml's `provenance`
        props = {p for _, p in _WRITE.findall(set_text)}
        assert props and props <= set(MODEL.provenance), props - set(MODEL.provenance)
        return
    assert writes, "a load statement that writes nothing?"
    for var, prop in writes:
        for owner in bound[var]:
            assert prop in MODEL.properties_of(owner), f"{name}: {owner}.{prop} is not declared in model.yaml"


def test_every_statement_the_loader_names_exists() -> None:
    source = (ROOT / "loaders" / "load.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(load/\w+)"', source))
    assert len(names) > 20
    for name in names:
        assert statement(name)


def test_docs_model_md_is_current() -> None:
    """Regenerate with `python -m graph_model.docs` when model.yaml changes."""
    assert (ROOT / "docs" / "model.md").read_text(encoding="utf-8") == docs.render()


def test_docs_export_format_covers_every_file_column_and_value() -> None:
    text = (ROOT / "docs" / "export-format.md").read_text(encoding="utf-8")
    for f in FMT.files.values():
        assert f"### {f.name}" in text, f.name
        section = text.split(f"### {f.name}", 1)[1].split("\n### ", 1)[0]
        for c in f.columns:
            assert f"`{c}`" in section, f"{f.name}.{c} is not documented"
    for enum in FMT.enums.values():
        for value in enum.values:
            assert f"`{value}`" in text, f"{enum.name} value {value} is not documented"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/export-format.md" in readme and "docs/model.md" in readme
