"""From everyday words to results: understand a request ("alcohol support near Leeds"),
run the search, and load what is shown about each result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from directory.geography import Gazetteer, GeoResult
from directory.models import Listing
from directory.needs import understand
from directory.schedule import Schedule, describe
from directory.search import Hit

# Words that carry no meaning for matching names: "support groups near me".
FILLER = frozenset("""
a an and any are around at be can do does find for from get group groups help i i'm im in is
it just looking me meeting meetings my near nearby need of on or please some something
support the there to want where with you your am about anything have has too much
""".split())


@dataclass(frozen=True, slots=True)
class Request:
    needs: frozenset[str]
    place: GeoResult | None
    text: str  # what is left for matching names, fillers removed


def understand_request(text: str, gazetteer: Gazetteer) -> Request:
    text = text[:500]
    needs, spans = understand(text)
    place = gazetteer.find_in_text(text)
    rest = text.casefold()
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    if place is not None:
        for name in _place_names(place):
            rest = re.sub(r"\b" + re.escape(name.casefold()) + r"\b", " ", rest)
    words = [w for w in re.findall(r"[\w'&-]+", rest) if w not in FILLER]
    return Request(needs=needs, place=place, text=" ".join(words))


def _place_names(result: GeoResult) -> list[str]:
    names = [result.query]
    if result.place is not None:
        names.append(result.place.name)
    names.extend(c.name for c in result.candidates)
    return [n for n in names if n]


@dataclass(frozen=True, slots=True)
class ListingView:
    """Everything shown about one result; `as_json` is the documented CLI output."""

    id: int
    slug: str
    name: str
    organisation: str
    organisation_kind: str
    kind: str
    description: str | None
    needs: tuple[str, ...]
    distance_km: float | None
    attendance: str
    schedule: str
    next_meeting: datetime | None
    venue_name: str | None
    address: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    location_approximate: bool
    phone: str | None
    website: str | None
    email: str | None
    conference_url: str | None
    conference_phone: str | None
    audience: tuple[str, ...]
    accessibility: tuple[str, ...]
    languages: tuple[str, ...]
    notes: str | None
    status: str
    status_note: str | None
    last_verified: datetime | None
    stale: bool
    is_demo: bool
    # The name and description in other languages ({"cy": {"name": .., ...}}).
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # The schedule itself, for wording it in another language (`schedule` is English);
    # not part of the JSON output.
    timetable: Schedule | None = None

    def localised(self, language: str) -> ListingView:
        """This view with the name and description in `language` where the listing has
        them (a Welsh conversation shows the Welsh name); otherwise unchanged."""
        own = self.translations.get(language) or {}
        if not own:
            return self
        return replace(self, name=own.get("name") or self.name,
                       description=own.get("description") or self.description)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in self.__slots__:  # type: ignore[attr-defined]
            if key == "timetable":
                continue
            value = getattr(self, key)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, float) and key == "distance_km":
                value = round(value, 1)
            out[key] = value
        return out


def load_views(session: Session, hits: list[Hit],
               cache: dict[int, Any] | None = None) -> list[ListingView]:
    """Full rows for the few results shown, in the order of `hits`. With a cache (one
    that is emptied whenever the directory changes, as DirectorySearch.view_cache is),
    a listing shown before is not read again."""
    if not hits:
        return []
    cache = {} if cache is None else cache
    missing = [h.id for h in hits if h.id not in cache]
    if missing:
        rows = session.scalars(
            select(Listing).options(joinedload(Listing.organisation))
            .where(Listing.id.in_(missing))
        ).all()
        for row in rows:
            cache[row.id] = view(row)
    return [replace(cache[h.id], distance_km=h.distance_km, next_meeting=h.next_meeting,
                    stale=h.stale) for h in hits if h.id in cache]


def view(row: Listing, hit: Hit | None = None) -> ListingView:
    org = row.organisation
    verified = row.last_verified_at
    schedule = Schedule(row.schedule_kind, tuple(row.days or ()), tuple(row.month_weeks or ()),
                        row.anchor_date, row.start_time, row.end_time)
    return ListingView(
        id=row.id, slug=row.slug, name=row.name, organisation=org.name,
        organisation_kind=org.kind, kind=row.kind, description=row.description,
        needs=tuple(row.needs or ()), distance_km=hit.distance_km if hit else None,
        attendance=row.attendance, schedule=describe(schedule),
        next_meeting=hit.next_meeting if hit else None, venue_name=row.venue_name,
        address=row.address, postcode=row.postcode, latitude=row.latitude,
        longitude=row.longitude, location_approximate=row.location_approximate,
        phone=row.phone or (org.phones[0] if org.phones else None),
        website=row.website or org.website, email=org.email, conference_url=row.online_url,
        conference_phone=row.online_phone, audience=tuple(row.audience or ()),
        accessibility=tuple(row.accessibility or ()), languages=tuple(row.languages or ()),
        notes=row.notes, status=row.status, status_note=row.status_note,
        last_verified=verified, stale=hit.stale if hit else verified is None,
        is_demo=row.is_demo or org.is_demo, translations=dict(row.translations or {}),
        timetable=schedule,
    )
