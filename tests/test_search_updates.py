"""The search index brought up to date by merging in what changed equals a fresh full
build, after every kind of change, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from directory.curation import apply, draft, last_revision_by, undo, verify
from directory.db import session_factory
from directory.demo import load_demo_if_empty
from directory.finder import load_views
from directory.importer import import_file
from directory.models import Base, Listing, Organisation
from directory.records import ListingRecord, OrganisationRecord
from directory.repository import (
    directory_version,
    listing_record,
    organisation_record,
    update_listing,
    upsert_listing,
    upsert_organisation,
)
from directory.search import DirectorySearch, Query, Results, SearchIndex

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday
FIXTURES = Path(__file__).with_name("fixtures")
LEEDS = (53.7997, -1.5492)
SHEFFIELD = (53.3811, -1.4701)
DONCASTER = (53.5228, -1.1285)


class Recording(DirectorySearch):
    """Says how each refresh went: "update" (merged the changes) or "full"."""

    def __init__(self, **kw: float) -> None:
        super().__init__(**kw)
        self.refreshes: list[str] = []
        self._merged = False

    def _refresh(self, session: Session, current: SearchIndex, version: int,
                 deleted: int) -> None:
        self._merged = False
        super()._refresh(session, current, version, deleted)
        self.refreshes.append("update" if self._merged else "full")

    def _changes(self, session: Session, current: SearchIndex
                 ) -> tuple[np.ndarray, list[tuple]] | None:
        delta = super()._changes(session, current)
        self._merged = delta is not None
        return delta


def queries(places: list[tuple[float, float]]) -> list[Query]:
    out = [Query(limit=500), Query(online_only=True, limit=500),
           Query(needs=frozenset({"gambling"}), limit=50),
           Query(needs=frozenset({"alcohol", "drugs"}), limit=50),
           Query(text="hope circle", limit=50), Query(text="anonymus", limit=50),
           Query(text="recovery cafe", needs=frozenset({"alcohol"}), limit=50),
           Query(audience=frozenset({"women"}), limit=50),
           Query(accessibility=frozenset({"wheelchair"}), limit=50),
           Query(day=3, limit=50), Query(limit=3, offset=3)]
    for lat, lon in places:
        out += [
            Query(latitude=lat, longitude=lon, limit=500),
            Query(latitude=lat, longitude=lon, radius_km=60, limit=500,
                  needs=frozenset({"alcohol"})),
            Query(latitude=lat, longitude=lon, needs=frozenset({"gambling", "family"})),
            Query(latitude=lat, longitude=lon, text="hope", include_online=True, limit=20),
            Query(latitude=lat, longitude=lon, within_hours=30, radius_km=100, limit=20),
            Query(latitude=lat, longitude=lon, radius_km=5, limit=2, offset=1),
        ]
    return out


DEMO_QUERIES = queries([LEEDS, SHEFFIELD, DONCASTER, (49.9145, -6.3166)])


def answers(index: SearchIndex, qs: list[Query]) -> list[Results]:
    return [index.search(q, NOW) for q in qs]


def words_by_listing(index: SearchIndex) -> list[set[str]]:
    out: list[set[str]] = [set() for _ in range(len(index))]
    t = index.text
    for k, w in enumerate(t.vocab):
        for i in t.postings[t.ptr[k]:t.ptr[k + 1]]:
            out[int(i)].add(w)
    return out


def assert_same_index(updated: SearchIndex, fresh: SearchIndex) -> None:
    """Array for array what a full build makes (the text index's word numbering may
    differ: compare the words of each listing)."""
    assert updated.version == fresh.version
    for name in ("ids", "needs", "audience", "access", "closed", "is_online",
                 "is_national", "online", "national", "by_lat"):
        assert np.array_equal(getattr(updated, name), getattr(fresh, name)), name
    for name in ("lat", "lon", "verified", "sorted_lat"):
        assert np.array_equal(getattr(updated, name), getattr(fresh, name),
                              equal_nan=True), name
    assert list(updated.entries) == list(fresh.entries)
    assert updated.text.size == fresh.text.size == len(fresh)
    assert words_by_listing(updated) == words_by_listing(fresh)
    vocab = updated.text.vocab
    for (first, length), (group, keys) in updated.text.groups.items():
        assert group == [vocab[k] for k in keys]
        assert all(w[0] == first and len(w) == length for w in group)
    assert sorted(w for group, _ in updated.text.groups.values() for w in group) == sorted(vocab)


def check(search: DirectorySearch, session: Session, qs: list[Query]) -> SearchIndex:
    """The index `search` brought up to date equals a fresh build, and answers alike."""
    updated = search.index(session)
    fresh = SearchIndex.build(session)
    assert_same_index(updated, fresh)
    assert answers(updated, qs) == answers(fresh, qs)
    return updated


@pytest.fixture
def demo(session: Session) -> Session:
    assert load_demo_if_empty(session)
    return session


def listing(session: Session, slug: str) -> Listing:
    row = session.scalar(select(Listing).where(Listing.slug == slug))
    assert row is not None
    return row


def edit(slug: str, **values: object) -> Callable[[Session], None]:
    def change(session: Session) -> None:
        update_listing(session, listing(session, slug), values, actor="test")
    return change


def org_edit(slug: str, **values: object) -> Callable[[Session], None]:
    def change(session: Session) -> None:
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert org is not None
        upsert_organisation(session, replace(organisation_record(org), **values),
                            actor="test")
    return change


def new_listing(session: Session) -> None:
    upsert_listing(session, ListingRecord(
        slug="leeds-hope-circle", organisation_slug="demo-leeds-recovery-community",
        name="Hope Circle", needs=["alcohol", "gambling"], days=[3], start_time=time(19),
        latitude=53.7937, longitude=-1.5500, audience=["women"],
        accessibility=["wheelchair", "bsl"]), actor="test")


def moved_to_another_organisation(session: Session) -> None:
    rec = listing_record(listing(session, "demo-leeds-aa"))
    rec.organisation_slug = "demo-doncaster-recovery-community"
    upsert_listing(session, rec, actor="test")


def paused_by_a_volunteer(session: Session) -> None:
    row = listing(session, "demo-doncaster-na")
    change = draft(session, row, 1, "pause", "status",
                   {"status": "temporarily_closed", "status_note": "Back in May"}, NOW)
    assert apply(session, change, "volunteer", NOW, decided_by=1).status == "applied"


def undone(session: Session) -> None:
    edit("demo-leeds-smart", name="Leeds SMART Hope", latitude=53.5, longitude=-1.2)(session)
    session.commit()
    revision = last_revision_by(session, "test")
    assert revision is not None
    assert undo(session, revision, "test").status == "applied"


def verified(session: Session) -> None:
    verify(session, listing(session, "demo-sheffield-family"), "volunteer", NOW)


def imported(session: Session) -> None:
    # The examples kept: closing all of them is a change too big for an update.
    report = import_file(session, FIXTURES / "directory.csv", progress=False,
                         keep_examples=True)
    assert report.written and report.created


def several_in_one_transaction(session: Session) -> None:
    new_listing(session)
    edit("demo-leeds-na", needs=["gambling"], name="Leeds Hope NA")(session)
    edit("demo-leeds-recovery-cafe", status="closed")(session)
    org_edit("demo-sheffield-recovery-community", name="Steel City Hope")(session)


CHANGES: dict[str, Callable[[Session], None]] = {
    "new listing": new_listing,
    "rename": edit("demo-leeds-aa", name="Leeds Hope Circle AA"),
    "rename to known words": edit("demo-leeds-na", name="Sheffield Recovery Cafe"),
    "move place": edit("demo-leeds-smart", latitude=53.3811, longitude=-1.4701),
    "move to a tied latitude": edit("demo-doncaster-family", latitude=53.7937,
                                    longitude=-1.6),
    "go online": edit("demo-sheffield-family", attendance="online", latitude=None,
                      longitude=None),
    "needs changed": edit("demo-doncaster-smart", needs=["gambling", "family"]),
    "audience and access": edit("demo-leeds-aa", audience=["women"],
                                accessibility=["wheelchair"]),
    "schedule": edit("demo-leeds-aa", days=[0, 3], start_time=time(12, 30)),
    "temporarily closed": edit("demo-leeds-aa", status="temporarily_closed"),
    "paused by a volunteer": paused_by_a_volunteer,
    "closed": edit("demo-leeds-recovery-cafe", status="closed"),
    "reopened": edit("demo-sheffield-smart", status="active"),
    "verified": verified,
    "undone": undone,
    "organisation closed": org_edit("demo-leeds-recovery-community", status="closed"),
    "organisation renamed": org_edit("demo-sheffield-recovery-community",
                                     name="Steel City Hope Collective"),
    "helpline organisation renamed": org_edit("national-gambling-helpline",
                                              name="GamCare Hope Line"),
    "moved to another organisation": moved_to_another_organisation,
    "imported": imported,
    "several in one transaction": several_in_one_transaction,
    "nothing the index uses": edit("demo-leeds-aa", notes="Ring the bell"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_update_equals_a_full_build(demo: Session, change: str) -> None:
    search = Recording()
    check(search, demo, DEMO_QUERIES)
    CHANGES[change](demo)
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    assert search.refreshes == ["full", "update"]  # built once, then merged into


def test_reopening_after_closing_and_organisation_reopened(demo: Session) -> None:
    search = Recording()
    check(search, demo, DEMO_QUERIES)
    for change in (edit("demo-leeds-aa", status="closed"),
                   edit("demo-leeds-aa", status="active", name="Leeds Hope AA"),
                   org_edit("demo-leeds-recovery-community", status="closed"),
                   org_edit("demo-leeds-recovery-community", status="active")):
        change(demo)
        demo.commit()
        check(search, demo, DEMO_QUERIES)
    assert search.refreshes == ["full"] + ["update"] * 4


def test_a_deleted_listing_or_organisation_means_a_full_build(demo: Session) -> None:
    search = Recording()
    check(search, demo, DEMO_QUERIES)
    demo.delete(listing(demo, "demo-leeds-aa"))
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    assert search.refreshes == ["full", "full"]
    edit("demo-leeds-na", name="Leeds Hope NA")(demo)  # and updates again after that
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    org = demo.scalar(select(Organisation).where(
        Organisation.slug == "demo-sheffield-recovery-community"))
    demo.delete(org)  # its listings go with it
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    assert search.refreshes == ["full", "full", "update", "full"]


def test_many_changes_mean_a_full_build(demo: Session) -> None:
    class Small(Recording):
        MIN_DELTA = 2

    search = Small(max_delta=0.01)
    check(search, demo, DEMO_QUERIES)
    edit("demo-leeds-aa", name="Leeds Hope AA")(demo)
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    org_edit("demo-leeds-recovery-community", name="Leeds Hope Community")(demo)
    demo.commit()
    check(search, demo, DEMO_QUERIES)
    assert search.refreshes == ["full", "update", "full"]  # 1 changed, then 4 listings


def test_one_transaction_one_version_and_each_row_stamped(demo: Session) -> None:
    before = directory_version(demo)
    several_in_one_transaction(demo)
    demo.commit()
    after = directory_version(demo)
    assert after == before + 1
    assert listing(demo, "leeds-hope-circle").changed_in == after
    assert listing(demo, "demo-leeds-na").changed_in == after
    assert listing(demo, "demo-leeds-aa").changed_in < after
    org = demo.scalar(select(Organisation).where(
        Organisation.slug == "demo-sheffield-recovery-community"))
    assert org is not None and org.changed_in == after


def test_uncommitted_writes_never_reach_the_shared_index(demo: Session) -> None:
    search = Recording()
    first = search.index(demo)
    new_listing(demo)  # flushed, not committed
    assert search.index(demo) is first
    demo.rollback()
    edit("demo-leeds-aa", name="Leeds Hope AA")(demo)  # gets the version the rollback freed
    demo.commit()
    updated = check(search, demo, DEMO_QUERIES)
    assert "leeds-hope-circle" not in {e.slug for e in updated.entries}


def test_view_cache_drops_only_the_changed_listings(demo: Session) -> None:
    search = DirectorySearch()
    hits = search.search(demo, Query(latitude=LEEDS[0], longitude=LEEDS[1], limit=4),
                         NOW).hits
    doncaster = search.search(demo, Query(latitude=DONCASTER[0], longitude=DONCASTER[1],
                                          limit=2), NOW).hits
    load_views(demo, hits + doncaster, search.view_cache)
    old = dict(search.view_cache)
    aa = listing(demo, "demo-leeds-aa").id
    edit("demo-leeds-aa", name="Leeds Hope AA")(demo)
    demo.commit()
    search.index(demo)
    assert aa not in search.view_cache
    assert {k: v for k, v in old.items() if k != aa} == search.view_cache
    assert all(search.view_cache[k] is old[k] for k in search.view_cache)
    org_edit("demo-leeds-recovery-community", name="Leeds Hope Community")(demo)
    demo.commit()
    search.index(demo)
    assert set(search.view_cache) == {h.id for h in doncaster}
    views = load_views(demo, hits, search.view_cache)
    assert {v.organisation for v in views} == {"Leeds Hope Community"}


class Gated(DirectorySearch):
    """Holds its update until told, to show what other turns do meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.updating = threading.Event()
        self.go = threading.Event()
        self.timed_out = False

    def _refresh(self, session: Session, current: SearchIndex, version: int,
                 deleted: int) -> None:
        if self.hold:
            self.updating.set()
            # Only a guard against hanging: the turn below is never waited for by time.
            self.timed_out = not self.go.wait(60)
        super()._refresh(session, current, version, deleted)


