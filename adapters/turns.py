"""One turn runner for every platform: the terminal, Telegram and Discord adapters turn
what arrives into an `Incoming` and supply an `Outlet` - how replies look there
(`render`) and "send one message, tell me the outcome" (`send`). Everything else about
a turn lives here, once:

1. **Crisis first.** A danger message's contacts (`Responder.first_aid`) go out before
   the chat's lock and whatever the turn does with the database, so a hung database or
   a busy chat never holds them back (they wait at most FIRST_AID_CLAIM_WAIT to learn
   whether the message is a platform's retry of one already answered); the turn then
   runs without them (`Incoming.contacts_sent`).
2. **One turn at a time per chat**, in the order messages arrived: a message joins its
   chat's queue the moment it arrives, before its first aid is even looked at.
3. **The update claim** (bot/claims.py `begin_update`): a platform's retry or a second
   process does not answer twice; a claim is finished only after the reply has gone
   out, and a process that died mid-reply is taken over once its lease runs out - the
   turn's replies, journaled with the state they came from, are replayed (only what had
   not gone out), never the turn run again. A claim that takes longer than
   `claim_timeout` (the database hangs) is given up and the turn goes on unclaimed.
4. **The answer**, or a fallback that always carries the crisis contacts
   (bot/crisis/reply.py `fallback_replies`).
5. **Sending**: each message recorded before the next goes (send progress, which also
   renews the lease), stopping for someone who blocked the bot (the conversation is
   marked inactive, and nothing more goes to it until they write again).

Logs carry `ConversationRef.log_id` only, never what anyone wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from adapters.bookkeeping import Bookkeeper
from bot import claims, state
from bot.crisis import detect_crisis
from bot.crisis.reply import fallback_replies
from bot.types import ConversationRef, Incoming, Reply, Responder

log = logging.getLogger(__name__)

M = TypeVar("M")
T = TypeVar("T")

# What one send came to: "sent", "blocked" (the person blocked the bot or closed their
# DMs: stop), or "failed" (this message could not go; the next ones still try).
SENT, BLOCKED, FAILED = "sent", "blocked", "failed"

# A claimed update not moved on within this is taken over by a retry: its process died.
# Every message sent renews it, and a turn's work before its first message takes well
# under a second.
UPDATE_LEASE = timedelta(seconds=20)
# A claim that takes longer than this (the database hangs) is given up: the turn goes on
# unclaimed, so the person is answered (by the conversation's own fallback if need be).
CLAIM_TIMEOUT = 3.0
# How long a danger message's contacts wait to learn whether its update is a repeat (so
# a platform's retry does not send them twice); a hung database costs no more than this.
FIRST_AID_CLAIM_WAIT = 0.25
# Marking someone unreachable, or checking it, never holds a turn or a send for longer.
LOOKUP_TIMEOUT = 3.0


class Outlet(Protocol, Generic[M]):
    """Where one turn's replies go: a platform's rendering and its one-message send."""

    def render(self, replies: Sequence[Reply]) -> list[M]:
        """The replies as the platform's messages (pure: the same replies always give
        the same messages, so a takeover can skip the ones already sent)."""
        ...

    async def send(self, message: M, index: int) -> str:
        """Send one message (`index`: its place in the turn's): SENT, BLOCKED or FAILED."""
        ...


class ChatLocks:
    """One asyncio.Lock per chat, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def queue(self, chat: str) -> asyncio.Task[None]:
        """Join the chat's queue now (asyncio.Lock serves waiters in the order they
        asked): the task finishes when it is this caller's turn; `leave` after."""
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        return asyncio.ensure_future(lock.acquire())  # type: ignore[arg-type]

    def leave(self, chat: str, place: asyncio.Task[None]) -> None:
        lock, users = self._locks[chat]
        if place.done() and not place.cancelled() and place.exception() is None:
            lock.release()
        else:
            place.cancel()
        if users <= 1:
            del self._locks[chat]
        else:
            self._locks[chat] = (lock, users - 1)

    @contextlib.asynccontextmanager
    async def hold(self, chat: str) -> AsyncIterator[None]:
        place = self.queue(chat)
        try:
            await asyncio.shield(place)
            yield
        finally:
            self.leave(chat, place)


@dataclass(frozen=True)
class _Progress:
    """A claimed update whose reply is being sent."""

    update_id: str
    claim: claims.Claim


