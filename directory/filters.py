"""What people ask of a meeting besides a need and a place, said in everyday words:
who it is for ("a women's meeting"), access ("step-free"), how it is held ("online",
"in person"), its language ("in Welsh") and when ("tonight", "Saturday morning",
"after 6", "open now", "starting soon").

`find_filters(text)` reads them into `Filters`: codes only, never the words, so they can
be kept in the conversation state and shown back. `When` codes are worked out into a
window of start times at search time (`window`), in UK time (Europe/London) whatever the
clocks are doing, so "tonight" is always tonight.

Codes follow the directory's (directory/models.py AUDIENCES, ACCESSIBILITY, Attendance;
ISO 639-1 languages), as Meeting Guide types and Open Referral fields are imported into
them; the time words follow what meeting finders offer (the Meeting Guide app and
tsml-ui: morning, midday, evening, night, "in progress", "starting soon").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from directory.schedule import LONDON, Schedule, starts_between, under_way
from directory.value_words import LANGUAGES as OTHER_LANGUAGES
from directory.value_words import ValueWords, compiled, phrase

# A message asks for something only if it says so; "tonight I relapsed" or "I'm in a
# wheelchair" state a fact. These words make it a request.
_ASK = re.compile(
    r"\b(?:meetings?|groups?|sessions?|caf[eé]s?|gatherings?|anything|something|somewhere|"
    r"any(?:one|where)?|find|finding|looking|look for|search|is there|are there|need|want|"
    r"wanna|like to|go to|get to|attend|join|recommend|show me|open|on|running|happening|"
    r"available|friendly|only|welcome|suitable|access(?:ible)?|support|recovery|aa|na|"
    r"ca|ga|cma|smart|al-?anon|alateen|fellowship)\b", re.IGNORECASE)

# "My dad drinks" names who the help is for (the family need), not a men's meeting:
# parents' words count as an audience unless someone's own relative.
_NOT_A_RELATIVE = r"(?<!\bmy )(?<!\bour )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bmy step)"
AUDIENCE_WORDS = {
    "women": rf"\b(?:wom[ae]n'?s?|ladies|female|girls?'?|{_NOT_A_RELATIVE}(?:mums?|mothers))\b",
    "men": rf"\b(?:men'?s?|male|blokes?|lads|{_NOT_A_RELATIVE}(?:dads?|fathers))\b",
    "lgbtq": r"\b(?:lgbt\w*|queer|gay|lesbians?|trans|bisexual|non[- ]binary)\b",
    "young_people": r"\b(?:young(?:er)? (?:people|persons?|adults?|ones|folk)|youth|teens?|"
                    r"teenagers?|under[- ]?(?:18|21|25|26|30|35)s?|students?|"
                    r"(?:in my|people in their) (?:teens|twenties|20s))\b",
    "older_people": r"\b(?:older (?:people|persons?|adults?|folk|members)|"
                    r"over[- ]?(?:50|55|60|65|70)s?|pensioners?|seniors?|"
                    r"retired (?:people|folk)|later life)\b",
    "families": r"\b(?:family[- ]friendly|families welcome|child[- ]friendly|creche|"
                r"(?:bring|with) (?:my |the )?(?:kids|children|baby|toddler)|"
                r"(?:for|group for|meeting for) (?:families|parents|relatives|family members)|"
                r"famil(?:y|ies) (?:group|meeting|support group))\b",
    "newcomers": r"\b(?:newcomers?|new ?comers?|beginners?|first[- ]timers?|"
                 r"first (?:time|meeting|ever)|never been (?:to|before)|"
                 r"new to (?:this|recovery|meetings|aa|na|ca|smart|it))\b",
}
ACCESS_WORDS = {
    "wheelchair": r"\bwheel ?chairs?\b",
    "step_free": r"\b(?:step[- ]free|no (?:stairs|steps)|level access|ground floor|"
                 r"without (?:stairs|steps)|(?:with )?a lift|ramp)\b",
    "hearing_loop": r"\b(?:hearing|induction) loop\b",
    "bsl": r"\b(?:bsl|british sign language|sign language|signed|interpreter for deaf|"
           r"deaf[- ]friendly)\b",
    "accessible_toilet": r"\b(?:accessible|disabled) (?:toilets?|loos?|wc|bathroom)\b",
    "parking": r"\b(?:parking|car park)\b",
}
_ATTENDANCE = {
    # "online gambling", "online betting": the addiction, not how to meet.
    "online": r"\b(?:online|on-line|zoom|virtual|video(?: call| meeting)?|ms teams)\b"
              r"(?! (?:gambl|bet|casino|gam|porn|shop|poker|slot|bingo))",
    "in_person": r"\b(?:in[- ]person|face[- ]to[- ]face|f2f|not online|real life|irl|"
                 r"physical (?:meeting|group)|in a (?:room|hall)|proper (?:meeting|room))\b",
    "hybrid": r"\bhybrid\b",
    "phone": r"\b(?:by (?:tele)?phone|over the (?:tele)?phone|on the (?:tele)?phone|"
             r"(?:tele)?phone (?:meetings?|groups?|in|based)|dial[- ]in|call[- ]in|"
             r"conference call)\b",
}
# Languages of the UK's larger communities (ISO 639-1), asked for as "in Polish",
# "Polish-speaking", "a Polish meeting"; the bare adjective ("my Polish colleague")
# is not a request.
LANGUAGE_NAMES = {
    "cy": "welsh", "pl": "polish", "pa": "punjabi", "ur": "urdu", "es": "spanish",
    "ro": "romanian", "ar": "arabic", "pt": "portuguese", "bn": "bengali|bangla",
    "lt": "lithuanian", "so": "somali", "gu": "gujarati", "it": "italian", "fr": "french",
    "de": "german", "ru": "russian", "uk": "ukrainian", "tr": "turkish", "fa": "farsi|persian",
    "ta": "tamil", "zh": "chinese|mandarin|cantonese", "gd": "gaelic|g[aà]idhlig",
    "ga": "irish", "hi": "hindi", "ku": "kurdish", "bg": "bulgarian", "hu": "hungarian",
}
_LANGUAGES = {
    code: rf"\b(?:in (?:{names})|(?:{names})[- ](?:language|speaking|speakers?|speaker)|"
          rf"(?:{names}) (?:meetings?|groups?|sessions?))\b"
    for code, names in LANGUAGE_NAMES.items()
}
_LANGUAGES["cy"] += r"|\bcymraeg\b|\byn gymraeg\b"
_LANGUAGES["pl"] += r"|\bpo polsku\b"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Whole day names; the short forms ("sat", "wed", "sun") are everyday words too, so they
# count only after "on", "this" or "next".
_DAY_WORD = (r"(?:(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
             r"tues|weds|thurs)s?|"
             r"(?:on|this|next) (?P<short>mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b)")
_PART = r"(?:\s+(?P<part>morning|afternoon|arvo|evening|night|lunch ?time|am|pm))?"
# A day said about the past or a habit is not when they want to go.
_NOT_WHEN = r"(?<!since )(?<!last )(?<!every )(?<!sober )"
# "after 2 years", "by 3 drinks": a number of things, not a time.
_NOT_COUNT = (r"(?!\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|mins?|minutes?|"
              r"drinks?|pints?|bottles?|cans?|units?|kids?|children|times|lines|grams?|"
              r"g\b|pills?|quid|pounds?|%))")
_WHEN: tuple[tuple[str, re.Pattern[str]], ...] = tuple((code, re.compile(p, re.IGNORECASE))
                                                      for code, p in (
    ("now", r"\b(?:right now|open now|on now|happening now|going on now|running now|"
            r"in progress|under ?way|currently (?:on|open|running)|live now|"
            r"(?:meetings?|groups?|anything|something|one) (?:on |open |running )?now)\b"),
    ("soon", r"\b(?:start(?:s|ing)? soon|soon(?:est)? (?:meeting|group)|next (?:hour|meeting)|"
             r"in the next (?:hour|couple of hours|two hours|2 hours?|few hours)|"
             r"within (?:an|the next|1|2|two) hours?)\b"),
    ("tomorrow", r"\b(?:tomorrow|tmrw|tmr|2moro|2morrow)" + _PART + r"\b"),
    ("tonight", r"\b(?:tonight|tonite|2nite|2night)\b"),
    ("this", r"\bthis (?P<part>morning|afternoon|arvo|evening)\b"),
    ("weekend", r"\b(?<!last )(?:this |the )?weekend\b"),
    ("day", r"\b" + _NOT_WHEN + r"(?:on |this |next )?" + _DAY_WORD + _PART),
    ("today", r"\b(?:today|tdy|later on|later today)\b"),
    ("after", r"\b(?:after|from) (?P<h>\d{1,2})(?::\d\d)?\s*(?P<ampm>am|pm)?\b" + _NOT_COUNT),
    ("before", r"\b(?:before|by) (?P<h>\d{1,2})(?::\d\d)?\s*(?P<ampm>am|pm)?\b" + _NOT_COUNT),
))


def _other_when(w: ValueWords) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The time words of another language (directory/value_words_cy.py), in the order
    of _WHEN, with the same group names; _other_groups turns their words into English
    ones. A day needs a word before it ("dydd Sadwrn", "nos Fawrth", "bore Sul"): the
    bare name may be a month or a word ("Mawrth" is also March)."""
    parts = "|".join(f"(?P<{{g}}_{p}>{phrase(words)})" for p, words in w.parts.items())
    ampm = phrase((*w.am, *w.pm)).replace(r"(?<![\w'])", "")
    hour = (r"\s+(?P<h>\d{1,2})(?::\d\d)?\s*(?P<ampm>" + ampm + r")?(?!\s*"
            + phrase(w.counted) + ")")
    this = "|".join(f"(?P<this_{p}>{phrase(words)})" for p, words in w.this.items())
    return tuple((code, re.compile(p, re.IGNORECASE)) for code, p in (
        ("now", phrase(w.now)),
        ("soon", phrase(w.soon)),
        ("tomorrow", rf"(?:(?:{parts.format(g='a')})\s+)?{phrase(w.tomorrow)}"
                     rf"(?:\s+(?:{parts.format(g='b')}))?"),
        ("tonight", phrase(w.tonight)),
        ("this", this),
        ("weekend", phrase(w.weekend)),
        ("day", rf"(?:(?P<not>{phrase(w.not_before_day)})\s+)?"
                rf"(?:(?:{parts.format(g='a')})\s+(?:{phrase(w.day_prefixes)}\s+)?|"
                rf"{phrase(w.day_prefixes)}\s+)"
                rf"(?P<day>{phrase(n for names in w.days.values() for n in names)})"
                rf"(?:\s+(?:{parts.format(g='b')}))?"
                rf"(?:\s+(?P<past>{phrase(w.not_after_day)}))?"),
        ("today", phrase(w.today)),
        ("after", phrase(w.after) + hour),
        ("before", phrase(w.before) + hour),
    ))


