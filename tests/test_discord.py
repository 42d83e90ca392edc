"""The Discord adapter, end to end: the unmodified discord.py client runs our adapter
against a local fake Discord (tests/fake_discord.py) on 127.0.0.1, with the real
conversation, the real database (SQLite and PostgreSQL), the real gazetteer and search,
and the demo directory."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dialogue import make_conversation
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.utils import escape_markdown
from fake_discord import FakeDiscord, Sent, User, shard_of
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.discord_adapter import (
    DM_ID,
    MAX_CHARS,
    SELECT_ID,
    DiscordAdapter,
    build_view,
    layout,
    split_text,
)
from adapters.settings import Settings
from bot import state
from bot.broadcasts import store
from bot.catalogue import t
from bot.conversation import NEED_BUTTONS, Conversation
from bot.types import Button, ConversationRef, Incoming, Reply
from directory.db import session_factory

# The need choices as the conversation offers them: positions, never the needs themselves.
NEEDS = [f"n{i}" for i in range(len(NEED_BUTTONS))] + ["n*"]


def said(key: str, **values: object) -> str:
    """A catalogue message as it appears on Discord (markdown-escaped)."""
    return escape_markdown(t(key, **values))


ASK_PLACE = said("ask_place")
NEAR_LEEDS = said("results_intro", place="Leeds")
FORGOTTEN = said("forgotten")


class Harness:
    """The fake Discord, the database and one running adapter at a time."""

    def __init__(self, fake: FakeDiscord, sessions: sessionmaker,
                 conversation: Conversation) -> None:
        self.fake = fake
        self.sessions = sessions
        self.conversation = conversation
        self.adapter: DiscordAdapter | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> DiscordAdapter:
        adapter = DiscordAdapter(self.fake.token, self.sessions,
                                 api_base_url=self.fake.api_base, guild_ready_timeout=0.05)
        self._task = asyncio.create_task(adapter.start(self.conversation))
        await adapter.wait_until_ready(15)
        self.adapter = adapter
        return adapter

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)
        self.adapter = self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def mark(self) -> int:
        return len(self.fake.sent)

    async def dm(self, user: User, text: str, *, min_new: int = 1) -> list[Sent]:
        since = self.mark()
        await self.fake.send_dm(user, text)
        return _messages(await self.fake.settle(since, min_new=min_new))

    async def press(self, user: User, sent: Sent, custom_id: str, *, min_new: int = 2
                    ) -> list[Sent]:
        since = self.mark()
        await self.fake.press(user, sent, custom_id)
        return _messages(await self.fake.settle(since, min_new=min_new))

    async def choose(self, user: User, sent: Sent, value: str) -> list[Sent]:
        since = self.mark()
        await self.fake.choose(user, sent, value)
        return _messages(await self.fake.settle(since, min_new=2))

    async def slash(self, user: User, name: str, *, min_new: int = 2, **options: str
                    ) -> list[Sent]:
        since = self.mark()
        await self.fake.slash(user, name, **options)
        return self.fake.sent[since:] if min_new == 0 else \
            await self.fake.settle(since, min_new=min_new)

    def active(self, user: User) -> bool:
        with self.sessions() as session:
            return state.is_active(session, ref(user).key)

    def known(self, user: User) -> bool:
        with self.sessions() as session:
            return state.exists(session, ref(user).key)


def ref(user: User) -> ConversationRef:
    return ConversationRef("discord", user.id, user.id)


def _messages(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.is_message]


def check_discord_rules(fake: FakeDiscord) -> None:
    """What must hold for everything the bot ever sent."""
    assert fake.unhandled == [], "discord.py called routes the fake does not know"
    assert fake.rejected == [], "Discord would have refused these"
    for s in fake.sent:
        if not s.is_message:
            continue
        assert s.allowed_mentions == {"parse": []}, s
        assert len(s.content) <= MAX_CHARS
        assert all(len(cid) <= 100 for cid in s.custom_ids())
        if s.guild_id is not None:
            # Nothing about anyone's needs is ever visible to the rest of a server.
            assert s.ephemeral and s.kind != "message", s


@pytest.fixture
def sessions(demo_sessions: sessionmaker) -> sessionmaker:
    """The demo directory, loaded the fast way (tests/dialogue.py load_demo)."""
    return demo_sessions


@pytest.fixture
async def h(sessions: sessionmaker) -> AsyncIterator[Harness]:
    fake = FakeDiscord()
    await fake.start()
    # As adapters/wiring.build_conversation builds it, with the test's database.
    conversation = make_conversation(sessions)
    harness = Harness(fake, sessions, conversation)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        await fake.close()
    check_discord_rules(fake)


# -- direct messages ----------------------------------------------------------------------

async def test_dm_conversation_end_to_end(h: Harness, caplog: pytest.LogCaptureFixture
                                          ) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters")
    caplog.set_level(logging.DEBUG, logger="bot")
    alex = h.fake.user("alex")

    greeting, needs = await h.dm(alex, "hello", min_new=2)
    assert "Recovery Connector" in greeting.content and not greeting.components
    select = needs.select()
    assert select is not None and select["custom_id"] == SELECT_ID
    assert [o["value"] for o in select["options"]] == NEEDS  # six needs: a select menu
    assert [o["label"] for o in select["options"]][0] == t("b_alcohol")

    (ask_place,) = await h.choose(alex, needs, "n0")
    assert ASK_PLACE in ask_place.content
    assert ask_place.kind == "followup" and not ask_place.ephemeral
    assert ask_place.buttons() == {t("b_online"): "rc:online"}

    (results,) = await h.dm(alex, "Leeds")
    assert NEAR_LEEDS in results.content
    ids = results.custom_ids()
    assert {"rc:d0", "rc:d1", "rc:more", "rc:area", "rc:restart"} <= set(ids)
    assert len(results.components) <= 5

    (details,) = await h.press(alex, results, "rc:d0")
    (embed,) = details.embeds
    assert embed["url"].startswith("https://www.openstreetmap.org/?mlat=")
    assert embed["title"] in details.content
    assert "openstreetmap.org" in embed["fields"][0]["value"]
    assert "rc:back" in details.custom_ids()

    (confirm,) = await h.dm(alex, "/forget")
    assert set(confirm.custom_ids()) == {"rc:fy", "rc:fn"}
    assert h.known(alex)
    (done,) = await h.press(alex, confirm, "rc:fy")
    assert FORGOTTEN in done.content
    assert not h.known(alex)

    # Logs name the conversation by its hash: never ids, never what anyone wrote.
    ours = [r for r in caplog.records if r.name.startswith(("adapters", "bot"))]
    assert ours
    for record in ours:
        text = record.getMessage() + " " + " ".join(map(str, vars(record).values()))
        assert alex.id not in text and "Leeds" not in text and "hello" not in text
    assert any(getattr(r, "conv", None) == ref(alex).log_id for r in ours)


async def test_a_welsh_conversation_in_dms(h: Harness) -> None:
    """Welsh from the first words, on the real client: the select menu's choices, the
    buttons, the place card's words and a danger message's Welsh-language lines."""
    cai = h.fake.user("cai")
    greeting, needs = await h.dm(cai, "shwmae", min_new=2)
    assert t("ask_needs", "cy") in needs.content
    select = needs.select()
    assert select is not None and select["placeholder"] == t("dc_choose", "cy")
    assert [o["label"] for o in select["options"]][0] == t("b_alcohol", "cy")
    (ask_place,) = await h.choose(cai, needs, "n0")
    assert t("ask_place", "cy") in ask_place.content
    (results,) = await h.dm(cai, "yng Nghaerdydd")
    assert t("results_intro", "cy", place="Cardiff") in results.content
    (details,) = await h.press(cai, results, "rc:d0")
    (embed,) = details.embeds
    assert embed["fields"][0]["name"] == t("dc_map", "cy")
    first, *_ = await h.dm(cai, "dw i isio lladd fy hun")
    assert "999" in first.content and "0808 164 0123" in first.content


async def test_crisis_words_answered_first_in_dms(h: Harness) -> None:
    sam = h.fake.user("sam")
    first, *_ = await h.dm(sam, "i want to end it all tonight")
    assert "116 123" in first.content and "999" in first.content


async def test_danger_and_a_search_contacts_first_then_results(h: Harness) -> None:
    """Issue 12 on the real client: the contacts that fit first, with "Are you safe right
    now?" buttons; then the results that were asked for, in the same turn."""
    sam = h.fake.user("sam")
    first, *rest = await h.dm(sam, "I've got the pills here, any AA meetings in Leeds?",
                              min_new=2)
    assert first.content.index("999") < first.content.index("116 123")
    assert set(first.custom_ids()) == {"rc:resume", "rc:unsafe"}
    assert any("near Leeds" in s.content for s in rest)
    urgent, *_ = await h.press(sam, first, "rc:unsafe", min_new=1)
    assert urgent.content.startswith("Please call 999 now")


