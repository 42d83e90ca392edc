"""Small bookkeeping writes that must land as soon as possible: update claims and the
record of each message sent (bot/claims.py begin_update, progress_update).

The moment between Telegram accepting a message and our recording it is the one in which
a process's death repeats that message (adapters/telegram.py), so this write is kept as
short as it can be: one thread and one connection of its own (never queued behind the
turns' searches on the default executor, nor waiting for a pooled connection), in
autocommit (one round trip a statement, no BEGIN/COMMIT), and on PostgreSQL with
synchronous_commit off for this connection (no wait for the WAL flush; see
https://www.postgresql.org/docs/current/wal-async-commit.html: a database crash may lose
the last few of these, never corrupts anything, and the next synchronous commit - a
conversation's turn - flushes them anyway). Measured with benchmarks/load.py on an
oversubscribed 2-core machine (4 bot processes, PostgreSQL and the load on 2 cores), the
time from a send returning to its record committed: p50 33 ms / p95 327 ms through the
shared executor and a pooled transaction; p50 17 ms / p95 208 ms this way. What is left
is mostly waiting for a CPU and the GIL, not the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

T = TypeVar("T")


class Bookkeeper:
    def __init__(self, engine: Engine, name: str = "bookkeeping") -> None:
        self.engine = engine
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._conn: Connection | None = None  # used only on that thread

    async def __call__(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` on the bookkeeping thread; each statement it executes is
        committed at once. SQLAlchemyError propagates (after which the connection is
        replaced on the next call)."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, work)

    def _run(self, work: Callable[[Session], T]) -> T:
        try:
            with Session(bind=self._connection()) as session:
                return work(session)
        except SQLAlchemyError:
            self._drop()
            raise

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET synchronous_commit TO OFF")
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                conn.close()

    async def aclose(self) -> None:
        """Close the connection (on the thread that uses it) and stop the thread."""
        # Bounded: the thread may be stuck connecting to a database that does not answer.
        with contextlib.suppress(RuntimeError, TimeoutError):  # RuntimeError: shut down
            await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
                self._thread, self._drop), 2.0)
        self._thread.shutdown(wait=False)
