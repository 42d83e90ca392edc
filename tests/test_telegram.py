"""The Telegram adapter, end to end: the real python-telegram-bot client running our
adapter talks HTTP to a fake Bot API server (tests/fake_telegram.py), with the real
conversation, database (SQLite and PostgreSQL), gazetteer and search behind it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import aiohttp
import pytest
from dialogue import make_conversation
from fake_telegram import FakeTelegram
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from adapters.telegram import (
    TelegramAdapter,
    api_urls,
    check_webhook,
    inline_keyboard,
    parse_listen,
    render,
    split_text,
    utf16_len,
)
from bot import claims, state
from bot.catalogue import t
from bot.conversation import Conversation
from bot.types import Button, ConversationRef, Reply
from directory.db import make_engine, session_factory
from directory.geography import Gazetteer
from directory.models import Listing

USER = 987654321  # distinctive, so a leak into the logs would be found
LEEDS = (53.7997, -1.5492)
SECRET = "s3cret-Token_for-tests"


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture
def sessions(demo_sessions: sessionmaker) -> sessionmaker:
    """The demo directory, loaded the fast way (tests/dialogue.py load_demo)."""
    return demo_sessions


@pytest.fixture
def conversation(sessions: sessionmaker, gazetteer: Gazetteer) -> Conversation:
    return make_conversation(sessions)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(user_id=USER) as fake:
        yield fake


def make_adapter(tg: FakeTelegram, sessions: sessionmaker, **kw: object) -> TelegramAdapter:
    options: dict[str, object] = {"poll_timeout": 1, "per_chat_interval": 0.02}
    options.update(kw)
    return TelegramAdapter(tg.token, sessions, api_base_url=tg.url, **options)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(adapter: TelegramAdapter, conversation: Conversation
                  ) -> AsyncIterator[TelegramAdapter]:
    task = asyncio.create_task(adapter.start(conversation))
    ready = asyncio.create_task(adapter.started.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=15,
                                 return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        task.result()  # raises what went wrong
    assert ready in done, "adapter did not start"
    try:
        yield adapter
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 15)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_ref(user: int = USER) -> ConversationRef:
    return ConversationRef("telegram", str(user), str(user))


def markup(msg: dict) -> dict:
    return msg["method_params"].get("reply_markup") or {}


def exists(sessions: sessionmaker, ref: ConversationRef) -> bool:
    with sessions() as session:
        return state.exists(session, ref.key)


def is_active(sessions: sessionmaker, ref: ConversationRef) -> bool:
    with sessions() as session:
        return state.is_active(session, ref.key)


# -- a whole conversation ---------------------------------------------------------------


async def test_whole_conversation(tg: FakeTelegram, sessions: sessionmaker,
                                  conversation: Conversation,
                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(make_adapter(tg, sessions), conversation):
        # The command menu: everything in private chats (the features' too: anyone
        # may /subscribe), only the safe ones in groups.
        assert [c["command"] for c in tg.commands["default"]] == [
            "start", "help", "crisis", "privacy", "forget", "language", "subscribe",
            "reminders"]
        assert [c["command"] for c in tg.commands["all_group_chats"]] == ["crisis", "help"]
        # People whose Telegram is in Welsh get the same menu, described in Welsh.
        welsh = {c["command"]: c["description"] for c in tg.commands["default@cy"]}
        assert list(welsh) == [c["command"] for c in tg.commands["default"]]
        assert welsh["crisis"] == t("tg_cmd_crisis", "cy") != t("tg_cmd_crisis", "en")

        await tg.send_text("/start")
        sent = await tg.wait_sent(2)
        assert "Recovery Connector" in tg.texts()[0]
        assert {"Alcohol", "Drugs", "Gambling"} <= set(tg.inline_labels())
        assert all(m["method_params"].get("parse_mode") is None for m in sent)

        # A need button: answered, then asked where, with the location keyboard.
        query = await tg.press("Alcohol")
        await tg.wait_for(lambda: query in tg.callback_answers)
        sent = await tg.wait_sent(4)
        asked = sent[2:]
        assert "Where are you" in asked[0]["text"]
        assert tg.inline_labels() == ["Online meetings"]
        keyboard = markup(asked[-1])["keyboard"]
        assert keyboard[0][0]["request_location"] is True
        assert "Share my location" in keyboard[0][0]["text"]
        assert all(len(b["callback_data"].encode()) <= 64
                   for m in sent for row in m.get("reply_markup", {}).get("inline_keyboard", [])
                   for b in row)

        # A shared location: results near Leeds, and the location keyboard goes away.
        before = len(sent)
        await tg.share_location(*LEEDS)
        await tg.wait_for(lambda: "1" in tg.inline_labels())
        turn = tg.messages()[before:]
        assert any(markup(m).get("remove_keyboard") for m in turn)
        results = next(m["text"] for m in turn if "1" in [
            b["text"] for row in m.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row])
        assert "Leeds" in results and "1. " in results

        # Details of the first result: text, then a venue (a map pin).
        before = len(tg.messages())
        query = await tg.press("1")
        await tg.wait_for(lambda: any("venue" in m for m in tg.messages()[before:]))
        assert query in tg.callback_answers
        details, venue = [m for m in tg.messages()[before:]][-2:]
        first_name = results.split("\n")[1].split(". ", 1)[1]
        assert venue["venue"]["title"] == first_name
        assert details["text"].startswith(first_name)
        assert abs(venue["location"]["latitude"] - LEEDS[0]) < 0.1
        assert "Back to results" in tg.inline_labels()
        assert exists(sessions, private_ref())

        # /forget, confirmed: everything held about them is gone.
        await tg.send_text("/forget")
        await tg.wait_for(lambda: "Yes, delete" in tg.inline_labels())
        before = len(tg.messages())
        query = await tg.press("Yes, delete")
        await tg.wait_sent(before + 1)
        await tg.wait_for(lambda: query in tg.callback_answers)
        assert "deleted everything" in tg.texts()[-1]
        assert not exists(sessions, private_ref())

    # Our logs never hold the person's id or what they typed.
    ours = [r for r in caplog.records if r.name.startswith(("adapters", "bot"))]
    assert ours, "expected some log records"
    for record in ours:
        line = record.getMessage() + " " + str(record.__dict__.get("conv", ""))
        assert str(USER) not in line
        assert "Yes, delete" not in line and "/forget" not in line


async def test_deep_link_and_pacing(tg: FakeTelegram, sessions: sessionmaker,
                                    conversation: Conversation) -> None:
    async with running(make_adapter(tg, sessions, per_chat_interval=0.4), conversation):
        # A deep link (t.me/bot?start=leeds) arrives as "/start leeds": results near Leeds.
        await tg.send_text("/start leeds")
        await tg.wait_for(lambda: any("Leeds" in t for t in tg.texts()))
        assert "1" in tg.inline_labels()
        n = len(tg.send_attempts())
        # Two messages in a row to one private chat are about the interval apart...
        await tg.send_text("/start")
        await tg.send_text("/help", user_id=2222)  # ...while someone else is not held up
        await tg.wait_sent(n + 2)
        await tg.wait_sent(1, 2222)
        first, second = tg.send_attempts()[n:n + 2]
        assert second.at - first.at >= 0.35
        assert tg.send_attempts(2222)[0].at < second.at
        # ...but crisis contacts never wait for our pacing.
        await tg.send_text("I want to end my life")
        await tg.wait_for(lambda: any("Samaritans" in t for t in tg.texts()))
        crisis = tg.send_attempts()[-1]
        assert crisis.at - second.at < 0.3


async def test_danger_and_a_search_contacts_first_then_results(
        tg: FakeTelegram, sessions: sessionmaker, conversation: Conversation) -> None:
    """Issue 12 on the real client: the contacts that fit come first, as a message of their
    own with "Are you safe right now?" buttons; then the results that were asked for."""
    async with running(make_adapter(tg, sessions), conversation):
        await tg.send_text("he's hitting me again, any meetings for women in Cardiff?")
        await tg.wait_for(lambda: any("near Cardiff" in t for t in tg.texts()))
        first, *rest = tg.texts()
        assert first.index("999") < first.index("116 123")
        assert "Live Fear Free: call 0808 80 10 800" in first  # Cardiff: Wales's line
        assert "0808 2000 247" not in first
        assert any("near Cardiff" in t for t in rest)
        contacts = next(m for m in tg.messages() if m.get("text") == first)
        labels = [b["text"] for row in markup(contacts)["inline_keyboard"] for b in row]
        assert labels == ["I'm safe, carry on", "I need help now"]
        before = len(tg.messages())
        query = await tg.press("I need help now")
        await tg.wait_for(lambda: query in tg.callback_answers)
        await tg.wait_sent(before + 1)
        assert tg.texts()[-1].startswith("Please call 999 now")


# -- groups --------------------------------------------------------------------------------


async def test_group_never_discusses_needs(tg: FakeTelegram, sessions: sessionmaker,
                                           conversation: Conversation) -> None:
    group = tg.group()
    gid = group["id"]
    async with running(make_adapter(tg, sessions), conversation):
        # Not addressed to the bot: ignored.
        await tg.send_text("I drink too much and I'm in Leeds", chat=group)
        # For another bot: ignored.
        await tg.send_text("/start@SomeOtherBot", chat=group)
        # A mention: only the offer to continue privately, as a reply to that message.
        await tg.send_text("@RecoveryTestBot I drink too much, I'm in Leeds", chat=group)
        sent = await tg.wait_sent(1, gid)
        assert len(sent) == 1
        offer = sent[0]
        assert "private chat" in offer["text"]
        assert "Leeds" not in offer["text"]
        buttons = markup(offer)["inline_keyboard"]
        assert buttons[0][0]["url"] == "https://t.me/RecoveryTestBot?start=group"
        assert offer["method_params"]["reply_parameters"]["message_id"] > 0
        group_ref = ConversationRef("telegram", str(gid), str(USER))
        assert not exists(sessions, group_ref)

        # /start in the group: the same offer, no needs buttons.
        await tg.send_text("/start", chat=group)
        sent = await tg.wait_sent(2, gid)
        assert "private chat" in sent[1]["text"]
        assert all("callback_data" not in b for m in sent
                   for row in markup(m).get("inline_keyboard", []) for b in row)

        # /crisis is answered in the group itself, with the private link, no buttons
        # that would start a conversation there.
        await tg.send_text("/crisis", chat=group)
        sent = await tg.wait_sent(3, gid)
        assert "Samaritans" in sent[2]["text"]
        assert [b.get("url") for row in markup(sent[2])["inline_keyboard"] for b in row] == [
            "https://t.me/RecoveryTestBot?start=group"]

        # /help too.
        await tg.send_text("/help@RecoveryTestBot", chat=group)
        sent = await tg.wait_sent(4, gid)
        assert "/crisis" in sent[3]["text"]

        # A crisis said to the bot in the group gets the contacts that fit it at once
        # (every nation's line, labelled: a group keeps no place).
        await tg.send_text("@RecoveryTestBot he's hitting me again", chat=group)
        sent = await tg.wait_sent(5, gid)
        assert "Samaritans" in sent[4]["text"]
        assert "Live Fear Free (Wales)" in sent[4]["text"]
        assert "(England)" in sent[4]["text"]
        assert all("callback_data" not in b for row in markup(sent[4]).get(
            "inline_keyboard", []) for b in row)

        # A tap on an old button in a group is answered with a nudge, nothing sent.
        await tg.inject({"callback_query": {
            "id": "g1", "from": tg.user(), "chat_instance": "x", "data": "n0",
            "message": {"message_id": 1, "date": 0, "chat": group, "text": "old"}}})
        await tg.wait_for(lambda: "g1" in tg.callback_answers)
        assert "private chat" in tg.callback_answers["g1"]["text"]
        assert len(tg.messages(gid)) == 5


# -- webhook mode ----------------------------------------------------------------------------


def webhook_adapter(tg: FakeTelegram, sessions: sessionmaker) -> tuple[TelegramAdapter, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    adapter = make_adapter(tg, sessions, webhook_url=url, listen=f"127.0.0.1:{port}",
                           secret_token=SECRET)
    return adapter, url


def help_update(update_id: int, user: int = USER) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        "chat": {"id": user, "type": "private", "first_name": "Sam"},
        "from": {"id": user, "is_bot": False, "first_name": "Sam"}}}


async def test_two_processes_agree_which_keyboard_shows(tg: FakeTelegram,
                                                        sessions: sessionmaker) -> None:
    """Behind a load balancer each update may reach another process: the one that
    answers the shared location removes the "Share my location" keyboard another
    process put up, because which keyboard shows is the conversation's state."""
    a, b = webhook_adapter(tg, sessions), webhook_adapter(tg, sessions)
    async with running(a[0], make_conversation(sessions)), \
            running(b[0], make_conversation(sessions)):
        def to(process: tuple[TelegramAdapter, str]) -> None:
            tg.webhook = {**(tg.webhook or {}), "url": process[1]}
        to(a)
        await tg.send_text("/start")
        await tg.wait_sent(2)
        to(b)
        query = await tg.press("Alcohol")
        await tg.wait_for(lambda: query in tg.callback_answers)
        sent = await tg.wait_sent(4)
        assert markup(sent[-1])["keyboard"][0][0]["request_location"] is True
        to(a)
        before = len(sent)
        await tg.share_location(*LEEDS)
        await tg.wait_for(lambda: "1" in tg.inline_labels())
        assert any(markup(m).get("remove_keyboard") for m in tg.messages()[before:])