async def test_server_messages_are_never_read(h: Harness) -> None:
    jo = h.fake.user("jo")
    since = h.mark()
    await h.fake.send_guild_message(jo, "I drink too much, I'm in Leeds")
    await asyncio.sleep(0.5)
    assert h.fake.sent[since:] == []
    assert not h.known(jo)


# -- servers: slash commands, ephemeral answers, continuing in DMs -------------------------

async def test_find_in_server_is_ephemeral_and_continues_in_dms(h: Harness) -> None:
    kim = h.fake.user("kim")
    sent = await h.slash(kim, "find", min_new=3, need="alcohol", place="Leeds")
    callback, *messages = sent
    assert callback.kind == "callback" and callback.body["type"] == 5  # deferred, thinking
    assert callback.body["data"]["flags"] & 64
    assert all(m.ephemeral and m.channel_id == h.fake.guild_channel_id for m in messages)
    results = messages[-1]
    assert NEAR_LEEDS in results.content
    assert results.custom_ids()[-1] == DM_ID  # "Continue in DMs", last
    assert not any(DM_ID in m.custom_ids() for m in messages[:-1])

    since = h.mark()
    await h.fake.press(kim, results, DM_ID)
    sent = await h.fake.settle(since, min_new=3)
    assert ("POST", "/users/@me/channels") in h.fake.requests
    copy = next(s for s in sent if s.kind == "message")
    assert copy.channel_id == h.fake.dm_channel(kim) and not copy.ephemeral
    assert copy.content == results.content
    assert "rc:d0" in copy.custom_ids() and DM_ID not in copy.custom_ids()
    notice = next(s for s in sent if s.kind == "followup")
    assert notice.ephemeral
    link = notice.buttons()
    assert list(link.values()) == [f"https://discord.com/channels/@me/{copy.channel_id}"]

    # The copy's buttons carry on the same conversation, privately.
    (details,) = await h.press(kim, copy, "rc:d0")
    assert details.embeds and not details.ephemeral and details.guild_id is None


