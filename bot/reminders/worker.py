"""Sending reminders: a queue the delivery worker (bot/broadcasts/worker.py `Worker`,
`queues=`) runs on each pass, after the broadcast rows, with the same sender, send
budget, per-chat pacing and 429 pause as everything else it sends for a platform.

Each pass, per platform:
1. plan (at most once a second per process): reminders due within PLAN_AHEAD get their
   queue row, changed meetings their notice, ended reminders are deleted
   (bot/reminders/store.py `plan`; SKIP LOCKED, ON CONFLICT DO NOTHING);
2. claim up to `batch` due rows (SKIP LOCKED), mark them `sending`, commit;
3. render each (bot/reminders/dialogue.py `render`: from the listing as it is now, in
   the person's language), take a slot from the token's budget, send, and commit its
   outcome at once. On Telegram a meeting's map pin is a message of its own (a venue):
   it is queued as a row of its own when the text is marked sent, and claimed after
   every reminder due, so 1,000 reminders at once all have their text out before the
   first pin takes a slot (and a pin never comes within a second of its text).

Crash safety is the broadcast queue's: a worker killed while holding rows leaves them
`sending`; once the lease is over any worker takes them again. Rows marked sent are
never sent again; only a row sent but not yet marked (at most the worker's concurrency)
can go twice, and on Discord its nonce stops that.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.reminders import store
from bot.reminders.dialogue import render
from bot.types import Reply

if TYPE_CHECKING:
    from bot.broadcasts.worker import Outcome, Worker, _Platform

log = logging.getLogger(__name__)


# Platforms that show a place card as a message of its own (Telegram's venue): a
# reminder's pin goes there as a second queue row (store.add_pin), after the texts due.
PIN_AS_MESSAGE = frozenset({"telegram"})


class ReminderQueue:
    """The reminders' part of a delivery worker's pass (bot/broadcasts/worker.py)."""

    name = "reminders"

    def __init__(self, plan_every: float = 1.0) -> None:
        self.plan_every = plan_every
        self._planned_at = -float("inf")

    # -- the worker's hooks ----------------------------------------------------------------

    async def run_once(self, worker: Worker, platform: str) -> int:
        p = worker.platforms[platform]
        if time.monotonic() - self._planned_at >= self.plan_every:
            self._planned_at = time.monotonic()
            await asyncio.to_thread(self._plan, worker)
        rows = await asyncio.to_thread(self._claim, worker, platform)
        if rows:
            sem = asyncio.Semaphore(p.limits.concurrency)
            await asyncio.gather(*(self._deliver(worker, p, row, sem) for row in rows))
        return len(rows)

    def due(self, session: Session, platform: str, now: datetime, lease: timedelta) -> bool:
        return store.due(session, platform, now, lease)

    # -- steps -------------------------------------------------------------------------------

    def _plan(self, worker: Worker) -> None:
        with worker.sessions() as session:
            store.plan(session, worker.clock())
            session.commit()

    def _claim(self, worker: Worker, platform: str) -> list[store.Claimed]:
        with worker.sessions() as session:
            rows = store.claim(session, platform, worker.name, worker.clock(),
                               worker.lease, worker.batch)
            session.commit()
            return rows

    def _render(self, worker: Worker, row: store.Claimed) -> Reply | None:
        with worker.sessions() as session:
            reply = render(session, row, worker.clock())
            if reply is None:  # paused, moved, or gone since it was planned
                store.finish(session, row.id, worker.name, "skipped", worker.clock())
                session.commit()
            return reply

    async def _deliver(self, worker: Worker, p: _Platform, row: store.Claimed,
                       sem: asyncio.Semaphore) -> None:
        from bot.broadcasts.worker import Outcome

        async with sem:
            reply = await asyncio.to_thread(self._render, worker, row)
            if reply is None:
                return
            if not await self._pause(worker, p, row):
                return
            pin_later = p.sender.platform in PIN_AS_MESSAGE and reply.card is not None \
                and row.kind == "reminder"
            if pin_later:
                reply = replace(reply, card=None)
            await p.pacer.wait(row.user_id)
            wait = await p.budget.acquire(max_wait=worker.lease.total_seconds() / 3)
            if wait:  # the token's budget is paused (a 429) past what a row may be held
                await asyncio.to_thread(self._release, worker, row, wait, "rate limited")
                return
            try:
                send = getattr(p.sender, "send_reply", None)
                if send is not None:
                    outcome = await send(row.user_id, reply, row.nonce)
                else:  # a sender that only sends text: the reply as plain text
                    outcome = await p.sender.send(row.user_id, reply.plain_text(), row.nonce)
            except Exception as exc:  # noqa: BLE001 - a sender bug must not lose the row
                log.exception("reminder: sender failed")
                outcome = Outcome("retry", retry_after=5.0, error=type(exc).__name__)
            if outcome.error == "429":
                await p.budget.pause(outcome.retry_after)
            await asyncio.to_thread(self._record, worker, p, row, outcome, pin_later)

    async def _pause(self, worker: Worker, p: _Platform, row: store.Claimed) -> bool:
        wait = p.paused_until - time.monotonic()
        if wait <= 0:
            return True
        if wait > worker.lease.total_seconds() / 3:
            await asyncio.to_thread(self._release, worker, row, wait, "rate limited")
            return False
        await asyncio.sleep(wait)
        return True

    def _release(self, worker: Worker, row: store.Claimed, wait: float, error: str) -> None:
        with worker.sessions() as session:
            store.release(session, row.id, worker.name,
                          worker.clock() + timedelta(seconds=wait), error)
            session.commit()

    def _record(self, worker: Worker, p: _Platform, row: store.Claimed,
                outcome: Outcome, pin_later: bool = False) -> None:
        now = worker.clock()
        with worker.sessions() as session:
            if outcome.kind == "sent":
                if not store.finish(session, row.id, worker.name, "sent", now,
                                    outcome.message_id):
                    log.warning("reminder: row %d was reclaimed while this worker held it",
                                row.id)
                elif pin_later:  # committed with "sent": the pin is queued exactly once
                    store.add_pin(session, row, now)
            elif outcome.kind == "blocked":
                store.blocked(session, row, worker.name)
            elif outcome.kind == "retry" and row.attempts < store.MAX_ATTEMPTS:
                if outcome.error == "429":
                    p.paused_until = max(p.paused_until,
                                         time.monotonic() + outcome.retry_after)
                store.release(session, row.id, worker.name,
                              now + timedelta(seconds=outcome.retry_after), outcome.error)
            else:
                store.finish(session, row.id, worker.name, "failed", now,
                             error=outcome.error or outcome.kind)
            session.commit()
