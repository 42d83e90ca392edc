"""The crisis check: phrase sets, categories, context, Welsh, contacts, hostile input.

How well it does on wording we did not write (the held-out set) is
tests/test_crisis_heldout.py; the reply built from it is tests/test_safety.py."""

from __future__ import annotations

import dataclasses
import logging
import re

import pytest
from crisis_phrases import AMBIGUOUS_CAUGHT, DANGER_PHRASES, ORDINARY_MESSAGES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalogue import CATALOGUES, t
from bot.crisis import (
    CATEGORIES,
    CRISIS_CONTACTS,
    MAX_SCAN_CHARS,
    NATIONS,
    CrisisContact,
    CrisisSignal,
    crisis_contacts,
    detect_crisis,
    read,
)
from bot.crisis import model as crisis_model
from bot.crisis.normalise import clauses, normalise

# --------------------------------------------------------------------------- phrase sets


@pytest.mark.parametrize("phrase", DANGER_PHRASES)
def test_danger_phrase_is_caught(phrase: str) -> None:
    assert detect_crisis(phrase) is not None, f"missed danger phrase: {phrase!r}"


@pytest.mark.parametrize("phrase", AMBIGUOUS_CAUGHT)
def test_ambiguous_phrase_still_gets_contacts(phrase: str) -> None:
    reading = read(phrase)
    assert reading.signal is not None or reading.mentioned, f"no contacts for: {phrase!r}"


@pytest.mark.parametrize("message", ORDINARY_MESSAGES)
def test_ordinary_message_does_not_trip(message: str) -> None:
    signal = detect_crisis(message)
    assert signal is None, f"false alarm ({signal.categories}) on: {message!r}"


def test_crisis_check_summary_all_danger_caught_and_no_ordinary_tripped() -> None:
    missed = [p for p in DANGER_PHRASES if detect_crisis(p) is None]
    tripped = [m for m in ORDINARY_MESSAGES if detect_crisis(m) is not None]
    caught = len(DANGER_PHRASES) - len(missed)
    summary = (
        f"crisis check: {caught}/{len(DANGER_PHRASES)} danger caught, "
        f"{len(tripped)}/{len(ORDINARY_MESSAGES)} ordinary tripped"
    )
    print(summary)  # shown with -s or -rP; the assertion message carries it otherwise
    assert not missed and not tripped, f"{summary}; missed={missed}; tripped={tripped}"


def test_phrase_sets_are_big_distinct_and_varied() -> None:
    assert len(DANGER_PHRASES) >= 80
    assert len(ORDINARY_MESSAGES) >= 80
    assert len(set(DANGER_PHRASES)) == len(DANGER_PHRASES)
    assert len(set(ORDINARY_MESSAGES)) == len(ORDINARY_MESSAGES)
    lists = (set(DANGER_PHRASES), set(ORDINARY_MESSAGES), set(AMBIGUOUS_CAUGHT))
    assert not (lists[0] & lists[1]) and not (lists[0] & lists[2]) and not (lists[1] & lists[2])
    # every category is exercised by the danger set
    assert {c for p in DANGER_PHRASES for c in detect_crisis(p).categories} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("phrase", "categories"),
    [
        ("I've overdosed", ("overdose",)),
        ("my mate's not breathing", ("overdose",)),
        ("my daughter drank bleach", ("overdose",)),
        ("I'm having a seizure", ("medical",)),
        ("stopped drinking 2 days ago and now I'm seeing spiders on the walls", ("medical",)),
        ("I've got chest pains", ("medical",)),
        ("he's hitting me", ("abuse",)),
        ("he's locked me in and taken my phone", ("abuse",)),
        ("I'm going to kill him", ("harm_to_others",)),
        # a baby at risk from a parent: both (the NSPCC and the Respect line)
        ("i want to hurt my baby when she wont stop crying", ("child_at_risk", "harm_to_others")),
        ("the kids are home alone and I've been on it for 3 days", ("child_at_risk",)),
        ("I want to die", ("suicide",)),
        ("I've been cutting myself", ("self_harm",)),
        # an overdose taken to die is both: the reply starts with 999 and first aid
        ("I took too many pills to kill myself", ("overdose", "suicide")),
        # Welsh, with its mutations
        ("dw i'n mynd i ladd fy hun", ("suicide",)),
        ("dw i wedi cymryd gormod o dabledi", ("overdose",)),
        ("mae fy ngŵr yn fy nharo i", ("abuse",)),
    ],
)
def test_categories(phrase: str, categories: tuple[str, ...]) -> None:
    assert detect_crisis(phrase).categories == categories


