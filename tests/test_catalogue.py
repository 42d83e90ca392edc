"""The Welsh catalogue says everything the English one does, and schedules, dates and
distances read right in both languages."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from string import Formatter

import pytest

from bot.catalogue import CATALOGUES, EN, t
from bot.catalogue_cy import CY
from bot.crisis.contacts import CRISIS_CONTACTS
from bot.wording import (
    describe_schedule,
    describe_when,
    describe_when_year,
    distance,
    format_date,
)
from directory.schedule import LONDON, Schedule, describe

# Welsh the same as English on purpose: layouts with only placeholders and symbols,
# words Welsh shares ("Alcohol", "Map", "Hindi", "BSL"), and services' own names.
SAME_IN_WELSH = {
    "helpline_line", "result_line", "result_matches", "when_next", "when_unknown",
    "details_map", "plain_map", "dc_map", "v_review_edit", "bc_version_line", "cc_line",
    "cc_where", "cc_nations_sep", "decimal_point", "sch_from_to", "b_alcohol", "fm_bsl",
    "lang_hi", "tg_cmd_language", "cc_name_shout", "cc_name_breathing_space",
    "cc_name_lifeline",
}
# A value only English needs: the plural "s" (Welsh nouns after a number stay singular).
ENGLISH_ONLY_PLACEHOLDERS = {("bc_and_channels", "s")}
# Examples made Welsh (a Cardiff postcode for a Leeds one): their numbers differ.
WELSH_EXAMPLES = {"ask_place_again", "bc_sub_place_unknown"}
# Welsh crisis wording that names the Welsh-language lines too (../shared/REFERENCE.md).
WELSH_LINES = ("0808 164 0123", "0800 132 737", "81066", "116 123")

TELEGRAM_MAX_TEXT = 4096  # Bot API sendMessage text (../shared/REFERENCE.md)
TELEGRAM_MAX_COMMAND_DESCRIPTION = 256  # Bot API BotCommand.description: 1-256
DISCORD_MAX_DESCRIPTION = 100  # app command and option descriptions (discord.py)
DISCORD_MAX_LABEL = 80  # button labels (discord.py discord/ui/button.py)
BUTTON_KEYS = re.compile(r"^(b|v_b|bc_b|fb|r)_|^(tg_group_button|dc_dm_button|dc_dm_open|"
                         r"tg_share_location)$")


class _Filled(dict):
    """Values as long as a label's usually are: "#99999", "Cymraeg"."""

    def __missing__(self, key: str) -> str:
        return "99999" if key in ("n", "id") else "Cymraeg"


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(template) if field is not None}


def digits(text: str) -> set[str]:
    """The numbers a message gives (phone numbers, times, km), not its placeholders'
    formats nor English ordinals ("2nd": Welsh writes "ail")."""
    return set(re.findall(r"\d+(?!\d|st|nd|rd|th)", re.sub(r"\{[^}]*\}", "", text)))


def test_every_key_has_a_welsh_translation_and_no_more() -> None:
    assert sorted(set(EN) - set(CY)) == [], "keys with no Welsh"
    assert sorted(set(CY) - set(EN)) == [], "Welsh keys English lacks"
    assert CATALOGUES["cy"] is CY


@pytest.mark.parametrize("key", sorted(EN))
def test_placeholders_match(key: str) -> None:
    english_only = {name for k, name in ENGLISH_ONLY_PLACEHOLDERS if k == key}
    assert placeholders(CY[key]) == placeholders(EN[key]) - english_only, key


def test_no_welsh_string_is_empty_or_left_in_english() -> None:
    empty = [k for k, v in CY.items() if not v.strip()]
    assert empty == []
    untranslated = sorted(k for k in EN if CY[k] == EN[k] and k not in SAME_IN_WELSH)
    assert untranslated == []
    # The list stays true: a key that got translated leaves it.
    assert sorted(k for k in SAME_IN_WELSH if CY[k] != EN[k]) == []


