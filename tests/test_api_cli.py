"""`debtgraph keys …` and `debtgraph audit export` against the real server."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from api import auth
from api.cli import app
from api.security_store import SecurityStore
from graph_model.db import Graph

runner = CliRunner()


def test_keys_create_prints_the_key_once_and_it_authenticates(store: SecurityStore) -> None:
    res = runner.invoke(app, ["keys", "create", "--role", "investigator", "--name", "inv-li"])
    assert res.exit_code == 0, res.output
    key = res.stdout.strip()
    assert key.startswith("dg_") and "\n" not in key
    principal = auth.authenticate(store, key)
    assert principal is not None and (principal.name, principal.role) == ("inv-li", "investigator")

    listed = runner.invoke(app, ["keys", "list", "--json"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["name"], r["role"], r["revoked"]) for r in rows] == [("inv-li", "investigator", False)]
    assert key not in listed.stdout and auth.hash_key(key) not in listed.stdout

    again = runner.invoke(app, ["keys", "create", "--role", "judge", "--name", "inv-li"])
    assert again.exit_code == 2 and "exists already" in again.output
    bad = runner.invoke(app, ["keys", "create", "--role", "boss", "--name", "x"])
    assert bad.exit_code == 2 and "role" in bad.output

    assert runner.invoke(app, ["keys", "revoke", "inv-li"]).exit_code == 0
    assert auth.authenticate(store, key) is None
    assert runner.invoke(app, ["keys", "revoke", "nobody"]).exit_code == 2


def test_audit_export_csv_and_jsonl_with_since(graph: Graph) -> None:
    runner.invoke(app, ["keys", "create", "--role", "judge", "--name", "judge-a"])
    runner.invoke(app, ["keys", "revoke", "judge-a"])
    res = runner.invoke(app, ["audit", "export", "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [(r["action"], r["target"]) for r in rows][:2] == [("key.create", "judge-a"), ("key.revoke", "judge-a")]
    assert rows[0]["actor"].startswith("cli") and rows[0]["client"] == "cli"
    assert json.loads(rows[0]["params"]) == {"role": "judge"}

    lines = runner.invoke(app, ["audit", "export"]).stdout.splitlines()
    assert [json.loads(line)["action"] for line in lines][:2] == ["key.create", "key.revoke"]
    assert runner.invoke(app, ["audit", "export", "--since", "2999-01-01"]).stdout == ""
    assert runner.invoke(app, ["audit", "export", "--since", "yesterday"]).exit_code == 2


def test_serve_runs_the_api_under_uvicorn(graph: Graph, store: SecurityStore) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    key, _ = auth.create_key(store, "serve-admin", "admin")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DEBTGRAPH_DATA_DIR": str(graph.settings.data_dir),
           "DEBTGRAPH_BOLT_PORT": str(graph.settings.debtgraph_bolt_port),
           "NEO4J_PASSWORD": graph.settings.neo4j_password, "NEO4J_URI": graph.settings.neo4j_uri}
    exe = Path(sys.executable).with_name("debtgraph")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as res:
                    assert json.load(res) == {"status": "ok"}
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "serve exited"
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.5)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/version", headers={"X-API-Key": key})
        with urllib.request.urlopen(request, timeout=10) as res:
            assert json.load(res)["neo4j"]["edition"] == "community"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/version", timeout=10)
            raise AssertionError("answered without a key")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)
