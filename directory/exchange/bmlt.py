"""BMLT, the Basic Meeting List Toolbox: the meeting servers of Narcotics Anonymous.

Read only. What is read is the server's semantic API (repository bmlt-enabled/bmlt-server):
- `client_interface/json/?switcher=GetSearchResults`: a JSON array of meetings
  (src/app/Http/Resources/Query/MeetingResource.php); with `&get_used_formats=1` the answer
  is `{"meetings": [...], "formats": [...]}` (Query/SwitcherController.php);
- `switcher=GetFormats`: the formats (Query/FormatResource.php: `key_string`, `name_string`,
  `description_string`, `lang`, `id`, `world_id`, `format_type_enum`);
- `switcher=GetServiceBodies`: the service bodies (Query/ServiceBodyResource.php: `id`,
  `parent_id`, `name`, `description`, `type`, `url`, `helpline`, `world_id`).
A file may hold the meetings alone, the get_used_formats object, or the three answers
combined (`{"meetings", "formats", "service_bodies"}`); formats and service bodies may also
be given to `read` or sit beside the file (`<name>.GetFormats.json` or `GetFormats.json`,
the same for GetServiceBodies).

The server also answers `client_interface/tsml/?switcher=GetSearchResults`
(Query/TsmlMeetingResource.php): Meeting Guide shaped, days from Sunday = 0, and types
mapped from the formats' world ids. That shape is handed to the Meeting Guide reader,
after turning what that reader does not know (`coordinates`, types BEG and GL) into what
it does.

Values in the semantic API are all strings. Days run 1 = Sunday .. 7 = Saturday (the
server adds one to its stored 0 = Sunday: MeetingResource::getWeekdayTinyint);
`venue_type` is 1 in person, 2 virtual, 3 hybrid (Models/Meeting.php VENUE_TYPE_*);
`formats` is the meeting's format keys, comma-separated, and `format_shared_id_list`
their ids, which match GetFormats' `id`. Keys are a server's own and differ between
languages; world ids (NAWS codes: OPEN, CLOSED, BEG, GL, W, M, WCHR, LANG, VM, HYBR,
TC...) are standard, so a format is understood by its world id first, its key second.
The TC format is "Temporarily Closed Facility": with venue_type 2 it marks a meeting
that is online while its building is closed (Admin/MeetingResource.php,
`temporarilyVirtual`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from directory.exchange import meeting_guide
from directory.exchange.common import (
    UK_COUNTRIES,
    UK_TIME_ZONES,
    Issues,
    ParsedFeed,
    load_json,
    parse_float,
    parse_time,
    slugify,
    text,
)
from directory.fellowships import Fellowship, lookup, needs_from_names
from directory.models import Attendance, Status
from directory.records import ListingRecord, OrganisationRecord
from directory.validation import (
    LANGUAGE_NAMES,
    UK_LATITUDE,
    UK_LONGITUDE,
    Problem,
    is_uk_phone,
    is_web_address,
)

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
IN_PERSON, VIRTUAL, HYBRID = "1", "2", "3"

# World ids that say who a meeting is for, or how to reach it.
AUDIENCE_WORLD_IDS = {
    "OPEN": "open", "CLOSED": "closed", "W": "women", "M": "men", "GL": "lgbtq",
    "BEG": "newcomers", "Y": "young_people",
}
ACCESS_WORLD_IDS = {"WCHR": "wheelchair"}
VENUE_WORLD_IDS = {"VM", "HYBR", "TC"}
LANGUAGE_WORLD_ID = "LANG"

# The stock English formats every new server is seeded with (bmlt-server
# src/database/migrations/1902_01_01_000000_create_initial_schema.php): key -> (world id,
# name). Used for a format with no world id, and when no GetFormats answer is given.
STOCK_FORMATS: dict[str, tuple[str, str]] = {
    "B": ("BEG", "Beginners"), "BL": ("LANG", "Bi-Lingual"), "BT": ("BT", "Basic Text"),
    "C": ("CLOSED", "Closed"), "CH": ("CH", "Closed Holidays"), "CL": ("CAN", "Candlelight"),
    "CS": ("", "Children under Supervision"), "D": ("DISC", "Discussion"),
    "ES": ("LANG", "Español"), "GL": ("GL", "Gay/Lesbian/Transgender"), "IL": ("", "Illness"),
    "IP": ("IP", "Informational Pamphlet"), "IW": ("IW", "It Works -How and Why"),
    "JT": ("JFT", "Just for Today"), "M": ("M", "Men"), "NC": ("NC", "No Children"),
    "O": ("OPEN", "Open"), "Pi": ("", "Pitch"), "RF": ("VAR", "Rotating Format"),
    "Rr": ("", "Round Robin"), "SC": ("", "Security Cameras"),
    "SD": ("S-D", "Speaker/Discussion"), "SG": ("SWG", "Step Working Guide"),
    "SL": ("", "ASL"), "So": ("SPK", "Speaker Only"), "St": ("STEP", "Step"),
    "Ti": ("", "Timer"), "To": ("TOP", "Topic"), "Tr": ("TRAD", "Tradition"),
    "TW": ("TRAD", "Traditions Workshop"), "W": ("W", "Women"), "WC": ("WCHR", "Wheelchair"),
    "YP": ("Y", "Young People"), "OE": ("", "Open-Ended"), "BK": ("LIT", "Book Study"),
    "NS": ("NS", "No Smoking"), "Ag": ("", "Agnostic"), "FD": ("", "Five and Dime"),
    "AB": ("QA", "Ask-It-Basket"), "ME": ("MED", "Meditation"),
    "RA": ("RA", "Restricted Attendance"), "QA": ("QA", "Question and Answer"),
    "CW": ("CW", "Children Welcome"), "CP": ("CPT", "Concepts"), "FIN": ("LANG", "Finnish"),
    "ENG": ("LANG", "English speaking"), "PER": ("LANG", "Persian"),
    "L/R": ("LANG", "Lithuanian/Russian"), "LC": ("LC", "Living Clean"),
    "GP": ("GP", "Guiding Principles"), "VM": ("VM", "Virtual Meeting"),
    "TC": ("TC", "Temporarily Closed Facility"), "HY": ("HYBR", "Hybrid Meeting"),
    "SPAD": ("SPAD", "A Spiritual Principle a Day"),
}
# Language formats: the stock keys, then words of the format's name (English names as
# directory/validation.py knows them, and a few names as their speakers write them).
LANGUAGE_KEYS = {"ES": ("es",), "ENG": ("en",), "FIN": ("fi",), "PER": ("fa",),
                 "L/R": ("lt", "ru"), "BL": ("en",)}
NATIVE_LANGUAGE_NAMES = {
    "español": "es", "espanol": "es", "finnish": "fi", "suomi": "fi", "polski": "pl",
    "français": "fr", "francais": "fr", "deutsch": "de", "português": "pt", "italiano": "it",
    "русский": "ru", "lietuvių": "lt", "svenska": "sv", "swedish": "sv", "dansk": "da",
    "danish": "da", "japanese": "ja", "greek": "el", "dutch": "nl", "nederlands": "nl",
}

# Keys only a GetSearchResults meeting has (for telling the format of a file).
MEETING_KEYS = ("id_bigint", "weekday_tinyint", "service_body_bigint", "duration_time",
                "venue_type", "format_shared_id_list")
# Meeting fields we read; the rest are reported (FIELD_NOTES says why each known one
# is not kept).
READ_FIELDS = {
    "id_bigint", "service_body_bigint", "service_body_name", "weekday_tinyint", "venue_type",
    "start_time", "duration_time", "time_zone", "formats", "format_shared_id_list",
    "longitude", "latitude", "coordinates", "meeting_name", "location_text", "location_info",
    "location_street", "location_municipality", "location_postal_code_1", "location_nation",
    "comments", "train_lines", "bus_lines", "phone_meeting_number", "virtual_meeting_link",
    "virtual_meeting_additional_info", "phone_meeting_additional_info", "published",
    "root_server_uri",
}
FIELD_NOTES = {
    "worldid_mixed": "NA World Services' group code",
    "shared_group_id_bigint": "the server's grouping of meetings",
    "lang_enum": "the language the record is written in, not the meeting's",
    "location_city_subsection": "borough: the address keeps street and town",
    "location_neighborhood": "neighbourhood: the address keeps street and town",
    "location_sub_province": "county: the address keeps street and town",
    "location_province": "state or county: the address keeps street and town",
    "zone": "the server's own zone field",
    "email_contact": "a person's contact details are not kept",
    "contact_name_1": "a person's contact details are not kept",
    "contact_phone_1": "a person's contact details are not kept",
    "contact_email_1": "a person's contact details are not kept",
    "contact_name_2": "a person's contact details are not kept",
    "contact_phone_2": "a person's contact details are not kept",
    "contact_email_2": "a person's contact details are not kept",
}
# Fields about the search itself, not the meeting: nothing to report.
SEARCH_FIELDS = {"distance_in_km", "distance_in_miles", "root_server_id"}

SOURCE_FIELDS = {
    "listing.slug": "id_bigint", "listing.name": "meeting_name",
    "listing.days": "weekday_tinyint", "listing.start_time": "start_time",
    "listing.end_time": "duration_time", "listing.attendance": "venue_type",
    "listing.venue_name": "location_text", "listing.address": "location_street",
    "listing.postcode": "location_postal_code_1", "listing.latitude": "latitude",
    "listing.longitude": "longitude", "listing.online_url": "virtual_meeting_link",
    "listing.online_phone": "phone_meeting_number", "listing.notes": "comments",
    "listing.languages": "formats", "listing.audience": "formats",
    "listing.accessibility": "formats", "listing.organisation_slug": "service_body_bigint",
    "organisation.name": "name", "organisation.website": "url",
    "organisation.email": "contact_email", "organisation.phones": "helpline",
    "organisation.description": "description",
}
_DURATION = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Format:
    key: str
    name: str
    world_id: str = ""
    kind: str = ""  # format_type_enum: FC1, FC2, FC3, O, LANG
    id: str | None = None


@dataclass(slots=True)
class BmltFeed(ParsedFeed):
    """A parsed BMLT answer, and what it held that we do not keep, so that nothing is
    dropped unsaid: BMLT field -> (meetings that gave it, why it is not kept). The same is
    in `notes` (one note per field for the whole answer; surprises, such as a format key
    the server's formats do not have, are noted for their meeting)."""

    unmapped: dict[str, tuple[int, str]] = field(default_factory=dict)
    unpublished: int = 0  # meetings left out because the server marks them unpublished

    def summary(self) -> list[str]:
        """One line per thing not kept, for the operator."""
        lines = [f"{what}: {count} meeting{'s' if count != 1 else ''} ({why})"
                 for what, (count, why) in sorted(self.unmapped.items())]
        if self.unpublished:
            lines.append(f"{self.unpublished} unpublished meeting"
                         f"{'s' if self.unpublished != 1 else ''} left out")
        return lines


class _Formats:
    """The formats table: by id (format_shared_id_list) and by key (formats)."""

    def __init__(self, raw: Iterable[Any] | None) -> None:
        self.by_id: dict[str, Format] = {}
        self.by_key: dict[str, Format] = {}
        self.given = raw is not None
        for item in raw or ():
            if not isinstance(item, dict) or not text(item.get("key_string")):
                continue
            key = text(item["key_string"]) or ""
            stock = STOCK_FORMATS.get(key, ("", ""))
            fmt = Format(key=key, name=text(item.get("name_string")) or stock[1] or key,
                         world_id=(text(item.get("world_id")) or "").upper(),
                         kind=text(item.get("format_type_enum")) or "",
                         id=text(item.get("id")))
            if fmt.id:
                self.by_id[fmt.id] = fmt
            self.by_key.setdefault(key, fmt)

    def of(self, meeting: dict[str, Any]) -> tuple[list[Format], list[str]]:
        """The meeting's formats, and the keys no table explains."""
        ids = [i.strip() for i in str(meeting.get("format_shared_id_list") or "").split(",")
               if i.strip()]
        if self.by_id and ids and all(i in self.by_id for i in ids):
            return [self.by_id[i] for i in ids], []
        found: list[Format] = []
        unknown: list[str] = []
        for key in (k.strip() for k in str(meeting.get("formats") or "").split(",")):
            if not key:
                continue
            if key in self.by_key:
                found.append(self.by_key[key])
            elif not self.given and key in STOCK_FORMATS:
                world, name = STOCK_FORMATS[key]
                found.append(Format(key=key, name=name, world_id=world,
                                    kind="LANG" if world == "LANG" else ""))
            else:
                unknown.append(key)
        return found, unknown


def _world_id(fmt: Format) -> str:
    # A server's own format without a world id is read by the stock key it uses.
    return fmt.world_id or STOCK_FORMATS.get(fmt.key, ("", ""))[0]


def _languages(fmt: Format) -> list[str]:
    if fmt.key in LANGUAGE_KEYS and fmt.name == STOCK_FORMATS.get(fmt.key, ("", ""))[1]:
        return list(LANGUAGE_KEYS[fmt.key])
    words = [w for w in re.split(r"[\s/,\-]+", fmt.name.lower()) if w]
    codes: list[str] = []
    for word in words:
        code = LANGUAGE_NAMES.get(word) or NATIVE_LANGUAGE_NAMES.get(word)
        if code and code not in codes:
            codes.append(code)
    if not codes and fmt.key in LANGUAGE_KEYS:
        codes = list(LANGUAGE_KEYS[fmt.key])
    return codes


@dataclass(slots=True)
class _Reading:
    """What a meeting's formats say."""

    audience: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    venue: set[str] = field(default_factory=set)  # VM, HYBR, TC
    other: list[str] = field(default_factory=list)  # names, for the notes


def _read_formats(formats: list[Format]) -> _Reading:
    out = _Reading()
    for fmt in formats:
        world = _world_id(fmt)
        if world in AUDIENCE_WORLD_IDS:
            code = AUDIENCE_WORLD_IDS[world]
            if code not in out.audience:
                out.audience.append(code)
        elif world in ACCESS_WORLD_IDS:
            if ACCESS_WORLD_IDS[world] not in out.accessibility:
                out.accessibility.append(ACCESS_WORLD_IDS[world])
        elif world in VENUE_WORLD_IDS:
            out.venue.add(world)
        elif world == LANGUAGE_WORLD_ID or fmt.kind == "LANG":
            codes = _languages(fmt)
            out.languages += [c for c in codes if c not in out.languages]
            if not codes or fmt.key == "BL":
                out.other.append(fmt.name)  # "Bi-Lingual": the other language is unsaid
        else:
            out.other.append(fmt.name)
    return out


def to_ours(weekday: int) -> int:
    """BMLT 1 = Sunday .. 7 = Saturday -> ours 0 = Monday .. 6 = Sunday."""
    return (weekday + 5) % 7


def _duration(value: Any, issues: Issues) -> timedelta | None:
    raw = text(value)
    if raw is None:
        return None
    m = _DURATION.match(raw)
    if not m or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        issues.add("duration_time", f"'{raw}' is not a duration (HH:MM:SS)")
        return None
    length = timedelta(hours=int(m.group(1)), minutes=int(m.group(2)),
                       seconds=int(m.group(3) or 0))
    # "00:00:00" is "not given" (the server then uses its default); 24 hours and more is
    # "all day" or an open-ended meeting: no end time either way.
    return length if timedelta(0) < length < timedelta(hours=24) else None


def _weekday(value: Any, issues: Issues) -> int | None:
    raw = text(value)
    if raw is None:
        issues.add("weekday_tinyint", "has no day of the week")
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 7:
        issues.add("weekday_tinyint", f"'{raw}' is not a day of the week "
                                      "(1 = Sunday .. 7 = Saturday)")
        return None
    return to_ours(int(raw))


def _coordinates(m: dict[str, Any], issues: Issues) -> tuple[float | None, float | None]:
    lat = parse_float(m.get("latitude"), "latitude", issues)
    lon = parse_float(m.get("longitude"), "longitude", issues)
    pair = text(m.get("coordinates"))
    if (lat is None or lon is None) and pair:
        parts = pair.split(",")
        if len(parts) == 2:
            lat = parse_float(parts[0].strip(), "coordinates", issues)
            lon = parse_float(parts[1].strip(), "coordinates", issues)
        else:
            issues.add("coordinates", f"'{pair}' is not 'latitude,longitude'")
    if lat == 0 and lon == 0:  # the server's "not placed"
        return None, None
    return lat, lon


def _in_uk(lat: float | None, lon: float | None) -> bool | None:
    if lat is None or lon is None:
        return None
    return UK_LATITUDE[0] <= lat <= UK_LATITUDE[1] and UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]