def test_a_turn_does_not_wait_for_an_update_in_progress(engine: Engine,
                                                        demo: Session) -> None:
    sessions = session_factory(engine)
    search = Gated()
    q = Query(latitude=LEEDS[0], longitude=LEEDS[1], text="hope circle", limit=1)
    first = search.index(demo)
    new_listing(demo)
    demo.commit()
    search.hold = True
    got: list[SearchIndex] = []

    def other_turn() -> None:
        with sessions() as s:
            got.append(search.index(s))

    updater = threading.Thread(target=other_turn)
    updater.start()
    assert search.updating.wait(60)
    with sessions() as s:  # the lock is held: this turn searches the previous index
        during = search.search(s, q, NOW)
        assert search.index(s) is first
    search.go.set()  # only now may the update finish
    updater.join(60)
    assert not search.timed_out, "the turn waited for the update"
    assert "leeds-hope-circle" not in [h.slug for h in during.hits]
    assert got[0] is search.index(demo) and got[0] is not first
    assert search.search(demo, q, NOW).hits[0].slug == "leeds-hope-circle"


# -- random sequences of edits ------------------------------------------------------------

PLACES = [LEEDS, SHEFFIELD, (53.7937, -1.5500), (53.7937, -1.5400), (53.3811, -1.4701)]
WORDS = ["Hope", "Recovery", "Café", "Cafe", "Circle", "Leeds", "Smart", "Anonymous",
         "Gamblers", "Women's", "Together", "Hopeful", "Recovry", "Steel", "Na", "AA", "7"]
