"""The pages' routes under /web: login, search, party, case, alerts, saved queries, console, paths, dashboard.

Thin edges: parse the request, call the library (api.parties, api.cases, queries.alerts,
queries.network, api.console, api.dashboard), audit like the API does, render a template. Every
route but the login form declares one permission from api.auth.PERMISSIONS; what a role may open
is exactly what it may read through the API. Graph views are separate routes (…/graph) shown in
iframes, each a standalone render_html page whose vis-network comes from /web/static/vis.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from neo4j.exceptions import ClientError

from api import alerts as alert_lib
from api import parties as party_lib
from api.auth import Principal, authenticate
from api.cases import case_detail
from api.console import ConsoleRefused, execute_read_only, run_console
from api.dashboard import dashboard_counts, mark_inbox_visit, party_alerts, party_names, party_retired
from api.http.security import SESSION_COOKIE, audit, require
from api.results import NotFound
from api.web.support import (
    PREFIX,
    PageRoute,
    check_csrf,
    check_origin,
    parse_instant,
    render,
    safe_next,
    set_login_cookie,
)
from graph_model.subgraph import GNode, Subgraph
from graph_model.types.case_numbers import normalise_case_no
from graph_model.types.dates import check_filter_day
from queries.alerts import (
    SORTS,
    STATUSES,
    TRANSITIONS,
    StaleVersion,
    StatusConflict,
    alert_stats,
    alerts_of_case,
    get_alert,
    list_alerts,
    set_status,
)
from queries.network import NetworkError, paths_between, resolve_party
from queries.registry import QueryError, Registry, SavedQuery
from visualizations import charts
from visualizations.labels import DETECTOR_ZH, REL_ZH
from visualizations.render import render_html, vis_asset_files

PUBLIC = True  # mounted at the root: the paths carry their own /web prefix
router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
# Bounds on what a path may name (422 beyond), before anything reaches Neo4j or the audit trail.
PageUid = Annotated[str, Path(min_length=1, max_length=200)]
PageCaseNo = Annotated[str, Path(min_length=1, max_length=100)]
PageKey = Annotated[str, Path(min_length=3, max_length=300)]

VIS_URL = PREFIX + "/static/vis"
NETWORK_TYPES = ("SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "DIRECTOR_OF", "SUPERVISOR_OF", "MANAGER_OF",
                 "ACTUAL_CONTROLLER_OF", "EMPLOYEE_OF", "SPOUSE_OF", "PARENT_OF", "SIBLING_OF", "RELATIVE_OF",
                 "GUARANTOR_OF", "SAME_AS", "HAS_PHONE", "HAS_ADDRESS")
VIEW_CAP = 150  # nodes drawn in one view; the rest behind "+N" expand nodes
INBOX_PAGE = 25
OPEN_STATUSES = ("new", "acknowledged")
CASE_NO_RE = re.compile(r"^[(（]\d{4}[)）].+号$")
ID_RE = re.compile(r"^[0-9A-Za-z]{15,18}$")
STATUS_ACTION_ZH = {"acknowledged": "标记已查看", "confirmed": "确认预警", "dismissed": "排除预警"}

P = Annotated[Principal, require("parties:read")]


def _graph(request: Request) -> Any:
    return request.app.state.graph


def _party_graph_url(node: GNode) -> str | None:
    uid = node.properties.get("uid")
    return f"{PREFIX}/parties/{_quote(uid)}/graph" if uid and "Party" in node.labels else None


def _quote(value: Any) -> str:
    return quote(str(value), safe="")


def _view(sub: Subgraph, title: str, hubs: list[str] | None = None) -> HTMLResponse:
    """A graph view for an iframe: standalone page, vis-network from our static route."""
    html = render_html(sub, title, cap=VIEW_CAP, expand_url=_party_graph_url, hubs=hubs or (), asset_url=VIS_URL)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                       "X-Frame-Options": "SAMEORIGIN"})


# --------------------------------------------------------------------------- login, logout, home, assets


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    """The login form (public: it only asks for a key)."""
    return render(request, "login.html.j2", next=safe_next(next), error=None)


@router.post("/login")
def login(request: Request, key: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str | None, Form()] = None) -> Response:
    """Turn a key into the session cookie (HttpOnly, SameSite=Strict) and go where the user wanted."""
    check_origin(request)
    principal = authenticate(request.app.state.store, key.strip())
    if principal is None:
        return render(request, "login.html.j2", status_code=401, next=safe_next(next),
                      error="密钥无效或已被吊销，请核对后重试。")
    request.state.principal = principal
    audit(request, principal, "session.login", None, {"via": "web"})
    response = RedirectResponse(safe_next(next, _home(principal)), status_code=303)
    set_login_cookie(request, response, principal)
    return response


@router.post("/logout")
def logout(request: Request, principal: Annotated[Principal, require("meta:read")],
           csrf_token: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf_token)
    audit(request, principal, "session.logout", None, {"via": "web"})
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _home(principal: Principal) -> str:
    return f"{PREFIX}/search" if principal.can("parties:read") else f"{PREFIX}/cases"


@router.get("/")
def home(principal: Annotated[Principal, require("meta:read")]) -> Response:
    return RedirectResponse(_home(principal), status_code=303)


@router.get("/static/vis/{name}")
def vis_asset(name: str, principal: Annotated[Principal, require("meta:read")]) -> Response:
    """vis-network served by ourselves (no CDN): the graph views load it from here."""
    files = vis_asset_files()
    if name not in files:
        raise NotFound(f"no asset {name!r}")
    return FileResponse(files[name], headers={"Cache-Control": "private, max-age=86400"})


# --------------------------------------------------------------------------- search and party


def _search_mode(text: str) -> str:
    if CASE_NO_RE.match(text):
        return "case_no"
    if ID_RE.match(text) and any(ch.isdigit() for ch in text):
        return "id_number"
    if ":" in text:
        return "party_id"
    return "name"


@router.get("/search")
def search(request: Request, principal: P,
           q: Annotated[str, Query(max_length=100)] = "",
           by: Annotated[str, Query(pattern="^(auto|name|id_number|case_no|party_id)$")] = "auto") -> Response:
    """Find parties by name, id number or source record, or jump to a case by its number."""
    text = q.strip()
    results: list[dict[str, Any]] | None = None
    mode = _search_mode(text) if by == "auto" and text else by
    if text:
        if mode == "case_no":
            return RedirectResponse(f"{PREFIX}/cases/{_quote(normalise_case_no(text) or text)}", status_code=303)
        audit(request, principal, "party.search", None, {mode: text, "via": "web"})
        criterion = {"name": "name", "id_number": "id_number", "party_id": "source_key"}[mode]
        results = party_lib.search_parties(_graph(request), **{criterion: text}, limit=50)
    return render(request, "search.html.j2", q=text, by=by, mode=mode, results=results)


def _network_params(depth: int, types: list[str] | None) -> tuple[int, list[str] | None]:
    chosen = [t for t in (types or []) if t in NETWORK_TYPES]
    return depth, (chosen or None)


@router.get("/parties/{uid}")
def party_page(request: Request, uid: PageUid, principal: P,
               depth: Annotated[int, Query(ge=1, le=3)] = 2,
               types: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    """Identity and source records, cases, asset panorama, alerts, shared contacts, the network view."""
    graph = _graph(request)
    audit(request, principal, "party.read", uid, {"via": "web"})
    profile = party_lib.party_profile(graph, uid)
    cases = party_lib.party_cases(graph, uid)
    assets = party_lib.asset_panorama(graph, uid)
    shared = party_lib.shared_contacts(graph, uid, 50)
    alerts = party_alerts(graph, uid) if principal.can("alerts:read") else []
    retired = party_retired(graph, uid)
    depth, chosen = _network_params(depth, types)
    query = [("depth", str(depth))] + [("types", t) for t in chosen or []]
    graph_url = f"{PREFIX}/parties/{_quote(uid)}/graph?" + "&".join(f"{k}={_quote(v)}" for k, v in query)
    return render(request, "party.html.j2", uid=uid, profile=profile, cases=cases, assets=assets, shared=shared,
                  alerts=alerts, retired=retired, depth=depth, types=chosen or [], all_types=[(t, REL_ZH.get(t, t)) for t in NETWORK_TYPES],
                  graph_url=graph_url)


@router.get("/parties/{uid}/graph")
def party_graph(request: Request, uid: PageUid, principal: P,
                depth: Annotated[int, Query(ge=1, le=3)] = 2,
                types: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    """The party's network as a graph view (the party page's iframe; expand links lead here too)."""
    depth, chosen = _network_params(depth, types)
    audit(request, principal, "party.network", uid, {"depth": depth, "types": chosen, "via": "web"})
    net = party_lib.party_network(_graph(request), uid, depth, chosen, 100, 300)
    name = next((n.properties.get("name") for n in net.subgraph.nodes.values()
                 if n.id == net.subgraph.subject), uid)
    return _view(net.subgraph, f"{name} 的关系网络（{depth} 层）", net.hubs)


# --------------------------------------------------------------------------- cases


@router.get("/cases")
def case_lookup(request: Request, principal: Annotated[Principal, require("cases:read")],
                case_no: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Open a case by its number (the case system's and everyone's way in)."""
    if case_no.strip():
        return RedirectResponse(f"{PREFIX}/cases/{_quote(normalise_case_no(case_no) or case_no.strip())}",
                                status_code=303)
    return render(request, "case_lookup.html.j2")


