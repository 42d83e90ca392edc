"""Import and export formats: our CSV, Meeting Guide JSON and Open Referral UK JSON.

Every format reads into the same plain records (directory.records) and writes from them;
checking and storing are done once, elsewhere (directory.validation, directory.importer).
Reading never raises on bad data: what is wrong comes back as Problems.
See docs/import-formats.md for the columns and mappings.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from directory.exchange import bmlt, csv_format, meeting_guide, oruk
from directory.exchange.common import ParsedFeed, WriteReport
from directory.records import Feed
from directory.validation import Problem

FORMATS = ("csv", "meeting-guide", "oruk", "bmlt")  # what imports read
EXPORT_FORMATS = ("csv", "meeting-guide", "oruk")  # BMLT is read only

__all__ = ["EXPORT_FORMATS", "FORMATS", "FormatError", "ParsedFeed", "WriteReport", "detect_format",
           "export_feed", "read_feed", "write_feed"]


class FormatError(ValueError):
    """The format of a file cannot be told, or is not one we know."""


def _sniff(data: Any) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("meetings"), list):
            return "bmlt"  # GetSearchResults with get_used_formats=1 (or the answers combined)
        if oruk.page_items(data) is not None or isinstance(data.get("service"), dict):
            return "oruk"  # an HSDS 3.0 / ORUK 1.0 API page, or a service_at_location
        if "services" in data or "service_at_locations" in data or "organization" in data:
            return "oruk"
        if "status" in data and "id" in data:
            return "oruk"
        return None
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is None:
            return None
        hsds = ("services", "service_at_locations", "organization", "organization_id",
                "schedules", "service", "contents", "totalPages")  # service: /service_at_locations
        if any(k in first for k in hsds):
            return "oruk"
        if any(k in first for k in bmlt.MEETING_KEYS):
            return "bmlt"  # a BMLT GetSearchResults array
        guide = ("slug", "day", "time", "types", "conference_url", "formatted_address",
                 "group", "approximate")
        if any(k in first for k in guide):
            return "meeting-guide"
    return None


def detect_format(path: str | Path) -> str:
    """One of FORMATS, from the extension and, for .json, the shape of the content."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix != ".json":
        raise FormatError(f"{path.name}: cannot tell the format from '{suffix or 'no'}' "
                          "extension; use .csv or .json, or name the format")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path.name}: not valid JSON, so its format cannot be told "
                          f"({exc})") from exc
    found = _sniff(data)
    if found is None:
        raise FormatError(f"{path.name}: neither a Meeting Guide feed (an array of meetings), "
                          "BMLT (GetSearchResults) nor Open Referral UK (services or "
                          "organizations)")
    return found


def read_feed(path: str | Path, fmt: str = "auto", *,
              fellowship: str | None = None) -> tuple[Feed, list[Problem]]:
    """The records in a file and the problems met reading it (bad JSON, a time that is
    not a time...). Checking the records themselves is directory.validation's job.
    `fellowship` (a source's, "GA"): given to the readers that take one, for records
    that name none (directory/sources.py)."""
    path = Path(path)
    if path.is_dir() and fmt in ("auto", "oruk"):
        return oruk.read_pages(path)  # a folder of API pages (/services?page=N)
    if not path.is_file():
        return ParsedFeed(), [Problem(path.name, "", "file not found")]
    if fmt == "auto":
        try:
            fmt = detect_format(path)
        except FormatError as exc:
            return ParsedFeed(), [Problem(path.name, "", str(exc).split(": ", 1)[-1])]
    readers = {"csv": csv_format.read, "meeting-guide": meeting_guide.read, "oruk": oruk.read,
               "bmlt": bmlt.read}
    if fmt not in readers:
        return ParsedFeed(), [Problem(path.name, "", f"unknown format '{fmt}'; use one of "
                                                     f"{', '.join(FORMATS)}")]
    reader = readers[fmt]
    if fellowship and "fellowship" in inspect.signature(reader).parameters:
        return reader(path, fellowship=fellowship)
    return reader(path)


def export_feed(path: str | Path, feed: Feed, fmt: str, *,
                modified: Mapping[str, datetime] | None = None) -> WriteReport:
    """Write a feed; the report counts listings written and says which were left out and
    why (Meeting Guide takes weekly meetings only). `modified` (listing slug -> time of last
    change) fills Open Referral's last_modified."""
    path = Path(path)
    if fmt == "csv":
        return csv_format.write(path, feed)
    if fmt == "meeting-guide":
        return meeting_guide.write(path, feed)
    if fmt == "oruk":
        return oruk.write(path, feed, modified)
    if fmt == "bmlt":
        raise FormatError("BMLT is read only: export to meeting-guide, which BMLT-based tools "
                          "also read")
    raise FormatError(f"unknown format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")


def write_feed(path: str | Path, feed: Feed, fmt: str) -> None:
    export_feed(path, feed, fmt)
