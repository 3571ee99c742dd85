"""Network analytics: equity control, debtor groups, brokers, circular claims, explained paths.

Parties are named by uid, id_number or ``<source>:<party_id>``. Every result says which algorithm
produced it (`algorithm`) and whether a bound cut it short (`truncated`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from api import network as lib
from api.auth import Principal
from api.http.errors import COMMON_RESPONSES, NOT_FOUND_RESPONSE
from api.http.models_analytics import (
    BrokersOut,
    ControlledOut,
    ControllerOut,
    CyclesOut,
    ExplainedPathsOut,
    GroupOut,
    GroupsOut,
)
from api.http.security import audit, require
from queries import network as nw

PUBLIC = False
router = APIRouter(prefix="/network", tags=["network"], responses={**COMMON_RESPONSES, **NOT_FOUND_RESPONSE})
Ref = Annotated[str, Path(min_length=1, max_length=200, description="uid, id_number or <source>:<party_id>",
                          examples=["id:310104198503127610"])]
HubDegree = Annotated[int, Query(ge=2, le=100000, description="phones, addresses and parties shared by more "
                                                              "parties than this are hubs and left out")]


@router.get("/companies/{ref}/controller", response_model=ControllerOut, summary="Ultimate controller of a company",
            description="Equity penetration (股权穿透): every holder above the company with its cumulative share, "
                        "and the controller with the rule that decided it.")
def controller(request: Request, ref: Ref, principal: Annotated[Principal, require("network:read")],
               max_hops: Annotated[int, Query(ge=1, le=30)] = 10) -> ControllerOut:
    graph = request.app.state.graph
    company = lib.party(graph, ref)
    audit(request, principal, "network.controller", company.uid, {"max_hops": max_hops})
    return ControllerOut(**lib.analyse(nw.ultimate_controller, graph, company.uid, max_hops=max_hops).to_json())


@router.get("/parties/{ref}/controlled", response_model=ControlledOut, summary="Companies a party controls")
def controlled(request: Request, ref: Ref, principal: Annotated[Principal, require("network:read")],
               max_hops: Annotated[int, Query(ge=1, le=30)] = 10) -> ControlledOut:
    graph = request.app.state.graph
    who = lib.party(graph, ref)
    audit(request, principal, "network.controlled", who.uid, {"max_hops": max_hops})
    return ControlledOut(**lib.analyse(nw.controlled_view, graph, who.uid, max_hops=max_hops).to_json())


@router.get("/groups", response_model=GroupsOut, summary="Debtor groups, ranked",
            description="Communities of linked parties with open enforcement debt, ranked by total outstanding "
                        "debt or by the number of courts they span.")
def groups(request: Request, principal: Annotated[Principal, require("network:read")],
           top: Annotated[int, Query(ge=1, le=500)] = 20,
           by: Annotated[Literal["outstanding", "courts"], Query()] = "outstanding",
           hub_degree: HubDegree = 50) -> GroupsOut:
    audit(request, principal, "network.groups", None, {"top": top, "by": by, "hub_degree": hub_degree})
    result = lib.analyse(nw.debtor_groups, request.app.state.graph, top=top, by=by, hub_degree=hub_degree)
    return GroupsOut(**result.to_json())


@router.get("/parties/{ref}/group", response_model=GroupOut, summary="The debtor group of a party",
            description="The party's group with its ranking, members and a Subgraph of the members, their "
                        "relations, shared contacts and open cases. 422 when the party is not in the debtor "
                        "network (no open enforcement debt and not related to two or more debtors).")
def group(request: Request, ref: Ref, principal: Annotated[Principal, require("network:read")],
          hub_degree: HubDegree = 50,
          max_nodes: Annotated[int, Query(ge=1, le=2000, description="parties in the Subgraph at most")] = 500,
          ) -> GroupOut:
    graph = request.app.state.graph
    who = lib.party(graph, ref)
    audit(request, principal, "network.group", who.uid, {"hub_degree": hub_degree, "max_nodes": max_nodes})
    return GroupOut(**lib.analyse(nw.debtor_group, graph, who.uid, hub_degree=hub_degree,
                                  max_nodes=max_nodes).to_json())


@router.get("/parties/{ref}/brokers", response_model=BrokersOut, summary="Brokers in a party's network",
            description="Who connects the shells: exact betweenness centrality in the connected part of the "
                        "debtor network holding the party (cut to the parties nearest it when very large).")
def brokers(request: Request, ref: Ref, principal: Annotated[Principal, require("network:read")],
            top: Annotated[int, Query(ge=1, le=100)] = 10, hub_degree: HubDegree = 50,
            max_nodes: Annotated[int, Query(ge=1, le=2000)] = 500) -> BrokersOut:
    graph = request.app.state.graph
    who = lib.party(graph, ref)
    audit(request, principal, "network.brokers", who.uid, {"top": top, "hub_degree": hub_degree})
    return BrokersOut(**lib.analyse(nw.brokers, graph, who.uid, top=top, hub_degree=hub_degree,
                                    max_nodes=max_nodes).to_json())


@router.get("/cycles", response_model=CyclesOut, summary="Circular claims",
            description="A is owed by B, B by C, C by A — over open enforcement cases and receivables; each "
                        "cycle with the amount that could be offset. `party` keeps the cycles through one party.")
def cycles(request: Request, principal: Annotated[Principal, require("network:read")],
           max_length: Annotated[int, Query(ge=2, le=8, description="most parties in a cycle")] = 4,
           party: Annotated[str | None, Query(max_length=200, description="only cycles through this party")] = None,
           limit: Annotated[int, Query(ge=1, le=1000, description="stop after this many cycles")] = 100,
           ) -> CyclesOut:
    graph = request.app.state.graph
    through = lib.party(graph, party, "party").uid if party is not None else None
    audit(request, principal, "network.cycles", through, {"max_length": max_length, "limit": limit})
    return CyclesOut(**lib.analyse(nw.claim_cycles, graph, max_length=max_length, max_cycles=limit,
                                   party_ref=through).to_json())


@router.get("/paths", response_model=ExplainedPathsOut, summary="k shortest explained paths between two parties",
            description="Up to `k` shortest paths of at most `max_hops` relationships, each told in one sentence. "
                        "Phones, addresses and parties above `hub_degree` are not passed through unless "
                        "`cross_hubs` is true (they are listed in `hubs`).")
def paths(request: Request, principal: Annotated[Principal, require("network:read")],
          a: Annotated[str, Query(min_length=1, max_length=200, description="first party",
                                  examples=["id:310104198503127610"])],
          b: Annotated[str, Query(min_length=1, max_length=200, description="second party",
                                  examples=["id:310104198812047718"])],
          k: Annotated[int, Query(ge=1, le=10)] = 3,
          max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
          cross_hubs: bool = False, hub_degree: HubDegree = 50) -> ExplainedPathsOut:
    graph = request.app.state.graph
    first, second = lib.party(graph, a, "a"), lib.party(graph, b, "b")
    audit(request, principal, "network.paths", first.uid,
          {"to": second.uid, "k": k, "max_hops": max_hops, "cross_hubs": cross_hubs, "hub_degree": hub_degree})
    return ExplainedPathsOut(**lib.analyse(nw.paths_between, graph, first.uid, second.uid, k=k, max_hops=max_hops,
                                           cross_hubs=cross_hubs, hub_degree=hub_degree).to_json())
