"""Search on the demo directory, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from directory.demo import load_demo_if_empty
from directory.models import Listing
from directory.records import ListingRecord
from directory.repository import upsert_listing
from directory.search import DirectorySearch, Query, SearchIndex

LEEDS = (53.7997, -1.5492)
SCILLY = (49.9145, -6.3166)  # no demo group within 25 km
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def demo(session: Session) -> Session:
    assert load_demo_if_empty(session)
    return session


def near(lat_lon: tuple[float, float], **kw: object) -> Query:
    return Query(latitude=lat_lon[0], longitude=lat_lon[1], **kw)  # type: ignore[arg-type]


def test_nearby_groups_come_first_with_distance_and_next_meeting(demo: Session) -> None:
    res = SearchIndex.build(demo).search(near(LEEDS, limit=4), NOW)
    assert [h.slug.startswith("demo-leeds-") for h in res.hits] == [True] * 4
    assert all(h.distance_km is not None and h.distance_km < 2 for h in res.hits)
    assert any(h.next_meeting is not None and h.next_meeting > NOW for h in res.hits)


def test_needs_filter_and_rank(demo: Session) -> None:
    res = SearchIndex.build(demo).search(near(LEEDS, needs=frozenset({"gambling"})), NOW)
    slugs = [h.slug for h in res.hits]
    # Gambling groups (or general recovery ones) only: never an AA or NA meeting.
    assert not any(s.endswith(("-aa", "-na")) for s in slugs)
    gambling = [s for s in slugs if s.endswith(("-smart", "-ga")) or "gambling" in s]
    assert gambling and slugs.index(gambling[0]) < len(slugs)


def test_nothing_near_offers_online_meetings(demo: Session) -> None:
    res = SearchIndex.build(demo).search(near(SCILLY, needs=frozenset({"alcohol"})), NOW)
    assert res.nearby == 0 and res.online_fallback
    assert res.hits and all(h.online for h in res.hits)


def test_online_only(demo: Session) -> None:
    res = SearchIndex.build(demo).search(Query(online_only=True, limit=50), NOW)
    assert res.hits and all(h.online for h in res.hits)
    assert all(h.distance_km is None for h in res.hits)


def test_no_place_finds_helplines_and_online(demo: Session) -> None:
    res = SearchIndex.build(demo).search(Query(needs=frozenset({"gambling"}), limit=20), NOW)
    assert "national-gambling-helpline-line" in [h.slug for h in res.hits]


def test_text_finds_a_name_anywhere(demo: Session) -> None:
    res = SearchIndex.build(demo).search(Query(text="Gamblers Anonymus", limit=3), NOW)
    assert res.hits and "Gamblers Anonymous" in res.hits[0].name


def test_audience_day_and_within_hours_filters(demo: Session) -> None:
    index = SearchIndex.build(demo)
    women = index.search(Query(audience=frozenset({"women"}), online_only=True), NOW)
    assert [h.slug for h in women.hits] == ["demo-online-women"]
    thursday = index.search(near(LEEDS, day=3, radius_km=400, limit=100), NOW)
    assert thursday.hits
    for hit in thursday.hits:
        row = demo.get(Listing, hit.id)
        assert 3 in row.days or row.schedule_kind == "always_open"
    soon = index.search(near(LEEDS, within_hours=2, radius_km=400, limit=100), NOW)
    assert all(h.next_meeting and h.next_meeting - NOW <= timedelta(hours=2)
               for h in soon.hits)


def test_temporarily_closed_is_flagged_and_closed_never_shows(demo: Session) -> None:
    index = SearchIndex.build(demo)
    sheffield = (53.3811, -1.4701)
    res = index.search(near(sheffield, limit=10, radius_km=5), NOW)
    closed = [h for h in res.hits if h.temporarily_closed]
    assert len(closed) == 1
    # Now close a listing for good: it disappears.
    row = demo.get(Listing, closed[0].id)
    rec = ListingRecord(slug=row.slug, organisation_slug=row.organisation.slug, name=row.name,
                        status="closed", latitude=row.latitude, longitude=row.longitude)
    upsert_listing(demo, rec, actor="test")
    demo.commit()
    res = SearchIndex.build(demo).search(near(sheffield, limit=10, radius_km=5), NOW)
    assert row.slug not in [h.slug for h in res.hits]


def test_index_reloads_after_any_write(demo: Session) -> None:
    search = DirectorySearch()
    before = search.search(demo, near(LEEDS, text="Brand New Group", limit=1), NOW)
    upsert_listing(demo, ListingRecord(
        slug="brand-new", organisation_slug="demo-leeds-recovery-community",
        name="Brand New Group", needs=["alcohol"], days=[0], start_time=time(20, 0),
        latitude=LEEDS[0], longitude=LEEDS[1]), actor="test")
    demo.commit()
    after = search.search(demo, near(LEEDS, text="Brand New Group", limit=1), NOW)
    assert "brand-new" not in [h.slug for h in before.hits]
    assert after.hits[0].slug == "brand-new"


# -- when: under way, starting soon, tomorrow; across the clocks changing --------------

SUN, MON, TUE = 6, 0, 1


def online_meeting(i: int, slug: str, day: int, start: time, end: time) -> tuple:
    """A row as SearchIndex takes it (directory/search.py COLUMNS): weekly, online."""
    return (i, slug, f"Meeting {slug}", "Org", "lero", "meeting", ["alcohol"], None, None,
            "online", "active", "weekly", [day], [], None, start, end, [], [], None, [], {},
            False)


@pytest.mark.parametrize(("now", "meetings", "on_now", "soon"), [
    pytest.param(  # an ordinary Monday, 12:00 GMT
        datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        [("under-way", MON, time(11, 30), time(13, 0)), ("in-30", MON, time(12, 30), None),
         ("in-45", MON, time(12, 45), None), ("tomorrow", TUE, time(12, 0), None)],
        {"under-way", "in-30"}, {"in-30", "in-45"}, id="ordinary"),
    pytest.param(  # 29 March 2026, 00:50 GMT: at 01:00 GMT the clocks go forward to 02:00
        datetime(2026, 3, 29, 0, 50, tzinfo=UTC),
        [("under-way", SUN, time(0, 0), time(3, 0)),
         ("in-25", SUN, time(2, 15), None),  # 01:15 UTC: 85 minutes away on the clock
         ("in-70", SUN, time(3, 0), None), ("tomorrow", MON, time(0, 50), None)],
        {"under-way", "in-25"}, {"in-25", "in-70"}, id="clocks-forward"),
    pytest.param(  # 25 October 2026, 01:40 GMT, just after the clocks went back
        datetime(2026, 10, 25, 1, 40, tzinfo=UTC),
        [("under-way", SUN, time(0, 0), time(3, 0)),  # 23:00 UTC on the 24th to 03:00
         ("in-30", SUN, time(2, 10), None), ("in-50", SUN, time(2, 30), None),
         ("tomorrow", MON, time(1, 40), None)],
        {"under-way", "in-30"}, {"in-30", "in-50"}, id="clocks-back"),
    pytest.param(  # 25 October 2026, 01:50 BST: 02:10 is 80 minutes away, not 20
        datetime(2026, 10, 25, 0, 50, tzinfo=UTC),
        [("under-way", SUN, time(0, 0), time(3, 0)), ("in-80", SUN, time(2, 10), None),
         ("tomorrow", MON, time(1, 50), None)],
        {"under-way"}, {"in-80"}, id="before-clocks-back"),
])
def test_on_now_starting_soon_and_tomorrow_in_uk_time(
        now: datetime, meetings: list[tuple], on_now: set[str], soon: set[str]) -> None:
    index = SearchIndex.from_rows(1, [online_meeting(i, *m) for i, m in enumerate(meetings, 1)])

    def found(when: str) -> dict[str, datetime | None]:
        hits = index.search(Query(when=when, limit=20), now).hits
        return {h.slug: h.next_meeting for h in hits}

    assert set(found("now")) == on_now
    assert set(found("soon")) == soon
    assert set(found("tomorrow")) == {"tomorrow"}
    # The one under way started before now; "in-N" starts N real minutes from now.
    under_way = found("now")["under-way"]
    assert under_way is not None and under_way <= now
    for slug, begins in found("soon").items():
        assert begins is not None and begins - now == timedelta(minutes=int(slug[3:]))


def test_examples_never_outrank_real_listings() -> None:
    """A made-up example (the demo directory's, kept with --keep-examples) comes after
    every real listing, even one that fits the need less well."""
    example = (*online_meeting(1, "example-aa", MON, time(19, 0), time(20, 0))[:-1], True)
    real = online_meeting(2, "real-aa", MON, time(19, 0), time(20, 0))
    general = (*online_meeting(3, "real-general", MON, time(19, 0), time(20, 0))[:6], [],
               *online_meeting(3, "x", MON, time(19, 0), time(20, 0))[7:])
    index = SearchIndex.from_rows(1, [example, real, general])
    hits = index.search(Query(needs=frozenset({"alcohol"}), online_only=True, limit=5),
                        datetime(2026, 11, 23, 12, 0, tzinfo=UTC)).hits
    assert [h.slug for h in hits] == ["real-aa", "real-general", "example-aa"]