async def test_webhook_secret(tg: FakeTelegram, sessions: sessionmaker,
                              conversation: Conversation) -> None:
    adapter, url = webhook_adapter(tg, sessions)
    async with running(adapter, conversation):
        assert tg.webhook is not None
        assert tg.webhook["url"] == url
        assert tg.webhook["secret_token"] == SECRET
        assert set(tg.webhook["allowed_updates"]) >= {"message", "callback_query"}
        assert not tg.calls_to("getUpdates")

        assert await tg.post_webhook(help_update(501), "wrong-secret", url) == 403
        assert await tg.post_webhook(help_update(502), None, url) == 403
        assert await tg.post_webhook(help_update(503), SECRET[:-1], url) == 403
        async with aiohttp.ClientSession() as client:  # the right secret, but not an update
            async with client.post(url, data=b"{not json", headers={
                    "X-Telegram-Bot-Api-Secret-Token": SECRET}) as resp:
                assert resp.status == 400
            async with client.get(url) as resp:
                assert resp.status == 405
        assert await tg.post_webhook(help_update(504), SECRET, url) == 200
        await tg.wait_sent(1)
        # The conversation through the webhook, as Telegram would deliver it.
        await tg.send_text("/privacy")
        await tg.wait_sent(2)
        assert tg.webhook_posts == [200]
    texts = tg.texts()
    assert len(texts) == 2
    assert "/crisis" in texts[0] and "keep" in texts[1]
    with sessions() as session:  # refused requests were never claimed
        for refused in (501, 502, 503):
            assert claims.claim_update(session, "telegram", str(refused), datetime.now(UTC))
        session.rollback()


