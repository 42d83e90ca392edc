"""Checks on a feed before anything from it is written.

Every import format parses into the same records (records.py), so the rules live here
once. A problem names the record the way the person fixing the file sees it ("row 7",
"item 3 (slug 'leeds-aa-monday')"), the field by the name the file uses where the format
told us one, and says in plain English what is wrong ("latitude 100 is not in the UK").

Validation also tidies values in place, so that what is stored is canonical: postcodes are
upper-cased and spaced ("ls15dl" -> "LS1 5DL"), vocabulary words are lower-cased ("In
person" -> "in_person"), single everyday need words become codes ("booze" -> "alcohol"),
common language names become codes ("Welsh" -> "cy"), and missing coordinates are filled
from the postcode (marked approximate: a postcode centroid is not the door of the venue).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from directory.geography import distance_km
from directory.models import (
    ACCESSIBILITY,
    AUDIENCES,
    Attendance,
    Listing,
    ListingKind,
    Organisation,
    OrgKind,
    ScheduleKind,
    Status,
)
from directory.needs import NEED_CODES, understand
from directory.records import Feed, ListingRecord, OrganisationRecord

# A generous box around the UK including Northern Ireland, Shetland and the Scillies; the
# Channel Islands (49.2 N) and the Republic of Ireland's west coast fall outside.
UK_LATITUDE = (49.8, 60.9)
UK_LONGITUDE = (-8.7, 1.8)
# How far given coordinates may sit from their postcode's centroid before we suspect one of
# them is wrong. Rural postcodes cover a few km; a district centroid more.
POSTCODE_TOLERANCE_KM = 25.0

# Postcode shape from the Royal Mail / gov.uk format (outward code: area letters, district
# digit(s), optional letter; inward code: digit + two letters). Permissive on purpose:
# whether it exists is the gazetteer's question, not the regular expression's.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Scottish (SC), Northern Irish (NIC) or England and Wales (digits, optional -n suffix).
_CHARITY = re.compile(r"^(SC ?\d{6}|NIC ?\d{5,6}|\d{5,8}(-\d{1,2})?)$", re.IGNORECASE)

LANGUAGE_NAMES = {
    "english": "en", "welsh": "cy", "cymraeg": "cy", "gaelic": "gd", "scottish gaelic": "gd",
    "irish": "ga", "polish": "pl", "urdu": "ur", "punjabi": "pa", "bengali": "bn",
    "gujarati": "gu", "arabic": "ar", "romanian": "ro", "portuguese": "pt", "spanish": "es",
    "french": "fr", "german": "de", "italian": "it", "russian": "ru", "ukrainian": "uk",
    "lithuanian": "lt", "somali": "so", "tigrinya": "ti", "farsi": "fa", "persian": "fa",
    "kurdish": "ku", "turkish": "tr", "hindi": "hi", "tamil": "ta", "chinese": "zh",
    "mandarin": "zh", "cantonese": "yue",
}


# Where a meeting is, not only what its `country` field says (a feed moved from abroad
# once put "Edmonton, Alberta, Canada" in Edmonton, London). An address is refused when a
# whole comma-separated part names a country that is not the UK, a US state or Canadian
# province (by name, or by its code beside a ZIP or postal code), or holds a US ZIP or a
# Canadian postal code. Country names: the ones feeds we have seen use, and the UK's
# neighbours; the states and provinces are the USPS and Canada Post lists.
_FOREIGN_COUNTRIES = frozenset({
    "usa", "us", "u.s.", "u.s.a.", "united states", "united states of america", "america",
    "canada", "mexico", "australia", "new zealand", "ireland", "republic of ireland",
    "eire", "éire", "france", "spain", "españa", "germany", "deutschland", "netherlands",
    "the netherlands", "belgium", "portugal", "italy", "switzerland", "austria", "poland",
    "sweden", "norway", "denmark", "finland", "iceland", "south africa", "india",
    "brazil", "argentina", "japan", "philippines", "nigeria", "kenya", "thailand",
    "slovakia", "czech republic", "czechia", "hungary", "greece", "lithuania", "latvia",
    "estonia", "romania", "bulgaria", "croatia", "ukraine", "russia", "israel",
})
_US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia",
    "FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois",
    "IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana",
    "ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan",
    "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey",
    "NM": "new mexico", "NY": "new york", "NC": "north carolina", "ND": "north dakota",
    "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island",
    "SC": "south carolina", "SD": "south dakota", "TN": "tennessee", "TX": "texas",
    "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington", "WV": "west virginia",
    "WI": "wisconsin", "WY": "wyoming", "PR": "puerto rico",
}
_CA_PROVINCES = {
    "AB": "alberta", "BC": "british columbia", "MB": "manitoba", "NB": "new brunswick",
    "NL": "newfoundland and labrador", "NS": "nova scotia", "NT": "northwest territories",
    "NU": "nunavut", "ON": "ontario", "PE": "prince edward island", "QC": "quebec",
    "SK": "saskatchewan", "YT": "yukon",
}
# Names that are also UK places people write in addresses: Washington (Tyne and Wear),
# New York (Lincolnshire, North Tyneside). Said alone they are taken as the UK places.
_UK_NAMESAKES = frozenset({"washington", "new york"})
_REGION_CODES = "|".join(sorted({*_US_STATES, *_CA_PROVINCES}))
_US_ZIP = re.compile(rf"^(?:(?:{_REGION_CODES}) )?\d{{5}}(?:-\d{{4}})?$")
# Canadian postal codes: letter digit letter, digit letter digit; never a UK shape (a UK
# inward code is a digit and two letters).
_CA_POSTAL = re.compile(rf"^(?:(?:{_REGION_CODES}) )?[A-Z]\d[A-Z] ?\d[A-Z]\d$")
_REGION_NAMES = {name: code for code, name in (*_US_STATES.items(), *_CA_PROVINCES.items())}


def foreign_place(text: str | None) -> str | None:
    """The part of an address that puts it outside the UK ("Canada", "Alberta",
    "AB T5J 2R7", "IL 60641"), or None. Whole comma-separated parts only, so that
    "Canada Water" or "Washington Road" stay in the UK; a state or province name counts
    only after the first part ("Edmonton, Alberta"), and never a UK namesake."""
    if not text:
        return None
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    for i, part in enumerate(parts):
        low = part.lower().rstrip(".")
        if low in _FOREIGN_COUNTRIES or part.lower() in _FOREIGN_COUNTRIES:
            return part
        upper = re.sub(r"\s+", " ", part.upper())
        if _US_ZIP.match(upper) or _CA_POSTAL.match(upper):
            return part
        if i == 0 or low in _UK_NAMESAKES:
            continue
        if low in _REGION_NAMES:
            return part
        # A bare state or province code as the last part ("Chicago, IL"), written in
        # capitals as the postal services do.
        if i == len(parts) - 1 and (part in _US_STATES or part in _CA_PROVINCES):
            return part
    return None


class _Geocoder(Protocol):
    """What validation needs of directory.geography.Gazetteer."""

    def resolve(self, text: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Problem:
    item: str  # the record as the file shows it: "row 7", "item 3 (slug 'x')"
    field: str  # the field as the file names it; "" for the whole item or file
    reason: str  # plain English, meant for the volunteer who keeps the file

    def __str__(self) -> str:
        where = f"{self.item}, {self.field}" if self.field else self.item
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class FeedProblems:
    """Problems per record, organisations and listings kept apart (slugs may coincide)."""

    organisations: dict[str, list[Problem]] = field(default_factory=dict)
    listings: dict[str, list[Problem]] = field(default_factory=dict)

    def merged(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for part in (self.organisations, self.listings):
            for slug, problems in part.items():
                out.setdefault(slug, []).extend(problems)
        return out

    def all(self) -> list[Problem]:
        return [p for part in (self.organisations, self.listings)
                for problems in part.values() for p in problems]


def normalise_postcode(text: str) -> str | None:
    """ "ls15dl" -> "LS1 5DL"; an outward code alone ("LS1") is kept; None if not a
    UK postcode shape."""
    squashed = re.sub(r"\s+", "", text).upper()
    m = _POSTCODE.match(squashed)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    return squashed if _OUTWARD.match(squashed) else None


def is_uk_phone(number: str) -> bool:
    """Permissive: UK numbers as people write them, and the short codes UK services use."""
    digits = re.sub(r"[\s\-().]", "", number)
    if digits.startswith("+44"):
        rest = digits[3:].removeprefix("0")  # "+44 (0)113 ..." is common
        return rest.isdigit() and 9 <= len(rest) <= 10
    if digits.startswith("0044"):
        return digits[4:].isdigit() and 9 <= len(digits[4:]) <= 10
    if not digits.isdigit():
        return False
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11  # 01/02 geographic, 03, 07 mobile, 08 freephone
    # 999, 112, 111, 101, 105, 119; 116 xxx European helplines (116 123 Samaritans);
    # 5-digit SMS short codes (85258 Shout, 82111 FRANK).
    return digits in {"999", "112", "111", "101", "105", "119"} or bool(
        re.fullmatch(r"116\d{3}|[6-8]\d{4}", digits)
    )


def is_dial_in(number: str) -> bool:
    """A conference dial-in: any international number, with the one-tap suffixes the Meeting
    Guide spec allows (",", "*", "#"). Zoom dial-ins are often not UK numbers."""
    core = re.sub(r"[\s\-().]", "", number)
    return is_uk_phone(core.split(",")[0]) or bool(re.fullmatch(r"\+?\d{6,15}([,*#]+\d*)*#?", core))


def is_web_address(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in url.strip()


def _max_length(model: type, name: str) -> int | None:
    column = model.__table__.columns.get(name)  # type: ignore[attr-defined]
    return getattr(column.type, "length", None) if column is not None else None


def _fmt_number(value: float) -> str:
    return f"{value:g}"


class _Record:
    """Collects the problems of one record, naming fields the way its file does: `names`
    maps "<entity>.<field>" or "<field>" to the file's name for it."""

    def __init__(self, item: str, names: Mapping[str, str], entity: str) -> None:
        self.item = item
        self.names = names
        self.entity = entity
        self.problems: list[Problem] = []

    def add(self, name: str, reason: str) -> None:
        shown = self.names.get(f"{self.entity}.{name}") or self.names.get(name) or name
        self.problems.append(Problem(self.item, shown, reason))


