"""Changes to listings proposed by volunteers: drafts, the review queue, applying with
a check that nobody else changed the same fields meanwhile, undo, and freshness; changes
to several listings made as one (a batch: one undo); and the lookups the volunteers'
dialogue makes (their listings a page at a time, the listing finder, a listing's history,
free slugs).

Who may propose or approve is the bot's business (bot/access.py); here a person is an id
and an actor name for the revision history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    case,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.fields import with_translations
from directory.geography import distance_km
from directory.models import (
    Base,
    Listing,
    Organisation,
    ProblemReport,
    Revision,
    UTCDateTime,
)
from directory.repository import mark_curated, update_listing
from directory.textindex import TextIndex, words

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
        "not_personal": "id listing_id kind field base_version status batch",
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
    # Changes proposed together as one (a venue's listings paused at once) share a batch
    # id, which their revisions carry when applied: /undo puts them back together.
    batch: Mapped[str | None] = mapped_column(String(32), index=True)


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
    # One language's name or description joins the listing's other translations.
    after = with_translations(listing.translations, after)
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
          decided_by: int | None, approved_by: str | None = None) -> Outcome:
    """Apply a change. `actor` is its author's actor name, whom the revision credits;
    `approved_by` the approver's, when someone else approved it (an admin's review)."""
    # Lock the row (PostgreSQL) so two approvals of edits to it cannot interleave; the
    # mapper's version check catches anything that slips past on SQLite.
    listing = session.get(Listing, change.listing_id, with_for_update=True)
    assert listing is not None
    if (conflict := _conflict(listing, change)) is not None:
        change.status, change.decided_at, change.decided_by = "conflict", now, decided_by
        return conflict
    # The fields a volunteer set are theirs from now on: no import or sync overwrites them.
    mark_curated(listing, change.after)
    changed = update_listing(session, listing, typed(change.after), actor,
                             action=change.kind if change.kind != "edit" else "update",
                             approved_by=approved_by, batch=change.batch)
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


def verify(session: Session, listing: Listing, actor: str, now: datetime,
           batch: str | None = None) -> None:
    """Confirm a listing is still right: "last checked" becomes now."""
    update_listing(session, listing, {"last_verified_at": now, "last_verified_by": actor,
                                      "stale_reminded_at": None}, actor, action="verify",
                   batch=batch)


def last_revision_by(session: Session, actor: str, approved_too: bool = False
                     ) -> Revision | None:
    """The actor's last change (theirs as its author, even when an admin approved it;
    with `approved_too`, an admin's, also the last one they approved), if it is not
    itself an undo: /undo goes back one step, never further, so nobody unwinds a
    listing's history by repeating it."""
    whose = or_(Revision.actor == actor, Revision.approved_by == actor) if approved_too \
        else Revision.actor == actor
    last = session.scalar(
        select(Revision).where(whose, Revision.entity == "listing")
        .order_by(Revision.id.desc()).limit(1))
    return None if last is None or last.action == "undo" else last


def undo(session: Session, revision: Revision, actor: str) -> Outcome:
    """Put back what one revision changed, if nobody changed those fields since. A
    revision of a batch (several listings changed as one: new_batch) takes the whole
    batch back, as one change: all of it, or - if anyone changed any of it since -
    none of it."""
    revisions = [revision] if revision.batch is None else list(session.scalars(
        select(Revision).where(Revision.batch == revision.batch,
                               Revision.entity == "listing").order_by(Revision.id.desc())))
    listings = []
    for r in revisions:
        listing = session.get(Listing, r.entity_id, with_for_update=True)
        if listing is None:
            return Outcome("conflict", {})
        if current(listing, list(r.after)) != r.after:
            return Outcome("conflict", current(listing, list(r.after)))
        listings.append(listing)
    for r, listing in zip(revisions, listings, strict=True):
        update_listing(session, listing, typed(r.before), actor, action="undo")
    return Outcome("applied", current(listings[0], list(revisions[0].after)))


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


# -- a person's listings: pages, the finder, several at once (bot/volunteers/dialogue.py) --
#
# "Theirs" is every open listing (not closed) of their organisations (`organisation_ids`),
# or of the whole directory (None: an admin).

NEAR_KM = 6.0  # "/edit Doncaster": a listing this close to the place named is in it
FIND_CUTOFF = 0.7  # a listing's word score (directory/textindex.py) to be a match at all
FIND_MARGIN = 0.9  # and at least this share of the best match's score
MAX_FOUND = 250  # matches kept, best first (ids in the conversation's flow)


