"""Broadcasts and notifications in the language each person chose (issue 16, part 2):
dialogue tests through the real Conversation, delivered by the real worker and senders
to the fake Telegram Bot API server and the fake Discord, on SQLite and PostgreSQL.

- a subscriber gets a broadcast's version in the language they subscribed in (or
  switched to since), else the main text; a Discord announcement channel gets every
  version in one post, main first;
- a volunteer's or admin's notifications are written in their own language, whoever's
  turn caused them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
from dialogue import Chat
from discord.http import Route
from discord.utils import escape_markdown
from fake_discord import FakeDiscord
from sqlalchemy import MetaData, insert, select
from sqlalchemy.orm import sessionmaker
from test_broadcasts import Harness, h, person, write  # noqa: F401 - `h`: its fixture

from adapters.senders import DiscordSender
from bot import access
from bot.broadcasts import Limits, Worker, compose, store
from bot.catalogue import t
from bot.outbox import Notification
from directory.db import make_engine, upgrade

LEEDS_ORG = "demo-leeds-recovery-community"
LEEDS_CAFE = "demo-leeds-recovery-cafe"
CAFE = "Leeds Recovery Café (example)"

ENGLISH = "Recovery picnic in Roundhay Park, Saturday 12:00. Bring a friend!"
WELSH = "Picnic adfer ym Mharc Roundhay, dydd Sadwrn 12:00. Dere â ffrind!"


async def subscribe(chat: Chat, user: str, language: str) -> Chat:
    """Someone who subscribes by the dialogue, in `language` ("cy": after /iaith)."""
    someone = person(chat, user)
    if language == "cy":
        await someone.say("/iaith cymraeg")
        someone.expect("Cymraeg")
    await someone.say("/subscribe")
    await someone.tap(t("bc_b_subscribe", language))
    someone.expect(t("bc_subscribed", language, summary="").split(":")[0])
    return someone


def texts(harness: Harness, user: str) -> list[str]:
    """What the fake Telegram server got for this user, in order."""
    return harness.tg.texts(int(user))


async def test_each_subscriber_gets_the_version_in_their_language(
        h: Harness) -> None:  # noqa: F811
    await subscribe(h.chat, "5001", "cy")
    await subscribe(h.chat, "5002", "en")
    assert {s.user_id: s.language for s in _subs(h.sessions)} == {"5001": "cy", "5002": "en"}
    admin = person(h.chat, "9", admin=True)
    await write(admin, ENGLISH)
    await admin.tap("Everyone (2)")
    admin.expect("Send to 2 people", f'English: "{ENGLISH[:40]}…" (main text)')
    await admin.tap("Add a Welsh version")
    admin.expect("Language: Welsh")
    await admin.say(WELSH)
    admin.expect("exactly what people who chose Welsh will get")
    assert admin.replies[1].text == compose(WELSH, "cy")  # the Welsh footer too
    # The summary shows both versions, and the audience is still the one chosen.
    admin.expect("Send to 2 people", f'English: "{ENGLISH[:40]}…" (main text)',
                 f'Welsh: "{WELSH[:40]}…"')
    admin.expect_button("Change the Welsh version")
    admin.expect_no_button("Add a Welsh version")
    await admin.tap("Send now to 2")
    admin.expect("on its way to 2 people")
    await h.worker.drain("telegram")
    assert texts(h, "5001") == [compose(WELSH, "cy")]
    assert texts(h, "5002") == [compose(ENGLISH, "en")]
    assert texts(h, "5001")[0].endswith(t("bc_footer", "cy"))


async def test_without_a_welsh_version_a_welsh_subscriber_gets_the_main_text(
        h: Harness) -> None:  # noqa: F811
    await subscribe(h.chat, "5101", "cy")
    admin = person(h.chat, "9", admin=True)
    await write(admin, "Quiz night at the Hub, Friday 19:00")
    await admin.tap("Everyone (1)")
    await admin.tap("Send now to 1")
    await h.worker.drain("telegram")
    assert texts(h, "5101") == [compose("Quiz night at the Hub, Friday 19:00", "en")]


async def test_the_version_follows_a_language_switch_before_a_scheduled_send(
        h: Harness) -> None:  # noqa: F811
    """The version is chosen as the row is sent: someone who switches with /language
    after a broadcast was scheduled gets it in the language they chose."""
    sam = await subscribe(h.chat, "5201", "en")
    admin = person(h.chat, "9", admin=True)
    await write(admin, ENGLISH)
    await admin.tap("Everyone (1)")
    await admin.tap("Add a Welsh version")
    await admin.say(WELSH)
    await admin.tap("Schedule")
    await admin.say("in 2 hours")
    admin.expect("will go to 1 people")
    await sam.say("/iaith cymraeg")
    assert _subs(h.sessions)[0].language == "cy"
    h.chat.clock.advance(hours=2, minutes=1)
    await h.worker.drain("telegram")
    assert texts(h, "5201") == [compose(WELSH, "cy")]


async def test_a_welsh_speaking_admin_writes_in_welsh_and_adds_english(
        h: Harness) -> None:  # noqa: F811
    await subscribe(h.chat, "5301", "cy")
    await subscribe(h.chat, "5302", "en")
    admin = person(h.chat, "9", admin=True)
    await admin.say("/iaith cymraeg")
    await admin.say("/broadcast")
    admin.expect(t("bc_write", "cy"))
    await admin.say(WELSH)
    assert admin.replies[1].text == compose(WELSH, "cy")
    await admin.tap(t("bc_b_everyone", "cy", n=2))
    english = t("lang_en", "cy")  # "Saesneg"
    await admin.tap(t("bc_b_add_version", "cy", language=english))
    await admin.say(ENGLISH)
    admin.expect(t("bc_version_main", "cy"), f"{english}: \"{ENGLISH[:40]}")
    await admin.tap(t("bc_b_now", "cy", n=2))
    await h.worker.drain("telegram")
    assert texts(h, "5301") == [compose(WELSH, "cy")]
    assert texts(h, "5302") == [compose(ENGLISH, "en")]
    with h.sessions() as s:
        row = s.scalars(select(store.Broadcast)).one()
        assert (row.language, list(row.translations)) == ("cy", ["en"])


async def test_a_version_too_long_is_refused_and_back_leaves_none(chat: Chat) -> None:
    await subscribe(chat, "5401", "cy")
    admin = person(chat, "9", admin=True)
    await write(admin, "Short news")
    await admin.tap("Everyone (1)")
    await admin.tap("Add a Welsh version")
    await admin.say("_a_ " * 490)
    admin.expect("too long for Discord")
    await admin.tap("Cancel")
    admin.expect("Nothing was sent")
    with chat.sessions() as s:
        assert s.scalars(select(store.Broadcast)).all() == []
    await write(admin, "Short news")
    await admin.tap("Everyone (1)")
    await admin.tap("Add a Welsh version")
    await admin.tap("Back")
    admin.expect("Send to 1 people")
    admin.expect_not("Welsh:")
    admin.expect_button("Add a Welsh version")


async def test_an_announcement_channel_gets_every_version_in_one_post(
        chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(Route, "BASE", fake.api_base)  # process-wide: put back after
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(fake.token)
        news = fake.add_channel("news")
        cymro = fake.user("cymro")
        with chat.sessions() as s:
            store.set_announcement_channel(s, fake.guild_id, news, chat.clock())
            store.subscribe(s, "discord", cymro.id, chat.clock(), language="cy")
            s.commit()
        admin = person(chat, "9", admin=True)
        await write(admin, ENGLISH)
        await admin.tap("Everyone (1)")
        await admin.tap("Add a Welsh version")
        await admin.say(WELSH)
        await admin.tap("Send now to 2")
        worker = Worker(chat.sessions, {"discord": DiscordSender(lambda: client,
                                                                 chat.sessions)},
                        clock=chat.clock,
                        limits={"discord": Limits(rate=50, per_chat_interval=0.0)})
        await worker.drain("discord")
        (posted,) = fake.channel_messages(news)
        english_at, welsh_at = posted.content.find("Recovery picnic"), \
            posted.content.find("Mharc Roundhay")
        assert 0 == english_at < welsh_at  # main first, then the Welsh
        assert escape_markdown(t("bc_channel_footer", "en")) in posted.content
        assert escape_markdown(t("bc_channel_footer", "cy")) in posted.content
        assert "/unsubscribe" not in posted.content  # nobody there subscribed
        dm = [m for m in fake.sent if m.kind == "message" and m.channel_id != news]
        assert [m.content for m in dm] == [escape_markdown(compose(WELSH, "cy"))]
        assert fake.unhandled == [] and fake.rejected == []
    finally:
        await client.close()
        await fake.close()


# -- notifications to volunteers and admins ----------------------------------------------


async def _invite(admin: Chat) -> str:
    await admin.say(f"/invite {LEEDS_ORG}")
    code = next(w for w in admin.text.split() if len(w) == 9 and w[4] == "-")
    return code.strip(".,:")


async def _propose_phone(volunteer: Chat, language: str) -> None:
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(t("v_f_phone", language))
    await volunteer.say("0113 496 0000")
    await volunteer.tap(t("v_b_confirm", language))
    volunteer.expect(t("v_pending", language)[:20])


async def test_a_welsh_volunteer_is_told_of_a_review_in_welsh(h: Harness) -> None:  # noqa: F811
    """The volunteer joined in Welsh: the review decision reaches them in Welsh, though
    the admin who decided speaks English; the admin's own notice, made during the
    volunteer's Welsh turn, is in English."""
    admin = person(h.chat, "9", admin=True)
    volunteer = person(h.chat, "6001")
    await volunteer.say("/iaith cymraeg")
    await volunteer.say(f"/volunteer {await _invite(admin)}")
    volunteer.expect("Croeso")
    await _propose_phone(volunteer, "cy")
    await admin.say("/review")
    await admin.tap("Approve")
    admin.expect("Approved")
    await h.worker.drain("telegram")
    assert texts(h, "6001")[-1] == t("v_n_approved", "cy", name=CAFE)
    assert t("v_n_review", "en", name=CAFE) in texts(h, "9")


