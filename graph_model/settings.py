"""Settings from the environment (and an optional .env), one object for the whole product."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator may set, named as the environment variable that sets it."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Where the graph lives. Empty NEO4J_URI = use (and start) the local server.
    neo4j_uri: str = Field("", description="bolt://, neo4j:// or neo4j+s:// URI of an existing server")
    neo4j_user: str = "neo4j"
    neo4j_password: str = "debtgraph-local"
    neo4j_database: str = "neo4j"

    # The local server that debtgraph runs itself when NEO4J_URI is empty.
    debtgraph_data_dir: Path = Field(Path(".debtgraph"), description="local data: Neo4j store, logs, artifacts")
    debtgraph_bolt_port: int = 7687
    debtgraph_http_port: int = 7474
    debtgraph_heap: str = Field("2g", description="Neo4j JVM heap (initial = max)")
    debtgraph_pagecache: str = Field("2g", description="Neo4j page cache")
    debtgraph_start_timeout: float = 120.0

    # Query limits.
    debtgraph_query_timeout: float = Field(30.0, description="seconds before a read query is cancelled")
    debtgraph_detector_timeout: float = Field(
        600.0, description="seconds one detector may run (`debtgraph detect`, POST /api/v1/detect): a batch job")
    debtgraph_batch_size: int = Field(5000, description="rows per write transaction in the loaders")
    debtgraph_max_retire_share: float = Field(
        0.30, ge=0.0, le=1.0, description="a snapshot load that would retire more than this share of its source's "
        "facts stops before writing (exit 2) unless --allow-mass-retire is given")
    debtgraph_detector_config: Path | None = Field(
        None, description="YAML file overriding detector parameter defaults (thresholds, holidays) per detector")

    # The HTTP API (`debtgraph serve`).
    debtgraph_api_host: str = Field("127.0.0.1", description="address `debtgraph serve` listens on")
    debtgraph_api_port: int = Field(8000, description="port `debtgraph serve` listens on")
    debtgraph_session_secret: str = Field("", description="signs web session cookies; empty = random per process")
    debtgraph_session_hours: float = Field(12.0, gt=0, le=24 * 30,
                                           description="how long a login (web page session) lasts before the key "
                                                       "must be given again")
    debtgraph_max_upload_mb: int = Field(200, description="largest export upload the API accepts, in MB")
    debtgraph_console_row_limit: int = Field(1000, description="rows the Cypher console returns at most")
    debtgraph_console_byte_limit: int = Field(
        2_000_000, ge=1000, description="bytes of JSON a console or saved-query result holds at most (rows and "
                                        "graph together); rows stop once it is spent")
    debtgraph_console_value_limit: int = Field(
        100_000, ge=100, description="bytes of JSON one value of a console result may take; a larger value is "
                                     "replaced by a marker {truncated: true, …}")
    debtgraph_key_cache_seconds: float = Field(
        5.0, ge=0, description="how long an API process trusts a key it has checked (0 = check every request); "
                               "a key revoked through another process keeps working in this one at most this long")
    debtgraph_audit_commit_ms: float = Field(
        2.0, ge=0, description="group commit of audit events: the writer gathers events this long before committing")
    debtgraph_audit_batch: int = Field(256, ge=1, description="group commit: at most this many events per transaction")
    debtgraph_security_db: Path | None = Field(
        None, description="SQLite file of the API keys and the audit trail (kept out of the graph, where the "
                          "console could read them); default <data dir>/security.sqlite3")
    debtgraph_trusted_proxies: str = Field(
        "", description="comma-separated addresses or networks of reverse proxies whose X-Forwarded-For is "
                        "believed for the audit trail's client address; empty = none")

    @field_validator("debtgraph_trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"DEBTGRAPH_TRUSTED_PROXIES: {part.strip()!r} is not an address or network") from exc
        return value

    @property
    def local(self) -> bool:
        """True when debtgraph should run its own Neo4j (no NEO4J_URI given)."""
        return not self.neo4j_uri

    @property
    def uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.debtgraph_bolt_port}"

    @property
    def data_dir(self) -> Path:
        return self.debtgraph_data_dir.expanduser().resolve()

    @property
    def security_db(self) -> Path:
        return (self.debtgraph_security_db or self.data_dir / "security.sqlite3").expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()