@router.get("/cases/{case_no}")
def case_page(request: Request, case_no: PageCaseNo, principal: Annotated[Principal, require("cases:read")]) -> HTMLResponse:
    """Parties, origin chain, measures, payments, auctions, settlements, and the case's alerts."""
    graph = _graph(request)
    audit(request, principal, "case.read", case_no, {"via": "web"})
    detail = case_detail(graph, case_no)
    alerts = alerts_of_case(graph, detail["case"]["case_no"]) if principal.can("alerts:case") else []
    return render(request, "case.html.j2", detail=detail, alerts=alerts, transitions=TRANSITIONS,
                  action_zh=STATUS_ACTION_ZH, case_no_shown=detail["case"]["case_no"])


@router.get("/cases/{case_no}/alerts/{key}/graph")
def case_alert_graph(request: Request, case_no: PageCaseNo, key: PageKey,
                     principal: Annotated[Principal, require("alerts:case")]) -> HTMLResponse:
    """The evidence of one of the case's alerts (the case page's iframe): for every role that sees the case's
    alerts, the case system included, which may not open alert pages (404 for an alert not of this case)."""
    detail = alert_lib.case_alert_detail(_graph(request), case_no, key)
    audit(request, principal, "alert.evidence", key, {"via": "web", "case_no": case_no})
    alert = detail["alert"]
    return _view(Subgraph.from_json(detail["evidence"]), f"预警证据：{DETECTOR_ZH.get(alert['detector'], alert['detector'])}")


