"""Typed values in Welsh (issue 16): the volunteer flow's days, times and lists
(directory/fields.py), the broadcast flow's times, topics and distances
(bot/broadcasts/dialogue.py) and the search's time words (directory/filters.py), read
from the per-language tables of directory/value_words_cy.py.

Every example a Welsh prompt shows (bot/catalogue_cy.py) is fed to the parser behind
it: a translator's example the bot cannot read fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from dialogue import NOW, Chat
from sqlalchemy import select
from test_broadcasts import add_subscribers, person
from test_volunteers import LEEDS_CAFE, admin, grant, listing, volunteer  # noqa: F401

from bot.broadcasts import store
from bot.broadcasts.dialogue import parse_when, radius_in, topics_in, without_radius
from bot.catalogue import CATALOGUES, t
from bot.catalogue_cy import CY
from bot.wording import describe_schedule
from directory.fields import BY_KEY, FIELDS, Invalid, example, parse_schedule
from directory.filters import find_filters
from directory.finder import understand_request
from directory.geography import Gazetteer
from directory.schedule import LONDON, Schedule
from directory.value_words import LANGUAGES

GAZ = Gazetteer.default()
TODAY = date(2026, 11, 23)  # a Monday


def cy(key: str, **values: object) -> str:
    return t(key, "cy", **values)


def schedule(text: str) -> tuple[str, list[int], list[int]]:
    got = parse_schedule(text, TODAY)
    return got["schedule_kind"], got["days"], got["month_weeks"]


# -- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "days", "weeks"), [
    ("dydd Llun", "weekly", [0], []),
    ("ddydd Llun", "weekly", [0], []),
    ("nos Lun", "weekly", [0], []),
    ("nos Fawrth", "weekly", [1], []),
    ("Mawrth", "weekly", [1], []),
    ("nos Fercher", "weekly", [2], []),
    ("nos Wener", "weekly", [4], []),
    ("bob wythnos ar ddydd Sul", "weekly", [6], []),
    ("dydd Llun a dydd Iau", "weekly", [0, 3], []),
    ("Bob dydd Llun, dydd Mercher a dydd Gwener", "weekly", [0, 2, 4], []),
    ("bob pythefnos ar ddydd Mawrth", "fortnightly", [1], []),
    ("bob yn ail ddydd Iau", "fortnightly", [3], []),
    ("bob yn ail nos Wener", "fortnightly", [4], []),
    ("ail ddydd Llun", "monthly", [0], [2]),
    ("ail a dydd Sadwrn olaf y mis", "monthly", [5], [2, -1]),
    ("dydd Sadwrn cyntaf y mis", "monthly", [5], [1]),
    ("y trydydd dydd Mercher", "monthly", [2], [3]),
    ("cyntaf a thrydydd dydd Mawrth y mis", "monthly", [1], [1, 3]),
    ("nos Iau olaf y mis", "monthly", [3], [-1]),
    ("2il ddydd Sul", "monthly", [6], [2]),
    ("drwy apwyntiad", "appointment", [], []),
    ("ar agor unrhyw bryd", "always_open", [], []),
])
def test_welsh_days(text: str, kind: str, days: list[int], weeks: list[int]) -> None:
    assert schedule(text) == (kind, days, weeks)


def test_every_other_week_starts_on_the_next_such_day() -> None:
    got = parse_schedule("bob yn ail ddydd Iau", TODAY)
    assert got["anchor_date"] == date(2026, 11, 26)  # the Thursday after Monday 23rd


@pytest.mark.parametrize("kind_days_weeks", [
    ("weekly", (0,), ()), ("weekly", (0, 3), ()), ("weekly", (1, 2, 4), ()),
    ("fortnightly", (1,), ()), ("fortnightly", (2, 5), ()),
    ("monthly", (0,), (1,)), ("monthly", (0,), (2,)), ("monthly", (3,), (3,)),
    ("monthly", (4,), (4,)), ("monthly", (6,), (-1,)), ("monthly", (5,), (2, -1)),
    ("monthly", (1,), (1, 3)), ("monthly", (2,), (2, 4)),
    ("appointment", (), ()), ("always_open", (), ()),
])
def test_what_the_bot_writes_in_welsh_reads_back(
        kind_days_weeks: tuple[str, tuple[int, ...], tuple[int, ...]]) -> None:
    """A volunteer may copy the listing's schedule as the bot shows it ("Ail ddydd Llun
    y mis", "Dydd Sadwrn ac ail ac olaf y mis") and change it: it must read back."""
    kind, days, weeks = kind_days_weeks
    said = describe_schedule(Schedule(kind, days, weeks), "cy")
    assert schedule(said) == (kind, list(days), list(weeks)), said


