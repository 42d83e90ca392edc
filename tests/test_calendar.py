""""Add to calendar" (bot/reminders/calendar.py, calendar_feature.py): the iCalendar file
read back by a second, separate parser (vobject, which expands the rule with
python-dateutil and reads our VTIMEZONE into its own time zone), its meetings checked
against directory/schedule.py's, across the clocks changing; pauses, discretion; and the
file through the conversation, Telegram, Discord and the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest
import vobject
from dialogue import Chat, Clock, make_conversation
from fake_discord import FakeDiscord
from fake_telegram import FakeTelegram
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from adapters.discord_adapter import DiscordAdapter
from adapters.telegram import TelegramAdapter
from adapters.terminal import TerminalAdapter
from bot.catalogue import t
from bot.reminders.calendar import (
    MIN_MEETINGS,
    TZID,
    calendar_attachment,
    calendar_file,
    offers_file,
    reopening_date,
)
from bot.types import Attachment, Reply
from directory.models import Listing, Organisation
from directory.schedule import LONDON, Schedule, next_occurrence

LEEDS = (53.7997, -1.5492)


# -- listings, and what directory/schedule.py says of them ----------------------------------

def listing(kind: str = "weekly", days: tuple[int, ...] = (1,), *, weeks: tuple[int, ...] = (),
            anchor: date | None = None, start: time | None = time(19, 30),
            end: time | None = time(21, 0), listing_id: int = 42, **kw: Any) -> Listing:
    """A listing as the directory holds it (not saved: the file needs no database)."""
    org = Organisation(slug="aa-gb", kind="fellowship", name="Alcoholics Anonymous")
    values: dict[str, Any] = {
        "id": listing_id, "slug": "aa-leeds-tuesday", "name": "AA Leeds Tuesday",
        "organisation": org, "schedule_kind": kind, "days": list(days),
        "month_weeks": list(weeks), "anchor_date": anchor, "start_time": start,
        "end_time": end, "attendance": "in_person", "venue_name": "Recovery Hub",
        "address": "1 Example Street, Leeds", "postcode": "LS1 5DL", "status": "active",
        "status_note": None, "version": 3, "translations": {}}
    values.update(kw)
    return Listing(**values)


def schedule_of(row: Listing) -> Schedule:
    return Schedule(row.schedule_kind, tuple(row.days), tuple(row.month_weeks),
                    row.anchor_date, row.start_time, row.end_time)


def length(s: Schedule) -> timedelta:
    if s.end is None or s.start is None:
        return timedelta(hours=1)
    minutes = (s.end.hour * 60 + s.end.minute) - (s.start.hour * 60 + s.start.minute)
    return timedelta(minutes=minutes % (24 * 60))


def schedule_next(s: Schedule, now: datetime, n: int = 5) -> list[datetime]:
    """The next n meetings as directory.schedule.next_occurrence gives them, one after
    another (each asked for from the end of the one before)."""
    out: list[datetime] = []
    while len(out) < n:
        nxt = next_occurrence(s, now)
        assert nxt is not None
        out.append(nxt)
        now = nxt + length(s)
    return out


# -- the file, read by the second parser ------------------------------------------------------

@dataclass
class Parsed:
    event: Any  # vobject's VEVENT
    starts: list[datetime]  # every meeting the rule, with its exceptions, gives

    def value(self, name: str) -> str | None:
        prop = getattr(self.event, name, None)
        return None if prop is None else prop.value


def file_zone(data: bytes) -> tzinfo:
    """The time zone the file's VTIMEZONE defines, as dateutil reads it (tzical)."""
    (zone,) = vobject.readOne(data.decode("utf-8")).vtimezone_list
    return zone.gettzinfo()


def parse(data: bytes) -> Parsed:
    # vobject keeps the first time zone it met for a TZID for ever (a module-wide
    # registry): register this file's own, so its times are read in it.
    vobject.icalendar.registerTzid(TZID, file_zone(data))
    cal = vobject.readOne(data.decode("utf-8"))
    (event,) = cal.vevent_list
    # dateutil's rruleset: the RRULE from DTSTART, EXDATEs taken out, in the time zone
    # read from our VTIMEZONE (not Python's zoneinfo).
    return Parsed(event, list(event.getrruleset(addRDate=True)))


