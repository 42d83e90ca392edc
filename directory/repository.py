"""Writes to the directory. Every change goes through here so that each one leaves a
revision (who, when, before, after) and bumps the directory version that tells search
indexes in every process to reload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from directory.models import DirectoryMeta, Listing, Organisation, Revision
from directory.records import ListingRecord, OrganisationRecord, field_names

_VERSION_KEY = "directory"


def now() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes; all are UTC
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _comparable(value: Any) -> Any:
    # SQLite hands back naive datetimes; compare instants, not representations.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(slots=True)
class Change:
    entity: str
    slug: str
    action: str  # create | update | unchanged
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def directory_version(session: Session) -> int:
    row = session.scalar(select(DirectoryMeta.version).where(DirectoryMeta.key == _VERSION_KEY))
    return row or 0


def bump_version(session: Session) -> None:
    result = session.execute(
        update(DirectoryMeta)
        .where(DirectoryMeta.key == _VERSION_KEY)
        .values(version=DirectoryMeta.version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DirectoryMeta(key=_VERSION_KEY, version=1))


def _apply(session: Session, obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for key, value in values.items():
        old = getattr(obj, key, None)
        if _comparable(old) != _comparable(value):
            changed[key] = (old, value)
            setattr(obj, key, value)
    return changed


def _record(
    session: Session, entity: str, obj: Any, action: str, actor: str,
    changed: dict[str, tuple[Any, Any]],
) -> None:
    session.add(Revision(
        entity=entity, entity_id=obj.id, entity_slug=obj.slug, action=action, actor=actor,
        at=now(),
        before={k: _jsonable(v[0]) for k, v in changed.items()} if action != "create" else {},
        after={k: _jsonable(v[1]) for k, v in changed.items()},
    ))


def _upsert(session: Session, entity: str, model: type, slug: str, existing: Any,
            values: dict[str, Any], actor: str, dry_run: bool) -> Change:
    """Create or update one row by its stable slug, with a revision and a version bump;
    a dry run only says what would change."""
    if dry_run:
        if existing is None:
            return Change(entity, slug, "create")
        diff = {k: (getattr(existing, k), v) for k, v in values.items()
                if _comparable(getattr(existing, k)) != _comparable(v)}
        return Change(entity, slug, "update" if diff else "unchanged", diff)
    action = "update"
    if existing is None:
        action = "create"
        existing = model(created_at=now(), updated_at=now())
        session.add(existing)
    changed = _apply(session, existing, values)
    if not changed:
        return Change(entity, slug, "unchanged")
    existing.updated_at = now()
    session.flush()
    _record(session, entity, existing, action, actor, changed)
    bump_version(session)
    return Change(entity, slug, action, changed)


def upsert_organisation(
    session: Session, rec: OrganisationRecord, actor: str, dry_run: bool = False
) -> Change:
    values = {k: getattr(rec, k) for k in field_names(OrganisationRecord)}
    org = session.scalar(select(Organisation).where(Organisation.slug == rec.slug))
    return _upsert(session, "organisation", Organisation, rec.slug, org, values, actor,
                   dry_run)


def upsert_listing(
    session: Session, rec: ListingRecord, actor: str, dry_run: bool = False
) -> Change:
    values = {k: getattr(rec, k) for k in field_names(ListingRecord) if k != "organisation_slug"}
    listing = session.scalar(select(Listing).where(Listing.slug == rec.slug))
    if not dry_run:
        org_id = session.scalar(
            select(Organisation.id).where(Organisation.slug == rec.organisation_slug))
        if org_id is None:
            raise LookupError(f"organisation {rec.organisation_slug!r} does not exist")
        values["organisation_id"] = org_id
    return _upsert(session, "listing", Listing, rec.slug, listing, values, actor, dry_run)


def _aware(values: dict[str, Any]) -> dict[str, Any]:
    # SQLite hands back naive datetimes; everything we store is UTC.
    when = values.get("last_verified_at")
    if when is not None and when.tzinfo is None:
        values["last_verified_at"] = when.replace(tzinfo=UTC)
    return values


def update_listing(session: Session, listing: Listing, values: dict[str, Any], actor: str,
                   action: str = "update") -> dict[str, tuple[Any, Any]]:
    """Change some fields of a listing, with a revision; returns what changed."""
    changed = _apply(session, listing, values)
    if changed:
        listing.updated_at = now()
        session.flush()
        _record(session, "listing", listing, action, actor, changed)
        bump_version(session)
    return changed


def organisation_record(org: Organisation) -> OrganisationRecord:
    return OrganisationRecord(**_aware({k: getattr(org, k)
                                        for k in field_names(OrganisationRecord)}))


def listing_record(listing: Listing) -> ListingRecord:
    values = {k: getattr(listing, k) for k in field_names(ListingRecord)
              if k != "organisation_slug"}
    return ListingRecord(organisation_slug=listing.organisation.slug, **_aware(values))


def history(session: Session, slug: str) -> list[Revision]:
    return list(session.scalars(
        select(Revision).where(Revision.entity_slug == slug).order_by(Revision.id)
    ))