async def test_find_without_options_and_a_select_choice_in_server(h: Harness) -> None:
    lee = h.fake.user("lee")
    sent = await h.slash(lee, "find", min_new=3)
    needs = _messages(sent)[-1]
    assert needs.ephemeral
    assert [o["value"] for o in needs.select()["options"]] == NEEDS
    (ask_place,) = await h.choose(lee, needs, "n2")
    assert ask_place.ephemeral and ASK_PLACE in ask_place.content
    assert ask_place.custom_ids() == ["rc:online", DM_ID]
    (online,) = await h.press(lee, ask_place, "rc:online")
    assert online.ephemeral and "online" in online.content.lower()


@pytest.mark.parametrize("command, expect", [
    ("help", "/crisis"), ("crisis", "116 123"), ("privacy", said("privacy", ttl_hours=24)),
])
async def test_other_commands_answer_only_the_person(h: Harness, command: str,
                                                     expect: str) -> None:
    ash = h.fake.user("ash")
    sent = await h.slash(ash, command)
    (answer,) = _messages(sent)
    assert expect in answer.content and answer.ephemeral


async def test_forget_in_server(h: Harness) -> None:
    mo = h.fake.user("mo")
    await h.dm(mo, "alcohol in Leeds")
    assert h.known(mo)
    sent = await h.slash(mo, "forget")
    (confirm,) = _messages(sent)
    assert confirm.ephemeral and {"rc:fy", "rc:fn", DM_ID} == set(confirm.custom_ids())
    (done,) = await h.press(mo, confirm, "rc:fy")
    assert done.ephemeral and FORGOTTEN in done.content
    assert not h.known(mo)