def _zone(raw: str | None, default: str | None, issues: Issues) -> ZoneInfo | None:
    """The meeting's time zone when it is not UK time; None for UK time (or none given:
    a UK server's meetings are in UK time)."""
    name = raw or default
    if not name or name.lower() in UK_TIME_ZONES:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        issues.add("time_zone", f"'{name}' is not a time zone (such as Europe/London)")
        return None


def _to_london(day: int, start: time, length: timedelta | None, zone: ZoneInfo,
               today: date) -> tuple[int, time, time | None]:
    """A weekly meeting's day and times in its zone -> the same moments in UK time, as
    they fall in the week from `today` (the clocks of two countries change on different
    dates, so for a few weeks a year the UK time differs by an hour)."""
    on = today + timedelta(days=(day - today.weekday()) % 7)
    there = datetime.combine(on, start, tzinfo=zone)
    here = there.astimezone(LONDON)
    end = (there + length).astimezone(LONDON).time() if length else None
    return here.weekday(), here.time(), end


def _notes(m: dict[str, Any], reading: _Reading, extra: list[str]) -> str | None:
    parts = [text(m.get("comments")), text(m.get("location_info"))]
    if text(m.get("virtual_meeting_additional_info")):
        parts.append(f"Online: {text(m.get('virtual_meeting_additional_info'))}")
    if text(m.get("phone_meeting_additional_info")):
        parts.append(f"Dial-in: {text(m.get('phone_meeting_additional_info'))}")
    transport = [f"{what}: {text(m.get(key))}" for key, what in
                 (("bus_lines", "Buses"), ("train_lines", "Trains")) if text(m.get(key))]
    if transport:
        parts.append(". ".join(transport))
    if reading.other:
        parts.append("Formats: " + ", ".join(reading.other))
    parts += extra
    return "\n\n".join(p for p in parts if p) or None