async def test_duplicate_update_answered_once(tg: FakeTelegram, sessions: sessionmaker,
                                              conversation: Conversation) -> None:
    adapter, url = webhook_adapter(tg, sessions)
    async with running(adapter, conversation):
        # Telegram retries a webhook it thinks failed: the same update_id twice.
        assert await tg.post_webhook(help_update(700), SECRET, url) == 200
        assert await tg.post_webhook(help_update(700), SECRET, url) == 200
        await tg.send_text("/privacy", update_id=701)
        await tg.wait_for(lambda: any("keep" in t for t in tg.texts()))
        await asyncio.sleep(0.2)
    texts = tg.texts()
    assert len(texts) == 2, texts
    assert "/crisis" in texts[0] and "keep" in texts[1]


async def test_a_database_that_hangs_never_holds_back_crisis_contacts(
        tg: FakeTelegram, gazetteer: Gazetteer) -> None:
    """A database that accepts connections but never answers (overloaded, a network
    black hole): the update cannot be claimed, and a message of danger is still answered
    with crisis contacts within seconds, not after the connection gives up."""
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)  # connections queue up; nothing ever answers them
        engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:"
                             f"{hole.getsockname()[1]}/test",
                             connect_args={"connect_timeout": 60})
        sessions = session_factory(engine)
        conversation = make_conversation(sessions)
        adapter, url = webhook_adapter(tg, sessions)
        try:
            async with running(adapter, conversation):
                posted = asyncio.create_task(tg.send_text("I want to end my life"))
                await tg.wait_for(lambda: any("116 123" in t for t in tg.texts()), 15)
                posted.cancel()
        finally:
            engine.dispose()
    assert "999" in tg.texts()[0]


