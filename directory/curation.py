"""Changes to listings proposed by volunteers: drafts, the review queue, applying with
a check that nobody else changed the same fields meanwhile, undo, and freshness; and the
lookups the volunteers' dialogue makes (their listings, a listing's history, free slugs).

Who may propose or approve is the bot's business (bot/access.py); here a person is an id
and an actor name for the revision history.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    cast,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base, Listing, Organisation, Revision, UTCDateTime
from directory.repository import update_listing

# Who a person's kept work is credited to once they are forgotten (bot/access.py
# `forget`): 0 where a column holds a person id (no person has id 0), and this where a
# column holds an actor's name. /history shows both as "a former volunteer".
FORMER_PERSON = 0
FORMER_ACTOR = "former-volunteer"
# Changes never decided: a draft, one left unconfirmed (cancelled), one waiting for
# review. Nobody but its author and the admins saw them: /forget deletes them.
UNDECIDED = ("draft", "cancelled", "pending")
# Drafts, and drafts left unconfirmed: they hold what a volunteer typed; the retention job
# deletes them once the conversation that made them has expired (bot/retention.py).
ABANDONED = ("draft", "cancelled")


class ChangeRequest(Base):
    __tablename__ = "change_request"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "volunteers who propose listing changes, and admins who review them",
        "purpose": "volunteers' proposed changes: drafts, the review queue, decisions",
        "retention": "drafts and changes left unconfirmed: CONVERSATION_TTL_HOURS after "
                     "they were started; pending ones until reviewed; decided ones with the "
                     "listing's history, with no time limit",
        "erasure": "/forget deletes the person's undecided changes and credits decided ones "
                   "to a former volunteer (person id 0); `recovery-bot jobs retention` "
                   "deletes old drafts",
        "columns": {
            "person_id": "pseudonym: the volunteer who proposed it (a person id)",
            "before": "personal: the fields' values when it was proposed (may be a "
                      "contact's phone or email)",
            "after": "personal: the values proposed, as the volunteer typed them",
            "reason": "personal: an admin's reason for rejecting it, in their words",
            "created_at": "personal: when the volunteer proposed it",
            "decided_at": "personal: when it was decided",
            "decided_by": "pseudonym: the admin who decided it (a person id)",
        },
        "not_personal": "id listing_id kind field base_version status",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # edit | pause | resume | undo
    field: Mapped[str] = mapped_column(String(24))  # which field (for messages)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)  # values when it was proposed
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(Integer)
    # draft -> pending (waits for review) | applied | rejected | conflict | cancelled
    status: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # an admin's reason for rejecting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(Integer)


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in values.items():
        out[k] = v.isoformat() if isinstance(v, datetime | date | time) else v
    return out


_TIME_COLUMNS = {"start_time", "end_time"}
_DATE_COLUMNS = {"anchor_date"}
_DATETIME_COLUMNS = {"last_verified_at", "stale_reminded_at"}


def typed(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and k in _TIME_COLUMNS:
            v = time.fromisoformat(v)
        elif isinstance(v, str) and k in _DATE_COLUMNS:
            v = date.fromisoformat(v)
        elif isinstance(v, str) and k in _DATETIME_COLUMNS:
            v = datetime.fromisoformat(v)
        out[k] = v
    return out


def current(listing: Listing, columns: list[str]) -> dict[str, Any]:
    return jsonable({c: getattr(listing, c) for c in columns})


def draft(session: Session, listing: Listing, person_id: int, kind: str, field: str,
          after: dict[str, Any], now: datetime) -> ChangeRequest:
    change = ChangeRequest(
        listing_id=listing.id, person_id=person_id, kind=kind, field=field,
        before=current(listing, list(after)), after=jsonable(after),
        base_version=listing.version, status="draft", created_at=now)
    session.add(change)
    session.flush()
    return change


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # applied | pending | conflict | unchanged
    now_values: dict[str, Any]  # the listing's values of those fields now


def submit(session: Session, change: ChangeRequest, actor: str, apply_now: bool,
           now: datetime) -> Outcome:
    """Turn a draft into a pending review, or apply it at once (trusted people)."""
    if not apply_now:
        listing = session.get(Listing, change.listing_id)
        assert listing is not None
        if (conflict := _conflict(listing, change)) is not None:
            change.status = "conflict"
            return conflict
        change.status = "pending"
        return Outcome("pending", current(listing, list(change.after)))
    return apply(session, change, actor, now, decided_by=change.person_id)


def _conflict(listing: Listing, change: ChangeRequest) -> Outcome | None:
    """Someone changed these fields since the change was drafted."""
    now_values = current(listing, list(change.after))
    if listing.version != change.base_version and now_values != change.before:
        return Outcome("conflict", now_values)
    return None


def apply(session: Session, change: ChangeRequest, actor: str, now: datetime,
          decided_by: int | None) -> Outcome:
    # Lock the row (PostgreSQL) so two approvals of edits to it cannot interleave; the
    # mapper's version check catches anything that slips past on SQLite.
    listing = session.get(Listing, change.listing_id, with_for_update=True)
    assert listing is not None
    if (conflict := _conflict(listing, change)) is not None:
        change.status, change.decided_at, change.decided_by = "conflict", now, decided_by
        return conflict
    changed = update_listing(session, listing, typed(change.after), actor,
                             action=change.kind if change.kind != "edit" else "update")
    change.status, change.decided_at, change.decided_by = "applied", now, decided_by
    return Outcome("applied" if changed else "unchanged", current(listing, list(change.after)))


def reject(change: ChangeRequest, reason: str, by: int, now: datetime) -> None:
    change.status, change.reason, change.decided_at, change.decided_by = (
        "rejected", reason, now, by)


def pending(session: Session, organisation_ids: list[int] | None = None
            ) -> list[ChangeRequest]:
    q = select(ChangeRequest).where(ChangeRequest.status == "pending")
    if organisation_ids is not None:
        q = q.join(Listing, Listing.id == ChangeRequest.listing_id).where(
            Listing.organisation_id.in_(organisation_ids))
    return list(session.scalars(q.order_by(ChangeRequest.id)))


def verify(session: Session, listing: Listing, actor: str, now: datetime) -> None:
    """Confirm a listing is still right: "last checked" becomes now."""
    update_listing(session, listing, {"last_verified_at": now, "last_verified_by": actor,
                                      "stale_reminded_at": None}, actor, action="verify")


def last_revision_by(session: Session, actor: str) -> Revision | None:
    """The actor's last change, if it is not itself an undo: /undo goes back one step,
    never further, so nobody unwinds a listing's history by repeating it."""
    last = session.scalar(
        select(Revision).where(Revision.actor == actor, Revision.entity == "listing")
        .order_by(Revision.id.desc()).limit(1))
    return None if last is None or last.action == "undo" else last