def _theirs(organisation_ids: Collection[int] | None) -> list[Any]:
    where: list[Any] = [Listing.status != "closed"]
    if organisation_ids is not None:
        where.append(Listing.organisation_id.in_(organisation_ids))
    return where


def _stale(stale_before: datetime) -> Any:
    return or_(Listing.last_verified_at.is_(None), Listing.last_verified_at < stale_before)


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    paused: int
    stale: int  # not checked since stale_before


def listing_counts(session: Session, organisation_ids: Collection[int] | None,
                   stale_before: datetime) -> Counts:
    """How many listings are theirs, paused, and not checked since `stale_before`."""
    row = session.execute(select(
        func.count(),
        func.count(case((Listing.status == "temporarily_closed", 1))),
        func.count(case((_stale(stale_before), 1))),
    ).where(*_theirs(organisation_ids))).one()
    return Counts(row[0] or 0, row[1] or 0, row[2] or 0)


def listing_page(session: Session, organisation_ids: Collection[int] | None, page: int,
                 size: int, ids: Sequence[int] | None = None,
                 stale_before: datetime | None = None) -> tuple[list[Listing], int]:
    """One page of their listings, and how many there are in all: of those in `ids` (a
    finder's matches, in that order), or of all theirs by name - the ones not checked
    since `stale_before` first, if given."""
    where = _theirs(organisation_ids)
    if ids is not None:
        kept = set(session.scalars(select(Listing.id).where(*where, Listing.id.in_(ids))))
        chosen = [i for i in ids if i in kept]
        shown = chosen[page * size:(page + 1) * size]
        rows = {x.id: x for x in session.scalars(select(Listing).where(Listing.id.in_(shown)))}
        return [rows[i] for i in shown], len(chosen)
    total = session.scalar(select(func.count()).select_from(Listing).where(*where)) or 0
    order: list[Any] = [Listing.name, Listing.id]
    if stale_before is not None:
        order.insert(0, case((_stale(stale_before), 0), else_=1))
    rows = session.scalars(select(Listing).where(*where).order_by(*order)
                           .offset(page * size).limit(size))
    return list(rows), total


def listings_among(session: Session, organisation_ids: Collection[int] | None,
                   ids: Sequence[int] | None = None) -> list[Listing]:
    """Their listings: those of `ids`, or all of them (None), by id."""
    q = select(Listing).where(*_theirs(organisation_ids))
    if ids is not None:
        q = q.where(Listing.id.in_(ids))
    return list(session.scalars(q.order_by(Listing.id)))


def find_listings(session: Session, organisation_ids: Collection[int] | None, text: str,
                  near: Sequence[tuple[float, float]] = (), limit: int = MAX_FOUND
                  ) -> list[Listing]:
    """The listings `text` names, best first. Its slug or id ("#12"): that listing,
    anyone's (the caller checks who may change it, and says no the same way whether or
    not it exists). Else, of theirs: the ones with exactly that name; else those whose
    name, venue, address or postcode has its words (a typo allowed, as the directory
    search matches names: directory/textindex.py) or contains them, and those within
    NEAR_KM of a place the caller found the text to name (`near`: "Doncaster") - the
    best, and those nearly as good (FIND_MARGIN), never more than `limit`."""
    text = text.strip()[:200]
    key = text.casefold().removeprefix("#")
    if not key:
        return []
    exact = session.get(Listing, int(key)) if key.isdigit() and len(key) < 10 else None
    exact = exact or session.scalar(select(Listing).where(Listing.slug.in_((text, key))))
    if exact is not None:
        return [exact]
    rows = session.execute(select(
        Listing.id, Listing.name, Listing.venue_name, Listing.address, Listing.postcode,
        Listing.latitude, Listing.longitude).where(*_theirs(organisation_ids))
        .order_by(Listing.name, Listing.id)).all()
    typed = words(text)
    named = [r[0] for r in rows if r[1].casefold() == key or (typed and words(r[1]) == typed)]
    if named:
        return _listings(session, named[:limit])
    texts = [" ".join(x for x in r[1:5] if x) for r in rows]
    scores = TextIndex(texts).scores(text) if typed and rows else [0.0] * len(rows)
    long_words = [w for w in typed if len(w) >= 3]
    ranked: list[tuple[float, int]] = []
    for i, (row, body) in enumerate(zip(rows, texts, strict=True)):
        score = float(scores[i])
        folded = " ".join(words(body))
        if long_words and len(long_words) == len(typed) and all(w in folded
                                                                for w in long_words):
            score = 1.0  # part of a word: "Donc", "hope" in "Hopeful"
        lat, lon = row[5], row[6]
        if lat is not None and lon is not None and any(
                distance_km(lat, lon, plat, plon) <= NEAR_KM for plat, plon in near):
            score = 1.0
        if score >= FIND_CUTOFF:
            ranked.append((score, i))
    if not ranked:
        return []
    best = max(score for score, _ in ranked)
    kept = sorted((r for r in ranked if r[0] >= best * FIND_MARGIN), key=lambda r: -r[0])
    return _listings(session, [rows[i][0] for _, i in kept[:limit]])


