"""Network analytics for the API: :mod:`queries.network` with an unknown party as NotFound (HTTP 404).

The analyses name parties by uid, id_number or ``<source>:<party_id>`` and raise NetworkError for any
refusal; the API tells "no such party" (404) apart from "cannot analyse this" (422, QueryError naming
the parameter) by resolving the party first — an index lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from api.results import NotFound
from graph_model.db import Graph
from queries.network import NetworkError, PartyInfo, resolve_party
from queries.registry import QueryError

T = TypeVar("T")


def party(graph: Graph, ref: str, field: str = "ref") -> PartyInfo:
    """The party a reference names; NotFound when none, QueryError when it names several."""
    try:
        return resolve_party(graph, ref)
    except NetworkError as exc:
        # resolve_party: "no party … in the graph" when none matches, "… names several parties" otherwise.
        if str(exc).startswith("no party"):
            raise NotFound(str(exc)) from None
        raise QueryError(str(exc), field) from None


def analyse(work: Callable[..., T], *args: Any, field: str = "ref", **kwargs: Any) -> T:
    """Run an analysis; its refusal (not a debtor, bad bound …) becomes a 422 naming `field`."""
    try:
        return work(*args, **kwargs)
    except NetworkError as exc:
        raise QueryError(str(exc), field) from None
