"""Sources: the feeds the directory is kept in sync with (`recovery-bot directory sources`,
`recovery-bot directory sync`).

A sync of one source fetches its feed (directory/fetching.py: timeouts, a size cap, a
conditional request, retries; every page of an Open Referral API), reads it with the
source's format, fellowship and needs, and applies it as ONE transaction
(directory/importer.py apply_feed):

- records are matched by slug: new ones are created, changed ones updated;
- a listing that left the feed is closed (never deleted), with a note saying so, and
  reopened if it comes back;
- fields a volunteer curated keep the volunteer's values (Listing.curated_fields, set by
  directory/curation.py apply); the rest of the listing follows the feed;
- a record that fails validation is skipped and reported; the others are applied;
- a broken feed changes nothing and is reported as a failure: the fetch failed (no answer,
  a timeout, an HTTP error, too big), it cannot be read (not JSON, not the format), or more
  than half of the source's open listings would close at once (`force` applies it anyway);
- a first real sync into a database holding only the demo directory closes its made-up
  examples (importer.close_examples), and says so.

The source's ETag and Last-Modified are stored only with a feed that was applied, so a
feed that failed is fetched in full again next time. See docs/import-formats.md,
"Sources and sync".
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from directory.exchange import FORMATS
from directory.exchange.oruk import page_info, page_items
from directory.fetching import FetchError, FetchLimits, fetch, is_url
from directory.importer import ImportReport, apply_feed, read_records
from directory.models import Listing, Source, Status
from directory.needs import NEED_CODES
from directory.validation import Problem

log = logging.getLogger(__name__)

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


class _Unusable(Exception):
    """Raised in a sync's transaction to roll it back: the feed is read, but unusable."""


class SourceError(ValueError):
    """A source that cannot be added or found; the message says why, kindly."""