_OTHER_WHEN = tuple((w, _other_when(w), compiled(w.ask),
                     {day: compiled(names) for day, names in w.days.items()},
                     compiled(w.pm)) for w in OTHER_LANGUAGES.values())


def _other_groups(m: re.Match[str], days: dict[int, re.Pattern[str]],
                  pm: re.Pattern[str]) -> dict[str, str | None] | None:
    """A match of _other_when as the English groups _when_code reads; None for a day
    said as a habit or in the past ("bob nos Fawrth", "nos Sadwrn diwethaf")."""
    groups = {k: v for k, v in m.groupdict().items() if v}
    if "not" in groups or "past" in groups:
        return None
    out: dict[str, str | None] = {}
    for name in groups:
        if name.startswith(("a_", "b_", "this_")):
            out["part"] = name.partition("_")[2]
    if "day" in groups:
        out["day"] = next(DAYS[d] for d, p in days.items() if p.fullmatch(groups["day"]))
    if "h" in groups:
        out["h"] = groups["h"]
        out["ampm"] = ("pm" if pm.fullmatch(groups["ampm"]) else "am") \
            if "ampm" in groups else None
    return out


# Parts of the day, as meeting finders divide it (tsml-ui: morning 4-11:59, midday
# 12-16:59, evening 17-20:59, night 21-3:59); "tonight" is the evening and night.
PARTS = {"morning": (4, 12), "afternoon": (12, 17), "evening": (17, 24), "night": (21, 24)}
SOON_HOURS = 2
# "Now" takes in what starts in the next half hour: a person asking can still get there.
NOW_GRACE = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Filters:
    audience: frozenset[str] = frozenset()
    access: frozenset[str] = frozenset()
    attendance: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    when: str | None = None  # a When code: "now", "tonight", "sat_morning", "after:18"...
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.audience or self.access or self.attendance or self.languages
                    or self.when)

    def to_json(self) -> dict:
        return {k: sorted(v) for k, v in (("audience", self.audience),
                                          ("access", self.access),
                                          ("attendance", self.attendance),
                                          ("languages", self.languages)) if v} | (
            {"when": self.when} if self.when else {})

    @classmethod
    def from_json(cls, data: dict | None) -> Filters:
        data = data or {}
        return cls(frozenset(data.get("audience", ())), frozenset(data.get("access", ())),
                   frozenset(data.get("attendance", ())),
                   frozenset(data.get("languages", ())), data.get("when"))

    def merged(self, other: Filters) -> Filters:
        """These filters with `other`'s added (its time replaces ours)."""
        return Filters(self.audience | other.audience, self.access | other.access,
                       self.attendance | other.attendance, self.languages | other.languages,
                       other.when or self.when)