def test_english_days_are_read_as_before() -> None:
    assert schedule("2nd and last Saturday") == ("monthly", [5], [2, -1])
    assert schedule("every other Tuesday") == ("fortnightly", [1], [])
    assert schedule("Mondays and Thursdays") == ("weekly", [0, 3], [])
    with pytest.raises(Invalid):
        parse_schedule("rywbryd yn y gaeaf", TODAY)  # no day in any language


# -- times --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "start", "end"), [
    ("7yh", time(19), None),
    ("19:30", time(19, 30), None),
    ("7.30yh", time(19, 30), None),
    ("9yb", time(9), None),
    ("7yh tan 9yh", time(19), time(21)),
    ("am 7yh tan 9yh", time(19), time(21)),
    ("19:30 tan 21:00", time(19, 30), time(21)),
    ("19:30 i 21:00", time(19, 30), time(21)),
    ("o 7 y.h. hyd at 9 y.h.", time(19), time(21)),
    ("rhwng 7 a 9yh", time(19), time(21)),
    ("10yb - 12yp", time(10), time(12)),
])
def test_welsh_times(text: str, start: time, end: time | None) -> None:
    assert BY_KEY["times"].parse(text, GAZ) == {"start_time": start, "end_time": end}


def test_a_welsh_time_that_is_not_one_is_refused() -> None:
    with pytest.raises(Invalid):
        BY_KEY["times"].parse("25yh", GAZ)
    with pytest.raises(Invalid):
        BY_KEY["times"].parse("amser te", GAZ)


# -- lists and clearing -------------------------------------------------------------------


@pytest.mark.parametrize(("key", "text", "codes"), [
    ("audience", "menywod yn unig, newydd-ddyfodiaid", ["women", "newcomers"]),
    ("audience", "dim ond dynion", ["men"]),
    ("audience", "pobl ifanc a phobl hŷn", ["young_people", "older_people"]),
    ("audience", "cyn-filwyr", ["veterans"]),
    ("audience", "cyfarfod agored", ["open"]),
    ("access", "heb risiau, dolen sain", ["step_free", "hearing_loop"]),
    ("access", "mynediad i gadair olwyn a thoiled hygyrch", ["wheelchair",
                                                             "accessible_toilet"]),
    ("access", "maes parcio, iaith arwyddion", ["parking", "bsl"]),
    ("languages", "Cymraeg a Saesneg", ["cy", "en"]),
    ("languages", "yn Gymraeg", ["cy"]),
    ("languages", "Pwyleg", ["pl"]),
])
def test_welsh_lists(key: str, text: str, codes: list[str]) -> None:
    column = BY_KEY[key].columns[0]
    assert BY_KEY[key].parse(text, GAZ) == {column: codes}


def test_a_welsh_list_saying_what_is_missing_is_refused() -> None:
    with pytest.raises(Invalid) as negated:
        BY_KEY["access"].parse("dim lifft", GAZ)
    assert negated.value.key == "v_err_codes_only"
    with pytest.raises(Invalid) as unknown:
        BY_KEY["audience"].parse("menywod a siarcod", GAZ)
    assert unknown.value.key == "v_err_code_unknown"
    assert "siarc" in str(unknown.value.values["said"])
    # Said to the volunteer in their language (bot/catalogue_cy.py).
    assert "siarc" in t(unknown.value.key, "cy", **unknown.value.values)


@pytest.mark.parametrize("word", ["dim", "Dim un", "dim byd", "-", "none"])
@pytest.mark.parametrize("key", ["audience", "access", "languages", "notes", "phone",
                                 "website", "venue"])
def test_dim_clears_a_field(key: str, word: str) -> None:
    got = BY_KEY[key].parse(word, GAZ)
    assert all(v in (None, []) for v in got.values()), got