# --------------------------------------------------------------------------- alerts


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field) from None
    try:
        return check_filter_day(day, field)
    except ValueError as exc:
        raise QueryError(str(exc), field) from None


@router.get("/alerts")
def inbox(request: Request, principal: Annotated[Principal, require("alerts:read")],
          detector: Annotated[str, Query(max_length=63)] = "",
          court: Annotated[str, Query(max_length=40)] = "",
          status: Annotated[str, Query(max_length=20)] = "open",
          date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
          date_until: Annotated[str, Query(alias="until", max_length=10)] = "",
          since: Annotated[str, Query(max_length=40)] = "",
          sort: Annotated[str, Query(max_length=20)] = "score",
          order: Annotated[str, Query(max_length=4)] = "desc",
          page: Annotated[int, Query(ge=1, le=10000)] = 1) -> HTMLResponse:
    """Alerts by detector, court, status and first-seen date, strongest first (or by first/last seen date);
    counts per detector; how many are new since the key's last visit."""
    graph = _graph(request)
    statuses: tuple[str, ...] | str | None
    if status == "open":
        statuses = OPEN_STATUSES
    elif status == "all":
        statuses = None
    elif status in STATUSES:
        statuses = status
    else:
        raise QueryError(f"status: {status!r} is not open, all or one of {', '.join(STATUSES)}", "status")
    seen_from: dt.date | dt.datetime | None = _date(date_from, "from")
    if since:
        try:
            seen_from = dt.datetime.fromisoformat(since)
        except ValueError:
            raise QueryError(f"since: {since!r} is not a date and time", "since") from None
    filters_in = {"detector": detector, "court": court, "status": status, "from": date_from, "until": date_until,
                  "since": since, "sort": sort, "order": order}
    sort, order = sort or "score", order or "desc"  # the form sends "" for the defaults
    if sort not in SORTS:
        raise QueryError(f"sort: {sort!r} is not one of {', '.join(SORTS)}", "sort")
    if order not in ("asc", "desc"):
        raise QueryError(f"order: {order!r} is not asc or desc", "order")
    listing = list_alerts(graph, detector=detector or None, court_code=court or None, status=statuses,
                          seen_from=seen_from, seen_until=_date(date_until, "until"),
                          skip=(page - 1) * INBOX_PAGE, limit=INBOX_PAGE, sort=sort, descending=order == "desc")
    audit(request, principal, "alert.list", None, {**filters_in, "page": page, "via": "web"})
    previous = mark_inbox_visit(request.app.state.store, principal.key_hash) if principal.key_hash else None
    new_since = (list_alerts(graph, status=OPEN_STATUSES, seen_from=previous, limit=1).total
                 if previous is not None else None)
    names = party_names(graph, [a["party_uid"] for a in listing.items if a.get("party_uid")])
    fresh = {a["key"] for a in listing.items
             if previous is not None and (seen := parse_instant(a.get("first_seen"))) and seen > previous}
    stats = alert_stats(graph, DETECTOR_ZH)
    counts = dashboard_counts(graph, statuses=tuple(s for s in STATUSES if s != "resolved"))
    filters = {"detector": detector, "court": court, "status": status, "from": date_from, "until": date_until,
               "since": since, "sort": "" if sort == "score" else sort, "order": "" if order == "desc" else order}
    return render(request, "alerts.html.j2", listing=listing, page=page, page_size=INBOX_PAGE, filters=filters,
                  stats=stats, courts=counts.courts, statuses=STATUSES, previous=previous, new_since=new_since,
                  previous_iso=previous.isoformat() if previous else "", detectors=DETECTOR_ZH, fresh=fresh,
                  names=names)