async def test_slash_commands_are_synced(h: Harness) -> None:
    commands = {c["name"]: c for c in h.fake.commands}
    assert set(commands) == {"find", "help", "crisis", "privacy", "forget", "announcements"}
    # Only a hint to Discord (checked again in our code): Manage Server, servers only.
    assert int(commands["announcements"]["default_member_permissions"]) == MANAGE_GUILD
    assert commands["announcements"]["dm_permission"] is False
    assert {o["name"]: o["type"] for o in commands["announcements"]["options"]} == \
        {"set": 1, "off": 1}
    options = {o["name"]: o for o in commands["find"]["options"]}
    assert set(options) == {"need", "place"}
    assert not options["need"].get("required") and not options["place"].get("required")
    assert [c["value"] for c in options["need"]["choices"]] == \
        ["alcohol", "drugs", "gambling", "family", "mental_health"]
    assert options["place"]["max_length"] == 100
    # discord.py asks for a compressed gateway: zlib-stream, which the fake speaks (or
    # zstd-stream where zstandard is installed; the fake then sends text frames).
    assert h.fake.compressions in (["zlib-stream"], ["zstd-stream"])


# -- announcements channel, chosen by the server's own admins ------------------------------

MANAGE_GUILD = 1 << 5


def announcement_channel(sessions: sessionmaker, guild_id: str) -> str | None:
    with sessions() as session:
        row = session.get(store.AnnouncementChannel, guild_id)
        return row.channel_id if row else None


async def test_announcements_channel_needs_manage_server(h: Harness) -> None:
    news, voice = h.fake.add_channel("news"), h.fake.add_channel("voice-chat", kind=2)
    guild = h.fake.guild_id
    jo, kim = h.fake.user("jo"), h.fake.user("kim")

    # Discord would hide the command from jo, but a server can override that hint.
    (refused,) = _messages(await h.slash(jo, "announcements", subcommand="set", channel=news))
    assert refused.ephemeral and refused.content == t("dc_ann_refused")
    assert announcement_channel(h.sessions, guild) is None

    h.fake.grant(jo, MANAGE_GUILD)
    (wrong,) = _messages(await h.slash(jo, "announcements", subcommand="set", channel=voice))
    assert wrong.content == t("dc_ann_wrong_channel")
    (done,) = _messages(await h.slash(jo, "announcements", subcommand="set", channel=news))
    assert done.ephemeral and f"<#{news}>" in done.content
    assert announcement_channel(h.sessions, guild) == news

    h.fake.grant(kim, 1 << 11)  # Send Messages only
    (refused,) = _messages(await h.slash(kim, "announcements", subcommand="off"))
    assert refused.content == t("dc_ann_refused")
    assert announcement_channel(h.sessions, guild) == news

    (off,) = _messages(await h.slash(jo, "announcements", subcommand="off"))
    assert off.ephemeral and off.content == t("dc_ann_off")
    assert announcement_channel(h.sessions, guild) is None
    (again,) = _messages(await h.slash(jo, "announcements", subcommand="off"))
    assert again.content == t("dc_ann_was_off")

    h.fake.grant(kim, 1 << 3)  # Administrator has every permission
    await h.slash(kim, "announcements", subcommand="set", channel=news)
    assert announcement_channel(h.sessions, guild) == news
    assert h.fake.channel_messages(news) == []  # nothing posted in the channel itself


# -- restarts, unreachable people, long replies --------------------------------------------

async def test_buttons_from_before_a_restart_still_work(h: Harness) -> None:
    pat = h.fake.user("pat")
    _, needs = await h.dm(pat, "hi", min_new=2)
    await h.restart()
    assert h.fake.identifies == 2
    (ask_place,) = await h.choose(pat, needs, "n1")
    assert ASK_PLACE in ask_place.content
    (results,) = await h.dm(pat, "Leeds")

    await h.restart()
    (details,) = await h.press(pat, results, "rc:d1")
    assert details.embeds or "Where:" in details.content
    assert "rc:back" in details.custom_ids()