# The clocks change on these Sundays (Europe/London).
CHANGES = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
SCHEDULES = {
    "weekly Tuesday": dict(kind="weekly", days=(1,)),
    "weekly Monday and Thursday": dict(kind="weekly", days=(0, 3)),
    "fortnightly Thursday": dict(kind="fortnightly", days=(3,), anchor=date(2026, 11, 5),
                                 start=time(18, 30), end=time(20, 0)),
    # Anchored on a Thursday: that Thursday and the Monday four days after, then a week
    # off (directory/schedule.py counts fortnights from the anchor's weekday).
    "fortnightly Monday and Thursday": dict(kind="fortnightly", days=(0, 3),
                                            anchor=date(2026, 11, 5)),
    "2nd Monday": dict(kind="monthly", days=(0,), weeks=(2,), start=time(11, 0),
                       end=None),
    "last Friday": dict(kind="monthly", days=(4,), weeks=(-1,), start=time(19, 0),
                        end=time(20, 30)),
    "1st and 3rd Wednesday": dict(kind="monthly", days=(2,), weeks=(1, 3)),
    "late, past midnight": dict(kind="weekly", days=(5,), start=time(23, 30),
                                end=time(0, 30)),
}


@pytest.mark.parametrize("change", CHANGES, ids=str)
@pytest.mark.parametrize("name", list(SCHEDULES))
def test_the_next_five_meetings_are_the_schedules_across_the_clocks_changing(
        name: str, change: date) -> None:
    row = listing(**SCHEDULES[name])
    s = schedule_of(row)
    # Far enough before the change that five meetings span it.
    before = 45 if row.schedule_kind == "monthly" else 14
    now = datetime.combine(change - timedelta(days=before), time(12, 0), LONDON)
    expected = schedule_next(s, now)
    assert len({m.utcoffset() for m in expected}) == 2, "the five do not span the change"

    parsed = parse(calendar_file(row, title="meeting", now=now, lang="en"))

    assert parsed.starts[:5] == expected  # the same instants...
    for start in parsed.starts[:5]:  # ...at the same London wall-clock time
        assert start.astimezone(LONDON).time() == s.start
        assert start.tzinfo is not None
    assert parsed.value("dtstart") == expected[0]
    assert parsed.value("dtend") - parsed.value("dtstart") == length(s)
    # Beyond the five too: everything the file gives is a meeting of the schedule.
    assert parsed.starts == schedule_next(s, now, len(parsed.starts))


def test_the_rule_ends_after_12_weeks_or_six_meetings() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
    weekly = parse(calendar_file(listing("weekly", (1,)), title="meeting", now=now,
                                 lang="en"))
    assert len(weekly.starts) == 12  # Tuesdays from 24 November, for 12 weeks
    assert weekly.starts[-1].date() == date(2027, 2, 9)
    # RFC 5545 3.3.10: in UTC, since DTSTART has a time zone; the end of 15 February.
    assert "UNTIL=20270215T235959Z" in weekly.event.rrule.value
    monthly = parse(calendar_file(listing("monthly", (0,), weeks=(2,)), title="meeting",
                                  now=now, lang="en"))
    assert len(monthly.starts) == MIN_MEETINGS  # half a year, not two or three dates
    assert monthly.starts[0].date() == date(2026, 12, 14)


def test_the_time_zone_in_the_file_is_london_in_every_hour_of_five_years() -> None:
    """vobject reads our VTIMEZONE into its own tzinfo: it must agree with the tz
    database on every hour, the hours the clocks change included."""
    now = datetime(2026, 1, 1, 12, 0, tzinfo=LONDON)
    theirs = file_zone(calendar_file(listing(), title="meeting", now=now, lang="en"))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    while at < datetime(2031, 1, 1, tzinfo=UTC):
        assert at.astimezone(theirs).utcoffset() == at.astimezone(LONDON).utcoffset(), at
        assert at.astimezone(theirs).replace(tzinfo=None) == \
            at.astimezone(LONDON).replace(tzinfo=None), at
        at += timedelta(minutes=30)


# -- pauses ---------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)  # a Monday


def test_a_paused_listing_leaves_out_the_meetings_until_its_note_says() -> None:
    row = listing("weekly", (0, 3), status="temporarily_closed",
                  status_note="Hall being repaired: closed until 14 December")
    data = calendar_file(row, title="meeting", now=NOW, lang="en")
    parsed = parse(data)
    excluded = [d.astimezone(LONDON).date() for line in parsed.event.contents["exdate"]
                for d in line.value]
    assert excluded == [date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 30),
                        date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 10)]
    assert parsed.starts[0] == datetime(2026, 12, 14, 19, 30, tzinfo=LONDON)
    reopened = datetime(2026, 12, 14, 12, 0, tzinfo=LONDON)
    assert parsed.starts[:5] == schedule_next(schedule_of(row), reopened)
    # Six meetings one can go to at least, after the pause.
    assert len(parsed.starts) >= MIN_MEETINGS