@router.get("/alerts/{key}")
def alert_page(request: Request, key: PageKey, principal: Annotated[Principal, require("alerts:read")]) -> HTMLResponse:
    """One alert: message, basis, related records, history, evidence view, and the status form."""
    audit(request, principal, "alert.read", key, {"via": "web"})
    return _alert_html(request, key)


def _alert_html(request: Request, key: str, conflict: StatusConflict | None = None, back: str | None = None,
                tried: str | None = None, draft_reason: str | None = None) -> HTMLResponse:
    """The alert page; after a refused change also what was tried, with the typed reason kept in the form and the
    form going back where the first one would have (`back`), not to the POST address it was answered at."""
    graph = _graph(request)
    alert, evidence = get_alert(graph, key)
    names = party_names(graph, [alert["party_uid"]] if alert.get("party_uid") else [])
    extra = {"request_path": back} if back else {}
    page = render(request, "alert.html.j2", alert=alert, transitions=TRANSITIONS, action_zh=STATUS_ACTION_ZH,
                  evidence_nodes=len(evidence.nodes), names=names, conflict=conflict, tried=tried,
                  draft_reason=draft_reason, **extra)
    if conflict is not None:
        page.status_code = 409
    return page


@router.get("/alerts/{key}/graph")
def alert_graph(request: Request, key: PageKey, principal: Annotated[Principal, require("alerts:read")]) -> HTMLResponse:
    """The alert's evidence as a graph view (iframe)."""
    alert, evidence = get_alert(_graph(request), key)
    audit(request, principal, "alert.evidence", key, {"via": "web"})
    return _view(evidence, f"预警证据：{DETECTOR_ZH.get(alert['detector'], alert['detector'])}")


@router.post("/alerts/{key}/status")
def alert_status(request: Request, key: PageKey, principal: Annotated[Principal, require("alerts:write")],
                 status: Annotated[str, Form(max_length=20)] = "",
                 reason: Annotated[str, Form(max_length=2000)] = "",
                 csrf_token: Annotated[str | None, Form()] = None,
                 next: Annotated[str | None, Form()] = None,
                 version: Annotated[int | None, Form(ge=1, le=10**9)] = None) -> Response:
    """Acknowledge, confirm or dismiss an alert with a reason (CSRF-checked), then go back.

    The form carries the version the page showed: when someone changed the alert meanwhile the
    change is not made and the page says who changed it to what, instead of overwriting it.
    """
    check_csrf(request, csrf_token)
    params: dict[str, Any] = {"status": status, "reason": reason, "via": "web"}
    if version is not None:
        params["if_match"] = version
    try:
        set_status(_graph(request), key, status, principal.actor, reason, expected_version=version)
    except StatusConflict as exc:
        audit(request, principal, "alert.status", key, params | {"refused": str(exc)})
        if isinstance(exc, StaleVersion) or version is None:
            return _alert_html(request, key, conflict=exc, back=safe_next(next, f"{PREFIX}/alerts/{_quote(key)}"),
                               tried=status, draft_reason=reason)
        raise
    audit(request, principal, "alert.status", key, params)
    return RedirectResponse(safe_next(next, f"{PREFIX}/alerts/{_quote(key)}"), status_code=303)