async def test_closed_dms_mark_the_conversation_inactive(h: Harness) -> None:
    rob = h.fake.user("rob")
    await h.dm(rob, "alcohol in Leeds")
    assert h.active(rob)
    h.fake.close_dms(rob)
    assert h.adapter is not None
    await h.adapter.send(ref(rob), Reply("A new group meets near you on Tuesdays."))
    refused = [s for s in h.fake.sent if s.kind == "refused"]
    assert len(refused) == 1
    assert not h.active(rob)

    # Not retried: the next send is skipped without asking Discord.
    posts = len([r for r in h.fake.requests if r[0] == "POST"])
    await h.adapter.send(ref(rob), Reply("Another one."))
    assert len([r for r in h.fake.requests if r[0] == "POST"]) == posts

    # Writing again makes them reachable again.
    h.fake.open_dms(rob)
    await h.dm(rob, "hello")
    assert h.active(rob)


async def test_continue_in_dms_when_dms_are_closed(h: Harness) -> None:
    eve = h.fake.user("eve")
    sent = await h.slash(eve, "find", min_new=3, need="gambling", place="Leeds")
    results = _messages(sent)[-1]
    h.fake.close_dms(eve)
    since = h.mark()
    await h.fake.press(eve, results, DM_ID)
    sent = await h.fake.settle(since, min_new=3)
    notice = next(s for s in sent if s.kind == "followup")
    assert notice.ephemeral and t("dc_dm_closed") in notice.content
    assert not h.active(eve)


async def test_a_long_reply_is_split_under_2000(h: Harness) -> None:
    val = h.fake.user("val")
    await h.dm(val, "hello", min_new=2)
    lines = [f"Line {i}: a group that meets on Tuesdays in the church hall" for i in range(80)]
    text = "\n".join(lines)
    assert len(text) > 2 * MAX_CHARS
    since = h.mark()
    assert h.adapter is not None
    await h.adapter.send(ref(val), Reply(text, ((Button("Start again", "restart"),),)))
    sent = _messages(await h.fake.settle(since, min_new=3))
    assert len(sent) == 3
    assert all(len(s.content) <= MAX_CHARS for s in sent)
    assert "\n".join(s.content for s in sent) == text  # split between lines, nothing lost
    assert [bool(s.components) for s in sent] == [False, False, True]



async def test_slash_command_in_the_bots_dms_is_a_normal_message(h: Harness) -> None:
    ali = h.fake.user("ali")
    sent = await h.slash(ali, "help", in_guild=False)
    callback, answer = sent
    assert callback.body["type"] == 5 and not callback.ephemeral
    assert answer.guild_id is None and not answer.ephemeral and "/crisis" in answer.content
    assert DM_ID not in answer.custom_ids()


async def test_gateway_url_setting_wins_and_endpoints_are_put_back(
        sessions: sessionmaker) -> None:
    fake = FakeDiscord(with_guild=False)
    fake.advertised_gateway = "ws://127.0.0.1:9/nowhere"  # would fail if it were used
    await fake.start()
    adapter = DiscordAdapter(fake.token, sessions, api_base_url=fake.api_base,
                             gateway_url=fake.gateway_url, sync_commands=False,
                             guild_ready_timeout=0.05)

    task = asyncio.create_task(adapter.start(make_conversation(sessions)))
    try:
        await adapter.wait_until_ready(15)
        assert fake.api_base == Route.BASE
        assert fake.commands == [] and fake.identifies == 1
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 10)
        await fake.close()
    assert Route.BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"


async def test_a_refused_token_is_a_clear_error(sessions: sessionmaker) -> None:
    fake = FakeDiscord()
    await fake.start()
    adapter = DiscordAdapter("not-the-token", sessions, api_base_url=fake.api_base)

    try:
        with pytest.raises(RuntimeError, match="did not accept the bot token"):
            await asyncio.wait_for(adapter.start(make_conversation(sessions)), 15)
    finally:
        await fake.close()
    assert Route.BASE == "https://discord.com/api/v10"



async def test_replies_degrade_to_text_when_discord_refuses_components(h: Harness) -> None:
    """Crisis contacts are never dropped, even if Discord refused our buttons."""
    h.fake.limits.rows = 0  # Discord now refuses any message with components
    sam = h.fake.user("sam")
    first, *_ = await h.dm(sam, "i want to end it all tonight")
    assert "116 123" in first.content and not first.components
    assert h.fake.rejected  # the message with the button was refused first
    h.fake.rejected.clear()