def find_filters(text: str, asking: bool = False) -> Filters:
    """The conditions a message asks for (nothing when it asks for nothing). `asking`:
    the message is known to be a request (it answers the bot's question, or names a
    need or place), so it needs no word of asking."""
    if not asking and not _ASK.search(text) and \
            not any(ask.search(text) for _w, _p, ask, _d, _pm in _OTHER_WHEN):
        return Filters()
    spans: list[tuple[int, int]] = []

    def codes(table: dict[str, str]) -> frozenset[str]:
        found = set()
        for code, pattern in table.items():
            for m in re.finditer(pattern, text, re.IGNORECASE):
                found.add(code)
                spans.append(m.span())
        return frozenset(found)

    audience, access = codes(AUDIENCE_WORDS), codes(ACCESS_WORDS)
    attendance, languages = codes(_ATTENDANCE), codes(_LANGUAGES)
    when = None
    for kind, pattern in _WHEN:
        m = pattern.search(text)
        if m is None:
            continue
        when = _when_code(kind, m)
        if when is not None:
            spans.append(m.span())
            break
    for _w, patterns, _ask, days, pm in _OTHER_WHEN if when is None else ():
        for kind, pattern in patterns:
            for m in pattern.finditer(text):
                groups = _other_groups(m, days, pm)
                if groups is not None and (when := _when_code(kind, groups)) is not None:
                    spans.append(m.span())
                    break
            if when is not None:
                break
        if when is not None:
            break
    return Filters(audience, access, attendance, languages, when, tuple(spans))


