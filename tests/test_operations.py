"""Running in production: health, readiness and metrics; JSON logs that never hold what
people typed; graceful shutdown on SIGTERM (not ready at once, alive until the work in
hand is done); broadcast sends counted on /metrics; and several `recovery-bot run`
processes (real subprocesses, webhook mode, the fake Bot API) sharing one PostgreSQL
database."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from bot_process import SECRET, BotProcess
from dialogue import make_conversation
from fake_telegram import FakeTelegram
from pg import PG_URL
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from test_broadcasts import finished, queue_broadcast, wait_until

from adapters.health import HealthServer
from adapters.logs import json_formatter
from adapters.metrics import Metrics
from bot.broadcasts import compose
from bot.types import ConversationRef, Incoming
from directory.db import make_engine, session_factory
from directory.demo import load_demo_if_empty
from directory.search import DirectorySearch

USER = 987654321  # distinctive, so a leak into the logs would be found
MARKER = "Quibbleton"  # a word typed by the person, that must never reach a log


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(user_id=USER) as fake:
        yield fake


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as client, client.get(url) as resp:
        body = await resp.text()
        is_json = resp.content_type == "application/json"
        return resp.status, json.loads(body) if is_json else body


async def wait_for_status(url: str, status: int, timeout: float) -> Any:
    """Poll `url` until it answers `status`; its body."""
    deadline = time.monotonic() + timeout
    seen: tuple[int, Any] | None = None
    while time.monotonic() < deadline:
        seen = await get(url)
        if seen[0] == status:
            return seen[1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{url} never answered {status}; last: {seen}")


def sample(metrics_text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics_text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def assert_private(log_text: str, typed: list[str]) -> list[dict]:
    """Every line is a JSON object; none holds the person's id or anything they typed."""
    records = [json.loads(line) for line in log_text.splitlines() if line.strip()]
    assert records, "expected some log lines"
    for line in log_text.splitlines():
        assert str(USER) not in line, line
        for words in typed:
            assert words not in line, (words, line)
    return records


# -- health, readiness, metrics (in process) ----------------------------------------------------


