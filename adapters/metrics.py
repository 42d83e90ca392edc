"""Prometheus metrics of `recovery-bot run` (prometheus-client), all defined here.

Nothing in `bot/` or `directory/` knows about them: the adapters measure from the outside
(a wrapper round the conversation's handler, one round the DirectorySearch, one
round a broadcast Sender, a collector that counts queue rows at scrape time), so
the import direction stays adapters -> bot -> directory.

No metric carries message text, platform ids or a conversation's hash in its labels:
labels are platform names, outcome kinds and row statuses only.

One `Metrics` per process, each with its own registry (no global state: tests build as
many as they like). Exposed on /metrics by adapters/health.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.broadcasts import Outcome, Sender
from bot.catalogue import t
from bot.types import Incoming, Reply, Responder
from directory.search import DirectorySearch, Query, Results

# A turn is usually a few milliseconds; a slow database or a cold index can make it
# seconds. Search alone is sub-millisecond to tens of milliseconds (benchmarks/search.py).
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SEARCH_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = self.registry = registry or CollectorRegistry()
        self.messages = Counter("recovery_messages_handled", "Messages the conversation "
                                "handled.", ["platform"], registry=r)
        self.errors = Counter("recovery_errors", "Turns that failed: kind=handler (an "
                              "exception reached the adapter) or database (the person was "
                              "told the database is down).", ["platform", "kind"],
                              registry=r)
        self.turn_seconds = Histogram("recovery_turn_seconds", "Time to work out the "
                                      "replies to one message (crisis check, state, "
                                      "search), before sending.", ["platform"],
                                      buckets=TURN_BUCKETS, registry=r)
        self.search_seconds = Histogram("recovery_search_seconds", "Directory search "
                                        "latency.", buckets=SEARCH_BUCKETS, registry=r)
        self.crisis_replies = Counter("recovery_crisis_replies", "Turns answered with "
                                      "crisis contacts (a count only; nothing of the "
                                      "message).", ["platform"], registry=r)
        self.deliveries = Counter("recovery_deliveries", "Broadcast and notification "
                                  "sends by outcome (sent, blocked, retry, failed).",
                                  ["platform", "outcome"], registry=r)
        self.log_events = Counter("recovery_log_events", "Log records at WARNING and "
                                  "above.", ["level"], registry=r)
        self.db_down_text = t("db_down")  # how a reply says the database is down

    # -- the conversation ------------------------------------------------------------

    def measure(self, responder: Responder) -> Responder:
        """The conversation, counted and timed per platform (adapters/turns.py calls
        it as it would the conversation)."""
        return _Measured(responder, self)

    def search(self, search: DirectorySearch) -> TimedSearch:
        """`search` (the app's own, with all its settings), its latency recorded here."""
        return TimedSearch(search, self.search_seconds)

    # -- broadcasts (the hook for the delivery worker) -----------------------------------

    def count_sender(self, sender: Sender) -> Sender:
        """Wrap a bot.broadcasts Sender so every send's outcome is counted
        (`recovery_deliveries_total{platform, outcome}`). A sender that can post to
        announcement channels keeps that ability, counted too; one that cannot still
        has no `send_channel`, so the worker fails such rows as before."""
        send_channel = getattr(sender, "send_channel", None)
        if callable(send_channel):
            return CountingChannelSender(sender, self.deliveries, send_channel)
        return CountingSender(sender, self.deliveries)

    def watch_queues(self, sessions: sessionmaker) -> None:
        """At each scrape, count broadcast delivery rows by status (broadcast progress)
        and unsent notifications, from the database: true whichever process sends."""
        self.registry.register(QueueCollector(sessions))

    # -- logs ---------------------------------------------------------------------------

    def log_handler(self) -> logging.Handler:
        return _CountingHandler(self.log_events)


class _Measured:
    """A Responder that counts messages, crisis replies and failures, and times turns."""

    def __init__(self, responder: Responder, metrics: Metrics) -> None:
        self._responder = responder
        self._m = metrics

    async def first_aid(self, msg: Incoming) -> Reply | None:
        contacts = await self._responder.first_aid(msg)
        if contacts is not None:
            self._m.crisis_replies.labels(msg.ref.platform).inc()
        return contacts

    async def handle(self, msg: Incoming) -> list[Reply]:
        m, platform = self._m, msg.ref.platform
        start = time.perf_counter()
        try:
            replies = await self._responder.handle(msg)
        except Exception:
            m.errors.labels(platform, "handler").inc()
            raise
        finally:
            m.turn_seconds.labels(platform).observe(time.perf_counter() - start)
        m.messages.labels(platform).inc()
        if any(r.crisis for r in replies) and not msg.contacts_sent:
            m.crisis_replies.labels(platform).inc()
        if any(r.text == m.db_down_text for r in replies):
            m.errors.labels(platform, "database").inc()
        return replies

    def menu(self, role: str | None = None) -> tuple[str, ...]:
        return self._responder.menu(role)


class TimedSearch:
    """A DirectorySearch, timed: it wraps the one it is given rather than making another,
    so that one's settings (recheck_seconds, stale_after), index and view cache are the
    ones used. Everything but `search` is the wrapped search's own."""

    def __init__(self, search: DirectorySearch, histogram: Histogram) -> None:
        self.wrapped = search
        self._histogram = histogram

    def search(self, session: Session, q: Query, now: datetime | None = None) -> Results:
        start = time.perf_counter()
        try:
            return self.wrapped.search(session, q, now)
        finally:
            self._histogram.observe(time.perf_counter() - start)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


class CountingSender:
    """A Sender that counts each outcome by platform and kind: sent, blocked, retry,
    failed. A send that raises counts as retry (what the worker makes of it)."""

    def __init__(self, sender: Sender, counter: Counter) -> None:
        self._sender = sender
        self._counter = counter
        self.platform = sender.platform

    async def _counted(self, sending: Awaitable[Outcome]) -> Outcome:
        try:
            outcome = await sending
        except Exception:
            self._counter.labels(self.platform, "retry").inc()
            raise
        self._counter.labels(self.platform, outcome.kind).inc()
        return outcome

    async def send(self, user_id: str, text: str, nonce: str | None) -> Outcome:
        return await self._counted(self._sender.send(user_id, text, nonce))


class CountingChannelSender(CountingSender):
    """The same for a sender that also posts to announcement channels (Discord)."""

    def __init__(self, sender: Sender, counter: Counter,
                 send_channel: Callable[[str, str, str | None], Awaitable[Outcome]]) -> None:
        super().__init__(sender, counter)
        self._send_channel = send_channel

    async def send_channel(self, channel_id: str, text: str, nonce: str | None) -> Outcome:
        return await self._counted(self._send_channel(channel_id, text, nonce))


class QueueCollector(Collector):
    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from bot.broadcasts.store import STATUSES, Delivery
        from bot.outbox import Notification

        rows = GaugeMetricFamily("recovery_broadcast_deliveries", "Broadcast delivery "
                                 "rows by status (progress of every broadcast still kept).",
                                 labels=["status"])
        unsent = GaugeMetricFamily("recovery_notifications_unsent", "Notifications "
                                   "waiting to be sent.")
        try:
            with self.sessions() as session:
                counts = {status: n for status, n in session.execute(
                    select(Delivery.status, func.count()).group_by(Delivery.status))}
                waiting = session.scalar(select(func.count()).select_from(Notification)
                                         .where(Notification.sent_at.is_(None))) or 0
        except SQLAlchemyError:
            return  # /readyz says why; metrics stay up without these
        for status in STATUSES:
            rows.add_metric([status], counts.get(status, 0))
        unsent.add_metric([], waiting)
        yield rows
        yield unsent


class _CountingHandler(logging.Handler):
    def __init__(self, counter: Counter) -> None:
        super().__init__(logging.WARNING)
        self._counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        self._counter.labels(record.levelname.lower()).inc()