# -- broadcasts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("yfory 9:00", datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)),
    ("yfory am 9:00", datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)),
    ("fory 9yb", datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)),
    ("heno 8yh", datetime(2026, 11, 23, 20, 0, tzinfo=LONDON)),
    ("heddiw 18:30", datetime(2026, 11, 23, 18, 30, tzinfo=LONDON)),
    ("mewn 2 awr", NOW + timedelta(hours=2)),
    ("mewn dwy awr", NOW + timedelta(hours=2)),
    ("ymhen 30 munud", NOW + timedelta(minutes=30)),
    ("mewn 3 diwrnod", NOW + timedelta(days=3)),
    ("24/12 am 10:00", datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)),
])
def test_welsh_broadcast_times(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["yfory 9", "mewn awr goch", "dydd Gwener rywbryd"])
def test_unclear_welsh_broadcast_times_are_refused(text: str) -> None:
    assert parse_when(text, NOW) is None


def test_welsh_topics_and_distances() -> None:
    assert topics_in("digwyddiadau ger Caerdydd") == ["events"]
    assert topics_in("grwpiau menywod") == ["women"]
    assert topics_in("grwpiau newydd a theulu") == ["new_groups", "family"]
    assert radius_in("o fewn 10 milltir") == pytest.approx(16.09)
    assert radius_in("Caerdydd 20 km") == 20.0
    assert radius_in("15 cilomedr") == 15.0
    assert without_radius("ger Caerdydd o fewn 10 milltir") == "Caerdydd"


# -- the search's time words --------------------------------------------------------------


@pytest.mark.parametrize(("text", "when"), [
    ("oes cyfarfod heno?", "tonight"),
    ("cyfarfod nos Fawrth", "tue_evening"),
    ("grŵp dydd Sadwrn", "sat"),
    ("cyfarfod ddydd Sadwrn", "sat"),
    ("cyfarfod bore dydd Sul", "sun_morning"),
    ("cyfarfod yfory", "tomorrow"),
    ("cyfarfod bore fory", "tomorrow_morning"),
    ("cyfarfod heddiw", "today"),
    ("cyfarfod nawr", "now"),
    ("cyfarfod rŵan", "now"),
    ("grŵp y penwythnos", "weekend"),
    ("cyfarfod ar ôl 6", "after:18"),
    ("cyfarfod cyn 9yb", "before:9"),
])
def test_welsh_search_time_words(text: str, when: str) -> None:
    assert find_filters(text).when == when


@pytest.mark.parametrize("text", [
    "dw i wedi bod yn sobr ers dydd Sadwrn",  # since: the past
    "dw i'n yfed bob nos Wener",  # a habit
    "cyfarfod nos Sadwrn diwethaf",  # last Saturday night
    "ar ôl 2 flynedd dw i angen cyfarfod",  # a count of years
    "ym mis Mawrth",  # March, not Tuesday
])
def test_welsh_words_that_are_not_when_to_go(text: str) -> None:
    assert find_filters(text, asking=True).when is None


# -- every example a Welsh prompt gives ---------------------------------------------------

_QUOTED = re.compile(r"[\"“]([^\"”{}]+)[\"”]")


def _schedules(ex: str) -> None:
    parse_schedule(ex, TODAY)


def _times(ex: str) -> None:
    BY_KEY["times"].parse(ex, GAZ)


def _broadcast_time(ex: str) -> None:
    when = parse_when(ex, NOW)
    assert when is not None and when > NOW, ex


def _place(ex: str) -> None:
    found = GAZ.resolve(without_radius(ex))
    if found.status != "found":
        spotted = understand_request(ex, GAZ).place
        assert spotted is not None and spotted.status == "found", ex


def _area(ex: str) -> None:
    _place(ex)
    assert radius_in(ex) is not None, ex


def _subscription(ex: str) -> None:
    assert topics_in(ex) or understand_request(ex, GAZ).place is not None, ex


def _needs(ex: str) -> None:
    assert understand_request(ex, GAZ).needs, ex


def _search(ex: str) -> None:
    said = understand_request(ex, GAZ)
    assert said.needs and said.place is not None and said.place.status == "found", ex


