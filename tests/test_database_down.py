"""Crisis help never waits for the database: down at start, corrupt, or hanging mid-run
(a server that takes queries and never answers), on the terminal, Telegram and Discord.
The database is a real PostgreSQL behind tests/db_proxy.py, or a real SQLite file."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from bot_process import BotProcess
from db_proxy import DbProxy
from dialogue import make_conversation
from fake_discord import FakeDiscord
from fake_telegram import FakeTelegram
from sqlalchemy.orm import sessionmaker
from test_discord import Harness
from test_operations import get, wait_for_status
from test_telegram import running, webhook_adapter

from adapters.settings import Settings
from adapters.terminal import TerminalAdapter
from adapters.wiring import build_app, build_conversation, keep_database_ready
from bot.catalogue import t
from bot.types import ConversationRef, Incoming
from directory.db import make_engine, session_factory, upgrade
from directory.demo import load_demo_if_empty

EXE = Path(sys.executable).with_name("recovery-bot")
SAMARITANS = "116 123"
DANGER = "I want to end my life"
DB_DOWN = t("db_down")
ROOT = Path(__file__).resolve().parents[1]
USER = 1001


def corrupt_sqlite(tmp_path: Path) -> str:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list " * 200)
    return f"sqlite:///{path}"


def chat_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOG_"))}
    env["DATABASE_URL"] = database_url
    return env


# -- down at start -------------------------------------------------------------------------


@pytest.mark.parametrize("database", ["postgresql-refused", "sqlite-corrupt"])
def test_terminal_chat_answers_with_the_database_down_at_start(tmp_path: Path,
                                                               database: str) -> None:
    url = ("postgresql+psycopg://postgres@127.0.0.1:1/none" if database.startswith("post")
           else corrupt_sqlite(tmp_path))
    out = subprocess.run([str(EXE), "chat", "--user", "x"], input=f"{DANGER}\nhello\n",
                         capture_output=True, text=True, env=chat_env(url), cwd=tmp_path,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    danger, _, hello = out.stdout.partition(DB_DOWN)
    assert SAMARITANS in danger and "999" in danger  # the danger message: contacts
    assert SAMARITANS in hello  # anything else: sorry, and the contacts
    assert "Traceback" not in out.stderr
    assert DANGER not in out.stderr  # logs never hold what people write


async def test_a_chat_process_recovers_when_the_database_comes_back(tmp_path: Path) -> None:
    url = corrupt_sqlite(tmp_path)
    app = build_app(Settings(database_url=url), database_may_be_down=True)
    assert not app.database_ready
    conversation = build_conversation(app)
    ref = ConversationRef("terminal", "x", "x")
    replies = await conversation.handle(Incoming(ref, text="alcohol support in Leeds"))
    assert replies[0].text == DB_DOWN and replies[1].crisis
    Path(url.removeprefix("sqlite:///")).unlink()  # the operator restores the database
    await asyncio.wait_for(keep_database_ready(app, interval=0.05), 30)
    assert app.database_ready
    replies = await conversation.handle(Incoming(ref, text="alcohol support in Leeds"))
    assert "near Leeds" in replies[0].text


@pytest.mark.postgres
async def test_run_starts_with_the_database_down_and_becomes_ready(
        fresh_pg_url: str, tmp_path: Path) -> None:
    """`recovery-bot run telegram` whose PostgreSQL is down at start: it starts, says
    not ready, answers danger with contacts and anything else with a kind "can't search
    right now" and the contacts; when the database comes back it is ready by itself."""
    proxy = DbProxy(fresh_pg_url)  # not up yet: connections are refused
    async with FakeTelegram(user_id=USER) as tg:
        bot = BotProcess(tg.url, tg.token, proxy.url, tmp_path,
                         extra_env={"LOG_LEVEL": "INFO"})
        try:
            bot.start()
            await _until_webhook(tg, bot)  # it started
            readyz = await wait_for_status(f"{bot.health}/readyz", 503, timeout=10)
            assert "database" in readyz["reason"], readyz
            assert await get(f"{bot.health}/healthz") == (200, {"status": "ok"})
            await tg.send_text(DANGER)
            await tg.wait_for(lambda: any(SAMARITANS in x for x in tg.texts()), 20)
            before = len(tg.texts())
            await tg.send_text("hello")
            await tg.wait_for(lambda: any(DB_DOWN in x for x in tg.texts()[before:]), 20)
            await tg.wait_for(lambda: any(SAMARITANS in x for x in tg.texts()[before:]), 20)
            await proxy.up()  # the database is back
            await wait_for_status(f"{bot.health}/readyz", 200, timeout=60)
            before = len(tg.texts())
            await tg.send_text("alcohol support in Leeds")
            await tg.wait_for(lambda: any("near Leeds" in x for x in tg.texts()[before:]), 20)
        finally:
            bot.stop()
            await proxy.down()
    assert DANGER not in bot.logs()


