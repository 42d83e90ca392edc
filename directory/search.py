"""Search: filter by place first, then rank a small candidate set.

The index is an in-memory snapshot of the searchable fields of every open listing,
rebuilt when the directory version changes (any write bumps it, in any process). Listings
with a place are kept sorted by latitude, so a query near a place takes one band of
latitude by binary search, then narrows it by longitude and distance with numpy; only the
few hundred listings left are scored, and only the ones shown have their next meeting
worked out. Full rows are loaded from the database only for the results shown.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from geopy.distance import great_circle
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Listing, Organisation
from directory.needs import NEEDS, expand
from directory.repository import directory_version
from directory.schedule import LONDON, Schedule, next_occurrence, occurs_on
from directory.textindex import TextIndex

KM_PER_DEG_LAT = 111.2
STALE_AFTER = timedelta(days=90)
GENERAL_NEED = "recovery_community"
TEXT_CUTOFF = 0.8
# Ranking weights: what someone asked for matters most, then how near, then how well the
# name matches any words they typed, then how recently the listing was checked.
W_NEEDS, W_DISTANCE, W_TEXT, W_FRESH = 0.45, 0.30, 0.15, 0.10
# A listing open to anyone in recovery, whatever the substance, counts this much.
GENERAL_MATCH = 0.3

NEED_BIT = {n.code: 1 << i for i, n in enumerate(NEEDS)}
AUDIENCE_BIT: dict[str, int] = {}
ACCESS_BIT: dict[str, int] = {}


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


class SearchIndex:
    def __init__(self, version: int = -1, rows: Iterable[tuple] = ()) -> None:
        self.version = version
        self.entries: list[Entry] = []
        needs, lat, lon, aud, acc, verified, closed, online, phone, texts = (
            [], [], [], [], [], [], [], [], [], [])
        for (lid, slug, name, org, _org_kind, _kind, lneeds, la, lo, attendance, status,
             skind, days, weeks, anchor, start, end, audience, access, when) in rows:
            if when is not None and when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            self.entries.append(Entry(
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
            texts.append(f"{name} {org}")
        self.needs = np.array(needs, dtype=np.int64)
        self.lat = np.array(lat, dtype=np.float64)
        self.lon = np.array(lon, dtype=np.float64)
        self.audience = np.array(aud, dtype=np.int64)
        self.access = np.array(acc, dtype=np.int64)
        self.verified = np.array(verified, dtype=np.float64)
        self.closed = np.array(closed, dtype=bool)
        self.text = TextIndex(texts)
        self.online = np.flatnonzero(np.array(online, dtype=bool))
        self.national = np.flatnonzero(np.array(phone, dtype=bool))
        placed = np.flatnonzero(~np.isnan(self.lat))
        order = np.argsort(self.lat[placed], kind="stable")
        self.by_lat = placed[order]  # listings with a place, sorted by latitude
        self.sorted_lat = self.lat[self.by_lat]
        self.ids = np.array([e.id for e in self.entries], dtype=np.int64)

    @classmethod
    def build(cls, session: Session) -> SearchIndex:
        version = directory_version(session)
        rows = session.execute(
            select(
                Listing.id, Listing.slug, Listing.name, Organisation.name, Organisation.kind,
                Listing.kind, Listing.needs, Listing.latitude, Listing.longitude,
                Listing.attendance, Listing.status, Listing.schedule_kind, Listing.days,
                Listing.month_weeks, Listing.anchor_date, Listing.start_time,
                Listing.end_time, Listing.audience, Listing.accessibility,
                Listing.last_verified_at,
            )
            .join(Organisation, Listing.organisation_id == Organisation.id)
            .where(Listing.status != "closed", Organisation.status != "closed")
            .order_by(Listing.id)
        )
        return cls(version, rows)

    @classmethod
    def from_rows(cls, version: int, rows: Iterable[tuple]) -> SearchIndex:
        return cls(version, rows)

    def __len__(self) -> int:
        return len(self.entries)

    # -- querying -------------------------------------------------------------------

    def search(self, q: Query, now: datetime | None = None) -> Results:
        now = now or datetime.now(UTC)
        text_scores = self.text.scores(q.text) if q.text else None
        want = q.offset + q.limit
        taken: list[tuple[float, int, float | None]] = []
        nearby = 0
        more = False
        if q.latitude is not None and q.longitude is not None and not q.online_only:
            idx, dist = self._near(q.latitude, q.longitude, q.radius_km)
            scores, keep = self._scores(idx, q, now, dist, text_scores)
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
            scores, keep = self._scores(idx, q, now, None, text_scores)
            for i, s, _ in self._ranked(idx[keep], scores[keep] * scale, None, q, now):
                if len(taken) == want:
                    more = True
                    break
                taken.append((s, i, None))
        hits = [self._hit(i, s, d, q, now) for s, i, d in taken[q.offset:]]
        return Results(hits=hits, more=more, nearby=nearby, online_fallback=fallback)

    def _near(self, lat: float, lon: float, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Listings within the radius and their distance. Equirectangular distance: within
        metres of great-circle at these ranges, and cheap to vectorise; the distance shown
        to people is recomputed with geopy for the few results."""
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

    def _scores(self, idx: np.ndarray, q: Query, now: datetime, dist: np.ndarray | None,
                text_scores: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
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
            general = (lneeds == 0) | ((lneeds & NEED_BIT[GENERAL_NEED]) != 0)
            needs_score = np.where(hit > 0, hit / len(q.needs), GENERAL_MATCH)
            keep &= (hit > 0) | general
        for wanted, column, bits in ((q.audience, self.audience, AUDIENCE_BIT),
                                     (q.accessibility, self.access, ACCESS_BIT)):
            if wanted:
                m = _mask(wanted, bits)
                keep &= (column[idx] & m) == m if m >= 0 else False
        text = np.ones(len(idx))
        if text_scores is not None:
            text = text_scores[idx]
            if not q.needs:
                # Words are a filter when they are all there is to go on; else a boost.
                keep &= text >= TEXT_CUTOFF
        near = np.ones(len(idx)) if dist is None else np.clip(
            1.0 - dist / max(q.radius_km, 1.0), 0.0, 1.0)
        age = now.timestamp() - self.verified[idx]
        fresh = np.where(age <= STALE_AFTER.total_seconds(), 1.0, 0.3)  # NaN (never): 0.3
        score = W_NEEDS * needs_score + W_DISTANCE * near + W_TEXT * text + W_FRESH * fresh
        score = np.where(self.closed[idx], score * 0.5, score)
        return score, keep

    def _ranked(self, idx: np.ndarray, scores: np.ndarray, dist: np.ndarray | None,
                q: Query, now: datetime) -> Iterator[tuple[int, float, float | None]]:
        """Candidates best first (ties by id), with the filters that need a calendar
        (a weekday, within N hours) applied lazily, only as far as the page needs."""
        order = np.lexsort((self.ids[idx], -scores))
        for k in order:
            i = int(idx[k])
            e = self.entries[i]
            if q.day is not None and not _meets_on_weekday(e, q.day, now):
                continue
            if q.within_hours is not None:
                nxt = next_occurrence(e.schedule, now)
                if nxt is None or nxt - now > timedelta(hours=q.within_hours):
                    continue
            yield i, float(scores[k]), None if dist is None else float(dist[k])

    def _hit(self, i: int, score: float, approx_km: float | None, q: Query,
             now: datetime) -> Hit:
        e = self.entries[i]
        dist = None
        if approx_km is not None and q.latitude is not None:
            dist = great_circle((q.latitude, q.longitude), (self.lat[i], self.lon[i])).km
        return Hit(
            id=e.id, slug=e.slug, name=e.name, score=round(score, 4), distance_km=dist,
            next_meeting=next_occurrence(e.schedule, now), online=e.online,
            temporarily_closed=e.status == "temporarily_closed",
            stale=e.last_verified is None or now - e.last_verified > STALE_AFTER,
        )


def _meets_on_weekday(e: Entry, weekday: int, now: datetime) -> bool:
    if e.schedule.kind == "always_open":
        return True
    local = now.astimezone(LONDON).date()
    ahead = (weekday - local.weekday()) % 7
    # The next such weekday, or, for fortnightly and monthly groups, any within 5 weeks.
    return any(occurs_on(e.schedule, local + timedelta(days=ahead + 7 * w)) for w in range(5))


class DirectorySearch:
    """Keeps a search index per process and rebuilds it when the directory changed.

    `recheck_seconds`: how long to trust the index before asking the database for the
    directory version again (0: every search). A second is plenty for a directory that
    volunteers edit a few times a day, and saves a query on every turn.
    `view_cache`: what finder.load_views built for listings shown, valid for this
    directory version (emptied whenever the index is rebuilt)."""

    def __init__(self, recheck_seconds: float = 0.0) -> None:
        self._index = SearchIndex()
        self.recheck_seconds = recheck_seconds
        self._checked_at = -math.inf
        self.view_cache: dict[int, object] = {}

    def index(self, session: Session) -> SearchIndex:
        now = time.monotonic()
        if now - self._checked_at < self.recheck_seconds:
            return self._index
        if directory_version(session) != self._index.version:
            self._index = SearchIndex.build(session)
            self.view_cache = {}
        self._checked_at = now
        return self._index

    def search(self, session: Session, q: Query, now: datetime | None = None) -> Results:
        return self.index(session).search(q, now)