def _organisation(sb_id: str, body: dict[str, Any] | None, fallback_name: str | None,
                  fellowship: Fellowship | None,
                  note: Any) -> OrganisationRecord:
    """The service body (an NA area or region) that lists the meeting: named by
    GetServiceBodies, else by the meeting's own service_body_name (servers since 3.x)."""
    body = body or {}
    name = text(body.get("name")) or fallback_name
    fellow = fellowship.name if fellowship else "BMLT"
    org = OrganisationRecord(
        slug=slugify(name) if name else f"bmlt-service-body-{slugify(sb_id)}",
        name=name or f"{fellow} service body {sb_id}", kind="fellowship",
        description=text(body.get("description")),
        source=f"BMLT service body {sb_id}",
    )
    url = text(body.get("url"))
    if url and is_web_address(url):
        org.website = url
    elif url:
        note("url", f"the service body's url '{url}' is not a web address; left out",
             loud=True)
    email = text(body.get("contact_email"))
    if email:
        org.email = email
    helpline = text(body.get("helpline"))
    if helpline and is_uk_phone(helpline):
        org.phones = [helpline]
    elif helpline:
        note("helpline", f"the service body's helpline '{helpline}' is not a UK phone "
                         "number; left out", loud=True)
    return org


def _listing(
    m: dict[str, Any], formats: _Formats, bodies: dict[str, dict[str, Any]],
    fellowship: Fellowship | None, default_zone: str | None, today: date,
    issues: Issues, note: Any,
) -> tuple[OrganisationRecord | None, ListingRecord]:
    meeting_id = text(m.get("id_bigint"))
    name = text(m.get("meeting_name"))
    if not meeting_id:
        issues.add("id_bigint", "has no id_bigint, so it cannot be matched on the next import")

    found, unknown = formats.of(m)
    for key in unknown:
        note("formats", f"format '{key}' is not in the server's formats; left out",
             loud=True)
    reading = _read_formats(found)

    venue = text(m.get("venue_type"))
    if venue is None:  # servers before venue types: the formats say it
        venue = (HYBRID if "HYBR" in reading.venue else
                 VIRTUAL if reading.venue & {"VM", "TC"} else IN_PERSON)
    elif venue not in (IN_PERSON, VIRTUAL, HYBRID):
        issues.add("venue_type", f"venue_type '{venue}' is not 1 (in person), 2 (virtual) "
                                 "or 3 (hybrid)")
        venue = IN_PERSON

    day = _weekday(m.get("weekday_tinyint"), issues)
    start = parse_time(m.get("start_time"), "start_time", issues)
    length = _duration(m.get("duration_time"), issues)
    end = None
    if start is not None and length is not None:
        end = (datetime.combine(date(2000, 1, 1), start) + length).time()

    lat, lon = _coordinates(m, issues)
    nation = text(m.get("location_nation"))
    abroad_nation = bool(nation and nation.lower() not in UK_COUNTRIES)
    online_url = text(m.get("virtual_meeting_link"))
    online_phone = text(m.get("phone_meeting_number"))
    extra: list[str] = []
    zone = _zone(text(m.get("time_zone")), default_zone, issues)

    venue_name = text(m.get("location_text"))
    address = ", ".join(p for p in (text(m.get("location_street")),
                                    text(m.get("location_municipality"))) if p) or None
    postcode = text(m.get("location_postal_code_1"))
    attendance = {IN_PERSON: Attendance.IN_PERSON, VIRTUAL: Attendance.ONLINE,
                  HYBRID: Attendance.HYBRID}[venue].value
    status, status_note = Status.ACTIVE.value, None

    if zone is not None and venue != VIRTUAL:
        if venue == HYBRID and (online_url or online_phone):
            # Its room is abroad, but anyone can join online: keep it as an online meeting.
            attendance = Attendance.ONLINE.value
            place = ", ".join(p for p in (venue_name, text(m.get("location_municipality")))
                              if p)
            extra.append(f"Also meets in person{f' at {place}' if place else ''} "
                         f"({zone.key}).")
            venue = VIRTUAL
        else:
            issues.add("time_zone", f"an in-person meeting in time zone '{zone.key}' is not "
                                    "in the UK")
    elif zone is None and venue != VIRTUAL:
        if abroad_nation:
            issues.add("location_nation", f"location_nation '{nation}' is not the UK")
    elif zone is None and venue == VIRTUAL and (abroad_nation or _in_uk(lat, lon) is False):
        where = f"location_nation '{nation}'" if abroad_nation else \
            f"coordinates {lat},{lon}"
        issues.add("time_zone", f"no time zone is given and the meeting is from outside the "
                                f"UK ({where}): its UK time cannot be told")

    if zone is not None and venue == VIRTUAL and day is not None and start is not None:
        there = start.strftime("%H:%M")
        day, start, end = _to_london(day, start, length, zone, today)
        extra.append(f"Times are UK times, converted from {there} {zone.key}.")

    if venue == VIRTUAL:
        # Not a place to go (BMLT's own TSML output gives no coordinates for these either):
        # the town or room of an online meeting is where its group is from.
        if "TC" in reading.venue and (venue_name or address):
            where = ", ".join(p for p in (venue_name, address) if p)
            status_note = f"Its venue ({where}) is temporarily closed: meeting online for now."
        venue_name = address = postcode = None
        lat = lon = None
    elif "TC" in reading.venue:
        if online_url or online_phone:
            attendance = Attendance.ONLINE.value
            status_note = "Its venue is temporarily closed: meeting online for now."
        else:
            status = Status.TEMPORARILY_CLOSED.value
            status_note = "Its venue is temporarily closed."
    if attendance == Attendance.IN_PERSON and (online_url or online_phone):
        note("virtual_meeting_link", "venue_type 1 says it meets in person only; its "
                                     "virtual_meeting_link and phone_meeting_number were "
                                     "left out", loud=True)
        online_url = online_phone = None

    sb_id = text(m.get("service_body_bigint"))
    org = None
    if sb_id:
        org = _organisation(sb_id, bodies.get(sb_id), text(m.get("service_body_name")),
                            fellowship, note)
    else:
        issues.add("service_body_bigint", "has no service body, so no one answers for it")

    listing = ListingRecord(
        slug=f"bmlt-{slugify(meeting_id)}" if meeting_id else "",
        organisation_slug=org.slug if org else "",
        name=name or "",
        kind="meeting",
        needs=needs_from_names((name, org.name if org else None), fellowship),
        days=[day] if day is not None else [],
        start_time=start, end_time=end,
        attendance=attendance,
        venue_name=venue_name, address=address, postcode=postcode,
        latitude=lat, longitude=lon,
        online_url=online_url, online_phone=online_phone,
        audience=reading.audience, accessibility=reading.accessibility,
        languages=reading.languages,
        notes=_notes(m, reading, extra),
        status=status, status_note=status_note,
        source=f"BMLT {text(m.get('root_server_uri')) or ''}".strip(),
    )
    if text(m.get("bus_lines")) or text(m.get("train_lines")):
        listing.accessibility.append("public_transport")
    for key, value in m.items():
        if key in READ_FIELDS or key in SEARCH_FIELDS or text(value) is None:
            continue
        note(key, FIELD_NOTES.get(key, "not a field we read"))
    return org, listing


