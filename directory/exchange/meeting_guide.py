"""Meeting Guide JSON, the feed format of the Meeting Guide app and TSML (AA intergroups;
BMLT for NA can emit it). Spec: repository code4recovery/spec, README.md ("Specification",
"Field Definitions", "Meeting Types") and schema/meeting.schema.json; type codes from
data/types.json, plus ONL (online) and TC (temporarily closed) as used by the 12 Step
Meeting List plugin.

A feed is a JSON array of meetings. The spec counts days from Sunday (0) and ours from
Monday (0); it lists weekly meetings only; `group` is the nearest thing it has to our
organisation. What it has no place for is written under "rc_" keys (see common.py), only
when needed, so that our own round trip keeps every field while other tools ignore them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from directory.exchange.common import (
    RC_PREFIX,
    UK_COUNTRIES,
    Issues,
    ParsedFeed,
    WriteReport,
    apply_overrides,
    differences,
    dumps,
    load_json,
    override_value,
    parse_datetime_lenient,
    parse_float,
    parse_time,
    slugify,
    text,
)
from directory.fellowships import FAMILY_TYPES, Fellowship, find, lookup, needs_from_names
from directory.models import Attendance, Listing, ScheduleKind, Status
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.validation import Problem, is_dial_in, normalise_postcode

# Meeting types (code4recovery/spec data/types.json) that say something we model.
AUDIENCE_TYPES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "Y": "young_people", "SEN": "older_people",
    "BE": "newcomers", "O": "open", "C": "closed", "POC": "bame",
}
# Narrower identities we hold as the one audience we model; read, never written.
LGBTQ_TYPES = ("G", "L", "T", "BI", "NB")
ACCESSIBILITY_TYPES = {"X": "wheelchair", "XB": "accessible_toilet", "BA": "childcare"}
# Every language type of code4recovery/spec data/types.json -> its ISO 639 code (639-1
# where there is one; American Sign Language has only the 639-3 `ase`). Welsh has no
# Meeting Guide type.
LANGUAGE_TYPES = {
    "AF": "af", "AM": "am", "AR": "ar", "ASL": "ase", "BG": "bg", "DA": "da", "DE": "de",
    "EL": "el", "EN": "en", "FA": "fa", "FI": "fi", "FR": "fr", "HE": "he", "HI": "hi",
    "HR": "hr", "HU": "hu", "IS": "is", "ITA": "it", "JA": "ja", "KA": "ka", "KOR": "ko",
    "LT": "lt", "ML": "ml", "MT": "mt", "NE": "ne", "NL": "nl", "NO": "no", "POL": "pl",
    "POR": "pt", "PUN": "pa", "RUS": "ru", "S": "es", "SK": "sk", "SL": "sl", "SV": "sv",
    "TH": "th", "TL": "tl", "TUR": "tr", "UK": "uk",
}
ONLINE_TYPE = "ONL"
TEMPORARILY_CLOSED_TYPE = "TC"

# The English name of every type in code4recovery/spec data/types.json (MIT), so that
# feeds giving names ("Open", "Women") are read as the 12 Step Meeting List plugin reads
# them (includes/functions_import.php, tsml_import_sanitize_meetings(): a type matches a
# code or a name, ignoring case).
TYPE_NAMES = {
    "11": "11th Step Meditation", "12x12": "12 Steps & 12 Traditions", "A": "Secular",
    "ABSI": "As Bill Sees It", "AF": "Afrikaans", "AL": "Concurrent with Alateen",
    "AL-AN": "Concurrent with Al-Anon", "AM": "Amharic", "AR": "Arabic",
    "ASL": "American Sign Language", "B": "Big Book", "BA": "Babysitting Available",
    "BE": "Newcomer", "BG": "Bulgarian", "BI": "Bisexual", "BRK": "Breakfast", "C": "Closed",
    "CAN": "Candlelight", "CF": "Child-Friendly", "D": "Discussion", "DA": "Danish",
    "DB": "Digital Basket", "DD": "Dual Diagnosis", "DE": "German", "DR": "Daily Reflections",
    "EL": "Greek", "EN": "English", "FA": "Persian", "FI": "Finnish", "FF": "Fragrance Free",
    "FR": "French", "G": "Gay", "GR": "Grapevine", "H": "Birthday", "HE": "Hebrew",
    "HI": "Hindi", "HR": "Croatian", "HU": "Hungarian", "IS": "Icelandic", "ITA": "Italian",
    "JA": "Japanese", "KA": "Georgian", "KOR": "Korean", "L": "Lesbian", "LGBTQ": "LGBTQ",
    "LIT": "Literature", "LS": "Living Sober", "LT": "Lithuanian", "M": "Men",
    "MED": "Meditation", "ML": "Malayalam", "MT": "Maltese", "N": "Native American",
    "NB": "Non-Binary", "NDG": "Indigenous", "NE": "Nepali", "NL": "Dutch", "NO": "Norwegian",
    "O": "Open", "OUT": "Outdoor", "P": "Professionals", "POA": "Proof of Attendance",
    "POC": "People of Color", "POL": "Polish", "POR": "Portuguese", "PUN": "Punjabi",
    "RUS": "Russian", "S": "Spanish", "SEN": "Seniors", "SK": "Slovak", "SL": "Slovenian",
    "SM": "Smoking Permitted", "SP": "Speaker", "ST": "Step Study", "SV": "Swedish",
    "T": "Transgender", "TC": "Location Temporarily Closed", "TH": "Thai", "TL": "Tagalog",
    "TR": "Tradition Study", "TUR": "Turkish", "UK": "Ukrainian", "W": "Women",
    "X": "Wheelchair Access", "XB": "Wheelchair-Accessible Bathroom",
    "XT": "Cross Talk Permitted", "Y": "Young People",
    # Not in the spec's list; the plugin adds it to every program (includes/variables.php).
    ONLINE_TYPE: "Online Meeting",
}
# Other names for types: the plugin's legacy AA aliases (tsml_import_sanitize_meetings(),
# $type_aliases), and short names feeds use for the plugin's two added types.
TYPE_ALIASES = {
    "SIGN LANGUAGE": "ASL", "OUTDOOR MEETING": "OUT", "STEP MEETING": "ST",
    "ONLINE": ONLINE_TYPE, "TEMPORARILY CLOSED": TEMPORARILY_CLOSED_TYPE,
    "LGBTQIAA+": "LGBTQ", "PEOPLE OF COLOUR": "POC",
}
_TYPE_LOOKUP: dict[str, str] = {
    **{name.upper(): code for code, name in TYPE_NAMES.items()},
    **TYPE_ALIASES,
    **{code.upper(): code for code in TYPE_NAMES},  # a code wins over a name
}
# Video services whose links join a meeting directly: tsml-ui's defaults
# (src/hooks/settings.tsx, conference_providers), which both it and the plugin
# (includes/functions.php, tsml_conference_provider()) require before a link makes a
# meeting online; plus whereby.com, ours: common in the UK, and its links join directly.
CONFERENCE_PROVIDERS = (
    "bluejeans.com", "discord.gg", "freeconference.com", "freeconferencecall.com",
    "goto.com", "gotomeet.me", "gotomeeting.com", "horizon.meta.com", "maps.secondlife.com",
    "meet.google.com", "meet.jit.si", "meetings.dialpad.com", "signal.group", "skype.com",
    "slurl.com", "teams.live.com", "teams.microsoft.com", "vrchat.com", "webex.com",
    "zoho.com", "zoom.us", "whereby.com",
)

UK_TIMEZONES = frozenset({"Europe/London", "Europe/Belfast", "GB", "GB-Eire"})
DEFAULT_TIMEZONE = "Europe/London"
LONDON = ZoneInfo(DEFAULT_TIMEZONE)
# The plugin's aliases (includes/variables.php, $tsml_timezone_aliases), and UK ones of
# ours: a UK feed writing "GMT" or "BST" means UK clock time, not a fixed offset.
TIMEZONE_ALIASES = {
    **{a: "America/New_York" for a in ("et", "est", "edt", "eastern")},
    **{a: "America/Chicago" for a in ("ct", "cst", "cdt", "central")},
    **{a: "America/Denver" for a in ("mt", "mst", "mdt", "mountain")},
    **{a: "America/Los_Angeles" for a in ("pt", "pst", "pdt", "pacific", "west_coast")},
    **{a: DEFAULT_TIMEZONE for a in ("gmt", "bst", "uk", "uk time", "british time")},
}
_DAY_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_DAY_WORDS = {**{n: i for i, n in enumerate(_DAY_NAMES)},
              **{n[:3]: i for i, n in enumerate(_DAY_NAMES)},
              "tues": 2, "weds": 3, "thur": 4, "thurs": 4}
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b", re.I)
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
# The spec's slug limit (schema/meeting.schema.json, branch new-spec-fields: maxLength 64).
SLUG_LIMIT = 64
# How the plugin and tsml-ui see a meeting that is neither in person (no street address,
# or its place temporarily closed) nor online (no usable join details): "inactive".
INACTIVE_NOTE = "No meeting place or joining details are listed for now."
SOURCE_FIELDS = {
    "listing.days": "day", "listing.start_time": "time", "listing.postcode": "postal_code",
    "listing.venue_name": "location", "listing.online_url": "conference_url",
    "listing.online_phone": "conference_phone", "listing.website": "url",
    "listing.last_verified_at": "updated", "listing.location_approximate": "approximate",
    "listing.organisation_slug": "group", "organisation.name": "group",
    "organisation.description": "group_notes",
}
# Listings the spec cannot carry faithfully are left out of an export, never bent to fit.
EXPORTED_SCHEDULES = (ScheduleKind.WEEKLY.value, ScheduleKind.APPOINTMENT.value)


def to_ours(day: int) -> int:
    """Meeting Guide 0 = Sunday -> ours 0 = Monday."""
    return (day + 6) % 7


def to_theirs(day: int) -> int:
    return (day + 1) % 7


def _day_value(value: Any) -> int | None:
    """0..6 from 3, "3", "Wednesday", "wed" (tsml-ui flattenDays() parses strings as
    numbers; the plugin also takes day names); None if it is none of those."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 0 <= value <= 6 else None
    if isinstance(value, str):
        word = value.strip().lower().rstrip(".")
        if word.isdigit():
            return int(word) if 0 <= int(word) <= 6 else None
        return _DAY_WORDS.get(word)
    return None


