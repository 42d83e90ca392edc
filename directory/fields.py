"""The listing fields volunteers may edit, each with a parser that turns what they type
into stored values or a clear, kind reason why not. Shared by every platform."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from directory.filters import ACCESS_WORDS, AUDIENCE_WORDS, LANGUAGE_NAMES
from directory.geography import Gazetteer
from directory.models import ACCESSIBILITY, AUDIENCES
from directory.schedule import DAY_NAMES, LONDON, Schedule, describe
from directory.validation import LANGUAGE_NAMES as IMPORT_LANGUAGE_NAMES
from directory.validation import is_uk_phone, is_web_address, normalise_postcode
from directory.value_words import LANGUAGES as OTHER_LANGUAGES
from directory.value_words import ValueWords, compiled, fold, phrase


class Invalid(ValueError):
    """A value that cannot be used: `key` names the message shown to the volunteer in
    the bot's catalogues (bot/catalogue.py "v_err_..."), `values` fill it in, so the
    directory says what is wrong and the bot says it in the volunteer's language."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    example: str
    parse: Callable[[str, Gazetteer], dict[str, Any]]
    columns: tuple[str, ...]


# A whole answer that clears a field, in every language ("none", "-", "dim").
_CLEAR_OTHER = frozenset(fold(w) for words in OTHER_LANGUAGES.values() for w in words.clear)


def _clears(value: str) -> bool:
    return value in ("-", "none", "remove") or fold(value) in _CLEAR_OTHER


def _text(column: str, limit: int, required: bool = False) -> Callable[[str, Gazetteer],
                                                                       dict[str, Any]]:
    def parse(value: str, _geo: Gazetteer) -> dict[str, Any]:
        value = value.strip()
        if _clears(value) and not required:
            return {column: None}
        if not value:
            raise Invalid("v_err_empty")
        if len(value) > limit:
            raise Invalid("v_err_too_long", n=len(value), limit=limit)
        return {column: value}
    return parse


def _phone(value: str, _geo: Gazetteer) -> dict[str, Any]:
    value = value.strip()
    if _clears(value):
        return {"phone": None}
    if not is_uk_phone(value):
        raise Invalid("v_err_phone")
    return {"phone": value}


def _web(column: str) -> Callable[[str, Gazetteer], dict[str, Any]]:
    def parse(value: str, _geo: Gazetteer) -> dict[str, Any]:
        value = value.strip()
        if _clears(value):
            return {column: None}
        if not value.startswith(("http://", "https://")):
            value = "https://" + value
        if not is_web_address(value):
            raise Invalid("v_err_web")
        return {column: value}
    return parse


def _postcode(value: str, geo: Gazetteer) -> dict[str, Any]:
    code = normalise_postcode(value)
    if code is None:
        raise Invalid("v_err_postcode")
    found = geo.resolve(code)
    if found.status != "found" or found.place is None:
        raise Invalid("v_err_postcode_unknown", code=code)
    return {"postcode": code, "latitude": found.place.latitude,
            "longitude": found.place.longitude, "location_approximate": True}


TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"


def _clock(h: str, m: str | None, ampm: str | None) -> time:
    hour, minute = int(h), int(m or 0)
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise Invalid("v_err_clock", time=f"{h}:{m or '00'}")
    return time(hour, minute)


def _times(value: str, _geo: Gazetteer) -> dict[str, Any]:
    m = re.fullmatch(TIME + r"\s*(?:-|to|until|–)\s*" + TIME, value.strip().lower())
    if m:
        start = _clock(m[1], m[2], m[3] or m[6])
        end = _clock(m[4], m[5], m[6])
        if end == start:
            raise Invalid("v_err_same_times")
        return {"start_time": start, "end_time": end}
    m = re.fullmatch(TIME, value.strip().lower())
    if m:
        return {"start_time": _clock(m[1], m[2], m[3]), "end_time": None}
    for pattern, am, pm in _TIME_WORDS:
        if (found := _times_in(value, pattern, am, pm)) is not None:
            return found
    raise Invalid("v_err_time")


def _time_pattern(words: ValueWords) -> re.Pattern[str]:
    """A language's times: "7yh", "19:30", "am 7yh tan 9yh", "rhwng 7 a 9yh"."""
    ampm = phrase((*words.am, *words.pm)).replace(r"(?<![\w'])", "")
    one = r"(\d{1,2})(?:[:.](\d{2}))?\s*(" + ampm + ")?"
    lead = phrase(words.time_from)
    sep = r"(?:\s*(?:-|–)\s*|\s+" + phrase((*words.time_range, *words.time_and)) + r"\s+)"
    return re.compile(rf"(?:{lead}\s+)?{one}(?:{sep}{one})?", re.IGNORECASE)