def test_welsh_keeps_every_number() -> None:
    """A helpline number cannot be mistyped in translation. (The Welsh-language lines
    come with every crisis reply in a Welsh conversation, from bot/crisis/contacts.py:
    tests/test_welsh_dialogue.py.)"""
    changed = sorted(k for k in EN if k not in WELSH_EXAMPLES
                     and digits(CY[k]) != digits(EN[k]))
    assert changed == []


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_messages_fit_the_platforms(lang: str) -> None:
    cat = CATALOGUES[lang]
    assert max(len(v) for v in cat.values()) <= TELEGRAM_MAX_TEXT
    # /privacy sends three messages as one reply (bot/conversation.py _cmd_privacy).
    privacy = "\n".join((cat["privacy"], cat["privacy_retention"], cat["privacy_forget"]))
    assert len(privacy) <= TELEGRAM_MAX_TEXT
    assert [k for k, v in cat.items() if k.startswith("tg_cmd_")
            and not 1 <= len(v) <= TELEGRAM_MAX_COMMAND_DESCRIPTION] == []
    assert [k for k, v in cat.items() if k.startswith(("dc_cmd_", "dc_opt_"))
            and len(v) > DISCORD_MAX_DESCRIPTION] == []
    assert [k for k, v in cat.items() if BUTTON_KEYS.search(k)
            and len(v.format_map(_Filled())) > DISCORD_MAX_LABEL] == []


# Words that mutate the next word: a placeholder after one would be shown unmutated
# ("i Caerdydd", not "i Gaerdydd"). Numbers do not mutate, so those placeholders may.
_MUTATING = r"(?:i|o|am|at|ar|gan|dy|fy|yn|gyda|â|a|heb|dan|drwy|wrth|tan|ei|eu|neu|pa)"
_NUMBERS = {"n", "k", "id", "page", "pages", "total", "km", "radius", "days", "minutes",
            "ttl_hours", "report_days", "notification_days", "delivery_days", "audit_days",
            "sent", "failed", "blocked", "waiting", "cancelled", "paused", "stale", "limit",
            "date", "year", "time", "start", "hour", "end"}


def test_no_welsh_placeholder_follows_a_word_that_would_mutate_it() -> None:
    after = re.compile(rf"(?:^|[\s(])({_MUTATING})\s+\{{(\w+)", re.IGNORECASE)
    bad = sorted((k, m[1], m[2]) for k, v in CY.items() for m in after.finditer(v)
                 if m[2] not in _NUMBERS)
    assert bad == []


def test_crisis_contact_lines_match_the_contacts_in_both_languages() -> None:
    for c in CRISIS_CONTACTS:
        for label in (False, True):
            nations = t("cc_nations_sep", "en").join(c.nations)
            where = t("cc_where", "en", nations=nations) if label and c.nations else ""
            line = t("cc_line", "en", name=t(f"cc_name_{c.key}", "en"), where=where,
                     how=t(f"cc_how_{c.key}", "en"))
            assert line == c.line(label_nation=label)
        number = re.sub(r"\D", "", c.number)
        assert number in re.sub(r"\D", "", CY[f"cc_how_{c.key}"]), c.key
        assert digits(CY[f"cc_how_{c.key}"]) == digits(t(f"cc_how_{c.key}", "en")), c.key
    for nation in {n for c in CRISIS_CONTACTS for n in c.nations}:
        assert f"nation_{nation.lower().replace(' ', '_')}" in CY


def test_help_names_the_language_switch_in_both_languages() -> None:
    assert EN["help"].endswith("/language - Cymraeg")
    assert CY["help"].endswith("/iaith - English")


# Every shape of schedule the directory can hold (directory/models.py ScheduleKind).
_TIMES = [(None, None), (time(19, 30), None), (time(19, 30), time(21, 0)),
          (time(7, 5), time(0, 30)), (None, time(21, 0))]
_DAY_SETS = [c for r in range(0, 8) for c in itertools.combinations(range(7), r)]
_WEEK_SETS = [c for r in range(0, 4) for c in itertools.combinations((1, 2, 3, 4, 5, -1), r)]


def _schedules() -> list[Schedule]:
    out = [Schedule(kind, days, start=s, end=e) for kind in ("weekly", "fortnightly")
           for days in _DAY_SETS for s, e in _TIMES]
    out += [Schedule("monthly", days, weeks, start=s, end=e) for days in _DAY_SETS
            if len(days) <= 2 for weeks in _WEEK_SETS for s, e in _TIMES[:3]]
    out += [Schedule(kind, days) for kind in ("appointment", "always_open")
            for days in ((), (1,))]
    out += [Schedule("monthly", (0,), (7,)), Schedule("monthly", (0,), (1, 7))]
    return out


def test_english_schedules_are_exactly_what_the_directory_says() -> None:
    schedules = _schedules()
    assert len(schedules) > 3000
    differ = [(s, describe_schedule(s, "en"), describe(s)) for s in schedules
              if describe_schedule(s, "en") != describe(s)]
    assert differ == []


