"""What the format modules share: the parsed-feed shape, value parsers that report
problems instead of raising, slugs, and the "rc_" overrides that let our own round trip
through a standard keep the fields the standard has no place for."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from directory.records import Feed, ListingRecord, OrganisationRecord, field_names
from directory.validation import Problem

# Extra keys we add to a standard's records are namespaced with this prefix, so that other
# tools (which ignore unknown keys) are not confused and our reader can find them.
RC_PREFIX = "rc_"


@dataclass(slots=True)
class ParsedFeed(Feed):
    """A feed plus what validation and the importer need to talk about it."""

    # "listing:<slug>" / "organisation:<slug>" -> how the file names it ("row 7").
    labels: dict[str, str] = field(default_factory=dict)
    # Our field name -> the format's ("postcode" -> "postal_code"), for problem reports.
    source_fields: dict[str, str] = field(default_factory=dict)
    # "listing:<slug>" / "organisation:<slug>" of records that had a parse problem: they
    # were kept so that validation can report everything at once, but must not be written.
    broken: set[str] = field(default_factory=set)
    # What was read leniently or left out without refusing the record (an `updated` date in
    # a form we cannot read, an unknown meeting type...): for the operator, not errors.
    notes: list[Problem] = field(default_factory=list)

    def add_listing(self, listing: ListingRecord, label: str, issues: Issues) -> None:
        """Keep a parsed listing with how the file names it; one with parse problems is
        marked so it is reported but never written."""
        key = f"listing:{listing.slug}"
        self.labels.setdefault(key, label)
        self.listings.append(listing)
        if issues.count:
            self.broken.add(key)


@dataclass(slots=True)
class WriteReport:
    written: int = 0  # listings written
    skipped: list[str] = field(default_factory=list)  # "slug: why", for the operator


class Issues:
    """Collects the parse problems of one item of a file."""

    def __init__(self, item: str, sink: list[Problem],
                 notes: list[Problem] | None = None) -> None:
        self.item = item
        self.sink = sink
        self.count = 0
        self.notes = notes if notes is not None else []

    def add(self, name: str, reason: str) -> None:
        self.sink.append(Problem(self.item, name, reason))
        self.count += 1

    def note(self, name: str, reason: str) -> None:
        """Something read leniently: said, but the record is not refused."""
        self.notes.append(Problem(self.item, name, reason))


# How feeds name the UK (lower case): a country or nation field, or the end of an address.
UK_COUNTRIES = frozenset({
    "uk", "gb", "gbr", "united kingdom", "great britain", "england", "scotland", "wales",
    "northern ireland",
})
# IANA names of UK time (lower case): Europe/Belfast, GB and GB-Eire are its aliases.
UK_TIME_ZONES = frozenset({"europe/london", "europe/belfast", "gb", "gb-eire"})


def load_json(path: Path) -> tuple[Any, Problem | None]:
    """A JSON file's content, or the problem that stops it being read (kindly worded,
    naming the file): what every JSON format's reader starts with."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), None
    except json.JSONDecodeError as exc:
        return None, Problem(path.name, "", f"not valid JSON: {exc.msg} at line "
                                            f"{exc.lineno}, column {exc.colno}")
    except UnicodeDecodeError:
        return None, Problem(path.name, "", "not a UTF-8 text file")
    except OSError as exc:
        return None, Problem(path.name, "", f"cannot be read ({exc.strerror})")


def slugify(text: str, limit: int = 120) -> str:
    """ "St Mary's Tuesday Group" -> "st-marys-tuesday-group"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower().replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:limit].rstrip("-")


def text(value: Any) -> str | None:
    """Strings stripped, blanks as None, numbers as their text (slugs may be integers)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


# "7:30 PM", "7:30pm", "7pm", "7.30 p.m.", "12 noon": the 12-hour forms that feeds carry and
# the 12 Step Meeting List plugin reads (includes/functions_format.php,
# tsml_format_time_reverse(), which hands them to PHP's date_parse()).
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.I)
_NAMED_TIMES = {"noon": time(12), "12 noon": time(12), "midday": time(12),
                "midnight": time(0), "12 midnight": time(0)}


def _twelve_hour(raw: str) -> time | None:
    named = _NAMED_TIMES.get(raw.lower())
    if named is not None:
        return named
    m = _TIME_12.match(raw)
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if not (1 <= hour <= 12 and minute < 60 and second < 60):
        return None
    hour = hour % 12 + (12 if m.group(4).lower() == "p" else 0)  # 12 AM is 00, 12 PM 12
    return time(hour, minute, second)


def parse_time(value: Any, name: str, issues: Issues, *, end: bool = False,
               allow_offset: bool = False, twelve_hour: bool = False) -> time | None:
    """ "19:30" / "7:30" / "19:30:00" -> time. "24:00" is midnight when it ends something.
    Offsets ("Z", "+01:00") are accepted only where a format allows them (HSDS), and only
    UK ones: our times are Europe/London wall-clock times. `twelve_hour` also reads
    "7:30 PM", "7:30pm", "7pm", "noon" (Meeting Guide feeds, as the 12 Step Meeting List
    plugin does); our own CSV keeps to the 24-hour clock."""
    raw = text(value)
    if raw is None:
        return None
    if twelve_hour:
        found = _twelve_hour(raw)
        if found is not None:
            return found
    m = _TIME.match(raw)
    if m and m.group(4) and not allow_offset:
        m = None
    if m:
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        offset = m.group(4)
        if offset and offset not in ("Z", "+00:00", "+0000", "+01:00", "+0100"):
            issues.add(name, f"time '{raw}' is not UK time; give the Europe/London time")
            return None
        if end and (hour, minute, second) == (24, 0, 0):
            return time(0, 0)
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    issues.add(name, f"'{raw}' is not a time of day (HH:MM, 00:00 to 23:59)")
    return None


