"""Request and response bodies of the API, as they appear in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.auth import ROLES

Role = Literal["judge", "investigator", "case_system", "admin"]
assert set(ROLES) == set(Role.__args__), "roles in api/auth.py and the API differ"  # type: ignore[attr-defined]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone also takes numbers as Unix times)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


def _iso_instant(value: Any) -> Any:
    """Only an ISO date or date-time (no Unix times, no negative numbers)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_INSTANT.match(value):
        raise ValueError("an ISO date or date-time such as 2024-06-28 or 2024-06-28T08:00:00+08:00")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
IsoInstant = Annotated[dt.datetime, BeforeValidator(_iso_instant)]


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


# -- graph shapes ---------------------------------------------------------------------------------
class GraphNode(BaseModel):
    id: str = Field(description="Neo4j element id")
    labels: list[str]
    kind: str = Field(description="most specific label: Person, Company, Organization, Case, Phone …")
    properties: dict[str, Any]


class GraphRelationship(BaseModel):
    id: str
    type: str
    start: str = Field(description="element id of the start node")
    end: str
    properties: dict[str, Any]


class SubgraphOut(BaseModel):
    """graph_model.subgraph.Subgraph as JSON: the shape every graph view draws."""

    subject: str | None = Field(None, description="element id of the node the view is about")
    truncated: bool = Field(False, description="a cap or a hub cut the neighbourhood short")
    nodes: list[GraphNode]
    relationships: list[GraphRelationship]


class NetworkOut(SubgraphOut):
    hubs: list[str] = Field(description="element ids of nodes shown but not expanded (degree above max_degree)")
    capped: bool = Field(description="the node limit cut the network short")
    model_config = _examples({
        "subject": "4:abc:1", "truncated": False, "hubs": [], "capped": False,
        "nodes": [{"id": "4:abc:1", "labels": ["Company", "Party"], "kind": "Company",
                   "properties": {"uid": "id:91310000MA1FL0XX3X", "name": "上海某某贸易有限公司"}},
                  {"id": "4:abc:2", "labels": ["Party", "Person"], "kind": "Person",
                   "properties": {"uid": "id:110101199003074477", "name": "张三"}}],
        "relationships": [{"id": "5:abc:7", "type": "SHAREHOLDER_OF", "start": "4:abc:2", "end": "4:abc:1",
                           "properties": {"share": 0.6}}],
    })


class PathOut(BaseModel):
    hops: int
    nodes: list[str] = Field(description="element ids along the path, from the first party to the second")
    relationships: list[str]


class PathsOut(BaseModel):
    from_uid: str
    to_uid: str
    paths: list[PathOut]
    graph: SubgraphOut
    model_config = _examples({
        "from_uid": "id:110101199003074477", "to_uid": "src:courtB:P9",
        "paths": [{"hops": 2, "nodes": ["4:abc:2", "4:abc:9", "4:abc:5"], "relationships": ["5:abc:1", "5:abc:2"]}],
        "graph": {"subject": None, "truncated": False, "nodes": [], "relationships": []},
    })


# -- parties ------------------------------------------------------------------------------------
class PartyHit(BaseModel):
    uid: str
    name: str | None
    kind: str | None
    id_number: str | None
    id_invalid: bool
    status: str | None
    source_keys: list[str]
    score: float


class PartyPage(BaseModel):
    items: list[PartyHit]
    page: int
    page_size: int
    has_more: bool
    model_config = _examples({
        "items": [{"uid": "id:110101199003074477", "name": "张三", "kind": "person",
                   "id_number": "110101199003074477", "id_invalid": False, "status": None,
                   "source_keys": ["courtA:P1"], "score": 2.3}],
        "page": 1, "page_size": 50, "has_more": False,
    })


class PartyProfile(BaseModel):
    party: dict[str, Any] = Field(description="every property of the Party node: uid, names, source_keys, "
                                              "id_number, id_number_raw, id_invalid, status, sources …")
    kinds: list[str]
    phones: list[str]
    addresses: list[str]
    same_as: list[dict[str, Any]]
    case_counts: dict[str, int]
    model_config = _examples({
        "party": {"uid": "id:110101199003074477", "name": "张三", "names": ["张三"], "kind": "person",
                  "id_number": "110101199003074477", "source_keys": ["courtA:P1", "courtB:X7"],
                  "sources": ["courtA", "courtB"]},
        "kinds": ["Person"], "phones": ["13800138000"], "addresses": ["上海市徐汇区某路1号"], "same_as": [],
        "case_counts": {"applicant": 1, "respondent": 2, "plaintiff": 0, "defendant": 0, "third_party": 0,
                        "administrator": 0},
    })


