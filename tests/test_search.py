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
