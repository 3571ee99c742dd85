"""The loader's database writer on the driver's asyncio API, for bench_driver.py's A/B only.

Same contract as ``loaders.load._Writer``, whose bookkeeping it inherits: statement rows of one
chunk in one managed write transaction, chunks committed in the order they were cleaned (a later
statement MATCHes what an earlier one MERGEd, so they cannot overlap), at most
``_PIPELINE_DEPTH`` chunks behind the cleaning. Only the writing differs:
``neo4j.AsyncGraphDatabase`` on an event loop in a background thread instead of the blocking
driver in a worker thread. bench_driver.py swaps it in for ``_Writer`` in a child process.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

from neo4j import AsyncGraphDatabase, AsyncManagedTransaction

from graph_model.db import Graph
from loaders.load import FACT_COUNTS, _Writer, _Written, load_statement

Parts = list[tuple[str, list[dict[str, Any]]]]


class AsyncWriter(_Writer):
    """Writes batches through the async driver, one transaction at a time, in order."""

    def __init__(self, graph: Graph, params: dict[str, Any], counters: Any, progress: Any) -> None:
        super().__init__(graph, params, counters, progress)
        self.pool.shutdown()  # the inherited thread pool is not used
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="debtgraph-async-writer", daemon=True)
        self.thread.start()
        settings = graph.settings
        self.driver = self._call(self._open(settings.uri, (settings.neo4j_user, settings.neo4j_password)))
        self.lock = self._call(self._make_lock())  # one transaction at a time, in submission order

    @staticmethod
    async def _open(uri: str, auth: tuple[str, str]) -> Any:
        return AsyncGraphDatabase.driver(uri, auth=auth)

    @staticmethod
    async def _make_lock() -> asyncio.Lock:
        return asyncio.Lock()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def _schedule(self, parts: Parts) -> Future[_Written]:
        return asyncio.run_coroutine_threadsafe(self._write_async(parts), self.loop)

    def close(self) -> None:
        for fut, _, _ in self.pending:
            fut.cancel()
        self._call(self.driver.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()

    async def _write_async(self, parts: Parts) -> _Written:
        # asyncio.Lock wakes waiters first come, first served: the submission order is the commit order
        async with self.lock:
            if not parts:
                return 0, 0, 0, 0, [0] * len(FACT_COUNTS)

            async def work(tx: AsyncManagedTransaction) -> _Written:
                nodes = rels = props = labels = 0
                facts = [0] * len(FACT_COUNTS)
                for name, rows in parts:
                    result = await tx.run(load_statement(name), {**self.params, "rows": rows})
                    record = await result.single(strict=True)
                    for i, key in enumerate(FACT_COUNTS):
                        facts[i] += record[key]
                    c = (await result.consume()).counters
                    nodes += c.nodes_created
                    rels += c.relationships_created
                    props += c.properties_set
                    labels += c.labels_added
                return nodes, rels, props, labels, facts

            async with self.driver.session(database=self.graph.database) as session:
                return await session.execute_write(work)
