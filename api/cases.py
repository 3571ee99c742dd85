"""Cases: detail with parties, origin chain, measures, payments, auctions and settlements."""

from __future__ import annotations

from typing import Any

from api.results import NotFound, run_saved
from graph_model.db import Graph
from graph_model.types.case_numbers import normalise_case_no
from queries.registry import QueryError


def case_detail(graph: Graph, case_no: str) -> dict[str, Any]:
    """One case as the case_detail saved query returns it; the number is normalised first (（）→ ())."""
    normalised = normalise_case_no(case_no)
    if not normalised:
        raise QueryError("empty case number", "case_no")
    rows = run_saved(graph, "case_detail", {"case_no": normalised})
    if not rows:
        raise NotFound(f"no case {normalised}")
    row = rows[0]
    row["origins"] = sorted(row["origins"], key=lambda c: (c["depth"], c["case_no"]))
    row["derived"] = sorted(row["derived"], key=lambda c: (c["depth"], c["case_no"]))
    return row
