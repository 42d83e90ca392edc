"""Our own CSV: one row per listing, its organisation's fields alongside with the prefix
`organisation_`, so that one spreadsheet round-trips everything we model.

Columns (documented in docs/import-formats.md): every ListingRecord field by name
(`organisation_slug` links the row to its organisation), then every OrganisationRecord
field as `organisation_<field>`. Lists are joined with ";". Days are day names (Mon, Tue,
.. or Monday, ..) or numbers 0 = Monday .. 6 = Sunday. Yes/no columns take yes/no,
true/false or 1/0. Times are HH:MM, dates YYYY-MM-DD, date-times ISO 8601. A listing's name and
description in another language are the columns `name_<code>` and `description_<code>`
(`name_cy`, `description_cy`) for any language code: a new language needs no code change.

An organisation's details may be given on one of its rows only; other rows may leave them
blank. A row whose listing columns are all blank (only organisation_* set) describes an
organisation without listings. Rows are numbered as a spreadsheet shows them: the header
is row 1.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from directory.exchange.common import (
    Issues,
    ParsedFeed,
    WriteReport,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_float,
    parse_time,
    text,
)
from directory.records import Feed, ListingRecord, OrganisationRecord, field_names
from directory.validation import Problem

ORG_PREFIX = "organisation_"
# translations is not one column but two per language (name_cy, description_cy).
LISTING_COLUMNS = [n for n in field_names(ListingRecord) if n != "translations"]
ORG_FIELDS = [n for n in field_names(OrganisationRecord) if n != "slug"]
ORG_COLUMNS = [ORG_PREFIX + n for n in ORG_FIELDS]
COLUMNS = LISTING_COLUMNS + ORG_COLUMNS
REQUIRED_COLUMNS = ("slug", "organisation_slug", "name")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHOWN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Spreadsheets run cells that start like a formula (OWASP "CSV injection"); we write such
# text with a leading apostrophe, which spreadsheets hide and our reader removes.
_FORMULA = re.compile(r"^(=|@|[+\-].*\()", re.DOTALL)
_REQUIRED_TEXT = {"slug", "name", "organisation_slug"}
# name_cy, description_cy, ...: an ISO 639 code (two letters, or three where there is no
# two-letter one) after the translated field's name.
_TRANSLATED = re.compile(r"^(name|description)_([a-z]{2,3})$")


def _types(cls: type) -> dict[str, str]:
    return {f.name: str(f.type) for f in fields(cls)}


_LISTING_TYPES = {n: k for n, k in _types(ListingRecord).items() if n != "translations"}
_ORG_TYPES = _types(OrganisationRecord)


def _header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _cell(raw: Any) -> str | None:
    value = text(raw)
    if value and value.startswith("'") and _FORMULA.match(value[1:]):
        value = value[1:]
    return value


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def _days(raw: str, name: str, issues: Issues) -> list[int]:
    out: list[int] = []
    for part in _split(raw):
        key = part.lower().rstrip(".")
        matches = [i for i, full in enumerate(_FULL_DAYS) if len(key) >= 3 and
                   full.startswith(key)]
        if part.isdigit() and int(part) <= 6:
            day = int(part)
        elif len(matches) == 1:
            day = matches[0]
        else:
            issues.add(name, f"'{part}' is not a day (Mon .. Sun, or 0 = Monday .. 6 = Sunday)")
            continue
        if day not in out:
            out.append(day)
    return out


def _weeks(raw: str, name: str, issues: Issues) -> list[int]:
    out: list[int] = []
    for part in _split(raw):
        if part.lower() == "last":
            out.append(-1)
        elif re.fullmatch(r"-?\d+", part):
            out.append(int(part))
        else:
            issues.add(name, f"'{part}' is not a week of the month (1 to 5, or last)")
    return out


def _parse(kind: str, name: str, column: str, raw: str, issues: Issues) -> Any:
    """One cell as the type of its record field."""
    if name == "days":
        return _days(raw, column, issues)
    if name == "month_weeks":
        return _weeks(raw, column, issues)
    parsers: dict[str, Callable[[], Any]] = {
        "datetime | None": lambda: parse_datetime(raw, column, issues),
        "date | None": lambda: parse_date(raw, column, issues),
        "time | None": lambda: parse_time(raw, column, issues, end=name == "end_time"),
        "float | None": lambda: parse_float(raw, column, issues),
        "bool": lambda: parse_bool(raw, column, issues),
        "list[str]": lambda: _split(raw),
    }
    return parsers.get(kind, lambda: raw)()


def _row_values(row: dict[str, str | None], types: dict[str, str], prefix: str,
                issues: Issues) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind in types.items():
        column = prefix + name
        raw = _cell(row.get(column))
        if raw is None:
            continue
        values[name] = _parse(kind, name, column, raw, issues)
    return values


def read(path: Path) -> tuple[ParsedFeed, list[Problem]]:
    problems: list[Problem] = []
    feed = ParsedFeed(source_fields={f"organisation.{n}": ORG_PREFIX + n for n in ORG_FIELDS})
    feed.source_fields["organisation.slug"] = "organisation_slug"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [_header(h) for h in next(reader)]
        except StopIteration:
            return feed, [Problem(path.name, "", "the file is empty")]
        except (csv.Error, UnicodeDecodeError) as exc:
            return feed, [Problem(path.name, "", f"not a readable CSV file: {exc}")]
        head = Issues("header", problems)
        for column in header:
            if column and column not in COLUMNS and not _TRANSLATED.match(column):
                head.add(column, "unknown column; the columns are listed in "
                                 "docs/import-formats.md")
            if column and header.count(column) > 1:
                head.add(column, "this column appears more than once")
        for column in REQUIRED_COLUMNS:
            if column not in header:
                head.add(column, "this column is missing")
        if head.count:
            return feed, problems
        try:
            rows = [(n, dict(zip(header, r, strict=False))) for n, r in enumerate(reader, 2)]
        except (csv.Error, UnicodeDecodeError) as exc:
            return feed, [*problems, Problem(path.name, "", f"not a readable CSV file: {exc}")]

    org_values: dict[str, dict[str, tuple[Any, int]]] = {}
    org_rows: dict[str, int] = {}
    for number, row in rows:
        if not any(_cell(v) for v in row.values()):
            continue  # blank line
        issues = Issues(f"row {number}", problems)
        org_slug = _cell(row.get("organisation_slug")) or ""
        if org_slug:
            _merge_org(org_slug, row, number, issues, org_values)
            org_rows.setdefault(org_slug, number)
        listing_cells = [c for c in LISTING_COLUMNS if c != "organisation_slug"]
        if not any(_cell(row.get(c)) for c in listing_cells):
            if not org_slug:
                issues.add("organisation_slug", "the row has neither a listing nor an "
                                                "organisation slug")
            continue
        values = _row_values(row, _LISTING_TYPES, "", issues)
        values["translations"] = _translations(row, header, feed.source_fields)
        for name in _REQUIRED_TEXT:
            values.setdefault(name, "")
        feed.add_listing(ListingRecord(**values), f"row {number}", issues)

    for slug, merged in org_values.items():
        number = org_rows[slug]
        issues = Issues(f"row {number}", problems)
        if "name" not in merged:
            if len(merged) > 0:
                issues.add("organisation_name", f"organisation '{slug}' has details but no "
                                                "organisation_name on any row")
            continue  # a reference to an organisation already in the directory
        org = OrganisationRecord(slug=slug, **{k: v for k, (v, _) in merged.items()})
        key = f"organisation:{slug}"
        feed.labels[key] = f"row {number} (organisation '{slug}')"
        feed.organisations.append(org)
        if issues.count:
            feed.broken.add(key)
    return feed, problems


def _translations(row: dict[str, str | None], header: list[str],
                  names: dict[str, str]) -> dict[str, dict[str, str]]:
    """{"cy": {"name": .., "description": ..}} from the row's name_<code> and
    description_<code> cells; problems about them name the column (via `names`)."""
    out: dict[str, dict[str, str]] = {}
    for column in header:
        m = _TRANSLATED.match(column)
        if not m:
            continue
        part, code = m.groups()
        names[f"translations.{code}.{part}"] = column
        value = _cell(row.get(column))
        if value is not None:
            out.setdefault(code, {})[part] = value
    return out


def _merge_org(slug: str, row: dict[str, str | None], number: int, issues: Issues,
               org_values: dict[str, dict[str, tuple[Any, int]]]) -> None:
    """An organisation's details may be on one row or repeated; repeats must agree."""
    types = {n: k for n, k in _ORG_TYPES.items() if n != "slug"}
    values = _row_values(row, types, ORG_PREFIX, issues)
    merged = org_values.setdefault(slug, {})
    for name, value in values.items():
        if name in merged and merged[name][0] != value:
            first, at = merged[name]
            issues.add(ORG_PREFIX + name, f"'{_format(value)}' differs from row {at} "
                                          f"('{_format(first)}') for the same organisation")
        else:
            merged.setdefault(name, (value, number))