def _vocab(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(value).strip().lower())


def _check_vocab(rec: Any, chk: _Record, name: str, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    value = getattr(rec, name)
    if value is None or value == "":
        chk.add(name, f"{what} is missing; use one of {', '.join(allowed)}")
        return
    tidy = _vocab(value)
    if tidy in allowed:
        setattr(rec, name, tidy)
    else:
        chk.add(name, f"{what} '{value}' is not one of {', '.join(allowed)}")


def _check_codes(rec: Any, chk: _Record, name: str, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    values = getattr(rec, name)
    if not isinstance(values, list):
        chk.add(name, f"{what} must be a list")
        return
    tidy: list[str] = []
    for value in values:
        code = _vocab(value)
        if code in allowed:
            if code not in tidy:
                tidy.append(code)
        else:
            chk.add(name, f"{what} '{value}' is not one of {', '.join(allowed)}")
    setattr(rec, name, tidy)


def _check_text(rec: Any, chk: _Record, model: type, name: str, required: bool = False) -> None:
    value = getattr(rec, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            chk.add(name, f"{name.replace('_', ' ')} is missing")
        return
    if not isinstance(value, str):
        chk.add(name, f"{name.replace('_', ' ')} must be text, not {value!r}")
        return
    limit = _max_length(model, name)
    if limit and len(value) > limit:
        chk.add(name, f"{name.replace('_', ' ')} is {len(value)} characters long; "
                      f"at most {limit} fit")


def _check_slug(rec: Any, chk: _Record, model: type) -> None:
    _check_text(rec, chk, model, "slug", required=True)
    slug = rec.slug
    if isinstance(slug, str) and slug.strip() and not _SLUG.match(slug):
        chk.add("slug", f"slug '{slug}' may only hold letters, digits, '-', '_', '.' and '~'")


def _check_web(rec: Any, chk: _Record, name: str, what: str) -> None:
    value = getattr(rec, name)
    if value and not is_web_address(value):
        chk.add(name, f"{what} '{value}' is not a web address starting http:// or https://")


def _check_email(rec: Any, chk: _Record, name: str) -> None:
    value = getattr(rec, name)
    if value and not _EMAIL.match(value.strip()):
        chk.add(name, f"'{value}' is not an email address")


def _check_verified(rec: Any, chk: _Record) -> None:
    when = rec.last_verified_at
    if when is None:
        return
    if not isinstance(when, datetime):
        chk.add("last_verified_at", f"last verified '{when}' is not a date and time")
        return
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    if aware > datetime.now(UTC) + timedelta(days=1):
        chk.add("last_verified_at", f"last verified {aware.date()} is in the future")


def _check_organisation(org: OrganisationRecord, chk: _Record) -> None:
    _check_slug(org, chk, Organisation)
    _check_text(org, chk, Organisation, "name", required=True)
    for name in ("description", "website", "email", "charity_number", "area_served",
                 "status_note", "last_verified_by", "source"):
        _check_text(org, chk, Organisation, name)
    _check_vocab(org, chk, "kind", [k.value for k in OrgKind], "kind")
    _check_vocab(org, chk, "status", [s.value for s in Status], "status")
    _check_web(org, chk, "website", "website")
    _check_email(org, chk, "email")
    if not isinstance(org.phones, list):
        chk.add("phones", "phones must be a list")
    else:
        for number in org.phones:
            if not is_uk_phone(str(number)):
                chk.add("phones", f"'{number}' is not a UK phone number")
    if org.charity_number and not _CHARITY.match(org.charity_number.strip()):
        chk.add("charity_number", f"'{org.charity_number}' is not a UK charity number")
    _check_verified(org, chk)


def _check_needs(rec: ListingRecord, chk: _Record) -> None:
    if not isinstance(rec.needs, list):
        chk.add("needs", "needs must be a list")
        return
    tidy: list[str] = []
    for value in rec.needs:
        code = _vocab(value)
        if code not in NEED_CODES:
            # One everyday word ("booze", "gambling") maps to a code; anything vaguer is
            # refused rather than guessed.
            found, _ = understand(str(value))
            code = next(iter(found)) if len(found) == 1 else ""
        if code:
            if code not in tidy:
                tidy.append(code)
        else:
            chk.add("needs", f"need '{value}' is not known; use one of "
                             f"{', '.join(sorted(NEED_CODES))}")
    rec.needs = tidy


def _check_languages(rec: ListingRecord, chk: _Record) -> None:
    if not isinstance(rec.languages, list):
        chk.add("languages", "languages must be a list")
        return
    tidy: list[str] = []
    for value in rec.languages:
        text = str(value).strip()
        code = LANGUAGE_NAMES.get(text.lower(), text if _LANGUAGE.match(text) else "")
        if code:
            if code not in tidy:
                tidy.append(code)
        else:
            chk.add("languages", f"language '{value}' is not a language code such as "
                                 "'en' or 'cy'")
    rec.languages = tidy


# What a listing may carry in another language (ListingRecord.translations).
TRANSLATED = ("name", "description")


def _check_translations(rec: ListingRecord, chk: _Record) -> None:
    """{"cy": {"name": .., "description": ..}}: language codes (or names: "Welsh" -> "cy"),
    only the translated fields, text within the column's limit. Blank parts and languages
    left with nothing are dropped. A problem names "translations.cy.name", which the CSV
    reader maps to its column (name_cy)."""
    value = rec.translations
    if value is None:
        rec.translations = {}
        return
    if not isinstance(value, dict):
        chk.add("translations", "translations must be an object of languages, such as "
                                '{"cy": {"name": "..."}}')
        return
    tidy: dict[str, dict[str, str]] = {}
    for raw_code, parts in value.items():
        text = str(raw_code).strip()
        code = LANGUAGE_NAMES.get(text.lower(), text.lower() if _LANGUAGE.match(text) else "")
        if not code:
            chk.add("translations", f"'{raw_code}' is not a language code such as 'cy'")
            continue
        if not isinstance(parts, dict):
            chk.add(f"translations.{code}", "must be an object with a name and/or a "
                                            "description")
            continue
        kept: dict[str, str] = {}
        for part, words in parts.items():
            where = f"translations.{code}.{part}"
            if part not in TRANSLATED:
                chk.add(where, f"'{part}' cannot be translated; only "
                               f"{' and '.join(TRANSLATED)} can")
                continue
            if words is None or (isinstance(words, str) and not words.strip()):
                continue
            if not isinstance(words, str):
                chk.add(where, f"the {part} must be text, not {words!r}")
                continue
            limit = _max_length(Listing, part)
            if limit and len(words.strip()) > limit:
                chk.add(where, f"the {part} is {len(words.strip())} characters long; at "
                               f"most {limit} fit")
                continue
            kept[part] = words.strip()
        if kept:
            tidy.setdefault(code, {}).update(kept)
    rec.translations = tidy


def _check_schedule(rec: ListingRecord, chk: _Record) -> None:
    _check_vocab(rec, chk, "schedule_kind", [k.value for k in ScheduleKind], "schedule")
    days = rec.days if isinstance(rec.days, list) else []
    if not isinstance(rec.days, list):
        chk.add("days", "days must be a list")
    good_days = []
    for day in days:
        if isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
            if day not in good_days:
                good_days.append(day)
        else:
            chk.add("days", f"day {day!r} is not a day of the week (0 = Monday .. 6 = Sunday)")
    if len(good_days) == len(days):
        rec.days = good_days
    weeks = rec.month_weeks if isinstance(rec.month_weeks, list) else []
    for week in weeks:
        if not (isinstance(week, int) and (1 <= week <= 5 or week == -1)):
            chk.add("month_weeks", f"week {week!r} of the month must be 1 to 5, or -1 for "
                                   "the last")
    kind = rec.schedule_kind
    if kind == ScheduleKind.MONTHLY and not weeks:
        chk.add("month_weeks", "a monthly schedule needs the week(s) of the month "
                               "(1 to 5, or -1 for the last)")
    meets = kind in (ScheduleKind.WEEKLY, ScheduleKind.FORTNIGHTLY, ScheduleKind.MONTHLY)
    if meets and not days and rec.kind in (ListingKind.MEETING, ListingKind.GROUP):
        chk.add("days", f"a {kind} {rec.kind} needs at least one day")
    for name in ("start_time", "end_time"):
        value = getattr(rec, name)
        if value is not None and not isinstance(value, time):
            chk.add(name, f"'{value}' is not a time of day (HH:MM)")
    start, end = rec.start_time, rec.end_time
    if isinstance(start, time) and isinstance(end, time):
        # A late meeting may run past midnight (schedule.py allows it); otherwise the end
        # must come after the start.
        past_midnight = start >= time(12) and end <= time(6)
        if end == start or (end < start and not past_midnight):
            chk.add("end_time", f"end time {end:%H:%M} is not after start time {start:%H:%M}")
    elif end is not None and start is None:
        chk.add("start_time", "an end time is given but no start time")


def _check_place(rec: ListingRecord, chk: _Record, geo: _Geocoder | None) -> None:
    # An online-only meeting's place is where it comes from (the Meeting Guide spec: "the
    # origin or affinity of the meeting"), not somewhere to go: one from abroad is listed,
    # without the foreign place (so it is never found "near" a UK town). In-person and
    # hybrid listings are refused when their place is not in the UK.
    online_only = rec.attendance == Attendance.ONLINE
    if online_only and _foreign_point(rec, geo):
        rec.latitude = rec.longitude = None
    lat, lon = rec.latitude, rec.longitude
    coords_ok = True
    for name, value in (("latitude", lat), ("longitude", lon)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or math.isnan(value)):
            chk.add(name, f"{name} {value!r} is not a number")
            coords_ok = False
    if coords_ok and (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        chk.add(missing, f"{missing} is missing: give both latitude and longitude, or neither")
        coords_ok = False
    if coords_ok and lat is not None and lon is not None:
        lat_in = UK_LATITUDE[0] <= lat <= UK_LATITUDE[1]
        lon_in = UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]
        swapped = (UK_LATITUDE[0] <= lon <= UK_LATITUDE[1]
                   and UK_LONGITUDE[0] <= lat <= UK_LONGITUDE[1])
        if swapped and not (lat_in and lon_in):
            chk.add("latitude", f"latitude {_fmt_number(lat)} and longitude "
                                f"{_fmt_number(lon)} look swapped")
            coords_ok = False
        else:
            if not lat_in:
                chk.add("latitude", f"latitude {_fmt_number(lat)} is not in the UK (UK "
                                    f"latitudes run from {UK_LATITUDE[0]} to {UK_LATITUDE[1]})")
            if not lon_in:
                chk.add("longitude", f"longitude {_fmt_number(lon)} is not in the UK (UK "
                                     f"longitudes run from {UK_LONGITUDE[0]} to "
                                     f"{UK_LONGITUDE[1]})")
            coords_ok = lat_in and lon_in

    if coords_ok and lat is not None and lon is not None and geo is not None:
        # The box is generous (it holds Dublin and Boulogne): a point in it with no UK
        # town within reach (directory.geography, NEAREST_MAX_KM) is not in the UK.
        nearest = getattr(geo, "nearest_place", None)
        if nearest is not None and nearest(lat, lon) is None:
            chk.add("latitude", f"latitude {_fmt_number(lat)}, longitude {_fmt_number(lon)} "
                                "is not in the UK (no UK town is near it)")
            coords_ok = False

    abroad = foreign_place(rec.address)
    if abroad and not online_only:
        chk.add("address", f"the address says '{abroad}', which is not in the UK; only UK "
                           "listings can be imported")
    if online_only and rec.postcode and normalise_postcode(str(rec.postcode)) is None:
        rec.postcode = None  # a foreign postcode: where the meeting comes from, not a place
    if rec.postcode:
        raw = str(rec.postcode)
        tidy = normalise_postcode(raw)
        if tidy is None:
            chk.add("postcode", f"postcode '{raw}' is not a UK postcode")
        else:
            rec.postcode = tidy
            _resolve_postcode(rec, chk, geo, coords_ok)
    elif rec.latitude is None and rec.address and geo is not None and not abroad:
        _place_from_address(rec, geo)


def _foreign_point(rec: ListingRecord, geo: _Geocoder | None) -> bool:
    lat, lon = rec.latitude, rec.longitude
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)) or \
            isinstance(lat, bool) or isinstance(lon, bool):
        return False
    if not (UK_LATITUDE[0] <= lat <= UK_LATITUDE[1] and UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]):
        return True
    nearest = getattr(geo, "nearest_place", None) if geo is not None else None
    return nearest is not None and nearest(lat, lon) is None


