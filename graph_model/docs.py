"""Writes docs/model.md, the readable table of the graph model, from graph_model/model.yaml.

``python -m graph_model.docs`` regenerates the file; a test fails when the
committed file differs from what this module renders, so the document cannot
drift from the declaration.
"""

from __future__ import annotations

import sys
from pathlib import Path

from graph_model.schema import MODEL, Model, Property

DOC_FILE = Path(__file__).resolve().parent.parent / "docs" / "model.md"


def _cell(text: str) -> str:
    """One table cell: on one line, pipes escaped, angle brackets shown (not read as HTML) outside `code`."""
    parts = " ".join(text.replace("|", "\\|").split()).split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def _flags(prop: Property) -> str:
    flags = []
    if prop.key:
        flags.append("key (unique)")
    elif prop.index:
        flags.append("indexed")
    if prop.enum:
        flags.append("one of: " + ", ".join(f"`{v}`" for v in prop.enum))
    return "; ".join(flags)


def _prop_table(props: dict[str, Property]) -> list[str]:
    lines = ["| property | type | | meaning |", "|---|---|---|---|"]
    for p in props.values():
        lines.append(f"| `{p.name}` | {p.type} | {_flags(p)} | {_cell(p.doc)} |")
    return lines


def render(model: Model = MODEL) -> str:
    """The whole of docs/model.md."""
    out = [
        "# The graph model",
        "",
        "<!-- Generated from graph_model/model.yaml by `python -m graph_model.docs`; do not edit by hand. -->",
        "",
        f"Model version {model.version}. Every label, relationship type and property the graph may hold is",
        "declared in `graph_model/model.yaml`; constraints and indexes are created from it by",
        "`debtgraph db migrate`, and the loaders are checked against it by the tests.",
        "",
        "## Provenance",
        "",
        "Every node and relationship written from a court export also carries (unless marked otherwise):",
        "",
        *_prop_table(model.provenance),
        "",
        "## Nodes",
        "",
        "| label | key | extra labels | provenance | meaning |",
        "|---|---|---|---|---|",
    ]
    for n in model.nodes.values():
        extra = ", ".join(n.extra_labels)
        out.append(f"| [{n.label}](#{n.label.lower()}) | `{n.key}` | {extra} | {'yes' if n.provenance else 'no'} "
                   f"| {_cell(n.doc)} |")
    for n in model.nodes.values():
        out += ["", f"### {n.label}", "", _cell(n.doc) or n.label, ""]
        if n.extra_labels:
            out += [f"Extra labels: {', '.join(f'`{lab}`' for lab in n.extra_labels)}.", ""]
        out += _prop_table(n.properties)
        for name, spec in n.fulltext.items():
            out += ["", f"Full-text index `{name}` on {', '.join(spec['properties'])} "
                        f"(analyzer `{spec.get('analyzer', 'standard-no-stop-words')}`)."]
    out += ["", "## Relationships", "",
            "| type | from | to | export relation | properties | provenance | meaning |",
            "|---|---|---|---|---|---|---|"]
    for r in model.relationships.values():
        props = ", ".join(f"`{p.name}` ({_cell(p.type)})" for p in r.properties.values())
        relation = f"`{r.relation}`" if r.relation else ""
        out.append(f"| `{r.type}` | {r.start} | {r.end} | {relation} | {props} | {'yes' if r.provenance else 'no'} "
                   f"| {_cell(r.doc)} |")
    enum_props = [(r.type, p) for r in model.relationships.values() for p in r.properties.values() if p.enum]
    if enum_props:
        out += ["", "Relationship properties with fixed values:", ""]
        out += [f"- `{t}.{p.name}`: {', '.join(f'`{v}`' for v in p.enum)}" for t, p in enum_props]
    return "\n".join(out) + "\n"


def main() -> None:
    DOC_FILE.parent.mkdir(parents=True, exist_ok=True)
    DOC_FILE.write_text(render(), encoding="utf-8")
    sys.stderr.write(f"wrote {DOC_FILE}\n")


if __name__ == "__main__":
    main()