def test_a_pause_with_no_date_leaves_out_the_next_meeting_only() -> None:
    for note in (None, "Closed for now", "Closed from 3 March"):
        row = listing("weekly", (0, 3), status="temporarily_closed", status_note=note)
        parsed = parse(calendar_file(row, title="meeting", now=NOW, lang="en"))
        (exdate,) = [d for line in parsed.event.contents["exdate"] for d in line.value]
        assert exdate == datetime(2026, 11, 23, 19, 30, tzinfo=LONDON), note
        assert parsed.starts[0] == datetime(2026, 11, 26, 19, 30, tzinfo=LONDON), note
    active = parse(calendar_file(listing("weekly", (0, 3)), title="meeting", now=NOW,
                                 lang="en"))
    assert "exdate" not in active.event.contents


@pytest.mark.parametrize(("note", "reopens"), [
    ("Closed until 14 December", date(2026, 12, 14)),
    ("closed till the 3rd of January", date(2027, 1, 3)),
    ("Venue works - reopens 2027-01-11", date(2027, 1, 11)),
    ("Back on Tuesday 5th January 2027", date(2027, 1, 5)),
    ("Closed until 3/2/2027", date(2027, 2, 3)),
    ("closed until March", date(2027, 3, 1)),
    ("closed until the end of January", date(2027, 2, 1)),
    ("Ar gau tan 14 Ionawr", date(2027, 1, 14)),
    ("Closed 1 Dec, back on 8 Dec, then closed until 5 January", date(2027, 1, 5)),
    ("Closed until 14 November 2026", None),  # over already: a stale note
    ("Open 24/7 online; hall closed from 3 March", None),
    ("Closed while the hall is repaired", None),
    ("until 31/02/2027", None),
])
def test_the_reopening_date_in_a_note(note: str, reopens: date | None) -> None:
    assert reopening_date(note, NOW.date()) == reopens


# -- discretion, and what the file never holds ------------------------------------------------

def test_by_default_the_entry_says_only_meeting() -> None:
    row = listing()
    data = calendar_file(row, title="meeting", now=NOW, lang="en")
    parsed = parse(data)
    assert parsed.value("summary") == "Meeting"
    assert parsed.value("description") is None
    # The address, without the venue's name (a venue can be called "Recovery Hub").
    assert parsed.value("location") == "1 Example Street, Leeds, LS1 5DL"
    text = data.decode().casefold()
    for word in ("recovery", "alcoholics", "aa leeds", "aa-leeds", "tuesday"):
        assert word not in text, word
    for prop in ("attendee", "organizer", "contact"):
        assert prop not in parsed.event.contents
    file = calendar_attachment(row, title="meeting", now=NOW, lang="en")
    assert (file.filename, file.mime) == ("meeting.ics", "text/calendar")
    welsh = calendar_attachment(row, title="meeting", now=NOW, lang="cy")
    assert welsh.filename == "cyfarfod.ics"
    assert parse(welsh.data).value("summary") == "Cyfarfod"


def test_its_name_only_when_chosen_in_the_conversations_language() -> None:
    row = listing(translations={"cy": {"name": "AA Leeds dydd Mawrth"}})
    named = parse(calendar_file(row, title="name", now=NOW, lang="en"))
    assert named.value("summary") == "AA Leeds Tuesday"
    assert named.value("location") == "Recovery Hub, 1 Example Street, Leeds, LS1 5DL"
    assert named.value("description") == "Alcoholics Anonymous"
    welsh = parse(calendar_file(row, title="name", now=NOW, lang="cy"))
    assert welsh.value("summary") == "AA Leeds dydd Mawrth"
    assert calendar_attachment(row, title="name", now=NOW, lang="en").filename == \
        "aa-leeds-tuesday.ics"


def test_online_meetings_give_the_join_link_where_lock_screens_do_not_show_it() -> None:
    row = listing(attendance="online", online_url="https://zoom.us/j/123", venue_name=None,
                  address=None, postcode=None)
    plain = parse(calendar_file(row, title="meeting", now=NOW, lang="en"))
    assert plain.value("url") == "https://zoom.us/j/123"
    assert plain.value("location") is None
    named = parse(calendar_file(row, title="name", now=NOW, lang="en"))
    assert named.value("location") == "https://zoom.us/j/123"