def undo(session: Session, revision: Revision, actor: str) -> Outcome:
    """Put back what one revision changed, if nobody changed those fields since."""
    listing = session.get(Listing, revision.entity_id, with_for_update=True)
    if listing is None:
        return Outcome("conflict", {})
    columns = list(revision.after)
    if current(listing, columns) != revision.after:
        return Outcome("conflict", current(listing, columns))
    update_listing(session, listing, typed(revision.before), actor, action="undo")
    return Outcome("applied", current(listing, columns))


def stale(session: Session, now: datetime, after: timedelta,
          organisation_ids: list[int] | None = None) -> list[Listing]:
    """Open listings not checked for `after` (STALE_AFTER_DAYS)."""
    q = select(Listing).where(
        Listing.status != "closed",
        or_(Listing.last_verified_at.is_(None), Listing.last_verified_at < now - after))
    if organisation_ids is not None:
        q = q.where(Listing.organisation_id.in_(organisation_ids))
    return list(session.scalars(q.order_by(Listing.last_verified_at.nulls_first(),
                                           Listing.id)))


# -- what the curation dialogue reads and marks (bot/volunteers/dialogue.py) -------------

def listings_for(session: Session, organisation_ids: Collection[int] | None, limit: int
                 ) -> list[Listing]:
    """Open listings by name, at most `limit`: those of these organisations, or every
    one (None: an admin)."""
    q = select(Listing).where(Listing.status != "closed").order_by(Listing.name)
    if organisation_ids is not None:
        q = q.where(Listing.organisation_id.in_(organisation_ids))
    return list(session.scalars(q.limit(limit)))


def listing_by_slug(session: Session, slug: str) -> Listing | None:
    """The listing with this slug, if any."""
    return session.scalar(select(Listing).where(Listing.slug == slug))


def free_slug(session: Session, base: str) -> str:
    """`base`, or `base` with "-2" added as often as it takes, so no listing has it."""
    slug = base
    while session.scalar(select(Listing.id).where(Listing.slug == slug)):
        slug += "-2"
    return slug


