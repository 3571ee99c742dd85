"""Shared pieces of the API tests: an app over the test graph, one key per role, a small case graph.

Imported by tests/test_api*.py (fixtures are re-bound in each module).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import auth
from api.http import create_app
from api.security_store import SecurityStore, store_for
from graph_model.db import Graph


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    graph: Graph
    keys: dict[str, str]  # role → key
    store: SecurityStore  # the app's keys and audit trail

    def headers(self, role: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}

    def get(self, url: str, role: str = "admin", **kw: object) -> object:
        return self.client.get(url, headers=self.headers(role), **kw)  # type: ignore[arg-type]

    def post(self, url: str, role: str = "admin", **kw: object) -> object:
        return self.client.post(url, headers=self.headers(role), **kw)  # type: ignore[arg-type]


def make_api(graph: Graph, data_dir: Path, **settings_update: object) -> Api:
    """An app whose data directory (and so security store, <data_dir>/security.sqlite3) is `data_dir`."""
    settings = graph.settings.model_copy(update={"debtgraph_data_dir": data_dir, "debtgraph_security_db": None,
                                                 **settings_update})
    store = store_for(settings)
    app = create_app(settings, graph=graph, store=store)
    keys = {role: auth.create_key(store, f"test-{role}", role)[0] for role in auth.ROLES}
    return Api(app, TestClient(app), graph, keys, store)


@pytest.fixture
def api(graph: Graph, tmp_path: Path) -> Iterator[Api]:
    """The app over the emptied test graph, with a key for each role."""
    made = make_api(graph, tmp_path)
    with made.client:
        yield made


# A small enforcement story, model-conformant (the loader writes the same shapes):
# 张三 (person, valid id) owes 李四 in an enforcement case resting on a civil judgment; 张三 holds 60% of
# 上海某贸易有限公司, which owns a flat seized in that case; 张三 is himself applicant in an open 终本 case
# against 王五; 张三 gave a car to 赵六 (phone shared with 张三) a year ago; 钱七 shares the address.
STORY = """
CREATE (zs:Party:Person {uid: 'id:110101199003074477', entity_id: 'id:110101199003074477', kind: 'person',
          name: '张三', names: ['张三', '张叁'], id_number: '110101199003074477', source_keys: ['courtA:P1', 'courtB:X7'],
          sources: ['courtA', 'courtB']})
CREATE (ls:Party:Person {uid: 'src:courtA:P2', entity_id: 'src:courtA:P2', kind: 'person', name: '李四',
          names: ['李四'], source_keys: ['courtA:P2'], sources: ['courtA'], id_invalid: true,
          id_number_raw: '110101199003074470'})
CREATE (ww:Party:Person {uid: 'src:courtB:P3', kind: 'person', name: '王五', names: ['王五'],
          source_keys: ['courtB:P3'], sources: ['courtB']})
CREATE (zl:Party:Person {uid: 'src:courtA:P4', kind: 'person', name: '赵六', names: ['赵六'],
          source_keys: ['courtA:P4'], sources: ['courtA']})
CREATE (qq:Party:Person {uid: 'src:courtA:P5', kind: 'person', name: '钱七', names: ['钱七'],
          source_keys: ['courtA:P5'], sources: ['courtA']})
CREATE (co:Party:Company {uid: 'id:91310000MA1FL0XX3X', kind: 'company', name: '上海某贸易有限公司',
          names: ['上海某贸易有限公司'], id_number: '91310000MA1FL0XX3X', status: 'active',
          source_keys: ['courtA:C1'], sources: ['courtA']})
CREATE (zs)-[:SHAREHOLDER_OF {share: 0.6, since: date('2019-05-01'), sources: ['courtA']}]->(co)
CREATE (zs)-[:LEGAL_REPRESENTATIVE_OF {sources: ['courtA']}]->(co)
CREATE (ph:Phone {number: '13800138000'})
CREATE (ad:Address {text: '上海市徐汇区漕溪北路1号'})
CREATE (zs)-[:HAS_PHONE]->(ph), (zl)-[:HAS_PHONE]->(ph)
CREATE (zs)-[:HAS_ADDRESS]->(ad), (qq)-[:HAS_ADDRESS]->(ad)
CREATE (civil:Case {case_no: '(2023)沪0104民初567号', loaded: true, kind: 'civil', status: 'concluded',
          filed_on: date('2023-01-10'), closed_on: date('2023-06-01'), court_code: '沪0104'})
CREATE (enf:Case {case_no: '(2024)沪0104执1234号', loaded: true, kind: 'enforcement', status: 'pending',
          court: '上海市徐汇区人民法院', court_code: '沪0104', year: 2024, type_code: '执', seq: 1234,
          filed_on: date('2024-03-05'), amount: 200000.0, amount_paid: 50000.0, outstanding: 150000.0})