def _listings(session: Session, ids: list[int]) -> list[Listing]:
    """These listings, in this order."""
    rows = {x.id: x for x in session.scalars(select(Listing).where(Listing.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _place_key(text: str | None) -> str:
    return " ".join(words(text or ""))


def same_venue(session: Session, listing: Listing, organisation_ids: Collection[int] | None
               ) -> list[Listing]:
    """`listing` and the other open (not paused) listings of theirs that meet where it
    does, by name: the same postcode, and the same venue name or address (any case and
    punctuation); or, without a postcode, the same address. Just `listing` if it meets
    online only, or nowhere it shares."""
    venue, address = _place_key(listing.venue_name), _place_key(listing.address)
    postcode = _place_key(listing.postcode)
    if listing.attendance == "online" or not (postcode or address):
        return [listing]
    q = select(Listing).where(*_theirs(organisation_ids), Listing.status == "active",
                              Listing.id != listing.id, Listing.attendance != "online")
    if postcode:  # the same postcode however it is spaced: few rows, whoever asks
        q = q.where(func.upper(func.replace(Listing.postcode, " ", "")) ==
                    postcode.replace(" ", "").upper())
    else:
        q = q.where(Listing.postcode.is_(None), Listing.address.is_not(None))
    others = []
    for other in session.scalars(q.order_by(Listing.name, Listing.id)):
        if postcode:
            if _place_key(other.postcode) != postcode:
                continue
            same = (venue and _place_key(other.venue_name) == venue) or \
                (address and _place_key(other.address) == address) or \
                not (venue or address or other.venue_name or other.address)
        else:
            same = _place_key(other.address) == address
        if same:
            others.append(other)
    return [listing, *others]


def new_batch() -> str:
    """An id for several changes made as one (ChangeRequest.batch, Revision.batch)."""
    return uuid.uuid4().hex


def verify_many(session: Session, listings: Sequence[Listing], actor: str, now: datetime
                ) -> str:
    """Mark each of these listings checked now, as one change (one /undo); its batch."""
    batch = new_batch()
    for listing in listings:
        verify(session, listing, actor, now, batch)
    return batch


def draft_many(session: Session, listings: Sequence[Listing], person_id: int, kind: str,
               field: str, after: dict[str, Any], now: datetime) -> str:
    """The same change to each of these listings, drafted as one batch; its id."""
    batch = new_batch()
    for listing in listings:
        draft(session, listing, person_id, kind, field, after, now).batch = batch
    session.flush()
    return batch


def batch_drafts(session: Session, batch: str) -> list[ChangeRequest]:
    """The batch's changes still in "draft", in the order they were drafted."""
    return list(session.scalars(select(ChangeRequest).where(
        ChangeRequest.batch == batch, ChangeRequest.status == "draft")
        .order_by(ChangeRequest.id)))


def cancel_batch(session: Session, batch: str) -> None:
    """The batch's drafts are left unconfirmed: cancelled."""
    for change in batch_drafts(session, batch):
        change.status = "cancelled"


# -- what the curation dialogue reads and marks (bot/volunteers/dialogue.py) -------------

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
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.id.in_(ids)))
    return {org_id: name for org_id, name in rows}


# Finding the organisation an admin typed (/invite ORG, /volunteers ORG). Names are
# compared word by word, as the directory search compares them (directory/textindex.py:
# each typed word's best rapidfuzz ratio among the name's words, WORD_CUTOFF and all,
# averaged over the typed words): a score for "is every word I typed in this name,
# allowing a typo". A whole-string scorer cannot tell a part from a typo: WRatio gives
# "Anonymous" 90 against each of three names, and "Alcoholics Anonymus" 86 against
# "Alcoholics Anonymous Great Britain". So word coverage finds the candidates, and the
# whole names' fuzz.ratio only says whether one of them is the typed text misspelt.
ORG_CLOSE = 0.9  # every typed word is in the name, allowing a typo ("Alcholics")
ORG_MAYBE = 0.5  # half the typed words are: offered as "did you mean", never picked
ORG_SAME = 90  # fuzz.ratio of the whole names: the typed text is this name, misspelt
ORG_CHOICES = 6  # close names offered as buttons at once


@dataclass(frozen=True, slots=True)
class OrganisationMatch:
    """What find_organisation found: the one meant (`chosen`), or names to choose from,
    best first (`choices`: `close` if each has every typed word, else only like it),
    with how many more close ones there are (`more`); nothing at all if both are empty."""

    chosen: Organisation | None = None
    choices: tuple[Organisation, ...] = ()
    close: bool = False
    more: int = 0


def find_organisation(session: Session, text: str, limit: int = ORG_CHOICES
                      ) -> OrganisationMatch:
    """The organisation `text` names: its id (slug, or number), its exact name (any
    case), or the one name close to it; several close ones to choose from, or names
    somewhat like it. Never a guess between names equally close."""
    text = text.strip()
    if not text:
        return OrganisationMatch()
    folded = text.casefold()
    key = folded.removeprefix("#")
    org = session.get(Organisation, int(key)) if key.isdigit() and len(key) < 10 else None
    org = org or session.scalar(select(Organisation).where(
        Organisation.slug.in_([text, key])).order_by(Organisation.id).limit(1))
    if org is not None:
        return OrganisationMatch(org)
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .order_by(Organisation.id)).all()

    def found(ids: list[int], close: bool) -> OrganisationMatch:
        if len(ids) == 1 and close:  # one name only like it: offered, never picked
            return OrganisationMatch(session.get(Organisation, ids[0]))
        return OrganisationMatch(choices=tuple(session.get_one(Organisation, i)
                                               for i in ids[:limit]),
                                 close=close, more=max(0, len(ids) - limit))

    typed = words(text)
    for same in ([i for i, name in rows if name.casefold() == folded],
                 [i for i, name in rows if typed and words(name) == typed]):
        if same:
            return found(same, True)
    if not typed or not rows:
        return OrganisationMatch()
    joined = " ".join(typed)
    scores = TextIndex([name for _, name in rows]).scores(text)
    ranked = sorted(((float(score), fuzz.ratio(joined, " ".join(words(name))), i)
                     for (i, name), score in zip(rows, scores, strict=True)
                     if score >= ORG_MAYBE), key=lambda r: (-r[0], -r[1], r[2]))
    close = [r for r in ranked if r[0] >= ORG_CLOSE]
    misspelt = [r for r in close if r[1] >= ORG_SAME]
    if len(misspelt) == 1:
        return found([misspelt[0][2]], True)
    return found([r[2] for r in close or ranked], bool(close))


