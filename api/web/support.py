"""Page machinery: templates, the session cookie with its CSRF token, HTML answers for errors.

Login reuses the API's session: the same signed cookie (``debtgraph_session``) carrying the key's
hash, re-checked on every request, so revoking a key ends its page sessions too. The page login
adds a random per-session CSRF token to the signed cookie and sets it ``SameSite=Strict``; every
form that changes something carries that token, and a POST without it (or with another session's
token) is refused with 403. Requests authenticated by an API key header carry no ambient
credentials and need no token.

Browsers (``Accept: text/html``) get HTML for errors: 401 redirects to the login page, 403/404/422
render an error page. Other clients get the API's problem details.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Coroutine
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from itsdangerous import BadSignature
from neo4j.exceptions import ClientError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import PERMISSIONS, Principal
from api.console import ConsoleRefused, CypherError
from api.http.errors import problem_response
from api.http.security import SESSION_COOKIE, session_max_age
from api.results import NotFound
from queries.alerts import AlertError, AlertNotFound
from queries.network import NetworkError
from queries.registry import QueryError
from visualizations import labels as L

log = logging.getLogger("debtgraph.web")
PREFIX = "/web"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

ROLE_ZH = {"judge": "执行法官", "investigator": "调查人员", "case_system": "案件系统", "admin": "系统管理员"}
ROLE_ZH_PARTY = {"applicant": "申请执行人", "respondent": "被执行人", "plaintiff": "原告", "defendant": "被告",
                 "third_party": "第三人", "administrator": "破产管理人"}
NAV = (  # (label, path, permission): the header shows the items the role may open
    ("搜索", "/search", "parties:read"),
    ("案件", "/cases", "cases:read"),
    ("预警", "/alerts", "alerts:read"),
    ("查询", "/queries", "queries:read"),
    ("路径", "/paths", "parties:read"),
    ("仪表盘", "/dashboard", "alerts:read"),
)


# --------------------------------------------------------------------------- templates


_NANOS = re.compile(r"(\.\d{6})\d+")


def parse_instant(value: Any) -> dt.datetime | None:
    """An ISO datetime string as the graph returns it (nanoseconds allowed); None when it is not one."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(_NANOS.sub(r"\1", value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _when(value: Any, with_time: bool = True) -> str:
    """An ISO date or datetime (UTC) as Beijing local time, the way a court reads it."""
    if value is None or isinstance(value, jinja2.Undefined) or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(_NANOS.sub(r"\1", value))
        except ValueError:
            try:
                value = dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone(dt.timedelta(hours=8)))
        return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _money(value: Any) -> str:
    return "—" if value is None or isinstance(value, jinja2.Undefined) else L.money(value)


def _pct(value: Any) -> str:
    return "—" if value is None or isinstance(value, jinja2.Undefined) else L.percent(value)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             extensions=["jinja2.ext.do"],
                             undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "when": _when, "day": lambda v: _when(v, with_time=False), "money": _money, "pct": _pct,
        "masked": L.mask_id_number, "retired": L.retired_note, "url": lambda v: quote(str(v), safe=""),
        "detector": lambda v: L.DETECTOR_ZH.get(str(v), str(v)),
        "alert_status": lambda v: L.ALERT_STATUS_ZH.get(str(v), str(v)),
        "case_status": lambda v: L.zh(L.CASE_STATUS_ZH, v), "case_kind": lambda v: L.zh(L.CASE_KIND_ZH, v),
        "asset_kind": lambda v: L.zh(L.ASSET_KIND_ZH, v), "measure_kind": lambda v: L.zh(L.MEASURE_KIND_ZH, v),
        "auction_result": lambda v: L.zh(L.AUCTION_RESULT_ZH, v), "party_status": lambda v: L.zh(L.PARTY_STATUS_ZH, v),
        "party_role": lambda v: ROLE_ZH_PARTY.get(str(v), str(v)), "rel": lambda v: L.REL_ZH.get(str(v), str(v)),
        "kind_of": lambda labels: next((L.KIND_ZH[x] for x in labels if x in L.KIND_ZH and x != "Party"),
                                       L.KIND_ZH.get(labels[0], labels[0]) if labels else ""),
        "kind": lambda v: {"person": "自然人", "company": "企业", "organization": "其他组织"}.get(str(v), str(v)),
    })
    return env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the header's principal, navigation and CSRF token."""
    principal: Principal | None = getattr(request.state, "principal", None)
    nav = [(label, PREFIX + path) for label, path, perm in NAV if principal is not None and principal.can(perm)]
    base: dict[str, Any] = {
        "request_path": request.url.path, "principal": principal,
        "role_zh": ROLE_ZH.get(principal.role, principal.role) if principal else "", "nav": nav,
        "csrf": csrf_token(request) or "", "prefix": PREFIX,
        "can": (lambda perm: principal is not None and principal.can(perm))}
    html = environment().get_template(template).render(**(base | context))  # a page may name its own request_path
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


