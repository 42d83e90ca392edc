"""The bot in Welsh (issue 16), as dialogues: the search in one message and step by step,
switching language at any step, a volunteer's edit, a danger message, and the language
a platform's app is set to. Real Conversation, real SQLite and PostgreSQL, the demo
directory (tests/dialogue.py).

Expectations come from the catalogues (bot/catalogue.py EN, bot/catalogue_cy.py CY), so
the tests say "the Welsh for X", not one translator's words.
"""

from __future__ import annotations

from dialogue import Chat
from sqlalchemy import select

from bot.catalogue import t
from bot.types import Incoming
from bot.wording import describe_schedule
from directory.models import Listing
from directory.schedule import Schedule


def cy(key: str, **values: object) -> str:
    return t(key, "cy", **values)


def en(key: str, **values: object) -> str:
    return t(key, "en", **values)


def start_of(message: str) -> str:
    """The words of a message before its first placeholder: what every use shows."""
    return message.split("{", 1)[0].strip()


async def test_the_whole_search_in_one_welsh_sentence(chat: Chat) -> None:
    await chat.say("dw i angen help gyda alcohol yng Nghaerdydd")
    chat.expect(cy("results_intro", place="Cardiff"))
    names = chat.expect_results()
    assert any("Cardiff" in n for n in names), names
    assert all(r.lang == "cy" for r in chat.replies)
    chat.expect_button(cy("b_more"), cy("b_restart"))


async def test_step_by_step_in_welsh_with_typed_choices(chat: Chat) -> None:
    await chat.say("shwmae")
    chat.expect(start_of(cy("greeting")), cy("ask_needs"))
    chat.expect_button(cy("b_alcohol"), cy("b_gambling"), cy("b_anything"))
    await chat.tap(cy("b_alcohol"))
    chat.expect(cy("ask_place"))
    await chat.say("ger Wrecsam")  # "near Wrexham", in its Welsh name
    chat.expect(cy("results_intro", place="Wrexham"))
    first = chat.results()[1]
    await chat.say("dau")  # "two": the second result, typed in words
    assert chat.replies[0].text.startswith(first), chat.text
    chat.expect_button(cy("b_back"), cy("b_report"))


async def test_mutated_place_names_are_found(chat: Chat) -> None:
    await chat.say("dw i'n yfed gormod")
    await chat.say("ym Mangor")  # "in Bangor": a nasal mutation; Bangor in Wales
    chat.expect("Bangor, Wales")
    await chat.say("/start")
    await chat.say("help gyda gamblo i Gasnewydd")  # a soft mutation of Casnewydd
    chat.expect(cy("results_intro", place="Newport, Wales"))


async def test_switching_language_mid_conversation_asks_again_in_the_new_one(
        chat: Chat) -> None:
    await chat.say("I drink too much")
    chat.expect(en("ask_place"))
    await chat.say("/iaith")
    chat.expect_button("Cymraeg", "English")
    await chat.tap("Cymraeg")
    chat.expect(cy("language_set"), cy("ask_place"))
    await chat.say("Leeds")
    chat.expect(cy("results_intro", place="Leeds"))
    await chat.say("/language english")
    chat.expect(en("language_set"), en("results_intro", place="Leeds"))
    # A fresh start keeps the language chosen.
    await chat.say("/iaith cymraeg")
    await chat.say("/start")
    chat.expect(cy("ask_needs"))
    assert '"language": "cy"' in (chat.stored_json() or "").replace("'", '"')


async def test_a_danger_message_in_welsh_gets_the_welsh_lines_first(chat: Chat) -> None:
    await chat.say("dw i isio lladd fy hun")
    assert chat.replies[0].crisis
    first = chat.replies[0].text
    assert "999" in first and "116 123" in first
    assert "0808 164 0123" in first  # Samaritans Welsh Language Line
    assert "0800 132 737" in first  # C.A.L.L. (Wales)
    assert cy("crisis_safe_question") in first