class PartyCases(BaseModel):
    party: str
    applicant: list[dict[str, Any]]
    respondent: list[dict[str, Any]]
    other: list[dict[str, Any]]
    model_config = _examples({
        "party": "id:110101199003074477",
        "applicant": [], "other": [],
        "respondent": [{"role": "respondent", "fees_unpaid": None, "case_no": "(2024)沪0104执1234号",
                        "kind": "enforcement", "status": "pending", "outstanding": 150000.0,
                        "others": [{"uid": "src:courtA:P2", "name": "李四", "role": "applicant"}]}],
    })


class AssetPanorama(BaseModel):
    party: str
    as_of: str
    years: int
    owned: list[dict[str, Any]] = Field(description="assets the party owns, each with `freezes`")
    receivables: list[dict[str, Any]] = Field(description="open enforcement cases where the party is applicant")
    equity: list[dict[str, Any]] = Field(description="stakes (shareholder, actual controller) and the "
                                                     "companies' assets")
    transferred: list[dict[str, Any]] = Field(description="transfers away within `years`, with the asset")
    totals: dict[str, float]
    model_config = _examples({
        "party": "id:110101199003074477", "as_of": "2025-06-30", "years": 2,
        "owned": [{"uid": "courtA:A1", "kind": "real_estate", "value": 2000000.0,
                   "freezes": [{"uid": "courtA:M1", "kind": "seizure", "in_force": True,
                                "case_no": "(2024)沪0104执1234号"}]}],
        "receivables": [{"case_no": "(2024)苏0508执88号", "status": "terminated_no_assets", "outstanding": 80000.0,
                         "debtors": [{"uid": "src:courtB:P3", "name": "王五"}]}],
        "equity": [], "transferred": [],
        "totals": {"owned_value": 2000000.0, "receivable_outstanding": 80000.0, "transferred_value": 0.0,
                   "frozen_assets": 1},
    })


class SharedContact(BaseModel):
    uid: str
    name: str | None
    kind: str | None
    id_number: str | None
    via: Literal["phone", "address"]
    value: str
    sharers: int = Field(description="how many other parties share this phone or address")


class SharedContacts(BaseModel):
    party: str
    items: list[SharedContact]


# -- cases ----------------------------------------------------------------------------------------
class CaseDetail(BaseModel):
    case: dict[str, Any]
    parties: list[dict[str, Any]] = Field(description="parties with `role` and `fees_unpaid`")
    origins: list[dict[str, Any]] = Field(description="cases this one rests on (BASED_ON), nearest first")
    derived: list[dict[str, Any]] = Field(description="cases resting on this one, nearest first")
    measures: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    auctions: list[dict[str, Any]]
    settlements: list[dict[str, Any]]
    model_config = _examples({
        "case": {"case_no": "(2024)沪0104执1234号", "kind": "enforcement", "status": "pending",
                 "amount": 200000.0, "amount_paid": 50000.0, "outstanding": 150000.0},
        "parties": [{"uid": "src:courtA:P2", "name": "李四", "role": "applicant"},
                    {"uid": "id:110101199003074477", "name": "张三", "role": "respondent"}],
        "origins": [{"case_no": "(2023)沪0104民初567号", "kind": "civil", "depth": 1, "loaded": True}],
        "derived": [], "measures": [], "payments": [], "auctions": [], "settlements": [],
    })


# -- queries and console --------------------------------------------------------------------------
class QueryInfo(BaseModel):
    name: str
    group: str = Field(description="detectors, saved or user")
    title: dict[str, str]
    description: str
    parameters: list[dict[str, Any]]
    columns: list[str]
    basis: str
    citations: list[dict[str, Any]] = Field(default_factory=list, description="a detector's legal basis, structured")
    severity: str
    alert_on: str | None
    author: str | None
    cypher: str


