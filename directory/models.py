"""SQLAlchemy 2 typed models of the directory.

Vocabularies (kinds, attendance, audience, accessibility, schedule kinds) are stored as
short strings, not native database enums, so that adding a value is a code change and
not a migration on every backend. Lists (phones, days, audience, ...) are JSON columns:
they are read whole and never queried into, because search runs on an in-memory index
(see search.py).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, always in UTC: the type of every date-and-time column of every
    model (the directory's and bot/'s), so no code has to patch what a backend hands back.

    The column is DateTime(timezone=True), as before: TIMESTAMP WITH TIME ZONE on
    PostgreSQL, DATETIME (text without an offset) on SQLite; the DDL, the migrations and
    Alembic's comparison are unchanged (it compares the DDL this type compiles to).

    Written: an aware value is converted to UTC first (SQLite keeps no offset, so a London
    summer time would otherwise be stored an hour out); a naive one is taken to be UTC
    already, as it always was here (imported feeds may carry naive timestamps), rather
    than left to the PostgreSQL session's time zone. Read: aware and in UTC on every
    backend (SQLite hands back naive values, PostgreSQL values in the session's zone)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, list[int]: JSON}


class OrgKind(enum.StrEnum):
    LERO = "lero"
    FELLOWSHIP = "fellowship"  # mutual aid: AA, NA, CA, SMART Recovery, Al-Anon, ...
    SERVICE = "service"  # treatment or support service
    HELPLINE = "helpline"


class ListingKind(enum.StrEnum):
    MEETING = "meeting"
    GROUP = "group"
    SERVICE = "service"
    HELPLINE = "helpline"


class Status(enum.StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"


class Attendance(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"
    PHONE = "phone"  # helplines: reachable from anywhere by phone


class ScheduleKind(enum.StrEnum):
    WEEKLY = "weekly"  # on one or more weekdays
    FORTNIGHTLY = "fortnightly"  # every other week, counted from anchor_date
    MONTHLY = "monthly"  # nth weekday(s) of the month: 2nd Monday, last Friday
    APPOINTMENT = "appointment"
    ALWAYS_OPEN = "always_open"  # helplines, online forums


# Audience and accessibility codes; labels live with the catalogue of the reader.
AUDIENCES = (
    "women", "men", "lgbtq", "young_people", "older_people", "families",
    "veterans", "bame", "newcomers", "open", "closed",
)
ACCESSIBILITY = (
    "wheelchair", "hearing_loop", "step_free", "accessible_toilet", "parking",
    "public_transport", "childcare", "interpreter", "bsl",
)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VerificationMixin:
    status: Mapped[str] = mapped_column(String(24), default=Status.ACTIVE.value)
    status_note: Mapped[str | None] = mapped_column(String(500))
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_verified_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(500))
    # Demo listings are examples shipped with the package and always say so.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class ChangeStampMixin:
    # The directory version whose transaction last wrote this row (repository.py stamps
    # it on every ORM write), so a search index fetches only what changed since its own.
    changed_in: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)


class Organisation(TimestampMixin, VerificationMixin, ChangeStampMixin, Base):
    __tablename__ = "organisation"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "contacts of organisations, where a contact is a person's own",
        "purpose": "the directory people are pointed to, with its published contact details",
        "retention": "while the organisation is listed",
        "erasure": "a curator's edit or an import replaces it (old values stay in revision)",
        "columns": {
            "email": "personal: a contact email, which may be a named person's",
            "phones": "personal: contact phone numbers, which may be a person's own",
            "last_verified_by": {
                "holds": "personal: who last checked it: 'person:N' (a volunteer), or an "
                         "imported assurer's email (Open Referral UK)",
                "erasure": "/forget makes a volunteer 'former-volunteer'; an import or a "
                           "new check replaces it"},
        },
        "not_personal": "id slug kind name description website charity_number area_served "
                        "clero_member created_at updated_at status status_note "
                        "last_verified_at source is_demo changed_in",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(320))
    phones: Mapped[list[str]] = mapped_column(default=list)
    charity_number: Mapped[str | None] = mapped_column(String(40))
    area_served: Mapped[str | None] = mapped_column(String(300))
    clero_member: Mapped[bool] = mapped_column(Boolean, default=False)

    listings: Mapped[list[Listing]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class Listing(TimestampMixin, VerificationMixin, ChangeStampMixin, Base):
    """A group, meeting or service of an organisation: the thing a person can go to."""

    __tablename__ = "listing"
    __table_args__ = ({"info": {"privacy": {
        "subjects": "contacts of groups and services, where a contact is a person's own",
        "purpose": "the directory people are pointed to, with its published contact details",
        "retention": "while the listing is in the directory",
        "erasure": "a curator's or volunteer's edit, or an import, replaces it (old values "
                   "stay in revision)",
        "columns": {
            "phone": "personal: a contact phone number, which may be a person's own",
            "online_phone": "personal: a dial-in or contact number, which may be a person's",
            "notes": "personal: free text from the organisation or a volunteer; may name a "
                     "contact",
            "last_verified_by": {
                "holds": "personal: who last checked it: 'person:N' (a volunteer), or an "
                         "imported assurer's email (Open Referral UK)",
                "erasure": "/forget makes a volunteer 'former-volunteer'; an import or a "
                           "new check replaces it"},
        },
        "not_personal": "id slug organisation_id kind name description needs schedule_kind "
                        "days month_weeks anchor_date start_time end_time attendance "
                        "venue_name address postcode latitude longitude location_approximate "
                        "online_url website accessibility audience languages version "
                        "stale_reminded_at created_at updated_at status status_note "
                        "last_verified_at source is_demo changed_in source_id "
                        "curated_fields translations",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24), default=ListingKind.MEETING.value)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[list[str]] = mapped_column(default=list)

    schedule_kind: Mapped[str] = mapped_column(String(24), default=ScheduleKind.WEEKLY.value)
    days: Mapped[list[int]] = mapped_column(default=list)  # 0 = Monday .. 6 = Sunday
    month_weeks: Mapped[list[int]] = mapped_column(default=list)  # 1..4, -1 = last
    anchor_date: Mapped[date | None] = mapped_column(Date)  # one fortnightly occurrence
    start_time: Mapped[time | None] = mapped_column(Time)  # Europe/London wall clock
    end_time: Mapped[time | None] = mapped_column(Time)

    attendance: Mapped[str] = mapped_column(String(16), default=Attendance.IN_PERSON.value)
    venue_name: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(10))
    latitude: Mapped[float | None] = mapped_column(Float, index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    online_url: Mapped[str | None] = mapped_column(String(500))
    # 100: a Zoom one-tap dial string with meeting id and passcode
    # ("+442034815240,,84912345678#,,,,*9876543210#") runs past 40 characters; the
    # Meeting Guide spec's conference_phone allows "," "*" "#" for them.
    online_phone: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(500))
    accessibility: Mapped[list[str]] = mapped_column(default=list)
    audience: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    # The name and description in other languages, keyed by ISO 639-1 code:
    # {"cy": {"name": "...", "description": "..."}}; a conversation in that language shows
    # them. JSON, so that a third language needs no new column.
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    notes: Mapped[str | None] = mapped_column(Text)

    # Optimistic locking: every update checks and bumps it, so of two people editing the
    # same listing at once the second is told, and no change is silently lost.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    stale_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Provenance (directory/sources.py): the feed a listing is synced from (None: made
    # here, or imported from a file), and the fields volunteers have set since, which no
    # import or sync overwrites (curation.apply marks them; docs/import-formats.md).
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="SET NULL"), index=True)
    curated_fields: Mapped[list[str]] = mapped_column(default=list, server_default="[]")

    organisation: Mapped[Organisation] = relationship(back_populates="listings")

    __mapper_args__ = {"version_id_col": version}


class Source(Base):
    """A feed the directory is kept in sync with (`recovery-bot directory sync`): where it
    is, how to read it, and what its last sync did. The HTTP validators (ETag,
    Last-Modified) are those of the last copy applied, so an unchanged feed costs a 304."""

    __tablename__ = "source"
    __table_args__ = ({"info": {"privacy": "none: where directory feeds are published and "
                                           "how their last sync went (counts and an error "
                                           "message, never a record's values)"}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    format: Mapped[str] = mapped_column(String(24))  # an exchange format, or "auto"
    # Who runs the meetings when a record does not say ("GA"; directory/fellowships.py),
    # and needs given to listings that come with none.
    fellowship: Mapped[str | None] = mapped_column(String(120))
    needs: Mapped[list[str]] = mapped_column(default=list)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))  # the header, verbatim
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[str | None] = mapped_column(String(16))  # ok|not_modified|failed
    last_summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Revision(Base):
    """One change to the directory: who, when, and the fields before and after."""

    __tablename__ = "revision"
    __table_args__ = ({"info": {"privacy": {
        "subjects": "volunteers and admins who changed the directory; contacts in the values",
        "purpose": "each listing's history: who changed what and when, to review and undo",
        "retention": "with the directory, with no time limit (a listing's history)",
        "erasure": "not erased (what was published stays published); /forget credits a "
                   "volunteer's changes, and an admin's approvals, to 'former-volunteer', "
                   "and takes the history of a new group they proposed that was never "
                   "approved",
        "columns": {
            "actor": "pseudonym: who made the change: 'person:N' (a volunteer or an admin; "
                     "'former-volunteer' once forgotten), or 'import', 'cli-import', 'demo'",
            "approved_by": "pseudonym: the admin who approved a volunteer's change, when "
                           "not its author: 'person:N' ('former-volunteer' once forgotten)",
            "at": "personal: when the actor made the change",
            "before": "personal: the changed fields' old values (a contact's phone or email)",
            "after": "personal: the changed fields' new values, as a volunteer typed them",
        },
        "not_personal": "id entity entity_id entity_slug action batch",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(24))  # "organisation" | "listing"
    entity_id: Mapped[int] = mapped_column(Integer)
    entity_slug: Mapped[str] = mapped_column(String(160), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    actor: Mapped[str] = mapped_column(String(200))  # who made it: its author
    # Who approved it, when that was someone else (an admin's review of a volunteer's).
    approved_by: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Revisions made together as one change (a volunteer's /verify all, a venue's
    # listings paused at once) share a batch id: /undo puts them back together.
    batch: Mapped[str | None] = mapped_column(String(32), index=True)


class DirectoryMeta(Base):
    """A single row whose version goes up on every write, so that each process can tell
    cheaply whether its in-memory search index is stale."""

    __tablename__ = "directory_meta"
    __table_args__ = (UniqueConstraint("key"),
                      {"info": {"privacy": "none: a version counter of the directory"}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=0)


class ProblemReport(Base):
    """Someone said a listing is wrong. Nothing about who said it is kept: curators need
    to know what is wrong, not who noticed."""

    __tablename__ = "problem_report"
    __table_args__ = ({"info": {"privacy": "none: what is wrong with a listing, never who "
                                           "said so (deleted after RETENTION_REPORT_DAYS)"}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(24))  # see REPORT_REASONS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


REPORT_REASONS = ("wrong_time", "closed", "wrong_place", "wrong_contact", "other")
