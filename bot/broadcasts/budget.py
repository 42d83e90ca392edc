"""One bot token's send budget, shared by every process that sends with it.

A platform limits a bot, not a process: Telegram allows about 30 messages a second in
all for bulk notifications and about 1 a second in one chat, and answers more with 429
and `retry_after` (Telegram bots FAQ; shared/REFERENCE.md); Discord allows 50 requests a
second globally. The delivery worker (bot/broadcasts/worker.py) keeps under that at
`rate` (25/s, DEFAULT_LIMITS), but several `recovery-bot run` processes behind a load
balancer (the README's production set-up) each delivered at the full 25/s: 3 processes
drew 12 to 14 429s on a 150-person broadcast. So every send first takes a slot from a
budget:

- `SharedBudget` (PostgreSQL): one row per platform and bot token in `send_budget`,
  named by a hash of the token (the token itself is never stored). A send reserves the
  next free slot atomically in one statement, then waits until its slot comes:

      INSERT INTO send_budget (name, next_at) VALUES (:name, clock_timestamp() + span)
      ON CONFLICT (name) DO UPDATE
          SET next_at = GREATEST(send_budget.next_at, clock_timestamp()) + span
      RETURNING next_at, clock_timestamp()

  where span is 1/rate a slot. Slots are 1/rate apart whoever takes them, so N
  processes together send at most `rate` a second (at most rate + 1 in any one-second
  window, as the in-process limiter). The wait is counted on the database's clock
  (slot minus the database's now), so hosts' clocks need not agree. One reservation
  costs one short statement (two with its timeout): about 1 ms, p95 4 ms, 0.6 ms of
  CPU, on a local server (benchmarks/broadcast.py --processes measures it), so a slot
  is reserved per message: slots reserved ahead in batches would save little, and be
  wasted, or sent late and bunched, when a worker runs out of rows. A 429 pushes the
  shared `next_at` past its `retry_after`, so every process pauses, not only the one
  that was told.
- `LocalBudget`: the in-process limiter (aiolimiter, capacity 1 refilled at `rate`), as
  before; SQLite (one process serves a town) and tests use it.

Database trouble never stops delivery: a reservation that fails or takes longer than
`timeout` (a hung server; the statement also carries a statement_timeout) makes the
process send under an in-process limit at `fallback_share` of the rate (a quarter: up to
four processes then still keep within the budget; beyond that a 429 pauses them as
before), with a warning. It tries the database again in the background every
`retry_after` seconds, so no send waits on a hung server after the first, and at most
one thread is ever blocked on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, TypeVar

from aiolimiter import AsyncLimiter
from sqlalchemy import Engine, String, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from directory.models import Base, UTCDateTime

log = logging.getLogger(__name__)
T = TypeVar("T")


class SendBudgetRow(Base):
    """The next free send slot of one bot token on one platform."""

    __tablename__ = "send_budget"
    __table_args__ = ({"info": {"privacy": "none: the next send slot of each bot token, keyed "
                                           "by a hash of the token"}},)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # platform:token hash
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())


def budget_name(platform: str, token: str | None) -> str:
    """The budget's key: the platform and a hash of the bot token, never the token. No
    token known: the platform's one budget (every process shares it: never over)."""
    if not token:
        return f"{platform}:any"
    digest = hashlib.sha256(b"recovery-connector send budget\0" + token.encode()).hexdigest()
    return f"{platform}:{digest[:40]}"


class Budget(Protocol):
    rate: float

    async def acquire(self, max_wait: float = math.inf) -> float:
        """Wait for the next send slot and return 0. A slot more than `max_wait`
        seconds away is given up instead: its distance is returned without waiting."""
        ...

    async def pause(self, seconds: float) -> None:
        """The platform answered 429: no slot before `seconds` from now."""
        ...


class LocalBudget:
    """This process only: capacity 1 refilled at `rate`, so never more than rate + 1 in
    any one-second window."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._limiter = AsyncLimiter(1, 1.0 / rate)

    async def acquire(self, max_wait: float = math.inf) -> float:
        await self._limiter.acquire()
        return 0.0

    async def pause(self, seconds: float) -> None:
        """Nothing to share: the worker holds its own platform pause."""


RESERVE = text("""
INSERT INTO send_budget (name, next_at)
VALUES (:name, clock_timestamp() + make_interval(secs => :span))
ON CONFLICT (name) DO UPDATE
    SET next_at = GREATEST(send_budget.next_at, clock_timestamp())
                  + make_interval(secs => :span)
RETURNING next_at, clock_timestamp() AS now
""")
PAUSE = text("""
INSERT INTO send_budget (name, next_at)
VALUES (:name, clock_timestamp() + make_interval(secs => :secs))
ON CONFLICT (name) DO UPDATE
    SET next_at = GREATEST(send_budget.next_at,
                           clock_timestamp() + make_interval(secs => :secs))