async def test_webhook_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="secret token"):
        check_webhook("https://bot.example.org/hook", None)
    with pytest.raises(ValueError, match="letters, digits"):
        check_webhook("https://bot.example.org/hook", "has spaces")
    with pytest.raises(ValueError, match="https"):
        check_webhook("bot.example.org/hook", SECRET)
    check_webhook("https://bot.example.org/hook", SECRET)
    assert parse_listen("0.0.0.0:8443") == ("0.0.0.0", 8443)
    assert parse_listen("[::1]:80") == ("::1", 80)
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_listen("8443")
    assert api_urls(None) == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert api_urls("http://127.0.0.1:8081/") == ("http://127.0.0.1:8081/bot",
                                                  "http://127.0.0.1:8081/file/bot")


# -- limits: 429, 403 --------------------------------------------------------------------------


async def test_429_waits_and_delivers(tg: FakeTelegram, sessions: sessionmaker,
                                      conversation: Conversation) -> None:
    async with running(make_adapter(tg, sessions), conversation):
        tg.fail_next("sendMessage", 429, retry_after=1, chat_id=USER)
        await tg.send_text("/help")
        await tg.wait_sent(1, timeout=10)
    attempts = tg.send_attempts()
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert "/crisis" in tg.texts()[0]


async def test_403_marks_inactive_and_stops_sending(tg: FakeTelegram, sessions: sessionmaker,
                                                    conversation: Conversation) -> None:
    ref = private_ref()
    async with running(make_adapter(tg, sessions), conversation) as adapter:
        tg.fail_next("sendMessage", 403, chat_id=USER)
        await tg.send_text("/start")  # two replies: the first is refused
        await tg.wait_for(lambda: any(a.status == 403 for a in tg.send_attempts()))
        for _ in range(50):
            if not is_active(sessions, ref):
                break
            await asyncio.sleep(0.05)
        assert exists(sessions, ref) and not is_active(sessions, ref)
        await asyncio.sleep(0.2)
        assert len(tg.send_attempts()) == 1  # the second reply was never tried

        # A reminder or broadcast to them is not even attempted.
        await adapter.send(ref, Reply("A reminder"))
        assert len(tg.send_attempts()) == 1

        # They unblock and write again: reachable once more.
        await tg.send_text("/help")
        await tg.wait_sent(1)
        assert is_active(sessions, ref)


