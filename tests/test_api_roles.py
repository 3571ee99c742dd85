"""Every route with every role, against a table written by hand from docs/api.md and docs/pages.md.

The table is NOT derived from api.auth.PERMISSIONS (the thing it checks): docs/api.md's role table says
judge = parties, cases, alerts (read, change status), network analytics; investigator = that plus saved
queries, the console and identity review; case_system = a case's detail and that case's alerts (with
evidence) only; admin = everything plus keys, loads, detection runs and the audit trail. A route the
table does not list fails the test, so a new route needs a decision here.
"""

from __future__ import annotations

from typing import Any

import api_helpers
import pytest
from api_helpers import Api
from test_api import _route_table

api = api_helpers.api

ALL = frozenset({"judge", "investigator", "case_system", "admin"})
READERS = frozenset({"judge", "investigator", "admin"})  # parties, alerts, network: everyone but the case system
INVESTIGATORS = frozenset({"investigator", "admin"})
ADMIN = frozenset({"admin"})
PUBLIC = None

EXPECTED: dict[tuple[str, str], frozenset[str] | None] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/health"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/openapi.json"): ALL,
    ("GET", "/docs"): ALL,
    ("GET", "/api/v1/version"): ALL,
    ("GET", "/api/v1/me"): ALL,
    ("POST", "/api/v1/session"): ALL,
    ("DELETE", "/api/v1/session"): ALL,
    ("GET", "/api/v1/parties"): READERS,
    ("GET", "/api/v1/parties/x"): READERS,
    ("GET", "/api/v1/parties/x/cases"): READERS,
    ("GET", "/api/v1/parties/x/network"): READERS,
    ("GET", "/api/v1/parties/x/assets"): READERS,
    ("GET", "/api/v1/parties/x/shared-contacts"): READERS,
    ("GET", "/api/v1/parties/x/paths/x"): READERS,
    ("GET", "/api/v1/cases/x"): ALL,  # case detail: the case system's first call
    ("GET", "/api/v1/cases/x/alerts"): ALL,  # the case system's second call
    ("GET", "/api/v1/cases/x/alerts/x"): ALL,  # one of those alerts, with its evidence
    ("GET", "/api/v1/alerts"): READERS,  # every court's alerts: not the case system's
    ("GET", "/api/v1/alerts/x"): READERS,
    ("POST", "/api/v1/alerts/x/status"): READERS,
    ("POST", "/api/v1/detect"): ADMIN,
    ("GET", "/api/v1/network/companies/x/controller"): READERS,
    ("GET", "/api/v1/network/parties/x/controlled"): READERS,
    ("GET", "/api/v1/network/groups"): READERS,
    ("GET", "/api/v1/network/parties/x/group"): READERS,
    ("GET", "/api/v1/network/parties/x/brokers"): READERS,
    ("GET", "/api/v1/network/cycles"): READERS,
    ("GET", "/api/v1/network/paths"): READERS,
    ("GET", "/api/v1/identity/pending"): INVESTIGATORS,
    ("POST", "/api/v1/identity/confirm"): INVESTIGATORS,
    ("POST", "/api/v1/identity/reject"): INVESTIGATORS,
    ("GET", "/api/v1/queries"): INVESTIGATORS,
    ("GET", "/api/v1/queries/x"): INVESTIGATORS,
    ("POST", "/api/v1/queries/x/run"): INVESTIGATORS,
    ("POST", "/api/v1/queries"): INVESTIGATORS,
    ("POST", "/api/v1/console"): INVESTIGATORS,
    ("POST", "/api/v1/loads"): ADMIN,
    ("GET", "/api/v1/loads"): ADMIN,
    ("GET", "/api/v1/loads/x"): ADMIN,
    ("GET", "/api/v1/loads/x/rejects"): ADMIN,
    ("POST", "/api/v1/keys"): ADMIN,
    ("GET", "/api/v1/keys"): ADMIN,
    ("POST", "/api/v1/keys/x/revoke"): ADMIN,
    ("GET", "/api/v1/audit"): ADMIN,
    ("GET", "/api/v1/audit/export"): ADMIN,
    # pages (docs/pages.md)
    ("GET", "/web/login"): PUBLIC,
    ("POST", "/web/login"): PUBLIC,
    ("POST", "/web/logout"): ALL,
    ("GET", "/web/"): ALL,
    ("GET", "/web/static/vis/x"): ALL,
    ("GET", "/web/search"): READERS,
    ("GET", "/web/parties/x"): READERS,
    ("GET", "/web/parties/x/graph"): READERS,
    ("GET", "/web/cases"): ALL,
    ("GET", "/web/cases/x"): ALL,
    ("GET", "/web/cases/x/alerts/x/graph"): ALL,  # the case page's evidence views: the case's alerts
    ("GET", "/web/alerts"): READERS,
    ("GET", "/web/alerts/x"): READERS,
    ("GET", "/web/alerts/x/graph"): READERS,
    ("POST", "/web/alerts/x/status"): READERS,
    ("GET", "/web/queries"): INVESTIGATORS,
    ("GET", "/web/queries/x"): INVESTIGATORS,
    ("GET", "/web/console"): INVESTIGATORS,
    ("POST", "/web/console"): INVESTIGATORS,
    ("GET", "/web/paths"): READERS,
    ("GET", "/web/dashboard"): READERS,
    ("GET", "/web/x"): ALL,  # the 404 page
}
# What an allowed role may get for a placeholder path ("x") or an empty body: an answer, "no such thing"
# or "bad input" — never a refusal and never a server error.
ALLOWED_ANSWERS = {200, 201, 303, 404, 422}


def test_the_table_names_every_route_the_app_serves(api: Api) -> None:
    served = {(method, path) for method, path, _ in _route_table(api.app)}
    assert served == set(EXPECTED), {"not in the table": served - set(EXPECTED),
                                     "not served": set(EXPECTED) - served}


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_reaches_exactly_the_routes_the_docs_give_it(api: Api, role: str) -> None:
    api_helpers.build_story(api.graph)
    wrong: list[tuple[str, str, int, Any]] = []
    for (method, path), allowed in EXPECTED.items():
        if allowed is None or (method, path) == ("DELETE", "/api/v1/session"):
            continue
        api.client.cookies.clear()
        res = api.client.request(method, path, headers=api.headers(role), follow_redirects=False)
        if role in allowed:
            if res.status_code not in ALLOWED_ANSWERS:
                wrong.append((method, path, res.status_code, res.text[:200]))
        elif res.status_code != 403:
            wrong.append((method, path, res.status_code, "should be 403"))
    api.client.cookies.clear()
    assert wrong == []