def test_the_uid_is_the_listings_whoever_asks_and_whenever() -> None:
    def uid(row: Listing, title: str, now: datetime) -> str:
        return parse(calendar_file(row, title=title, now=now, lang="en")).value("uid")

    first = uid(listing(), "meeting", NOW)
    assert first == uid(listing(), "name", NOW + timedelta(days=30))
    assert first != uid(listing(listing_id=43), "meeting", NOW)
    # A name-based UUID (RFC 9562 version 5): nothing to read in it.
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", first)


@pytest.mark.parametrize("row", [
    listing("appointment", ()), listing("always_open", ()), listing("weekly", ()),
    listing("weekly", (1,), start=None), listing("fortnightly", (1,), anchor=None),
    listing(status="closed"),
], ids=["appointment", "always open", "no days", "no start time", "no fortnight anchor",
        "closed"])
def test_no_file_for_what_a_calendar_rule_cannot_say(row: Listing) -> None:
    assert not offers_file(row)
    with pytest.raises(ValueError, match="aa-leeds-tuesday"):
        calendar_file(row, title="meeting", now=NOW, lang="en")


def test_the_reply_journal_keeps_the_file() -> None:
    file = Attachment("meeting.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n\x00\xff")
    reply = Reply("Here", attachment=file)
    kept = json.loads(json.dumps(reply.to_json()))
    assert Reply.from_json(kept) == reply
    assert Reply.from_json(json.loads(json.dumps(Reply("x").to_json()))).attachment is None
    # A journal written before attachments existed still reads.
    old = Reply("x").to_json()
    del old["attachment"]
    assert Reply.from_json(old) == Reply("x")


# -- the conversation -------------------------------------------------------------------------

async def open_leeds_aa(chat: Chat) -> None:
    await chat.say("alcohol Leeds")
    names = chat.results()
    await chat.open_result(names.index("Leeds AA meeting (example)") + 1)
    chat.expect("Leeds AA meeting (example)")


async def test_details_add_to_calendar_just_meeting(chat: Chat) -> None:
    await open_leeds_aa(chat)
    await chat.tap(t("b_cal_add"))
    chat.expect(t("cal_ask"))
    assert chat.buttons == [t("b_cal_plain"), t("b_cal_name")]
    await chat.tap(t("b_cal_plain"))
    (reply,) = chat.replies
    chat.expect(t("cal_ready"))
    file = reply.attachment
    assert file is not None
    assert (file.filename, file.mime) == ("meeting.ics", "text/calendar")
    parsed = parse(file.data)
    assert parsed.value("summary") == "Meeting"
    with chat.sessions() as session:
        row = session.scalars(select(Listing).where(Listing.slug == "demo-leeds-aa")).one()
        assert parsed.starts[:5] == schedule_next(schedule_of(row), chat.clock.now)
    # Still at the details: back to the results from here.
    await chat.tap(t("b_back"))
    assert "Leeds AA meeting (example)" in chat.results()


async def test_use_its_name_in_welsh(chat: Chat) -> None:
    await chat.say("/iaith")
    await chat.tap("Cymraeg")
    await chat.say("alcohol Leeds")
    await chat.open_result(1)
    await chat.tap(t("b_cal_add", "cy"))
    await chat.tap(t("b_cal_name", "cy"))
    chat.expect(t("cal_ready", "cy"))
    file = chat.replies[0].attachment
    assert file is not None and file.filename.endswith(".ics")
    assert file.filename != "cyfarfod.ics"  # named for the listing, as chosen
    with chat.sessions() as session:
        names = {name for row in session.scalars(select(Listing))
                 for name in (row.name, (row.translations or {}).get("cy", {}).get("name"))}
    assert parse(file.data).value("summary") in names


async def test_no_button_by_appointment_and_a_stale_button_is_answered(chat: Chat) -> None:
    await open_leeds_aa(chat)
    add = chat.button(t("b_cal_add")).payload
    with chat.sessions() as session:
        row = session.scalars(select(Listing).where(Listing.slug == "demo-leeds-aa")).one()
        row.schedule_kind = "appointment"  # a volunteer's edit since
        session.commit()
    await chat.press(add)  # the button on the screen from before
    chat.expect(t("cal_gone"))
    assert chat.replies[0].attachment is None
    await open_leeds_aa(chat)
    chat.expect_no_button(t("b_cal_add"))