async def test_crisis_reply_arrives_with_the_database_down(tmp_path: Path) -> None:
    broken = session_factory(create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"))
    fake = FakeDiscord(with_guild=False)
    await fake.start()
    conversation = make_conversation(broken)
    harness = Harness(fake, broken, conversation)
    await harness.start()
    try:
        sam = fake.user("sam")
        first, *_ = await harness.dm(sam, "i want to end it all tonight")
        assert "116 123" in first.content
        sorry, contacts = await harness.dm(sam, "alcohol in Leeds", min_new=2)
        assert said("db_down") in sorry.content and "116 123" in contacts.content
    finally:
        await harness.stop()
        await fake.close()
    check_discord_rules(fake)


# -- rendering, without Discord ----------------------------------------------------------------

def test_split_text_keeps_lines_whole_and_cuts_long_lines_at_spaces() -> None:
    assert split_text("short") == ["short"]
    words = " ".join(["recovery"] * 600)  # one 5399-character line
    pieces = split_text("intro\n" + words + "\noutro")
    assert all(len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces).split() == ("intro " + words + " outro").split()
    assert all(len(p) <= MAX_CHARS for p in split_text("x" * 4500))


def test_layout_keeps_discord_limits() -> None:
    b = Button
    # The need buttons (6 in 3 rows) become one select menu.
    rows = layout(((b("Alcohol", "n0"), b("Drugs", "n1"), b("Gambling", "n2")),
                   (b("Family", "n3"), b("Mental health", "n4")), (b("Anything", "n*"),)))
    assert len(rows) == 1 and rows[0].select and len(rows[0].buttons) == 6
    # Eight places plus "online" would be nine rows: a select and a button.
    places = tuple((b(f"Newport {i}", f"c{i}"),) for i in range(8)) + ((b("Online", "online"),),)
    rows = layout(places, dm_button=True)
    assert [r.select for r in rows] == [True, False, False]
    assert rows[-1].buttons[0].label == "Continue in DMs"
    # Results stay buttons; three short choices stay buttons.
    results = ((tuple(b(str(i + 1), f"d{i}") for i in range(5))),
               (b("More", "more"), b("Online", "online"), b("Today", "today")),
               (b("Area", "area"), b("Again", "restart")))
    assert [len(r.buttons) for r in layout(results, dm_button=True)] == [5, 3, 2, 1]
    assert not any(r.select for r in layout(((b("a", "c0"), b("b", "c1"), b("c", "c2")),)))
    # Too many rows of buttons are packed 5 to a row; the DM button is never lost.
    many = tuple((b(f"x{i}", f"x{i}"),) for i in range(12))
    packed = layout(many, dm_button=True)
    assert len(packed) <= 5 and all(len(r.buttons) <= 5 for r in packed)
    assert packed[-1].buttons[-1].label == "Continue in DMs"
    # Unusable or repeated payloads are left out rather than breaking the message.
    odd = layout(((b("ok", "more"), b("twice", "more"), b("bad", "has space"),
                   b("long", "x" * 65)),))
    assert [x.payload for r in odd for x in r.buttons] == ["more"]


async def test_views_use_short_unique_custom_ids() -> None:
    view = build_view(layout(((Button("Back", "back"), Button("Report", "report")),),
                             dm_button=True))
    assert view is not None
    data = view.to_components()
    ids = [c["custom_id"] for row in data for c in row["components"]]
    assert ids == ["rc:back", "rc:report", DM_ID]
    assert build_view([]) is None


# -- the command line -------------------------------------------------------------------------

async def run_discord(fake: FakeDiscord, engine: Engine, **settings: str
                      ) -> asyncio.subprocess.Process:
    """`recovery-bot run discord` as an operator starts it, against the fake Discord."""
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DISCORD_BOT_TOKEN": fake.token, "DISCORD_API_BASE_URL": fake.api_base,
           **settings}
    exe = Path(sys.executable).with_name("recovery-bot")
    return await asyncio.create_subprocess_exec(str(exe), "run", "discord", env=env,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)