async def test_a_volunteer_who_switches_to_welsh_gets_notifications_in_welsh(
        h: Harness) -> None:  # noqa: F811
    admin = person(h.chat, "9", admin=True)
    volunteer = person(h.chat, "6101")
    await volunteer.say(f"/volunteer {await _invite(admin)}")
    volunteer.expect("Welcome")
    await _propose_phone(volunteer, "en")
    await volunteer.say("/language cymraeg")
    await admin.say("/review")
    await admin.tap("Reject")
    await admin.say("That's the council's number")
    await h.worker.drain("telegram")
    assert texts(h, "6101")[-1] == t("v_n_rejected", "cy", name=CAFE,
                                     reason="That's the council's number")
    with h.sessions() as s:  # the switch is kept on the person, not only the chat
        assert {p.language for p in s.scalars(select(access.Person))
                .all() if not p.is_admin} == {"cy"}
        assert s.scalars(select(Notification).where(Notification.sent_at.is_(None))
                         ).all() == []


# -- the migration -----------------------------------------------------------------------


def test_0014_makes_existing_rows_english(tmp_path: Path) -> None:
    """Subscriptions, broadcasts and people from before 0014 are English, as everything
    was: their language columns are filled in, and a broadcast has no other versions."""
    engine = make_engine(f"sqlite:///{tmp_path / 'steps.sqlite3'}")
    upgrade(engine, "0013")
    meta = MetaData()
    meta.reflect(engine, only=["subscription", "broadcast", "person"])
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(meta.tables["subscription"]).values(
            platform="telegram", user_id="1", topics=[], created_at=at))
        conn.execute(insert(meta.tables["broadcast"]).values(
            text="Old news", created_at=at, status="queued", audience={}, recipients=0))
        conn.execute(insert(meta.tables["person"]).values(
            is_admin=False, trusted=False, created_at=at))
    upgrade(engine, "0014")
    with sessionmaker(engine)() as s:
        assert s.scalars(select(store.Subscription.language)).all() == ["en"]
        assert s.execute(select(store.Broadcast.language, store.Broadcast.translations)
                         ).all() == [("en", {})]
        assert s.scalars(select(access.Person.language)).all() == ["en"]
    engine.dispose()


def _subs(sessions: sessionmaker) -> list[store.Subscription]:
    with sessions() as s:
        return list(s.scalars(select(store.Subscription).order_by(store.Subscription.id)))
