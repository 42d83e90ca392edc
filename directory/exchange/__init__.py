"""Import and export formats: our CSV, Meeting Guide JSON and Open Referral UK JSON.

Every format reads into the same plain records (directory.records) and writes from them;
checking and storing are done once, elsewhere (directory.validation, directory.importer).
Reading never raises on bad data: what is wrong comes back as Problems.
See docs/import-formats.md for the columns and mappings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from directory.exchange import csv_format, meeting_guide, oruk
from directory.exchange.common import ParsedFeed, WriteReport
from directory.records import Feed
from directory.validation import Problem

FORMATS = ("csv", "meeting-guide", "oruk")

__all__ = ["FORMATS", "FormatError", "ParsedFeed", "WriteReport", "detect_format",
           "export_feed", "read_feed", "write_feed"]


class FormatError(ValueError):
    """The format of a file cannot be told, or is not one we know."""


def _sniff(data: Any) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("contents"), list):
            return "oruk"  # an HSDS API page
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
                "schedules")
        if any(k in first for k in hsds):
            return "oruk"
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
        raise FormatError(f"{path.name}: neither a Meeting Guide feed (an array of meetings) "
                          "nor Open Referral UK (services or organizations)")
    return found


def read_feed(path: str | Path, fmt: str = "auto") -> tuple[Feed, list[Problem]]:
    """The records in a file and the problems met reading it (bad JSON, a time that is
    not a time...). Checking the records themselves is directory.validation's job."""
    path = Path(path)
    if not path.is_file():
        return ParsedFeed(), [Problem(path.name, "", "file not found")]
    if fmt == "auto":
        try:
            fmt = detect_format(path)
        except FormatError as exc:
            return ParsedFeed(), [Problem(path.name, "", str(exc).split(": ", 1)[-1])]
    readers = {"csv": csv_format.read, "meeting-guide": meeting_guide.read, "oruk": oruk.read}
    if fmt not in readers:
        return ParsedFeed(), [Problem(path.name, "", f"unknown format '{fmt}'; use one of "
                                                     f"{', '.join(FORMATS)}")]
    return readers[fmt](path)


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
    raise FormatError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")


def write_feed(path: str | Path, feed: Feed, fmt: str) -> None:
    export_feed(path, feed, fmt)