def _label(index: int, m: dict[str, Any]) -> str:
    """How a person finds the meeting: its position, id and name."""
    meeting_id, name = text(m.get("id_bigint")), text(m.get("meeting_name"))
    if not meeting_id:
        return f"meeting {index}" + (f" ('{name}')" if name else "")
    return f"meeting {index} (id_bigint {meeting_id}" + (f", '{name}')" if name else ")")


def _is_published(value: Any) -> bool:
    # "1" / "0" in the semantic API; true / false in the admin API. Absent: published (the
    # search only returns published meetings unless asked otherwise, advanced_published).
    if value is None or value == "":
        return True
    return str(value).strip().lower() not in ("0", "false")


def _beside(path: Path, switcher: str) -> Path | None:
    for candidate in (path.with_name(f"{path.stem}.{switcher}.json"),
                      path.with_name(f"{switcher}.json")):
        if candidate.is_file() and candidate != path:
            return candidate
    return None


def _part(data: dict[str, Any], *names: str) -> Any:
    return next((data[n] for n in names if n in data), None)


def is_tsml(data: Any) -> bool:
    """The server's TSML answer (client_interface/tsml/): Meeting Guide shaped."""
    first = next((m for m in data if isinstance(m, dict)), None) if isinstance(data, list) \
        else None
    return first is not None and "id_bigint" not in first and ("slug" in first
                                                                 or "day" in first)


