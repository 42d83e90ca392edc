"""A bot process killed (SIGKILL) in the middle of a reply: Telegram retries the
update to another process, which sends what had not gone out yet - each message once,
none lost, and the turn is not run a second time on the state it had already moved to.

Real `recovery-bot run telegram` subprocesses in webhook mode on one PostgreSQL
database, the fake Bot API holding one of the bot's sends so the kill lands exactly
mid-reply."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from bot_process import SECRET, BotProcess
from fake_telegram import FakeTelegram

pytestmark = pytest.mark.postgres

LEASE = "1.5"  # seconds; production uses 20 (TELEGRAM_UPDATE_LEASE_SECONDS)
REFERENCE, KILLED = 5550101, 5550202  # two people's private chats


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bots(tg: FakeTelegram, fresh_pg_url: str, tmp_path: Path
               ) -> AsyncIterator[list[BotProcess]]:
    procs = [BotProcess(tg.url, tg.token, fresh_pg_url, tmp_path, name=f"bot{n}",
                        log_level="INFO",
                        extra_env={"TELEGRAM_UPDATE_LEASE_SECONDS": LEASE})
             for n in (1, 2)]
    try:
        for bot in procs:
            bot.start()
        await asyncio.gather(*(bot.ready() for bot in procs))
        yield procs
    finally:
        for bot in procs:
            bot.stop()


def update(chat: int, update_id: int, *, text: str | None = None,
           data: str | None = None) -> dict[str, Any]:
    who = {"id": chat, "is_bot": False, "first_name": "Sam"}
    where = {"id": chat, "type": "private", "first_name": "Sam"}
    if data is not None:
        return {"update_id": update_id, "callback_query": {
            "id": str(update_id), "from": who, "chat_instance": f"ci{chat}", "data": data,
            "message": {"message_id": 1, "date": 0, "chat": where, "text": "…"}}}
    assert text is not None
    entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                if text.startswith("/") else [])
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "entities": entities, "chat": where, "from": who}}


async def deliver(tg: FakeTelegram, bot: BotProcess, body: dict[str, Any]) -> None:
    """POST an update as Telegram does: again, with pauses, until answered 200."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if await tg.post_webhook(body, SECRET, bot.url) == 200:
                return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.25)
    raise AssertionError("the update was never accepted")


def seen(tg: FakeTelegram, chat: int) -> list[str]:
    """What the person saw: each message's text, or the venue's title."""
    return [m.get("text") or m.get("venue", {}).get("title") or "<location>"
            for m in tg.messages(chat)]


async def turn(tg: FakeTelegram, bot: BotProcess, chat: int, update_id: int, **said: str
               ) -> list[str]:
    before = len(tg.messages(chat))
    await deliver(tg, bot, update(chat, update_id, **said))
    return seen(tg, chat)[before:]


async def killed_mid_reply(tg: FakeTelegram, bots: list[BotProcess], chat: int,
                           update_id: int, after: int, **said: str) -> list[str]:
    """Send an update to bot 1, let `after` messages of its reply through, kill bot 1
    while the next is on its way, then let Telegram's retry reach bot 2. What the
    person saw of that turn, in order."""
    before = len(tg.messages(chat))
    tg.stall("sendMessage", chat, after=after)
    body = update(chat, update_id, **said)
    first_post = asyncio.create_task(tg.post_webhook(body, SECRET, bots[0].url))
    await tg.wait_for(lambda: bool(tg.stalled), 30)
    bots[0].signal(signal.SIGKILL)
    with pytest.raises(aiohttp.ClientError):
        await first_post  # no answer: Telegram will send the update again
    await bots[0].wait(10)
    # Bot 2 answers "try later" (503) until the dead process's lease has run out.
    await deliver(tg, bots[1], body)
    await asyncio.sleep(1.5)  # anything repeated late would arrive now
    return seen(tg, chat)[before:]


async def test_killed_after_the_first_message_sends_only_the_rest(
        tg: FakeTelegram, bots: list[BotProcess]) -> None:
    expected = await turn(tg, bots[0], REFERENCE, 101, text="/start")
    assert len(expected) >= 2, expected  # a greeting, then the question with buttons

    got = await killed_mid_reply(tg, bots, KILLED, 201, after=1, text="/start")
    assert got == expected
    # The conversation carries on, from the state the turn left.
    assert "Alcohol" in tg.inline_labels(KILLED)
    assert await turn(tg, bots[1], KILLED, 202, data="n0") == \
        await turn(tg, bots[1], REFERENCE, 102, data="n0")


async def test_a_turn_committed_but_not_sent_is_replayed_not_run_again(
        tg: FakeTelegram, bots: list[BotProcess]) -> None:
    # Both people reach a page of results that has a "More" button.
    for chat, ids in ((REFERENCE, (111, 112)), (KILLED, (211, 212))):
        await turn(tg, bots[1], chat, ids[0], text="/start")
        shown = await turn(tg, bots[1], chat, ids[1], text="support for drinking in Leeds")
        assert any("1. " in s for s in shown), shown
    assert "More results" in tg.inline_labels(KILLED)
    expected = await turn(tg, bots[1], REFERENCE, 113, data="more")
    assert expected and not any("no more" in s.lower() for s in expected)

    # Killed before anything of the reply went out, after the turn was committed (the
    # state already says "second page"). Running the turn again would show the third.
    got = await killed_mid_reply(tg, bots, KILLED, 213, after=0, data="more")
    assert got == expected
    logs = bots[1].logs()
    assert "update taken over: replaying its reply" in logs