# Keys whose examples are values a parser reads, and that parser.
PARSED: dict[str, Callable[[str], None]] = {
    "v_add_schedule": _schedules,
    "v_err_no_day": _schedules,
    "v_add_times": _times,
    "bc_ask_when": _broadcast_time,
    "bc_when_unknown": _broadcast_time,
    "bc_ask_area": _area,
    "bc_sub_ask": _subscription,
    "bc_sub_place_unknown": _place,
    "ask_needs_again": _needs,
    "help": _search,
}
# Keys with quotes that are not values to type, and why.
NOT_VALUES = {
    "privacy": "what is kept",
    "privacy_forget": "a label the bot writes",
    "b_cal_plain": "a calendar title",
    "cal_ask": "a calendar title",
    "tg_location_prompt": "a button label",
    "v_pause_note": "a free-text note, any words",
    "v_pause_venue_note": "a free-text note, any words",
    "cc_how_call_wales": "a text to a helpline",
}


def _examples(message: str) -> list[str]:
    """The quoted examples of a message, or the unquoted one after "Er enghraifft"."""
    quoted = _QUOTED.findall(message)
    if quoted:
        return quoted
    m = re.search(r"Er enghraifft:? ([^\"{}]+?)\.?$", message)
    return [m[1]] if m else []


def test_every_welsh_example_in_a_prompt_can_be_typed_back() -> None:
    unclassified = []
    for key, message in CY.items():
        examples = _examples(message)
        if key in PARSED:
            assert examples, f"{key}: no example found to check"
            for ex in examples:
                try:
                    PARSED[key](ex)
                except (Invalid, AssertionError) as exc:
                    pytest.fail(f"{key}: the example \u201c{ex}\u201d is not understood "
                                f"({exc})")
        elif _QUOTED.search(message) and key not in NOT_VALUES:
            unclassified.append(key)
    assert set(NOT_VALUES) <= set(CY)
    assert not unclassified, (
        f"these Welsh messages quote words: add each to PARSED (the parser of the value "
        f"it shows) or NOT_VALUES (why not): {unclassified}")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("field", FIELDS, ids=[f.key for f in FIELDS])
def test_every_field_example_in_each_language_parses(field, lang: str) -> None:  # type: ignore[no-untyped-def]
    shown = example(field, lang)
    assert lang in CATALOGUES
    for ex in re.split(r",? neu |,? or ", shown):
        field.parse(ex.removesuffix("..."), GAZ)


# -- dialogues ----------------------------------------------------------------------------


async def test_a_welsh_volunteer_sets_second_and_last_saturday(volunteer: Chat) -> None:  # noqa: F811
    grant(volunteer, "trusted")
    await volunteer.say("/iaith cymraeg")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(cy("v_f_schedule"))
    volunteer.expect(LANGUAGES["cy"].examples["schedule"])  # a Welsh example, not English
    await volunteer.say("ail a dydd Sadwrn olaf y mis")
    await volunteer.tap(cy("v_b_confirm"))
    volunteer.expect(cy("v_applied", name=listing(volunteer.sessions, LEEDS_CAFE).name))
    row = listing(volunteer.sessions, LEEDS_CAFE)
    assert (row.schedule_kind, row.days, row.month_weeks) == ("monthly", [5], [2, -1])


async def test_a_welsh_admin_schedules_a_broadcast_for_tomorrow_nine(chat: Chat) -> None:
    add_subscribers(chat.sessions, chat.clock, [("telegram", "3001", [], None, None)])
    boss = person(chat, "9", admin=True)
    await boss.say("/iaith cymraeg")
    await boss.say("/broadcast")
    boss.expect(cy("bc_write"))
    await boss.say("Noson gwis yn y caffi adfer")
    await boss.tap(cy("bc_b_everyone", n=1))
    await boss.tap(cy("bc_b_schedule"))
    boss.expect(cy("bc_ask_when"))
    await boss.say("yfory 9:00")
    boss.expect(cy("bc_scheduled", id=1, n=1, channels="",
                    when="Dydd Mawrth 24 Tachwedd 2026 am 09:00").split(":")[0])
    with chat.sessions() as s:
        row = s.scalar(select(store.Broadcast).where(store.Broadcast.status == "queued"))
        assert row is not None and row.send_at is not None
        assert row.send_at.astimezone(LONDON) == datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