def _tsml_as_meeting_guide(data: list[Any]) -> list[Any]:
    """What the Meeting Guide reader does not know, in the terms it does: BMLT's
    `coordinates` ("lat,lng") as latitude and longitude; its types BEG (beginners) and GL
    (gay/lesbian/transgender), from the server's world ids, as BE and LGBTQ; its `region`
    (the service body's name) as the entity that answers for the meeting."""
    aliases = {"BEG": "BE", "GL": "LGBTQ"}
    known = set(meeting_guide.AUDIENCE_TYPES) | set(meeting_guide.LGBTQ_TYPES)
    out: list[Any] = []
    for item in data:
        if not isinstance(item, dict):
            out.append(item)
            continue
        m = dict(item)
        if not text(m.get("group")) and not text(m.get("entity")) and text(m.get("region")):
            # The region is the service body: the organisation the semantic API gives too.
            m["entity"] = text(m["region"])
        pair = text(m.pop("coordinates", None))
        if pair and m.get("latitude") in (None, "") and pair.count(",") == 1:
            m["latitude"], m["longitude"] = (p.strip() for p in pair.split(","))
        if isinstance(m.get("types"), list):
            m["types"] = [aliases.get(t, t) if t not in known else t for t in m["types"]]
        out.append(m)
    return out