def _when_code(kind: str, m: re.Match[str] | dict[str, str | None]) -> str | None:
    groups = m if isinstance(m, dict) else m.groupdict()
    part = {"lunchtime": "afternoon", "arvo": "afternoon", "am": "morning",
            "pm": "afternoon"}.get((groups.get("part") or "").replace(" ", "").lower(),
                                   (groups.get("part") or "").lower())
    part = "evening" if part == "night" and kind != "tonight" else part
    if kind in ("now", "soon", "tonight", "weekend", "today"):
        return kind
    if kind == "this":
        return f"this_{part}"
    if kind == "tomorrow":
        return f"tomorrow_{part}" if part else "tomorrow"
    if kind == "day":
        said = (groups.get("day") or groups.get("short") or "")[:3].lower()
        day = DAYS[[d[:3] for d in DAYS].index(said)]
        return f"{day}_{part}" if part else day
    hour = int(groups["h"])
    ampm = (groups.get("ampm") or "").lower()
    if hour > 23 or (ampm and not 1 <= hour <= 12):
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and 1 <= hour <= 7:
        hour += 12  # "after 6": meetings are not at 6 in the morning
    return f"{kind}:{hour}"


@dataclass(frozen=True, slots=True)
class Window:
    """Meetings wanted: starting from `start` until `end`, or (`in_progress`) under way
    at `start` as well. Both in UTC (directory/schedule.py compares in UTC)."""

    start: datetime
    end: datetime
    in_progress: bool = False

    def matches(self, schedule: Schedule) -> bool:
        if self.in_progress and under_way(schedule, self.start):
            return True
        if schedule.kind == "always_open":
            return True
        # "Now" takes in a meeting starting exactly NOW_GRACE from now.
        end = self.end + timedelta(seconds=1) if self.in_progress else self.end
        return starts_between(schedule, self.start, end) is not None


