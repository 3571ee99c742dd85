"""The local Neo4j server: fetch its jars, write its config, start, stop and watch it.

Neo4j's own download site and Docker are out of reach on the machines debtgraph
targets, so the server comes from Maven Central (the dependency set of
``org.neo4j.assembly:neo4j-community-standalone``) and runs with
``java -cp 'lib/*' org.neo4j.server.CommunityEntryPoint``. Everything lives under
the data directory: ``neo4j/conf``, ``neo4j/data``, ``neo4j/logs``, ``neo4j/run``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph_model.settings import Settings

NEO4J_VERSION = "5.26.30"
POM = Path(__file__).with_name("pom.xml")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

# What Neo4j's own launcher script adds to the JVM (from its default neo4j.conf).
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


class ServerError(RuntimeError):
    """The local server could not be fetched, started or stopped; the message says why."""


@dataclass
class Status:
    state: str  # running | stopped | stale | foreign
    pid: int | None
    uri: str
    home: Path
    log: Path
    detail: str = ""


def artifacts_dir() -> Path:
    """Jars are shared by every data directory of the user (tests and demo alike)."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "debtgraph" / f"neo4j-{NEO4J_VERSION}" / "lib"


def home_dir(settings: Settings) -> Path:
    return settings.data_dir / "neo4j"


def _pid_file(settings: Settings) -> Path:
    return home_dir(settings) / "run" / "neo4j.pid"


def log_file(settings: Settings) -> Path:
    return home_dir(settings) / "logs" / "neo4j.log"


def _console_log(settings: Settings) -> Path:
    return home_dir(settings) / "logs" / "console.log"


def java_binary() -> str:
    """Neo4j 5.26 runs on Java 17 or 21: prefer JAVA_HOME, then the java on PATH."""
    java_home = os.environ.get("DEBTGRAPH_JAVA_HOME") or os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise ServerError("Java 17 is needed to run the local Neo4j; none found (apt-get install openjdk-17-jre-headless)")
    return found


