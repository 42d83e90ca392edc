"""The conversation of issue 3, as dialogues: say this, expect that.

Each test runs on real SQLite and real PostgreSQL with the demo directory, the shipped
gazetteer and a clock fixed at Monday 23 November 2026, 12:00 in London (tests/dialogue.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dialogue import Chat, ChatFactory, health_words_in
from sqlalchemy import inspect, select
from sqlalchemy.orm import sessionmaker

import bot.conversation
from bot.conversation import COMMANDS, STEPS, Config, Step
from bot.state import key_hash
from directory.models import Listing, ProblemReport
from directory.records import ListingRecord, OrganisationRecord
from directory.repository import upsert_listing, upsert_organisation

NEED_BUTTONS = ["Alcohol", "Drugs", "Gambling", "Family & friends", "Mental health",
                "Anything / not sure"]
RESULT_BUTTONS = ["More results", "Online only", "Today only", "Filter", "Another area",
                  "Start again"]
# "1. Name" then "   Kind · where · when"
RESULT = re.compile(r"^(\d+)\. (.+)\n   (Meeting|Group|Service|Helpline) · "
                    r"(\d+(?:\.\d)? km away|online|by phone) · (.+)$", re.MULTILINE)
ASK_PLACE = "Where are you?"
ASK_NEEDS = "What would you like support with?"


async def results_near_leeds_for_alcohol(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Leeds")
    chat.expect("near Leeds")


# -- greeting ---------------------------------------------------------------------------


async def test_greeting_says_what_it_does_privacy_and_crisis_in_a_few_lines(chat: Chat) -> None:
    await chat.say("/start")
    greeting = chat.replies[0].text
    assert "recovery groups" in greeting  # what it does
    assert "/privacy" in greeting and "24 hours" in greeting  # one line on privacy
    assert "/crisis" in greeting and "999" in greeting  # how to get crisis help
    assert len(greeting.splitlines()) <= 4 and len(greeting) <= 400
    chat.expect(ASK_NEEDS)
    assert chat.buttons == NEED_BUTTONS


async def test_a_first_hello_gets_the_greeting_and_the_need_buttons(chat: Chat) -> None:
    await chat.say("hi")
    chat.expect("I'm Recovery Connector", ASK_NEEDS)
    chat.expect_button(*NEED_BUTTONS)


# -- needs ------------------------------------------------------------------------------


async def test_need_button_then_asks_where_with_location_and_online(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    chat.expect(ASK_PLACE)
    assert chat.replies[-1].request_location
    assert chat.buttons == ["Online meetings"]


@pytest.mark.parametrize(("words", "town", "first"), [
    ("booze", "Leeds", "Leeds AA meeting (example)"),
    ("coke", "Liverpool", "Liverpool CA meeting (example)"),
    ("my son's using", "Sheffield", "Sheffield Families in Recovery (example)"),
    ("betting", "Brixton", "Brixton, London Gamblers Anonymous meeting (example)"),
])
async def test_needs_in_everyday_words(chat: Chat, words: str, town: str, first: str) -> None:
    await chat.say("/start")
    await chat.say(words)
    chat.expect(ASK_PLACE)
    await chat.say(town)
    chat.expect(f"near {town}")
    assert chat.results()[0] == first


async def test_everyday_words_for_other_needs_leave_out_unrelated_groups(chat: Chat) -> None:
    """Cocaine groups first; groups for drugs in general (cocaine is one) after them;
    gambling's never."""
    await chat.say("/start")
    await chat.say("coke")
    await chat.say("Liverpool")
    names = chat.results()
    assert names[0] == "Liverpool CA meeting (example)"
    assert names.index("Liverpool Women's Recovery Circle (example)") > 0
    assert not any("Gamblers" in n for n in names), names


