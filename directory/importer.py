"""Import a file into the directory, and export the directory to a file.

An import is all or nothing: nothing is written unless every record passes validation
(or, with skip_invalid, the good records are written and the bad ones reported), and the
whole import is one transaction, committed at the end and rolled back on any error, so a
half-imported feed never reaches the people searching it. Records are matched by slug:
importing the same file again updates, never duplicates. Every change leaves a revision
(repository.upsert_*). Fields a volunteer curated keep their values (repository
upsert_listing).

A feed is read (read_records), then applied (apply_feed). Applied for a source
(directory/sources.py: `directory sync`), its listings that are no longer in it are
closed, not deleted, and reopened when they come back - unless more than half of them
would close at once, which looks like a broken feed and changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from tqdm import tqdm

from directory.exchange import FormatError, ParsedFeed, detect_format, export_feed, read_feed
from directory.models import Listing, Organisation, Source, Status
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.repository import (
    Change,
    bump_version,
    listing_record,
    organisation_record,
    update_listing,
    upsert_listing,
    upsert_organisation,
)
from directory.validation import Problem, check_feed

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ImportReport:
    # Counts are of records (organisations and listings together) written, or in a dry
    # run that would be written; `changes` has each one.
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: list[Problem] = field(default_factory=list)
    written: bool = False  # True once the transaction was committed
    format: str = ""
    skipped: list[str] = field(default_factory=list)  # "listing 'x'" not written (invalid)
    # Example listings closed because real ones came in (close_examples); in a dry run,
    # how many would be.
    examples_closed: int = 0
    changes: list[Change] = field(default_factory=list)
    # Applied for a source: its listings closed because they left it, and closed ones
    # back in it (not counted as updated); curated fields kept against the feed's values.
    closed: int = 0
    reopened: int = 0
    curated_kept: int = 0
    # Why nothing was applied although the feed was read (more than half of a source's
    # listings would close): the caller reports it as a failure.
    refused: str | None = None
    # What a reader left out without refusing the record (an `updated` time it could
    # not read, a meeting type we have no place for...): told, never dropped silently.
    notes: list[Problem] = field(default_factory=list)

    def count(self, change: Change) -> None:
        self.changes.append(change)
        self.curated_kept += len(change.kept)
        old, new = change.changed.get("status", (None, None))
        if change.action == "create":
            self.created += 1
        elif change.action == "update" and old == "closed" and new != "closed":
            self.reopened += 1
        elif change.action == "update":
            self.updated += 1
        else:
            self.unchanged += 1


def _default_gazetteer() -> Any | None:
    try:
        from directory.geography import Gazetteer
    except ImportError:  # pragma: no cover - only while geography is being written
        log.warning("directory.geography is not available: postcodes are not checked")
        return None
    return Gazetteer.default()


def _known_organisations(session: Session, slugs: Iterable[str]) -> set[str]:
    wanted = sorted({s for s in slugs if s})
    known: set[str] = set()
    for start in range(0, len(wanted), 500):  # keep IN lists a sane size
        chunk = wanted[start:start + 500]
        known.update(session.scalars(select(Organisation.slug)
                                     .where(Organisation.slug.in_(chunk))))
    return known


def _bar(items: list[Any], progress: bool, what: str) -> Iterable[Any]:
    show = progress and sys.stderr.isatty()
    return tqdm(items, desc=what, unit="record", disable=not show, leave=False)


def read_records(path: str | Path, fmt: str = "auto", *, fellowship: str | None = None,
                 needs: Sequence[str] = ()) -> tuple[Feed, list[Problem], str]:
    """The records of one file, the problems met reading it, and its format (told from
    the file when "auto"). `fellowship` goes to the readers that take one; `needs` are
    given to listings that come with none (a source's settings)."""
    path = Path(path)
    if fmt == "auto" and path.is_file():
        with contextlib.suppress(FormatError):  # read_feed will say what is wrong
            fmt = detect_format(path)
    feed, parse_problems = read_feed(path, fmt, fellowship=fellowship)
    if needs:
        for rec in feed.listings:
            if not rec.needs:
                rec.needs = list(needs)
    return feed, list(parse_problems), fmt


def import_file(
    session: Session, path: str | Path, fmt: str = "auto", *, dry_run: bool = False,
    skip_invalid: bool = False, actor: str = "import", progress: bool = True,
    gazetteer: Any | None = None, keep_examples: bool = False,
    fellowship: str | None = None, needs: Sequence[str] = (),
) -> ImportReport:
    """Read, check and store one file. The import owns the session's transaction: it
    commits when it writes, and rolls back otherwise (dry run, invalid records, or any
    error), so pass a session with no unsaved work of its own. `gazetteer` defaults to
    directory.geography.Gazetteer.default(). Real listings coming in close the made-up
    example ones (the demo directory's), unless `keep_examples`: examples must never
    stand beside, let alone above, real groups. `fellowship` and `needs`: as
    read_records."""
    feed, parse_problems, fmt = read_records(path, fmt, fellowship=fellowship, needs=needs)
    return apply_feed(session, feed, parse_problems, fmt, dry_run=dry_run,
                      skip_invalid=skip_invalid, actor=actor, progress=progress,
                      gazetteer=gazetteer, keep_examples=keep_examples)


def apply_feed(
    session: Session, feed: Feed, parse_problems: list[Problem], fmt: str, *,
    source: Source | None = None, dry_run: bool = False, skip_invalid: bool = False,
    actor: str = "import", progress: bool = True, gazetteer: Any | None = None,
    keep_examples: bool = False, force: bool = False,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Check and store a feed that was read (read_records), as import_file does, as one
    transaction. With a `source` (a Source of this session), its listings come from it,
    and those of its listings that are open and no longer in the feed are closed - unless
    more than half of them would be and not `force` (then nothing is written and
    `refused` says why). `before_commit` runs in the transaction just before it commits,
    after every write (the source's bookkeeping)."""
    report = ImportReport(format=fmt, invalid=list(parse_problems),
                          notes=list(getattr(feed, "notes", ())))
    _first_of_each_slug(feed, report)
    referenced = {li.organisation_slug for li in feed.listings}
    known = _known_organisations(session, referenced)
    geo = gazetteer if gazetteer is not None else _default_gazetteer()
    checked = check_feed(feed, geo, known)
    # A field that could not be read is reported once, not again as "missing".
    unread = {(p.item, p.field) for p in parse_problems}
    report.invalid += [p for p in checked.all() if (p.item, p.field) not in unread]

    broken = feed.broken if isinstance(feed, ParsedFeed) else set()
    bad_orgs = set(checked.organisations) | {k.split(":", 1)[1] for k in broken
                                             if k.startswith("organisation:")}
    bad_listings = set(checked.listings) | {k.split(":", 1)[1] for k in broken
                                            if k.startswith("listing:")}
    # An empty feed writes nothing - but for a source it would close everything it
    # brought, which the check in _sourced refuses (a feed emptied by mistake).
    empty = not (feed.listings or feed.organisations) and source is None
    if (report.invalid and not skip_invalid) or empty:
        session.rollback()  # only reads happened; do not hold the database open
        return report

    orgs = [o for o in feed.organisations if o.slug and o.slug not in bad_orgs]
    # A listing may be written if its organisation is written now or already stored (an
    # invalid update to a stored organisation does not orphan its listings).
    usable_orgs = {o.slug for o in orgs} | known
    listings: list[ListingRecord] = []
    for rec in feed.listings:
        if not rec.slug or rec.slug in bad_listings:
            report.skipped.append(f"listing '{rec.slug}'" if rec.slug else "listing")
        elif rec.organisation_slug not in usable_orgs:
            # Its organisation was in the file but invalid, and is not in the directory.
            report.skipped.append(f"listing '{rec.slug}'")
            report.invalid.append(Problem(
                (feed.labels.get(f"listing:{rec.slug}") if isinstance(feed, ParsedFeed)
                 else None) or f"listing '{rec.slug}'",
                "organisation_slug",
                f"not imported because its organisation '{rec.organisation_slug}' has "
                "problems",
            ))
        else:
            listings.append(rec)
    report.skipped += [f"organisation '{o.slug}'" for o in feed.organisations
                       if o.slug in bad_orgs]

    try:
        vanished: list[Listing] = []
        reopen: set[str] = set()
        if source is not None:
            listings, vanished, reopen = _sourced(session, source, feed, listings, report)
            if report.refused and not force:
                session.rollback()
                return report
            report.refused = None
        _write(session, orgs, listings, report, actor=actor, dry_run=dry_run,
               progress=progress, source_id=source.id if source is not None else None,
               reopen=reopen)
        if source is not None:
            report.closed = _close_vanished(session, source, vanished, actor, dry_run)
        if not keep_examples and any(not rec.is_demo for rec in listings):
            report.examples_closed = close_examples(session, dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            if before_commit is not None:
                before_commit(report)
            session.commit()
            report.written = True
    except Exception:
        session.rollback()
        raise
    return report


def _sourced(session: Session, source: Source, feed: Feed, listings: list[ListingRecord],
             report: ImportReport) -> tuple[list[ListingRecord], list[Listing], set[str]]:
    """For a source's feed: the listings to write (not those another source holds), its
    open listings no longer in the feed, and the slugs of its closed ones back in it.
    Sets `report.refused` when more than half of its open listings would close."""
    in_feed = {rec.slug for rec in feed.listings if rec.slug}  # invalid ones too: not gone
    owners: dict[str, int | None] = {}
    wanted = sorted(in_feed)
    for start in range(0, len(wanted), 500):  # keep IN lists a sane size
        chunk = wanted[start:start + 500]
        owners.update({slug: owner for slug, owner in session.execute(
            select(Listing.slug, Listing.source_id).where(Listing.slug.in_(chunk)))})
    names = {i: name for i, name in session.execute(select(Source.id, Source.name))}
    kept: list[ListingRecord] = []
    for rec in listings:
        owner = owners.get(rec.slug)
        if owner is not None and owner != source.id:
            report.skipped.append(f"listing '{rec.slug}'")
            report.invalid.append(Problem(
                (feed.labels.get(f"listing:{rec.slug}") if isinstance(feed, ParsedFeed)
                 else None) or f"listing '{rec.slug}'", "slug",
                f"already comes from source '{names.get(owner, owner)}'; left as it is"))
        else:
            kept.append(rec)
    theirs = list(session.scalars(select(Listing).where(Listing.source_id == source.id)))
    open_now = [li for li in theirs if li.status != Status.CLOSED.value]
    vanished = [li for li in open_now if li.slug not in in_feed]
    reopen = {li.slug for li in theirs if li.status == Status.CLOSED.value
              and li.slug in in_feed}
    if open_now and len(vanished) * 2 > len(open_now):
        report.refused = (f"{len(vanished)} of its {len(open_now)} open listings are no "
                          "longer in the feed (more than half): that looks like a broken "
                          "feed, so nothing was changed")
    return kept, vanished, reopen


def _close_vanished(session: Session, source: Source, vanished: list[Listing], actor: str,
                    dry_run: bool) -> int:
    """Close (never delete) a source's listings that left its feed, saying so."""
    if dry_run:
        return len(vanished)
    note = (f"No longer in the feed of source '{source.name}' "
            f"({datetime.now(UTC):%Y-%m-%d}); reopened if it comes back")[:500]
    for listing in vanished:
        update_listing(session, listing, {"status": Status.CLOSED.value, "status_note": note},
                       actor, action="close")
    return len(vanished)


def _first_of_each_slug(feed: Feed, report: ImportReport) -> None:
    """A slug given to several listings of a file: the first is the listing, each later
    one is refused (a problem: nothing is written without skip_invalid). tsml-ui keeps
    the first too (src/helpers/load-meeting-data.ts, "duplicate slug"); the 12 Step
    Meeting List plugin renames the later ones, which would make up ids the feed's
    editors never gave."""
    seen: set[str] = set()
    kept: list[ListingRecord] = []
    for rec in feed.listings:
        if rec.slug and rec.slug in seen:
            report.invalid.append(Problem(
                f"listing '{rec.name}' (slug '{rec.slug}' again)", "slug",
                f"slug '{rec.slug}' is given to an earlier listing of this file too; the "
                "first is kept and this one is not imported: give it a slug of its own"))
            report.skipped.append(f"listing '{rec.slug}' (a second time)")
            continue
        seen.add(rec.slug)
        kept.append(rec)
    feed.listings = kept


def _write(session: Session, orgs: list[OrganisationRecord], listings: list[ListingRecord],
           report: ImportReport, *, actor: str, dry_run: bool, progress: bool,
           source_id: int | None = None, reopen: Collection[str] = ()) -> None:
    records: list[OrganisationRecord | ListingRecord] = [*orgs, *listings]
    # What is stored already, fetched in bulk: two queries a record fewer (a 5,000-meeting
    # feed on PostgreSQL: benchmarks/import_sync.py).
    known_orgs = _by_slug(session, Organisation, [o.slug for o in orgs])
    known_listings = _by_slug(session, Listing, [li.slug for li in listings])
    org_ids: dict[str, int] = {}
    for rec in _bar(records, progress, "Importing"):
        if isinstance(rec, OrganisationRecord):
            report.count(upsert_organisation(session, rec, actor=actor, dry_run=dry_run,
                                             known=known_orgs))
            continue
        if not org_ids and not dry_run:  # the organisations are all written by now
            org_ids = {slug: i for slug, i in session.execute(select(
                Organisation.slug, Organisation.id).where(Organisation.slug.in_(
                    {li.organisation_slug for li in listings})))}
        report.count(upsert_listing(session, rec, actor=actor, dry_run=dry_run,
                                    source_id=source_id, reopen=rec.slug in reopen,
                                    known=known_listings, org_ids=org_ids))


def _by_slug(session: Session, model: type[Any], slugs: list[str]) -> dict[str, Any]:
    """The stored rows of `model` with these slugs, by slug (IN lists of 500)."""
    wanted = sorted(set(slugs))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), 500):
        for row in session.scalars(select(model).where(model.slug.in_(
                wanted[start:start + 500]))):
            found[row.slug] = row
    return found


def close_examples(session: Session, dry_run: bool = False) -> int:
    """Close every open example listing (is_demo): how many. The national helplines of
    the demo directory are real (not is_demo) and stay."""
    ids = list(session.scalars(select(Listing.id).where(Listing.is_demo.is_(True),
                                                        Listing.status != "closed")))
    if ids and not dry_run:
        version = bump_version(session)  # the search indexes drop them within a second
        session.execute(update(Listing).where(Listing.id.in_(ids))
                        .values(status="closed", changed_in=version))
    return len(ids)


def directory_feed(session: Session, include_demo: bool = True) -> tuple[Feed, dict[str, Any]]:
    """The whole directory as records (ordered by slug, for stable files), and each
    listing's last change time."""
    query = select(Organisation).options(selectinload(Organisation.listings)).order_by(
        Organisation.slug)
    feed = Feed()
    modified: dict[str, Any] = {}
    for org in session.scalars(query):
        if org.is_demo and not include_demo:
            continue
        feed.organisations.append(organisation_record(org))
        for listing in sorted(org.listings, key=lambda li: li.slug):
            if listing.is_demo and not include_demo:
                continue
            feed.listings.append(listing_record(listing))
            modified[listing.slug] = listing.updated_at
    return feed, modified


def export_file(session: Session, path: str | Path, fmt: str, include_demo: bool = True) -> int:
    """Write the directory to a file; returns how many listings were written. Listings a
    format cannot carry (Meeting Guide: not weekly, or closed) are left out and logged."""
    feed, modified = directory_feed(session, include_demo)
    report = export_feed(path, feed, fmt, modified=modified)
    for reason in report.skipped:
        log.info("not exported: %s", reason)
    return report.written


__all__ = ["ImportReport", "apply_feed", "directory_feed", "export_file", "import_file",
           "read_records"]