async def test_an_english_danger_message_in_a_welsh_conversation_gets_them_too(
        chat: Chat) -> None:
    await chat.say("/iaith cymraeg")
    await chat.say("I took too many pills")
    assert chat.replies[0].crisis
    assert "0808 164 0123" in chat.replies[0].text
    assert chat.replies[0].lang == "cy"


async def test_crisis_command_in_welsh(chat: Chat) -> None:
    await chat.say("/iaith cymraeg")
    await chat.say("/crisis")
    assert chat.crisis
    chat.expect("999", "0808 164 0123", cy("crisis_safe_question"))
    await chat.tap(cy("b_unsafe"))  # "I need help now": 999 first, every line again
    assert chat.text.startswith(cy("crisis_unsafe"))
    assert chat.text.count("0808 164 0123") == 1 and "0800 132 737" in chat.text


async def test_the_apps_language_is_a_hint_for_a_new_conversation(chat: Chat) -> None:
    await chat.send(Incoming(chat.ref, text="/start", language_hint="cy-GB"))
    chat.expect(cy("ask_needs"))
    other = chat.someone_else("english-app")
    await other.send(Incoming(other.ref, text="/start", language_hint="en"))
    other.expect(en("ask_needs"))
    # What someone writes wins over the app's setting.
    third = chat.someone_else("welsh-app")
    await third.send(Incoming(third.ref, text="I need help with drinking",
                              language_hint="cy"))
    third.expect(en("ask_place"))


async def test_forget_in_welsh_takes_a_typed_ie(chat: Chat) -> None:
    await chat.say("dw i'n gamblo gormod yn Abertawe")
    assert chat.stored()
    await chat.say("/forget")
    chat.expect(cy("forget_confirm"))
    await chat.say("ie")
    chat.expect(cy("forgotten"))
    assert not chat.stored()


async def test_a_welsh_speaking_volunteer_edits_a_listing(chat: Chat) -> None:
    from test_volunteers import CARDIFF_CAFE, grant

    volunteer = chat.someone_else("gwirfoddolwr")
    grant(volunteer, "admin")
    await volunteer.say("/iaith cymraeg")
    await volunteer.say(f"/edit {CARDIFF_CAFE}")
    await volunteer.tap(cy("v_f_schedule"))
    await volunteer.say("ail a dydd Sadwrn olaf y mis")  # "2nd and last Saturday"
    # The preview words the new schedule in Welsh.
    volunteer.expect(describe_schedule(Schedule("monthly", (5,), (2, -1)), "cy"))
    await volunteer.tap(cy("v_b_confirm"))
    volunteer.expect(start_of(cy("v_applied")))
    with volunteer.sessions() as s:
        row = s.scalar(select(Listing).where(Listing.slug == CARDIFF_CAFE))
        assert row is not None
        assert (row.schedule_kind, row.month_weeks) == ("monthly", [2, -1])


async def test_a_place_two_nations_share_means_the_welsh_one_in_welsh(chat: Chat) -> None:
    await chat.say("dw i'n gamblo gormod")
    await chat.say("Bangor")
    chat.expect("Bangor, Wales")
    chat.expect_not(start_of(cy("place_ambiguous")))
    english = chat.someone_else("saesneg")
    await english.say("I gamble too much")
    await english.say("Bangor")
    english.expect(en("place_ambiguous", query="Bangor"))


async def test_a_welsh_volunteer_is_told_in_welsh_what_is_wrong(chat: Chat) -> None:
    from test_volunteers import CARDIFF_CAFE, grant

    volunteer = chat.someone_else("gwirfoddolwr2")
    grant(volunteer, "admin")
    await volunteer.say("/iaith cymraeg")
    await volunteer.say(f"/edit {CARDIFF_CAFE}")
    await volunteer.tap(cy("v_f_phone"))
    await volunteer.say("ffoniwch fi")  # not a phone number
    volunteer.expect(cy("v_err_phone"), cy("v_try_again"))