def _found(result: Any) -> Any | None:
    if result is None or getattr(result, "status", None) != "found":
        return None
    return getattr(result, "place", None)


def _resolve_postcode(rec: ListingRecord, chk: _Record, geo: _Geocoder | None,
                      coords_ok: bool) -> None:
    if geo is None:
        return
    postcode = rec.postcode or ""
    result = geo.resolve(postcode)
    place = _found(result)
    if place is None:
        status = getattr(result, "status", "not_found")
        # Code-Point Open has no Northern Ireland (BT) postcodes (see REFERENCE.md): a BT
        # postcode we cannot look up is not evidence that it is wrong.
        if status == "not_found" and not postcode.startswith("BT"):
            chk.add("postcode", f"postcode '{postcode}' was not found; check it is typed "
                                "correctly and still in use")
        return
    if rec.latitude is None and rec.longitude is None:
        rec.latitude, rec.longitude = float(place.latitude), float(place.longitude)
        rec.location_approximate = True  # a postcode centroid, not the venue's door
    elif coords_ok and rec.latitude is not None and rec.longitude is not None:
        km = distance_km(rec.latitude, rec.longitude, place.latitude, place.longitude)
        if km > POSTCODE_TOLERANCE_KM:
            chk.add("latitude", f"the coordinates are {km:.0f} km from postcode '{postcode}'; "
                                "one of them is wrong")