# -- the platforms ----------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def telegram(fake: FakeTelegram, sessions: sessionmaker) -> AsyncIterator[None]:
    adapter = TelegramAdapter(fake.token, sessions, api_base_url=fake.url, poll_timeout=1,
                              per_chat_interval=0.02)
    task = asyncio.create_task(adapter.start(make_conversation(sessions, clock=Clock())))
    await asyncio.wait_for(adapter.started.wait(), 15)
    try:
        yield
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 15)


async def test_telegram_sends_the_file_as_a_document(demo_sessions: sessionmaker) -> None:
    async with FakeTelegram() as tg, telegram(tg, demo_sessions):
        await tg.send_text("alcohol Leeds")
        await tg.wait_for(lambda: "1" in tg.inline_labels())
        await tg.press("1")
        await tg.wait_for(lambda: t("b_cal_add") in tg.inline_labels())
        await tg.press(t("b_cal_add"))
        await tg.wait_for(lambda: t("b_cal_plain") in tg.inline_labels())
        await tg.press(t("b_cal_plain"))
        await tg.wait_for(lambda: bool(tg.documents()))
        (upload,) = tg.documents()
        assert upload.filename == "meeting.ics"
        assert upload.content_type == "text/calendar"
        assert parse(upload.data).value("summary") == "Meeting"
        # The text first, then the file.
        last = tg.messages()[-2:]
        assert t("cal_ready") in last[0]["text"]
        assert last[1]["document"]["mime_type"] == "text/calendar"


async def test_discord_sends_the_file_as_an_attachment(demo_sessions: sessionmaker) -> None:
    fake = FakeDiscord()
    await fake.start()
    adapter = DiscordAdapter(fake.token, demo_sessions, api_base_url=fake.api_base,
                             guild_ready_timeout=0.05)
    task = asyncio.create_task(adapter.start(make_conversation(demo_sessions, clock=Clock())))
    try:
        await adapter.wait_until_ready(15)
        alex = fake.user("alex")

        async def press(sent: Any, custom_id: str) -> Any:
            since = len(fake.sent)
            await fake.press(alex, sent, custom_id)
            return [s for s in await fake.settle(since, min_new=2) if s.is_message]

        since = len(fake.sent)
        await fake.send_dm(alex, "alcohol Leeds")
        (results,) = [s for s in await fake.settle(since) if s.is_message]
        (details,) = await press(results, "rc:d0")
        add = details.buttons()[t("b_cal_add")]
        (ask,) = await press(details, add)
        (ready,) = await press(ask, ask.buttons()[t("b_cal_plain")])
        assert t("cal_ready").split(":")[0] in ready.content
        (upload,) = ready.files
        assert upload.filename == "meeting.ics"
        assert parse(upload.data).value("summary") == "Meeting"
        message = fake.messages[ready.message_id]
        assert [a["filename"] for a in message["attachments"]] == ["meeting.ics"]
        assert fake.rejected == [] and fake.unhandled == []
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 10)
        await fake.close()


class Script(io.StringIO):
    """Typed lines, each decided when the terminal reads it (from what it has shown)."""

    def __init__(self, shown: io.StringIO,
                 lines: list[str | Callable[[str], str]]) -> None:
        super().__init__()
        self.shown = shown
        self.lines = list(lines)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        return (line if isinstance(line, str) else line(self.shown.getvalue())) + "\n"


def number_of(label: str) -> Callable[[str], str]:
    return lambda shown: re.findall(rf"\[(\d+)\] {re.escape(label)}", shown)[-1]


async def test_the_terminal_saves_the_file_in_the_current_directory(
        demo_sessions: sessionmaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "meeting.ics").write_text("someone else's")  # never written over
    stdout = io.StringIO()
    script = Script(stdout, ["alcohol Leeds", "1", number_of(t("b_cal_add")),
                             number_of(t("b_cal_plain"))])
    adapter = TerminalAdapter(user="tester", stdin=script, stdout=stdout, interactive=False)
    await adapter.start(make_conversation(demo_sessions, clock=Clock()))
    out = stdout.getvalue()
    saved = tmp_path / "meeting-2.ics"
    assert t("term_saved", path=saved) in out
    assert parse(saved.read_bytes()).value("summary") == "Meeting"
    assert (tmp_path / "meeting.ics").read_text() == "someone else's"