@dataclass(frozen=True, slots=True)
class Attention:
    """What waits for the admins (/review): changes to review, problem reports not
    dealt with, and listings not checked for a while per organisation (most first)."""

    changes: int
    reports: int
    stale: list[tuple[str, int]]  # (organisation name, stale listings)


def attention(session: Session, now: datetime, after: timedelta) -> Attention:
    changes = session.scalar(select(func.count()).select_from(ChangeRequest)
                             .where(ChangeRequest.status == "pending"))
    reports = session.scalar(select(func.count()).select_from(ProblemReport)
                             .where(ProblemReport.resolved_at.is_(None)))
    n = func.count(Listing.id)
    stale_by_org = session.execute(
        select(Organisation.name, n).join(Listing, Listing.organisation_id == Organisation.id)
        .where(Listing.status != "closed", or_(Listing.last_verified_at.is_(None),
                                               Listing.last_verified_at < now - after))
        .group_by(Organisation.id, Organisation.name)
        .order_by(n.desc(), Organisation.name)).all()
    return Attention(changes or 0, reports or 0, [(name, k) for name, k in stale_by_org])


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
    - What they published stays published: every revision (as its author or its
      approver), and every listing's or organisation's "last checked by", that names
      them names FORMER_ACTOR instead."""
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
            Revision.actor == actor, Revision.approved_by == actor,
            cast(Revision.before, Text).contains(quoted, autoescape=True),
            cast(Revision.after, Text).contains(quoted, autoescape=True)))):
        if revision.actor == actor:
            revision.actor = FORMER_ACTOR
        if revision.approved_by == actor:
            revision.approved_by = FORMER_ACTOR
        revision.before = _renamed(revision.before, actor)
        revision.after = _renamed(revision.after, actor)
    session.flush()


def _renamed(values: dict[str, Any], actor: str) -> dict[str, Any]:
    return {k: FORMER_ACTOR if v == actor else v for k, v in values.items()}