def _place_from_address(rec: ListingRecord, geo: _Geocoder) -> None:
    """No postcode and no coordinates: the town at the end of the address still lets the
    listing be found "near Leeds". Only an unambiguous match is used."""
    for part in reversed(str(rec.address).split(",")):  # the town is usually last
        town = part.strip()
        place = _found(geo.resolve(town)) if town else None
        # Only an exact name: the gazetteer forgives misspellings, which for a village it
        # does not know could mean a different town altogether.
        if place is not None and place.name.split(",")[0].strip().lower() == town.lower():
            rec.latitude, rec.longitude = float(place.latitude), float(place.longitude)
            rec.location_approximate = True
            return


def _check_contact(rec: ListingRecord, chk: _Record) -> None:
    _check_web(rec, chk, "website", "website")
    _check_web(rec, chk, "online_url", "join link")
    if rec.phone and not is_uk_phone(rec.phone):
        chk.add("phone", f"'{rec.phone}' is not a UK phone number")
    if rec.online_phone and not is_dial_in(rec.online_phone):
        chk.add("online_phone", f"'{rec.online_phone}' is not a phone number")
    attendance = rec.attendance
    if attendance in (Attendance.ONLINE, Attendance.HYBRID) and not (
        rec.online_url or rec.online_phone
    ):
        chk.add("online_url", f"an {attendance} listing needs a join link or a dial-in phone "
                              "number")
    needs_place = rec.kind != ListingKind.HELPLINE
    if needs_place and attendance in (Attendance.IN_PERSON, Attendance.HYBRID) and not (
        rec.address or rec.postcode or rec.latitude is not None
    ):
        chk.add("address", "an in-person listing needs an address, a postcode or coordinates")
    if attendance == Attendance.PHONE and not rec.phone:
        chk.add("phone", "a phone listing needs a phone number")