def read(path: Path, fellowship: str | None = "NA", *, formats: list[Any] | None = None,
         service_bodies: list[Any] | None = None, time_zone: str | None = None,
         today: date | None = None) -> tuple[ParsedFeed, list[Problem]]:
    """A BMLT answer in a file. `formats` and `service_bodies`: the GetFormats and
    GetServiceBodies answers, when the file does not hold them (else they are looked for
    beside it). `fellowship`: BMLT is NA's, so NA by default. `time_zone`: the server's
    default, for meetings that give none (a UK server's is UK time). `today`: the week whose
    clocks convert foreign online meetings to UK time."""
    feed = BmltFeed(source_fields=dict(SOURCE_FIELDS))
    data, problem = load_json(path)
    if problem:
        return feed, [problem]
    problems: list[Problem] = []
    if isinstance(data, dict):
        meetings = _part(data, "meetings", "GetSearchResults")
        formats = formats if formats is not None else _part(data, "formats", "GetFormats")
        service_bodies = service_bodies if service_bodies is not None else _part(
            data, "service_bodies", "serviceBodies", "GetServiceBodies")
    else:
        meetings = data
    if not isinstance(meetings, list):
        return feed, [Problem(path.name, "", "a BMLT answer is a JSON array of meetings, or "
                                             "an object with \"meetings\" "
                                             "(GetSearchResults with get_used_formats)")]
    if is_tsml(meetings):
        return meeting_guide.parse(_tsml_as_meeting_guide(meetings), fellowship=fellowship)
    for given, switcher in ((formats, "GetFormats"), (service_bodies, "GetServiceBodies")):
        if given is not None:
            continue
        sibling = _beside(path, switcher)
        if sibling is None:
            continue
        loaded, problem = load_json(sibling)
        if problem:
            problems.append(problem)
        elif not isinstance(loaded, list):
            problems.append(Problem(sibling.name, "", f"a {switcher} answer is a JSON array"))
        elif switcher == "GetFormats":
            formats = loaded
        else:
            service_bodies = loaded
    for given, what in ((formats, "formats"), (service_bodies, "service bodies")):
        if given is not None and not isinstance(given, list):
            problems.append(Problem(path.name, what, f"the {what} must be a JSON array"))
    parse(meetings, feed, fellowship=fellowship,
          formats=formats if isinstance(formats, list) else None,
          service_bodies=service_bodies if isinstance(service_bodies, list) else None,
          time_zone=time_zone, today=today, problems=problems)
    for line in feed.summary():
        log.info("%s: not kept: %s", path.name, line)
    return feed, problems


