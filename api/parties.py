"""Parties: search, profile, cases, network, asset panorama, shared contacts, relation paths.

Each function runs one saved query of queries/saved/ through the registry (typed,
validated parameters; QueryError names a bad one) and returns JSON-ready values
or a Subgraph. Unknown parties raise :class:`api.results.NotFound`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from api.results import NotFound, run_saved, run_saved_records
from graph_model.db import Graph
from graph_model.subgraph import Subgraph
from queries.registry import QueryError

ROLES_MAIN = ("applicant", "respondent")


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def search_parties(graph: Graph, *, name: str | None = None, id_number: str | None = None,
                   source_key: str | None = None, skip: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """Parties by full-text name, valid id_number, or `<source>:<party_id>`; exactly one criterion."""
    given = {k: v for k, v in {"name": name, "id_number": id_number, "source_key": source_key}.items()
             if v is not None and str(v).strip()}
    if len(given) != 1:
        api_names = {"name": "name", "id_number": "id_number", "source_key": "party_id"}
        field = "name" if not given else api_names[sorted(given)[1]]
        raise QueryError("give exactly one of name, id_number or party_id", field)
    params: dict[str, Any] = {"skip": skip, "limit": limit}
    if "name" in given:  # party_search declares it `fulltext`: Lucene syntax is escaped when it is bound
        params["name"] = str(given["name"]).strip()
    if "id_number" in given:
        params["id_number"] = str(given["id_number"]).strip().upper()
    if "source_key" in given:
        params["source_key"] = str(given["source_key"]).strip()
    return run_saved(graph, "party_search", params)


def party_profile(graph: Graph, uid: str) -> dict[str, Any]:
    """Identity and every source record of a party (source keys, names, id flags, status), contacts, links."""
    rows = run_saved(graph, "party_profile", {"uid": uid})
    if not rows:
        raise NotFound(f"no party with uid {uid!r}")
    return rows[0]


def party_cases(graph: Graph, uid: str, role: str | None = None) -> dict[str, Any]:
    """The party's cases grouped as applicant / respondent / other, each with role, status and outstanding."""
    rows = run_saved(graph, "party_cases", _drop_none({"uid": uid, "role": role}))
    if not rows:
        raise NotFound(f"no party with uid {uid!r}")
    out: dict[str, Any] = {"party": uid, "applicant": [], "respondent": [], "other": []}
    for row in rows:
        if row["role"] is None:
            continue
        item = {"role": row["role"], "fees_unpaid": row["fees_unpaid"], **row["case"], "others": row["others"],
                "retired_by": row["retired_by"]}
        out[row["role"] if row["role"] in ROLES_MAIN else "other"].append(item)
    return out


@dataclass
class Network:
    """A party's network: the subgraph, the hubs shown but not expanded, whether the node cap cut it."""

    subgraph: Subgraph
    hubs: list[str] = field(default_factory=list)
    capped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.subgraph.to_json(), "hubs": self.hubs, "capped": self.capped}


def party_network(graph: Graph, uid: str, depth: int = 2, types: list[str] | None = None,
                  max_degree: int | None = None, limit: int | None = None) -> Network:
    """Parties, phones and addresses within `depth` hops over `types`; `truncated` when hubs or the cap cut it."""
    records = run_saved_records(graph, "party_network", _drop_none(
        {"uid": uid, "depth": depth, "types": types, "max_degree": max_degree, "limit": limit}))
    if not records:
        raise NotFound(f"no party with uid {uid!r}")
    rec = records[0]
    sub = Subgraph(subject=rec["subject"].element_id)
    sub.add(rec["subject"])
    sub.add(rec["paths"])
    sub.add(rec["among"])
    hubs = list(rec["hubs"])
    sub.truncated = bool(rec["capped"] or hubs)
    return Network(sub, hubs, bool(rec["capped"]))


def shared_contacts(graph: Graph, uid: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Other parties sharing a phone number or an address with the party."""
    rows = run_saved(graph, "shared_contacts", _drop_none({"uid": uid, "limit": limit}))
    if not rows:
        raise NotFound(f"no party with uid {uid!r}")
    return [{k: v for k, v in row.items() if k != "party"} for row in rows if row["uid"] is not None]


@dataclass
class RelationPaths:
    """Shortest paths between two parties: each path as node and relationship ids, all in one subgraph."""

    subgraph: Subgraph
    paths: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"paths": self.paths, "graph": self.subgraph.to_json()}


def relation_paths(graph: Graph, from_uid: str, to_uid: str, max_hops: int | None = None,
                   types: list[str] | None = None, max_degree: int | None = None,
                   include_hubs: bool | None = None, limit: int | None = None) -> RelationPaths:
    """The shortest relation paths (≤ max_hops) between two parties, hubs not passed through unless asked."""
    if from_uid == to_uid:
        raise QueryError("from and to are the same party", "to_uid")
    records = run_saved_records(graph, "relation_paths", _drop_none(
        {"from_uid": from_uid, "to_uid": to_uid, "max_hops": max_hops, "types": types,
         "max_degree": max_degree, "include_hubs": include_hubs, "limit": limit}))
    first = records[0]
    for found, uid in ((first["from_found"], from_uid), (first["to_found"], to_uid)):
        if not found:
            raise NotFound(f"no party with uid {uid!r}")
    sub = Subgraph()
    paths: list[dict[str, Any]] = []
    for rec in records:
        path = rec["path"]
        if path is None:
            continue
        sub.add(path)
        paths.append({"hops": rec["hops"], "nodes": [n.element_id for n in path.nodes],
                      "relationships": [r.element_id for r in path.relationships]})
    return RelationPaths(sub, paths)


def asset_panorama(graph: Graph, uid: str, as_of: dt.date | str | None = None, years: int | None = None,
                   min_share: float | None = None) -> dict[str, Any]:
    """财产查控全景: owned assets, claims in other open cases, equity and the companies' assets,
    assets transferred away in the last `years` years, with the freezes on each."""
    params = _drop_none({"uid": uid, "as_of": as_of, "years": years, "min_share": min_share})
    rows = run_saved(graph, "asset_panorama", params)
    if not rows:
        raise NotFound(f"no party with uid {uid!r}")
    bound = as_of if as_of is not None else dt.date.today()
    out: dict[str, Any] = {"party": uid, "as_of": str(bound), "years": years or 2,
                           "owned": [], "receivables": [], "equity": [], "transferred": []}
    companies: dict[str, dict[str, Any]] = {}
    for row in rows:
        section = row["section"]
        if section == "owned":
            out["owned"].append({**row["asset"], "freezes": row["freezes"]})
        elif section == "receivable_case":
            out["receivables"].append(row["claim"])
        elif section == "transferred":
            out["transferred"].append({**row["transfer"], "asset": {**row["asset"], "freezes": row["freezes"]}})
        elif section == "equity":
            company = row["company"]
            entry = companies.setdefault(company["uid"], {"company": company, **row["stake"], "assets": []})
            if row["asset"] is not None:
                entry["assets"].append({**row["asset"], "freezes": row["freezes"]})
    out["equity"] = list(companies.values())
    out["totals"] = {
        "owned_value": sum(a.get("value") or 0 for a in out["owned"]),
        "receivable_outstanding": sum(c.get("outstanding") or 0 for c in out["receivables"]),
        "transferred_value": sum(t["asset"].get("value") or 0 for t in out["transferred"]),
        "frozen_assets": sum(1 for a in out["owned"] if any(f["in_force"] for f in a["freezes"])),
    }
    return out
