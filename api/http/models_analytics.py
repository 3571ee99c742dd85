"""Request and response bodies of the alerts, loads, network and identity routes (OpenAPI with examples)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.http.models import SubgraphOut

AlertStatus = Literal["new", "acknowledged", "confirmed", "dismissed", "resolved"]
Decision = Literal["acknowledged", "confirmed", "dismissed"]

_SUBGRAPH_EXAMPLE: dict[str, Any] = {
    "subject": "4:abc:1", "truncated": False,
    "nodes": [{"id": "4:abc:1", "labels": ["Case"], "kind": "Case",
               "properties": {"case_no": "(2023)沪0104执1234号", "status": "terminated_no_assets"}},
              {"id": "4:abc:2", "labels": ["Party", "Person"], "kind": "Person",
               "properties": {"uid": "id:310104198503127610", "name": "张伟"}}],
    "relationships": [{"id": "5:abc:3", "type": "RESPONDENT_IN", "start": "4:abc:2", "end": "4:abc:1",
                       "properties": {}}],
}
_ALERT_EXAMPLE: dict[str, Any] = {
    "key": "hidden_receivable:(2023)沪0104执1234号", "detector": "hidden_receivable",
    "case_no": "(2023)沪0104执1234号", "party_uid": "id:310104198503127610", "party_id": "sh0104-xuhui:P001",
    "id_number": "310104198503127610", "court_code": "沪0104", "related": ["(2023)沪0109执567号"], "score": 0.9,
    "message": "被执行人张伟在(2023)沪0109执567号中为申请执行人，未受偿280000.00元。",
    "basis": "民诉法解释（2022年修正）第499条第1款；执行工作规定（2020年修正）第45–53条",
    "citations": [{"law": "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "short": "民诉法解释",
                   "article": "499", "number": "法释〔2022〕11号", "revision": "2022", "paragraph": 1, "item": None,
                   "verified": True, "note": "冻结债权并通知该他人向申请执行人履行",
                   "text": "民诉法解释（2022年修正）第499条第1款"}],
    "status": "new",
    "first_seen": "2024-06-28T08:00:00Z", "last_seen": "2024-06-28T08:00:00Z", "resolved_at": None,
    "as_of": "2024-06-28",
}
_XINYUAN: dict[str, Any] = {"uid": "id:91310104MA1FL4CK2G", "entity_id": "id:91310104MA1FL4CK2G",
                            "name": "上海鑫源建筑工程有限公司", "kind": "company"}
_CHEN: dict[str, Any] = {"uid": "id:310112197008234510", "entity_id": "id:310112197008234510", "name": "陈建国",
                         "kind": "person"}
_GROUP: dict[str, Any] = {
    "group_id": "id:91310104MA1FL4CK2G", "debtors": 2, "size": 3, "total_outstanding": 612000.0, "open_cases": 4,
    "unknown_amount_cases": 0, "courts": ["沪0104", "沪0109"], "court_count": 2, "rank_by_outstanding": 1,
    "rank_by_courts": 3,
    "members": [{"party": _XINYUAN, "debtor": True, "open_cases": 3, "outstanding": 146600.0,
                 "unknown_amount_cases": 0},
                {"party": _CHEN, "debtor": False, "open_cases": 0, "outstanding": 0.0, "unknown_amount_cases": 0}],
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


# -- alerts ---------------------------------------------------------------------------------------
class CitationOut(BaseModel):
    """One provision an alert rests on (graph_model/types/citations.py); `text` is how every page shows it."""

    law: str = Field(description="the full name of the law or rule")
    short: str = Field(description="the name judges use")
    article: str = Field(description="93, 276之一 or a run 45-53")
    number: str | None = Field(None, description="the document number, e.g. 法释〔2017〕7号")
    revision: str | None = Field(None, description="the year of the revision in force")
    paragraph: int | None = None
    item: int | None = None
    verified: bool = Field(description="false: the wording could not be checked against the rule's text")
    note: str = Field("", description="what the provision says for this check, or what is uncertain")
    text: str = Field(description="the rendering every page, export and message uses")


class AlertOut(BaseModel):
    key: str = Field(description="`<detector>:<case_no>` or, for party-level alerts, `<detector>:<party uid>`")
    detector: str
    case_no: str | None = None
    party_uid: str | None = None
    party_id: str | None = None
    id_number: str | None = None
    court_code: str | None = None
    related: list[str] = Field(default_factory=list, description="case numbers and parties the finding involves")
    score: float
    message: str | None = None
    basis: str | None = Field(None, description="the legal basis of the check, one line (the citations' texts)")
    citations: list[CitationOut] = Field(default_factory=list, description="the legal basis, one provision each")
    status: AlertStatus
    first_seen: str | None = None
    last_seen: str | None = None
    resolved_at: str | None = None
    as_of: str | None = Field(None, description="the evaluation date of the run that last found it")
    model_config = _examples(_ALERT_EXAMPLE)


class AlertEventOut(BaseModel):
    model_config = _examples({"uid": "hidden_receivable:(2023)沪0104执1234号@3f2a…", "from_status": "new",
                              "to_status": "acknowledged", "actor": "judge-wang", "reason": "已阅，正在核实",
                              "at": "2024-07-01T02:30:00Z"})
    uid: str
    from_status: str | None
    to_status: str
    actor: str = Field(description="the key name of who changed it, or `system` for detection runs")
    reason: str | None
    at: str


class AlertDetailOut(BaseModel):
    alert: AlertOut
    events: list[AlertEventOut] = Field(description="status history, oldest first")
    evidence: SubgraphOut = Field(description="the cases, parties, settlements … that make up the finding")
    model_config = _examples({
        "alert": _ALERT_EXAMPLE,
        "events": [{"uid": "hidden_receivable:(2023)沪0104执1234号@3f2a…", "from_status": "new",
                    "to_status": "acknowledged", "actor": "judge-wang", "reason": "已阅，正在核实", "at":
                    "2024-07-01T02:30:00Z"}],
        "evidence": _SUBGRAPH_EXAMPLE,
    })


class AlertPageOut(BaseModel):
    items: list[AlertOut]
    total: int = Field(description="alerts matching the filters, over all pages")
    page: int
    page_size: int
    has_more: bool
    model_config = _examples({"items": [_ALERT_EXAMPLE], "total": 1, "page": 1, "page_size": 50, "has_more": False})


class StatusChangeIn(BaseModel):
    status: Decision = Field(description="new → acknowledged → confirmed | dismissed; confirmed or dismissed → "
                                         "acknowledged to review again")
    reason: str = Field(min_length=1, max_length=2000, description="why; kept in the alert's history")
    model_config = _examples({"status": "acknowledged", "reason": "已阅，正在核实"},
                             {"status": "dismissed", "reason": "应收账款已于2024年5月抵销，非隐匿财产"})


class DetectIn(BaseModel):
    as_of: dt.date | None = Field(None, description="evaluate the graph as it stood on this day; default today")
    detectors: list[str] | None = Field(None, max_length=50, description="only these detectors; default all")
    model_config = _examples({"as_of": "2024-06-28"}, {"as_of": "2024-06-28", "detectors": ["hidden_receivable"]})


class DetectorRunOut(BaseModel):
    model_config = _examples({"detector": "hidden_receivable", "alerts": 1, "seconds": 0.04, "error": None})
    detector: str
    alerts: int
    seconds: float
    error: str | None = Field(description="why this detector failed (the others still ran), else null")


class DetectOut(BaseModel):
    as_of: str
    stored: int = Field(description="alerts found and stored (new or updated)")
    resolved: int = Field(description="stored alerts of these detectors not found again, now resolved")
    runs: list[DetectorRunOut]
    model_config = _examples({"as_of": "2024-06-28", "stored": 5, "resolved": 0, "runs": [
        {"detector": "hidden_receivable", "alerts": 1, "seconds": 0.04, "error": None}]})


# -- loads ----------------------------------------------------------------------------------------
class LoadOut(BaseModel):
    load_id: str = Field(description="names this upload: its summary and rejection report stay fetchable")
    source: str = Field(description="the export's name (provenance on everything it wrote)")
    uploaded_by: str
    uploaded_at: str
    file: str = Field(description="the uploaded file's name")
    summary: dict[str, Any] = Field(description="loaders.LoadSummary: rows, loaded, rejected and flagged per file, "
                                                "nodes and relationships created, warnings, the first rejects")
    rejects_url: str = Field(description="the rejection report CSV (file,line,column,value,reason)")
    model_config = _examples({
        "load_id": "20240628T080000Z-1a2b3c4d", "source": "sh0104-xuhui", "uploaded_by": "admin-li",
        "uploaded_at": "2024-06-28T08:00:00Z", "file": "sh0104-xuhui.zip",
        "summary": {"source": "sh0104-xuhui", "rows": 58, "loaded": 58, "rejected": 0, "flagged": 0,
                    "nodes_created": 61, "relationships_created": 70, "completed": True, "warnings": [],
                    "files": {"parties": {"file": "parties.csv", "format": "csv", "encoding": "utf-8", "rows": 20,
                                          "loaded": 20, "rejected": 0, "flagged": 0, "unknown_columns": []}},
                    "rejects": []},
        "rejects_url": "/api/v1/loads/20240628T080000Z-1a2b3c4d/rejects",
    })


# -- network analytics ------------------------------------------------------------------------------
class PartyRef(BaseModel):
    uid: str
    entity_id: str = Field(description="the legal person the party belongs to (SAME_AS component)")
    name: str | None
    kind: str | None


class Algorithm(BaseModel):
    name: str = Field(description="what produced the result")
    parameters: dict[str, Any]


class ControllerOut(BaseModel):
    company: PartyRef
    controller: PartyRef | None = Field(description="the ultimate controller, null when it cannot be determined")
    rule: str = Field(description="actual_controller, majority, largest, via_majority_holder, legal_representative, "
                                  "none …")
    share: float | None = Field(description="the controller's cumulative share, null when it holds none")
    reason: str = Field(description="the decision, in Chinese")
    chain: list[PartyRef] = Field(description="via_majority_holder: the company, then each majority holder")
    holders: list[dict[str, Any]] = Field(description="ultimate holders with cumulative share and an example path")
    intermediates: list[dict[str, Any]]
    declared_controllers: list[PartyRef]
    algorithm: Algorithm
    truncated: bool
    subgraph: SubgraphOut
    model_config = _examples({
        "company": {"uid": "id:91310104MA1FL4CK2G", "entity_id": "id:91310104MA1FL4CK2G",
                    "name": "上海鑫源建筑工程有限公司", "kind": "company"},
        "controller": {"uid": "id:310104197001011234", "entity_id": "id:310104197001011234", "name": "陈建国",
                       "kind": "person"},
        "rule": "majority", "share": 0.7, "reason": "陈建国累计持股70%", "chain": [], "holders": [], "intermediates": [],
        "declared_controllers": [], "algorithm": {"name": "equity penetration", "parameters": {"max_hops": 10}},
        "truncated": False, "subgraph": _SUBGRAPH_EXAMPLE,
    })


class ControlledOut(BaseModel):
    party: PartyRef
    companies: list[dict[str, Any]] = Field(description="each with `company`, `rule`, `share` and `via`")
    algorithm: Algorithm
    truncated: bool
    subgraph: SubgraphOut
    model_config = _examples({
        "party": _CHEN, "companies": [
            {"company": _XINYUAN, "rule": "majority", "share": 0.8, "via": None},
            {"company": {"uid": "id:91310104MA1G8YQ53T", "entity_id": "id:91310104MA1G8YQ53T",
                         "name": "上海恒通装饰工程有限公司", "kind": "company"},
             "rule": "legal_representative", "share": 0.0, "via": None}],
        "algorithm": {"name": "control: pull down SHAREHOLDER_OF, cumulative shares", "parameters": {"max_hops": 10}},
        "truncated": False, "subgraph": _SUBGRAPH_EXAMPLE,
    })


class GroupOut(BaseModel):
    party: PartyRef
    group: dict[str, Any] | None = Field(description="group_id, debtors, open_cases, total_outstanding, courts, "
                                                     "rank_by_outstanding, rank_by_courts, members; null when the "
                                                     "party's community has fewer than two debtors")
    community_size: int
    algorithm: Algorithm
    subgraph: SubgraphOut
    model_config = _examples({
        "party": _XINYUAN, "group": _GROUP, "community_size": 3,
        "algorithm": {"name": "debtor groups: communities by igraph.Graph.community_leiden over the debtor network",
                      "parameters": {"hub_degree": 50, "min_debtors": 2}},
        "subgraph": _SUBGRAPH_EXAMPLE,
    })


class GroupsOut(BaseModel):
    groups: list[dict[str, Any]]
    debtors: int = Field(description="legal persons with open enforcement debt in the graph")
    hubs: list[dict[str, Any]] = Field(description="phones, addresses and parties left out as hubs")
    algorithm: Algorithm
    truncated: bool
    model_config = _examples({
        "groups": [_GROUP], "debtors": 4312, "hubs": [{"kind": "phone", "name": "02100000000", "degree": 311}],
        "algorithm": {"name": "debtor groups: communities by igraph.Graph.community_leiden over the debtor network",
                      "parameters": {"hub_degree": 50, "min_debtors": 2}},
        "truncated": False,
    })


class BrokersOut(BaseModel):
    party: PartyRef
    brokers: list[dict[str, Any]] = Field(description="party, betweenness, degree, debtor, communities_bridged")
    network_size: int
    algorithm: Algorithm
    truncated: bool
    subgraph: SubgraphOut
    model_config = _examples({
        "party": _XINYUAN, "network_size": 9,
        "brokers": [{"party": _CHEN, "betweenness": 0.571428571, "degree": 2, "debtor": False, "community": 1,
                     "communities_bridged": 2}],
        "algorithm": {"name": "brokers: networkx.betweenness_centrality (exact)",
                      "parameters": {"normalized": True, "exact_limit": 1000}},
        "truncated": False, "subgraph": _SUBGRAPH_EXAMPLE,
    })


class CyclesOut(BaseModel):
    cycles: list[dict[str, Any]] = Field(description="each: length, parties, amount (offsettable), edges with claims")
    claims: int = Field(description="open claims examined")
    algorithm: Algorithm
    truncated: bool
    model_config = _examples({
        "cycles": [{"length": 2, "parties": [_XINYUAN, _CHEN], "amount": 30000.0,
                    "first_date": "2024-03-05", "last_date": "2024-03-05",
                    "edges": [{"creditor": _XINYUAN, "debtor": _CHEN, "amount": 100000.0,
                               "claims": [{"kind": "enforcement_case", "ref": "(2024)沪0104执101号",
                                           "creditor_uid": _XINYUAN["uid"], "debtor_uid": _CHEN["uid"],
                                           "amount": 100000.0, "date": "2024-03-05", "court_code": "沪0104"}]},
                              {"creditor": _CHEN, "debtor": _XINYUAN, "amount": 30000.0,
                               "claims": [{"kind": "receivable", "ref": "sh0104-xuhui:A17",
                                           "creditor_uid": _CHEN["uid"], "debtor_uid": _XINYUAN["uid"],
                                           "amount": 30000.0, "date": None, "court_code": None}]}]}],
        "claims": 5120,
        "algorithm": {"name": "circular claims: networkx.simple_cycles on the creditor→debtor graph",
                      "parameters": {"length_bound": 4, "max_cycles": 100}},
        "truncated": False,
    })


class ExplainedPathsOut(BaseModel):
    model_config = _examples({
        "source": {"uid": "id:310104198503127610", "entity_id": "id:310104198503127610", "name": "张伟",
                   "kind": "person"},
        "target": {"uid": "id:310104198807097537", "entity_id": "id:310104198807097537", "name": "张强",
                   "kind": "person"},
        "paths": [{"hops": 1, "sentence": "张伟 与 张强 是兄弟姐妹。",
                   "nodes": [{"kind": "party", "name": "张伟", "hub": False, "uid": "id:310104198503127610"},
                             {"kind": "party", "name": "张强", "hub": False, "uid": "id:310104198807097537"}]}],
        "hubs": [], "algorithm": {"name": "paths: bidirectional breadth-first pull, then "
                                          "networkx.shortest_simple_paths", "parameters": {"k": 3, "max_hops": 4}},
        "truncated": False, "subgraph": _SUBGRAPH_EXAMPLE,
    })
    source: PartyRef
    target: PartyRef
    paths: list[dict[str, Any]] = Field(description="each: hops, nodes (kind, name, uid/case_no/value, hub) and a "
                                                                 "sentence telling it in Chinese")
    hubs: list[dict[str, Any]] = Field(description="hubs met and, unless cross_hubs, not passed through")
    algorithm: Algorithm
    truncated: bool
    subgraph: SubgraphOut


# -- identity review ---------------------------------------------------------------------------------
class PendingLink(BaseModel):
    a: dict[str, Any]
    b: dict[str, Any]
    score: float | None
    method: str | None
    evidence: list[str] | None


class PendingPageOut(BaseModel):
    items: list[PendingLink]
    total: int
    page: int
    page_size: int
    has_more: bool
    model_config = _examples({"items": [{
        "a": {"uid": "src:sh0104-xuhui:P001", "name": "张伟", "kind": "person", "id_number": None,
              "sources": ["sh0104-xuhui"], "entity_id": "src:sh0104-xuhui:P001"},
        "b": {"uid": "src:sh0109-hongkou:H07", "name": "张伟", "kind": "person", "id_number": None,
              "sources": ["sh0109-hongkou"], "entity_id": "src:sh0109-hongkou:H07"},
        "score": 0.83, "method": "splink", "evidence": ["姓名相同", "出生日期相同", "电话相同"]}],
        "total": 1, "page": 1, "page_size": 50, "has_more": False})


class ReviewIn(BaseModel):
    a: str = Field(min_length=1, max_length=200, description="uid of one party")
    b: str = Field(min_length=1, max_length=200, description="uid of the other party")
    reason: str | None = Field(None, max_length=2000)
    model_config = _examples({"a": "src:sh0104-xuhui:P001", "b": "src:sh0109-hongkou:H07",
                              "reason": "同一身份证复印件"})


class ReviewOut(BaseModel):
    model_config = _examples({"a": "src:sh0104-xuhui:P001", "b": "src:sh0109-hongkou:H07", "status": "confirmed",
                              "previous": "pending", "score": 0.83, "entity_id": "src:sh0104-xuhui:P001"})
    a: str
    b: str
    status: Literal["confirmed", "rejected"]
    previous: str | None = Field(description="the link's status before (auto, pending …), null when none")
    score: float | None
    entity_id: str = Field(description="the entity `a` belongs to after the decision")