# -- rendering ----------------------------------------------------------------------------------


async def test_long_reply_split_and_no_markup_injection(tg: FakeTelegram,
                                                        sessions: sessionmaker,
                                                        conversation: Conversation) -> None:
    lines = [f"{i:03d} " + "word " * 60 + "😀" for i in range(50)]
    long_text = "\n".join(lines)
    assert len(long_text) > 3 * 4096
    async with running(make_adapter(tg, sessions), conversation) as adapter:
        await adapter.send(private_ref(), Reply(long_text, ((Button("OK", "restart"),),)))
        await adapter.send(private_ref(), Reply("<b>not bold</b> & <i>Tom & Jerry</i>"))
        sent = await tg.wait_sent(5)
    texts = [m["text"] for m in sent]
    assert all(utf16_len(t) <= 4096 for t in texts)
    assert "\n".join(texts[:-1]) == long_text  # split only at line boundaries
    assert all(t.split("\n")[-1].endswith("😀") for t in texts[:-1])
    assert "reply_markup" in sent[-2] and "reply_markup" not in sent[0]  # buttons last
    assert texts[-1] == "<b>not bold</b> & <i>Tom & Jerry</i>"
    assert all("parse_mode" not in m["method_params"] for m in sent)


async def test_listing_with_markup_arrives_literally(tg: FakeTelegram, sessions: sessionmaker,
                                                     conversation: Conversation) -> None:
    name = "<b>Leeds</b> AA & <script>friends</script>"
    with sessions() as session:
        session.execute(update(Listing).where(Listing.name == "Leeds AA meeting (example)")
                        .values(name=name))
        session.commit()
    async with running(make_adapter(tg, sessions), conversation):
        await tg.send_text("I drink too much, I'm in Leeds")
        await tg.wait_for(lambda: any(name in t for t in tg.texts()))
        results = next(t for t in tg.texts() if name in t)
        number = next(line.split(".")[0] for line in results.split("\n") if name in line)
        await tg.press(number)
        await tg.wait_for(lambda: any("venue" in m for m in tg.messages()))
    venue = next(m for m in tg.messages() if "venue" in m)
    assert venue["venue"]["title"] == name
    assert any(t.startswith(name) for t in tg.texts())