@pytest.mark.parametrize(("schedule", "english", "welsh"), [
    (Schedule("weekly", (1,)), "Tuesdays", "Bob dydd Mawrth"),
    (Schedule("weekly", (1,), start=time(19, 30)), "Tuesdays, 19:30",
     "Bob dydd Mawrth am 19:30"),
    (Schedule("weekly", (0, 3), start=time(19, 30), end=time(21, 0)),
     "Mondays and Thursdays, 19:30-21:00", "Bob dydd Llun a dydd Iau, 19:30-21:00"),
    (Schedule("weekly", (0, 2, 4)), "Mondays, Wednesdays and Fridays",
     "Bob dydd Llun, dydd Mercher a dydd Gwener"),
    (Schedule("fortnightly", (1,), anchor=date(2026, 1, 6)), "Every other Tuesday",
     "Bob yn ail ddydd Mawrth"),
    (Schedule("fortnightly", (1, 3), start=time(18, 0), end=time(19, 0)),
     "Every other Tuesday and Thursday, 18:00-19:00",
     "Bob yn ail ddydd Mawrth a dydd Iau, 18:00-19:00"),
    (Schedule("monthly", (0,), (1,)), "1st Monday of the month", "Dydd Llun cyntaf y mis"),
    (Schedule("monthly", (0,), (2,)), "2nd Monday of the month", "Ail ddydd Llun y mis"),
    (Schedule("monthly", (3,), (3,), start=time(10, 0)), "3rd Thursday of the month, 10:00",
     "Trydydd dydd Iau y mis am 10:00"),
    (Schedule("monthly", (4,), (-1,), start=time(19, 0)), "last Friday of the month, 19:00",
     "Dydd Gwener olaf y mis am 19:00"),
    (Schedule("monthly", (0,), (1, 3)), "1st and 3rd Monday of the month",
     "Dydd Llun cyntaf a thrydydd y mis"),
    (Schedule("monthly", (1,), (-1, 2)), "2nd and last Tuesday of the month",
     "Dydd Mawrth ail ac olaf y mis"),
    (Schedule("appointment"), "By appointment", "Drwy apwyntiad"),
    (Schedule("always_open"), "Open any time", "Ar agor unrhyw bryd"),
    (Schedule("weekly"), "Times not known", "Amseroedd ddim yn hysbys"),
])
def test_schedules_in_both_languages(schedule: Schedule, english: str, welsh: str) -> None:
    assert describe_schedule(schedule, "en") == english == describe(schedule)
    assert describe_schedule(schedule, "cy") == welsh


def test_a_language_without_a_catalogue_gets_english_schedules() -> None:
    s = Schedule("weekly", (5,), start=time(11, 0))
    assert describe_schedule(s, "pl") == "Saturdays, 11:00"


def test_distances_in_both_languages() -> None:
    assert [distance(km, "en") for km in (0.04, 1.234, 9.96, 12.6)] == \
        ["0.0 km away", "1.2 km away", "10.0 km away", "13 km away"]
    assert distance(1.234, "cy") == "1.2 km i ffwrdd"
    assert distance(25.0, "cy") == "25 km i ffwrdd"


def test_next_meeting_and_dates_in_both_languages() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=LONDON)  # a Monday
    today = datetime(2026, 3, 2, 19, 30, tzinfo=LONDON)
    tomorrow = today + timedelta(days=1)
    later = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 18:00 GMT, Tuesday 10 March
    summer = datetime(2026, 7, 1, 18, 0, tzinfo=UTC)  # 19:00 in London (BST)
    # English as bot/conversation.py `_when` and bot/broadcasts/dialogue.py show it.
    assert describe_when(today, now, "en") == "today 19:30"
    assert describe_when(tomorrow, now, "en") == "tomorrow 19:30"
    assert describe_when(later, now, "en") == \
        later.astimezone(LONDON).strftime("%a %d %b %H:%M") == "Tue 10 Mar 18:00"
    assert describe_when(summer, now, "en") == "Wed 01 Jul 19:00"
    assert describe_when_year(summer, "en") == \
        summer.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")
    assert format_date(date(2026, 3, 5), "en") == date(2026, 3, 5).strftime("%d %b %Y")
    assert describe_when(today, now, "cy") == "heddiw am 19:30"
    assert describe_when(tomorrow, now, "cy") == "yfory am 19:30"
    assert describe_when(later, now, "cy") == "Dydd Mawrth 10 Mawrth am 18:00"
    assert describe_when_year(summer, "cy") == "Dydd Mercher 1 Gorffennaf 2026 am 19:00"
    assert format_date(date(2026, 3, 5), "cy") == "5 Mawrth 2026"