def _check_listing(rec: ListingRecord, chk: _Record, known_orgs: set[str],
                   geo: _Geocoder | None) -> None:
    _check_slug(rec, chk, Listing)
    _check_text(rec, chk, Listing, "name", required=True)
    for name in ("description", "venue_name", "address", "online_url", "online_phone", "phone",
                 "website", "notes", "status_note", "last_verified_by", "source"):
        _check_text(rec, chk, Listing, name)
    org = rec.organisation_slug
    if not org:
        chk.add("organisation_slug", "the organisation that runs it is missing")
    elif org not in known_orgs:
        chk.add("organisation_slug", f"organisation '{org}' is neither in this file nor in "
                                     "the directory")
    _check_vocab(rec, chk, "kind", [k.value for k in ListingKind], "kind")
    _check_vocab(rec, chk, "attendance", [a.value for a in Attendance], "attendance")
    _check_vocab(rec, chk, "status", [s.value for s in Status], "status")
    _check_needs(rec, chk)
    _check_codes(rec, chk, "audience", AUDIENCES, "audience")
    _check_codes(rec, chk, "accessibility", ACCESSIBILITY, "accessibility")
    _check_languages(rec, chk)
    _check_translations(rec, chk)
    _check_schedule(rec, chk)
    _check_place(rec, chk, geo)
    _check_contact(rec, chk)
    _check_verified(rec, chk)