class Turns:
    """The turn runner of one adapter (one platform) in one process. Without `sessions`
    (the terminal) there are no claims and nobody is marked unreachable."""

    def __init__(self, platform: str, sessions: sessionmaker | None = None, *,
                 update_lease: timedelta = UPDATE_LEASE,
                 claim_timeout: float = CLAIM_TIMEOUT) -> None:
        self.platform = platform
        self.sessions = sessions
        self.update_lease = update_lease
        self.claim_timeout = claim_timeout
        self.locks = ChatLocks()
        self.responder: Responder | None = None
        # Conversations that answered "blocked", until the person writes again (the
        # database's `active` flag says the same to every process).
        self.blocked: set[str] = set()
        self._bookkeeper: Bookkeeper | None = None
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- lifecycle ----------------------------------------------------------------------

    def open(self, responder: Responder) -> None:
        """Start answering with `responder` (claims get a connection of their own)."""
        self.responder = responder
        if self.sessions is not None:
            self._bookkeeper = Bookkeeper(self.sessions.kw["bind"], f"{self.platform}-claims")

    async def close(self) -> None:
        bookkeeper, self._bookkeeper = self._bookkeeper, None
        if bookkeeper is not None:
            await bookkeeper.aclose()

    async def idle(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until no turn is in progress."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    # -- a turn ---------------------------------------------------------------------------

    async def run(self, msg: Incoming, outlet: Outlet[M], *, chat: str | None = None,
                  update_id: str | None = None, preset: list[Reply] | None = None) -> str:
        """Answer one message; returns its claim: "first" (answered here), "done" (a
        repeat, ignored) or "busy" (another process is answering it this moment).
        `chat` names the queue (default: the conversation); `preset` replies are sent
        instead of asking the conversation (a group's "continue privately")."""
        assert self.responder is not None, "Turns.open() first"
        chat = chat or msg.ref.key
        self._busy += 1
        self._idle.clear()
        place = self.locks.queue(chat)  # before any await: the order of arrival
        claiming = asyncio.ensure_future(self._claim(update_id, msg.ref)) \
            if update_id is not None else None
        try:
            if msg.text:
                msg = await self._first_aid(msg, outlet, claiming)
            await asyncio.shield(place)
            claim = await claiming if claiming is not None else claims.Claim("first")
            if claim.status != "first":
                log.info("repeated update ignored (%s)", claim.status,
                         extra={"conv": msg.ref.log_id})
                return claim.status
            self.blocked.discard(msg.ref.key)  # they wrote: reachable again
            if claim.replies is not None:
                # Taken over from a process that died after the turn was committed:
                # send what it had not sent, never run the turn a second time.
                log.info("update taken over: replaying its reply",
                         extra={"conv": msg.ref.log_id})
                replies = [Reply.from_json(r) for r in claim.replies]
            elif preset is not None:
                replies = preset
            else:
                if claim.owner:
                    msg = replace(msg, update_id=update_id)
                replies = await self._answer(msg)
            progress = _Progress(update_id, claim) if claim.owner and update_id else None
            await self._deliver(msg.ref, outlet, replies, progress)
            return "first"
        finally:
            if claiming is not None and not claiming.done():
                claiming.cancel()
            self.locks.leave(chat, place)
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    async def send(self, ref: ConversationRef, outlet: Outlet[M], replies: Sequence[Reply],
                   *, chat: str | None = None) -> bool:
        """Replies outside a turn, in the chat's queue; nothing goes to someone who
        blocked the bot. False if they turned out to be unreachable."""
        if ref.key in self.blocked or not await self._active(ref):
            log.info("not sent: conversation unreachable", extra={"conv": ref.log_id})
            return False
        async with self.locks.hold(chat or ref.key):
            return await self._deliver(ref, outlet, replies, None)

    async def unreachable(self, ref: ConversationRef) -> None:
        """The platform says the person blocked the bot: stop sending, and mark the
        conversation inactive in the database for every process."""
        self.blocked.add(ref.key)

        def mark() -> None:
            if self.sessions is None:
                return
            with self.sessions() as session:
                state.mark_inactive(session, ref.key)
                session.commit()
        try:
            await asyncio.wait_for(asyncio.to_thread(mark), LOOKUP_TIMEOUT)
        except (SQLAlchemyError, TimeoutError):
            log.warning("could not mark conversation inactive", extra={"conv": ref.log_id})
        log.info("conversation unreachable (blocked)", extra={"conv": ref.log_id})

    def reachable(self, ref: ConversationRef) -> None:
        """The person unblocked the bot (Telegram tells us): send again."""
        self.blocked.discard(ref.key)

    # -- the steps --------------------------------------------------------------------------

    async def _first_aid(self, msg: Incoming, outlet: Outlet[M],
                         claiming: asyncio.Future[claims.Claim] | None) -> Incoming:
        """Send a danger message's contacts now. Worked out while the claim is tried:
        a platform's retry of a message already answered gets no second set - if the
        claim says so within FIRST_AID_CLAIM_WAIT."""
        assert self.responder is not None
        aid = asyncio.ensure_future(self.responder.first_aid(msg))
        if claiming is not None:
            await asyncio.wait({claiming}, timeout=FIRST_AID_CLAIM_WAIT)
            if claiming.done() and claiming.result().status != "first":
                aid.cancel()
                return msg
        try:
            contacts = await aid
        except Exception:  # noqa: BLE001 - the turn's own fallback still carries them
            log.exception("first aid failed", extra={"conv": msg.ref.log_id})
            return msg
        if contacts is None:
            return msg
        await self._deliver(msg.ref, outlet, [contacts], None)
        return replace(msg, contacts_sent=True)

    async def _answer(self, msg: Incoming) -> list[Reply]:
        assert self.responder is not None
        try:
            return await self.responder.handle(msg)
        except Exception:  # noqa: BLE001 - the person still gets an answer
            log.exception("handler failed", extra={"conv": msg.ref.log_id})
            return fallback_replies("went_wrong", detect_crisis(msg.text or ""),
                                    contacts_sent=msg.contacts_sent)

    async def _claim(self, update_id: str, ref: ConversationRef) -> claims.Claim:
        """Claim an update so it is answered once across processes."""
        def claim(session: Session) -> claims.Claim:
            return claims.begin_update(session, self.platform, update_id, datetime.now(UTC),
                                       self.update_lease)
        try:
            return await asyncio.wait_for(self._bookkeep(claim), self.claim_timeout)
        except Exception:  # noqa: BLE001 - SQLAlchemyError, TimeoutError or worse
            # Answer rather than stay silent: a repeat is better than nothing for
            # someone who may be in crisis. No owner: nothing of this turn is journaled.
            log.warning("could not claim update", extra={"conv": ref.log_id})
            return claims.Claim("first")

    async def _bookkeep(self, work: Callable[[Session], T]) -> T:
        if self._bookkeeper is None:
            raise SQLAlchemyError("the adapter is not running")
        return await self._bookkeeper(work)

    async def _progress(self, progress: _Progress, sent: int, done: bool) -> bool:
        """Record messages sent (and move the lease on); False if another process has
        taken the update over, so this one must stop sending."""
        claim = progress.claim

        def record(session: Session) -> bool:
            return claims.progress_update(session, self.platform, progress.update_id,
                                          claim.owner, sent, datetime.now(UTC), done)
        try:
            return await asyncio.wait_for(self._bookkeep(record), self.claim_timeout)
        except (SQLAlchemyError, TimeoutError):
            # Keep sending: a reply repeated after a crash is better than one lost.
            log.warning("could not record an update's progress")
            return True

    async def _deliver(self, ref: ConversationRef, outlet: Outlet[M], replies: Sequence[Reply],
                       progress: _Progress | None) -> bool:
        """Send a turn's replies. With `progress` (an update this process holds), each
        message sent is recorded before the next goes, so a process taking the update
        over sends only the rest; at most the one message in flight when a process dies
        goes twice (the platforms have no idempotency key for this). False if the person
        turned out to be unreachable."""
        messages = outlet.render(replies)
        start = progress.claim.sent if progress else 0
        for n in range(start, len(messages)):
            if ref.key in self.blocked:
                log.info("not sent: conversation unreachable", extra={"conv": ref.log_id})
                return False
            outcome = await outlet.send(messages[n], n)
            if outcome == BLOCKED:
                await self.unreachable(ref)
                return False
            if progress is not None and not await self._progress(
                    progress, n + 1, done=n == len(messages) - 1):
                log.warning("update taken over by another process: stopped sending",
                            extra={"conv": ref.log_id})
                return True
        if progress is not None and start >= len(messages):
            await self._progress(progress, len(messages), done=True)
        return True

    async def _active(self, ref: ConversationRef) -> bool:
        def active() -> bool:
            if self.sessions is None:
                return True
            with self.sessions() as session:
                return state.is_active(session, ref.key)
        try:
            return await asyncio.wait_for(asyncio.to_thread(active), LOOKUP_TIMEOUT)
        except (SQLAlchemyError, TimeoutError):
            return True  # unknown: try; the platform says if they blocked us