class QueryRunIn(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict, description="parameter values by name")
    model_config = _examples({"params": {"uid": "id:110101199003074477", "depth": 2}})


TRUNCATED_REASON = ("why the result is cut: `rows` (more rows than row_limit), `bytes` (rows stopped once the "
                    "result reached byte_limit bytes of JSON), `value` (every row is there, but a value over "
                    "value_limit bytes was replaced by {truncated: true, reason: value, limit_bytes, type, length})")


class QueryRunOut(BaseModel):
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    truncated_reason: Literal["rows", "bytes", "value"] | None = Field(None, description=TRUNCATED_REASON)
    graph: SubgraphOut | None = Field(None, description="the nodes and relationships the rows hold, if any")


class QueryParameterIn(BaseModel):
    type: Literal["string", "integer", "float", "boolean", "date", "list<string>", "fulltext"] = "string"
    required: bool = False
    default: Any = None
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] | None = None


class QueryTitle(BaseModel):
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class QuerySaveIn(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,62}$", description="lower_snake_case")
    cypher: str = Field(min_length=1, max_length=20000)
    title: QueryTitle
    description: str = ""
    parameters: dict[str, QueryParameterIn] = Field(default_factory=dict)
    columns: list[str] = Field(default_factory=list)
    model_config = _examples({
        "name": "big_debtors", "title": {"zh": "大额被执行人", "en": "Large debtors"},
        "cypher": "MATCH (p:Party)-[:RESPONDENT_IN]->(c:Case) WHERE c.outstanding > $min "
                  "RETURN p.uid AS uid, p.name AS name, sum(c.outstanding) AS owed ORDER BY owed DESC LIMIT 100",
        "parameters": {"min": {"type": "float", "default": 1000000}}, "columns": ["uid", "name", "owed"],
    })


class ConsoleIn(BaseModel):
    cypher: str = Field(min_length=1, max_length=20000, description="one read-only Cypher statement")
    params: dict[str, Any] = Field(default_factory=dict)
    model_config = _examples({"cypher": "MATCH (p:Party {uid: $uid})-[r]-(x) RETURN p, r, x LIMIT 25",
                              "params": {"uid": "id:110101199003074477"}})


class ConsoleOut(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="the result is cut short: see truncated_reason")
    truncated_reason: Literal["rows", "bytes", "value"] | None = Field(None, description=TRUNCATED_REASON)
    row_limit: int
    byte_limit: int | None = Field(None, description="bytes of JSON the rows and the graph take at most")
    value_limit: int | None = Field(None, description="bytes of JSON one value may take")
    graph: SubgraphOut | None


# -- keys, audit, meta ------------------------------------------------------------------------------
class KeyCreateIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="who or what holds the key; unique")
    role: Role
    model_config = _examples({"name": "judge-wang", "role": "judge"})


class KeyInfo(BaseModel):
    name: str
    role: str
    created_at: str | None
    revoked: bool


class KeyCreated(KeyInfo):
    key: str = Field(description="the key itself: shown this once, stored only as its SHA-256")
    model_config = _examples({"key": "dg_3q2L…", "name": "judge-wang", "role": "judge",
                              "created_at": "2025-06-30T08:00:00Z", "revoked": False})


class AuditEventOut(BaseModel):
    seq: int = Field(description="position in the trail: 1, 2, 3 … without gaps")
    uid: str
    at: str
    actor: str
    role: str | None
    action: str
    target: str | None
    params: str | None = Field(description="JSON text of the request's parameters")
    client: str | None
    hash: str = Field(description="the event's link in the hash chain (`debtgraph audit verify`)")


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    page: int
    page_size: int
    has_more: bool


class Me(BaseModel):
    name: str
    role: str
    permissions: list[str]


class VersionOut(BaseModel):
    debtgraph: str
    api: str
    neo4j: dict[str, str | None]
    model_config = _examples({"debtgraph": "0.1.0", "api": "v1",
                              "neo4j": {"name": "Neo4j Kernel", "version": "5.26.0", "edition": "community"}})


class Health(BaseModel):
    status: str
    model_config = _examples({"status": "ok"})


class Ready(BaseModel):
    status: str
    neo4j: str
