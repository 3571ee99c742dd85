"""Neo4j unreachable: 503 with Retry-After, and the same app recovers by itself when it is back.

The app talks to the test server through a small TCP relay that the test cuts and
restores, so no Neo4j server is stopped (others may share the machine) and the app
is never restarted.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import auth
from api.http import create_app
from api.security_store import store_for
from graph_model.db import Graph


class Relay:
    """A TCP relay 127.0.0.1:<port> → the Bolt port; `cut()` drops every connection and stops listening."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        assert self.listener is not None
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread; close() alone may not
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for conn in self.conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()
                except OSError:
                    pass
            self.conns.clear()


@pytest.fixture
def relay(graph: Graph) -> Iterator[Relay]:
    r = Relay(graph.settings.debtgraph_bolt_port if graph.settings.local else _port(graph.settings.uri))
    r.open()
    yield r
    try:
        r.cut()
    except (OSError, AssertionError):
        pass


def _port(uri: str) -> int:
    return int(uri.rsplit(":", 1)[1])


@pytest.mark.slow
def test_unreachable_neo4j_gives_503_then_the_app_recovers(graph: Graph, relay: Relay, tmp_path: Path) -> None:
    if not graph.settings.local:
        pytest.skip("the relay only fronts a plain bolt:// server")
    # no key cache (a cached key's path is in test_api_request_path)
    settings = graph.settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{relay.port}",
                                                 "debtgraph_data_dir": tmp_path, "debtgraph_key_cache_seconds": 0})
    key, _ = auth.create_key(store_for(settings), "relay-investigator", "investigator")
    app = create_app(settings)
    with TestClient(app) as client:
        headers = {"X-API-Key": key}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert client.get("/health/ready").status_code == 200

        relay.cut()
        started = time.monotonic()
        down = client.get("/api/v1/parties/id:x", headers=headers)
        assert down.status_code == 503, down.text
        assert down.headers["Retry-After"].isdigit()
        assert down.headers["content-type"].startswith("application/problem+json")
        assert down.json()["status"] == 503
        assert time.monotonic() - started < 15  # fails fast rather than hanging
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and "Retry-After" in ready.headers
        assert client.get("/health").status_code == 200  # the process itself is alive
        assert client.post("/api/v1/console", headers=headers, json={"cypher": "RETURN 1"}).status_code == 503
        assert client.get("/api/v1/alerts", headers=headers).status_code == 503

        relay.open()  # the same port again: Neo4j is "back"
        deadline = time.monotonic() + 20
        statuses = []
        while time.monotonic() < deadline:
            res = client.get("/api/v1/alerts", headers=headers)
            statuses.append(res.status_code)
            if res.status_code == 200:
                break
            time.sleep(0.5)
        assert statuses[-1] == 200, statuses
        assert client.get("/health/ready").status_code == 200
        assert client.get("/api/v1/parties/id:x", headers=headers).status_code == 404


def test_wrong_database_credentials_give_503_not_a_client_error(graph: Graph, tmp_path: Path) -> None:
    # a user that does not exist: a wrong password for `neo4j` would lock that account for everyone
    settings = graph.settings.model_copy(update={"neo4j_user": "no_such_user", "debtgraph_data_dir": tmp_path})
    key, _ = auth.create_key(store_for(settings), "creds-judge", "judge")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 200  # keys are not in the graph
        res = client.get("/api/v1/parties/id:x", headers={"X-API-Key": key})
        assert res.status_code == 503, res.text
        assert "NEO4J_PASSWORD" in res.json()["detail"] and res.headers["Retry-After"]
        assert client.get("/health/ready").status_code == 503