def history(session: Session, listing_id: int, limit: int) -> list[Revision]:
    """The listing's applied changes (revisions), newest first, at most `limit`."""
    return list(session.scalars(
        select(Revision).where(Revision.entity == "listing", Revision.entity_id == listing_id)
        .order_by(Revision.id.desc()).limit(limit)))


def proposals_for(session: Session, listing_id: int, limit: int) -> list[ChangeRequest]:
    """Changes proposed for the listing and not applied (pending, rejected or in
    conflict), newest first, at most `limit`."""
    return list(session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.listing_id == listing_id,
            ChangeRequest.status.in_(("pending", "rejected", "conflict")))
        .order_by(ChangeRequest.id.desc()).limit(limit)))


def organisation_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """Each of these organisations' names, by id."""
    return dict(session.execute(select(Organisation.id, Organisation.name)
                                .where(Organisation.id.in_(ids))).tuples())


def organisation_by_slug_or_name(session: Session, text: str) -> Organisation | None:
    """The organisation with this slug; else the first (by id) whose name contains
    `text`, ignoring case."""
    org = session.scalar(select(Organisation).where(Organisation.slug == text))
    if org is None:
        org = session.scalar(select(Organisation).where(
            Organisation.name.ilike(f"%{text}%")).order_by(Organisation.id).limit(1))
    return org


def mark_stale_reminded(session: Session, listing_id: int, now: datetime) -> None:
    """Record that the listing's volunteers were reminded it is stale. Not a listing
    change worth a revision or a version bump: a bookkeeping column."""
    session.execute(Listing.__table__.update().where(Listing.id == listing_id)
                    .values(stale_reminded_at=now))


# -- erasure (/forget) ---------------------------------------------------------------------

def forget_person(session: Session, person_id: int, actor: str) -> None:
    """Take a forgotten person out of the curation records, in the caller's transaction
    (bot/access.py `forget`; `actor` is how revisions named them, "person:N").

    - Their undecided changes (drafts, ones left unconfirmed, ones waiting for review)
      are deleted: nobody else saw them. A new group they proposed that was never
      approved (still closed) goes with its proposal, history and all.
    - Their decided changes (applied, rejected, in conflict) stay in the listing's
      history, credited to FORMER_PERSON; so do the decisions they made as an admin.
    - What they published stays published: every revision, and every listing's or
      organisation's "last checked by", that names them names FORMER_ACTOR instead."""
    undecided = (ChangeRequest.person_id == person_id, ChangeRequest.status.in_(UNDECIDED))
    for change in list(session.scalars(select(ChangeRequest).where(
            *undecided, ChangeRequest.kind == "add", ChangeRequest.status == "pending"))):
        listing = session.get(Listing, change.listing_id)
        if listing is not None and listing.status == "closed":
            session.execute(delete(Revision).where(Revision.entity == "listing",
                                                   Revision.entity_id == listing.id))
            session.delete(listing)  # its change requests and reports go with it
    session.flush()
    session.execute(delete(ChangeRequest).where(*undecided)
                    .execution_options(synchronize_session=False))
    session.execute(update(ChangeRequest).where(ChangeRequest.person_id == person_id)
                    .values(person_id=FORMER_PERSON)
                    .execution_options(synchronize_session=False))
    session.execute(update(ChangeRequest).where(ChangeRequest.decided_by == person_id)
                    .values(decided_by=FORMER_PERSON)
                    .execution_options(synchronize_session=False))
    # A bookkeeping column, not a change to the listing: no revision, no version bump.
    for table in (Listing.__table__, Organisation.__table__):
        session.execute(table.update().where(table.c.last_verified_by == actor)
                        .values(last_verified_by=FORMER_ACTOR))
    quoted = json.dumps(actor)  # as the name sits in a revision's before/after
    for revision in session.scalars(select(Revision).where(or_(
            Revision.actor == actor,
            cast(Revision.before, Text).contains(quoted, autoescape=True),
            cast(Revision.after, Text).contains(quoted, autoescape=True)))):
        if revision.actor == actor:
            revision.actor = FORMER_ACTOR
        revision.before = _renamed(revision.before, actor)
        revision.after = _renamed(revision.after, actor)
    session.flush()


def _renamed(values: dict[str, Any], actor: str) -> dict[str, Any]:
    return {k: FORMER_ACTOR if v == actor else v for k, v in values.items()}