_TIME_WORDS = tuple((_time_pattern(w), compiled(w.am), compiled(w.pm))
                    for w in OTHER_LANGUAGES.values())


def _times_in(value: str, pattern: re.Pattern[str], am: re.Pattern[str],
              pm: re.Pattern[str]) -> dict[str, Any] | None:
    """Times in a language's words, or None when they are not."""
    m = pattern.fullmatch(value.strip())
    if m is None:
        return None

    def half(said: str | None) -> str | None:
        if not said:
            return None
        return "pm" if pm.fullmatch(said) else "am" if am.fullmatch(said) else None

    first, second = half(m[3]), half(m[6])
    if m[4] is None:
        return {"start_time": _clock(m[1], m[2], first), "end_time": None}
    start, end = _clock(m[1], m[2], first or second), _clock(m[4], m[5], second)
    if end == start:
        raise Invalid("v_err_same_times")
    return {"start_time": start, "end_time": end}


DAY_WORDS = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
DAY_WORDS |= {name[:3].lower(): i for i, name in enumerate(DAY_NAMES)}
ORDINAL_WORDS = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3,
                 "4th": 4, "fourth": 4, "last": -1}


def parse_schedule(value: str, today: date | None = None) -> dict[str, Any]:
    """"Mondays and Thursdays", "every other Tuesday", "2nd Monday", "last Friday of the
    month", "by appointment", "always open"."""
    text = value.strip().lower()
    if re.search(r"\bappointment\b", text):
        return {"schedule_kind": "appointment", "days": [], "month_weeks": [],
                "anchor_date": None}
    if re.search(r"\b(always open|24/7|any time|anytime)\b", text):
        return {"schedule_kind": "always_open", "days": [], "month_weeks": [],
                "anchor_date": None}
    words = re.findall(r"[a-z0-9]+", text)
    days = sorted({DAY_WORDS[w.rstrip("s")] for w in words if w.rstrip("s") in DAY_WORDS}
                  | {DAY_WORDS[w] for w in words if w in DAY_WORDS})
    if not days:
        for lang in _SCHEDULE_WORDS.values():
            if (found := _schedule_in(text, lang, today)) is not None:
                return found
        raise Invalid("v_err_no_day")
    weeks = sorted({ORDINAL_WORDS[w] for w in words if w in ORDINAL_WORDS},
                   key=lambda w: (w < 0, w))  # 1st, 2nd, ..., last
    if weeks:
        return {"schedule_kind": "monthly", "days": days, "month_weeks": weeks,
                "anchor_date": None}
    if re.search(r"\b(fortnightly|every other|every second|alternate)\b", text):
        today = today or datetime.now(LONDON).date()
        ahead = (days[0] - today.weekday()) % 7
        return {"schedule_kind": "fortnightly", "days": days, "month_weeks": [],
                "anchor_date": today + timedelta(days=ahead)}
    return {"schedule_kind": "weekly", "days": days, "month_weeks": [], "anchor_date": None}


@dataclass(frozen=True, slots=True)
class _ScheduleWords:
    days: tuple[tuple[int, re.Pattern[str]], ...]
    ordinals: tuple[tuple[int, re.Pattern[str]], ...]
    fortnightly: re.Pattern[str]
    appointment: re.Pattern[str]
    always_open: re.Pattern[str]


_SCHEDULE_WORDS = {code: _ScheduleWords(
    tuple((day, compiled(names)) for day, names in w.days.items()),
    tuple((n, compiled(o for o, m in w.ordinals.items() if m == n))
          for n in sorted(set(w.ordinals.values()))),
    compiled(w.fortnightly), compiled(w.appointment), compiled(w.always_open))
    for code, w in OTHER_LANGUAGES.items()}