def _days(raw: Any, issues: Issues) -> list[int]:
    """Meeting Guide days (0 = Sunday), in the feed's order, without repeats."""
    values = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
    out: list[int] = []
    for value in values:
        day = _day_value(value)
        if day is None:
            issues.add("day", f"day {value!r} is not a day of the week "
                              "(0 = Sunday .. 6 = Saturday)")
        elif day not in out:
            out.append(day)
    return out


def _split_formatted(formatted: str) -> tuple[str | None, str | None]:
    """ "12 High St, Leeds LS1 5DL, UK" -> ("12 High St, Leeds", "LS1 5DL")."""
    parts = [p.strip() for p in formatted.split(",") if p.strip()]
    if parts and parts[-1].lower() in UK_COUNTRIES:
        parts.pop()
    rest = ", ".join(parts)
    matches = list(_POSTCODE_IN_TEXT.finditer(rest))
    m = matches[-1] if matches else None  # the last postcode-shaped token
    postcode = m.group(1).upper() if m else None
    if m:
        rest = (rest[: m.start()] + rest[m.end():]).strip(" ,")
        rest = re.sub(r"\s*,\s*,", ",", rest)
    return (rest or None), postcode


def _types(raw: Any, issues: Issues) -> list[str]:
    """Type codes from a list or a comma-separated text, codes or names in any case
    ("o", "Open", "Women", "Online"), as the plugin reads them
    (tsml_import_sanitize_meetings()); types that are neither are noted and left out.
    Open and closed both: closed, as the plugin decides ("if a meeting is both open and
    closed, make it closed")."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        values: list[Any] = raw.split(",")
    elif isinstance(raw, list):
        values = raw
    else:
        issues.add("types", "types must be a list of meeting types, or a text of them "
                            "separated by commas")
        return []
    out: list[str] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            issues.note("types", f"type {value!r} is not a meeting type; left out")
            continue
        word = str(value).strip()
        if not word:
            continue
        code = _TYPE_LOOKUP.get(re.sub(r"\s+", " ", word.upper()))
        if code is None:
            issues.note("types", f"type '{word}' is not a Meeting Guide type; left out")
        elif code not in out:
            out.append(code)
    if "O" in out and "C" in out:
        out.remove("O")
    return out


def _conference_url(raw: Any, issues: Issues) -> str | None:
    """A join link, if it is one: tsml-ui and the plugin count only links to known video
    services (CONFERENCE_PROVIDERS) as joining details, and the plugin drops the others
    (tsml_import_sanitize_meetings(): "If Conference URL, validate")."""
    url = text(raw)
    if url is None:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and any(host.endswith(d) for d in
                                                  CONFERENCE_PROVIDERS):
        return url
    issues.note("conference_url", f"'{url}' is not a link to a video meeting service we "
                                  "know; left out, as tsml-ui and the 12 Step Meeting "
                                  "List plugin do")
    return None


def _online_phone_limit() -> int:
    return int(getattr(Listing.__table__.columns["online_phone"].type, "length", 0) or 0)


def _conference_phone(raw: Any, issues: Issues) -> tuple[str | None, str | None]:
    """(the dial-in we keep, the whole dial-in string when it had to be shortened).
    tsml-ui (load-meeting-data.ts, validateConferencePhone()) keeps only digits, "+",
    "," and "#" and needs ten of them; we keep "*" too (the spec allows it for one-tap
    links). A string longer than our column (models.Listing.online_phone) is cut at a
    one-tap pause (",") so that the number and meeting ID still dial, and the whole of it
    goes into the notes: nothing the feed said is lost."""
    phone = text(raw)
    if phone is None:
        return None, None
    kept = re.sub(r"[^\d,+#*]", "", phone)
    if len(re.sub(r"[^\d,+#]", "", phone)) < 10:
        issues.note("conference_phone", f"'{phone}' is too short to be a dial-in number; "
                                        "left out, as tsml-ui does")
        return None, None
    if not is_dial_in(phone):
        phone = kept
    limit = _online_phone_limit()
    if not limit or len(phone) <= limit:
        return phone, None
    whole = phone
    phone = kept
    while len(phone) > limit and "," in phone:
        phone = phone[:phone.rstrip(",").rfind(",")].rstrip(",")
    if len(phone) > limit:
        phone = phone[:limit]
    issues.note("conference_phone", f"the dial-in is {len(whole)} characters; the first "
                                    f"{len(phone)} were kept as the number, and the whole "
                                    "of it in the notes")
    return phone, whole


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def resolve_timezone(value: str) -> str | None:
    """An IANA zone name from what a feed writes, as the plugin does
    (includes/functions_timezone.php, tsml_timezone_parse()): an exact name; else the one
    zone whose name holds it ignoring case ("new york", "london"); else an alias (EST,
    Pacific...; GMT and BST are UK time). None if it names no zone, or several."""
    value = value.strip()
    names = _zone_names()
    if value in names:
        return value
    key = value.lower()
    matches = [z for z in names if key.replace(" ", "_") in z.lower()]
    if len(matches) == 1:
        return matches[0]
    return TIMEZONE_ALIASES.get(key)


def _organisation(m: dict[str, Any]) -> OrganisationRecord | None:
    group, entity = text(m.get("group")), text(m.get("entity"))
    if group:
        return OrganisationRecord(slug=slugify(group), name=group, kind="fellowship",
                                  description=text(m.get("group_notes")))
    if entity:
        # No group: the service entity (an intergroup, say) is who answers for it.
        phone = text(m.get("entity_phone"))
        return OrganisationRecord(
            slug=slugify(entity), name=entity, kind="fellowship",
            email=text(m.get("entity_email")),
            website=text(m.get("entity_website_url")) or text(m.get("entity_url")),
            phones=[phone] if phone else [], area_served=text(m.get("entity_location")),
        )
    return None


def _fallback_organisation(m: dict[str, Any], fellowship: Fellowship | None,
                           source: str) -> OrganisationRecord:
    """The spec needs neither `group` nor `entity`, but every listing of ours belongs to
    an organisation. Next best: the fellowship the meeting's name names ("Leeds GA"), else
    the source's (`fellowship=`), as an organisation named after it; else one per source
    for its unaffiliated meetings, named from the source (the file's name, or `source=`).
    Slugs come from names only, so a re-import finds the same organisation."""
    named = find(text(m.get("name")))
    chosen = named[0] if len(named) == 1 else fellowship
    if chosen is not None:
        return OrganisationRecord(slug=slugify(chosen.name), name=chosen.name,
                                  kind="fellowship")
    return unaffiliated_organisation(source)


def unaffiliated_organisation(source: str) -> OrganisationRecord:
    return OrganisationRecord(slug=slugify(f"unaffiliated {source}"),
                              name=f"Meetings listed by {source}", kind="fellowship")


def _notes(m: dict[str, Any], whole_dial_in: str | None) -> str | None:
    parts = [text(m.get("notes")), text(m.get("location_notes"))]
    if text(m.get("conference_url_notes")):
        parts.append(f"Online: {text(m.get('conference_url_notes'))}")
    if whole_dial_in:
        parts.append(f"Dial-in (in full): {whole_dial_in}")
    if text(m.get("conference_phone_notes")):
        parts.append(f"Dial-in: {text(m.get('conference_phone_notes'))}")
    return "\n\n".join(p for p in parts if p) or None


def _needs(m: dict[str, Any], types: list[str], fellowship: Fellowship | None) -> list[str]:
    """The spec has no needs: they come from the fellowship the meeting's name, group or
    entity names (most specific first), else the source's (`fellowship`), else everyday
    words in the name (directory/fellowships.py); "Concurrent with Al-Anon/Alateen" adds
    family. An explicit rc_needs, applied after, wins."""
    needs = needs_from_names((text(m.get("name")), text(m.get("group")),
                              text(m.get("entity"))), fellowship)
    if any(t in FAMILY_TYPES for t in types) and "family" not in needs:
        needs.append("family")
    return needs


def _approximate(m: dict[str, Any], address: str | None, postcode: str | None) -> bool:
    """Whether the address is only approximate (a town, a region), as tsml-ui decides
    (load-meeting-data.ts, "check if approximate"): `approximate` "yes" (any other text
    is no) or a boolean; else `coordinates` with four numbers (a box) is approximate and
    with two is not; else an address of fewer than four comma-separated parts is.
    That last rule assumes US addresses ("street, city, state zip, country"), so for the
    UK a full postcode or a number in the first part (a building on a street) also makes
    an address specific."""
    raw = m.get("approximate")
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip():
        return raw.strip().lower() == "yes"
    coordinates = text(m.get("coordinates"))
    if coordinates and coordinates.count(",") in (1, 3):
        return coordinates.count(",") == 3
    tidy = normalise_postcode(postcode) if postcode else None
    if tidy and _FULL_POSTCODE.match(tidy):
        return False
    formatted = text(m.get("formatted_address"))
    if not formatted:
        where = [text(m.get("address")), text(m.get("city")),
                 " ".join(p for p in (text(m.get("state")), text(m.get("postal_code"))) if p),
                 text(m.get("country"))]
        formatted = ", ".join(p for p in where if p)
    if not formatted and not address:
        return True
    first = (address or formatted).split(",")[0]
    if re.search(r"\d", first):
        return False
    return len(formatted.split(",")) < 4


def _attendance_and_status(types: list[str], online: bool,
                           approximate: bool) -> tuple[str, str, str | None]:
    """(attendance, status, status note) as the plugin decides (includes/functions.php,
    tsml_calculate_attendance_option()), where ONL counts only with usable join details
    (tsml_import_sanitize_meetings() removes it otherwise): TC with join details is
    online; TC alone is not meeting for now; join details with a specific address are
    hybrid, with an approximate one online; no join details and an approximate address
    is "inactive" (tsml-ui agrees: neither in person nor online), which we hold as
    temporarily closed with a note saying why."""
    if TEMPORARILY_CLOSED_TYPE in types:
        if online:
            return Attendance.ONLINE.value, Status.ACTIVE.value, None
        return Attendance.IN_PERSON.value, Status.TEMPORARILY_CLOSED.value, None
    if online:
        kind = Attendance.ONLINE if approximate else Attendance.HYBRID
        return kind.value, Status.ACTIVE.value, None
    if approximate:
        return Attendance.IN_PERSON.value, Status.TEMPORARILY_CLOSED.value, INACTIVE_NOTE
    return Attendance.IN_PERSON.value, Status.ACTIVE.value, None


def _in_week(zone: ZoneInfo, weekday: int, reference: datetime) -> date:
    """The date with this weekday (0 = Monday) in the week of `reference`, there."""
    today = reference.astimezone(zone).date()
    return today + timedelta(days=weekday - today.weekday())


def _to_uk(days: list[int], start: time | None, end: time | None, zone: ZoneInfo,
           reference: datetime) -> tuple[list[int], time | None, time | None]:
    """Days (ours) and times in `zone` -> UK wall-clock days and times, as tsml-ui shows a
    meeting in another zone (load-meeting-data.ts: the start in the meeting's zone, then
    setZone to the page's), for the week of `reference`. A day may move ("Monday 20:00
    in New York" is Tuesday 01:00 in London); in the weeks when the two countries' clocks
    change on different dates the time is an hour out until the next import."""
    if start is None:
        return days, start, end
    out_days: list[int] = []
    uk_start: time | None = None
    for day in days or [reference.astimezone(zone).weekday()]:
        there = datetime.combine(_in_week(zone, day, reference), start, tzinfo=zone)
        here = there.astimezone(LONDON)
        uk_start = uk_start or here.time()
        if days and here.weekday() not in out_days:
            out_days.append(here.weekday())
    uk_end = None
    if end is not None:
        base = _in_week(zone, days[0] if days else 0, reference)
        there_end = datetime.combine(base, end, tzinfo=zone)
        uk_end = there_end.astimezone(LONDON).time()
    return out_days, uk_start, uk_end


def meeting_to_records(
    m: dict[str, Any], issues: Issues, fellowship: Fellowship | None = None, *,
    timezone: str = DEFAULT_TIMEZONE, source: str = "meeting-guide",
    reference: datetime | None = None,
) -> tuple[OrganisationRecord, ListingRecord]:
    """One meeting object -> (its organisation; the listing). `fellowship` is the
    source's, for meetings that do not name their own; `timezone` the feed's, for meetings
    that do not give one; `reference` the moment foreign times are converted for (now)."""
    org = _organisation(m) or _fallback_organisation(m, fellowship, source)
    if "rc_organisation" in m:
        apply_overrides(org, m["rc_organisation"], "rc_organisation", issues)
    types = _types(m.get("types"), issues)

    # The state goes into the address (tsml-ui builds formatted_address from address,
    # city, state, postal_code): a UK county reads well there, and a US state or Canadian
    # province is then refused by where it is (validation.foreign_place).
    address = ", ".join(p for p in (text(m.get("address")), text(m.get("city")),
                                    text(m.get("state"))) if p) or None
    postcode = text(m.get("postal_code")) or text(m.get("zip"))  # zip: the plugin's alias
    formatted = text(m.get("formatted_address"))
    if formatted and not address:
        address, found = _split_formatted(formatted)
        postcode = postcode or found
    elif address and not postcode:
        # A whole address in `address` ("12 Park Row, Leeds LS1 5DL, UK"), as the plugin's
        # own template (template.csv) writes it: its postcode and country come out too.
        address, postcode = _split_formatted(address)
    latitude = parse_float(m.get("latitude"), "latitude", issues)
    longitude = parse_float(m.get("longitude"), "longitude", issues)
    coordinates = text(m.get("coordinates"))
    if latitude is None and longitude is None and coordinates and coordinates.count(",") == 1:
        lat_text, lon_text = coordinates.split(",")
        latitude = parse_float(lat_text.strip(), "coordinates", issues)
        longitude = parse_float(lon_text.strip(), "coordinates", issues)
    approximate = _approximate(m, address, postcode)
    regions = m.get("regions")
    if not address and not postcode and isinstance(regions, list) and regions:
        # Online meetings often say only where they come from: most specific region last.
        address = ", ".join(str(r).strip() for r in reversed(regions)
                            if isinstance(r, str) and r.strip()) or None
        approximate = True

    days = _days(m.get("day"), issues)
    start = parse_time(m.get("time") or m.get("start_time"), "time", issues,
                       twelve_hour=True)
    end = parse_time(m.get("end_time"), "end_time", issues, end=True, twelve_hour=True)
    # Both peers list a meeting at a time only with a day and a time; otherwise it is
    # "by appointment" (tsml-ui: `day` and `time`; the plugin: "by appointment").
    weekly = bool(days) and start is not None
    if not weekly and (days or start):
        issues.note("day" if start else "time", "a day without a time, or a time without "
                                                "a day: listed by appointment")
        days, start, end = [], None, None
    schedule = ScheduleKind.WEEKLY if weekly else ScheduleKind.APPOINTMENT

    online_url = _conference_url(m.get("conference_url"), issues)
    online_phone, whole_dial_in = _conference_phone(m.get("conference_phone"), issues)
    if ONLINE_TYPE in types and not (online_url or online_phone):
        issues.note("types", "ONL (online) without a usable join link or dial-in number: "
                             "not taken as online, as the 12 Step Meeting List plugin does")
    attendance, status, status_note = _attendance_and_status(
        types, bool(online_url or online_phone), approximate)

    # Where an online-only meeting is, is only where it comes from (the spec: "origin or
    # affinity"): one from abroad may be listed; a place to go must be in the UK.
    country = text(m.get("country"))
    if country and country.lower() not in UK_COUNTRIES and attendance != Attendance.ONLINE:
        issues.add("country", f"country '{country}' is not the UK")

    ours = [to_ours(d) for d in days]
    zone_name = text(m.get("timezone"))
    zone_key = timezone
    if zone_name:
        found_zone = resolve_timezone(zone_name)
        if found_zone is None:
            issues.note("timezone", f"timezone '{zone_name}' is not one we know; the feed's "
                                    f"({timezone}) was used, as the plugin does")
        else:
            zone_key = found_zone
    if zone_key not in UK_TIMEZONES:
        if attendance == Attendance.ONLINE:
            ours, start, end = _to_uk(ours, start, end, ZoneInfo(zone_key),
                                      reference or datetime.now(UTC))
        else:
            issues.add("timezone", f"timezone '{zone_name or zone_key}' is not UK time, "
                                   "so this meeting's place is not in the UK; only online "
                                   "meetings from other time zones can be listed")

    audience = [AUDIENCE_TYPES[t] for t in types if t in AUDIENCE_TYPES]
    if any(t in LGBTQ_TYPES for t in types) and "lgbtq" not in audience:
        audience.append("lgbtq")
    listing = ListingRecord(
        slug=text(m.get("slug")) or "",
        organisation_slug=org.slug,
        name=text(m.get("name")) or "",
        kind="meeting",
        schedule_kind=schedule.value,
        days=ours, start_time=start, end_time=end,
        attendance=attendance, venue_name=text(m.get("location")), address=address,
        postcode=postcode, latitude=latitude, longitude=longitude,
        location_approximate=approximate, online_url=online_url, online_phone=online_phone,
        website=text(m.get("url")),
        accessibility=[ACCESSIBILITY_TYPES[t] for t in types if t in ACCESSIBILITY_TYPES],
        audience=audience,
        languages=[LANGUAGE_TYPES[t] for t in types if t in LANGUAGE_TYPES],
        needs=_needs(m, types, fellowship),
        notes=_notes(m, whole_dial_in), status=status, status_note=status_note,
        last_verified_at=parse_datetime_lenient(m.get("updated"), "updated", issues),
    )
    for key, value in m.items():
        if key.startswith(RC_PREFIX) and key != "rc_organisation":
            override_value(listing, key[len(RC_PREFIX):], value, issues, key)
    return org, listing


def read(path: Path, fellowship: str | None = None, *, timezone: str = DEFAULT_TIMEZONE,
         source: str | None = None,
         reference: datetime | None = None) -> tuple[ParsedFeed, list[Problem]]:
    """`fellowship` ("GA", "Gamblers Anonymous"): the source's, for the needs of meetings
    that do not name one. `timezone`: the feed's, for meetings that give none (tsml-ui's
    page timezone). `source`: names the organisation of meetings that name none (the
    file's name by default)."""
    feed = ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    data, problem = load_json(path)
    if problem is not None:
        return feed, [problem]
    if not isinstance(data, list):
        return feed, [Problem(path.name, "", "a Meeting Guide feed is a JSON array of "
                                             "meetings")]
    return parse(data, feed, fellowship=fellowship, timezone=timezone,
                 source=source or path.stem, reference=reference)


def _label(index: int, item: dict[str, Any]) -> str:
    """How a person finds the record in the file: its position, and its slug, else its
    name."""
    slug, name = text(item.get("slug")), text(item.get("name"))
    if slug:
        return f"item {index} (slug '{slug}')"
    return f"item {index} ('{name}')" if name else f"item {index}"


def parse(data: list[Any], feed: ParsedFeed | None = None, *,
          fellowship: str | None = None, timezone: str = DEFAULT_TIMEZONE,
          source: str = "meeting-guide",
          reference: datetime | None = None) -> tuple[ParsedFeed, list[Problem]]:
    feed = feed or ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    problems: list[Problem] = []
    source_fellowship = lookup(fellowship) if fellowship else None
    if fellowship and source_fellowship is None:
        problems.append(Problem("source", "fellowship", f"fellowship '{fellowship}' is not "
                                "one we know (directory/fellowships.py)"))
    try:
        zone_ok = bool(timezone) and ZoneInfo(timezone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        zone_ok = False
    if not zone_ok:
        problems.append(Problem("source", "timezone", f"timezone '{timezone}' is not a time "
                                "zone name such as Europe/London"))
        return feed, problems
    reference = reference or datetime.now(UTC)
    orgs: dict[str, OrganisationRecord] = {}
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            problems.append(Problem(f"item {index}", "", "is not a meeting (a JSON object)"))
            continue
        label = _label(index, item)
        issues = Issues(label, problems, feed.notes)
        org, listing = meeting_to_records(item, issues, source_fellowship, timezone=timezone,
                                          source=source, reference=reference)
        if org.slug and org.slug not in orgs:
            orgs[org.slug] = org
            feed.organisations.append(org)
            what = "group" if text(item.get("group")) else "organisation"
            feed.labels[f"organisation:{org.slug}"] = f"{label}, {what} '{org.name}'"
        feed.add_listing(listing, label, issues)
    return feed, problems


def _standard(listing: ListingRecord, org: OrganisationRecord | None) -> dict[str, Any]:
    """The meeting in the spec's own fields only, none of them empty."""
    m: dict[str, Any] = {"name": listing.name, "slug": spec_slug(listing.slug)}
    days = [to_theirs(d) for d in listing.days]
    if days:
        m["day"] = days[0] if len(days) == 1 else days
    if listing.start_time:
        m["time"] = listing.start_time.strftime("%H:%M")
    if listing.end_time:
        m["end_time"] = listing.end_time.strftime("%H:%M")
    m["timezone"] = "Europe/London"
    if listing.venue_name:
        m["location"] = listing.venue_name
    if listing.address:
        # Our address ends with the town: the spec's `city` (which tsml-ui also uses as the
        # region when there is none); what comes before is the street address.
        *street, city = [p.strip() for p in listing.address.split(",") if p.strip()] or [""]
        if street:
            m["address"] = ", ".join(street)
        if city:
            m["city"] = city
    if listing.postcode:
        m["postal_code"] = listing.postcode
    if listing.address or listing.postcode:
        # For geocoders that want one line (the spec's preferred form).
        parts = [listing.address, listing.postcode, "UK"]
        m["formatted_address"] = ", ".join(p for p in parts if p)
        m["country"] = "UK"
    if listing.latitude is not None and listing.longitude is not None:
        m["latitude"], m["longitude"] = listing.latitude, listing.longitude
    if listing.address or listing.postcode or listing.latitude is not None:
        # In the spec "approximate" is about the address: "yes" means no street address
        # (a town only), and the meeting is then taken as not meeting in person (tsml-ui,
        # the 12 Step Meeting List plugin). Our flag is about the coordinates: a postcode's
        # centre is approximate coordinates, but a postcode is a real address.
        m["approximate"] = "yes" if listing.location_approximate and not listing.postcode \
            else "no"
    if listing.online_url:
        m["conference_url"] = listing.online_url
    if listing.online_phone:
        m["conference_phone"] = listing.online_phone
    codes = _type_codes(listing)
    if codes:
        m["types"] = codes
    if listing.notes:
        m["notes"] = listing.notes
    if org is not None:
        m["group"] = org.name
        if org.description:
            m["group_notes"] = org.description
    if listing.website:
        m["url"] = listing.website
    if listing.last_verified_at:
        when = listing.last_verified_at
        when = when.astimezone(UTC) if when.tzinfo else when
        m["updated"] = when.strftime("%Y-%m-%d %H:%M:%S")
    # No empty fields: the spec says to omit a field that does not apply.
    return {k: v for k, v in m.items() if v is not None and v != "" and v != []}


def spec_slug(slug: str) -> str:
    """A slug within the spec's 64 characters: a longer one keeps its start and gains a
    short hash of the whole, so that it stays unique and the same on every export (our
    own reader gets the full slug back from rc_slug)."""
    if len(slug) <= SLUG_LIMIT:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
    return f"{slug[:SLUG_LIMIT - 9].rstrip('-._~')}-{digest}"


def _type_codes(listing: ListingRecord) -> list[str]:
    codes: list[str] = []
    for mapping, values in ((AUDIENCE_TYPES, listing.audience),
                            (ACCESSIBILITY_TYPES, listing.accessibility),
                            (LANGUAGE_TYPES, listing.languages)):
        reverse = {ours: code for code, ours in mapping.items()}
        codes += [reverse[v] for v in values if v in reverse]
    if listing.attendance in (Attendance.ONLINE, Attendance.HYBRID):
        codes.append(ONLINE_TYPE)
    if listing.status == Status.TEMPORARILY_CLOSED:
        codes.append(TEMPORARILY_CLOSED_TYPE)
    return sorted(set(codes))


def listing_to_meeting(listing: ListingRecord, org: OrganisationRecord | None) -> dict[str, Any]:
    """The meeting with "rc_" keys for whatever the standard fields lost."""
    m = _standard(listing, org)
    scratch = Issues("export", [])
    derived_org, _ = meeting_to_records(m, scratch)
    if org is not None:
        diff = differences(org, derived_org or OrganisationRecord(slug="", name=""))
        if diff:
            m["rc_organisation"] = diff
    _, derived = meeting_to_records(m, scratch)
    for name, value in differences(listing, derived).items():
        m[RC_PREFIX + name] = value
    return m


def skip_reason(listing: ListingRecord) -> str | None:
    if listing.status == Status.CLOSED:
        return "closed"
    if listing.schedule_kind not in EXPORTED_SCHEDULES:
        return (f"{listing.schedule_kind.replace('_', ' ')} schedule: Meeting Guide lists "
                "weekly meetings only")
    return None


def write(path: Path, feed: Feed) -> WriteReport:
    orgs = {o.slug: o for o in feed.organisations}
    report = WriteReport()
    meetings = []
    for listing in feed.listings:
        why = skip_reason(listing)
        if why:
            report.skipped.append(f"{listing.slug}: {why}")
            continue
        meetings.append(listing_to_meeting(listing, orgs.get(listing.organisation_slug)))
    path.write_text(dumps(meetings), encoding="utf-8")
    report.written = len(meetings)
    return report
