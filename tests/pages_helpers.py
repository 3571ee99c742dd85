"""Shared pieces of the web page tests: the seed stories loaded with their alerts stored, a key per
role, and a tiny export holding a party whose name is an XSS attempt.

Imported by tests/test_pages.py and tests/test_pages_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from api import auth
from api.security_store import open_store
from graph_model.db import Graph
from loaders.load import load_export
from queries.alerts import run_detectors, store_runs
from queries.registry import Registry

SEED = Path(__file__).parent / "fixtures" / "seed_stories"
XSS_NAME = "<img src=x onerror=alert(1)>"
ZHANG_WEI = "id:310104198503127610"
ZHANG_WEI_CASE = "(2023)沪0104执1234号"
HIDDEN = f"hidden_receivable:{ZHANG_WEI_CASE}"
COLLUSIVE = f"collusive_settlement:{ZHANG_WEI_CASE}"


def write_xss_export(root: Path) -> Path:
    """A one-party export whose party name is markup: it must show as text everywhere."""
    export = root / "xss-court"
    export.mkdir(parents=True, exist_ok=True)
    (export / "parties.csv").write_text(
        "party_id,kind,name,id_number,status,registered_on,address,phone\n"
        f'X1,person,"{XSS_NAME}",,,,上海市黄浦区测试路1号,13900000001\n'
        "X2,company,上海测试债权人有限公司,,active,,,\n", encoding="utf-8")
    (export / "cases.csv").write_text(
        "case_no,kind,court,cause,filed_on,closed_on,status,amount,amount_paid,origin_case_no,outcome,claims_deadline\n"
        "(2024)沪0101执9号,enforcement,上海市黄浦区人民法院,借款纠纷,2024-02-01,,pending,1000,0,,,\n", encoding="utf-8")
    (export / "case_parties.csv").write_text(
        "case_no,party_id,role,fees_unpaid\n(2024)沪0101执9号,X2,applicant,\n(2024)沪0101执9号,X1,respondent,\n",
        encoding="utf-8")
    return export


def seed(graph: Graph, tmp: Path) -> dict[str, str]:
    """Empty the graph, load the seed stories and the XSS export, store the alerts at the stories'
    as_of; a key per role (role → key)."""
    graph.reset()
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    for name in expected["exports"]:
        load_export(graph, SEED / name, name, rejects=tmp / f"{name}.rejects.csv")
    load_export(graph, write_xss_export(tmp), "xss-court", rejects=tmp / "xss.rejects.csv")
    as_of = dt.date.fromisoformat(expected["as_of"])
    store_runs(graph, run_detectors(graph, Registry(), as_of=as_of), as_of)
    store = open_store(tmp / "security.sqlite3")  # the store of an app whose data directory is `tmp`
    return {role: auth.create_key(store, f"web-{role}", role)[0] for role in auth.ROLES}
