"""Search: filter by place first, then rank a small candidate set.

The index is an in-memory snapshot of the searchable fields of every open listing,
brought up to date when the directory version changes (any write bumps it, in any
process): by merging in only the listings changed since, or, after large changes, by a
full build. Listings with a place are kept sorted by latitude, so a query near a place
takes one band of latitude by binary search, then narrows it by longitude and distance
with numpy; only the few hundred listings left are scored, and only the ones shown have
their next meeting worked out. Full rows are loaded from the database only for the
results shown.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from directory.filters import Window, window
from directory.freshness import DEFAULT_STALE_AFTER
from directory.geography import distance_km
from directory.models import Listing, Organisation
from directory.needs import NEEDS, expand
from directory.repository import directory_version, directory_versions, has_unsaved_writes
from directory.schedule import LONDON, Schedule, next_occurrence, occurs_on
from directory.textindex import TextIndex

KM_PER_DEG_LAT = 111.2
GENERAL_NEED = "recovery_community"
TEXT_CUTOFF = 0.8
# Ranking weights: what someone asked for matters most, then how near, then how well the
# name matches any words they typed, then how recently the listing was checked.
W_NEEDS, W_DISTANCE, W_TEXT, W_FRESH = 0.45, 0.30, 0.15, 0.10
# A listing open to anyone in recovery, whatever the substance, counts this much.
GENERAL_MATCH = 0.3
# A listing for the wider need of the one asked (drugs, for "heroin": an NA meeting)
# counts this much: below one for the need itself, above one for anyone.
PARENT_MATCH = 0.6
# "My dad drinks": the family need says who the help is for, the substance what about,
# so for someone asking for both, family groups (Al-Anon, Alateen) come before the
# drinker's own (AA): a family match counts twice.
FAMILY_NEED = "family"

NEED_BIT = {n.code: 1 << i for i, n in enumerate(NEEDS)}
# What each way of attending a search asks for is met by: a hybrid meeting can be
# joined in person and online.
HELD = {"in_person": {"in_person", "hybrid"}, "online": {"online", "hybrid"},
        "hybrid": {"hybrid"}, "phone": {"phone"}}
AUDIENCE_BIT: dict[str, int] = {}
ACCESS_BIT: dict[str, int] = {}
LANGUAGE_BIT: dict[str, int] = {}


def _mask(codes: Iterable[str], bits: dict[str, int], grow: bool = False) -> int:
    out = 0
    for code in codes:
        if code not in bits:
            if not grow:
                return -1  # asked for something no listing has
            bits[code] = 1 << len(bits)
        out |= bits[code]
    return out


@dataclass(slots=True)
class Entry:
    id: int
    slug: str
    name: str
    attendance: str
    status: str
    schedule: Schedule
    last_verified: datetime | None

    @property
    def online(self) -> bool:
        return self.attendance in ("online", "hybrid")


@dataclass(slots=True)
class Query:
    needs: frozenset[str] = frozenset()
    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = 25.0
    online_only: bool = False
    # Add online meetings after the nearby ones (also done when nothing is near).
    include_online: bool = False
    day: int | None = None  # 0 = Monday; callers turn "today" into a weekday
    within_hours: float | None = None
    audience: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    # How it is held: in_person, online, hybrid, phone (a hybrid meeting is in person and
    # online both); the languages it is held in (ISO 639-1, any of them).
    attendance: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    # When (directory/filters.py: "now", "tonight", "sat_morning", "after:18"...),
    # worked out at the search's `now`, in UK time.
    when: str | None = None
    limit: int = 5
    offset: int = 0


@dataclass(slots=True)
class Hit:
    id: int
    slug: str
    name: str
    score: float
    distance_km: float | None
    next_meeting: datetime | None
    online: bool
    temporarily_closed: bool
    stale: bool


@dataclass(slots=True)
class Results:
    hits: list[Hit]
    more: bool  # there are further results past this page
    nearby: int  # matches within the radius that were seen (at least those shown)
    online_fallback: bool = False  # nothing near: online listings were offered instead


# What the index reads of each listing, in the order SearchIndex takes rows.
COLUMNS = (
    Listing.id, Listing.slug, Listing.name, Organisation.name, Organisation.kind,
    Listing.kind, Listing.needs, Listing.latitude, Listing.longitude,
    Listing.attendance, Listing.status, Listing.schedule_kind, Listing.days,
    Listing.month_weeks, Listing.anchor_date, Listing.start_time,
    Listing.end_time, Listing.audience, Listing.accessibility,
    Listing.last_verified_at, Listing.languages, Listing.translations, Listing.is_demo,
)
# Per-listing arrays, all in listing id order; everything else in an index derives from
# them (and the text index), so an update only has to merge these.
PER_LISTING = ("ids", "entries", "needs", "lat", "lon", "audience", "access", "verified",
               "closed", "is_online", "is_national", "meet_days", "start_min", "end_min",
               "langs", "demo")
# meet_days: bit d for each weekday (0 = Monday) a listing can meet on, ALWAYS_BIT for one
# open any time; start_min/end_min: its wall-clock minutes of the day (end past 1440 when
# it runs past midnight). A time filter narrows with them before the exact check.
ALWAYS_BIT = 1 << 7
# The minutes compared are wall-clock, the exact check real time: an hour either side
# keeps the narrowing a superset on the days the clocks change.
CLOCK_SLACK = 60


def _encode(rows: Iterable[tuple]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The per-listing arrays of some rows (in id order), and each one's text."""
    entries: list[Entry] = []
    ids, needs, lat, lon, aud, acc, verified, closed, online, phone, texts = (
        [], [], [], [], [], [], [], [], [], [], [])
    meet_days, start_min, end_min, lang_bits, demo = [], [], [], [], []
    for (lid, slug, name, org, _org_kind, _kind, lneeds, la, lo, attendance, status,
         skind, days, weeks, anchor, start, end, audience, access, when, langs,
         translations, is_demo) in rows:
        ids.append(lid)
        entries.append(Entry(
            lid, slug, name, attendance, status,
            Schedule(skind, tuple(days or ()), tuple(weeks or ()), anchor, start, end),
            when,
        ))
        codes = expand(frozenset(lneeds or ()))
        needs.append(_mask(codes, NEED_BIT, grow=True) if codes else 0)
        has_place = la is not None and lo is not None and attendance != "online"
        lat.append(la if has_place else np.nan)
        lon.append(lo if has_place else np.nan)
        aud.append(_mask(audience or (), AUDIENCE_BIT, grow=True))
        acc.append(_mask(access or (), ACCESS_BIT, grow=True))
        verified.append(when.timestamp() if when else np.nan)
        closed.append(status == "temporarily_closed")
        online.append(attendance in ("online", "hybrid"))
        phone.append(attendance == "phone" or (not has_place and attendance != "online"))
        # Names in other languages too: "Grŵp Adfer Caerdydd" finds the Welsh name.
        other = " ".join(str(t.get("name") or "") for t in (translations or {}).values()
                         if isinstance(t, dict))
        texts.append(f"{name} {other} {org}" if other.strip() else f"{name} {org}")
        schedule = entries[-1].schedule
        meet_days.append(ALWAYS_BIT if skind == "always_open" else
                         sum(1 << d for d in schedule.days) if schedule.meets else 0)
        begins = start.hour * 60 + start.minute if start else 0
        ends = end.hour * 60 + end.minute if end else begins + 60
        lang_bits.append(_mask(langs or (), LANGUAGE_BIT, grow=True))
        demo.append(bool(is_demo))
        start_min.append(begins)
        end_min.append(ends + 1440 if ends <= begins else ends)
    objects = np.empty(len(entries), dtype=object)
    objects[:] = entries
    return {
        "ids": np.array(ids, dtype=np.int64), "entries": objects,
        "needs": np.array(needs, dtype=np.int64),
        "lat": np.array(lat, dtype=np.float64), "lon": np.array(lon, dtype=np.float64),
        "audience": np.array(aud, dtype=np.int64), "access": np.array(acc, dtype=np.int64),
        "verified": np.array(verified, dtype=np.float64),
        "closed": np.array(closed, dtype=bool), "is_online": np.array(online, dtype=bool),
        "is_national": np.array(phone, dtype=bool),
        "meet_days": np.array(meet_days, dtype=np.int64),
        "start_min": np.array(start_min, dtype=np.int32),
        "end_min": np.array(end_min, dtype=np.int32),
        "langs": np.array(lang_bits, dtype=np.int64),
        "demo": np.array(demo, dtype=bool),
    }, texts


