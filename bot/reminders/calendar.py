""""Add to calendar": one listing's meetings as an iCalendar file (RFC 5545).

One VEVENT whose RRULE is the listing's schedule (directory/schedule.py) in Europe/London
wall-clock time, so a 19:30 meeting stays at 19:30 across the clocks changing, with a
VTIMEZONE for Europe/London. What the file holds, and why:

- Only the listing. No attendee, no organiser, nothing about the person: the same file
  for anyone who asks (it also waits in the reply journal for two days, bot/claims.py).
  The UID comes from the listing's id, so adding it again (after a change of time, or
  with the other title) updates the one entry instead of adding a second; SEQUENCE is
  the listing's version, so the newer file wins.
- Discretion. Phones show calendar entries on lock screens and in widgets, so by
  default the SUMMARY is just "Meeting" ("Cyfarfod"), there is no DESCRIPTION, and
  LOCATION is the street address and postcode without the venue's name (a venue can be
  called "Recovery Hub"); a join link goes in URL only, which lock screens do not show.
  With the person's choice of a descriptive title ("Use its name") the SUMMARY is the
  listing's name, the LOCATION names the venue (or is the join link), and the
  DESCRIPTION names who runs it.
- An end. A file is a snapshot: it cannot follow the listing when its time or place
  changes, so the rule stops (UNTIL) after 12 weeks, the life of a reminder, but never
  before six meetings one can go to, so a monthly group gets half a year rather than
  two dates. UNTIL rather than COUNT: a span of time, whatever the frequency.
- Pauses. A temporarily closed listing's meetings are left out with EXDATE: every one
  before the reopening date its status note gives (`reopening_date`: a date after
  "until", "reopens", "back on"...: "closed until 14 January", "reopens 3/2/2027",
  "until March"), or only the next one when the note gives none (a pause whose end is
  not known: the following ones stay, and the details say it is closed). The six
  meetings the rule reaches at least are counted after the pause.
- Which schedules: weekly, fortnightly (with its anchor date: without one the weeks it
  meets are not known) and nth-weekday monthly, with a start time. Appointments,
  always-open services and listings without a start time get no file (`offers_file`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from bot.catalogue import t
from bot.types import Attachment
from directory.models import Listing, Status
from directory.schedule import LONDON, Schedule, occurs_on

MIME = "text/calendar"
TZID = "Europe/London"
HORIZON = timedelta(weeks=12)  # a reminder's life (issue 19): the rule ends after it...
MIN_MEETINGS = 6  # ...but not before this many meetings one can go to
SEARCH_DAYS = 800  # how far ahead to look for them (a monthly group paused for a year)
# RFC 5545 3.3.10 BYDAY and WKST weekday codes; 0 = Monday, as directory/schedule.py.
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A stable namespace for the events' UIDs (RFC 9562 name-based UUIDs; RFC 7986 5.3
# recommends a UUID): the same listing always gets the same UID, and the UID says
# nothing about what the listing is.
UID_NAMESPACE = uuid.UUID("7d0f7a52-3c4e-5b1e-9a57-2f4c6a1d8e90")
TITLES = ("meeting", "name")  # "Just 'Meeting'" / "Use its name"


def offers_file(listing: Listing) -> bool:
    """Whether "Add to calendar" is offered: a listing still running whose meetings fall
    on dates and times a calendar rule can say."""
    s = schedule_of(listing)
    return (listing.status != Status.CLOSED.value and s.meets and s.start is not None
            and (s.kind != "fortnightly" or s.anchor is not None))


def schedule_of(listing: Listing) -> Schedule:
    return Schedule(listing.schedule_kind, tuple(listing.days or ()),
                    tuple(listing.month_weeks or ()), listing.anchor_date,
                    listing.start_time, listing.end_time)


def calendar_attachment(listing: Listing, *, title: str, now: datetime,
                        lang: str) -> Attachment:
    """The file as a reply carries it. Its name is as discreet as its title."""
    if title == "name":
        name = re.sub(r"[^a-z0-9]+", "-", listing.slug.lower()).strip("-")[:60] or "meeting"
    else:
        name = t("cal_filename", lang)
    return Attachment(f"{name}.ics", MIME, calendar_file(listing, title=title, now=now,
                                                         lang=lang))


def calendar_file(listing: Listing, *, title: str, now: datetime, lang: str) -> bytes:
    """The listing's meetings from `now` as an iCalendar file. `title`: "meeting" (the
    discreet default) or "name" (the listing's name, in `lang` where it has one).
    ValueError for a listing `offers_file` refuses."""
    if title not in TITLES:
        raise ValueError(f"title must be one of {TITLES}, not {title!r}")
    if not offers_file(listing):
        raise ValueError(f"listing {listing.slug}: no calendar file for a "
                         f"{listing.schedule_kind} schedule without dates and a start time")
    s = schedule_of(listing)
    meetings = list(_meetings(s, now))
    if not meetings:
        raise ValueError(f"listing {listing.slug}: no meeting in the next {SEARCH_DAYS} days")
    skipped = set(_paused(listing, meetings, now))
    open_days = [m.date() for m in meetings if m not in skipped]
    last_day = (now.astimezone(LONDON) + HORIZON).date()
    if len(open_days) >= MIN_MEETINGS:
        last_day = max(last_day, open_days[MIN_MEETINGS - 1])
    meetings = [m for m in meetings if m.date() <= last_day]
    first = meetings[0]

    event = Event()
    event.add("uid", f"{uuid.uuid5(UID_NAMESPACE, f'listing:{listing.id}')}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", max(0, int(listing.version or 0)))
    event.add("dtstart", first)
    event.add("dtend", _end(s, first))
    # RFC 5545 3.3.10: with a DTSTART in a time zone, UNTIL is given in UTC.
    until = datetime.combine(last_day, time(23, 59, 59), LONDON).astimezone(UTC)
    event.add("rrule", _rule(s, until))
    excluded = [m for m in meetings if m in skipped]
    if excluded:
        event.add("exdate", excluded)
    descriptive = title == "name"
    own = (listing.translations or {}).get(lang) or {}
    event.add("summary", (own.get("name") or listing.name) if descriptive
              else t("cal_summary", lang))
    online = listing.attendance in ("online", "hybrid") and listing.online_url
    in_person = listing.attendance in ("in_person", "hybrid")
    parts = [listing.venue_name if descriptive else None, listing.address, listing.postcode]
    address = ", ".join(p.strip() for p in parts if p and p.strip())
    if in_person and address:
        event.add("location", address)
    elif online and descriptive:
        event.add("location", listing.online_url)
    if online:
        event.add("url", listing.online_url)
    if descriptive and listing.organisation is not None:
        event.add("description", listing.organisation.name)

    cal = Calendar()
    cal.add("prodid", "-//meeting calendar//EN")  # required; names nothing
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")  # a file to add, not an invitation to answer
    cal.add_component(london())
    cal.add_component(event)
    return cal.to_ical()


def london() -> Timezone:
    """Europe/London as a VTIMEZONE with yearly rules, good for any year while the UK
    keeps them: summer time from 01:00 GMT on the last Sunday in March to 01:00 GMT on
    the last Sunday in October (The Summer Time Order 2002, SI 2002/262; the same dates
    since 1996, EU Directive 2000/84/EC before that). DTSTART is the local time of the
    change before it happens (RFC 5545 3.6.5, "DTSTART ... local time" in TZOFFSETFROM).
    Hand-written, not icalendar's `Timezone.from_tzid`: that one lists dates for a fixed
    span of years and gives the change's time after it instead of before."""
    tz = Timezone()
    tz.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", timedelta(0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("dtstart", datetime(1996, 3, 31, 1, 0))
    summer.add("rrule", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(0))
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))
    winter.add("rrule", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _rule(s: Schedule, until: datetime) -> dict[str, object]:
    days = [WEEKDAYS[d] for d in sorted(set(s.days))]
    if s.kind == "weekly":
        return {"FREQ": "WEEKLY", "BYDAY": days, "UNTIL": until}
    if s.kind == "fortnightly":
        assert s.anchor is not None  # offers_file
        # directory/schedule.py counts fortnights in 7-day blocks starting on the anchor
        # date's weekday, so the rule's weeks start on that day too (WKST): with the
        # default Monday, "every other Monday and Thursday" anchored on a Thursday would
        # pair that Thursday with the Monday 11 days later instead of 4 days later.
        return {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": days, "UNTIL": until,
                "WKST": WEEKDAYS[s.anchor.weekday()]}
    # Monthly: an ordinal BYDAY for each (week, day), "2MO", "-1FR" (RFC 5545 3.3.10).
    weeks = sorted(set(s.month_weeks), key=lambda w: (w < 0, w))
    return {"FREQ": "MONTHLY", "BYDAY": [f"{w}{d}" for w in weeks for d in days],
            "UNTIL": until}


def _end(s: Schedule, begins: datetime) -> datetime:
    """The meeting's end, as directory/schedule.py reckons it: an hour without an end
    time, the next day when it runs past midnight."""
    if s.end is None:
        return begins + timedelta(hours=1)
    ends = datetime.combine(begins.date(), s.end, LONDON)
    return ends + timedelta(days=1) if ends <= begins else ends


def _meetings(s: Schedule, now: datetime) -> Iterator[datetime]:
    """Each meeting's start (London time) that has not yet ended, in order, from `now`
    for SEARCH_DAYS days: the first is directory.schedule.next_occurrence's."""
    local = now.astimezone(LONDON)
    assert s.start is not None
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if occurs_on(s, day):
            begins = datetime.combine(day, s.start, LONDON)
            if _end(s, begins) > local:
                yield begins


def _paused(listing: Listing, meetings: list[datetime], now: datetime) -> list[datetime]:
    """The meetings a temporarily closed listing will not hold (see the module's
    docstring): those before the reopening date its note gives, else the next one."""
    if listing.status != Status.TEMPORARILY_CLOSED.value:
        return []
    reopens = reopening_date(listing.status_note or "", now.astimezone(LONDON).date())
    if reopens is None:
        return meetings[:1]
    return [m for m in meetings if m.date() < reopens]


MONTHS: dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(
        "january february march april may june july august september october november "
        "december".split())},
    **{name: i + 1 for i, name in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split())},
    "sept": 9,
    # Welsh, as volunteers in Wales may write a note.
    **{name: i + 1 for i, name in enumerate(
        "ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd "
        "rhagfyr".split())},
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ORD = r"(?:st|nd|rd|th|af|il|ydd|ed|fed|eg)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
# Words after which a note gives the date the pause ends. Only a date after one of them
# counts: "closed from 3 March" names when it stops, not when it starts again.
_CUE = re.compile(
    r"\b(?:until|till|til|tan|hyd\s+at|re-?open(?:s|ing)?|ail-?agor|back|resum(?:e|es|ing)|"
    r"returns?|restarts?)\b[\s,:]*(?:(?:on|in|at|from|the|of|fis|mis|ar|\w+day|dydd\s+\w+)"
    r"\s+)*", re.I)