def parse(meetings: list[Any], feed: BmltFeed | None = None, *, fellowship: str | None = "NA",
          formats: list[Any] | None = None, service_bodies: list[Any] | None = None,
          time_zone: str | None = None, today: date | None = None,
          problems: list[Problem] | None = None) -> tuple[BmltFeed, list[Problem]]:
    feed = feed if feed is not None else BmltFeed(source_fields=dict(SOURCE_FIELDS))
    problems = problems if problems is not None else []
    source_fellowship = lookup(fellowship) if fellowship else None
    if fellowship and source_fellowship is None:
        problems.append(Problem("source", "fellowship", f"fellowship '{fellowship}' is not "
                                "one we know (directory/fellowships.py)"))
    table = _Formats(formats)
    bodies = {text(b.get("id")) or "": b for b in service_bodies or ()
              if isinstance(b, dict)}
    counts: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    orgs: dict[str, OrganisationRecord] = {}
    today = today or date.today()
    for index, item in enumerate(meetings, 1):
        if not isinstance(item, dict):
            problems.append(Problem(f"meeting {index}", "", "is not a meeting (a JSON "
                                                            "object)"))
            continue
        if not _is_published(item.get("published")):
            feed.unpublished += 1
            continue
        label = _label(index, item)
        issues = Issues(label, problems, feed.notes)
        seen: set[str] = set()

        def note(what: str, why: str, loud: bool = False, seen: set[str] = seen,
                 issues: Issues = issues) -> None:
            """Something not kept. `loud`: surprising, so said for the meeting; routine
            fields are said once for the whole answer, with a count."""
            if loud:
                issues.note(what, why)
            elif what not in seen:  # count meetings, not mentions
                seen.add(what)
                counts[what] += 1
                reasons.setdefault(what, why)

        org, listing = _listing(item, table, bodies, source_fellowship, time_zone, today,
                                issues, note)
        if org is not None and org.slug not in orgs:
            orgs[org.slug] = org
            feed.organisations.append(org)
            feed.labels[f"organisation:{org.slug}"] = (
                f"{(org.source or '').removeprefix('BMLT ')} ('{org.name}')")
        feed.add_listing(listing, label, issues)
    feed.unmapped = {what: (n, reasons[what]) for what, n in counts.items()}
    for what, (n, why) in sorted(feed.unmapped.items()):
        feed.notes.append(Problem("all meetings", what, f"not kept ({why}): given in {n} "
                                  f"meeting{'s' if n != 1 else ''}"))
    if feed.unpublished:
        feed.notes.append(Problem("all meetings", "published", f"{feed.unpublished} "
                                  "unpublished meeting"
                                  f"{'s' if feed.unpublished != 1 else ''} left out"))
    return feed, problems
