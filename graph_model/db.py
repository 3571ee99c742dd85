"""Access to the graph: one driver, managed transactions, schema migration.

Reads go through ``execute_read`` (routed to read replicas in a cluster or Aura),
writes through ``execute_write``; the same code runs against the local server,
a cluster or ``neo4j+s://`` by configuration alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, cast

from neo4j import Driver, GraphDatabase, ManagedTransaction, Query, unit_of_work

from graph_model.schema import MODEL
from graph_model.settings import Settings, get_settings
from queries.statements import statement


def _text(text: str) -> LiteralString:
    """Statements come from .cypher files or the model, never from user values."""
    return cast(LiteralString, text)


def _q(text: str, timeout: float | None = None) -> Query:
    return Query(_text(text), timeout=timeout)


class Graph:
    """A handle on the database the settings name; cheap to share, close once."""

    def __init__(self, settings: Settings | None = None, driver: Driver | None = None) -> None:
        self.settings = settings or get_settings()
        self.database = self.settings.neo4j_database
        self.driver = driver or GraphDatabase.driver(
            self.settings.uri,
            auth=(self.settings.neo4j_user, self.settings.neo4j_password),
            max_connection_pool_size=100,
            connection_acquisition_timeout=30,
        )
        # One bookmark manager for every session of this handle: in a cluster, a read that follows a
        # write (a load's lookup of known cases, the pages after `detect`) waits for a replica that
        # has seen the write. On a single server it costs nothing.
        self.bookmarks = GraphDatabase.bookmark_manager()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads ---------------------------------------------------------------
    def read(self, text: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a read query in a managed read transaction; rows as dicts."""
        seconds = timeout if timeout is not None else self.settings.debtgraph_query_timeout

        @unit_of_work(timeout=seconds)
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(_text(text), params or {})]

        with self.driver.session(database=self.database, default_access_mode="READ", bookmark_manager=self.bookmarks) as session:
            return session.execute_read(work)

    def read_records(self, text: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> list[Any]:
        """Like :meth:`read` but keeps the driver's Records (nodes and relationships intact)."""
        seconds = timeout if timeout is not None else self.settings.debtgraph_query_timeout

        @unit_of_work(timeout=seconds)
        def work(tx: ManagedTransaction) -> list[Any]:
            return list(tx.run(_text(text), params or {}))

        with self.driver.session(database=self.database, default_access_mode="READ", bookmark_manager=self.bookmarks) as session:
            return session.execute_read(work)

    # -- writes --------------------------------------------------------------
    def write(self, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one write query in a managed write transaction (retried on transient errors)."""
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(_text(text), params or {})]

        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
            return session.execute_write(work)

    def write_batches(self, text: str, batches: Iterable[list[dict[str, Any]]], **params: Any) -> int:
        """``UNWIND $rows …`` once per batch, each batch its own transaction; returns rows written."""
        written = 0
        for rows in batches:
            if rows:
                self.write(text, {"rows": rows, **params})
                written += len(rows)
        return written

    def autocommit(self, text: str, params: dict[str, Any] | None = None) -> None:
        """For statements that manage their own transactions (CALL … IN TRANSACTIONS, DDL)."""
        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
            session.run(_q(text), params or {}).consume()

    @contextmanager
    def session(self, read_only: bool = True, fetch_size: int | None = None) -> Iterator[Any]:
        """A driver session on the configured database; `fetch_size` records per batch when results are streamed."""
        mode = "READ" if read_only else "WRITE"
        extra: dict[str, Any] = {"fetch_size": fetch_size} if fetch_size else {}
        with self.driver.session(database=self.database, default_access_mode=mode,
                                 bookmark_manager=self.bookmarks, **extra) as session:
            yield session

    # -- administration --------------------------------------------------------
    def migrate(self) -> list[str]:
        """Create every constraint and index of the model (idempotent); returns the names ensured."""
        for ddl in MODEL.schema_statements():
            self.autocommit(ddl)
        self.autocommit("CALL db.awaitIndexes(300)")
        self.autocommit(statement("internal/register_properties"), {"names": sorted(MODEL.property_names())})
        return sorted(MODEL.schema_names())

    def reset(self) -> None:
        """Delete every node and relationship; constraints and indexes stay."""
        self.autocommit(statement("internal/reset"))

    def counts(self) -> dict[str, int]:
        return self.read(statement("internal/count_elements"))[0]

    def server_info(self) -> dict[str, str]:
        return self.read(statement("internal/server_info"))[0]

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