class SearchIndex:
    """An immutable snapshot: searches may run on it while a newer one is being made."""

    ids: np.ndarray  # listing ids, ascending
    entries: np.ndarray  # Entry objects
    needs: np.ndarray
    lat: np.ndarray  # NaN: no place (online, or a phone line)
    lon: np.ndarray
    audience: np.ndarray
    access: np.ndarray
    verified: np.ndarray
    closed: np.ndarray  # temporarily closed
    is_online: np.ndarray
    is_national: np.ndarray
    meet_days: np.ndarray
    start_min: np.ndarray
    end_min: np.ndarray
    langs: np.ndarray  # LANGUAGE_BIT mask
    demo: np.ndarray  # a made-up example (is_demo): ranked after real listings

    def __init__(self, version: int = -1, rows: Iterable[tuple] = ()) -> None:
        columns, texts = _encode(rows)
        self._assign(version, columns, TextIndex(texts))
        placed = np.flatnonzero(~np.isnan(self.lat))
        self.by_lat = placed[np.argsort(self.lat[placed], kind="stable")]
        self.sorted_lat = self.lat[self.by_lat]

    def _assign(self, version: int, columns: dict[str, np.ndarray], text: TextIndex) -> None:
        self.version = version
        for name in PER_LISTING:
            setattr(self, name, columns[name])
        self.text = text
        self.online = np.flatnonzero(self.is_online)
        self.national = np.flatnonzero(self.is_national)

    @classmethod
    def build(cls, session: Session) -> SearchIndex:
        version = directory_version(session)
        rows = session.execute(
            select(*COLUMNS)
            .join(Organisation, Listing.organisation_id == Organisation.id)
            .where(Listing.status != "closed", Organisation.status != "closed")
            .order_by(Listing.id)
        )
        return cls(version, rows)

    @classmethod
    def from_rows(cls, version: int, rows: Iterable[tuple]) -> SearchIndex:
        return cls(version, rows)

    def updated(self, version: int, changed: np.ndarray, rows: Iterable[tuple]
                ) -> SearchIndex:
        """A new index equal to a full build, made from this one: listings whose ids are
        in `changed` (ascending) are dropped, and `rows` (those of them still open, in id
        order, as SearchIndex takes them) put in. Only the rows given are processed in
        Python; the rest is merged with a few numpy passes."""
        columns, texts = _encode(rows)
        new_ids = columns["ids"]
        keep = np.ones(len(self.ids), dtype=bool)
        at = np.searchsorted(self.ids, changed)
        inside = at < len(self.ids)
        at = at[inside]
        keep[at[self.ids[at] == changed[inside]]] = False
        kept_ids = self.ids[keep]
        # Both runs are in id order: merge them by inserting the new ones where they go.
        into = np.searchsorted(kept_ids, new_ids)
        merged = {name: np.insert(getattr(self, name)[keep], into, columns[name])
                  for name in PER_LISTING}
        new_pos = into + np.arange(len(new_ids))
        remap = np.full(len(self.ids), -1, dtype=np.int64)  # old position -> new
        remap[keep] = np.arange(len(kept_ids)) + np.searchsorted(new_ids, kept_ids)
        out = SearchIndex.__new__(SearchIndex)
        size = len(kept_ids) + len(new_ids)
        out._assign(version, merged, self.text.updated(remap, new_pos, texts, size))
        out.by_lat = self._merged_by_lat(remap, merged["lat"], new_pos)
        out.sorted_lat = merged["lat"][out.by_lat]
        return out

    def _merged_by_lat(self, remap: np.ndarray, lat: np.ndarray, new_pos: np.ndarray
                       ) -> np.ndarray:
        """The latitude order of an updated index, as a full build's stable argsort makes
        it (by latitude, then position), without sorting everything again."""
        moved = remap[self.by_lat]
        stays = moved >= 0
        kept, kept_lat = moved[stays], self.sorted_lat[stays]
        placed = new_pos[~np.isnan(lat[new_pos])]
        placed = placed[np.lexsort((placed, lat[placed]))]
        placed_lat = lat[placed]
        at = np.searchsorted(kept_lat, placed_lat, side="left")
        ties_end = np.searchsorted(kept_lat, placed_lat, side="right")
        for j in np.flatnonzero(ties_end > at):  # same latitude: by position
            at[j] += np.searchsorted(kept[at[j]:ties_end[j]], placed[j])
        return np.insert(kept, at, placed)

    def __len__(self) -> int:
        return len(self.ids)

    # -- querying -------------------------------------------------------------------

    def search(self, q: Query, now: datetime | None = None,
               stale_after: timedelta = DEFAULT_STALE_AFTER) -> Results:
        """The page of results `q` asks for. A listing last checked more than
        `stale_after` before `now` (or never) ranks lower and is marked stale."""
        now = now or datetime.now(UTC)
        fresh_for = stale_after.total_seconds()
        text_scores = self.text.scores(q.text) if q.text else None
        want = q.offset + q.limit
        taken: list[tuple[float, int, float | None]] = []
        nearby = 0
        more = False
        if q.latitude is not None and q.longitude is not None and not q.online_only:
            idx, dist = self._near(q.latitude, q.longitude, q.radius_km)
            scores, keep = self._scores(idx, q, now, fresh_for, dist, text_scores)
            for i, s, d in self._ranked(idx[keep], scores[keep], dist[keep], q, now):
                if len(taken) == want:
                    more = True
                    break
                taken.append((s, i, d))
            nearby = len(taken)
        want_online = q.online_only or q.include_online or q.latitude is None
        fallback = False
        if want_online or len(taken) < want:
            fallback = nearby == 0 and not want_online
            # Online listings rank after every nearby one: being able to walk in counts.
            scale = min(s for s, _, _ in taken) * 0.99 if taken else 1.0
            idx = self._remote_candidates(q, {i for _, i, _ in taken}, text_scores)
            scores, keep = self._scores(idx, q, now, fresh_for, None, text_scores)
            for i, s, _ in self._ranked(idx[keep], scores[keep] * scale, None, q, now):
                if len(taken) == want:
                    more = True
                    break
                taken.append((s, i, None))
        hits = [self._hit(i, s, d, q, now, stale_after) for s, i, d in taken[q.offset:]]
        return Results(hits=hits, more=more, nearby=nearby, online_fallback=fallback)

    def _near(self, lat: float, lon: float, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Listings within the radius and their distance. Equirectangular distance: within
        metres of great-circle at these ranges, and cheap to vectorise; the distance shown
        to people is recomputed on the great circle for the few results."""
        dlat = radius_km / KM_PER_DEG_LAT
        coslat = max(math.cos(math.radians(lat)), 0.01)
        lo, hi = np.searchsorted(self.sorted_lat, (lat - dlat, lat + dlat), side="left")
        band = self.by_lat[lo:hi]
        dy = (self.lat[band] - lat) * KM_PER_DEG_LAT
        dx = (self.lon[band] - lon) * (KM_PER_DEG_LAT * coslat)
        dist = np.sqrt(dx * dx + dy * dy)
        inside = dist <= radius_km
        return band[inside], dist[inside]

    def _remote_candidates(self, q: Query, exclude: set[int],
                           text_scores: np.ndarray | None) -> np.ndarray:
        """Online listings, then (with no place given) phone lines and names that match
        the words typed: "smart recovery" finds it wherever it is."""
        parts = [self.online]
        if q.latitude is None and not q.online_only:
            parts.append(self.national)
            if text_scores is not None:
                parts.append(np.flatnonzero(text_scores >= TEXT_CUTOFF))
        idx = np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        if exclude:
            idx = idx[~np.isin(idx, list(exclude))]
        return idx

    def _scores(self, idx: np.ndarray, q: Query, now: datetime, fresh_for: float,
                dist: np.ndarray | None, text_scores: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray]:
        """Scores in [0, 1] for candidates, and which candidates fit the query at all."""
        keep = np.ones(len(idx), dtype=bool)
        if q.online_only:
            keep &= np.isin(idx, self.online)
        needs_score = np.ones(len(idx))
        if q.needs:
            qmask = _mask(q.needs, NEED_BIT)
            if qmask < 0:
                qmask = _mask((n for n in q.needs if n in NEED_BIT), NEED_BIT)
            lneeds = self.needs[idx]
            hit = np.bitwise_count(lneeds & qmask).astype(np.float64)
            asked = len(q.needs)
            if FAMILY_NEED in q.needs and asked > 1:
                hit += (lneeds & NEED_BIT[FAMILY_NEED]) != 0
                asked += 1
            wider = (lneeds & _mask(expand(q.needs) - q.needs, NEED_BIT)) != 0
            general = (lneeds == 0) | ((lneeds & NEED_BIT[GENERAL_NEED]) != 0)
            needs_score = np.where(hit > 0, hit / asked,
                                   np.where(wider, PARENT_MATCH, GENERAL_MATCH))
            # A listing asked for by name ("SMART Recovery Liverpool") is wanted,
            # whatever need the words also named.
            named = text_scores[idx] >= TEXT_CUTOFF if text_scores is not None else False
            keep &= (hit > 0) | wider | general | named
        for wanted, column, bits in ((q.audience, self.audience, AUDIENCE_BIT),
                                     (q.accessibility, self.access, ACCESS_BIT)):
            if wanted:
                m = _mask(wanted, bits)
                keep &= (column[idx] & m) == m if m >= 0 else False
        if q.languages:  # any of them
            m = _mask((c for c in q.languages if c in LANGUAGE_BIT), LANGUAGE_BIT)
            keep &= (self.langs[idx] & m) != 0
        if q.when and (wanted := window(q.when, now)) is not None:
            keep &= self._may_meet(idx, wanted)
        text = np.ones(len(idx))
        if text_scores is not None:
            text = text_scores[idx]
            if not q.needs:
                # Words are a filter when they are all there is to go on; else a boost.
                keep &= text >= TEXT_CUTOFF
        near = np.ones(len(idx)) if dist is None else np.clip(
            1.0 - dist / max(q.radius_km, 1.0), 0.0, 1.0)
        age = now.timestamp() - self.verified[idx]
        fresh = np.where(age <= fresh_for, 1.0, 0.3)  # NaN (never checked): 0.3
        score = W_NEEDS * needs_score + W_DISTANCE * near + W_TEXT * text + W_FRESH * fresh
        score = np.where(self.closed[idx], score * 0.5, score)
        return score, keep

    def _may_meet(self, idx: np.ndarray, w: Window) -> np.ndarray:
        """Which candidates may meet in `w`: a superset, from the weekdays and
        wall-clock minutes alone; the exact check (Window.matches) follows in _ranked
        for the few left."""
        days = self.meet_days[idx]
        always = (days & ALWAYS_BIT) != 0
        lo, hi = w.start.astimezone(LONDON), w.end.astimezone(LONDON)
        first = lo.date() - timedelta(days=1)  # a meeting from the evening before
        span = (hi.date() - first).days + 1
        if span >= 8:
            return (days != 0)
        if lo.date() != hi.date() and not (hi.time() == datetime.min.time()
                                           and span == 3):
            bits = sum(1 << (first + timedelta(days=k)).weekday() for k in range(span))
            return always | ((days & bits) != 0)
        # Within one day (up to its midnight): its weekday and minutes, and the day
        # before's meetings still going past midnight.
        today, yesterday = 1 << lo.weekday(), 1 << first.weekday()
        start_at = lo.hour * 60 + lo.minute - CLOCK_SLACK
        end_at = (1440 if hi.date() != lo.date() else hi.hour * 60 + hi.minute) + CLOCK_SLACK
        begins, ends = self.start_min[idx], self.end_min[idx]
        starts_in = (begins >= start_at) & (begins <= end_at)
        if w.in_progress:
            starts_in |= (begins <= end_at) & (ends > start_at)
        late = ((days & yesterday) != 0) & (ends - 1440 > start_at)
        return always | (((days & today) != 0) & starts_in) | late

    def _ranked(self, idx: np.ndarray, scores: np.ndarray, dist: np.ndarray | None,
                q: Query, now: datetime) -> Iterator[tuple[int, float, float | None]]:
        """Candidates best first (ties by id), made-up examples (the demo directory's)
        after every real listing, with the filters that need a calendar (a weekday,
        within N hours) applied lazily, only as far as the page needs."""
        order = np.lexsort((self.ids[idx], -scores, self.demo[idx]))
        wanted = window(q.when, now) if q.when else None
        ways = frozenset().union(*(HELD[a] for a in q.attendance)) if q.attendance else None
        for k in order:
            i = int(idx[k])
            e = self.entries[i]
            if ways is not None and e.attendance not in ways:
                continue
            if wanted is not None and not wanted.matches(e.schedule):
                continue
            if q.day is not None and not _meets_on_weekday(e, q.day, now):
                continue
            if q.within_hours is not None:
                nxt = next_occurrence(e.schedule, now)
                if nxt is None or nxt - now > timedelta(hours=q.within_hours):
                    continue
            yield i, float(scores[k]), None if dist is None else float(dist[k])

    def _hit(self, i: int, score: float, approx_km: float | None, q: Query,
             now: datetime, stale_after: timedelta) -> Hit:
        e = self.entries[i]
        dist = None
        if approx_km is not None and q.latitude is not None:
            dist = distance_km(q.latitude, q.longitude, self.lat[i], self.lon[i])
        return Hit(
            id=e.id, slug=e.slug, name=e.name, score=round(score, 4), distance_km=dist,
            next_meeting=next_occurrence(e.schedule, now), online=e.online,
            temporarily_closed=e.status == "temporarily_closed",
            stale=e.last_verified is None or now - e.last_verified > stale_after,
        )


def _chunks(values: list[int], size: int = 500) -> Iterator[list[int]]:
    """Slices of a list, to keep IN lists a sane size."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _meets_on_weekday(e: Entry, weekday: int, now: datetime) -> bool:
    if e.schedule.kind == "always_open":
        return True
    local = now.astimezone(LONDON).date()
    ahead = (weekday - local.weekday()) % 7
    # The next such weekday, or, for fortnightly and monthly groups, any within 5 weeks.
    return any(occurs_on(e.schedule, local + timedelta(days=ahead + 7 * w)) for w in range(5))


class DirectorySearch:
    """Keeps a search index per process and brings it up to date when the directory
    changed (any write bumps its version, in any process).

    An update fetches only the listings changed since the index's version (stamped by
    repository.py) and merges them into a new index; a full build is left for large
    changes (more than `max_delta` of the listings, and at least MIN_DELTA) and deletions.
    One thread updates at a time; turns arriving meanwhile search the previous snapshot
    rather than wait (only with no index at all is there nothing to search). Each index
    is immutable and swapped in whole, so a search never sees half an update.

    `recheck_seconds`: how long to trust the index before asking the database for the
    directory version again (0: every search). A second is plenty for a directory that
    volunteers edit a few times a day, and saves a query on every turn.
    `stale_after`: a listing last checked longer ago than this ranks lower and its hits
    say `stale` (STALE_AFTER_DAYS, from adapters/wiring.py).
    `view_cache`: what finder.load_views built for listings shown, valid for the current
    index: an update replaces it with a copy without the changed listings (a turn still
    holding the old dict only writes to the old one)."""

    MIN_DELTA = 100

    def __init__(self, recheck_seconds: float = 0.0, max_delta: float = 0.05,
                 stale_after: timedelta = DEFAULT_STALE_AFTER) -> None:
        self._index = SearchIndex()
        self.recheck_seconds = recheck_seconds
        self.stale_after = stale_after
        self.max_delta = max_delta
        self._checked_at = -math.inf
        self._lock = threading.Lock()
        self.view_cache: dict[int, object] = {}

    def index(self, session: Session) -> SearchIndex:
        now = time.monotonic()
        current = self._index
        if now - self._checked_at < self.recheck_seconds:
            return current
        version, deleted = directory_versions(session)
        if version == current.version:
            self._checked_at = now
            return current
        if has_unsaved_writes(session):
            # This turn's own uncommitted writes must not reach the shared index: a
            # rollback would leave it claiming a version that never existed.
            return current if current.version >= 0 else SearchIndex.build(session)
        if not self._lock.acquire(blocking=current.version < 0):
            return current  # another thread is updating: search the previous snapshot
        try:
            if self._index is not current:  # updated while this thread waited
                current = self._index
                version, deleted = directory_versions(session)
            if version != current.version:
                self._refresh(session, current, version, deleted)
            self._checked_at = now
            return self._index
        finally:
            self._lock.release()

    def _refresh(self, session: Session, current: SearchIndex, version: int,
                 deleted: int) -> None:
        """Replace `current` (version `current.version`) by an index at `version`; called
        with the lock held."""
        delta = None
        # Deletions leave no stamped row, and a version gone backwards means another
        # database (restored, or emptied by tests): both need a full build.
        if 0 <= current.version < version and deleted <= current.version:
            delta = self._changes(session, current)
        if delta is None:
            index, views = SearchIndex.build(session), {}
        else:
            changed, rows = delta
            index = current.updated(version, changed, rows)
            views = self.view_cache.copy()  # one C call: safe while turns write to it
            for lid in changed.tolist():
                views.pop(lid, None)
        # Views first: a turn that sees the new index must not find an old view.
        self.view_cache = views
        self._index = index

    def _changes(self, session: Session, current: SearchIndex
                 ) -> tuple[np.ndarray, list[tuple]] | None:
        """Listings changed since the index's version (ids, and the rows of those still
        open), or None when there are too many for an update to beat a full build. A row
        changed after the version was read may come too: harmless, as it is stamped with a
        later version and fetched again next time."""
        limit = max(self.MIN_DELTA, int(len(current) * self.max_delta))
        since = current.version
        # Simple queries, each answered from an index whatever the planner's statistics
        # say (one query with a join and OR or UNION got a seq scan on a freshly loaded
        # PostgreSQL table): changed listings, then listings of changed organisations (a
        # rename or closure changes all their entries), then the rows of all of those.
        ids = set(session.scalars(select(Listing.id).where(Listing.changed_in > since)
                                  .limit(limit + 1)))
        orgs = list(session.scalars(select(Organisation.id)
                                    .where(Organisation.changed_in > since).limit(limit + 1)))
        for chunk in _chunks(orgs):
            if len(ids) <= limit:
                ids.update(session.scalars(select(Listing.id)
                                           .where(Listing.organisation_id.in_(chunk))
                                           .limit(limit + 1)))
        if len(ids) > limit or len(orgs) > limit:
            return None
        rows: list[Row] = []
        for chunk in _chunks(sorted(ids)):
            rows += session.execute(
                select(*COLUMNS, Organisation.status)
                .join(Organisation, Listing.organisation_id == Organisation.id)
                .where(Listing.id.in_(chunk))
                .order_by(Listing.id)
            ).all()
        # A listing deleted since its id was read is simply absent: no harm, as
        # deletions make the next refresh a full build.
        changed = np.array(sorted(ids), dtype=np.int64)
        still_open = [tuple(row[:-1]) for row in rows
                      if row[10] != "closed" and row[-1] != "closed"]
        return changed, still_open

    def search(self, session: Session, q: Query, now: datetime | None = None) -> Results:
        return self.index(session).search(q, now, self.stale_after)