@pytest.mark.postgres
async def test_readyz_reports_a_lost_database(fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url)
    name = make_url(fresh_pg_url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    health = HealthServer(engine, Metrics(), "127.0.0.1:0", db_timeout=3)
    await health.open()
    base = f"http://127.0.0.1:{health.port}"
    try:
        assert await get(f"{base}/healthz") == (200, {"status": "ok"})
        assert await get(f"{base}/readyz") == (200, {"status": "ready"})
        # The database goes away: no new connections, and the pooled ones are cut.
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
        status, body = await get(f"{base}/readyz")
        assert status == 503
        assert body["status"] == "not ready" and "database" in body["reason"]
        assert await get(f"{base}/healthz") == (200, {"status": "ok"})  # still alive
        status, text_ = await get(f"{base}/metrics")  # metrics still served
        assert status == 200 and "recovery_messages_handled" in text_
        # It comes back.
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        assert await get(f"{base}/readyz") == (200, {"status": "ready"})
    finally:
        await health.close()
        engine.dispose()
        admin.dispose()


async def test_readyz_unreachable_database_and_timeout() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    health = HealthServer(engine, None, "127.0.0.1:0")
    await health.open()
    try:
        status, body = await get(f"http://127.0.0.1:{health.port}/readyz")
        assert status == 503 and body["reason"].startswith("database unreachable")
        # A check that hangs: answered within the timeout, and not piled up.
        health.db_timeout = 0.2
        health._select_one = lambda: time.sleep(1)  # type: ignore[method-assign]
        started = time.monotonic()
        results = await asyncio.gather(*(get(f"http://127.0.0.1:{health.port}/readyz")
                                         for _ in range(5)))
        assert time.monotonic() - started < 0.9
        assert all(s == 503 and "within 0.2 s" in b["reason"] for s, b in results)
    finally:
        await health.close()
        engine.dispose()


async def test_readyz_waits_for_the_adapters(engine: Engine) -> None:
    class Adapter:
        started = asyncio.Event()

    health = HealthServer(engine, None, "127.0.0.1:0", adapters=[Adapter()])
    await health.open()
    try:
        status, body = await get(f"http://127.0.0.1:{health.port}/readyz")
        assert status == 503 and body["reason"] == "Adapter not running"
        Adapter.started.set()
        assert (await get(f"http://127.0.0.1:{health.port}/readyz"))[0] == 200
    finally:
        await health.close()


async def test_metrics_count_turns_crises_and_searches(engine: Engine) -> None:
    sessions = session_factory(engine)
    with sessions() as session:
        load_demo_if_empty(session)
    metrics = Metrics()
    metrics.watch_queues(sessions)
    conversation = make_conversation(sessions, search=metrics.search(DirectorySearch()))
    handle = metrics.measure(conversation).handle
    ref = ConversationRef("telegram", "5", "5")
    typed = ["/start", f"alcohol in Leeds, {MARKER} sent me", "I want to kill myself"]
    for said in typed:
        await handle(Incoming(ref, text=said))
    health = HealthServer(engine, metrics, "127.0.0.1:0")
    await health.open()
    try:
        status, body = await get(f"http://127.0.0.1:{health.port}/metrics")
    finally:
        await health.close()
    assert status == 200
    assert sample(body, "recovery_messages_handled_total", platform="telegram") == 3
    assert sample(body, "recovery_crisis_replies_total", platform="telegram") == 1
    assert sample(body, "recovery_turn_seconds_count", platform="telegram") == 3
    assert sample(body, "recovery_search_seconds_count") >= 1
    assert sample(body, "recovery_broadcast_deliveries", status="pending") == 0
    assert "recovery_notifications_unsent" in body
    for said in typed[1:]:
        assert said not in body and MARKER not in body


def test_json_log_lines() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    log = logging.getLogger("rc.test.json")
    log.addHandler(handler)
    log.propagate = False
    log.warning("crisis signal", extra={"conv": "abc123def456"})
    record = json.loads(out.getvalue())
    assert record["level"] == "WARNING" and record["logger"] == "rc.test.json"
    assert record["message"] == "crisis signal" and record["conv"] == "abc123def456"
    assert "time" in record


# -- real processes -----------------------------------------------------------------------------


class SlowTelegram(FakeTelegram):
    """Answers sendMessage after `delay` seconds, and says when the first one arrived."""

    delay = 0.0

    def __init__(self, user_id: int) -> None:
        super().__init__(user_id)
        self.sending = asyncio.Event()

    async def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        self.sending.set()
        await asyncio.sleep(self.delay)
        return await super()._api_sendMessage(p)


async def test_sigterm_delivers_the_reply_in_progress_and_exits_0(tmp_path: Path) -> None:
    async with SlowTelegram(user_id=USER) as tg:
        bot = BotProcess(tg.url, tg.token, f"sqlite:///{tmp_path}/bot.sqlite3", tmp_path)
        try:
            bot.start()
            await bot.ready()
            tg.webhook = {**(tg.webhook or {}), "url": bot.url}
            tg.delay = 1.0
            # Two messages, paced a second apart; the webhook POST may be answered only
            # once they are out, so it runs beside the test.
            posting = asyncio.create_task(tg.send_text("/start"))
            await asyncio.wait_for(tg.sending.wait(), 20)
            assert await get(f"{bot.health}/readyz") == (200, {"status": "ready"})
            bot.signal()  # mid-reply: the first message is being sent
            # Draining: not ready at once (a load balancer sends nothing new), still
            # alive, and the reply not yet finished.
            readyz = await wait_for_status(f"{bot.health}/readyz", 503, timeout=5)
            assert readyz == {"status": "not ready", "reason": "shutting down"}
            assert len(tg.texts()) < 2 and bot.proc is not None and bot.proc.poll() is None
            assert await get(f"{bot.health}/healthz") == (200, {"status": "ok"})
            assert await bot.wait(30) == 0
            # The POST was answered 200 once its reply was out: Telegram will not send
            # the update again.
            await asyncio.wait_for(posting, 5)
        finally:
            bot.stop()
        texts = tg.texts()
        assert len(texts) == 2 and "Recovery Connector" in texts[0], texts
        assert tg.webhook_posts == [200]
        records = assert_private(bot.logs(), [])
        assert records[-1]["message"] == "stopped"
        # Gone: nothing listens on its webhook or health ports any more.
        with pytest.raises(aiohttp.ClientError):
            await get(f"{bot.health}/healthz")


async def test_run_counts_the_broadcast_sends_of_its_worker(tg: FakeTelegram,
                                                            tmp_path: Path) -> None:
    """The delivery worker inside `recovery-bot run` counts each send's outcome on
    /metrics, beside the queue's progress by row status."""
    url, first = f"sqlite:///{tmp_path}/bot.sqlite3", 30_000
    bot = BotProcess(tg.url, tg.token, url, tmp_path)
    engine = make_engine(url)
    try:
        bot.start()
        await bot.ready()
        status, body = await get(f"{bot.health}/metrics")
        assert status == 200 and sample(body, "recovery_deliveries_total",
                                        platform="telegram", outcome="sent") == 0
        tg.fail_next("sendMessage", 403, chat_id=first)  # blocked the bot
        sessions = session_factory(engine)
        broadcast = queue_broadcast(sessions, 3, first=first)
        await wait_until(lambda: finished(sessions, broadcast), 30)
        status, body = await get(f"{bot.health}/metrics")
        assert sample(body, "recovery_deliveries_total", platform="telegram",
                      outcome="sent") == 2
        assert sample(body, "recovery_deliveries_total", platform="telegram",
                      outcome="blocked") == 1
        assert sample(body, "recovery_broadcast_deliveries", status="sent") == 2
        assert sample(body, "recovery_broadcast_deliveries", status="unsubscribed") == 1
        assert str(first) not in body
        assert tg.texts(first + 1) == tg.texts(first + 2) == [compose("Open day")]
        bot.signal()
        assert await bot.wait(30) == 0
    finally:
        bot.stop()
        engine.dispose()


@pytest.mark.postgres
async def test_two_processes_share_one_conversation_and_dedupe(
        tg: FakeTelegram, fresh_pg_url: str, tmp_path: Path) -> None:
    bots = [BotProcess(tg.url, tg.token, fresh_pg_url, tmp_path, name=f"bot{n}")
            for n in (1, 2)]
    try:
        for bot in bots:  # both start at once: migrations and the demo load are locked
            bot.start()
        await asyncio.gather(*(bot.ready() for bot in bots))
        assert len(tg.calls_to("setWebhook")) == 2

        def via(n: int) -> None:  # the next update goes to this process's webhook
            tg.webhook = {**(tg.webhook or {}), "url": bots[n].url}

        via(0)
        await tg.send_text("/start")
        await tg.wait_for(lambda: "Alcohol" in tg.inline_labels(), 30)
        via(1)
        await tg.press("Alcohol")
        await tg.wait_for(lambda: any("Where are you" in t for t in tg.texts()), 30)
        via(0)
        before = len(tg.messages())
        await tg.send_text("Leeds")  # only means something with the step saved by bot 2
        await tg.wait_for(lambda: "1" in tg.inline_labels(), 30)
        results = next(m["text"] for m in tg.messages()[before:] if "1. " in m.get("text", ""))
        assert "Leeds" in results
        via(1)
        before = len(tg.messages())
        await tg.press("1")  # the results shown by bot 1, from the saved state
        await tg.wait_for(lambda: any("venue" in m for m in tg.messages()[before:]), 30)
        first_name = results.split("\n")[1].split(". ", 1)[1]
        venue = next(m for m in tg.messages()[before:] if "venue" in m)
        assert venue["venue"]["title"] == first_name
        via(0)
        before = len(tg.messages())
        await tg.send_text(f"{MARKER} wobble")
        await tg.wait_sent(before + 1, timeout=30)

        # One update delivered to both processes at once (a retry that raced): one reply.
        other = 5550001
        update = {"update_id": 990001, "message": {
            "message_id": 1, "date": 0, "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            "chat": {"id": other, "type": "private", "first_name": "Ann"},
            "from": {"id": other, "is_bot": False, "first_name": "Ann"}}}
        statuses = await asyncio.gather(*(tg.post_webhook(update, SECRET, bot.url)
                                          for bot in bots))
        # The process that lost the race says 503 if the other was still answering
        # ("try again later"), as Telegram then does: by then it is answered, so 200.
        assert sorted(statuses) in ([200, 200], [200, 503])
        for bot, status in zip(bots, statuses, strict=True):
            if status == 503:
                assert await tg.post_webhook(update, SECRET, bot.url) == 200
        await tg.wait_sent(1, other, timeout=30)
        await asyncio.sleep(2)
        assert len(tg.messages(other)) == 1
        assert all(c.status == 200 for c in tg.calls)

        for bot in bots:
            bot.signal()
        assert [await bot.wait(30) for bot in bots] == [0, 0]
        # Both processes handled turns, and their logs hold nothing typed.
        handled = 0
        for bot in bots:
            records = assert_private(bot.logs(), ["Leeds", MARKER, "wobble"])
            turns = [r for r in records if r["message"] == "turn"]
            assert all(len(r["conv"]) == 12 for r in turns)
            handled += bool(turns)
        assert handled == 2
    finally:
        for bot in bots:
            bot.stop()


async def test_readyz_sees_discord(engine: Engine) -> None:
    """/readyz is 503 until the Discord adapter is connected and after it stops."""
    from fake_discord import FakeDiscord

    from adapters.discord_adapter import DiscordAdapter

    sessions = session_factory(engine)
    fake = FakeDiscord(with_guild=False)
    await fake.start()
    adapter = DiscordAdapter(fake.token, sessions, api_base_url=fake.api_base,
                             guild_ready_timeout=0.05)
    health = HealthServer(engine, Metrics(), "127.0.0.1:0", adapters=[adapter])
    await health.open()
    task = None
    try:
        url = f"http://127.0.0.1:{health.port}/readyz"
        assert await get(url) == (503, {"status": "not ready",
                                        "reason": "DiscordAdapter not running"})
        task = asyncio.create_task(adapter.start(make_conversation(sessions)))
        await adapter.wait_until_ready(15)
        assert await get(url) == (200, {"status": "ready"})
        await adapter.stop()
        await asyncio.wait_for(task, 15)
        assert (await get(url))[0] == 503
    finally:
        if task is not None and not task.done():
            await adapter.stop()
        await health.close()
        await fake.close()