# --------------------------------------------------------------------------- saved queries and console


def _registry(request: Request) -> Registry:
    return request.app.state.registry


def _saved(request: Request, name: str) -> SavedQuery:
    try:
        return _registry(request).get(name)
    except QueryError:
        raise NotFound(f"no saved query or detector named {name!r}") from None


GROUP_ZH = {"saved": "常用查询", "detectors": "预警规则（检测器）", "user": "调查人员保存的查询"}


@router.get("/queries")
def queries_page(request: Request, principal: Annotated[Principal, require("queries:read")]) -> HTMLResponse:
    """The catalogue of saved queries and detectors, by group."""
    groups: dict[str, list[SavedQuery]] = {}
    for q in sorted(_registry(request).queries.values(), key=lambda q: q.name):
        groups.setdefault(q.group, []).append(q)
    ordered = [(GROUP_ZH.get(g, g), groups[g]) for g in ("saved", "detectors", "user") if g in groups]
    return render(request, "queries.html.j2", groups=ordered)


def _input(param: Any) -> dict[str, Any]:
    """How a typed parameter is asked for in the generated form."""
    kind = param.type
    spec: dict[str, Any] = {"name": param.name, "type": kind, "doc": param.doc, "required": param.required,
                            "choices": list(param.choices), "min": param.minimum, "max": param.maximum}
    default = param.default
    if kind == "date" and default == "today":
        default = dt.date.today().isoformat()
    if isinstance(default, list):
        default = ", ".join(str(v) for v in default)
    spec["default"] = "" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
    spec["widget"] = ("checkboxes" if kind == "list<string>" and param.choices else
                      "select" if param.choices or kind == "boolean" else
                      {"integer": "number", "float": "number", "date": "date"}.get(kind, "text"))
    spec["step"] = "1" if kind == "integer" else "any"
    return spec


@router.get("/queries/{name}")
def query_page(request: Request, name: str, principal: Annotated[Principal, require("queries:run")]) -> HTMLResponse:
    """A saved query's generated form; with run=1 its result as a table and, when it holds nodes, a graph."""
    query = _saved(request, name)
    inputs = [_input(p) for p in query.parameters.values()]
    values: dict[str, Any] = {}
    result = None
    graph_html = None
    error = None
    form = request.query_params
    if form.get("run"):
        for p in query.parameters.values():
            if p.type == "list<string>" and p.choices:
                picked = form.getlist(p.name)
                values[p.name] = picked or None
            else:
                raw = form.get(p.name, "").strip()
                values[p.name] = raw or None
        audit(request, principal, "query.run", name, {k: v for k, v in values.items() if v is not None})
        settings = request.app.state.settings
        try:
            result = execute_read_only(_graph(request), query.cypher, query.bind(values),
                                       row_limit=settings.debtgraph_console_row_limit,
                                       timeout=settings.debtgraph_query_timeout)
        except QueryError as exc:
            error = str(exc)
        if result is not None and result.graph:
            graph_html = render_html(Subgraph.from_json(result.graph), query.title_zh, cap=VIEW_CAP,
                                     expand_url=_party_graph_url, asset_url=VIS_URL)
    return render(request, "query.html.j2", query=query, inputs=inputs, values=values, result=result,
                  graph_html=graph_html, error=error, status_code=422 if error else 200)


@router.get("/console")
def console_form(request: Request, principal: Annotated[Principal, require("console:run")]) -> HTMLResponse:
    return render(request, "console.html.j2", text="MATCH (p:Party) RETURN p.name AS 名称, p.kind AS 类型 LIMIT 10",
                  result=None, graph_html=None, error=None)