CREATE (rest:Case {case_no: '(2025)沪0104执恢12号', loaded: true, kind: 'enforcement', status: 'pending',
          filed_on: date('2025-02-01'), outstanding: 150000.0})
CREATE (other:Case {case_no: '(2024)苏0508执88号', loaded: true, kind: 'enforcement', status: 'terminated_no_assets',
          filed_on: date('2024-05-01'), amount: 80000.0, amount_paid: 0.0, outstanding: 80000.0})
CREATE (enf)-[:BASED_ON]->(civil), (rest)-[:BASED_ON]->(enf)
CREATE (ls)-[:APPLICANT_IN]->(enf), (zs)-[:RESPONDENT_IN {fees_unpaid: 1200.0}]->(enf)
CREATE (ls)-[:PLAINTIFF_IN]->(civil), (zs)-[:DEFENDANT_IN]->(civil)
CREATE (zs)-[:APPLICANT_IN]->(other), (ww)-[:RESPONDENT_IN]->(other)
CREATE (flat:Asset {uid: 'courtA:A1', asset_id: 'A1', kind: 'real_estate', description: '漕溪北路1号101室',
          registry_no: '沪(2019)徐字第1号', value: 3000000.0})
CREATE (co)-[:OWNS]->(flat)
CREATE (seize:Measure {uid: 'courtA:M1', measure_id: 'M1', kind: 'seizure', imposed_on: date('2024-04-01')})
CREATE (seize)-[:MEASURE_IN]->(enf), (seize)-[:ENCUMBERS]->(flat)
CREATE (ban:Measure {uid: 'courtA:M2', measure_id: 'M2', kind: 'consumption_restriction', imposed_on: date('2024-04-02')})
CREATE (ban)-[:MEASURE_IN]->(enf), (ban)-[:RESTRICTS]->(zs)
CREATE (acct:Asset {uid: 'courtA:A2', asset_id: 'A2', kind: 'bank_account', registry_no: '6222****1234', value: 5000.0})
CREATE (zs)-[:OWNS]->(acct)
CREATE (freeze:Measure {uid: 'courtA:M3', measure_id: 'M3', kind: 'freeze', imposed_on: date('2024-04-03')})
CREATE (freeze)-[:MEASURE_IN]->(enf), (freeze)-[:ENCUMBERS]->(acct)
CREATE (car:Asset {uid: 'courtA:A3', asset_id: 'A3', kind: 'vehicle', registry_no: '沪A12345', value: 200000.0})
CREATE (zl)-[:OWNS]->(car)
CREATE (t:Transfer {uid: 'courtA:A3:P1:P4:2025-06-01', transferred_on: date('2025-06-01'), price: 0.0})
CREATE (zs)-[:TRANSFERRED]->(t), (t)-[:TRANSFERRED_TO]->(zl), (t)-[:TRANSFER_OF]->(car)
CREATE (oldcar:Asset {uid: 'courtA:A4', asset_id: 'A4', kind: 'vehicle', value: 10000.0})
CREATE (t2:Transfer {uid: 'courtA:A4:P1:P5:2019-01-01', transferred_on: date('2019-01-01'), price: 9000.0})
CREATE (zs)-[:TRANSFERRED]->(t2), (t2)-[:TRANSFERRED_TO]->(qq), (t2)-[:TRANSFER_OF]->(oldcar)
CREATE (pay:Payment {uid: 'courtA:PM1', payment_id: 'PM1', received_on: date('2024-06-01'), amount: 50000.0})
CREATE (pay)-[:PAYMENT_IN]->(enf)
CREATE (au:Auction {uid: 'courtA:AU1', auction_id: 'AU1', ordered_on: date('2024-07-01'), result: 'pending'})
CREATE (au)-[:AUCTION_IN]->(enf), (au)-[:AUCTIONS]->(flat)
CREATE (st:Settlement {uid: '(2024)苏0508执88号:2024-08-01:20000', signed_on: date('2024-08-01'),
          original_amount: 80000.0, settled_amount: 20000.0})
CREATE (st)-[:SETTLES]->(other), (st)-[:PAYEE]->(zl)
"""

ZS = "id:110101199003074477"
LS = "src:courtA:P2"
WW = "src:courtB:P3"
ZL = "src:courtA:P4"
QQ = "src:courtA:P5"
CO = "id:91310000MA1FL0XX3X"
ENF = "(2024)沪0104执1234号"


def build_story(graph: Graph) -> None:
    graph.write(STORY)
    graph.autocommit("CALL db.awaitIndexes(60)")