def parse_date(value: Any, name: str, issues: Issues) -> date | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        issues.add(name, f"'{raw}' is not a date (YYYY-MM-DD)")
        return None


def parse_datetime(value: Any, name: str, issues: Issues) -> datetime | None:
    """ISO 8601, or Meeting Guide's "YYYY-MM-DD HH:MM:SS" (UTC); a bare date is midnight
    UTC; anything without a zone is taken as UTC."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        issues.add(name, f"'{raw}' is not a date and time (YYYY-MM-DD HH:MM:SS)")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# Forms of a date and time seen in feeds besides ISO 8601: US dates (PHP's strtotime(),
# which the 12 Step Meeting List plugin uses for `updated`, reads "3/1/2025" as 1 March).
_LENIENT_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y/%m/%d %H:%M:%S",
                    "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")


def parse_datetime_lenient(value: Any, name: str, issues: Issues) -> datetime | None:
    """Like parse_datetime, but a form we cannot read is noted, not a problem, and gives
    None: tsml-ui (src/helpers/load-meeting-data.ts, `updated`) warns and drops an
    unreadable date, the plugin (tsml_import_sanitize_meetings()) uses the import time.
    We keep None rather than invent a freshness the feed did not state. Also reads Unix
    timestamps, RFC 2822 dates and the forms in _LENIENT_FORMATS (taken as UTC)."""
    raw = text(value)
    if raw is None:
        return None
    quiet = Issues(issues.item, [])
    parsed = parse_datetime(raw, name, quiet)
    if parsed is None and re.fullmatch(r"\d{9,10}(\.\d+)?", raw):
        parsed = datetime.fromtimestamp(float(raw), UTC)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            parsed = None
    for form in _LENIENT_FORMATS if parsed is None else ():
        try:
            parsed = datetime.strptime(raw, form)
            break
        except ValueError:
            continue
    if parsed is None:
        issues.note(name, f"'{raw}' is not a date we can read; it was left out")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_float(value: Any, name: str, issues: Issues) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        issues.add(name, f"{name} {value!r} is not a number")
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        issues.add(name, f"{name} '{value}' is not a number")
        return None


_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


def parse_bool(value: Any, name: str, issues: Issues, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    issues.add(name, f"'{raw}' is not yes or no")
    return default


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        a = a if a.tzinfo else a.replace(tzinfo=UTC)
        b = b if b.tzinfo else b.replace(tzinfo=UTC)
    return type(a) is type(b) and bool(a == b)


def differences(original: Any, derived: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Fields (as JSON values) where `derived` (what a reader makes of the standard fields
    alone) lost something of `original`. Written as overrides, they make the round trip
    exact; they are only written when needed, so a feed without them is plain standard."""
    out: dict[str, Any] = {}
    for name in field_names(type(original)):
        if name in skip:
            continue
        a, b = getattr(original, name), getattr(derived, name)
        if not _same(a, b):
            out[name] = jsonable(a)
    return out


def _converter(cls: type, name: str) -> Callable[[Any, str, Issues], Any] | None:
    kind = {f.name: str(f.type) for f in fields(cls)}.get(name)
    if kind is None:
        return None
    if "datetime" in kind:
        return parse_datetime
    if kind.startswith("date"):
        return parse_date
    if kind.startswith("time"):
        return lambda v, n, i: parse_time(v, n, i, end=True, allow_offset=False)
    if kind == "bool":
        return lambda v, n, i: parse_bool(v, n, i)
    if kind.startswith("float"):
        return parse_float
    if kind == "list[int]":
        return _int_list
    if kind == "list[str]":
        return _str_list
    if kind.startswith("dict"):
        return _object
    return lambda v, n, i: v if v is None or isinstance(v, str) else str(v)


def _object(value: Any, name: str, issues: Issues) -> dict[str, Any]:
    """An object field (translations): its shape is checked by validation, once."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        issues.add(name, f"{value!r} is not an object")
        return {}
    return json.loads(json.dumps(value))  # a copy, nothing shared with the file's data


def _int_list(value: Any, name: str, issues: Issues) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        issues.add(name, f"{value!r} is not a list of whole numbers")
        return []
    return list(value)


def _str_list(value: Any, name: str, issues: Issues) -> list[str]:
    if not isinstance(value, list):
        issues.add(name, f"{value!r} is not a list")
        return []
    return [str(v) for v in value]


def apply_overrides(record: ListingRecord | OrganisationRecord, values: Any, key: str,
                    issues: Issues) -> None:
    """Set fields from an overrides object ({field: JSON value}); `key` names it in
    problems ("rc_organisation")."""
    if not isinstance(values, dict):
        issues.add(key, f"{key} must be an object of field values")
        return
    for name, value in values.items():
        convert = _converter(type(record), name)
        if convert is None:
            issues.add(f"{key}.{name}", f"'{name}' is not a field we know")
            continue
        setattr(record, name, convert(value, f"{key}.{name}", issues))


def override_value(record: ListingRecord | OrganisationRecord, name: str, value: Any,
                   issues: Issues, label: str) -> None:
    convert = _converter(type(record), name)
    if convert is None:
        issues.add(label, f"'{name}' is not a field we know")
        return
    setattr(record, name, convert(value, label, issues))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