@router.post("/console")
def console_run(request: Request, principal: Annotated[Principal, require("console:run")],
                text: Annotated[str, Form(max_length=20000)] = "",
                csrf_token: Annotated[str | None, Form()] = None) -> HTMLResponse:
    """The read-only Cypher console (api.console.run_console's checks apply)."""
    check_csrf(request, csrf_token)
    params: dict[str, Any] = {"statement": text, "via": "web"}
    settings = request.app.state.settings
    result = graph_html = error = None
    status = 200
    try:
        result = run_console(_graph(request), text, row_limit=settings.debtgraph_console_row_limit,
                             timeout=settings.debtgraph_query_timeout)
    except ConsoleRefused as exc:
        error, status = f"已拒绝：{exc}", 403
    except ClientError as exc:
        error, status = f"Cypher 语句有误：{exc.message or exc}", 400
    except QueryError as exc:
        error, status = f"语句有误：{exc}", 422
    audit(request, principal, "console.run", None, params | ({"refused": error[:500]} if error else
                                                           {"rows": len(result.rows) if result else 0}))
    if result is not None and result.graph:
        graph_html = render_html(Subgraph.from_json(result.graph), "查询结果", cap=VIEW_CAP,
                                 expand_url=_party_graph_url, asset_url=VIS_URL)
    return render(request, "console.html.j2", status_code=status, text=text, result=result, graph_html=graph_html,
                  error=error)


# --------------------------------------------------------------------------- paths


def _resolve(graph: Any, ref: str) -> tuple[str | None, list[dict[str, Any]]]:
    """A party reference as a uid: uid / id number / source key directly, else a unique name match."""
    try:
        return resolve_party(graph, ref).uid, []
    except NetworkError:
        pass
    found = party_lib.search_parties(graph, name=ref, limit=10)
    exact = [p for p in found if p["name"] == ref]
    if len(exact) == 1:
        return exact[0]["uid"], []
    return None, found


@router.get("/paths")
def paths_page(request: Request, principal: P,
               a: Annotated[str, Query(max_length=200)] = "", b: Annotated[str, Query(max_length=200)] = "",
               k: Annotated[int, Query(ge=1, le=10)] = 3,
               max_hops: Annotated[int, Query(ge=1, le=6)] = 4) -> HTMLResponse:
    """Two parties → the k shortest relation paths between them, explained in Chinese and drawn."""
    graph = _graph(request)
    result = graph_html = None
    candidates: dict[str, list[dict[str, Any]]] = {}
    error = None
    if a.strip() and b.strip():
        uid_a, cand_a = _resolve(graph, a.strip())
        uid_b, cand_b = _resolve(graph, b.strip())
        if uid_a is None or uid_b is None:
            candidates = {"a": cand_a, "b": cand_b}
            missing = [ref for ref, uid in ((a, uid_a), (b, uid_b)) if uid is None]
            error = "未能唯一确定当事人：" + "、".join(missing) + "（请从候选中选择，或输入证件号码）"
        else:
            audit(request, principal, "party.paths", uid_a, {"to": uid_b, "k": k, "max_hops": max_hops, "via": "web"})
            try:
                result = paths_between(graph, uid_a, uid_b, k=k, max_hops=max_hops)
            except NetworkError as exc:
                error = str(exc)
            if result is not None and result.paths:
                graph_html = render_html(result.subgraph, f"{result.source.name} ↔ {result.target.name}",
                                         expand_url=_party_graph_url, asset_url=VIS_URL)
    return render(request, "paths.html.j2", a=a, b=b, k=k, max_hops=max_hops, result=result, graph_html=graph_html,
                  candidates=candidates, error=error)


# --------------------------------------------------------------------------- dashboard


@router.get("/dashboard")
def dashboard(request: Request, principal: Annotated[Principal, require("alerts:read")]) -> HTMLResponse:
    """Alerts per detector and court, repeat-offender employers, 终本 cases with hidden receivables and with
    property on record, by court."""
    audit(request, principal, "dashboard.read", None, {"via": "web"})  # it names employers
    graph = _graph(request)
    counts = dashboard_counts(graph)
    stats = alert_stats(graph, DETECTOR_ZH)
    svgs = [
        charts.alerts_per_detector(counts.per_detector),
        charts.alerts_per_court(counts.per_court),
        charts.repeat_offender_employers([(e["name"], e["cases"]) for e in counts.repeat_employers]),
        charts.hidden_receivables_by_court(counts.hidden_receivables_by_court),
        charts.property_in_terminated_by_court(counts.property_in_terminated_by_court),
    ]
    totals = {s: sum(row[s] for row in stats) for s in STATUSES}
    return render(request, "dashboard.html.j2", charts=[Markup(svg) for svg in svgs], counts=counts, totals=totals,
                  employers=counts.repeat_employers)


@router.get("/{rest:path}")
def unknown_page(rest: str, principal: Annotated[Principal, require("meta:read")]) -> Response:
    """Any other path under /web: a 404 page for browsers (registered last, after every real page)."""
    raise NotFound(f"没有这个页面：{PREFIX}/{rest}")


__all__ = ["PUBLIC", "router"]
