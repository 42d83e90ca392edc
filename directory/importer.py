"""Import a file into the directory, and export the directory to a file.

An import is all or nothing: nothing is written unless every record passes validation
(or, with skip_invalid, the good records are written and the bad ones reported), and the
whole import is one transaction, committed at the end and rolled back on any error, so a
half-imported feed never reaches the people searching it. Records are matched by slug:
importing the same file again updates, never duplicates. Every change leaves a revision
(repository.upsert_*).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from tqdm import tqdm

from directory.exchange import FormatError, ParsedFeed, detect_format, export_feed, read_feed
from directory.models import Listing, Organisation
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.repository import (
    Change,
    bump_version,
    listing_record,
    organisation_record,
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

    def count(self, change: Change) -> None:
        self.changes.append(change)
        if change.action == "create":
            self.created += 1
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


def import_file(
    session: Session, path: str | Path, fmt: str = "auto", *, dry_run: bool = False,
    skip_invalid: bool = False, actor: str = "import", progress: bool = True,
    gazetteer: Any | None = None, keep_examples: bool = False,
) -> ImportReport:
    """Read, check and store one file. The import owns the session's transaction: it
    commits when it writes, and rolls back otherwise (dry run, invalid records, or any
    error), so pass a session with no unsaved work of its own. `gazetteer` defaults to
    directory.geography.Gazetteer.default(). Real listings coming in close the made-up
    example ones (the demo directory's), unless `keep_examples`: examples must never
    stand beside, let alone above, real groups."""
    path = Path(path)
    if fmt == "auto" and path.is_file():
        with contextlib.suppress(FormatError):  # read_feed will say what is wrong
            fmt = detect_format(path)
    feed, parse_problems = read_feed(path, fmt)
    report = ImportReport(format=fmt, invalid=list(parse_problems))
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
    if (report.invalid and not skip_invalid) or not (feed.listings or feed.organisations):
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
        _write(session, orgs, listings, report, actor=actor, dry_run=dry_run,
               progress=progress)
        if not keep_examples and any(not rec.is_demo for rec in listings):
            report.examples_closed = close_examples(session, dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
            report.written = True
    except Exception:
        session.rollback()
        raise
    return report


def _write(session: Session, orgs: list[OrganisationRecord], listings: list[ListingRecord],
           report: ImportReport, *, actor: str, dry_run: bool, progress: bool) -> None:
    records: list[OrganisationRecord | ListingRecord] = [*orgs, *listings]
    for rec in _bar(records, progress, "Importing"):
        if isinstance(rec, OrganisationRecord):
            report.count(upsert_organisation(session, rec, actor=actor, dry_run=dry_run))
        else:
            report.count(upsert_listing(session, rec, actor=actor, dry_run=dry_run))


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


__all__ = ["ImportReport", "directory_feed", "export_file", "import_file"]
