"""The API server killed with SIGKILL while it loads an uploaded export; the same upload to the restarted
server then leaves exactly the graph of one clean load (docs/api.md: writes are batched and idempotent)."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from test_loaders_kill import _count, _write_export
from test_loaders_support import dump

from api import auth
from api.security_store import SecurityStore
from graph_model.db import Graph
from loaders import load_export


def _serve(graph: Graph, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEBTGRAPH_DATA_DIR": str(graph.settings.data_dir),
           "DEBTGRAPH_BOLT_PORT": str(graph.settings.debtgraph_bolt_port),
           "NEO4J_PASSWORD": graph.settings.neo4j_password, "NEO4J_URI": graph.settings.neo4j_uri,
           "DEBTGRAPH_BATCH_SIZE": "60"}  # many small transactions: the kill lands among them
    proc = subprocess.Popen([str(Path(sys.executable).with_name("debtgraph")), "serve", "--port", str(port),
                             "--no-access-log"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
        time.sleep(0.3)


def _zip(export: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(export.iterdir()):
            zf.write(f, f"{export.name}/{f.name}")
    return buf.getvalue()


@pytest.mark.slow
def test_server_killed_during_an_upload_then_the_same_upload_equals_one_clean_load(
        graph: Graph, store: SecurityStore, tmp_path: Path) -> None:
    export = _write_export(tmp_path)
    data = _zip(export)
    key, _ = auth.create_key(store, "upload-admin", "admin")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def upload() -> httpx.Response | Exception:
        try:
            return httpx.post(f"http://127.0.0.1:{port}/api/v1/loads", headers={"X-API-Key": key},
                              files={"file": ("court_k.zip", data, "application/zip")}, timeout=300)
        except httpx.HTTPError as exc:
            return exc

    proc = _serve(graph, port)
    answers: list[httpx.Response | Exception] = []
    worker = threading.Thread(target=lambda: answers.append(upload()))
    try:
        worker.start()
        deadline = time.monotonic() + 300
        while _count(graph, "Case") < 1:  # parties in, cases under way
            assert worker.is_alive(), f"the upload finished before the kill: {answers}"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        worker.join(60)
    assert isinstance(answers[0], Exception)  # the client saw the connection die, no 201
    partial = graph.counts()

    proc = _serve(graph, port)
    try:
        again = upload()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert isinstance(again, httpx.Response) and again.status_code == 201, again
    rerun = dump(graph)

    graph.reset()
    load_export(graph, export, "court_k")
    assert dump(graph) == rerun
    assert 0 < partial["relationships"] < graph.counts()["relationships"]  # the kill landed mid-way