NEEDS = ["alcohol", "drugs", "gambling", "family", "recovery_community", "cocaine"]
ATTENDANCE = ["in_person", "in_person", "online", "hybrid", "phone"]
STATUS = ["active", "active", "temporarily_closed", "closed"]
RANDOM_QUERIES = queries([LEEDS, SHEFFIELD])

name = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
place = st.one_of(st.none(), st.sampled_from(PLACES))
edits = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 99), name, place, st.sampled_from(ATTENDANCE)),
    st.tuples(st.just("name"), st.integers(0, 99), name),
    st.tuples(st.just("place"), st.integers(0, 99), place),
    st.tuples(st.just("needs"), st.integers(0, 99),
              st.lists(st.sampled_from(NEEDS), max_size=3, unique=True)),
    st.tuples(st.just("status"), st.integers(0, 99), st.sampled_from(STATUS)),
    st.tuples(st.just("attendance"), st.integers(0, 99), st.sampled_from(ATTENDANCE)),
    st.tuples(st.just("verified"), st.integers(0, 99), st.integers(0, 200)),
    st.tuples(st.just("audience"), st.integers(0, 99),
              st.lists(st.sampled_from(["women", "men", "lgbtq"]), max_size=2, unique=True)),
    st.tuples(st.just("days"), st.integers(0, 99),
              st.lists(st.integers(0, 6), max_size=3, unique=True)),
    st.tuples(st.just("org name"), st.integers(0, 99), name),
    st.tuples(st.just("org status"), st.integers(0, 99), st.sampled_from(STATUS[:2] + ["closed"])),
    st.tuples(st.just("move org"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
)
steps = st.lists(st.tuples(edits, st.booleans()), min_size=1, max_size=14)


def _empty(session: Session) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            session.execute(text(f"DELETE FROM {table}"))
    session.commit()


def _seed(session: Session) -> None:
    for k in range(3):
        upsert_organisation(session, OrganisationRecord(
            slug=f"org-{k}", name=f"{WORDS[k]} {WORDS[-k - 1]} Collective"), actor="seed")
    for k in range(12):
        lat, lon = PLACES[k % len(PLACES)]
        upsert_listing(session, ListingRecord(
            slug=f"l-{k}", organisation_slug=f"org-{k % 3}",
            name=f"{WORDS[k]} {WORDS[(k * 7) % len(WORDS)]}", needs=NEEDS[k % 4:k % 4 + 2],
            days=[k % 7], start_time=time(10 + k), attendance=ATTENDANCE[k % 4],
            latitude=None if k % 4 == 1 else lat, longitude=None if k % 4 == 1 else lon,
            last_verified_at=NOW - timedelta(days=30 * k), status=STATUS[k % 4]),
            actor="seed")
    session.commit()


def _apply(session: Session, step: tuple, serial: int) -> None:
    kind, pick, *args = step
    listings = list(session.scalars(select(Listing).order_by(Listing.id)))
    orgs = list(session.scalars(select(Organisation).order_by(Organisation.id)))
    target = listings[pick % len(listings)] if listings else None
    if kind == "add":
        words, where, attendance = args
        upsert_listing(session, ListingRecord(
            slug=f"new-{serial}", organisation_slug=orgs[pick % len(orgs)].slug,
            name=words, needs=NEEDS[pick % 5:pick % 5 + 1], attendance=attendance,
            latitude=where[0] if where else None, longitude=where[1] if where else None,
            days=[pick % 7], start_time=time(pick % 24)), actor="hypothesis")
    elif kind in ("org name", "org status"):
        org = orgs[pick % len(orgs)]
        field = "name" if kind == "org name" else "status"
        upsert_organisation(session, replace(organisation_record(org), **{field: args[0]}),
                            actor="hypothesis")
    elif target is None:
        return
    elif kind == "delete":
        session.delete(target)
        session.flush()
    elif kind == "move org":
        rec = listing_record(target)
        rec.organisation_slug = orgs[args[0] % len(orgs)].slug
        upsert_listing(session, rec, actor="hypothesis")
    else:
        values = {
            "name": lambda: {"name": args[0]},
            "place": lambda: {"latitude": args[0] and args[0][0],
                              "longitude": args[0] and args[0][1]},
            "needs": lambda: {"needs": args[0]},
            "status": lambda: {"status": args[0]},
            "attendance": lambda: {"attendance": args[0]},
            "verified": lambda: {"last_verified_at": NOW - timedelta(days=args[0])},
            "audience": lambda: {"audience": args[0]},
            "days": lambda: {"days": args[0]},
        }[kind]()
        update_listing(session, target, values, actor="hypothesis")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=steps)
def test_random_edits_keep_the_index_equal_to_a_full_build(session: Session,
                                                          steps: list) -> None:
    _empty(session)
    _seed(session)
    search = Recording()
    check(search, session, RANDOM_QUERIES)
    for serial, (step, commit) in enumerate(steps):
        _apply(session, step, serial)
        if commit:
            session.commit()
            check(search, session, RANDOM_QUERIES)
    session.commit()
    check(search, session, RANDOM_QUERIES)