def _schedule_in(text: str, w: _ScheduleWords, today: date | None) -> dict[str, Any] | None:
    """A schedule in one language's words ("dydd Llun a nos Iau", "bob yn ail ddydd
    Mawrth", "ail a dydd Sadwrn olaf y mis", "drwy apwyntiad"); None if it names no day."""
    if w.appointment.search(text):
        return {"schedule_kind": "appointment", "days": [], "month_weeks": [],
                "anchor_date": None}
    if w.always_open.search(text):
        return {"schedule_kind": "always_open", "days": [], "month_weeks": [],
                "anchor_date": None}
    # "bob yn ail" (every other) holds "ail" (second): read and taken out first.
    fortnightly = bool(w.fortnightly.search(text))
    rest = w.fortnightly.sub(" ", text)
    days = sorted(day for day, pattern in w.days if pattern.search(rest))
    if not days:
        return None
    weeks = sorted((n for n, pattern in w.ordinals if pattern.search(rest)),
                   key=lambda n: (n < 0, n))
    if weeks:
        return {"schedule_kind": "monthly", "days": days, "month_weeks": weeks,
                "anchor_date": None}
    if fortnightly:
        today = today or datetime.now(LONDON).date()
        ahead = (days[0] - today.weekday()) % 7
        return {"schedule_kind": "fortnightly", "days": days, "month_weeks": [],
                "anchor_date": today + timedelta(days=ahead)}
    return {"schedule_kind": "weekly", "days": days, "month_weeks": [], "anchor_date": None}


def _schedule(value: str, _geo: Gazetteer) -> dict[str, Any]:
    return parse_schedule(value)


# Who a group is for, its access and its languages, as a volunteer reads them back (and
# the command line shows them); codes as in directory/models.py.
LABELS = {
    "women": "women only", "men": "men only", "lgbtq": "LGBTQ+",
    "young_people": "young people", "older_people": "older people", "families": "families",
    "veterans": "veterans", "bame": "ethnic minorities", "newcomers": "newcomers",
    "open": "open meeting", "closed": "closed meeting",
    "wheelchair": "wheelchair access", "hearing_loop": "hearing loop",
    "step_free": "step-free", "accessible_toilet": "accessible toilet",
    "parking": "parking", "public_transport": "public transport", "childcare": "childcare",
    "interpreter": "interpreter", "bsl": "BSL",
}
# Words a volunteer may use that the search's tables (directory/filters.py) leave out:
# there a word must be a request ("a family group"); here it only names the code.
_MORE_AUDIENCE = {
    "families": r"\bfamil(?:y|ies)\b",
    "veterans": r"\b(?:veterans?|ex[- ]?(?:forces|services?|military)|armed forces)\b",
    "bame": r"\b(?:bame|bme|ethnic minorit(?:y|ies)|black,? asian and minority ethnic)\b",
    "open": r"\bopen(?: to (?:all|everyone|anyone))?\b",
    "closed": r"\bclosed\b",
}
_MORE_ACCESS = {
    "wheelchair": r"\bdisabled access\b",
    "step_free": r"\blifts?\b",
    "public_transport": r"\b(?:public transport|(?:near (?:a |the )?)?(?:bus (?:stop|route)s?|"
                        r"(?:train|tube|railway) station)|near (?:a |the )?(?:bus|train|tram)"
                        r"\w*)\b",
    "childcare": r"\b(?:childcare|creche|crèche)\b",
    "interpreter": r"\binterpret(?:er|ers|ing)\b",
}
# Words that say nothing about a code ("women only", "wheelchair accessible").
_FILLER = frozenset(
    "and or plus also too both only just the a an for to of with is are it's its has have "
    "we our there there's all everyone anyone welcome welcomed welcoming friendly meeting "
    "meetings group groups session sessions people access accessible available in speaking "
    "speakers speaker spoken language languages mainly mostly some".split())
_NEGATION = frozenset("no not isn't isnt without non never".split())
CLEAR_WORDS = frozenset({"none", "-", "remove", "clear", "nothing", "n/a"})


def _code_patterns(codes: tuple[str, ...], *tables: dict[str, str]) -> list[tuple[str, str]]:
    """Each code's patterns: the code itself ("step_free", "step free", "step-free"), then
    the words of each table."""
    out = [(c, r"\b" + c.replace("_", r"[\s_-]?") + r"s?\b") for c in codes]
    return out + [(code, p) for table in tables for code, p in table.items()]


def _language_names() -> dict[str, str]:
    """Language code -> a name to show, from the search's table, then the importer's."""
    names = {code: names.split("|")[0].title() for code, names in LANGUAGE_NAMES.items()}
    for name, code in IMPORT_LANGUAGE_NAMES.items():
        names.setdefault(code, name.title())
    return names