async def test_recovery_bot_run_discord(sessions: sessionmaker, engine: Engine) -> None:
    """`recovery-bot run discord` as an operator starts it: settings from the
    environment, logs on stderr (at DEBUG here) that hold no ids and no message text."""
    fake = FakeDiscord()
    await fake.start()
    proc = await run_discord(fake, engine, LOG_LEVEL="DEBUG")
    try:
        await fake.wait_identified(60)
        kit = fake.user("kit")
        since = len(fake.sent)
        await fake.send_dm(kit, "alcohol in Leeds please")
        results = _messages(await fake.settle(since, timeout=30))[-1]
        assert NEAR_LEEDS in results.content and "rc:d0" in results.custom_ids()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        await fake.close()
    logs = err.decode()
    assert proc.returncode == 0, logs
    assert "direct message" in logs
    assert kit.id not in logs and "Leeds" not in logs and fake.token not in logs
    check_discord_rules(fake)


def test_run_discord_without_a_token_says_what_to_do(engine: Engine) -> None:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DISCORD_BOT_TOKEN": ""}
    exe = Path(sys.executable).with_name("recovery-bot")
    out = subprocess.run([str(exe), "run", "discord"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert "DISCORD_BOT_TOKEN is not set" in out.stderr


# -- sharding: several processes share Discord's shards -----------------------------------

class _Recording:
    """The conversation, noting which process answered each message."""

    def __init__(self, conversation: Conversation, process: str, handled: list[str]) -> None:
        self.conversation, self.process, self.handled = conversation, process, handled

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.handled.append(self.process)
        return await self.conversation.handle(incoming)

    async def first_aid(self, incoming: Incoming) -> Reply | None:
        return await self.conversation.first_aid(incoming)

    def menu(self, role: str | None = None) -> tuple[str, ...]:
        return self.conversation.menu(role)


async def test_two_processes_split_the_shards(sessions: sessionmaker) -> None:
    """Process A serves shard 0 of 2 and B shard 1: each server's commands are answered
    once, by the process with that server's shard; DMs only by A (Discord sends them to
    shard 0 only), and a conversation moves between them through the database."""
    fake = FakeDiscord(with_guild=False)
    await fake.start()
    leeds = fake.add_guild("Leeds Recovery Café", shard=(0, 2))
    hull = fake.add_guild("Hull Recovery Café", shard=(1, 2))
    assert (shard_of(leeds, 2), shard_of(hull, 2)) == (0, 1)
    conversation = make_conversation(sessions)
    handled: list[str] = []
    processes = {name: DiscordAdapter(fake.token, sessions, api_base_url=fake.api_base,
                                      guild_ready_timeout=0.05, shard_count=2,
                                      shard_ids=[shard])
                 for name, shard in (("A", 0), ("B", 1))}
    tasks = []
    try:
        for name, adapter in processes.items():
            tasks.append(asyncio.create_task(
                adapter.start(_Recording(conversation, name, handled))))
            await adapter.wait_until_ready(15)
        assert fake.connected_shards() == [(0, 2), (1, 2)]
        # Only the process with shard 0 registers the commands.
        assert [r for r in fake.requests if r[0] == "PUT"] == \
            [("PUT", f"/applications/{fake.app_id}/commands")]

        kim = fake.user("kim")
        for guild, process in ((leeds, "A"), (hull, "B")):
            handled.clear()
            since = len(fake.sent)
            await fake.slash(kim, "help", guild=guild)
            (answer,) = _messages(await fake.settle(since, min_new=2))
            assert "/crisis" in answer.content and answer.ephemeral
            assert answer.channel_id == fake.general_channel(guild)
            assert handled == [process]

        handled.clear()
        since = len(fake.sent)
        await fake.send_dm(kim, "alcohol in Leeds please")
        replies = _messages(await fake.settle(since))
        assert NEAR_LEEDS in replies[-1].content and handled == ["A"]
        assert all(r.guild_id is None for r in replies)

        # /find in Hull's server (B), "Continue in DMs" (B copies the answer into a DM),
        # then a button in that DM: Discord sends it to shard 0, so A carries on.
        handled.clear()
        since = len(fake.sent)
        await fake.slash(kim, "find", guild=hull, need="gambling", place="Leeds")
        found = _messages(await fake.settle(since, min_new=3))[-1]
        since = len(fake.sent)
        await fake.press(kim, found, DM_ID)
        copy = next(s for s in await fake.settle(since, min_new=3) if s.kind == "message")
        assert copy.channel_id == fake.dm_channel(kim) and handled == ["B"]
        handled.clear()
        since = len(fake.sent)
        await fake.press(kim, copy, "rc:d0")
        (details,) = _messages(await fake.settle(since, min_new=2))
        assert details.guild_id is None and "rc:back" in details.custom_ids()
        assert handled == ["A"]
        assert fake.undelivered == []
    finally:
        for adapter, task in reversed(list(zip(processes.values(), tasks, strict=False))):
            await adapter.stop()
            await asyncio.wait_for(task, 10)
        await fake.close()
    check_discord_rules(fake)
    assert Route.BASE == "https://discord.com/api/v10"


async def test_recovery_bot_run_discord_serves_the_shards_it_is_given(
        sessions: sessionmaker, engine: Engine) -> None:
    """DISCORD_SHARD_COUNT=2 DISCORD_SHARD_IDS=0: this process answers DMs and the
    servers on shard 0; a server on shard 1 waits for the process that serves it."""
    fake = FakeDiscord(with_guild=False)
    await fake.start()
    ours = fake.add_guild("Ours", shard=(0, 2))
    theirs = fake.add_guild("Theirs", shard=(1, 2))
    proc = await run_discord(fake, engine, DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS="0")
    try:
        await fake.wait_identified(60)
        assert fake.connected_shards() == [(0, 2)]
        lou = fake.user("lou")
        since = len(fake.sent)
        await fake.slash(lou, "crisis", guild=theirs)
        await asyncio.sleep(1)
        assert fake.sent[since:] == []
        assert fake.undelivered == [("INTERACTION_CREATE", theirs)]
        await fake.slash(lou, "crisis", guild=ours)
        (answer,) = _messages(await fake.settle(since, min_new=2, timeout=30))
        assert "116 123" in answer.content and answer.ephemeral
        since = len(fake.sent)
        await fake.send_dm(lou, "hello")
        assert _messages(await fake.settle(since, min_new=2, timeout=30))
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        await fake.close()
    assert proc.returncode == 0, err.decode()
    assert "discord shards 0 of 2" in err.decode()
    check_discord_rules(fake)


@pytest.mark.parametrize("count, ids, problem", [
    ("2", "2", "there is no shard 2 when DISCORD_SHARD_COUNT=2 (shards are numbered 0 to 1)"),
    ("", "0,1", "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"),
    ("4", "0;1", "DISCORD_SHARD_IDS must be shard numbers separated by commas, like 0,1"),
    ("4", "1,1", "DISCORD_SHARD_IDS names shard 1 twice"),
    ("0", "", "DISCORD_SHARD_COUNT must be 1 or more"),
    ("two", "", "DISCORD_SHARD_COUNT: Input should be a valid integer"),
])
def test_run_discord_with_nonsense_shards_says_what_is_wrong(
        tmp_path: Path, count: str, ids: str, problem: str) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "DISCORD_BOT_TOKEN": "x",
           "DISCORD_SHARD_COUNT": count, "DISCORD_SHARD_IDS": ids}
    result = CliRunner().invoke(cli, ["run", "discord"], env=env)
    assert result.exit_code == 2, result.output
    assert problem in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # stopped before touching anything


def test_shard_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_SHARD_COUNT", raising=False)
    monkeypatch.delenv("DISCORD_SHARD_IDS", raising=False)
    unset = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (unset.discord_shard_count, unset.discord_shard_ids) == (None, None)
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", " 2, 3 ")
    some = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (some.discord_shard_count, some.discord_shard_ids) == (4, (2, 3))
    monkeypatch.setenv("DISCORD_SHARD_IDS", "")
    assert Settings(_env_file=None).discord_shard_ids is None  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="needs DISCORD_SHARD_COUNT"):
        DiscordAdapter("token", sessionmaker(), shard_ids=[0])
    with pytest.raises(ValueError, match="no shard 3"):
        DiscordAdapter("token", sessionmaker(), shard_count=3, shard_ids=[0, 3])