def _label(labels: Mapping[str, str], entity: str, slug: str, index: int) -> str:
    found = labels.get(f"{entity}:{slug}")
    if found:
        return found
    return f"{entity} '{slug}'" if slug else f"{entity} {index}"


def check_feed(
    feed: Feed, gazetteer: _Geocoder | None, known_organisations: Iterable[str] = (), *,
    labels: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
) -> FeedProblems:
    """Like validate_feed, but with organisation and listing problems kept apart.

    labels maps "listing:<slug>" / "organisation:<slug>" to how the file names the record;
    names maps our field names to the file's. Both default to what a parsed feed carries.
    """
    labels = labels if labels is not None else getattr(feed, "labels", {})
    names = names if names is not None else getattr(feed, "source_fields", {})
    out = FeedProblems()
    known = set(known_organisations) | {o.slug for o in feed.organisations if o.slug}

    seen: dict[tuple[str, str], int] = {}
    for index, org in enumerate(feed.organisations, 1):
        chk = _Record(_label(labels, "organisation", org.slug, index), names, "organisation")
        _check_organisation(org, chk)
        _note_duplicate(seen, "organisation", org.slug, chk)
        if chk.problems:
            out.organisations.setdefault(org.slug or chk.item, []).extend(chk.problems)
    for index, rec in enumerate(feed.listings, 1):
        chk = _Record(_label(labels, "listing", rec.slug, index), names, "listing")
        _check_listing(rec, chk, known, gazetteer)
        _note_duplicate(seen, "listing", rec.slug, chk)
        if chk.problems:
            out.listings.setdefault(rec.slug or chk.item, []).extend(chk.problems)
    return out


def _note_duplicate(seen: dict[tuple[str, str], int], entity: str, slug: str,
                    chk: _Record) -> None:
    if not slug:
        return
    key = (entity, slug)
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        chk.add("slug", f"slug '{slug}' is used by more than one {entity} in this file")


def validate_feed(
    feed: Feed, gazetteer: _Geocoder | None, known_organisations: Iterable[str] = (), *,
    labels: Mapping[str, str] | None = None,
) -> dict[str, list[Problem]]:
    """Problems keyed by record slug (a record without a slug is keyed by its label).
    Fills missing coordinates from postcodes and tidies values in place (see module doc).
    known_organisations: slugs already in the directory that listings may refer to."""
    return check_feed(feed, gazetteer, known_organisations, labels=labels).merged()
