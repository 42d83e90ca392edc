"""Meeting reminders (issue 19): "Remind me" under a meeting's details, /reminders, the
messages arriving through the delivery worker and the real python-telegram-bot client
against the fake Bot API server (as tests/test_broadcasts.py), changes to the meeting,
/forget, the 12-week end, and no reminder sent twice across a worker that died - on
SQLite and PostgreSQL, with the dialogue's fixed clock (tests/dialogue.py: Monday 23
November 2026, 12:00 in London; Leeds AA (example) meets Mondays and Thursdays 19:30).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from dialogue import Chat, Clock
from fake_telegram_limited import LimitedTelegram
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from adapters.senders import TelegramSender
from adapters.wiring import standard_queues
from bot.broadcasts import Limits, Worker
from bot.reminders import ReminderQueue, store
from directory.models import Listing
from directory.schedule import LONDON

USER = 5001
LEEDS_AA = "Leeds AA meeting (example)"


def person(chat: Chat, user: int = USER) -> Chat:
    return Chat(chat.sessions, chat.clock, str(user), "telegram")


async def open_leeds_aa(chat: Chat) -> None:
    await chat.say("alcohol in Leeds")
    await chat.open_result(chat.results().index(LEEDS_AA) + 1)
    chat.expect(LEEDS_AA, "Mondays and Thursdays")


async def remind(chat: Chat, choice: str) -> None:
    await open_leeds_aa(chat)
    await chat.tap("Remind me")
    chat.expect("When shall I remind you?", "the next meeting is today 19:30")
    await chat.tap(choice)
    chat.expect("Done", "/reminders")


def listing_id(sessions: sessionmaker, name: str = LEEDS_AA) -> int:
    with sessions() as s:
        return s.scalar(select(Listing.id).where(Listing.name == name))


def reminder_rows(sessions: sessionmaker) -> list[store.Reminder]:
    with sessions() as s:
        return list(s.scalars(select(store.Reminder).order_by(store.Reminder.id)))


def send_rows(sessions: sessionmaker) -> list[store.ReminderSend]:
    with sessions() as s:
        return list(s.scalars(select(store.ReminderSend).order_by(store.ReminderSend.id)))


def change_listing(sessions: sessionmaker, **values: object) -> None:
    """A volunteer's edit, as the directory records it (the listing's change stamp)."""
    with sessions() as s:
        row = s.scalar(select(Listing).where(Listing.name == LEEDS_AA))
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        s.commit()


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), LONDON)


class Harness:
    """The delivery worker as `recovery-bot run` builds it (adapters/wiring.py
    `standard_queues`), sending to the fake Bot API with the real client."""

    def __init__(self, tg: LimitedTelegram, sessions: sessionmaker, clock: Clock) -> None:
        self.tg, self.sessions, self.clock = tg, sessions, clock
        self.sender, self.bot = TelegramSender.standalone(tg.token, tg.url, sessions)
        self.worker = self.new_worker()

    def new_worker(self, name: str | None = None) -> Worker:
        queues = standard_queues()
        for q in queues:
            assert isinstance(q, ReminderQueue)
            q.plan_every = 0.0  # the test's clock jumps: plan on every pass
        return Worker(self.sessions, {"telegram": self.sender}, clock=self.clock,
                      limits={"telegram": Limits(rate=50, per_chat_interval=0.0)},
                      lease=timedelta(seconds=60), queues=queues, name=name,
                      notifications=False)

    async def run_until(self, when: datetime) -> None:
        """Move the clock to `when` and deliver everything due by then."""
        self.clock.now = when
        await self.worker.drain("telegram")

    def texts(self, user: int = USER) -> list[str]:
        return self.tg.texts(user)

    def venues(self, user: int = USER) -> list[dict]:
        return [m["venue"] for m in self.tg.messages(user) if "venue" in m]


@pytest.fixture
async def h(chat: Chat):  # type: ignore[no-untyped-def]
    async with LimitedTelegram(per_second=0) as tg:
        harness = Harness(tg, chat.sessions, chat.clock)
        async with harness.bot:  # type: ignore[attr-defined]
            yield harness


# -- setting, listing, stopping ---------------------------------------------------------------


async def test_remind_me_is_offered_where_reminders_can_reach_the_person(chat: Chat) -> None:
    await open_leeds_aa(chat)  # the "test" platform: nothing could deliver a reminder
    chat.expect_no_button("Remind me")
    sam = person(chat)
    await open_leeds_aa(sam)
    sam.expect_button("Remind me", "Add to calendar", "Back to results")


async def test_set_list_and_stop(chat: Chat) -> None:
    sam = person(chat)
    await remind(sam, "1 hour before")
    sam.expect(f"Done: {LEEDS_AA} - I'll remind you an hour before the next meeting",
               "The first reminder comes today 18:30")
    [row] = reminder_rows(chat.sessions)
    # What is kept: an account pseudonym, where to deliver, which meeting, the choice.
    assert (row.platform, row.user_id, row.choice, row.language) == \
        ("telegram", str(USER), "hour", "en")
    assert row.owner == store.owner_of("telegram", str(USER)) and str(USER) not in row.owner
    assert row.next_at == at(date(2026, 11, 23), 18, 30)
    assert row.occurrence == at(date(2026, 11, 23), 19, 30)

    # A new choice replaces the old one: one reminder per meeting.
    await sam.press(f"rm{row.listing_id}")
    await sam.tap("Every week until I stop")
    sam.expect("before every meeting, for up to 12 weeks", "Thu 26 Nov 08:00")
    [row] = reminder_rows(chat.sessions)
    assert row.choice == "weekly"

    await sam.say("/reminders")
    sam.expect("Your reminders:",
               f"1. {LEEDS_AA} - before every meeting, for up to 12 weeks; next: Thu 26 Nov")
    await sam.tap("Stop 1")
    sam.expect(f"Stopped: {LEEDS_AA} - no more reminders.")
    assert reminder_rows(chat.sessions) == []
    await sam.say("/reminders")
    sam.expect("You have no reminders")
    # A stale Stop button says so, and changes nothing.
    await sam.press(f"rms{row.id}")
    sam.expect("already ended or been stopped")


async def test_someone_elses_stop_button_does_nothing(chat: Chat) -> None:
    sam = person(chat)
    await remind(sam, "1 hour before")
    [row] = reminder_rows(chat.sessions)
    other = person(chat, 6001)
    await other.press(f"rms{row.id}")
    other.expect("already ended or been stopped")
    assert len(reminder_rows(chat.sessions)) == 1


async def test_forget_removes_reminders(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "1 hour before")
    await h.run_until(at(date(2026, 11, 23), 18, 20))  # planned, not yet due
    assert len(send_rows(chat.sessions)) == 1 and h.texts() == []
    await sam.say("/privacy")
    sam.expect("remind you of a meeting", "which meeting and when")
    await sam.say("/forget")
    await sam.tap("Yes, delete")
    assert reminder_rows(chat.sessions) == [] and send_rows(chat.sessions) == []
    await h.run_until(at(date(2026, 11, 23), 18, 31))
    assert h.texts() == []


# -- receiving -------------------------------------------------------------------------------


async def test_reminder_arrives_on_time_with_place_pin_and_crisis_line(chat: Chat,
                                                                       h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "1 hour before")
    await h.run_until(at(date(2026, 11, 23), 18, 29))
    assert h.texts() == []  # not before its time
    await h.run_until(at(date(2026, 11, 23), 18, 30))
    [text] = h.texts()
    assert text.startswith(f"Reminder: {LEEDS_AA}, today 19:30.")
    assert "Where: " in text and "openstreetmap.org" in text
    assert "Samaritans: call 116 123 (free, 24/7)" in text
    assert h.tg.inline_labels(USER) == ["Can't make it", "Stop reminders"]
    assert h.venues() == []  # the map pin comes after every reminder due is out...
    await h.run_until(at(date(2026, 11, 23), 18, 30) + timedelta(seconds=1))
    [venue] = h.venues()  # ...and at least a second after its text (one a second a chat)
    assert venue["title"] == LEEDS_AA
    # Once only; and a one-off reminder ends after its meeting.
    await h.run_until(at(date(2026, 11, 23), 18, 45))
    await h.run_until(at(date(2026, 11, 26), 18, 30))
    assert len(h.texts()) == 1
    assert reminder_rows(chat.sessions) == []

    # "Can't make it", tapped on the reminder: the next meetings like it, soonest first.
    sam.replies = []
    await sam.press(f"rmc{listing_id(chat.sessions)}")
    sam.expect(f"Other meetings like {LEEDS_AA}, coming up:", "1. ")
    assert LEEDS_AA not in sam.text.split("\n", 1)[1]
    assert "Remind me of 1" in sam.buttons
    await sam.tap("Remind me of 1")
    sam.expect("When shall I remind you?")


async def test_the_morning_of_comes_at_eight_uk_time(chat: Chat, h: Harness) -> None:
    # Thursday's meeting after the clocks change is the same wall-clock time: the
    # reminder is at 08:00 London, whatever UTC says.
    chat.clock.now = datetime(2027, 3, 25, 12, 0, tzinfo=LONDON)  # BST from 28 March
    sam = person(chat)
    await open_leeds_aa(sam)
    await sam.tap("Remind me")
    await sam.tap("The morning of it (08:00)")
    sam.expect("The first reminder comes Mon 29 Mar 08:00")
    [row] = reminder_rows(chat.sessions)
    assert row.next_at == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 BST
    await h.run_until(datetime(2027, 3, 29, 6, 59, tzinfo=UTC))
    assert h.texts() == []
    await h.run_until(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))
    assert h.texts()[0].startswith(f"Reminder: {LEEDS_AA}, today 19:30.")


async def test_weekly_reminders_end_after_twelve_weeks(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "Every week until I stop")
    start = chat.clock.now
    # Every Monday and Thursday meeting whose 08:00 reminder falls within 12 weeks.
    expected = [d for d in (start.date() + timedelta(days=i) for i in range(0, 90))
                if d.weekday() in (0, 3) and start < at(d, 8) and at(d, 19, 30)
                < start + timedelta(weeks=12)]
    assert len(expected) == 23  # today's 08:00 has gone; week 12's Monday is past the end
    while (rows := reminder_rows(chat.sessions)) and rows[0].next_at is not None:
        await h.run_until(rows[0].next_at)
    await h.run_until(start + timedelta(weeks=13))
    texts = h.texts()
    assert len(texts) == len(expected)
    assert all(t.startswith(f"Reminder: {LEEDS_AA}, today 19:30.") for t in texts)
    assert reminder_rows(chat.sessions) == [] and send_rows(chat.sessions) == []
    await sam.say("/reminders")
    sam.expect("You have no reminders")


# -- changes to the meeting ----------------------------------------------------------------------


async def test_a_changed_time_is_told_once_in_their_language(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "Every week until I stop")
    await sam.say("/iaith cymraeg")
    change_listing(chat.sessions, start_time=time(20, 0), end_time=time(21, 30))
    await h.run_until(chat.clock.now + timedelta(minutes=1))
    [notice] = h.texts()
    assert notice.startswith(f"Newid: {LEEDS_AA}. Yr amserau newydd: Bob dydd Llun a dydd "
                             "Iau, 20:00-21:30.")
    assert "116 123" in notice
    # Other workers, later passes: never told again.
    other = h.new_worker("another")
    await other.drain("telegram")
    await h.run_until(chat.clock.now + timedelta(minutes=5))
    assert len(h.texts()) == 1
    # The next reminder is for the new time, in Welsh.
    await h.run_until(at(date(2026, 11, 26), 8))
    assert h.texts()[1].startswith(f"Nodyn atgoffa: {LEEDS_AA}, heddiw am 20:00.")
    # A change that is not news (the description) says nothing.
    change_listing(chat.sessions, description="Tea and biscuits")
    await h.run_until(chat.clock.now + timedelta(minutes=1))
    assert len(h.texts()) == 2


async def test_a_paused_meeting_is_told_and_not_reminded(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "Every week until I stop")
    change_listing(chat.sessions, status="temporarily_closed",
                   status_note="Closed over Christmas")
    await h.run_until(chat.clock.now + timedelta(minutes=1))
    [notice] = h.texts()
    assert notice.startswith(f"A change to {LEEDS_AA}: it's paused for now.")
    assert "Closed over Christmas" in notice
    # Its meetings while paused: no reminder.
    await h.run_until(at(date(2026, 11, 26), 8))
    await h.run_until(at(date(2026, 11, 30), 8))
    assert len(h.texts()) == 1
    # Open again: told once, and reminded again.
    change_listing(chat.sessions, status="active", status_note=None)
    await h.run_until(at(date(2026, 11, 30), 9))
    assert h.texts()[1].startswith(f"A change to {LEEDS_AA}: it now meets Mondays and "
                                   "Thursdays, 19:30")
    await h.run_until(at(date(2026, 12, 3), 8))
    assert h.texts()[2].startswith(f"Reminder: {LEEDS_AA}, today 19:30.")
    assert len(h.texts()) == 3


async def test_a_closed_meeting_ends_its_reminders(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "Every week until I stop")
    change_listing(chat.sessions, status="closed")
    await h.run_until(chat.clock.now + timedelta(minutes=1))
    [notice] = h.texts()
    assert notice.startswith(f"A change to {LEEDS_AA}: it has closed")
    await h.run_until(chat.clock.now + timedelta(minutes=1))
    assert reminder_rows(chat.sessions) == []
    await h.run_until(at(date(2026, 11, 26), 8))
    assert len(h.texts()) == 1


# -- never twice --------------------------------------------------------------------------------


async def test_a_worker_that_dies_holding_a_reminder_does_not_send_it_twice(
        chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "1 hour before")
    due = at(date(2026, 11, 23), 18, 30)
    chat.clock.now = due
    with chat.sessions() as s:
        store.plan(s, due)
        # Planning again from a stale view of the reminder (a second worker that read
        # it before the first moved it on) writes no second row for the occurrence.
        row = s.scalar(select(store.Reminder))
        assert row is not None and row.next_at is None  # a one-off: nothing after it
        row.next_at, row.occurrence = due, at(date(2026, 11, 23), 19, 30)
        s.commit()
        store.plan(s, due)
        s.commit()
        assert s.scalar(select(func.count()).select_from(store.ReminderSend)) == 1
        # The first worker claims it, then dies before sending or marking it.
        [held] = store.claim(s, "telegram", "dead-worker", due, timedelta(seconds=60))
        s.commit()
    await h.worker.run_once("telegram")  # within the lease: nobody else takes it
    assert h.texts() == []
    await h.run_until(due + timedelta(seconds=61))  # the lease is over: taken over
    assert len(h.texts()) == 1
    [sent] = [r for r in send_rows(chat.sessions) if r.kind == "reminder"] or [None]
    # The row is gone with its ended reminder, or marked sent by the second worker.
    assert sent is None or (sent.status == "sent" and sent.claimed_by != "dead-worker")
    with chat.sessions() as s:  # the dead worker's late "sent" changes nothing
        assert not store.finish(s, held.id, "dead-worker", "sent", due)
    await h.run_until(due + timedelta(minutes=10))
    assert len(h.texts()) == 1


async def test_blocking_the_bot_deletes_their_reminders(chat: Chat, h: Harness) -> None:
    sam = person(chat)
    await remind(sam, "Every week until I stop")
    h.tg.fail_next("sendMessage", 403, chat_id=USER)
    await h.run_until(at(date(2026, 11, 26), 8))
    assert h.texts() == []
    assert reminder_rows(chat.sessions) == [] and send_rows(chat.sessions) == []