LANGUAGE_LABELS = _language_names()
_LANGUAGE_WORDS = [(code, rf"\b(?:{names})\b") for code, names in LANGUAGE_NAMES.items()]
_LANGUAGE_WORDS += [("cy", r"\bcymraeg\b")]
_LANGUAGE_WORDS += [(code, rf"\b{re.escape(name)}\b")
                    for name, code in IMPORT_LANGUAGE_NAMES.items()
                    if not any(re.fullmatch(p, name) for _c, p in _LANGUAGE_WORDS)]


def _other(table: str) -> list[tuple[str, str]]:
    """Each other language's words for codes (value_words_cy.AUDIENCE...), as patterns."""
    return [(code, phrase(words)) for lang in OTHER_LANGUAGES.values()
            for code, words in getattr(lang, table).items()]


_LANGUAGE_WORDS += _other("languages")
_OTHER_FILLER = frozenset(fold(w) for lang in OTHER_LANGUAGES.values() for w in lang.filler
                          if " " not in w)
_OTHER_FILLER_PHRASES = compiled(w for lang in OTHER_LANGUAGES.values() for w in lang.filler
                                 if " " in w)
_OTHER_NEGATION = frozenset(fold(w) for lang in OTHER_LANGUAGES.values()
                            for w in lang.negation)


def language_label(code: str) -> str:
    return LANGUAGE_LABELS.get(code, code)


def _read_codes(value: str, patterns: list[tuple[str, str]], what: str, understood: str,
                bare_codes: frozenset[str] = frozenset()) -> list[str]:
    """The codes a volunteer's words name, in the order said; [] for "none"; Invalid
    naming what was not understood."""
    text = value.strip().lower()
    if text in CLEAR_WORDS or fold(text) in _CLEAR_OTHER:
        return []
    found: dict[str, int] = {}  # code -> where it was first said
    spans: list[tuple[int, int]] = []
    for code, pattern in patterns:
        for m in re.finditer(pattern, text):
            found[code] = min(found.get(code, m.start()), m.start())
            spans.append(m.span())
    rest = text
    for start, end in spans:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    rest = _OTHER_FILLER_PHRASES.sub(lambda m: " " * len(m[0]), rest)
    left = []
    for m in re.finditer(r"[\w']+", rest):
        if m[0] in bare_codes:
            found.setdefault(m[0], m.start())
        elif m[0] not in _FILLER and fold(m[0]) not in _OTHER_FILLER:
            left.append(m[0])
    if any(w in _NEGATION or fold(w) in _OTHER_NEGATION for w in left):
        raise Invalid("v_err_codes_only", what=what, understood=understood)
    if left or not found:
        said = " ".join(left) or value.strip()
        raise Invalid("v_err_code_unknown", said=said, what=what, understood=understood)
    return sorted(found, key=found.__getitem__)


def _listed(codes: tuple[str, ...]) -> str:
    return ", ".join(LABELS.get(c, c) for c in codes)


_AUDIENCE_WORDS = _code_patterns(AUDIENCES, AUDIENCE_WORDS, _MORE_AUDIENCE) + _other("audience")
_ACCESS_WORDS = _code_patterns(ACCESSIBILITY, ACCESS_WORDS, _MORE_ACCESS) + _other("access")


def _audience(value: str, _geo: Gazetteer) -> dict[str, Any]:
    return {"audience": _read_codes(value, _AUDIENCE_WORDS, "who a group is for",
                                    _listed(AUDIENCES))}


def _access(value: str, _geo: Gazetteer) -> dict[str, Any]:
    return {"accessibility": _read_codes(value, _ACCESS_WORDS, "access",
                                         _listed(ACCESSIBILITY))}


def _languages(value: str, _geo: Gazetteer) -> dict[str, Any]:
    names = ", ".join(sorted(LANGUAGE_LABELS.values()))
    return {"languages": _read_codes(
        value, _LANGUAGE_WORDS, "a language",
        f"{names}, or two-letter codes such as cy or en", frozenset(LANGUAGE_LABELS))}