def _format(value: Any, name: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "days":
        return ";".join(_SHOWN_DAYS[d] if isinstance(d, int) and 0 <= d <= 6 else str(d)
                        for d in value)
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, datetime | date):
        return value.isoformat()
    out = str(value)
    return "'" + out if _FORMULA.match(out) else out


def write(path: Path, feed: Feed) -> WriteReport:
    orgs = {o.slug: o for o in feed.organisations}
    used: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        # utf-8-sig: Excel reads a UTF-8 file correctly only when it starts with a BOM.
        writer = csv.writer(handle)
        # Translation columns for the languages the listings have, after the listing's own.
        codes = sorted({c for listing in feed.listings for c in listing.translations or {}})
        translated = [(part, code) for code in codes for part in ("name", "description")]
        writer.writerow(LISTING_COLUMNS + [f"{p}_{c}" for p, c in translated] + ORG_COLUMNS)
        for listing in feed.listings:
            row = [_format(getattr(listing, n), n) for n in LISTING_COLUMNS]
            row += [_format((listing.translations or {}).get(c, {}).get(p)) for p, c in translated]
            org = orgs.get(listing.organisation_slug)
            row += [_format(getattr(org, n), n) if org else "" for n in ORG_FIELDS]
            used.add(listing.organisation_slug)
            writer.writerow(row)
        for org in feed.organisations:
            if org.slug in used:
                continue
            row = ["" for _ in LISTING_COLUMNS] + ["" for _ in translated]
            row[LISTING_COLUMNS.index("organisation_slug")] = org.slug
            row += [_format(getattr(org, n), n) for n in ORG_FIELDS]
            writer.writerow(row)
    return WriteReport(written=len(feed.listings))