_DATE_PATTERNS = (
    ("ymd", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    # With its year only: "24/7" and "19.30" are not dates.
    ("dmy", re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")),
    ("d_month", re.compile(rf"(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}{_YEAR}\b", re.I)),
    ("month_d", re.compile(rf"{_MONTH}\s+(\d{{1,2}}){_ORD}\b{_YEAR}", re.I)),
    ("month", re.compile(rf"(end\s+of\s+|diwedd\s+)?{_MONTH}{_YEAR}\b", re.I)),
)


def reopening_date(note: str, today: date) -> date | None:
    """The date a paused listing's note says it reopens: a date after "until", "till",
    "reopens", "back on", "resumes" (Welsh "tan", "ailagor"), the latest if several,
    and only if it is after `today`. Day first ("3/2/2027" is 3 February); without a
    year, the next such date; a month alone is its first day ("until March": 1 March;
    "until the end of March": 1 April). None when the note gives no such date."""
    found: list[date] = []
    for cue in _CUE.finditer(note):
        tail = note[cue.end():cue.end() + 40]
        for kind, pattern in _DATE_PATTERNS:
            m = pattern.match(tail)
            if m:
                found += _dates(kind, m, today)
                break
    later = [d for d in found if d > today]
    return max(later) if later else None


def _dates(kind: str, m: re.Match[str], today: date) -> list[date]:
    try:
        if kind == "ymd":
            return [date(int(m[1]), int(m[2]), int(m[3]))]
        if kind == "dmy":
            year = int(m[3])
            return [date(year + 2000 if year < 100 else year, int(m[2]), int(m[1]))]
        if kind == "d_month":
            return [_on_or_after(today, MONTHS[m[2].lower()], int(m[1]),
                                 int(m[3]) if m[3] else None)]
        if kind == "month_d":
            return [_on_or_after(today, MONTHS[m[1].lower()], int(m[2]),
                                 int(m[3]) if m[3] else None)]
        month = MONTHS[m[2].lower()]
        # Without a year: this year's, unless that month is over.
        year = int(m[3]) if m[3] else today.year + (month < today.month)
        first = date(year, month, 1)
        if m[1]:  # "the end of March": reopens with April
            return [(first + timedelta(days=32)).replace(day=1)]
        return [first]
    except ValueError:  # 31/02, 14/13: not a date
        return []


def _on_or_after(today: date, month: int, day: int, year: int | None) -> date:
    """That day and month in `year`, or the next one on or after `today`."""
    if year is not None:
        return date(year, month, day)
    d = date(today.year, month, day)
    return d if d >= today else date(today.year + 1, month, day)