async def _until_webhook(tg: FakeTelegram, bot: BotProcess, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (tg.webhook or {}).get("url"):
        assert bot.proc is not None and bot.proc.poll() is None, bot.logs()[-3000:]
        assert time.monotonic() < deadline, bot.logs()[-3000:]
        await asyncio.sleep(0.1)


# -- hanging mid-run -------------------------------------------------------------------------


@pytest.fixture
async def hung(fresh_pg_url: str) -> AsyncIterator[tuple[DbProxy, sessionmaker]]:
    """A migrated PostgreSQL with the demo directory, reached through a proxy that
    answers at first (so the pool holds connections) and is then made to hang."""
    proxy = DbProxy(fresh_pg_url)
    await proxy.up()
    engine = make_engine(proxy.url)
    await asyncio.to_thread(upgrade, engine)
    sessions = session_factory(engine)

    def load() -> None:
        with sessions() as session:
            load_demo_if_empty(session)
    await asyncio.to_thread(load)
    try:
        yield proxy, sessions
    finally:
        await proxy.down()
        engine.dispose()


@pytest.mark.postgres
async def test_telegram_crisis_contacts_within_a_second_of_a_hung_database(
        hung: tuple[DbProxy, sessionmaker]) -> None:
    proxy, sessions = hung
    async with FakeTelegram(user_id=USER) as tg:
        adapter, _url = webhook_adapter(tg, sessions)
        async with running(adapter, make_conversation(sessions)):
            await tg.send_text("/start")  # a normal turn: the pool has connections
            await tg.wait_for(lambda: len(tg.texts()) >= 2, 20)
            proxy.hang()
            # A turn still being worked out when the database hung, then danger.
            slow = asyncio.create_task(tg.send_text("alcohol support in Leeds"))
            await asyncio.sleep(0.2)
            before = len(tg.texts())
            started = time.monotonic()
            danger = asyncio.create_task(tg.send_text(DANGER))
            await tg.wait_for(lambda: any(SAMARITANS in x for x in tg.texts()[before:]), 10)
            assert time.monotonic() - started < 1.0
            # The turn that was waiting gets its apology and contacts, not silence.
            await tg.wait_for(lambda: any(DB_DOWN in x for x in tg.texts()[before:]), 30)
            for task in (slow, danger):
                task.cancel()


@pytest.mark.postgres
async def test_discord_crisis_contacts_within_a_second_of_a_hung_database(
        hung: tuple[DbProxy, sessionmaker]) -> None:
    proxy, sessions = hung
    fake = FakeDiscord(with_guild=False)
    await fake.start()
    harness = Harness(fake, sessions, make_conversation(sessions))
    await harness.start()
    try:
        kim = fake.user("kim")
        since = len(fake.sent)
        await fake.send_dm(kim, "hello")
        await fake.settle(since, min_new=1)
        proxy.hang()
        since = len(fake.sent)
        started = time.monotonic()
        await fake.send_dm(kim, DANGER)
        deadline = started + 10
        while not any(SAMARITANS in m.content for m in fake.sent[since:]):
            assert time.monotonic() < deadline, fake.sent[since:]
            await asyncio.sleep(0.02)
        assert time.monotonic() - started < 1.0
    finally:
        await harness.stop()
        await fake.close()


@pytest.mark.postgres
async def test_terminal_crisis_contacts_within_a_second_of_a_hung_database(
        hung: tuple[DbProxy, sessionmaker]) -> None:
    proxy, sessions = hung
    conversation = make_conversation(sessions)
    await conversation.handle(Incoming(ConversationRef("terminal", "x", "x"), text="hi"))
    proxy.hang()
    printed: list[tuple[float, str]] = []

    class Screen(io.StringIO):
        def write(self, text: str) -> int:
            printed.append((time.monotonic(), text))
            return len(text)

    adapter = TerminalAdapter(user="x", stdin=io.StringIO(f"{DANGER}\n"), stdout=Screen(),
                              interactive=False)
    started = time.monotonic()
    await asyncio.wait_for(adapter.start(conversation), 30)
    first = next(at for at, text in printed if SAMARITANS in text)
    assert first - started < 1.0


@pytest.mark.postgres
async def test_sigterm_stops_within_10_seconds_with_the_database_hung(
        fresh_pg_url: str, tmp_path: Path) -> None:
    async with DbProxy(fresh_pg_url) as proxy, FakeTelegram(user_id=USER) as tg:
        bot = BotProcess(tg.url, tg.token, proxy.url, tmp_path,
                         extra_env={"LOG_LEVEL": "INFO"})
        try:
            bot.start()
            await bot.ready()
            tg.webhook = {**(tg.webhook or {}), "url": bot.url}
            await tg.send_text("/start")
            await tg.wait_for(lambda: len(tg.texts()) >= 2, 20)
            proxy.hang()
            posts = [asyncio.create_task(tg.send_text(text))
                     for text in ("alcohol in Leeds", DANGER, "drugs in York")]
            await tg.wait_for(lambda: any(SAMARITANS in x for x in tg.texts()), 10)
            started = time.monotonic()
            bot.signal()
            await bot.wait(15)
            assert time.monotonic() - started < 10.0
            with pytest.raises(aiohttp.ClientError):  # gone
                await get(f"{bot.health}/healthz")
            for post in posts:
                post.cancel()
        finally:
            bot.stop()