def test_split_text_edges() -> None:
    assert split_text("short") == ["short"]
    assert split_text("") == []
    one_line = "x" * 5000
    assert [len(p) for p in split_text(one_line)] == [4096, 904]
    words = ("word " * 2000).strip()
    pieces = split_text(words)
    assert all(len(p) <= 4096 and not p.startswith(" ") for p in pieces)
    assert " ".join(pieces) == words
    emoji = "😀" * 3000  # 2 UTF-16 units each
    assert all(utf16_len(p) <= 4096 for p in split_text(emoji))
    assert "".join(split_text(emoji)) == emoji


def test_render_location_keyboard_then_removed() -> None:
    ask = Reply("Where are you?", ((Button("Online meetings", "online"),),),
                request_location=True)
    out = render([ask], private=True)
    assert [o.markup.__class__.__name__ for o in out] == ["InlineKeyboardMarkup",
                                                          "ReplyKeyboardMarkup"]
    assert out[1].markup.keyboard[0][0].request_location  # type: ignore[union-attr]

    # Next turn (the conversation says the request is over): every reply has buttons,
    # so a short "Thanks." carries the removal.
    results = Reply("1. A group", ((Button("1", "d0"),),), dismiss_location=True)
    out = render([results], private=True)
    assert out[0].markup.__class__.__name__ == "ReplyKeyboardRemove"
    assert out[1].markup.__class__.__name__ == "InlineKeyboardMarkup"

    # A reply without buttons carries the removal itself.
    out = render([Reply("Help text", dismiss_location=True)], private=True)
    assert len(out) == 1 and out[0].markup.__class__.__name__ == "ReplyKeyboardRemove"

    # A crisis reply is never preceded by anything, and nothing in a group has buttons.
    crisis = Reply("Call 999", ((Button("Find support", "restart"),),), crisis=True,
                   dismiss_location=True)
    out = render([crisis], private=True)
    assert len(out) == 1 and out[0].urgent
    assert out[0].markup.__class__.__name__ == "InlineKeyboardMarkup"
    out = render([ask, crisis], private=False)
    assert all(o.markup is None for o in out)


