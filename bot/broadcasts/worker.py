"""The delivery worker: sends broadcast rows (bot/broadcasts/store.py) and the
notification outbox (bot/outbox.py) through one sender per platform, within that
platform's limits.

Platform-free: a `Sender` (adapters/senders.py) does the platform's call and says what
happened; this module decides what that means for the row.

Broadcast rows, per platform, in a loop:
1. claim up to `batch` due rows (SKIP LOCKED on PostgreSQL; one worker on SQLite), mark
   them `sending` with this worker's id and the time, commit;
2. send each, at most `rate` a second in all and one a second per chat, a few at a
   time. The rate is the bot token's, not the process's: each send takes a slot from the
   token's send budget (bot/broadcasts/budget.py), shared through PostgreSQL by every
   process that sends with the token, so N processes together keep within it; on SQLite
   (one process) it is an in-process aiolimiter of capacity 1, so never a burst above
   the rate in any one-second window. Per-chat pacing stays per process;
   A person gets the broadcast's version in the language of their subscription, else
   the main text; an announcement channel gets every version in one post (store.py
   `claim`, dialogue.py `channel_post`);
3. right after each send, commit that row's outcome: sent (with the platform's message
   id), unsubscribed (403 / blocked / DMs closed: the subscription goes too; for an
   announcement channel gone or forbidden: failed, and the server's setting goes), failed
   (refused for good, or MAX_ATTEMPTS transient failures), or back to pending with a
   not-before time (429: the whole platform pauses for retry_after, in every process
   sharing the budget; network errors: a short back-off).

Crash safety. A row marked sent was committed after its send and is never claimed again.
A worker killed at any point leaves at most `batch` rows in `sending`; once their claim
is older than `lease` any worker takes them again, so none is lost. Of those, the rows it
had not yet sent are sent once. The few whose send had gone out but whose "sent" had not
been committed (at most `concurrency`, usually 1 or 2) are sent again: Telegram has no
idempotency key, so those people get the message twice; Discord messages carry a nonce
(the row id) with enforce_nonce, and Discord answers a repeat within its nonce window
(a few minutes) with the first message instead of posting a second one. The lease must
be longer than a live worker holds a row: rows held through a long 429 pause are given
back to the queue instead of waiting (see `_pause`).

Graceful stop: `stop()` stops claiming; rows already claimed are finished and committed.

Notifications (one-off messages from bot/outbox.py) have no claim columns: a worker
locks a few (SKIP LOCKED on PostgreSQL), sends them and marks them sent in the same
transaction. A crash mid-way rolls the marks back, so those few are sent again rather
than lost (at least once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import outbox
from bot.broadcasts import store
from bot.broadcasts.budget import Budget, LocalBudget
from bot.broadcasts.dialogue import channel_post

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What a platform said to one send.
    kind: sent | blocked (403, blocked, DMs closed) | retry (429 or transient) | failed."""

    kind: str
    message_id: str | None = None
    retry_after: float = 0.0
    error: str = ""


class Queue(Protocol):
    """Another kind of message this worker sends on each pass, after the broadcast rows
    (meeting reminders: bot/reminders/worker.py), with the platform's sender, limits and
    budget (`worker.platforms[platform]`). The composition root lists them
    (adapters/wiring.py `standard_queues`); this module imports none."""

    async def run_once(self, worker: Worker, platform: str) -> int:
        """One pass for a platform: how many messages were handled."""
        ...

    def due(self, session: Session, platform: str, now: datetime, lease: timedelta
            ) -> bool: ...


class Sender(Protocol):
    """One platform's way of sending a direct message to a user id. A sender that can
    also post to a channel (Discord announcement channels: rows of kind "channel") has
    `send_channel(channel_id, text, nonce)`, answering "blocked" for a channel that is
    gone or forbidden."""

    platform: str

    async def send(self, user_id: str, text: str, nonce: str | None) -> Outcome: ...


@dataclass
class Limits:
    """Per platform. Telegram: at most 25 messages a second in all (its bulk limit is
    about 30) and one a second per chat. Discord: 25 a second, half its global 50."""

    rate: float = 25.0
    per_chat_interval: float = 1.0
    concurrency: int = 4  # sends in flight at once