""")


class SharedBudget:
    """A bot token's budget shared through PostgreSQL (module docstring)."""

    def __init__(self, engine: Engine, name: str, rate: float, *, timeout: float = 2.0,
                 fallback_share: float = 0.25, retry_after: float = 5.0) -> None:
        self.engine = engine
        self.name = name
        self.rate = rate
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.retry_after = retry_after
        self.fallback = LocalBudget(rate * fallback_share)
        self.reserved = 0  # slots taken from the database
        self.fallen_back = 0  # sends paced by the fallback instead
        self.degraded = False  # the database did not answer: the fallback paces sends
        self._next_probe = 0.0  # time.monotonic(): when to try the database again
        self._probe: asyncio.Task | None = None
        self._stuck: asyncio.Future | None = None  # a call that timed out, still running
        self._lock = asyncio.Lock()  # one reservation at a time from this process

    async def acquire(self, max_wait: float = math.inf) -> float:
        wait = None
        if not self.degraded:
            async with self._lock:
                if not self.degraded:  # (another send may have found it down meanwhile)
                    try:
                        wait = await self._reserve_slot()
                    except (SQLAlchemyError, OSError, TimeoutError) as exc:
                        self._degrade(exc)
        if wait is None:
            self._probe_later()
            self.fallen_back += 1
            return await self.fallback.acquire(max_wait)
        if wait > max_wait:
            return wait  # the slot is given up: the caller puts its row back
        if wait > 0:
            await asyncio.sleep(wait)
        return 0.0

    async def pause(self, seconds: float) -> None:
        if self.degraded:
            return
        try:
            await self._call(self._pause, self.name, float(seconds))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            self._degrade(exc)

    async def _reserve_slot(self) -> float:
        """Seconds until the slot reserved comes, counted on the database's clock."""
        next_at, now = await self._call(self._reserve, self.name, self.interval)
        self.reserved += 1
        return (next_at - now).total_seconds() - self.interval

    def _degrade(self, exc: BaseException) -> None:
        if not self.degraded:
            log.warning("send budget %s: the database did not answer (%s); sending at "
                        "%.1f/s in this process until it does", self._platform,
                        type(exc).__name__, self.fallback.rate)
        self.degraded = True
        self._next_probe = time.monotonic() + self.retry_after

    def _probe_later(self) -> None:
        """While degraded, try the database now and then in the background (sends go on
        under the fallback meanwhile, never waiting on a hung server)."""
        if (self._probe is not None and not self._probe.done()) \
                or (self._stuck is not None and not self._stuck.done()) \
                or time.monotonic() < self._next_probe:
            return
        self._probe = asyncio.get_running_loop().create_task(self._try_again())

    async def _try_again(self) -> None:
        try:
            await self._reserve_slot()  # a real reservation (its slot goes unused)
        except (SQLAlchemyError, OSError, TimeoutError):
            self._next_probe = time.monotonic() + self.retry_after
            return
        self.degraded = False
        log.warning("send budget %s: the database answers again; sending within the "
                    "shared budget", self._platform)

    @property
    def _platform(self) -> str:
        return self.name.split(":")[0]

    async def _call(self, fn: Callable[..., T], *args: object) -> T:
        """`fn` in a thread, given up after `timeout` (+ a margin over the statement
        timeout, for a server that never answers). The thread of a call given up stays
        blocked; no other call starts until it ends, so at most one waits on a hung
        server."""
        future = asyncio.get_running_loop().run_in_executor(None, fn, *args)
        future.add_done_callback(_retrieve)  # a call given up may fail later: no noise
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout + 0.5)
        except TimeoutError:
            self._stuck = future
            raise

    def _reserve(self, name: str, span: float) -> tuple[datetime, datetime]:
        with self.engine.connect() as conn:
            conn.execute(text(f"SET LOCAL statement_timeout = {int(self.timeout * 1000)}"))
            row = conn.execute(RESERVE, {"name": name, "span": span}).one()
            conn.commit()
            return row.next_at, row.now

    def _pause(self, name: str, seconds: float) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f"SET LOCAL statement_timeout = {int(self.timeout * 1000)}"))
            conn.execute(PAUSE, {"name": name, "secs": seconds})
            conn.commit()


def _retrieve(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


def budget_for(sessions: sessionmaker, platform: str, token: str | None, rate: float,
               **kw: float) -> Budget:
    """The budget a worker sends within: shared through the database on PostgreSQL
    (every process with this token), in-process on SQLite (one process)."""
    engine = sessions.kw.get("bind")
    if isinstance(engine, Engine) and engine.dialect.name == "postgresql":
        return SharedBudget(engine, budget_name(platform, token), rate, **kw)
    return LocalBudget(rate)

