"""When a group meets next, from its schedule. Times are Europe/London wall-clock times,
so a 19:30 meeting stays at 19:30 across the clock changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: str  # see models.ScheduleKind
    days: tuple[int, ...] = ()  # 0 = Monday
    month_weeks: tuple[int, ...] = ()  # 1..5, -1 = last
    anchor: date | None = None
    start: time | None = None
    end: time | None = None

    @property
    def meets(self) -> bool:
        """True when the schedule has dates one can turn up on."""
        return self.kind in ("weekly", "fortnightly", "monthly") and bool(self.days)


def _week_of_month(day: date) -> tuple[int, bool]:
    """(n, is_last): the nth such weekday in its month, and whether it is the last."""
    n = (day.day - 1) // 7 + 1
    return n, (day + timedelta(days=7)).month != day.month


def occurs_on(s: Schedule, day: date) -> bool:
    if not s.meets or day.weekday() not in s.days:
        return False
    if s.kind == "weekly":
        return True
    if s.kind == "fortnightly":
        if s.anchor is None:
            return True  # unknown phase: better to show the day than hide the group
        return ((day - s.anchor).days // 7) % 2 == 0
    n, last = _week_of_month(day)
    return n in s.month_weeks or (last and -1 in s.month_weeks)


def next_occurrence(s: Schedule, now: datetime, horizon_days: int = 62) -> datetime | None:
    """The start of the next meeting that has not yet ended, or None (appointment only,
    always open, or no date known). `now` must be timezone-aware."""
    if not s.meets:
        return None
    local = now.astimezone(LONDON)
    start = s.start or time(0, 0)
    for offset in range(horizon_days + 1):
        day = local.date() + timedelta(days=offset)
        if not occurs_on(s, day):
            continue
        begins = datetime.combine(day, start, LONDON)
        ends = datetime.combine(day, s.end, LONDON) if s.end else begins + timedelta(hours=1)
        if ends <= begins:  # runs past midnight
            ends += timedelta(days=1)
        if ends > local:
            return begins
    return None


def _occurrences(s: Schedule, first: date, days: int) -> Iterator[tuple[datetime, datetime]]:
    """Each meeting's (begins, ends) in UTC, for `days` days from `first`: compared in
    UTC, a window that spans the clocks changing keeps its real length."""
    start = s.start or time(0, 0)
    for offset in range(days):
        day = first + timedelta(days=offset)
        if not occurs_on(s, day):
            continue
        begins = datetime.combine(day, start, LONDON)
        ends = datetime.combine(day, s.end, LONDON) if s.end else begins + timedelta(hours=1)
        if ends <= begins:  # runs past midnight
            ends += timedelta(days=1)
        yield begins.astimezone(UTC), ends.astimezone(UTC)


def starts_between(s: Schedule, start: datetime, end: datetime) -> datetime | None:
    """The first meeting beginning at `start` or later and before `end` (aware)."""
    if not s.meets:
        return None
    first = start.astimezone(LONDON).date() - timedelta(days=1)
    days = (end - start).days + 3
    for begins, _ends in _occurrences(s, first, days):
        if start <= begins < end:
            return begins
    return None


def under_way(s: Schedule, at: datetime) -> bool:
    """A meeting is going on at `at` (aware); a place open any time always is."""
    if s.kind == "always_open":
        return True
    if not s.meets:
        return False
    first = at.astimezone(LONDON).date() - timedelta(days=1)
    return any(begins <= at < ends for begins, ends in _occurrences(s, first, 2))


def describe(s: Schedule) -> str:
    """Plain English: "Mondays and Thursdays, 19:30-21:00", "2nd Monday of the month"."""
    if s.kind == "appointment":
        return "By appointment"
    if s.kind == "always_open":
        return "Open any time"
    if not s.days:
        return "Times not known"
    names = [DAY_NAMES[d] + "s" for d in sorted(s.days)]
    days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if s.kind == "fortnightly":
        days = "Every other " + " and ".join(DAY_NAMES[d] for d in sorted(s.days))
    elif s.kind == "monthly":
        order = sorted(s.month_weeks, key=lambda w: (w < 0, w))  # 1st, 2nd, ..., last
        weeks = " and ".join(ORDINALS.get(w, str(w)) for w in order)
        days = f"{weeks} " + " and ".join(DAY_NAMES[d] for d in sorted(s.days)) + " of the month"
    if s.start:
        days += ", " + s.start.strftime("%H:%M")
        if s.end:
            days += "-" + s.end.strftime("%H:%M")
    return days
