"""Safety: crisis help first at every step, a kind answer when the database is down, no
log line holding what a person wrote, and no crash on anything a person (or a platform)
can send. Real SQLite and PostgreSQL, real gazetteer and search (tests/dialogue.py).

The crisis phrase set itself (every danger phrase caught, ordinary messages counted) is
tests/test_crisis.py; here the check is wired in the right place.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import re
from collections.abc import Iterator

import pytest
from dialogue import Chat, Clock, check_reply, make_conversation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import create_engine

from bot.catalogue import t
from bot.types import MAX_REPLY_CHARS, ConversationRef, Incoming, Location, Reply
from directory.db import make_engine, session_factory

CRISIS_NUMBERS = ["999", "116 123", "85258", "111"]  # in this order, 999 first
SAFE, UNSAFE = "I'm safe, carry on", "I need help now"
DANGER = ["I don't want to be here anymore", "took too many pills", "I can't go on"]
# the numbers each of those gets, in order: an overdose gets 999, Samaritans and NHS 111
NUMBERS = {"took too many pills": ["999", "116 123", "111"]}
DB_DOWN = "something went wrong on my side"
ASK_NEEDS = "What would you like support with?"
ASK_PLACE = "Where are you?"

# How to reach each step, and what "I'm safe, carry on" shows after a crisis reply there.
REACH: dict[str, tuple[list[str], list[str]]] = {
    "new": ([], ["I'm Recovery Connector", ASK_NEEDS]),
    "needs": (["/start"], [ASK_NEEDS]),
    "place": (["/start", "[Alcohol]"], [ASK_PLACE]),
    "choose_place": (["/start", "[Alcohol]", "Newport"], ["Which of these places",
                                                           "Newport, Wales"]),
    "results": (["/start", "[Alcohol]", "Leeds"], ["near Leeds", "Leeds AA meeting"]),
    "details": (["/start", "[Alcohol]", "Leeds", "[1]"], ["near Leeds", "Leeds AA meeting"]),
    "report": (["/start", "[Alcohol]", "Leeds", "[1]", "[Report a problem]"],
               ["near Leeds", "Leeds AA meeting"]),
    "confirm_forget": (["/start", "[Alcohol]", "Leeds", "/forget"],
                       ["near Leeds", "Leeds AA meeting"]),
}


async def reach(chat: Chat, step: str) -> None:
    for move in REACH[step][0]:
        if move.startswith("["):
            await chat.tap(move[1:-1])
        else:
            await chat.say(move)


def expect_where_it_was(chat: Chat, step: str) -> None:
    for part in REACH[step][1]:
        assert part in chat.text or part in chat.buttons, (part, chat.text, chat.buttons)


def assert_crisis_first(replies: list[Reply], numbers: list[str] = CRISIS_NUMBERS) -> None:
    first = replies[0]
    assert first.crisis, first.text
    positions = [first.text.find(n) for n in numbers]
    assert all(p >= 0 for p in positions), first.text
    assert positions == sorted(positions), f"in the order {numbers}, 999 first"
    assert "Are you safe right now?" in first.text  # a kind question
    assert [b.label for b in first.all_buttons()] == [SAFE, UNSAFE]  # then carry on


# -- crisis first, at every step ----------------------------------------------------------


@pytest.mark.parametrize("step", list(REACH))
async def test_danger_mid_flow_gets_crisis_contacts_and_keeps_the_state(
        chat: Chat, step: str) -> None:
    await reach(chat, step)
    stored = chat.stored_json()
    words = DANGER[list(REACH).index(step) % len(DANGER)]
    await chat.say(words)
    assert_crisis_first(chat.replies, NUMBERS.get(words, CRISIS_NUMBERS))
    assert len(chat.replies) == 1  # nothing else competes with it
    assert chat.stored_json() == stored  # nothing lost, nothing written
    await chat.tap(SAFE)
    expect_where_it_was(chat, step)


@pytest.mark.parametrize("step", list(REACH))
async def test_crisis_command_at_every_step(chat: Chat, step: str) -> None:
    await reach(chat, step)
    await chat.say("/crisis")
    assert_crisis_first(chat.replies)
    assert len(chat.replies) == 1
    await chat.tap(SAFE)
    expect_where_it_was(chat, step)


async def test_after_the_crisis_reply_the_person_carries_on_where_they_were(chat: Chat) -> None:
    await reach(chat, "results")
    await chat.say("took too many pills")
    await chat.tap(SAFE)
    await chat.tap("More results")  # the search they had is still there
    chat.expect("near Leeds", "\n6. ")


@pytest.mark.parametrize("words", [
    "/start I want to kill myself",
    "drinking too much and I took too many pills",
    "TOOK TOO MANY PILLS",
    "i dont want to be here any more",
])
async def test_danger_comes_before_commands_and_needs(chat: Chat, words: str) -> None:
    await chat.say("/start")
    stored = chat.stored_json()
    await chat.say(words)
    assert_crisis_first(chat.replies, ["999", "116 123"])
    assert len(chat.replies) == 1  # no search was asked for: nothing else
    assert chat.stored_json() == stored


# -- a crisis reply never swallows the request (issue 12) -----------------------------------


async def test_bereaved_by_suicide_gets_a_signpost_then_bristol_results(chat: Chat) -> None:
    await chat.say("support for people bereaved by suicide in Bristol")
    signpost = chat.replies[0]
    assert signpost.crisis and "116 123" in signpost.text
    assert "999" not in signpost.text and not signpost.buttons  # no alarm, no question
    assert chat.replies[1].text.startswith("Here's what I found near Bristol")
    assert "Bristol" in chat.replies[1].text.split("\n")[1]


async def test_pills_at_hand_and_a_meeting_in_bristol(chat: Chat) -> None:
    await chat.say("I've got the pills here, looking for an AA meeting in Bristol")
    assert_crisis_first(chat.replies)
    assert len(chat.replies) == 2
    # the results it asked for: what someone asking only for them gets
    other = chat.someone_else("asks-only")
    await other.say("looking for an AA meeting in Bristol")
    assert chat.replies[1].text == other.replies[0].text
    assert chat.replies[1].text.startswith("Here's what I found near Bristol")
    await chat.tap(SAFE)  # carries on with those results
    assert chat.replies[0].text == other.replies[0].text


async def test_danger_in_leeds_gets_contacts_then_leeds(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("I'm in Leeds and I want to end it all")
    assert_crisis_first(chat.replies)
    assert "near Leeds" in chat.replies[1].text


async def test_i_need_help_now(chat: Chat) -> None:
    await chat.say("I can't go on")
    await chat.tap(UNSAFE)
    urgent = chat.replies[0]
    assert urgent.crisis and urgent.text.startswith("Please call 999 now")
    assert "116 123" in urgent.text and "85258" in urgent.text


@pytest.mark.parametrize(("words", "lines", "not_lines"), [
    # domestic abuse: the nation's line, from the place in the message
    ("my husband hit me again, I'm in Cardiff", ["Live Fear Free: call 0808 80 10 800"],
     ["0808 2000 247", "0800 027 1234", "(Wales)"]),
    ("my husband hit me again, I'm in Leeds", ["National Domestic Abuse Helpline"],
     ["0808 80 10 800"]),
    ("my husband hit me again, I'm in Glasgow", ["0800 027 1234", "Breathing Space"][:1],
     ["0808 2000 247"]),
    # no place: every nation's line, labelled
    ("my husband hit me again", ["Live Fear Free (Wales)", "(Northern Ireland)",
                                 "(England)", "(Scotland)"], []),
    # a child at risk
    ("the kids are home alone and I've been on it for 3 days",
     ["If a child is in danger right now, call 999", "NSPCC", "Childline"], []),
    # harm to others
    ("I'm going to kill him", ["step away", "Respect Phoneline", "0808 802 4040"],
     ["Childline"]),
    # an overdose: 999 first and first aid
    ("my daughter drank bleach", ["call 999 now", "recovery position", "naloxone"], []),
    # a fit in withdrawal
    ("she's confused and fitting", ["medical emergency", "don't hold them down"], []),
    # Welsh: the Welsh-language line too
    # (and the answer is in Welsh: its words are tests/test_welsh_dialogue.py's)
    ("dw i eisiau marw", ["0808 164 0123", "0800 132 737"], []),
])
async def test_contacts_fit_the_danger_and_the_nation(
        chat: Chat, words: str, lines: list[str], not_lines: list[str]) -> None:
    await chat.say(words)
    first = chat.replies[0]
    assert first.crisis and first.text.index("999") < first.text.index("116 123")
    for line in lines:
        assert line in first.text, (line, first.text)
    for line in not_lines:
        assert line not in first.text, (line, first.text)


async def test_a_place_from_earlier_chooses_the_nation(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Swansea")
    await chat.say("he's locked me in and taken my phone")
    assert "Live Fear Free: call 0808 80 10 800" in chat.replies[0].text
    assert "0808 2000 247" not in chat.replies[0].text


async def test_danger_at_the_very_end_of_a_huge_message(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("blah " * 20_000 + "I can't go on")
    assert_crisis_first(chat.replies)


# -- the database is down -----------------------------------------------------------------

DOWN = {
    "postgresql, nothing listening": lambda: make_engine(
        "postgresql+psycopg://postgres@127.0.0.1:1/nothing", connect_args={"connect_timeout": 3}),
    "sqlite, a folder that cannot exist": lambda: create_engine(
        "sqlite:////proc/recovery-connector/nowhere.sqlite3"),
    "sqlite, never migrated": lambda: create_engine("sqlite://"),
}


@pytest.fixture(params=list(DOWN))
def down(request: pytest.FixtureRequest) -> Iterator[Chat]:
    engine = DOWN[request.param]()
    yield Chat(session_factory(engine), Clock())
    engine.dispose()


@pytest.mark.parametrize("move", ["/start", "Leeds", "[n0]", "(53.8, -1.55)", "/forget"])
async def test_database_down_gives_a_kind_error_and_crisis_contacts(
        down: Chat, move: str, caplog: pytest.LogCaptureFixture) -> None:
    if move.startswith("["):
        await down.press(move[1:-1])
    elif move.startswith("("):
        await down.share_location(53.8, -1.55)
    else:
        await down.say(move)
    assert len(down.replies) == 2
    assert DB_DOWN in down.replies[0].text and "try again" in down.replies[0].text
    crisis = down.replies[1]
    assert crisis.crisis and all(n in crisis.text for n in CRISIS_NUMBERS)
    assert any(r.levelno >= logging.ERROR and r.getMessage().startswith("database error")
               for r in caplog.records)


async def test_database_down_still_answers_danger_with_crisis_help(down: Chat) -> None:
    await down.say("I don't want to be here anymore")
    assert_crisis_first(down.replies)
    assert DB_DOWN not in down.text


async def test_database_down_abuse_still_gets_its_lines(down: Chat) -> None:
    await down.say("my ex is outside the house with a knife, I'm in Leeds")
    assert_crisis_first(down.replies, ["999", "116 123"])
    assert "National Domestic Abuse Helpline (England)" in down.text  # no place kept: all


async def test_a_hung_database_never_holds_back_crisis_contacts(
        demo_sessions, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """The turn of a danger message waits for the database at most crisis_wait_seconds:
    then the contacts go out alone, and the late turn keeps nothing."""
    import threading
    import time

    from bot.conversation import Config

    gate = threading.Event()

    def hung():  # type: ignore[no-untyped-def]
        gate.wait(10)  # a database that takes a connection and does not answer, a while
        return demo_sessions()

    chat = Chat(demo_sessions, clock)
    chat.conversation = make_conversation(hung, config=Config(crisis_wait_seconds=0.3),
                                          clock=clock)
    started = time.monotonic()
    await chat.say("I want to die, any meetings in Leeds?")
    assert time.monotonic() - started < 2
    assert_crisis_first(chat.replies)
    assert len(chat.replies) == 1
    gate.set()  # the database answers after all: the abandoned turn is rolled back
    await asyncio.sleep(1)
    assert chat.stored_json() is None


# -- nothing anyone types goes into the logs ------------------------------------------------

SECRET_WORDS = ("Zephyrine", "Quillfeather", "marmalade", "Wolverhampton-upon-Nowhere",
                "07700900461", "xylophonist")


async def test_logs_never_hold_what_was_typed_nor_the_ids(
        demo_sessions, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "bot", "directory"):
        caplog.set_level(logging.DEBUG, logger=name)
    chat = Chat(demo_sessions, clock, user="tg-user-8675309", platform="telegram")
    await chat.say("/start")
    await chat.say("My name is Zephyrine Quillfeather, call me on 07700900461")
    await chat.say("I drink too much, I live near Leeds with my marmalade cat")
    await chat.tap("1")
    await chat.tap("Report a problem")
    await chat.tap("Something else")
    await chat.say("/start")
    await chat.tap("Gambling")
    await chat.say("Wolverhampton-upon-Nowhere")
    await chat.say("xylophonist can't go on")  # the crisis check logs that it saw a signal
    assert chat.crisis
    await chat.say("/forget")
    await chat.tap("Yes, delete")

    sql = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert len(sql) > 20, "SQL logging was not on: this test would prove nothing"
    traces = [*SECRET_WORDS, chat.user, chat.ref.chat_id, chat.ref.key]
    for record in caplog.records:
        seen = " ".join([record.getMessage(), repr(record.args),
                         *(repr(v) for v in vars(record).values())])
        for trace in traces:
            assert trace.casefold() not in seen.casefold(), (trace, record.name, seen[:300])
    # Conversations are named in logs by a short hash of their key.
    named = {getattr(r, "conv", None) for r in caplog.records} - {None}
    assert named == {chat.ref.log_id}
    assert re.fullmatch(r"[0-9a-f]{12}", chat.ref.log_id)
    assert any(r.getMessage() == "crisis signal" for r in caplog.records)


# -- bad input ------------------------------------------------------------------------------

ODD = {
    "empty": "",
    "spaces": "   \t  ",
    "newlines": "\n\n\r\n",
    "100,000 characters": "x" * 100_000,
    "100,000 words": "Leeds alcohol " * 7_143,
    "control characters": "\x00\x01\x02\x1b[31mred\x1b[0m\x07\x7f\x9b",
    "emoji": "😀🙏🏽💊🍺 👨‍👩‍👧 🏳️‍🌈",
    "html": "<b>hi</b><script>alert('x')</script><a href='javascript:1'>Leeds</a>",
    "markdown": "**bold** _it_ `code` [link](http://x.invalid) ~~s~~ @everyone #tag",
    "right to left": "أنا في لندن وأشرب كثيرا \u202e\u2067 שלום",
    "chinese": "你好，我在利兹，喝酒太多了",
    "welsh": "Rydw i'n yfed gormod yng Nghaerdydd",
    "only a slash": "/",
    "only slashes": "//////////",
    "slash and spaces": "/ / /",
    "a command in a hurry": "/start" + "?" * 5_000,
    "zero width": "\u200b\u200c\u200d\ufeff",
    "lone combining marks": "\u0301\u0302\u0303",
    "numbers": "1 2 3 999999999999999999999",
    "sql": "'; DROP TABLE conversation; --",
    "a format string": "{name} {0} %s %(x)s {{}}",
}


@pytest.mark.parametrize("step", ["new", "place", "results"])
@pytest.mark.parametrize("name", list(ODD))
async def test_odd_input_gets_a_friendly_answer(chat: Chat, step: str, name: str) -> None:
    await reach(chat, step)
    await chat.say(ODD[name])  # the harness checks: replies, none over 4000 characters
    assert DB_DOWN not in chat.text
    assert all(len(r.text) <= MAX_REPLY_CHARS for r in chat.replies)
    await chat.say("/start")  # and the conversation goes on, in its language
    chat.expect(t("ask_needs", chat.replies[-1].lang))


async def test_a_very_long_message_is_asked_for_in_a_few_words(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("I need help " * 9_000)
    chat.expect("That's a long message")


async def test_welsh_place_names_are_understood(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Caerdydd")
    chat.expect("near Cardiff")


async def test_markup_echoed_back_is_made_harmless(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("<b>Zzyzx</b> **@everyone**")
    chat.expect("I couldn't find")
    for mark in ("<b>", "**", "@everyone"):
        chat.expect_not(mark)


@pytest.mark.parametrize("payload", ["", "d99", "d-1", "n²", "n٣", "c9", "r7", "x" * 5000,
                                     "more\x00", "fy", "resume", "report", "back", "d1e9"])
async def test_stale_or_made_up_buttons_are_harmless(chat: Chat, payload: str) -> None:
    await reach(chat, "results")
    await chat.press(payload)
    assert DB_DOWN not in chat.text
    await chat.say("/start")
    chat.expect(ASK_NEEDS)


@pytest.mark.parametrize(("lat", "lon"), [
    (math.nan, -1.5), (53.8, math.inf), (-math.inf, math.nan), (91.0, 0.0), (0.0, 181.0),
    (1e308, -1e308), (-90.0, 180.0), (0.0, 0.0),
])
async def test_impossible_or_faraway_locations(chat: Chat, lat: float, lon: float) -> None:
    await reach(chat, "place")
    await chat.share_location(lat, lon)
    assert DB_DOWN not in chat.text
    if math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180:
        chat.expect("I couldn't find anything within 25 km of you")  # on the globe, not here
    else:
        chat.expect("I couldn't read that location")
        assert chat.replies[-1].request_location
    raw = chat.stored_json() or ""
    assert "NaN" not in raw and "Infinity" not in raw


# -- property tests: anything at all, in any order --------------------------------------------

ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(list(ODD.values()) + ["Leeds", "booze", "Newport", "online only",
                                          "/start leeds", "/forget", "no", "/cancel"]),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(["drinking", "coke", "betting"]),
              st.sampled_from(["in Leeds", "near DN1 3BU", "Newport", "Donacster"])),
)
ANY_PAYLOAD = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["n0", "n4", "n*", "n9", "c0", "c7", "d0", "d4", "d5", "more", "online",
                     "today", "area", "restart", "resume", "back", "report", "r0", "r4",
                     "fy", "fn"]),
)
ANY_COORD = st.one_of(st.floats(), st.floats(49, 61), st.floats(-8, 2))

PEOPLE = itertools.count()
PROPERTY = settings(max_examples=60, deadline=None, stateful_step_count=12,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


class Person(RuleBasedStateMachine):
    """Someone doing anything at all: typing, pressing shown or made-up buttons, sharing
    any location, letting time pass. Each turn must give a sound reply (checked by the
    harness), and the database must never be the thing that failed."""

    chat: Chat

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()

    def turn(self, coro) -> None:  # type: ignore[no-untyped-def]
        self.loop.run_until_complete(coro)

    @rule(words=ANY_TEXT)
    def say(self, words: str) -> None:
        self.turn(self.chat.say(words))

    @precondition(lambda self: bool(self.chat.buttons))
    @rule(data=st.data())
    def tap(self, data: st.DataObject) -> None:
        self.turn(self.chat.tap(data.draw(st.sampled_from(self.chat.buttons))))

    @rule(payload=ANY_PAYLOAD)
    def press(self, payload: str) -> None:
        self.turn(self.chat.press(payload))

    @rule(lat=ANY_COORD, lon=ANY_COORD)
    def share_location(self, lat: float, lon: float) -> None:
        self.turn(self.chat.share_location(lat, lon))

    @rule(hours=st.sampled_from([1, 23, 25]))
    def wait(self, hours: int) -> None:
        self.chat.clock.advance(hours=hours)

    @invariant()
    def sound(self) -> None:
        for reply in self.chat.replies:
            check_reply(reply)
        assert DB_DOWN not in self.chat.text, "a turn failed in the database"

    def teardown(self) -> None:
        self.loop.close()


def test_any_sequence_of_messages(demo_sessions) -> None:  # type: ignore[no-untyped-def]
    people = itertools.count()

    def machine() -> Person:
        # A new person each time, so that a replayed example starts from the same state.
        person = Person()
        person.chat = Chat(demo_sessions, Clock(), user=f"person-{next(people)}")
        return person

    from hypothesis.stateful import run_state_machine_as_test
    run_state_machine_as_test(machine, settings=PROPERTY)


@PROPERTY
@given(words=st.text(max_size=2000))
def test_any_text_on_a_fresh_conversation(demo_sessions, words: str) -> None:  # type: ignore[no-untyped-def]
    conversation = make_conversation(demo_sessions, clock=Clock())
    ref = ConversationRef("test", "c", f"property-{next(PEOPLE)}")
    replies = asyncio.run(conversation.handle(Incoming(ref, text=words)))
    assert replies
    for reply in replies:
        check_reply(reply)


@PROPERTY
@given(lat=st.floats(), lon=st.floats(), payload=st.one_of(st.none(), st.text(max_size=70)))
def test_any_location_or_payload(demo_sessions, lat: float, lon: float,  # type: ignore[no-untyped-def]
                                 payload: str | None) -> None:
    conversation = make_conversation(demo_sessions, clock=Clock())
    ref = ConversationRef("test", "c", f"property-{next(PEOPLE)}")
    for msg in (Incoming(ref, location=Location(lat, lon)), Incoming(ref, payload=payload)):
        replies = asyncio.run(conversation.handle(msg))
        assert replies and DB_DOWN not in replies[0].text
        for reply in replies:
            check_reply(reply)


async def test_a_bug_still_answers_with_crisis_contacts(chat: Chat) -> None:
    """Bad data that slipped past validation (a weekday 9) makes a turn fail: the person
    still gets a kind answer and the crisis contacts, never silence."""
    from sqlalchemy import update

    from directory.models import Listing

    with chat.sessions() as s:
        s.execute(update(Listing).where(Listing.slug.like("demo-leeds-%"))
                  .values(days=[9], schedule_kind="weekly"))
        s.commit()
    await chat.say("recovery cafe in Leeds")
    assert "went wrong" in chat.replies[0].text
    assert chat.replies[1].crisis and all(n in chat.replies[1].text for n in CRISIS_NUMBERS)
