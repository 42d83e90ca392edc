"""Asking for more than a need and a place: "a women's meeting near Sheffield", "on
tonight", "step-free", "open now" - in one message and by the Filter buttons; results say
why they match; when nothing matches, the nearest without the filters, said so.

The demo directory (tests/dialogue.py: Monday 23 November 2026, 12:00 in London) has
women-only groups on Mondays at 11:00 (Sheffield, Manchester...), Leeds AA on Mondays at
19:30 and SMART Recovery in Leeds on Tuesdays at 18:00 with a hearing loop."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from dialogue import Chat, Clock

from bot.catalogue import t
from bot.conversation import FILTER_CHOICES
from directory.filters import Filters, find_filters, window
from directory.records import ListingRecord
from directory.repository import upsert_listing
from directory.schedule import LONDON

LEEDS = (53.7997, -1.5492)


async def test_a_womens_meeting_in_one_message(chat: Chat) -> None:
    await chat.say("is there a women's meeting near Sheffield?")
    chat.expect("near Sheffield", "Only: women only.")
    names = chat.expect_results(1, 5)
    assert names[0] == "Women's Recovery Group Sheffield (example)" or "Women" in names[0]
    # Every result shown says why it matches.
    assert chat.text.count("✓ women only") == len(names)


async def test_tonight_keeps_only_what_is_still_to_come_today(chat: Chat) -> None:
    await chat.say("anything on tonight for alcohol in Leeds?")
    chat.expect("Only: tonight.")
    names = chat.results()
    assert names and names[0] == "Leeds AA meeting (example)"
    chat.expect("today 19:30")
    chat.expect_not("tomorrow 18:00")  # Tuesday's SMART meeting is not tonight


async def test_filters_by_buttons_and_taking_them_off(chat: Chat) -> None:
    await chat.say("alcohol support in Leeds")
    before = chat.results()
    await chat.tap("Filter")
    chat.expect("Narrow it down")
    chat.expect_button("On now", "Tonight", "Women", "Step-free", "Hearing loop", "By phone")
    await chat.tap("Hearing loop")
    chat.expect("Only: hearing loop.")
    assert chat.text.count("✓ hearing loop") == len(chat.results()) >= 1
    await chat.tap("Filter")
    chat.expect_button("✓ Hearing loop")  # the ones in use are ticked
    await chat.tap("✓ Hearing loop")  # tapped again: off
    chat.expect_not("Only:")
    assert chat.results() == before


async def test_nothing_matches_says_so_and_shows_the_nearest_without(chat: Chat) -> None:
    await chat.say("LGBTQ+ alcohol meeting in Leeds")
    chat.expect("Nothing near Leeds is LGBTQ+, sorry. These are the nearest without that:")
    assert chat.results()  # the nearest, without the filter
    chat.expect_not("✓ LGBTQ+")  # none of them claims to match
    await chat.tap("Filter")
    await chat.tap("Clear filters")
    chat.expect("near Leeds")
    chat.expect_not("Nothing near Leeds is")


async def test_a_filter_on_its_own_narrows_the_search_so_far(chat: Chat) -> None:
    await chat.say("alcohol support in Leeds")
    await chat.say("step-free please")
    chat.expect("step-free")
    # Leeds has nothing step-free: said so, with the nearest.
    chat.expect("Nothing near Leeds is step-free")


async def test_on_now_or_starting_soon_on_the_day_the_clocks_go_forward(
        demo_sessions, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """Sunday 29 March 2026, the clocks went forward at 01:00 GMT: at 19:00 BST a meeting
    from 18:30 is under way and one at 19:30 starts in 30 minutes - real minutes."""
    with demo_sessions() as s:
        for slug, name, start, end in (("sun-under-way", "Sunday Evening Group",
                                        time(18, 30), time(20, 0)),
                                       ("sun-starting", "Sunday Late Group",
                                        time(19, 30), time(20, 30))):
            upsert_listing(s, ListingRecord(
                slug=slug, organisation_slug="demo-leeds-recovery-community", name=name,
                needs=["alcohol"], days=[6], start_time=start, end_time=end,
                latitude=LEEDS[0], longitude=LEEDS[1]), actor="test")
        s.commit()
    clock.now = datetime(2026, 3, 29, 19, 0, tzinfo=LONDON)
    assert clock.now.astimezone(UTC).hour == 18  # British Summer Time
    chat = Chat(demo_sessions, clock)
    await chat.say("any alcohol meeting on now in Leeds?")
    chat.expect("Sunday Evening Group", "✓ on now", "Sunday Late Group",
                "✓ starts in 30 min")
    await chat.say("anything starting soon in Leeds for alcohol?")
    assert "Sunday Late Group" in chat.results()
    assert "Sunday Evening Group" not in chat.results()  # begun already: not "starting"


def test_words_are_read_into_codes_and_never_kept() -> None:
    f = find_filters("a women's meeting tonight near Leeds, step-free, in Welsh if poss")
    assert f.to_json() == {"audience": ["women"], "access": ["step_free"],
                           "languages": ["cy"], "when": "tonight"}
    assert Filters.from_json(f.to_json()) == f
    assert not find_filters("online gambling is my problem")
    assert not find_filters("tonight I relapsed")


def test_a_window_across_the_clocks_going_back() -> None:
    """Sunday 25 October 2026, 01:30 happens twice: "soon" is two real hours."""
    now = datetime(2026, 10, 25, 0, 45, tzinfo=UTC)  # 01:45 BST, before the change
    w = window("soon", now)
    assert w is not None and (w.end - w.start).total_seconds() == 2 * 3600
    tonight = window("tonight", datetime(2026, 10, 25, 12, 0, tzinfo=UTC))
    assert tonight is not None
    assert tonight.start == datetime(2026, 10, 25, 17, 0, tzinfo=UTC)  # 17:00 GMT


@pytest.mark.parametrize("i", range(len(FILTER_CHOICES)))
async def test_every_filter_button_narrows_or_says_nothing_matches(chat: Chat, i: int) -> None:
    kind, code = FILTER_CHOICES[i]
    await chat.say("alcohol support in Manchester")
    await chat.tap("Filter")
    label = chat.buttons[i]
    await chat.tap(label)
    what = t(f"fw_{code}") if kind == "when" else t(f"fm_{code}")
    assert f"Only: {what}." in chat.text or f"is {what}, sorry" in chat.text, chat.text
    assert chat.results()  # never an empty page


@pytest.mark.parametrize(("words", "shown"), [
    ("women's group for alcohol in Manchester", "Only: women only."),
    ("alcohol meeting in Manchester with wheelchair access", "Only: wheelchair access."),
    ("in person alcohol meeting in Manchester", "Only: in person."),
    ("alcohol meeting in Welsh in Cardiff", "Only: in Welsh."),
    ("cocaine meeting in Manchester on Friday evening", "Only: on Friday evening."),
    ("alcohol meetings in Leeds after 6", "Only: after 18:00."),
    # Monday noon: nothing for alcohol is on in Manchester just now.
    ("any alcohol meetings in Manchester open now", "is on now, sorry"),
])
async def test_each_kind_of_filter_in_one_message(chat: Chat, words: str, shown: str) -> None:
    await chat.say(words)
    chat.expect(shown)
    assert chat.results()


def test_a_time_already_past_today_means_the_next_one() -> None:
    saturday_afternoon = datetime(2026, 11, 28, 15, 0, tzinfo=LONDON)
    w = window("sat_morning", saturday_afternoon)
    assert w is not None and w.start == datetime(2026, 12, 5, 4, 0, tzinfo=LONDON)
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
    w = window("before:9", noon)
    assert w is not None and w.end == datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