@dataclass(slots=True)
class SyncResult:
    """What one source's sync did: `status` ok, not_modified or failed (nothing changed,
    `error` says why)."""

    source: str
    status: str
    error: str | None = None
    report: ImportReport | None = None
    bytes: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def as_json(self) -> dict[str, Any]:
        """The `directory sync --json` object of one source (README, "Command line")."""
        r = self.report
        applied = r is not None and self.status == "ok"
        return {
            "source": self.source,
            "status": self.status,
            "not_modified": self.status == "not_modified",
            "error": self.error,
            "created": r.created if applied else 0,
            "updated": r.updated if applied else 0,
            "unchanged": r.unchanged if applied else 0,
            "closed": r.closed if applied else 0,
            "reopened": r.reopened if applied else 0,
            "invalid": len(self.problems),
            "notes": len(r.notes) if r is not None else 0,
            "curated_kept": r.curated_kept if applied else 0,
            "examples_closed": r.examples_closed if applied else 0,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


def _check_needs(needs: Sequence[str]) -> list[str]:
    unknown = [n for n in needs if n not in NEED_CODES]
    if unknown:
        raise SourceError(f"{', '.join(repr(n) for n in unknown)}: not a need we know; use "
                          f"any of {', '.join(sorted(NEED_CODES))}")
    return list(dict.fromkeys(needs))


def add_source(session: Session, name: str, url: str, fmt: str, *,
               fellowship: str | None = None, needs: Sequence[str] = (),
               now: datetime | None = None) -> Source:
    """Add a source (not yet synced), in the caller's transaction. Raises SourceError
    for a name in use, an address that is not http(s), an unknown format, fellowship or
    need."""
    from directory.fellowships import lookup

    if not NAME.fullmatch(name):
        raise SourceError(f"'{name}' cannot be a source's name: use lower-case letters, "
                          "digits, '-' and '_' (up to 80), starting with a letter or digit")
    if session.scalar(select(Source.id).where(Source.name == name)) is not None:
        raise SourceError(f"there is already a source called '{name}'")
    if not is_url(url) or len(url) > 2000:
        raise SourceError(f"'{url}' is not an http:// or https:// address")
    if fmt not in ("auto", *FORMATS):
        raise SourceError(f"unknown format '{fmt}'; use one of auto, {', '.join(FORMATS)}")
    if fellowship and lookup(fellowship) is None:
        raise SourceError(f"'{fellowship}' is not a fellowship we know (such as AA, NA, CA, "
                          "GA, Al-Anon, SMART; directory/fellowships.py)")
    source = Source(name=name, url=url.strip(), format=fmt, fellowship=fellowship or None,
                    needs=_check_needs(needs), created_at=now or datetime.now(UTC),
                    last_summary={})
    session.add(source)
    session.flush()
    return source


def get_source(session: Session, name: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        known = list(session.scalars(select(Source.name).order_by(Source.name)))
        hint = f" Sources: {', '.join(known)}." if known else " There are no sources yet."
        raise SourceError(f"there is no source called '{name}'.{hint}")
    return source


def list_sources(session: Session) -> list[tuple[Source, int, int]]:
    """Every source by name, with how many open and closed listings it brought."""
    counts: dict[tuple[int, bool], int] = {}
    for source_id, status, n in session.execute(
            select(Listing.source_id, Listing.status, func.count())
            .where(Listing.source_id.is_not(None))
            .group_by(Listing.source_id, Listing.status)):
        key = (source_id, status == Status.CLOSED.value)
        counts[key] = counts.get(key, 0) + n
    return [(s, counts.get((s.id, False), 0), counts.get((s.id, True), 0))
            for s in session.scalars(select(Source).order_by(Source.name))]


def remove_source(session: Session, name: str) -> int:
    """Forget a source, in the caller's transaction; its listings stay as they are, no
    longer synced (closed ones stay closed). How many listings it had."""
    source = get_source(session, name)
    # Provenance only, not what people see: no revision or version bump (as
    # curation.mark_stale_reminded), and the row's optimistic-lock version is left alone.
    count = session.execute(update(Listing).where(Listing.source_id == source.id)
                            .values(source_id=None)
                            .execution_options(synchronize_session=False)).rowcount
    session.delete(source)
    session.flush()
    return count or 0


def source_json(source: Source, open_listings: int, closed_listings: int) -> dict[str, Any]:
    """The `directory sources list --json` object of one source."""
    return {
        "name": source.name, "url": source.url, "format": source.format,
        "fellowship": source.fellowship, "needs": list(source.needs or []),
        "listings": open_listings, "closed_listings": closed_listings,
        "last_synced_at": source.last_synced_at.isoformat() if source.last_synced_at
        else None,
        "last_status": source.last_status, "last_summary": source.last_summary or {},
    }


# An API that says it has more pages than this is refused rather than followed.
MAX_PAGES = 500


def _all_pages(first: Path, url: str, fmt: str, tmp: Path,
               limits: FetchLimits | None) -> Path:
    """The feed to read: the file fetched, or, when it is one page of an Open Referral
    API answer (`/services?page=N`: HSDS 3.0 total_pages/page_number, ORUK 1.0
    totalPages/number), a folder holding every page, fetched with the same limits, for
    oruk.read_pages (which refuses a feed with a page missing)."""
    if fmt not in ("oruk", "auto") or first.suffix.lower() != ".json":
        return first
    try:
        data = json.loads(first.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return first  # the reader says what is wrong with it
    if page_items(data) is None:
        return first
    info = page_info(data)
    total = info.total_pages or 1
    if total <= 1:
        return first
    if total > MAX_PAGES:
        raise FetchError(f"the API says it has {total} pages; at most {MAX_PAGES} are read")
    number = info.number if info.number is not None else 1
    folder = tmp / "pages"
    folder.mkdir()
    first.rename(folder / f"page-{number:05d}.json")
    # The page numbers this page's own number implies: 1.. for HSDS 3.0, 0.. for ORUK
    # 1.0 (Spring's pages), whichever this one is.
    start = 0 if number == 0 else 1
    for n in range(start, start + total):
        if n == number:
            continue
        page_url = str(httpx.URL(url).copy_set_param("page", str(n)))
        got = fetch(page_url, folder, limits=limits)
        assert got.path is not None
        got.path.rename(folder / f"page-{n:05d}.json")
    return folder


def sync_source(session: Session, name: str, *, limits: FetchLimits | None = None,
                progress: bool = False, force: bool = False, dry_run: bool = False,
                keep_examples: bool = False, gazetteer: Any | None = None,
                now: datetime | None = None) -> SyncResult:
    """Fetch and apply one source's feed (see the module's docstring). The session must
    have no unsaved work: the sync commits what it applies, and its bookkeeping."""
    started = time.monotonic()
    source = get_source(session, name)
    source_id, url, fmt = source.id, source.url, source.format
    etag, modified = (None, None) if force else (source.etag, source.last_modified)
    fellowship, needs = source.fellowship, list(source.needs or [])
    session.rollback()  # hold no transaction open while downloading
    result = SyncResult(name, "failed")
    with tempfile.TemporaryDirectory(prefix="rc-sync-") as tmp:
        try:
            got = fetch(url, Path(tmp), etag=etag, last_modified=modified, limits=limits,
                        progress=progress)
        except FetchError as exc:
            result.error = f"could not fetch the feed: {exc}; nothing was changed"
            return _finish(session, source_id, result, started, now, dry_run)
        result.bytes = got.size
        if got.not_modified:
            result.status = "not_modified"
            return _finish(session, source_id, result, started, now, dry_run)
        assert got.path is not None
        try:
            path = _all_pages(got.path, url, fmt, Path(tmp), limits)
        except FetchError as exc:
            result.error = f"could not fetch every page of the feed: {exc}; nothing was changed"
            return _finish(session, source_id, result, started, now, dry_run)
        feed, problems, fmt = read_records(path, fmt, fellowship=fellowship, needs=needs)
    result.problems = list(problems)
    if not (feed.listings or feed.organisations) and problems:
        result.error = ("the feed could not be read: "
                        + "; ".join(p.reason for p in problems[:3]) + "; nothing was changed")
        return _finish(session, source_id, result, started, now, dry_run)

    def bookkeeping(report: ImportReport) -> None:
        if feed.listings and not any(c.entity == "listing" for c in report.changes):
            # Not one of its records could be used: the wrong format, or a feed gone bad.
            result.problems = list(report.invalid)
            raise _Unusable(f"none of its {len(feed.listings)} listings could be used "
                            f"(see the {len(report.invalid)} problems); nothing was changed")
        row = session.get_one(Source, source_id)
        row.etag, row.last_modified = got.etag, got.last_modified
        result.status, result.report, result.problems = "ok", report, list(report.invalid)
        _record(row, result, started, now)

    try:
        locked = session.get_one(Source, source_id, with_for_update=True)  # one at a time
        report = apply_feed(session, feed, problems, fmt, source=locked, dry_run=dry_run,
                            skip_invalid=True, actor=f"sync:{name}", progress=progress,
                            gazetteer=gazetteer, keep_examples=keep_examples, force=force,
                            before_commit=bookkeeping)
    except _Unusable as exc:
        result.status, result.error = "failed", str(exc)
        return _finish(session, source_id, result, started, now, dry_run)
    except Exception as exc:  # noqa: BLE001 - one source's failure must not stop the rest
        log.exception("applying the feed of source %s failed", name)
        result.status = "failed"
        result.error = f"applying the feed failed ({type(exc).__name__}); nothing was changed"
        return _finish(session, source_id, result, started, now, dry_run)
    result.report, result.problems = report, list(report.invalid)
    if report.refused:
        result.status, result.error = "failed", report.refused
        return _finish(session, source_id, result, started, now, dry_run)
    result.status = "ok"
    result.seconds = time.monotonic() - started
    return result


def _summary(result: SyncResult) -> dict[str, Any]:
    """What a source keeps of its last sync: counts and the error, never record values
    (the problems may quote them)."""
    out = result.as_json()
    return {k: out[k] for k in ("status", "error", "created", "updated", "unchanged",
                                "closed", "reopened", "invalid", "notes", "curated_kept",
                                "examples_closed", "bytes", "seconds")}


def _record(row: Source, result: SyncResult, started: float, now: datetime | None) -> None:
    result.seconds = time.monotonic() - started
    row.last_synced_at = now or datetime.now(UTC)
    row.last_status = result.status
    row.last_summary = _summary(result)


def _finish(session: Session, source_id: int, result: SyncResult, started: float,
            now: datetime | None, dry_run: bool) -> SyncResult:
    """Record a sync that applied nothing (not modified, or failed), in a transaction of
    its own: the directory is as it was, and the stored ETag stays that of the last feed
    applied."""
    session.rollback()
    if dry_run:
        result.seconds = time.monotonic() - started
        return result
    row = session.get(Source, source_id)
    if row is not None:
        _record(row, result, started, now)
        session.commit()
    return result


def sync_all(session: Session, names: Sequence[str] = (), **options: Any) -> list[SyncResult]:
    """Sync the named sources (all, by name, when none are named), one after another;
    each is its own transaction, so one failing leaves the others' changes in."""
    wanted = list(names) or list(session.scalars(select(Source.name).order_by(Source.name)))
    for name in wanted:
        get_source(session, name)  # an unknown name fails before anything is fetched
    session.rollback()
    return [sync_source(session, name, **options) for name in wanted]


__all__ = ["SourceError", "SyncResult", "add_source", "get_source", "list_sources",
           "remove_source", "source_json", "sync_all", "sync_source"]
