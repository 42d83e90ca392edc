"""Schedules, dates and distances in the reader's language, from catalogue keys only.

directory/schedule.py `describe` builds English ("Mondays and Thursdays, 19:30-21:00"),
and the directory layer cannot know who reads it. These say the same in any catalogued
language: every word and joining word is a key (sch_*, day_*, month_*, when_*), so a
third language needs no code change here. For "en" each gives exactly what the English
code gives today (tests/test_catalogue.py compares them on every shape of schedule).
"""

from __future__ import annotations

from datetime import date, datetime, time

from bot.catalogue import t
from directory.schedule import LONDON, Schedule

# Week-of-month codes (directory/models.py month_weeks: 1..5, -1 = last) to key suffixes.
_WEEK_KEYS = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", -1: "last"}


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _join(items: list[str], sep: str, last: str) -> str:
    """"a, b and c": `sep` between all but the last two, `last` before the last."""
    if len(items) == 1:
        return items[0]
    return sep.join(items[:-1]) + last + items[-1]


def describe_schedule(schedule: Schedule, lang: str) -> str:
    """When a group meets, in `lang`: "Bob dydd Llun a dydd Iau, 19:30-21:00", "Ail
    ddydd Llun y mis", "Drwy apwyntiad". In English, what directory.schedule.describe
    says."""
    if schedule.kind == "appointment":
        return t("sch_appointment", lang)
    if schedule.kind == "always_open":
        return t("sch_always_open", lang)
    if not schedule.days:
        return t("sch_unknown", lang)
    days = sorted(schedule.days)
    bare = [t(f"sch_day_{d}", lang) for d in days]
    and_day = t("sch_and_day", lang)
    if schedule.kind == "fortnightly":
        text = t("sch_fortnightly", lang, days=and_day.join(bare))
    elif schedule.kind == "monthly":
        text = _monthly(schedule.month_weeks, and_day.join(bare), lang)
    else:  # weekly, and any other kind with days, as describe() does
        plural = [t("sch_weekly_day", lang, day=name) for name in bare]
        text = t("sch_weekly", lang, days=_join(plural, t("sch_weekly_sep", lang),
                                                 t("sch_weekly_and", lang)))
    if schedule.start and schedule.end:
        return t("sch_from_to", lang, days=text, start=_hhmm(schedule.start),
                 end=_hhmm(schedule.end))
    if schedule.start:
        return t("sch_at", lang, days=text, start=_hhmm(schedule.start))
    return text


def _monthly(month_weeks: tuple[int, ...], days: str, lang: str) -> str:
    """"2nd Monday of the month"; several weeks "1st and 3rd Monday of the month"."""
    order = sorted(month_weeks, key=lambda w: (w < 0, w))  # 1st, 2nd, ..., last
    if len(order) == 1 and order[0] in _WEEK_KEYS:
        return t(f"sch_monthly_{_WEEK_KEYS[order[0]]}", lang, days=days)
    words = []
    for i, week in enumerate(order):
        if week in _WEEK_KEYS:
            words.append(t(f"sch_{'and_week' if i else 'week'}_{_WEEK_KEYS[week]}", lang))
        else:  # a code outside the model's range: its number, as describe() shows it
            words.append((t("sch_and_day", lang) if i else "") + str(week))
    return t("sch_monthly", lang, weeks="".join(words), days=days)


def format_km(km: float, lang: str) -> str:
    """A distance's number as results show it: one decimal under 10 km ("1.2"), none
    from 10 ("12"), with the language's decimal point."""
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    return text.replace(".", t("decimal_point", lang))


def distance(km: float, lang: str) -> str:
    """"1.2 km away", "1.2 km i ffwrdd"."""
    return t("where_km", lang, km=format_km(km, lang))


def describe_when(when: datetime, now: datetime, lang: str) -> str:
    """The next meeting, in UK time: "today 19:30", "tomorrow 19:30", else "Tue 05 Mar
    19:30" ("heddiw am 19:30", "Dydd Mawrth 5 Mawrth am 19:30"). Both aware."""
    local, today = when.astimezone(LONDON), now.astimezone(LONDON).date()
    clock = _hhmm(local.time())
    if local.date() == today:
        return t("when_today", lang, time=clock)
    if (local.date() - today).days == 1:
        return t("when_tomorrow", lang, time=clock)
    return t("when_date", lang, day=t(f"date_day_{local.weekday()}", lang), date=local.day,
             month=t(f"month_{local.month}", lang), time=clock)


def describe_when_year(when: datetime, lang: str) -> str:
    """A moment with its year, in UK time, as broadcasts show it: "Tue 24 Dec 2026
    10:00"."""
    local = when.astimezone(LONDON)
    return t("when_date_year", lang, day=t(f"date_day_{local.weekday()}", lang),
             date=local.day, month=t(f"month_{local.month}", lang), year=local.year,
             time=_hhmm(local.time()))


def format_date(day: date, lang: str) -> str:
    """A date: "05 Mar 2026" ("5 Mawrth 2026")."""
    return t("date_long", lang, date=day.day, month=t(f"month_{day.month}", lang),
             year=day.year)
