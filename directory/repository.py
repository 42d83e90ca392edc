"""Writes to the directory. Every change goes through here so that each one leaves a
revision (who, when, before, after) and bumps the directory version that tells search
indexes in every process to reload.

Each transaction that writes a listing or an organisation through the ORM bumps the
version once and stamps every row it writes with the new version (`changed_in`; mapper
events below, so no writer can forget). The UPDATE of the version row locks it until
commit, so writers are serialised: a reader that sees version V sees every row stamped
<= V, and a search index at version I needs only the rows stamped > I. A deletion cannot
leave a stamp, so it records its version under a second key, and indexes older than that
rebuild in full. Core statements (insert(Listing), update(Listing)) bypass all this and
must stamp `changed_in` with bump_version()'s result themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import Mapper, Session, object_session

from directory.models import DirectoryMeta, Listing, Organisation, Revision
from directory.records import ListingRecord, OrganisationRecord, field_names

_VERSION_KEY = "directory"
_DELETED_KEY = "directory_deleted"  # the version of the last deletion
# session.info: (transaction, its root transaction, the version its writes are stamped with)
_WRITE_KEY = "directory_write"


def now() -> datetime:
    return datetime.now(UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _utc(values: dict[str, Any]) -> dict[str, Any]:
    """A caller's values with any naive date and time taken as UTC, as UTCDateTime stores
    it (an imported feed may carry one): compared with and written over values read back,
    which are always aware, so every revision records the same instant the same way."""
    return {k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
            for k, v in values.items()}


@dataclass(slots=True)
class Change:
    entity: str
    slug: str
    action: str  # create | update | unchanged
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # Curated fields (Listing.curated_fields) whose value the record would have changed,
    # kept as volunteers set them.
    kept: list[str] = field(default_factory=list)


def directory_version(session: Session) -> int:
    row = session.scalar(select(DirectoryMeta.version).where(DirectoryMeta.key == _VERSION_KEY))
    return row or 0


def directory_versions(session: Session) -> tuple[int, int]:
    """The directory version and the version of the last deletion (0: none), in one
    query: what a search index checks on every turn."""
    rows: dict[str, int] = {key: version for key, version in session.execute(
        select(DirectoryMeta.key, DirectoryMeta.version)
        .where(DirectoryMeta.key.in_((_VERSION_KEY, _DELETED_KEY))))}
    return rows.get(_VERSION_KEY) or 0, rows.get(_DELETED_KEY) or 0


def _set_meta(conn: Connection, key: str, version: int | None) -> int:
    """Set a version row (None: add one to it); returns the value it now holds."""
    value = DirectoryMeta.version + 1 if version is None else version
    new = conn.execute(update(DirectoryMeta).where(DirectoryMeta.key == key)
                       .values(version=value).returning(DirectoryMeta.version)).scalar()
    if new is None:
        new = 1 if version is None else version
        conn.execute(insert(DirectoryMeta).values(key=key, version=new))
    return new


def bump_version(session: Session) -> int:
    """Bump the directory version now; returns the new version, which rows written by
    Core statements in this transaction must carry as `changed_in`."""
    version = _set_meta(session.connection(), _VERSION_KEY, None)
    _remember(session, version)
    return version


def _remember(session: Session, version: int) -> None:
    trans = session.get_nested_transaction() or session.get_transaction()
    session.info[_WRITE_KEY] = (trans, session.get_transaction(), version)


def _write_version(session: Session, conn: Connection) -> int:
    """The version this transaction's writes carry: bumped at its first write, then reused
    (all of a transaction's rows become visible together, so one version covers them). A
    savepoint bumps again, so rolling it back cannot leave a stamp above the version."""
    trans = session.get_nested_transaction() or session.get_transaction()
    seen = session.info.get(_WRITE_KEY)
    if seen is not None and seen[0] is trans:
        return seen[2]
    version = _set_meta(conn, _VERSION_KEY, None)
    _remember(session, version)
    return version


def has_unsaved_writes(session: Session) -> bool:
    """Whether this session's open transaction has written to the directory."""
    seen = session.info.get(_WRITE_KEY)
    return seen is not None and session.in_transaction() and seen[1] is session.get_transaction()


def _stamp_new(_mapper: Mapper, conn: Connection, target: Listing | Organisation) -> None:
    session = object_session(target)
    if session is not None:
        target.changed_in = _write_version(session, conn)


def _stamp_changed(_mapper: Mapper, conn: Connection, target: Listing | Organisation) -> None:
    session = object_session(target)
    # before_update also fires for rows with no column changes (a listing added to an
    # organisation's collection): nothing to stamp there.
    if session is not None and session.is_modified(target, include_collections=False):
        target.changed_in = _write_version(session, conn)


def _deleted(_mapper: Mapper, conn: Connection, target: Listing | Organisation) -> None:
    session = object_session(target)
    if session is not None:
        _set_meta(conn, _DELETED_KEY, _write_version(session, conn))


for _model in (Listing, Organisation):
    event.listen(_model, "before_insert", _stamp_new)
    event.listen(_model, "before_update", _stamp_changed)
    event.listen(_model, "before_delete", _deleted)


def _apply(session: Session, obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for key, value in _utc(values).items():
        old = getattr(obj, key, None)
        if old != value:
            changed[key] = (old, value)
            setattr(obj, key, value)
    return changed


def _record(
    session: Session, entity: str, obj: Any, action: str, actor: str,
    changed: dict[str, tuple[Any, Any]], approved_by: str | None = None,
    batch: str | None = None,
) -> None:
    session.add(Revision(
        entity=entity, entity_id=obj.id, entity_slug=obj.slug, action=action, actor=actor,
        approved_by=approved_by, at=now(), batch=batch,
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
        diff = {k: (getattr(existing, k), v) for k, v in _utc(values).items()
                if getattr(existing, k) != v}
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
    session.flush()  # stamps the row and bumps the version (see the mapper events)
    _record(session, entity, existing, action, actor, changed)
    return Change(entity, slug, action, changed)


def upsert_organisation(
    session: Session, rec: OrganisationRecord, actor: str, dry_run: bool = False, *,
    known: Mapping[str, Organisation] | None = None,
) -> Change:
    """Create or update an organisation from a record, matched by slug. `known`: the
    stored organisations by slug, when the caller fetched them in bulk (an import)."""
    values = {k: getattr(rec, k) for k in field_names(OrganisationRecord)}
    org = known.get(rec.slug) if known is not None else session.scalar(
        select(Organisation).where(Organisation.slug == rec.slug))
    return _upsert(session, "organisation", Organisation, rec.slug, org, values, actor,
                   dry_run)


# What a volunteer's change touches that is bookkeeping, not a listing's content: never
# "curated" (a check is not an edit, and every import sets these afresh).
NOT_CURATED = frozenset({"last_verified_at", "last_verified_by", "stale_reminded_at"})
# What a sync sets when a listing comes back to its feed, whoever paused it before.
REOPENED = frozenset({"status", "status_note"})


def upsert_listing(
    session: Session, rec: ListingRecord, actor: str, dry_run: bool = False, *,
    source_id: int | None = None, reopen: bool = False,
    known: Mapping[str, Listing] | None = None, org_ids: Mapping[str, int] | None = None,
) -> Change:
    """Create or update a listing from a record, matched by slug. The fields volunteers
    curated (Listing.curated_fields) keep their values: an import or a sync updates the
    rest (docs/import-formats.md, "Sources and sync"). `source_id`: the source it comes
    from now; `reopen`: a listing its source had closed is back, so its status is the
    record's even if a volunteer had set it. `known` (stored listings by slug) and
    `org_ids` (organisation ids by slug): what the caller fetched in bulk (an import),
    saving two queries a record."""
    values = {k: getattr(rec, k) for k in field_names(ListingRecord) if k != "organisation_slug"}
    listing = known.get(rec.slug) if known is not None else session.scalar(
        select(Listing).where(Listing.slug == rec.slug))
    kept: list[str] = []
    if listing is not None and listing.curated_fields:
        curated = set(listing.curated_fields) - (REOPENED if reopen else set())
        kept = [k for k in values if k in curated
                and getattr(listing, k) != _utc({k: values[k]})[k]]
        values = {k: v for k, v in values.items() if k not in curated}
    if source_id is not None:
        values["source_id"] = source_id
    if not dry_run:
        org_id = org_ids.get(rec.organisation_slug) if org_ids is not None else None
        org_id = org_id or session.scalar(
            select(Organisation.id).where(Organisation.slug == rec.organisation_slug))
        if org_id is None:
            raise LookupError(f"organisation {rec.organisation_slug!r} does not exist")
        values["organisation_id"] = org_id
    change = _upsert(session, "listing", Listing, rec.slug, listing, values, actor, dry_run)
    change.kept = kept
    return change


def mark_curated(listing: Listing, fields: Iterable[str]) -> None:
    """Record that a volunteer set these fields of the listing, so no import or sync
    overwrites them (bookkeeping fields are left out)."""
    wanted = [f for f in fields if f not in NOT_CURATED and f in _LISTING_FIELDS]
    now_curated = list(listing.curated_fields or [])
    added = [f for f in wanted if f not in now_curated]
    if added:
        listing.curated_fields = sorted([*now_curated, *added])  # a new list: a change


def update_listing(session: Session, listing: Listing, values: dict[str, Any], actor: str,
                   action: str = "update", approved_by: str | None = None,
                   batch: str | None = None) -> dict[str, tuple[Any, Any]]:
    """Change some fields of a listing, with a revision crediting `actor` (its author)
    and `approved_by` (who approved it, if someone else), in `batch` when it is one of
    several changes made as one (directory/curation.py); returns what changed."""
    changed = _apply(session, listing, values)
    if changed:
        listing.updated_at = now()
        session.flush()  # stamps the row and bumps the version (see the mapper events)
        _record(session, "listing", listing, action, actor, changed, approved_by, batch)
    return changed


_LISTING_FIELDS = frozenset(field_names(ListingRecord))


def organisation_record(org: Organisation) -> OrganisationRecord:
    return OrganisationRecord(**{k: getattr(org, k) for k in field_names(OrganisationRecord)})


def listing_record(listing: Listing) -> ListingRecord:
    values = {k: getattr(listing, k) for k in field_names(ListingRecord)
              if k != "organisation_slug"}
    return ListingRecord(organisation_slug=listing.organisation.slug, **values)


def history(session: Session, slug: str) -> list[Revision]:
    return list(session.scalars(
        select(Revision).where(Revision.entity_slug == slug).order_by(Revision.id)
    ))
