"""Uploading a zipped export over HTTP: summary and rejection report; unsafe or unreadable zips load nothing."""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import api_helpers
import pytest
from fastapi.testclient import TestClient

from api import audit as audit_log
from api.http import create_app
from graph_model.db import Graph

api = api_helpers.api
Api = api_helpers.Api
STORIES = Path(__file__).parent / "fixtures" / "seed_stories"
XUHUI = STORIES / "sh0104-xuhui"


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def export_files(directory: Path, prefix: str) -> dict[str, bytes]:
    return {f"{prefix}{p.name}": p.read_bytes() for p in sorted(directory.iterdir())}


def upload(api: Api, data: bytes, filename: str = "export.zip", source: str | None = None,
           role: str = "admin") -> object:
    form = {"source": source} if source is not None else None
    return api.client.post("/api/v1/loads", headers=api.headers(role), data=form,
                           files={"file": (filename, data, "application/zip")})


def nothing_written(graph: Graph) -> bool:
    return graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def test_upload_of_a_zipped_seed_export_gives_summary_and_rejection_report(api: Api) -> None:
    # zipped on a Mac: the resource forks and Finder files beside the export are not part of it
    junk = {"__MACOSX/sh0104-xuhui/._parties.csv": b"\x00\x05", "sh0104-xuhui/.DS_Store": b"\x00"}
    res = upload(api, zipped(export_files(XUHUI, "sh0104-xuhui/") | junk), "sh0104-xuhui.zip")
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["source"] == "sh0104-xuhui" and body["uploaded_by"] == "test-admin"
    summary = body["summary"]
    assert summary["completed"] and summary["rejected"] == 0
    parties_rows = sum(1 for _ in csv.reader(io.StringIO((XUHUI / "parties.csv").read_text("utf-8")))) - 1
    assert summary["files"]["parties"]["rows"] == summary["files"]["parties"]["loaded"] == parties_rows
    assert summary["nodes_created"] > parties_rows
    assert api.graph.read("MATCH (p:Party) WHERE 'sh0104-xuhui' IN p.sources RETURN count(p) AS n")[0]["n"] \
        == parties_rows
    assert api.get(f"/api/v1/cases/{'(2023)沪0104执1234号'}", role="judge").status_code == 200

    # the summary and the (empty) report stay fetchable by the load id
    again = api.get(f"/api/v1/loads/{body['load_id']}").json()
    assert again == body
    report = api.get(body["rejects_url"])
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert report.text.splitlines() == ["file,line,column,value,reason"]
    assert [x["load_id"] for x in api.get("/api/v1/loads").json()] == [body["load_id"]]

    (event,) = audit_log.events(api.store, action="load")
    assert event["target"] == "sh0104-xuhui" and json.loads(event["params"])["load_id"] == body["load_id"]
    for role in ("judge", "investigator", "case_system"):
        assert upload(api, b"whatever", role=role).status_code == 403