DEFAULT_LIMITS: dict[str, Limits] = {
    "telegram": Limits(rate=25.0, per_chat_interval=1.0),
    "discord": Limits(rate=25.0, per_chat_interval=1.0),
}


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ChatPacer:
    """At most one message per `interval` to any one chat: an aiolimiter AsyncLimiter of
    capacity 1 per chat, dropped again once idle so 10,000 recipients cost no memory."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._limiters: dict[str, AsyncLimiter] = {}

    async def wait(self, chat: str) -> None:
        if self.interval <= 0:
            return
        if len(self._limiters) > 1000:
            self._limiters = {k: v for k, v in self._limiters.items() if not v.has_capacity()}
        limiter = self._limiters.setdefault(chat, AsyncLimiter(1, self.interval))
        await limiter.acquire()


@dataclass
class _Platform:
    sender: Sender
    limits: Limits
    budget: Budget  # the bot token's send budget: shared on PostgreSQL
    pacer: ChatPacer
    paused_until: float = 0.0  # time.monotonic() while a 429 holds the platform


class Worker:
    def __init__(self, sessions: sessionmaker, senders: Mapping[str, Sender], *,
                 limits: Mapping[str, Limits] | None = None, batch: int = 25,
                 lease: timedelta = timedelta(seconds=60), idle: float = 1.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 name: str | None = None, notifications: bool = True,
                 budgets: Mapping[str, Budget] | None = None,
                 queues: Sequence[Queue] = ()) -> None:
        """`budgets`: each platform's send budget (bot/broadcasts/budget.py `budget_for`,
        shared by every process with the token); none given: this process's own, at
        the limits' rate."""
        self.sessions = sessions
        self.batch = batch
        self.lease = lease
        self.idle = idle
        self.clock = clock
        self.name = name or worker_id()
        self.notifications = notifications
        self.queues = list(queues)  # sent after the broadcast rows, on every pass
        self._stop = asyncio.Event()
        limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.platforms: dict[str, _Platform] = {}
        for name_, sender in senders.items():
            lim = limits.get(name_, Limits())
            budget = (budgets or {}).get(name_) or LocalBudget(lim.rate)
            self.platforms[name_] = _Platform(sender, lim, budget,
                                              ChatPacer(lim.per_chat_interval))

    # -- running ------------------------------------------------------------------------

    async def run(self) -> None:
        """Deliver until `stop()`; returns once rows already claimed are finished."""
        self._stop.clear()
        await asyncio.gather(*(self._loop(p) for p in self.platforms))

    def stop(self) -> None:
        self._stop.set()

    async def _loop(self, platform: str) -> None:
        while not self._stop.is_set():
            try:
                worked = await self.run_once(platform)
            except SQLAlchemyError:
                log.exception("delivery: database error; trying again shortly")
                worked = 0
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.idle)

    async def run_once(self, platform: str) -> int:
        """One pass: a batch of broadcast rows, then a few notifications. Returns how
        many messages were handled (0: nothing was due)."""
        p = self.platforms[platform]
        wait = p.paused_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(min(wait, self.idle))
            return 1
        rows = await asyncio.to_thread(self._claim, platform)
        if rows:
            sem = asyncio.Semaphore(p.limits.concurrency)
            await asyncio.gather(*(self._deliver(p, row, sem) for row in rows))
        done = len(rows)
        for queue in self.queues:
            if not self._stop.is_set():
                done += await queue.run_once(self, platform)
        if self.notifications and not self._stop.is_set():
            done += await self._notifications(p)
        return done

    async def drain(self, platform: str, timeout: float = 30.0) -> None:
        """Run until nothing is due for the platform (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await self.run_once(platform):
                if not await asyncio.to_thread(self._due, platform):
                    return
                await asyncio.sleep(0.05)
        raise TimeoutError(f"{platform}: deliveries still due after {timeout} s")

    # -- broadcast rows ---------------------------------------------------------------------

    def _claim(self, platform: str) -> list[store.Claimed]:
        with self.sessions() as session:
            rows = store.claim(session, platform, self.name, self.clock(), self.lease,
                               self.batch)
            session.commit()
            return rows

    def _due(self, platform: str) -> bool:
        with self.sessions() as session:
            now = self.clock()
            return store.due(session, platform, now, self.lease) or any(
                q.due(session, platform, now, self.lease) for q in self.queues)

    async def _deliver(self, p: _Platform, row: store.Claimed, sem: asyncio.Semaphore
                       ) -> None:
        async with sem:
            if not await self._pause(p, row):
                return
            await p.pacer.wait(row.user_id)
            wait = await p.budget.acquire(max_wait=self.lease.total_seconds() / 3)
            if wait:  # the token's budget is paused (a 429) past what a row may be held
                await asyncio.to_thread(self._release, row, wait, "rate limited")
                return
            if not await self._pause(p, row):
                return
            try:
                if row.kind == "channel":
                    send = getattr(p.sender, "send_channel", None)
                    outcome = Outcome("failed", error="no channel sender") if send is None \
                        else await send(row.user_id, channel_post(row.versions), row.nonce)
                else:
                    outcome = await p.sender.send(row.user_id, row.text, row.nonce)
            except Exception as exc:  # noqa: BLE001 - a sender bug must not lose the row
                log.exception("delivery: sender failed")
                outcome = Outcome("retry", retry_after=5.0, error=type(exc).__name__)
            if outcome.error == "429":  # every process with the token waits it out
                await p.budget.pause(outcome.retry_after)
            await asyncio.to_thread(self._record, p, row, outcome)

    async def _pause(self, p: _Platform, row: store.Claimed) -> bool:
        """Wait out a 429 pause; a long one gives the row back to the queue instead, so
        no row is held near its lease (another worker would take it). False: given back."""
        wait = p.paused_until - time.monotonic()
        if wait <= 0:
            return True
        if wait > self.lease.total_seconds() / 3:
            await asyncio.to_thread(self._release, row, wait, "rate limited")
            return False
        await asyncio.sleep(wait)
        return True

    def _release(self, row: store.Claimed, wait: float, error: str) -> None:
        with self.sessions() as session:
            store.release(session, row.id, self.name,
                          self.clock() + timedelta(seconds=wait), error)
            session.commit()

    def _record(self, p: _Platform, row: store.Claimed, outcome: Outcome) -> None:
        now = self.clock()
        with self.sessions() as session:
            if outcome.kind == "sent":
                if not store.mark_sent(session, row.id, self.name, now, outcome.message_id):
                    log.warning("delivery: row %d was reclaimed while this worker held it",
                                row.id)
            elif outcome.kind == "blocked":
                store.mark_blocked(session, row, self.name, outcome.error)
            elif outcome.kind == "retry" and row.attempts < store.MAX_ATTEMPTS:
                if outcome.error == "429":
                    p.paused_until = max(p.paused_until,
                                         time.monotonic() + outcome.retry_after)
                    log.warning("delivery: %s rate limited for %.1f s", p.sender.platform,
                                outcome.retry_after)
                store.release(session, row.id, self.name,
                              now + timedelta(seconds=outcome.retry_after), outcome.error)
            else:
                store.mark_failed(session, row.id, self.name, outcome.error or outcome.kind)
            session.commit()

    # -- notifications ----------------------------------------------------------------------

    async def _notifications(self, p: _Platform, limit: int = 10) -> int:
        platform = p.sender.platform
        session = self.sessions()
        try:
            rows = await asyncio.to_thread(outbox.claim, session, platform, limit)
            for row in rows:
                await p.pacer.wait(row.user_id)
                await p.budget.acquire()
                try:
                    outcome = await p.sender.send(row.user_id, row.text, f"rcn{row.id}")
                except Exception as exc:  # noqa: BLE001
                    log.exception("notification: sender failed")
                    outcome = Outcome("retry", error=type(exc).__name__)
                row.attempts += 1
                if outcome.kind == "retry" and outcome.error == "429":
                    p.paused_until = time.monotonic() + outcome.retry_after
                    await p.budget.pause(outcome.retry_after)
                    break
                if outcome.kind != "retry" or row.attempts >= store.MAX_ATTEMPTS:
                    # Sent; or nobody to deliver to (blocked), refused, or given up on.
                    row.sent_at = self.clock()
                    if outcome.kind != "sent":
                        log.warning("notification not delivered: %s", outcome.error
                                    or outcome.kind)
            await asyncio.to_thread(session.commit)
            return len(rows)
        finally:
            await asyncio.to_thread(session.close)