SECURITY_HEADERS = {
    # pages load only from this server; graph views (iframes) are same-origin
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: blob:; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# --------------------------------------------------------------------------- session and CSRF


def login_cookie(request: Request, principal: Principal) -> str:
    """The API's session cookie payload (the key hash) plus this session's random CSRF token."""
    return request.app.state.session_serializer.dumps({"h": principal.key_hash, "c": secrets.token_urlsafe(24)})


def set_login_cookie(request: Request, response: Response, principal: Principal) -> None:
    response.set_cookie(SESSION_COOKIE, login_cookie(request, principal), max_age=session_max_age(request), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")


def csrf_token(request: Request) -> str | None:
    """This session's CSRF token (None without a page-login cookie)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        data = request.app.state.session_serializer.loads(cookie, max_age=session_max_age(request))
    except BadSignature:
        return None
    token = data.get("c") if isinstance(data, dict) else None
    if isinstance(token, str):
        return token
    # A session opened through the API (POST /api/v1/session) carries no token of its own: derive one
    # from the signed cookie with the server's secret, so it is still per session and unguessable.
    secret = request.app.state.session_serializer.secret_keys[-1]
    return hmac.new(secret, b"csrf:" + cookie.encode("utf-8"), "sha256").hexdigest()


def by_api_key(request: Request) -> bool:
    """The request names its key in a header: no ambient credential, nothing to forge."""
    return bool(request.headers.get("x-api-key") or request.headers.get("authorization"))


def same_origin(request: Request) -> bool:
    """A browser's POST names its origin; one from another site is refused (login CSRF included)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def check_origin(request: Request) -> None:
    if not same_origin(request):
        raise HTTPException(403, "请求来自其他网站，已拒绝")


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse a cookie-authenticated change whose form does not carry this session's token."""
    if by_api_key(request):
        return
    check_origin(request)
    expected = csrf_token(request)
    if not expected or not token or not hmac.compare_digest(expected, token):
        raise HTTPException(403, "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")


def safe_next(target: str | None, default: str = PREFIX + "/") -> str:
    """Only paths of the pages themselves may be redirect targets (no open redirect)."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


# --------------------------------------------------------------------------- errors as pages


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


ERROR_TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 409: "操作冲突", 422: "输入有误"}
DATABASE_REFUSED_ZH = "数据库未能执行该请求，错误已记录；请检查输入后重试"


# The library's messages are English (the API's clients and the logs read them); a judge reads the page in
# Chinese. Known shapes are said again in Chinese; anything else is shown as it is.
_ZH_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), t) for p, t in (
    (r"^no case (.+)$", "没有找到案件 {0}"),
    (r"^no party with uid '(.+)'$", "没有找到当事人 {0}"),
    (r"^no alert with key '(.+)'$", "没有找到预警 {0}"),
    (r"^alert (.+) is not one of the open alerts of case (.+)$", "预警 {0} 不是案件 {1} 的在办预警"),
    (r"^no saved query or detector named '(.+)'$", "没有名为 {0} 的查询或预警规则"),
    (r"^no asset '(.+)'$", "没有找到财产 {0}"),
    (r"^String should have at most (\d+) characters?$", "最多 {0} 个字符"),
    (r"^String should have at least (\d+) characters?$", "至少 {0} 个字符"),
    (r"^Field required$", "必填"),
    (r"^Input should be a valid integer.*$", "应为整数"),
    (r"^Input should be a valid date.*$", "应为日期（YYYY-MM-DD）"),
    (r"^Input should be (?:less|greater) than or equal to (.+)$", "超出允许范围（界限 {0}）"),
))


def zh_detail(text: str) -> str:
    """A library message in Chinese when its shape is known (each part of a '；'-joined list on its own)."""
    def one(part: str) -> str:
        field, sep, message = part.partition(": ")
        for candidate, prefix in ((part, ""), (message, f"{field}：") if sep else (None, "")):
            if candidate is None:
                continue
            for pattern, template in _ZH_DETAILS:
                m = pattern.match(candidate)
                if m:
                    return prefix + template.format(*m.groups())
        return part
    return "；".join(one(p) for p in text.split("；"))


def _status_and_detail(exc: Exception) -> tuple[int, str] | None:
    if isinstance(exc, CypherError):  # an investigator's saved query: the server's explanation, cleaned
        return 400, f"Cypher 语句有误：{exc.message}"
    if isinstance(exc, ClientError) and (exc.code or "") != "Neo.ClientError.Statement.AccessMode" \
            and not (exc.code or "").startswith(("Neo.ClientError.Security", "Neo.ClientError.Transaction")):
        log.error("the database refused a page request: %s %s", exc.code, exc.message)  # never the server's text
        return 400, DATABASE_REFUSED_ZH
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail or "")
    if isinstance(exc, NotFound | AlertNotFound):
        return 404, str(exc)
    if isinstance(exc, ConsoleRefused):
        return 403, str(exc)
    if isinstance(exc, RequestValidationError):
        return 422, "；".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
    if isinstance(exc, AlertError):
        return 409, str(exc)
    if isinstance(exc, QueryError | NetworkError):
        return 422, str(exc)
    return None


def error_page(request: Request, exc: Exception) -> Response | None:
    """The browser's answer for an error (None: not one pages answer themselves)."""
    found = _status_and_detail(exc)
    if found is None:
        return None
    status, detail = found
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)
    if status == 403 and "may not do this" in detail:
        principal = getattr(request.state, "principal", None)
        role = ROLE_ZH.get(principal.role, principal.role) if principal else ""
        match = re.search(r"\(([a-z_]+:[a-z_]+):", detail)
        needed = match.group(1) if match else ""
        roles = "、".join(ROLE_ZH.get(r, r) for r in sorted(PERMISSIONS.get(needed, ())))
        detail = f"当前角色（{role}）无权打开此页面" + (f"；需要：{roles}" if roles else "")
    return render(request, "error.html.j2", status_code=status, status=status,
                  title=ERROR_TITLES.get(status, "出错了"), detail=zh_detail(detail))


class PageRoute(APIRoute):
    """A route whose errors reach browsers as pages (login redirect, error page) and others as problems."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                if wants_html(request):
                    page = error_page(request, exc)
                    if page is not None:
                        return page
                elif isinstance(exc, AlertError | NetworkError):  # the API's handlers do not know these
                    status, detail = _status_and_detail(exc) or (500, str(exc))
                    return problem_response(status, detail)
                raise

        return page_handler