def test_categories_come_most_urgent_first() -> None:
    signal = detect_crisis("he hit me and now I want to die")
    assert signal.categories == ("abuse", "suicide")
    assert signal.category == "abuse"


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize("message", [
    "I used to feel suicidal but I'm 3 years sober now",
    "suicide prevention walk in Cardiff",
    "support for people bereaved by suicide in Bristol",
    "I overdosed in 2015 and that was my wake-up call",
    "lost my brother to an overdose last year, is there a group for families?",
    "my mum will kill me if I'm late for tea again",
    "roeddwn i eisiau marw flynyddoedd yn ôl ond dw i'n sobr ers 3 blynedd",
])
def test_the_past_a_loss_or_a_topic_is_not_an_alarm(message: str) -> None:
    assert detect_crisis(message) is None


@pytest.mark.parametrize("message", [
    "I used to cut, and last night I did it again",
    "3 years sober but tonight I'm going to end it",
    "I used to feel suicidal. Tonight I will end it.",
    "lost my brother to suicide and now I want to die too",
])
def test_the_past_then_danger_now_is_caught(message: str) -> None:
    assert detect_crisis(message) is not None


def test_a_loss_is_mentioned_for_a_gentle_signpost() -> None:
    reading = read("support for people bereaved by suicide in Bristol")
    assert reading.signal is None and reading.mentioned == ("suicide",)
    assert read("any NA meetings in Leeds tonight?").mentioned == ()


def test_welsh_is_noticed_for_welsh_language_lines() -> None:
    assert detect_crisis("dw i eisiau marw").welsh
    assert not detect_crisis("I want to die").welsh