def test_rejected_rows_are_in_the_report_and_the_rest_is_loaded(api: Api) -> None:
    files = export_files(XUHUI, "")
    lines = files["parties.csv"].decode("utf-8").splitlines()
    lines.append("XH-BAD,dragon,坏行,,,,,")  # an unknown party kind
    files["parties.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    res = upload(api, zipped(files), "xuhui-flat.zip", source="xuhui-test")
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["source"] == "xuhui-test"
    assert body["summary"]["files"]["parties"]["rejected"] == 1
    assert body["summary"]["files"]["parties"]["loaded"] == len(lines) - 2
    rows = list(csv.DictReader(io.StringIO(api.get(body["rejects_url"]).text)))
    bad = [r for r in rows if r["value"] == "dragon"]
    assert len(bad) == 1 and bad[0]["file"] == "parties.csv" and bad[0]["column"] == "kind"
    assert bad[0]["line"] == str(len(lines))
    assert api.graph.read("MATCH (p:Party {name: '坏行'}) RETURN count(p) AS n")[0]["n"] == 0


def zipped_with_link(files: dict[str, bytes], link: str, target: str) -> bytes:
    """A zip with a symbolic link entry, as `zip --symlinks` writes it (mode in the high external bits)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        info = zipfile.ZipInfo(link)
        info.create_system = 3  # unix
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, target)
    return buf.getvalue()


@pytest.mark.parametrize("case", ["zip_slip", "absolute", "not_a_zip", "missing_parties", "two_exports",
                                  "empty_zip", "bad_source", "too_many_entries", "backslash", "symlink"])
def test_bad_zips_are_clear_problems_and_write_nothing(api: Api, tmp_path: Path, case: str) -> None:
    files = export_files(XUHUI, "x/")
    data, source, words = {
        "zip_slip": (zipped(files | {"x/../../evil.csv": b"a,b\n"}), None, "'..'"),
        "absolute": (zipped(files | {"/etc/evil.csv": b"a,b\n"}), None, "absolute"),
        "not_a_zip": ("party_id,kind,name\nP1,person,张三\n".encode(), None, "not a readable zip"),
        "missing_parties": (zipped({k: v for k, v in files.items() if not k.endswith("parties.csv")
                                    or k.endswith("case_parties.csv")}), None, "parties"),
        "two_exports": (zipped(files | {"y/parties.csv": files["x/parties.csv"]}), None, "several directories"),
        "empty_zip": (zipped({}), None, "empty"),
        "bad_source": (zipped(files), "../etc", "source"),
        # docs/api.md: at most 200 entries; backslashes and links refused before anything is unpacked
        "too_many_entries": (zipped(files | {f"x/extra-{i}.txt": b"" for i in range(201 - len(files))}), None,
                             "at most 200"),
        "backslash": (zipped(files | {"x\\..\\evil.csv": b"a,b\n"}), None, "backslash"),
        "symlink": (zipped_with_link(files, "x/evil.csv", "/etc/passwd"), None, "symbolic link"),
    }[case]
    res = upload(api, data, source=source)
    assert res.status_code == 422, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    problem = res.json()
    assert words in problem["detail"], problem
    assert problem["errors"][0]["field"] == ("source" if case == "bad_source" else "file")
    assert str(tmp_path) not in problem["detail"] and "/tmp/" not in problem["detail"]
    assert nothing_written(api.graph)
    assert not (tmp_path.parent / "evil.csv").exists() and not (tmp_path / "evil.csv").exists()
    assert api.get("/api/v1/loads").json() == []
    (event,) = audit_log.events(api.store, action="load")
    assert "refused" in json.loads(event["params"])


def test_missing_parties_file_names_it(api: Api) -> None:
    files = {k: v for k, v in export_files(XUHUI, "x/").items() if k != "x/parties.csv"}
    problem = upload(api, zipped(files)).json()
    assert "required file missing: parties" in problem["detail"] and "nothing" in problem["detail"]


@pytest.fixture
def small_limit(graph: Graph, tmp_path: Path) -> Iterator[Api]:
    """An app whose upload limit is 1 MB (so 20 MB unpacked)."""
    settings = graph.settings.model_copy(update={"debtgraph_data_dir": tmp_path, "debtgraph_max_upload_mb": 1})
    app = create_app(settings, graph=graph)
    made = api_helpers.make_api(graph, tmp_path)
    made.app, made.client = app, TestClient(app)
    with made.client:
        yield made


def test_uploads_above_the_limit_and_zip_bombs_are_413(small_limit: Api) -> None:
    import os

    too_big = upload(small_limit, zipped({"x/parties.csv": os.urandom(1_200_000)}, zipfile.ZIP_STORED))
    assert too_big.status_code == 413 and "1 MB" in too_big.json()["detail"]

    # chunked: no Content-Length, the body is cut off while it streams in
    def body() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    chunked = small_limit.client.post("/api/v1/loads", headers={**small_limit.headers("admin"),
                                                                "Content-Type": "multipart/form-data; boundary=b"},
                                      content=body())
    assert chunked.status_code == 413

    # 30 MB of zeros compress to a few KB: refused by the declared size before anything is unpacked
    bomb = zipped({"x/parties.csv": b"party_id,kind,name\n" + b"0" * 30_000_000})
    assert len(bomb) < 100_000
    res = upload(small_limit, bomb)
    assert res.status_code == 413 and "unpacks to" in res.json()["detail"]
    assert nothing_written(small_limit.graph)


def test_forged_sizes_are_caught_while_unpacking(tmp_path: Path) -> None:
    from api.loads import UploadProblem, unpack

    data = bytearray(zipped({"x/parties.csv": b"0" * 5_000_000}))
    # forge the declared uncompressed size (central directory) down to 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    lh = data.find(b"PK\x03\x04")
    data[lh + 22:lh + 26] = (10).to_bytes(4, "little")
    with pytest.raises(UploadProblem) as err:
        unpack(io.BytesIO(bytes(data)), tmp_path, max_bytes=1_000_000)
    assert "cannot be unpacked" in str(err.value) or "more than" in str(err.value)
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) <= 1_000_000 + (1 << 20)


def test_unknown_load_ids_are_404(api: Api) -> None:
    assert api.get("/api/v1/loads/20240628T080000Z-1a2b3c4d").status_code == 404
    assert api.get("/api/v1/loads/20240628T080000Z-1a2b3c4d/rejects").status_code == 404
    assert api.get("/api/v1/loads/..%2F..%2Fetc").status_code in (404, 422)


def test_a_snapshot_upload_retires_what_the_export_dropped_and_the_case_page_shows_it(api: Api) -> None:
    """The court's next export lacks the restrictions of (2024)沪0104执456号: uploaded with snapshot=true they
    are retired as of exported_on, counted in the summary, and the case page shows them greyed, marked with
    when and which export dropped them (docs/export-format.md, Snapshots)."""
    files = export_files(XUHUI, "sh0104-xuhui/")
    first = api.post("/api/v1/loads", data={"snapshot": "true", "exported_on": "2024-06-28"},
                     files={"file": ("x.zip", zipped(files), "application/zip")})
    assert first.status_code == 201, first.text
    measures = files["sh0104-xuhui/measures.csv"].decode("utf-8").splitlines()
    files["sh0104-xuhui/measures.csv"] = ("\n".join(m for m in measures if "执456号" not in m) + "\n").encode("utf-8")
    res = api.post("/api/v1/loads", data={"snapshot": "true", "exported_on": "2024-06-29"},
                   files={"file": ("x.zip", zipped(files), "application/zip")})
    assert res.status_code == 201, res.text
    summary = res.json()["summary"]
    assert summary["snapshot"] and summary["exported_on"] == "2024-06-29"
    assert summary["files"]["measures"]["retired"] == 6 and summary["files"]["parties"]["retired"] == 0

    page = api.client.get("/web/cases/(2024)沪0104执456号", headers=api.headers("judge"))
    assert page.status_code == 200
    assert page.text.count("已于 2024-06-29 不再出现在 sh0104-xuhui 导出中") == 2  # the two measures, nothing else
    assert page.text.count('<tr class="retired">') == 2
    # the restricted party's page lists the two restrictions under "no longer exported", and nothing else
    uid = api.graph.read("MATCH (:Measure {measure_id: 'XH-M004'})-[:RESTRICTS]->(p) RETURN p.uid AS uid")[0]["uid"]
    party = api.client.get(f"/web/parties/{quote(uid, safe='')}", headers=api.headers("judge"))
    assert party.status_code == 200 and 'data-testid="party-retired"' in party.text
    assert party.text.count("已于 2024-06-29 不再出现在 sh0104-xuhui 导出中") == 2
    # each named by what it was, its case and date — not a relationship label and a row id
    assert "限制消费" in party.text and "失信名单" in party.text and "2024-03-04采取" in party.text
    assert ">XH-M004<" not in party.text

    # a snapshot that drops most of the court's facts is refused, and nothing is written
    before = api.graph.counts()
    bare = {k: v for k, v in files.items() if k.rsplit("/", 1)[1] == "parties.csv"}
    bare["sh0104-xuhui/cases.csv"] = files["sh0104-xuhui/cases.csv"].splitlines(keepends=True)[0]  # header only
    bare["sh0104-xuhui/case_parties.csv"] = b"case_no,party_id,role\n"
    refused = api.post("/api/v1/loads", data={"snapshot": "true"}, files={"file": ("x.zip", zipped(bare), "application/zip")})
    assert refused.status_code == 409 and "allow_mass_retire" in refused.json()["detail"].replace("--allow-mass-retire", "allow_mass_retire")
    assert api.graph.counts() == before
    assert api.post("/api/v1/loads", data={"exported_on": "2024-06-30"},
                    files={"file": ("x.zip", zipped(files), "application/zip")}).status_code == 422
