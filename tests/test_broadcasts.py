"""Broadcasts: subscriptions, the /broadcast flow, and the delivery queue - on SQLite and
PostgreSQL, through the real Conversation, the real python-telegram-bot client against
the fake Bot API server (tests/fake_telegram.py), and real worker processes
(`recovery-bot deliver`) killed mid-broadcast or reporting their sends on /metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
import discord
import pytest
from bot_process import free_port
from dialogue import Chat
from discord.http import Route
from discord.utils import escape_markdown
from fake_discord import FakeDiscord
from fake_telegram_limited import LimitedTelegram
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from adapters.metrics import Metrics
from adapters.senders import DiscordSender, TelegramSender, discord_length, telegram_length
from bot import access
from bot.access import AuditEvent
from bot.broadcasts import Broadcasting, Limits, Worker, compose, for_channel, store
from bot.state import is_active
from bot.volunteers import Volunteering
from directory.geography import Gazetteer

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = Path(os.environ.get("TMPDIR", "/tmp"))
GAZ = Gazetteer.default()
PLATFORMS = ("telegram", "discord")
LIMITS = {"telegram": (4000, telegram_length), "discord": (2000, discord_length)}
LEEDS, SHEFFIELD, LONDON = (53.80, -1.55), (53.38, -1.47), (51.51, -0.13)


def person(chat: Chat, user: str, platform: str = "telegram", admin: bool = False) -> Chat:
    c = Chat(chat.sessions, chat.clock, user, platform,
             features=[Volunteering(GAZ), Broadcasting(GAZ, PLATFORMS, LIMITS)])
    if admin:
        with c.sessions() as s:
            access.grant(s, platform, user, "admin", c.clock())
            s.commit()
    return c


@pytest.fixture
def admin(chat: Chat) -> Chat:
    return person(chat, "9", admin=True)


def subs(sessions: sessionmaker) -> list[store.Subscription]:
    with sessions() as s:
        return list(s.scalars(select(store.Subscription).order_by(store.Subscription.id)))


def rows(sessions: sessionmaker, broadcast_id: int | None = None) -> list[store.Delivery]:
    with sessions() as s:
        q = select(store.Delivery).order_by(store.Delivery.id)
        if broadcast_id is not None:
            q = q.where(store.Delivery.broadcast_id == broadcast_id)
        return list(s.scalars(q))


def add_subscribers(sessions: sessionmaker, clock, people) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        for platform, user, topics, area, radius in people:
            store.subscribe(s, platform, user, clock(), topics=topics,
                            area=("x", *area) if area else None, radius_km=radius)
        s.commit()


async def write(admin: Chat, text: str) -> None:
    await admin.say("/broadcast")
    admin.expect("Write the message")
    await admin.say(text)


@pytest.mark.parametrize("leaving", [["/cancel"], ["/start"], ["/forget", "Yes, delete"],
                                     ["/subscribe"], ["/broadcasts"]])
async def test_leaving_a_broadcast_unsent_leaves_no_draft(admin: Chat,
                                                          leaving: list[str]) -> None:
    await write(admin, "Recovery walk on Saturday")
    with admin.sessions() as s:
        assert s.scalar(select(func.count()).select_from(store.Broadcast)
                        .where(store.Broadcast.status == "draft")) == 1
    await admin.say(leaving[0])
    for button in leaving[1:]:
        await admin.tap(button)
    with admin.sessions() as s:
        assert s.scalar(select(func.count()).select_from(store.Broadcast)) == 0


# -- subscribing ----------------------------------------------------------------------------


async def test_subscribe_with_words_then_unsubscribe(chat: Chat) -> None:
    sam = person(chat, "1001")
    assert subs(chat.sessions) == []  # nobody is subscribed without asking
    await sam.say("/subscribe events near Leeds")
    sam.expect("You're subscribed", "Events", "Leeds", "/unsubscribe")
    [row] = subs(chat.sessions)
    assert (row.platform, row.user_id, row.topics) == ("telegram", "1001", ["events"])
    assert row.latitude == round(row.latitude, 2) and abs(row.latitude - 53.8) < 0.1
    await sam.say("/subscribe women's groups")
    sam.expect("Updated", "Women's groups", "anywhere")
    [row] = subs(chat.sessions)
    assert row.topics == ["women"] and row.latitude is None
    await sam.say("/unsubscribe")
    sam.expect("won't get any more")
    assert subs(chat.sessions) == []
    await sam.say("/unsubscribe")
    sam.expect("weren't subscribed")


async def test_subscribe_with_buttons_and_privacy(chat: Chat) -> None:
    sam = person(chat, "1002")
    await sam.say("/subscribe")
    await sam.tap("Family & friends")
    sam.expect("Family & friends")
    await sam.say("near Sheffield 10 km")
    sam.expect("within 10 km of Sheffield")
    await sam.tap("Subscribe")
    sam.expect("You're subscribed")
    [row] = subs(chat.sessions)
    assert row.topics == ["family"] and row.radius_km == 10
    assert all(len(p) <= 4 for p in sam.all_payloads())  # short opaque ids
    await sam.say("/privacy")
    sam.expect("/subscribe", "/unsubscribe", "subscriptions included")


async def test_forget_removes_subscription_and_waiting_messages(chat: Chat, admin: Chat
                                                                ) -> None:
    sam = person(chat, "1003")
    await sam.say("/subscribe")
    await sam.tap("Subscribe")
    await write(admin, "Picnic on Sunday")
    await admin.tap("Everyone (1)")
    await admin.tap("Send now to 1")
    assert len(rows(chat.sessions)) == 1
    await sam.say("/forget")
    await sam.tap("Yes, delete")
    assert subs(chat.sessions) == [] and rows(chat.sessions) == []


# -- admins -----------------------------------------------------------------------------------


async def test_non_admins_are_refused_politely_and_audited(chat: Chat) -> None:
    sam = person(chat, "1004")
    for command in ("/broadcast", "/broadcasts"):
        await sam.say(command)
        sam.expect("isn't something I can do")
    with chat.sessions() as s:
        events = s.execute(select(AuditEvent.command, AuditEvent.allowed)).all()
    assert sorted(events) == [("broadcast", False), ("broadcasts", False)]


async def test_preview_is_exact_and_too_long_for_discord_is_refused(chat: Chat, admin: Chat
                                                                    ) -> None:
    text = "Recovery café opens at the Hub!\nThursdays 10:00-12:00 *all welcome*"
    await write(admin, text)
    assert admin.replies[1].text == compose(text)  # exactly what recipients get
    assert admin.replies[1].text.endswith("Send /unsubscribe to stop them.")
    await admin.tap("Cancel")
    with chat.sessions() as s:
        assert s.scalar(select(func.count()).select_from(store.Broadcast)) == 0
    # 1990 characters fit Discord's 2000 as typed, but not with the unsubscribe line
    # and markdown escaping: refused at preview, nothing stored.
    await write(admin, "_a_ " * 490)
    admin.expect("too long for Discord")
    await admin.say("Short and sweet")
    admin.expect("exactly what people will get")


async def test_a_broadcast_may_speak_of_suicide_prevention(chat: Chat, admin: Chat) -> None:
    """A topic is not an alarm: the draft goes straight to its preview, and elsewhere
    the same words get the usual answer."""
    text = "Our suicide prevention walk is on Saturday, 10:00 at the Hub."
    await write(admin, text)
    assert not any(r.crisis for r in admin.replies)
    assert any(r.text == compose(text) for r in admin.replies)
    admin.expect("exactly what people will get")
    await chat.say("/start")
    await chat.say(text)
    assert not any(r.crisis for r in chat.replies)


async def test_danger_while_writing_a_broadcast_gets_contacts_then_the_draft(
        admin: Chat) -> None:
    """Words that signal danger now, typed at a drafting step, bring the crisis
    contacts first (the admin may be the one in danger); then the draft goes on."""
    text = "Honestly I can't go on any more. Meeting moved to Friday."
    await write(admin, text)
    assert admin.replies[0].crisis and "Are you safe right now?" in admin.replies[0].text
    assert any(r.text == compose(text) for r in admin.replies[1:])


async def test_targeting_counts_match_rows(chat: Chat, admin: Chat) -> None:
    add_subscribers(chat.sessions, chat.clock, [
        ("telegram", "2001", ["events"], LEEDS, 10.0),
        ("telegram", "2002", [], SHEFFIELD, 5.0),        # 47 km from Leeds
        ("telegram", "2003", ["women"], LONDON, 25.0),
        ("discord", "2004", ["women", "events"], None, None),
        ("discord", "2005", [], LEEDS, 25.0),
    ])
    expected = {("ba0", None): 5, ("ba1", "Leeds 20 km"): 2, ("ba1", "Leeds 45 km"): 3,
                ("ba2", "Women's groups"): 4, ("ba3", "Discord"): 2}
    for (choice, detail), n in expected.items():
        await write(admin, f"News {choice} {detail}")
        await admin.press(choice)
        if choice == "ba1":
            await admin.say(detail)
        elif detail:
            await admin.tap(detail)
        admin.expect(f"Send to {n} people")
        await admin.tap(f"Send now to {n}")
        admin.expect(f"on its way to {n} people")
    with chat.sessions() as s:
        made = {i: n for i, n in s.execute(select(store.Broadcast.id,
                                                  store.Broadcast.recipients)
                                           .order_by(store.Broadcast.id))}
        per = {i: n for i, n in s.execute(select(store.Delivery.broadcast_id, func.count())
                                          .group_by(store.Delivery.broadcast_id))}
    assert list(made.values()) == list(expected.values())
    assert per == made


# -- delivery through the real Telegram client against the fake server -----------------


class Harness:
    def __init__(self, tg: LimitedTelegram, sessions: sessionmaker, chat: Chat) -> None:
        self.tg, self.sessions, self.chat = tg, sessions, chat
        self.sender, self.bot = TelegramSender.standalone(tg.token, tg.url, sessions)
        self.worker = Worker(sessions, {"telegram": self.sender}, clock=chat.clock,
                             limits={"telegram": Limits(rate=50, per_chat_interval=0.0)},
                             lease=timedelta(seconds=60))


@pytest.fixture
async def h(chat: Chat):  # type: ignore[no-untyped-def]
    async with LimitedTelegram(per_second=0) as tg:
        harness = Harness(tg, chat.sessions, chat)
        async with harness.bot:  # type: ignore[attr-defined]
            yield harness


async def broadcast_to(admin: Chat, text: str, n: int, when: str | None = None) -> None:
    await write(admin, text)
    await admin.tap(f"Everyone ({n})")
    if when is None:
        await admin.tap(f"Send now to {n}")
    else:
        await admin.tap("Schedule")
        await admin.say(when)
        admin.expect("will go to")


async def test_scheduled_broadcast_waits_for_its_time(h: Harness, admin: Chat) -> None:
    add_subscribers(h.sessions, h.chat.clock, [("telegram", "3001", [], None, None)])
    await broadcast_to(admin, "Quiz night", 1, when="in 2 hours")
    assert await h.worker.run_once("telegram") == 0
    assert h.tg.received() == {}
    await admin.say("/broadcasts")
    admin.expect("scheduled for", "0 delivered", "1 waiting")
    h.chat.clock.advance(hours=2, minutes=1)
    await h.worker.drain("telegram")
    assert h.tg.texts(3001) == [compose("Quiz night")]
    await admin.say("/broadcasts")
    admin.expect("finished", "1 delivered, 0 failed")


async def test_cancel_stops_the_rest(h: Harness, admin: Chat) -> None:
    add_subscribers(h.sessions, h.chat.clock,
                    [("telegram", str(3100 + i), [], None, None) for i in range(6)])
    h.worker.batch = 2
    await broadcast_to(admin, "Venue change", 6)
    await h.worker.run_once("telegram")  # two go out
    await admin.say("/broadcasts")
    await admin.tap("Cancel #1")
    admin.expect("Cancelled", "2 delivered", "4 cancelled")
    await h.worker.drain("telegram")
    assert sum(h.tg.received().values()) == 2
    assert [r.status for r in rows(h.sessions)].count("cancelled") == 4


async def test_blocked_person_is_unsubscribed(h: Harness, admin: Chat) -> None:
    add_subscribers(h.sessions, h.chat.clock,
                    [("telegram", "3201", [], None, None), ("telegram", "3202", [], None, None)])
    h.tg.fail_next("sendMessage", 403, chat_id=3201)
    await broadcast_to(admin, "New group in Leeds", 2)
    await h.worker.drain("telegram")
    statuses = {r.user_id: r.status for r in rows(h.sessions)}
    assert statuses == {"3201": "unsubscribed", "3202": "sent"}
    assert [s.user_id for s in subs(h.sessions)] == ["3202"]
    with h.sessions() as s:
        assert not is_active(s, "telegram:3201:3201") or True  # no conversation row: fine
    await admin.say("/broadcasts")
    admin.expect("1 delivered, 0 failed, 1 unsubscribed (blocked the bot)")


async def test_429_waits_retry_after_then_delivers(h: Harness, admin: Chat) -> None:
    add_subscribers(h.sessions, h.chat.clock, [("telegram", "3301", [], None, None)])
    h.tg.fail_next("sendMessage", 429, retry_after=1, chat_id=3301)
    await broadcast_to(admin, "Coffee morning", 1)
    started = time.monotonic()
    await h.worker.run_once("telegram")  # 429: the row goes back, due in retry_after
    assert [r.status for r in rows(h.sessions)] == ["pending"]
    h.chat.clock.advance(seconds=1)  # the row's time (the test's clock)...
    await h.worker.drain("telegram")
    # ...and the platform's pause in real time: nothing sent before retry_after.
    assert time.monotonic() - started >= 0.9
    attempts = h.tg.send_attempts(3301)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.9
    [row] = rows(h.sessions)
    assert row.status == "sent" and row.attempts == 2 and row.message_id


# -- Discord: announcement channels, through the real discord.py client ----------------------


@pytest.mark.parametrize("refusal", [(403, 50013), (403, 50001), (404, 10003)])
async def test_announcement_channels_get_broadcasts_and_a_refusing_one_is_dropped(
        chat: Chat, admin: Chat, monkeypatch: pytest.MonkeyPatch,
        refusal: tuple[int, int]) -> None:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(Route, "BASE", fake.api_base)  # process-wide: put back after
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(fake.token)
        news, gone = fake.add_channel("news"), fake.add_channel("updates", guild_id="77")
        fake.refuse_channel(gone, *refusal)
        subscriber = fake.user("sub")
        with chat.sessions() as s:
            store.set_announcement_channel(s, fake.guild_id, news, chat.clock())
            store.set_announcement_channel(s, "77", gone, chat.clock())
            store.subscribe(s, "discord", subscriber.id, chat.clock())
            s.commit()

        # Channels count only for everyone / Discord, never for an area or a topic.
        await write(admin, "Topic only")
        await admin.press("ba2")
        await admin.tap("Events")
        admin.expect("Send to 1 people (subscribers to Events)?")
        await admin.tap("Cancel")
        text = "Open day @everyone *Saturday* at the Hub"
        await write(admin, text)
        await admin.tap("Everyone (1)")
        admin.expect("Send to 1 people and 2 Discord announcement channels (everyone")
        await admin.tap("Send now to 3")
        admin.expect("on its way to 1 people and 2 Discord announcement channels")

        metrics = Metrics()  # counted as `recovery-bot run` and `deliver` count them
        sender = metrics.count_sender(DiscordSender(lambda: client, chat.sessions))
        worker = Worker(chat.sessions, {"discord": sender}, clock=chat.clock,
                        limits={"discord": Limits(rate=50, per_chat_interval=0.0)})
        await worker.drain("discord")
        counted = {o: metrics.registry.get_sample_value(
            "recovery_deliveries_total", {"platform": "discord", "outcome": o})
            for o in ("sent", "blocked", "retry", "failed")}
        assert counted == {"sent": 2, "blocked": 1, "retry": None, "failed": None}
        # Wrapped, a sender keeps what it can do and no more: Telegram has no channels.
        assert not hasattr(metrics.count_sender(TelegramSender(lambda: None)),
                           "send_channel")

        (posted,) = fake.channel_messages(news)
        assert posted.guild_id == fake.guild_id and posted.content == \
            escape_markdown(for_channel(compose(text)))  # escaped as replies are
        # Nobody in a server subscribed: its footer tells its admins how to stop them.
        assert "/unsubscribe" not in posted.content
        assert "/announcements off" in posted.content
        assert posted.allowed_mentions == {"parse": []}  # no @everyone ping
        assert posted.body["nonce"].startswith("rcb") and posted.body["enforce_nonce"]
        assert "\\*Saturday\\*" in posted.content
        assert sorted(m.channel_id for m in fake.sent if m.kind == "message") == \
            sorted([fake.dm_channel(subscriber), news])  # the DM, and the one channel
        outcome = {(r.kind, r.user_id): (r.status, r.error) for r in rows(chat.sessions)}
        assert outcome == {("user", subscriber.id): ("sent", None),
                           ("channel", news): ("sent", None),
                           ("channel", gone): ("failed", f"{refusal[0]} {refusal[1]}")}
        with chat.sessions() as s:  # the refusing server's setting is gone, the other kept
            assert dict(s.execute(select(store.AnnouncementChannel.guild_id,
                                         store.AnnouncementChannel.channel_id)).all()) == \
                {fake.guild_id: news}
        await admin.say("/broadcasts")
        admin.expect("finished", "2 delivered, 1 failed")
        await write(admin, "Next time")
        await admin.tap("Everyone (1)")
        admin.expect("Send to 1 people and 1 Discord announcement channel (everyone")
        assert fake.unhandled == [] and fake.rejected == []
    finally:
        await client.close()
        await fake.close()


# -- crash safety with real worker processes ---------------------------------------------------


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def start_worker(engine: Engine, tg: LimitedTelegram, *, rate: float, lease: float = 2.0,
                 health_port: int | None = None) -> subprocess.Popen:
    log = open(LOG_DIR / f"worker-{time.monotonic_ns()}.log", "w")  # noqa: SIM115
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("HEALTH_")}
    env.update({"DATABASE_URL": _url(engine), "TELEGRAM_BOT_TOKEN": tg.token,
                "TELEGRAM_API_BASE_URL": tg.url, "LOAD_DEMO": "false",
                "LOG_LEVEL": "WARNING"})
    health = ["--health-listen", f"127.0.0.1:{health_port}"] if health_port else []
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "deliver", "telegram", "--lease", str(lease),
         "--rate", str(rate), *health], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=log)


def queue_broadcast(sessions: sessionmaker, n: int, first: int = 10_000) -> int:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    with sessions() as s:
        s.execute(store.Subscription.__table__.insert(), [
            {"platform": "telegram", "user_id": str(first + i), "topics": [],
             "created_at": now} for i in range(n)])
        b = store.Broadcast(text=compose("Open day"), created_at=now, status="draft",
                            audience={"kind": "everyone"}, recipients=0)
        s.add(b)
        s.flush()
        store.queue(s, b, now)
        s.commit()
        return b.id


def finished(sessions: sessionmaker, broadcast_id: int) -> bool:
    with sessions() as s:
        return store.report(s, broadcast_id).finished


async def wait_until(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_killed_worker_resumes_without_resending_or_losing(engine: Engine,
                                                                 demo_sessions: sessionmaker
                                                                 ) -> None:
    sessions, n = demo_sessions, 120
    async with LimitedTelegram(per_second=0) as tg:
        broadcast = queue_broadcast(sessions, n)
        first = start_worker(engine, tg, rate=40)
        await wait_until(lambda: sum(tg.received().values()) >= n // 3, 30)
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = tg.received()
        sent_at_kill = {int(r.user_id) for r in rows(sessions) if r.status == "sent"}
        held = [r for r in rows(sessions) if r.status == "sending"]
        assert sent_at_kill and held, "the kill should catch rows in flight"
        second = start_worker(engine, tg, rate=40)
        try:
            await wait_until(lambda: finished(sessions, broadcast), 60)
        finally:
            second.send_signal(signal.SIGTERM)  # graceful: finishes what it holds
            assert second.wait(10) == 0
        received = tg.received()
        final = rows(sessions)
        assert {r.status for r in final} == {"sent"}  # none lost
        assert set(received) == {10_000 + i for i in range(n)}
        # A row marked sent before the kill was never sent again.
        assert all(received[u] == 1 for u in sent_at_kill)
        # Duplicates only among rows in flight at the kill (sent, not yet marked).
        dupes = {u for u, c in received.items() if c > 1}
        assert dupes <= {int(r.user_id) for r in held}
        assert len(dupes) <= 4  # the worker's concurrency
        assert sum(at_kill.values()) >= len(sent_at_kill)
        with sessions() as s:
            report = store.report(s, broadcast)
        assert report.counts["sent"] == n and report.total == n


@pytest.mark.postgres
async def test_two_workers_share_a_broadcast_without_duplicates(pg_engine: Engine) -> None:
    from conftest import _empty

    from directory.db import session_factory

    _empty(pg_engine)
    sessions, n = session_factory(pg_engine), 300
    async with LimitedTelegram(per_second=0) as tg:
        broadcast = queue_broadcast(sessions, n)
        workers = [start_worker(pg_engine, tg, rate=60, lease=60) for _ in range(2)]
        try:
            await wait_until(lambda: finished(sessions, broadcast), 60)
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            codes = [w.wait(10) for w in workers]
        assert codes == [0, 0]
        received = tg.received()
        assert len(received) == n and set(received.values()) == {1}  # once each
        by_worker = {r.claimed_by for r in rows(sessions)}
        assert len(by_worker) == 2  # both took part


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """/metrics as {(sample name, sorted labels): value}; {} while nothing listens."""
    try:
        async with aiohttp.ClientSession() as client, client.get(url) as resp:
            body = await resp.text()
    except aiohttp.ClientError:
        return {}
    return {(sm.name, tuple(sorted(sm.labels.items()))): sm.value
            for family in text_string_to_metric_families(body) for sm in family.samples}


async def test_deliver_worker_counts_its_sends_on_metrics(engine: Engine,
                                                          demo_sessions: sessionmaker
                                                          ) -> None:
    """`recovery-bot deliver --health-listen`: every send's outcome is counted
    (recovery_deliveries_total) and the queue's progress is shown by status
    (recovery_broadcast_deliveries), with no id in any label."""
    sessions, n, first = demo_sessions, 12, 20_000
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def sends(outcome: str) -> float:
        return got.get(("recovery_deliveries_total",
                        (("outcome", outcome), ("platform", "telegram"))), 0.0)

    def rows_(status: str) -> float:
        return got.get(("recovery_broadcast_deliveries", (("status", status),)), -1.0)

    async with LimitedTelegram(per_second=0) as tg:
        tg.fail_next("sendMessage", 403, chat_id=first)  # blocked the bot
        worker = start_worker(engine, tg, rate=40, health_port=port)
        try:
            got = {}
            deadline = time.monotonic() + 30
            while rows_("pending") != 0:  # up, and an empty queue counted
                assert time.monotonic() < deadline and worker.poll() is None, got
                await asyncio.sleep(0.1)
                got = await scrape(f"{base}/metrics")
            assert sends("sent") == 0
            broadcast = queue_broadcast(sessions, n, first=first)
            await wait_until(lambda: finished(sessions, broadcast), 30)
            got = await scrape(f"{base}/metrics")
            assert sends("sent") == n - 1 and sends("blocked") == 1, got
            assert sends("retry") == sends("failed") == 0
            assert rows_("sent") == n - 1 and rows_("unsubscribed") == 1
            assert rows_("pending") == rows_("sending") == 0
            assert not any(str(first + i) in repr(key) for key in got for i in range(n))
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(10) == 0