def test_the_word_model_ships_and_matches_its_training_files() -> None:
    """The model's weights were fitted on exactly the training files in the repository:
    change them and refit (python scripts/train_crisis_model.py --write)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "train_crisis_model.py"
    spec = importlib.util.spec_from_file_location("train_crisis_model", path)
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    shipped = crisis_model.load()
    assert shipped is not None
    assert shipped.trained_on == train.digest(train.training_dirs())
    assert not any("crisis_heldout" in str(d) for d in train.training_dirs())


def test_one_or_two_words_are_left_to_the_rules() -> None:
    assert detect_crisis("coke") is None  # an answer to "what do you need help with?"
    assert detect_crisis("kms") is not None  # a rule


# --------------------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I\u2019m gonna", "im going to"),  # curly apostrophe, text-speak
        ("I DONT WANNA", "i dont want to"),
        ("diiiiie!!! \U0001f62d", "die"),  # repeated letters, emoji noise
        ("u r", "youre"),  # "you are" and "u r" become one form
        ("do not", "dont"),
        ("k1ll myself rn", "kil myself right now"),  # squashed spelling is canonical
        ("\uff4b\uff49\uff4c\uff4c", "kil"),  # full-width letters (NFKD)
        ("d\u00efe", "die"),  # accent dropped
        ("ki\u200bll", "kil"),  # zero-width space
        ("sucidal", "suicidal"),  # one edit from a danger word
        ("I'm overdoing it", "im overdoing it"),  # ...but real words stay
        ("my mate od'd", "my mate overdosed"),
        ("an odd feeling", "an odd feling"),  # "odd" keeps its double d
        ("cnt go on ne more", "cant go on anymore"),  # text speak
        ("mae'r ngŵr", "mae yr ngwr"),  # Welsh: the article, circumflex folded
        ("dw i'n", "dw i yn"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_clauses_and_sentences() -> None:
    assert clauses("I used to cut, and last night I did it again. Help\nplease") == [
        (0, "i used to cut"), (0, "and last night i did it again"), (1, "help"),
        (2, "please")]


def test_needles_never_change_a_result() -> None:
    for text in DANGER_PHRASES + ORDINARY_MESSAGES + AMBIGUOUS_CAUGHT:
        assert read(text) == read(text, use_needles=False), text


_VOCAB = sorted({w for p in DANGER_PHRASES + ORDINARY_MESSAGES for w in p.split()})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_VOCAB), max_size=25).map(" ".join))
def test_needles_never_change_a_result_on_word_salad(text: str) -> None:
    assert read(text) == read(text, use_needles=False)


# --------------------------------------------------------------------------- contacts


def keys(categories: tuple[str, ...] = (), nation: str | None = None,
         welsh: bool = False) -> list[str]:
    return [c.key for c in crisis_contacts(categories, nation, welsh)]


def test_every_answer_starts_with_999_then_samaritans() -> None:
    for category in (None, *CATEGORIES):
        for nation in (None, *NATIONS):
            got = keys((category,) if category else (), nation)
            assert got[:2] == ["emergency", "samaritans"], (category, nation)


def test_general_contacts_for_the_crisis_command() -> None:
    everywhere = ["emergency", "samaritans", "shout", "nhs111"]
    assert keys() == everywhere + ["breathing_space", "lifeline", "call_wales"]  # all nations
    assert keys((), "Scotland") == everywhere + ["breathing_space"]
    assert keys((), "northern ireland") == everywhere + ["lifeline"]
    assert keys((), "Wales") == everywhere + ["call_wales"]
    assert keys((), "England") == everywhere


@pytest.mark.parametrize(("nation", "line"), [
    ("England", "da_england"), ("Wales", "da_wales"), ("Scotland", "da_scotland"),
    ("Northern Ireland", "da_ni"),
])
def test_domestic_abuse_lines_by_nation(nation: str, line: str) -> None:
    got = keys(("abuse",), nation)
    assert line in got and "mens_advice" in got
    assert not {"da_england", "da_wales", "da_scotland", "da_ni"} - {line} & set(got)


def test_unknown_nation_shows_every_nations_line_labelled() -> None:
    contacts = crisis_contacts(("abuse",), None)
    assert {"da_england", "da_wales", "da_scotland", "da_ni"} <= {c.key for c in contacts}
    lines = [c.line(label_nation=True) for c in contacts]
    assert "• Live Fear Free (Wales): call 0808 80 10 800 (24/7)" in lines


@pytest.mark.parametrize(("category", "wanted", "unwanted"), [
    ("child_at_risk", {"childline", "nspcc"}, {"respect"}),
    ("harm_to_others", {"respect"}, {"childline", "da_england"}),
    ("overdose", {"nhs111"}, {"respect", "da_england"}),
    ("suicide", {"shout", "nhs111"}, {"respect", "nspcc"}),
])
def test_the_category_chooses_the_lines(category: str, wanted: set[str],
                                        unwanted: set[str]) -> None:
    got = set(keys((category,), "England"))
    assert wanted <= got and not unwanted & got


def test_welsh_speakers_also_get_the_welsh_language_lines() -> None:
    assert "samaritans_welsh" in keys(("suicide",), "Wales", welsh=True)
    assert "samaritans_welsh" not in keys(("suicide",), "Wales")
    assert "call_wales" in keys(("suicide",), "Wales")


def test_the_numbers_are_the_checked_ones() -> None:
    numbers = {c.key: c.number for c in CRISIS_CONTACTS}
    assert numbers == {
        "emergency": "999", "samaritans": "116 123", "samaritans_welsh": "0808 164 0123",
        "shout": "text SHOUT to 85258", "nhs111": "111", "breathing_space": "0800 83 85 87",
        "lifeline": "0808 808 8000", "call_wales": "0800 132 737",
        "da_england": "0808 2000 247", "da_wales": "0808 80 10 800",
        "da_scotland": "0800 027 1234", "da_ni": "0808 802 1414",
        "mens_advice": "0808 8010 327", "respect": "0808 802 4040", "childline": "0800 1111",
        "nspcc": "0808 800 5000",
    }
    for c in CRISIS_CONTACTS:  # what is shown holds the number, in every language
        for lang in CATALOGUES:
            assert c.number.split()[-1] in t(f"cc_how_{c.key}", lang), (c.key, lang)


def test_contacts_are_sourced_and_dated() -> None:
    for c in CRISIS_CONTACTS:
        assert c.source.startswith("https://"), c.key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.verified), c.key
    with pytest.raises(dataclasses.FrozenInstanceError):
        CRISIS_CONTACTS[0].number = "000"  # type: ignore[misc]
    assert all(isinstance(c, CrisisContact) for c in crisis_contacts())


# --------------------------------------------------------------------------- hostile input


def test_empty_and_blank() -> None:
    assert detect_crisis("") is None
    assert detect_crisis("   \n\t ") is None


def test_danger_at_the_end_of_100k_characters() -> None:
    assert detect_crisis("a" * 100_000 + " I want to die") is not None


def test_danger_at_either_end_of_a_text_longer_than_the_scan_limit() -> None:
    filler = "I went to a meeting and it was good. " * (3 * MAX_SCAN_CHARS // 37)
    assert len(filler) > 2 * MAX_SCAN_CHARS
    assert detect_crisis(filler) is None
    assert detect_crisis("I want to die. " + filler) is not None
    assert detect_crisis(filler + " I want to die") is not None


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\x7f\x1b[31m",
        "\U0001f62d" * 500,
        "\ud800 lone surrogate \udfff",
        "\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u05e9\u05dc\u05d5\u05dd",
        "\ufdfa" * 1000,  # expands 18 times under NFKD
        "\u0301" * 1000,
        "'" * 1000,
        "2 2 2 2",
        "a.b.c.d.e",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    result = detect_crisis(text)
    assert result is None or set(result.categories) <= set(CATEGORIES)


def test_danger_survives_noise_around_it() -> None:
    assert detect_crisis("\x00\U0001f62d I want to die \u200b\ud800") is not None


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    result = detect_crisis(text)
    assert result is None or set(result.categories) <= set(CATEGORIES)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=50))
def test_never_raises_with_surrogates(text: str) -> None:
    detect_crisis(text)


def test_never_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        detect_crisis("I want to die")
        detect_crisis("NA meetings near me")
    assert caplog.records == []
    # the signal carries no text, so callers can log it safely
    assert [f.name for f in dataclasses.fields(CrisisSignal)] == ["categories", "welsh"]