FIELDS: tuple[Field, ...] = (
    Field("name", "Name", "Leeds Tuesday Recovery Café", _text("name", 300, required=True),
          ("name",)),
    Field("schedule", "Days", "Mondays and Thursdays, or 2nd Monday", _schedule,
          ("schedule_kind", "days", "month_weeks", "anchor_date")),
    Field("times", "Times", "19:30-21:00", _times, ("start_time", "end_time")),
    Field("venue", "Venue name", "St Mary's Church Hall", _text("venue_name", 300),
          ("venue_name",)),
    Field("address", "Address", "12 High Street, Leeds", _text("address", 500),
          ("address",)),
    Field("postcode", "Postcode", "LS1 5DL", _postcode,
          ("postcode", "latitude", "longitude", "location_approximate")),
    Field("phone", "Phone", "0113 496 0000", _phone, ("phone",)),
    Field("website", "Website", "https://example.org", _web("website"), ("website",)),
    Field("join", "Online join link", "https://zoom.us/j/123", _web("online_url"),
          ("online_url",)),
    Field("description", "Description", "A friendly peer group...",
          _text("description", 1000), ("description",)),
    Field("notes", "Notes", "Ring the side door bell", _text("notes", 1000), ("notes",)),
    # Last, so the buttons of a picker already shown (vf<position>) keep their meaning.
    Field("audience", "Who it's for", "women only, newcomers", _audience, ("audience",)),
    Field("access", "Access", "step-free, hearing loop", _access, ("accessibility",)),
    Field("languages", "Languages", "English and Welsh", _languages, ("languages",)),
)
BY_KEY = {f.key: f for f in FIELDS}


def example(field: Field, lang: str | None) -> str:
    """The field's example in `lang` (directory/value_words_cy.py EXAMPLES), so a Welsh
    prompt shows a Welsh value that parses; English, or a field with none, as written."""
    words = OTHER_LANGUAGES.get(lang or "")
    return words.examples.get(field.key, field.example) if words else field.example


def _translated(code: str, part: str, limit: int) -> Callable[[str, Gazetteer],
                                                              dict[str, Any]]:
    """One part of the listing's translations; "-" removes it. Only this part is given:
    curation.draft merges it into the listing's other translations (with_translations)."""
    plain = _text(part, limit)

    def parse(value: str, geo: Gazetteer) -> dict[str, Any]:
        return {"translations": {code: {part: plain(value, geo)[part]}}}
    return parse


def translation_fields(codes: Iterable[str]) -> tuple[Field, ...]:
    """The name and description in each of these languages, as editable fields keyed
    "name_<code>" and "description_<code>". The bot passes the languages it speaks
    (bot/catalogue.py CATALOGUES), so a new catalogue brings its fields with it."""
    return tuple(field for code in codes for field in (
        Field(f"name_{code}", f"Name ({code})", "Grŵp Adfer Caerdydd",
              _translated(code, "name", 300), ("translations",)),
        Field(f"description_{code}", f"Description ({code})", "Grŵp cyfeillgar...",
              _translated(code, "description", 1000), ("translations",)),
    ))


def with_translations(current: dict[str, Any] | None, values: dict[str, Any]
                      ) -> dict[str, Any]:
    """`values` with a partial "translations" ({"cy": {"name": ..}}, None to remove)
    merged into the listing's `current` ones, so that setting the Welsh name keeps the
    Welsh description; a language left with nothing is dropped."""
    if "translations" not in values:
        return values
    merged = {code: dict(parts) for code, parts in (current or {}).items()}
    for code, parts in values["translations"].items():
        own = merged.setdefault(code, {})
        for part, text in parts.items():
            if text is None:
                own.pop(part, None)
            else:
                own[part] = text
        if not own:
            del merged[code]
    return {**values, "translations": merged}


# What a preview shows for a cleared value (bot/volunteers/dialogue.py translates it).
NONE_SHOWN = "(none)"


def show(values: dict[str, Any]) -> str:
    """A value as a volunteer reads it in a preview."""
    if "schedule_kind" in values:
        return describe(Schedule(values["schedule_kind"], tuple(values.get("days") or ()),
                                 tuple(values.get("month_weeks") or ())))
    if "start_time" in values:
        start, end = values["start_time"], values.get("end_time")
        as_time = [v if isinstance(v, time) or v is None else time.fromisoformat(v)
                   for v in (start, end)]
        if as_time[0] is None:
            return NONE_SHOWN
        return as_time[0].strftime("%H:%M") + (f"-{as_time[1]:%H:%M}" if as_time[1] else "")
    if "languages" in values:
        return ", ".join(map(language_label, values["languages"] or ())) or NONE_SHOWN
    for column in ("audience", "accessibility"):
        if column in values:
            return _listed(tuple(values[column] or ())) or NONE_SHOWN
    if "translations" in values:  # the texts themselves: "Grŵp Adfer · Grŵp cyfeillgar"
        texts = [str(text) for parts in (values["translations"] or {}).values()
                 for text in parts.values() if text]
        return " · ".join(texts)[:300] or NONE_SHOWN
    first = next(iter(values.values()), None)
    return NONE_SHOWN if first in (None, "") else str(first)
