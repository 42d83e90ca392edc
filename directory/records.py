"""Plain records: the one shape every import format parses into and every export format
writes from. Keeping formats <-> records <-> database separate means a round trip through
any format keeps every field we model, and validation happens once, here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time


@dataclass(slots=True)
class OrganisationRecord:
    slug: str
    name: str
    kind: str = "lero"
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phones: list[str] = field(default_factory=list)
    charity_number: str | None = None
    area_served: str | None = None
    clero_member: bool = False
    status: str = "active"
    status_note: str | None = None
    last_verified_at: datetime | None = None
    last_verified_by: str | None = None
    source: str | None = None
    is_demo: bool = False


@dataclass(slots=True)
class ListingRecord:
    slug: str
    organisation_slug: str
    name: str
    kind: str = "meeting"
    description: str | None = None
    needs: list[str] = field(default_factory=list)
    schedule_kind: str = "weekly"
    days: list[int] = field(default_factory=list)  # 0 = Monday .. 6 = Sunday
    month_weeks: list[int] = field(default_factory=list)
    anchor_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    attendance: str = "in_person"
    venue_name: str | None = None
    address: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_approximate: bool = False
    online_url: str | None = None
    online_phone: str | None = None
    phone: str | None = None
    website: str | None = None
    accessibility: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    # The name and description in other languages: {"cy": {"name": .., "description": ..}}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: str | None = None
    status: str = "active"
    status_note: str | None = None
    last_verified_at: datetime | None = None
    last_verified_by: str | None = None
    source: str | None = None
    is_demo: bool = False


@dataclass(slots=True)
class Feed:
    """What one file holds: organisations and their listings."""

    organisations: list[OrganisationRecord] = field(default_factory=list)
    listings: list[ListingRecord] = field(default_factory=list)


def field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]