def ensure_artifacts() -> Path:
    """Copy the Neo4j server jars from Maven Central (cached in ~/.m2) into the lib folder."""
    lib = artifacts_dir()
    marker = lib / f"neo4j-{NEO4J_VERSION}.jar"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerError("Maven is needed once to fetch Neo4j from Maven Central; none found (apt-get install maven)")
    tmp = lib.with_name("lib.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
        f"-DoutputDirectory={tmp}", "-DincludeScope=runtime", "-DexcludeTypes=pom",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (tmp / marker.name).exists():
        raise ServerError(f"fetching Neo4j {NEO4J_VERSION} from Maven Central failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    shutil.rmtree(lib, ignore_errors=True)
    tmp.rename(lib)  # atomic: an interrupted fetch never looks complete
    return lib


def write_config(settings: Settings) -> Path:
    home = home_dir(settings)
    conf_dir = home / "conf"
    for sub in ("conf", "data", "logs", "run", "import", "plugins"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    conf = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{settings.debtgraph_bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{settings.debtgraph_bolt_port}",
        "server.http.listen_address": f"127.0.0.1:{settings.debtgraph_http_port}",
        "server.http.advertised_address": f"127.0.0.1:{settings.debtgraph_http_port}",
        "server.https.enabled": "false",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.import": str(home / "import"),
        "server.directories.plugins": str(home / "plugins"),
        "server.memory.heap.initial_size": settings.debtgraph_heap,
        "server.memory.heap.max_size": settings.debtgraph_heap,
        "server.memory.pagecache.size": settings.debtgraph_pagecache,
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "2 files",
        "db.transaction.timeout": "0s",
        "dbms.memory.transaction.total.max": "0",
    }
    path = conf_dir / "neo4j.conf"
    path.write_text(
        "# Written by debtgraph (neo4j_local/server.py) on every start: edit the settings, not this file.\n"
        + "".join(f"{k}={v}\n" for k, v in conf.items()),
        encoding="utf-8",
    )
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def status_kb(pid: int, field: str) -> int | None:
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM …); None when the process or the field is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _is_our_server(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return ENTRY_POINT in cmdline


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _read_pid(settings: Settings) -> int | None:
    try:
        return int(_pid_file(settings).read_text().strip())
    except (OSError, ValueError):
        return None


def status(settings: Settings) -> Status:
    pid = _read_pid(settings)
    base = dict(uri=settings.uri, home=home_dir(settings), log=log_file(settings))
    if pid and _alive(pid) and _is_our_server(pid):
        return Status("running", pid, **base)
    if pid:
        return Status("stale", pid, detail=f"pid file names process {pid}, which is not running: the server stopped "
                      f"without `debtgraph db stop` (crash or kill); see {log_file(settings)}", **base)
    if _port_open(settings.debtgraph_bolt_port):
        return Status("foreign", None, detail=f"port {settings.debtgraph_bolt_port} is taken by a process debtgraph "
                      "did not start; set DEBTGRAPH_BOLT_PORT or NEO4J_URI", **base)
    return Status("stopped", None, **base)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _set_initial_password(settings: Settings, lib: Path) -> None:
    home = home_dir(settings)
    if (home / "data" / "dbms").exists():
        return
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    done = subprocess.run(
        [java_binary(), "-cp", f"{lib}/*", ADMIN_TOOL, "dbms", "set-initial-password", settings.neo4j_password],
        env=env, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise ServerError(f"setting the initial Neo4j password failed:\n{done.stdout}{done.stderr}")


def admin(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `neo4j-admin ARGS…` (the AdminTool of the same jars) on this data directory's server home.

    Database dump, load and check need the server stopped in Community edition; the caller stops it.
    """
    lib = ensure_artifacts()
    write_config(settings)
    home = home_dir(settings)
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    return subprocess.run([java_binary(), "-cp", f"{lib}/*", ADMIN_TOOL, *args], env=env, cwd=home,
                          capture_output=True, text=True)


def _wait_for_bolt(settings: Settings, proc_pid: int) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable

    deadline = time.monotonic() + settings.debtgraph_start_timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not _alive(proc_pid):
            raise ServerError(f"Neo4j exited during start-up. Last lines of {_console_log(settings)}:\n"
                              f"{_tail(_console_log(settings))}\n{_tail(log_file(settings))}")
        if _port_open(settings.debtgraph_bolt_port):
            try:
                with GraphDatabase.driver(settings.uri, auth=(settings.neo4j_user, settings.neo4j_password)) as drv:
                    drv.verify_connectivity()
                    drv.execute_query("RETURN 1", database_=settings.neo4j_database)
                return
            except AuthError as exc:
                raise ServerError(f"Neo4j is up but refuses the password in NEO4J_PASSWORD ({exc.message}); "
                                  f"the store at {home_dir(settings)} was made with another one") from exc
            except (ServiceUnavailable, OSError, Exception) as exc:  # noqa: BLE001 - still starting
                last = exc
        time.sleep(0.5)
    raise ServerError(f"Neo4j did not answer on {settings.uri} within {settings.debtgraph_start_timeout:.0f} s "
                      f"({last}); see {log_file(settings)}")


def start(settings: Settings) -> Status:
    """Start the server in the background and wait for Bolt; a no-op when it already runs."""
    if not settings.local:
        raise ServerError(f"NEO4J_URI is set ({settings.neo4j_uri}): debtgraph does not start its own server")
    st = status(settings)
    if st.state == "running":
        return st
    if st.state == "foreign":
        raise ServerError(st.detail)
    if st.state == "stale":
        _pid_file(settings).unlink(missing_ok=True)
    lib = ensure_artifacts()
    write_config(settings)
    _set_initial_password(settings, lib)
    home = home_dir(settings)
    heap = settings.debtgraph_heap
    cmd = [java_binary(), f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, "-cp", f"{lib}/*", ENTRY_POINT,
           f"--home-dir={home}", f"--config-dir={home / 'conf'}"]
    console = _console_log(settings).open("ab")
    proc = subprocess.Popen(cmd, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            cwd=home, start_new_session=True,
                            env=dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf")))
    console.close()
    _pid_file(settings).write_text(str(proc.pid))
    try:
        _wait_for_bolt(settings, proc.pid)
    except ServerError:
        _kill(proc.pid, settings)
        raise
    return status(settings)


def _kill(pid: int, settings: Settings, grace: float = 60.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _alive(pid):
        _reap(pid)
        time.sleep(0.2)
    if _alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while _alive(pid):
            _reap(pid)
            time.sleep(0.1)
    _reap(pid)
    _pid_file(settings).unlink(missing_ok=True)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(settings: Settings) -> Status:
    """Stop the server (SIGTERM, then SIGKILL after a grace period); leaves no process behind."""
    st = status(settings)
    if st.state == "running" and st.pid:
        _kill(st.pid, settings)
    elif st.state == "stale":
        _pid_file(settings).unlink(missing_ok=True)
    return status(settings)
