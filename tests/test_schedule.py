from datetime import UTC, date, datetime, time

from directory.schedule import LONDON, Schedule, describe, next_occurrence, occurs_on


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_weekly_next_meeting_is_later_today_when_not_started() -> None:
    s = Schedule("weekly", (0,), start=time(19, 30), end=time(21, 0))  # Mondays
    assert next_occurrence(s, at(2026, 11, 23, 18, 0)) == at(2026, 11, 23, 19, 30)


def test_meeting_in_progress_still_counts_until_it_ends() -> None:
    s = Schedule("weekly", (0,), start=time(19, 30), end=time(21, 0))
    assert next_occurrence(s, at(2026, 11, 23, 20, 0)) == at(2026, 11, 23, 19, 30)
    assert next_occurrence(s, at(2026, 11, 23, 21, 5)) == at(2026, 11, 30, 19, 30)


def test_monthly_second_monday_and_last_friday() -> None:
    second_monday = Schedule("monthly", (0,), (2,), start=time(11, 0))
    assert next_occurrence(second_monday, at(2026, 11, 23)) == at(2026, 12, 14, 11, 0)
    last_friday = Schedule("monthly", (4,), (-1,), start=time(19, 0))
    assert next_occurrence(last_friday, at(2026, 11, 1)) == at(2026, 11, 27, 19, 0)
    assert occurs_on(last_friday, date(2026, 1, 30)) and not occurs_on(last_friday,
                                                                         date(2026, 1, 23))


def test_fortnightly_counts_from_its_anchor() -> None:
    s = Schedule("fortnightly", (3,), anchor=date(2026, 11, 5), start=time(18, 30))
    assert occurs_on(s, date(2026, 11, 19)) and not occurs_on(s, date(2026, 11, 26))
    assert next_occurrence(s, at(2026, 11, 20)) == at(2026, 12, 3, 18, 30)


def test_wall_clock_time_kept_across_the_clock_change() -> None:
    s = Schedule("weekly", (6,), start=time(19, 0))  # Sundays; clocks go back 25 Oct 2026
    nxt = next_occurrence(s, datetime(2026, 10, 20, tzinfo=UTC))
    assert nxt is not None and nxt.astimezone(LONDON).hour == 19
    assert nxt.utcoffset().total_seconds() == 0  # GMT after the change


def test_appointments_and_helplines_have_no_next_meeting() -> None:
    assert next_occurrence(Schedule("appointment"), at(2026, 11, 23)) is None
    assert next_occurrence(Schedule("always_open"), at(2026, 11, 23)) is None


def test_describe_in_plain_english() -> None:
    assert describe(Schedule("weekly", (0, 3), start=time(19, 30), end=time(21, 0))) == \
        "Mondays and Thursdays, 19:30-21:00"
    assert describe(Schedule("monthly", (0,), (2,))) == "2nd Monday of the month"
    assert describe(Schedule("monthly", (4,), (-1,), start=time(19, 0))) == \
        "last Friday of the month, 19:00"
    assert describe(Schedule("always_open")) == "Open any time"