def window(when: str, now: datetime) -> Window | None:
    """The start times a When code asks for, from `now` (aware), in UK time."""
    w = _window(when, now)
    return None if w is None else Window(w.start.astimezone(UTC), w.end.astimezone(UTC),
                                         w.in_progress)


def _window(when: str, now: datetime) -> Window | None:
    local = now.astimezone(LONDON)
    today = local.date()

    def at(day: date, hour: int) -> datetime:
        if hour >= 24:
            return datetime.combine(day + timedelta(days=1), time(0), LONDON)
        return datetime.combine(day, time(hour), LONDON)

    def span(day: date, part: str | None, weekly: bool = False) -> Window:
        lo, hi = PARTS[part] if part else (0, 24)
        if weekly and day == today and at(day, hi) <= local:
            day += timedelta(days=7)  # "Saturday morning", asked on Saturday afternoon
        start = max(at(day, lo), local) if day == today else at(day, lo)
        return Window(start, at(day, hi))

    if when == "now":
        return Window(now, now + NOW_GRACE, in_progress=True)
    if when == "soon":
        return Window(now, now + timedelta(hours=SOON_HOURS))
    if when == "today":
        return span(today, None)
    if when == "tonight":
        return Window(max(at(today, 17), local), at(today, 24))
    if when.startswith("this_"):
        return span(today, when[5:])
    if when.startswith("tomorrow"):
        part = when.partition("_")[2] or None
        return span(today + timedelta(days=1), part)
    if when == "weekend":
        sat = today + timedelta(days=5 - today.weekday()) if today.weekday() <= 5 else \
            today - timedelta(days=1)
        return Window(max(at(sat, 0), local), at(sat + timedelta(days=1), 24))
    if when[:3] in DAYS:
        ahead = (DAYS.index(when[:3]) - today.weekday()) % 7
        return span(today + timedelta(days=ahead), when.partition("_")[2] or None,
                    weekly=True)
    kind, _, hour = when.partition(":")
    if kind in ("after", "before") and hour.isdigit():
        edge = at(today, int(hour))
        if kind == "after":
            return Window(max(edge, local), at(today, 24))
        if edge <= local:  # "before 9", asked at noon: tomorrow, before 9
            tomorrow = today + timedelta(days=1)
            return Window(at(tomorrow, 0), at(tomorrow, int(hour)))
        return Window(local, edge)
    return None