def test_inline_keyboard_limits(caplog: pytest.LogCaptureFixture) -> None:
    row = tuple(Button(str(i), f"d{i}") for i in range(10))
    kb = inline_keyboard([row, (Button("bad", "x" * 65),)])
    assert kb is not None
    assert [len(r) for r in kb.inline_keyboard] == [8, 2]
    assert "payload longer than 64 bytes" in caplog.text
    many = [tuple(Button("b", f"p{i}") for i in range(8)) for _ in range(20)]
    kb = inline_keyboard(many)
    assert kb is not None and sum(len(r) for r in kb.inline_keyboard) == 100


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the project
    yield


def test_cli_run_rejects_unknown_platform(cli_env: None) -> None:
    from adapters.cli import app

    result = CliRunner().invoke(app, ["run", "telegram", "myspace"])
    assert result.exit_code == 2
    assert "Unknown platform 'myspace'" in result.output
    assert "telegram" in result.output


def test_cli_run_needs_a_token(cli_env: None) -> None:
    from adapters.cli import app

    result = CliRunner().invoke(app, ["run", "telegram"])
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.output


def test_cli_webhook_needs_a_secret(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.cli import app

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    result = CliRunner().invoke(app, ["run", "telegram", "--webhook-url",
                                      "https://bot.example.org/hook"])
    assert result.exit_code == 2
    assert "secret token" in result.output


async def test_role_menus_only_for_role_holders(tg: FakeTelegram, sessions: sessionmaker,
                                                conversation: Conversation) -> None:
    """Volunteer and admin commands appear in the menu of those who hold the role, and
    go when the role goes (/forget); everyone else keeps the default menu."""
    from bot import access

    with sessions() as s:
        access.grant(s, "telegram", str(USER), "admin", datetime.now(UTC))
        s.commit()
    async with running(make_adapter(tg, sessions), conversation):
        await tg.send_text("/help")
        await tg.wait_for(lambda: f"chat:{USER}" in tg.commands)
        menu = [c["command"] for c in tg.commands[f"chat:{USER}"]]
        assert {"review", "invite", "edit", "crisis"} <= set(menu)
        await tg.send_text("/help", user_id=USER + 1)
        await tg.wait_sent(1, chat_id=USER + 1)
        assert f"chat:{USER + 1}" not in tg.commands  # a stranger: default menu only
        await tg.send_text("/forget")
        await tg.wait_for(lambda: "Yes, delete" in tg.inline_labels())
        await tg.press("Yes, delete")
        await tg.wait_for(lambda: f"chat:{USER}" not in tg.commands)


async def test_a_person_whose_telegram_is_in_welsh_is_answered_in_welsh(
        tg: FakeTelegram, sessions: sessionmaker, conversation: Conversation) -> None:
    """The app's language (User.language_code) starts the conversation in Welsh; the
    buttons, the location keyboard and a typed choice in Welsh words follow."""
    tg.language_code = "cy"
    async with running(make_adapter(tg, sessions), conversation):
        await tg.send_text("/start")
        await tg.wait_sent(2)
        assert t("ask_needs", "cy") in tg.texts()[-1]
        assert t("b_alcohol", "cy") in tg.inline_labels()
        query = await tg.press(t("b_alcohol", "cy"))
        await tg.wait_for(lambda: query in tg.callback_answers)
        sent = await tg.wait_sent(4)
        assert t("ask_place", "cy") in sent[2]["text"]
        keyboard = markup(sent[-1])["keyboard"]
        assert keyboard[0][0]["text"] == t("tg_share_location", "cy")
        await tg.send_text("yng Nghaerdydd")  # "in Cardiff", mutated
        await tg.wait_for(lambda: "1" in tg.inline_labels())
        assert any(t("results_intro", "cy", place="Cardiff") in text for text in tg.texts())
        await tg.send_text("dau")  # "two": the second result
        await tg.wait_for(lambda: t("b_report", "cy") in tg.inline_labels())