async def test_several_needs_at_once(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("drinking and gambling")
    chat.expect(ASK_PLACE)
    await chat.say("Leeds")
    # The group for both ranks above the one for drink only.
    names = chat.results()
    assert names.index("Leeds SMART Recovery group (example)") < names.index(
        "Leeds AA meeting (example)")


async def test_words_that_are_not_a_need_get_asked_again_kindly(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("hmm not sure really")
    chat.expect("Sorry, I didn't catch that")
    assert chat.buttons == NEED_BUTTONS


# -- location ---------------------------------------------------------------------------


async def test_full_postcode(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Drugs")
    await chat.say("DN1 3BU")
    chat.expect("near DN1 3")
    assert chat.results()[0].startswith("Doncaster")


async def test_postcode_district_in_lower_case(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Drugs")
    await chat.say("ls1")
    chat.expect("near LS1")
    assert chat.results()[0] == "Leeds NA meeting (example)"


async def test_town(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Family & friends")
    await chat.say("Nottingham")
    chat.expect("near Nottingham")
    assert chat.results()[0] == "Nottingham Families in Recovery (example)"


async def test_misspelt_town(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Drugs")
    await chat.say("Donacster")
    chat.expect("near Doncaster")
    assert chat.results()[0].startswith("Doncaster")


async def test_shared_location(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Drugs")
    await chat.share_location(53.52, -1.13)
    chat.expect("near Doncaster")
    assert chat.results()[0] == "Doncaster NA meeting (example)"
    assert "0.3 km away" in chat.text


async def test_online_only_in_words(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("online only")
    chat.expect("online meetings")
    matches = RESULT.findall(chat.text)
    assert matches and all(m[3] == "online" for m in matches)


async def test_online_meetings_button(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Gambling")
    await chat.tap("Online meetings")
    matches = RESULT.findall(chat.text)
    assert matches and all(m[3] == "online" for m in matches)
    assert all("SMART" in m[1] or "Gambl" in m[1] for m in matches), chat.results()
    chat.expect_not("km away")
    chat.expect_no_button("Online only")


async def test_ambiguous_place_asks_which_then_shows_results(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Newport")
    chat.expect("more than one Newport")
    chat.expect_button("Newport, Wales", "Newport, Isle of Wight", "Online meetings")
    assert chat.results() == []
    await chat.tap("Newport, Wales")
    chat.expect("near Newport, Wales")
    assert chat.results()[0].startswith("Cardiff")  # 18 km away


async def test_unknown_place_gets_suggestions(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Blorpington")
    chat.expect('I couldn\'t find "Blorpington". Did you mean')
    *suggestions, online = chat.buttons
    assert suggestions and online == "Online meetings"
    assert all(name.startswith("B") for name in suggestions), suggestions  # Bollington
    await chat.tap(suggestions[0])
    chat.expect(f"near {suggestions[0]}")
    assert chat.results()


async def test_unknown_place_without_suggestions_is_asked_again_kindly(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.say("Xyzzyplace")
    chat.expect("I couldn't find that place", "postcode")
    assert chat.replies[-1].request_location
    await chat.say("Leeds")
    chat.expect("near Leeds")


async def test_everything_in_one_message_goes_straight_to_results(chat: Chat) -> None:
    await chat.say("I'm in Leeds and drinking too much")
    assert len(chat.replies) == 1
    chat.expect("near Leeds")
    chat.expect_not(ASK_NEEDS, ASK_PLACE)
    assert chat.results()[0] == "Leeds AA meeting (example)"


async def test_everything_in_one_message_mid_conversation(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("gambling in Liverpool please")
    chat.expect("near Liverpool")
    assert chat.results()[0] == "Liverpool Gamblers Anonymous meeting (example)"


async def test_a_place_alone_shows_everything_near_it(chat: Chat) -> None:
    await chat.say("Leeds")
    chat.expect("near Leeds")
    names = chat.results()
    assert {"Leeds AA meeting (example)", "Leeds NA meeting (example)"} <= set(names)


# -- results ----------------------------------------------------------------------------


async def test_results_show_name_kind_distance_and_next_meeting(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    matches = RESULT.findall(chat.text)
    assert 3 <= len(matches) <= 5
    assert [int(m[0]) for m in matches] == list(range(1, len(matches) + 1))
    n, name, kind, where, when = matches[0]
    assert (name, kind, where, when) == ("Leeds AA meeting (example)", "Meeting",
                                         "0.4 km away", "today 19:30")
    assert matches[1][4] == "tomorrow 18:00"
    assert matches[2][4] == "Sat 28 Nov 10:00"
    chat.expect("(example listing, not a real group)")  # demo data never passes as real
    numbers = [str(i) for i in range(1, len(matches) + 1)]
    assert chat.buttons == numbers + RESULT_BUTTONS


async def test_more_results_pages_on_without_repeating(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    seen = chat.results()
    numbers = [int(m[0]) for m in RESULT.findall(chat.text)]
    for _ in range(10):
        if "More results" not in chat.buttons:
            break
        await chat.tap("More results")
        page = RESULT.findall(chat.text)
        assert page, chat.text
        assert int(page[0][0]) == numbers[-1] + 1
        numbers += [int(m[0]) for m in page]
        seen += [m[1] for m in page]
    assert len(seen) == len(set(seen)) > 5
    # The numbers on the buttons open the results of this page.
    await chat.tap(str(numbers[-1]))
    chat.expect(seen[-1], "When:")


async def test_today_only_keeps_what_meets_later_today(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.tap("Today only")
    matches = RESULT.findall(chat.text)
    assert matches and all(m[4].startswith("today ") for m in matches), chat.text
    chat.expect_no_button("Today only")


async def test_today_only_leaves_out_this_mornings_meeting(chat: Chat, clock) -> None:
    clock.advance(hours=10)  # Monday 22:00: the 19:30 meeting in Leeds is over
    await results_near_leeds_for_alcohol(chat)
    await chat.tap("Today only")
    assert "Leeds AA meeting (example)" not in chat.results()


async def test_online_only_from_results(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.tap("Online only")
    chat.expect("online meetings")
    matches = RESULT.findall(chat.text)
    assert matches and all(m[3] == "online" for m in matches)


async def test_another_area_keeps_the_need(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.tap("Another area")
    chat.expect(ASK_PLACE)
    await chat.say("Sheffield")
    chat.expect("near Sheffield")
    # Alcohol still: the families group in Sheffield is not for drinking.
    assert "Sheffield Families in Recovery (example)" not in chat.results()


async def test_start_again_forgets_the_need(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.tap("Start again")
    chat.expect(ASK_NEEDS)
    assert chat.buttons == NEED_BUTTONS
    await chat.say("Leeds")
    assert "Leeds NA meeting (example)" in chat.results()  # not an alcohol group


async def test_words_the_results_step_does_not_understand(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.say("what now")
    chat.expect("Sorry, I didn't understand")
    chat.expect_button("Another area", "Start again")


@pytest.mark.parametrize(("lat", "lon", "where"), [
    (49.5, -7.5, "within 25 km of you"),  # the Atlantic, off the Isles of Scilly
    (60.8, -0.8, "within 25 km of Lerwick"),  # off the north of Shetland
])
async def test_nothing_near_offers_online_meetings_and_national_helplines(
        chat: Chat, lat: float, lon: float, where: str) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    await chat.share_location(lat, lon)
    chat.expect(f"I couldn't find anything {where}, sorry", "join from anywhere")
    matches = RESULT.findall(chat.text)
    assert matches and all(m[3] == "online" for m in matches)
    chat.expect("national helpline", "Alcoholics Anonymous Great Britain: 0800 9177 650",
                "Drinkline: 0300 123 1110")


# -- details ----------------------------------------------------------------------------


async def test_details_say_what_who_when_where_and_how_to_join(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    assert chat.results()[1] == "Leeds SMART Recovery group (example)"
    await chat.open_result(2)
    chat.expect(
        "Leeds SMART Recovery group (example)",
        "Lived experience recovery organisation: Leeds Recovery Community (example)",
        "Example listing: not a real group.",
        "When: Tuesdays, 18:00-19:30",
        "Next: tomorrow 18:00",
        "Where: Example Community Centre, Leeds, 1 Example Street, Leeds, LS1 5DL",
        "Map: https://www.openstreetmap.org/?mlat=53.8057&mlon=-1.5462#map=16/53.8057/-1.5462",
        "Join online: https://example.org/join",
        "Website: https://example.org",
        "Access: hearing loop",
        "Last checked: 23 Nov 2026",
    )
    card = chat.replies[-1].card
    assert card is not None
    assert (card.title, card.latitude, card.longitude) == (
        "Leeds SMART Recovery group (example)", 53.8057, -1.5462)
    assert card.map_url.startswith("https://www.openstreetmap.org/?mlat=53.8057")
    assert "LS1 5DL" in card.address
    # A weekly meeting with a start time: it can go into a calendar (bot/reminders/).
    assert chat.buttons == ["Back to results", "Report a problem", "Add to calendar",
                            "Start again"]


async def test_details_of_a_meeting_for_everyone(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.open_result(1)
    chat.expect("Leeds AA meeting (example)", "Who for: open to all", "Next: today 19:30")


async def test_details_show_phone_audience_and_an_old_check(
        chat: Chat, demo_sessions: sessionmaker) -> None:
    with demo_sessions() as s:
        upsert_organisation(s, OrganisationRecord(slug="t-org", name="Test Recovery Leeds"),
                            actor="test")
        upsert_listing(s, ListingRecord(
            slug="t-women", organisation_slug="t-org", name="Women's Drink Circle",
            kind="group", needs=["alcohol"], days=[2], start_time=datetime(1, 1, 1, 10).time(),
            latitude=53.7990, longitude=-1.5490, venue_name="St Test's Hall",
            phone="0113 496 0000", audience=["women"], accessibility=["step_free"],
            last_verified_at=datetime(2025, 1, 1, tzinfo=UTC)), actor="test")
        s.commit()
    await results_near_leeds_for_alcohol(chat)
    n = chat.results().index("Women's Drink Circle") + 1
    await chat.open_result(n)
    chat.expect("Phone: 0113 496 0000", "Who for: women only", "Access: step-free",
                "Next: Wed 25 Nov 10:00",
                "Last checked: not recently - please check before you go")
    chat.expect_not("example listing")


async def test_back_to_results_from_details(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    first = chat.results()
    await chat.open_result(3)
    await chat.tap("Back to results")
    assert chat.results() == first


async def test_report_a_problem_is_stored_with_nothing_about_the_reporter(
        chat: Chat, demo_sessions: sessionmaker) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.open_result(1)
    await chat.tap("Report a problem")
    chat.expect("What's wrong with this listing?")
    chat.expect_button("Wrong day or time", "It has closed", "Wrong address",
                       "Wrong phone or link", "Something else", "Back to results")
    await chat.tap("Wrong day or time")
    chat.expect("Thank you", "Nothing about you was kept")
    with demo_sessions() as s:
        reports = s.scalars(select(ProblemReport)).all()
        leeds_aa = s.scalar(select(Listing.id).where(Listing.slug == "demo-leeds-aa"))
        columns = {c["name"] for c in inspect(s.get_bind()).get_columns("problem_report")}
    assert [(r.listing_id, r.reason) for r in reports] == [(leeds_aa, "wrong_time")]
    # What is wrong, and when: no column for who said it, and no value that names them.
    assert columns == {"id", "listing_id", "reason", "created_at", "resolved_at"}
    values = " ".join(str(getattr(reports[0], c)) for c in columns)
    for trace in (chat.user, chat.ref.chat_id, key_hash(chat.ref.key), chat.ref.log_id):
        assert trace not in values
    await chat.tap("Back to results")
    assert chat.results()[0] == "Leeds AA meeting (example)"


# -- commands ---------------------------------------------------------------------------


async def test_help(chat: Chat) -> None:
    await chat.say("/help")
    chat.expect("/start", "/crisis", "/privacy", "/forget", "/cancel", "alcohol, Leeds")


@pytest.mark.parametrize(("hours", "said"), [(24, "24 hours"), (6, "6 hours")])
async def test_privacy_says_what_is_kept_and_for_how_long(
        new_chat: ChatFactory, hours: int, said: str) -> None:
    chat = new_chat(config=Config(ttl=timedelta(hours=hours)))
    await chat.say("/privacy")
    chat.expect("What I keep:", "rough area", "Never your words", f"How long: {said}",
                "/forget")


async def test_forget_after_yes_deletes_the_conversation_row(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    assert chat.stored()
    await chat.say("/forget")
    chat.expect("Delete everything I hold about you?")
    assert chat.buttons == ["Yes, delete", "No, keep it"]
    await chat.tap("Yes, delete")
    chat.expect("I've deleted everything")
    assert not chat.stored()
    assert chat.stored_json() is None


async def test_forget_then_no_keeps_everything(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    shown = chat.results()
    before = chat.stored_json()
    await chat.say("/forget")
    await chat.say("no")
    chat.expect("OK, nothing deleted.")
    assert chat.results() == shown  # carries on where it was
    assert chat.stored()
    assert chat.stored_json() == before


async def test_forget_then_the_no_button_keeps_the_need(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Gambling")
    await chat.say("/forget")
    await chat.tap("No, keep it")
    chat.expect("nothing deleted", ASK_PLACE)
    await chat.say("Liverpool")
    assert chat.results()[0] == "Liverpool Gamblers Anonymous meeting (example)"


async def test_cancel_stops_and_clears(chat: Chat) -> None:
    await results_near_leeds_for_alcohol(chat)
    await chat.say("/cancel")
    chat.expect("OK, stopped", "/start", "/crisis")
    await chat.press("more")  # the old "More results" button
    chat.expect("I'm Recovery Connector")  # starts afresh
    assert chat.results() == []


@pytest.mark.parametrize("command", ["/START", "/start@RecoveryConnectorBot", " /start "])
async def test_start_as_platforms_send_it(chat: Chat, command: str) -> None:
    await chat.say(command)
    chat.expect("I'm Recovery Connector", ASK_NEEDS)


async def test_start_with_a_deep_link(chat: Chat) -> None:
    await chat.say("/start leeds")
    chat.expect("I'm Recovery Connector", "near Leeds")
    assert "Leeds NA meeting (example)" in chat.results()


async def test_start_with_a_deep_link_naming_need_and_place(chat: Chat) -> None:
    await chat.say("/start alcohol-leeds")
    chat.expect("near Leeds")
    assert chat.results()[0] == "Leeds AA meeting (example)"


async def test_start_with_a_deep_link_it_cannot_read(chat: Chat) -> None:
    await chat.say("/start qwxz")
    chat.expect("I'm Recovery Connector", ASK_NEEDS)


async def test_an_unknown_command_is_answered_kindly(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("/frobnicate")
    chat.expect("Sorry, I didn't catch that")
    assert chat.buttons == NEED_BUTTONS


# -- state ------------------------------------------------------------------------------


async def test_state_survives_a_restart(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    after_restart = chat.restarted()  # new Conversation, gazetteer and search objects
    await after_restart.say("Leeds")
    assert after_restart.results()[0] == "Leeds AA meeting (example)"  # need remembered
    again = after_restart.restarted()
    await again.tap("More results")
    assert RESULT.findall(again.text)[0][0] == "6"


async def test_state_expires_after_the_ttl(chat: Chat, clock) -> None:
    await results_near_leeds_for_alcohol(chat)
    clock.advance(hours=23)
    await chat.tap("More results")
    assert RESULT.findall(chat.text)[0][0] == "6"  # still there after 23 hours
    clock.advance(hours=24, minutes=1)
    await chat.tap("More results")
    chat.expect("I'm Recovery Connector", ASK_NEEDS)  # a fresh start
    assert chat.results() == []


async def test_a_configured_ttl(new_chat: ChatFactory, clock) -> None:
    chat = new_chat(config=Config(ttl=timedelta(minutes=30)))
    await chat.say("/start")
    await chat.tap("Alcohol")
    clock.advance(minutes=31)
    await chat.say("Leeds")
    assert "Leeds NA meeting (example)" in chat.results()  # the need was forgotten


async def test_two_people_do_not_share_state(chat: Chat) -> None:
    await chat.say("/start")
    await chat.tap("Alcohol")
    other = chat.someone_else("user-2")
    await other.say("/start")
    await other.tap("Drugs")
    await chat.say("Leeds")
    assert chat.results()[0] == "Leeds AA meeting (example)"
    await other.say("Leeds")
    assert other.results()[0] == "Leeds NA meeting (example)"


async def test_stored_state_never_holds_what_was_typed(chat: Chat) -> None:
    await chat.say("/start")
    await chat.say("I'm in Leeds and drinking too much since Bartholomew Quince left me")
    chat.expect("near Leeds")
    raw = chat.stored_json()
    assert raw is not None and "alcohol" in raw and "Leeds" in raw  # only what was understood
    for typed in ("Bartholomew", "Quince", "drinking", "much", "since", "left"):
        assert typed not in raw, typed
    await chat.tap("Another area")
    await chat.say("DN1 3BU")
    raw = chat.stored_json()
    assert raw is not None and "DN1 3" in raw and "3BU" not in raw  # a sector, not a home
    await chat.tap("Another area")
    await chat.share_location(53.523117, -1.132871)
    raw = chat.stored_json()
    assert raw is not None and "53.52" in raw
    assert "53.523" not in raw and "1.132" not in raw  # about 1 km, never the exact spot


async def test_the_conversation_key_is_stored_hashed(chat: Chat,
                                                     demo_sessions: sessionmaker) -> None:
    await chat.say("/start")
    with demo_sessions() as s:
        keys = s.scalars(select(bot.state.ConversationRow.key_hash)).all()
    assert keys == [key_hash(chat.ref.key)]
    assert chat.user not in keys[0]


# -- buttons and reply size -------------------------------------------------------------


async def test_button_payloads_are_short_and_carry_no_health_words(chat: Chat) -> None:
    await chat.say("/start")
    for need in NEED_BUTTONS[:-1]:
        await chat.tap(need)
        await chat.say("/start")
    await chat.tap("Anything / not sure")
    await chat.say("Newport")
    await chat.tap("Newport, Wales")
    await chat.tap("More results")
    await chat.tap("6")
    await chat.tap("Report a problem")
    await chat.tap("Something else")
    await chat.say("I'm feeling suicidal")
    await chat.tap("I'm safe, carry on")
    await chat.say("/forget")
    payloads = chat.all_payloads()
    assert {"n0", "n4", "n*", "c0", "d0", "more", "report", "r4", "fy", "fn"} <= payloads
    for payload in payloads:
        assert len(payload.encode()) <= 64, payload
        assert not health_words_in(payload), payload


def test_the_payload_check_would_catch_a_health_word() -> None:
    assert health_words_in("need=alcohol") == ["alcohol"]
    assert "k" in health_words_in("n:k")  # ketamine's short name, as a whole token
    assert health_words_in("Mental_Health-7") == ["health", "mental", "mental_health"]
    assert health_words_in("d3") == health_words_in("more") == []


async def test_replies_stay_under_4000_characters_whatever_a_listing_holds(
        chat: Chat, demo_sessions: sessionmaker) -> None:
    with demo_sessions() as s:
        upsert_organisation(s, OrganisationRecord(slug="t-long", name="O" * 300,
                                                  website="https://e.org/" + "w" * 480),
                            actor="test")
        for i in range(5):
            upsert_listing(s, ListingRecord(
                slug=f"t-long-{i}", organisation_slug="t-long", name=f"{i} " + "N" * 297,
                description="D" * 20_000, needs=["alcohol"], days=[0, 1, 2, 3, 4, 5, 6],
                start_time=datetime(1, 1, 1, 20).time(), latitude=53.8, longitude=-1.55,
                venue_name="V" * 300, address="A" * 500, postcode="LS1 5DL",
                online_url="https://e.org/" + "j" * 480, phone="0" * 40,
                website="https://e.org/" + "s" * 480, audience=["women", "lgbtq", "veterans"],
                accessibility=["wheelchair", "hearing_loop", "step_free", "bsl"],
                attendance="hybrid", status="temporarily_closed", status_note="T" * 500,
                last_verified_at=datetime(2026, 11, 1, tzinfo=UTC)), actor="test")
        s.commit()
    await results_near_leeds_for_alcohol(chat)  # the harness checks every reply's length
    long = [n for n, name in enumerate(chat.results(), 1) if name.startswith(("0 N", "1 N"))]
    assert long, chat.results()
    await chat.open_result(long[0])
    chat.expect("Join online:", "Phone:")
    assert len(chat.text) <= 4000


# -- the diagram --------------------------------------------------------------------------


def test_the_diagram_names_every_step_command_and_nothing_else() -> None:
    diagram = Path(bot.conversation.__file__).with_name("conversation.mmd").read_text()
    assert diagram.lstrip("%").splitlines()[0] and "stateDiagram-v2" in diagram
    body = [line for line in diagram.splitlines() if not line.strip().startswith("%%")]
    text = "\n".join(body)
    edges = re.findall(r"^\s*(\S+)\s*-->\s*([^\s:]+)", text, re.MULTILINE)
    states = {s for edge in edges for s in edge} - {"[*]"}
    steps = {s.value for s in Step}
    assert states == steps, f"in the diagram but not a Step: {states - steps}; " \
                            f"a Step missing from the diagram: {steps - states}"
    assert {s.value for s in STEPS} == steps
    for command in COMMANDS:
        assert f"/{command}" in text, f"/{command} is not in the diagram"
    # Every step can be left: each has an arrow out.
    assert {a for a, _ in edges} >= steps
