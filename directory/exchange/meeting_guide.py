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

import json
import re
from datetime import UTC
from pathlib import Path
from typing import Any

from directory.exchange.common import (
    RC_PREFIX,
    Issues,
    ParsedFeed,
    WriteReport,
    apply_overrides,
    differences,
    dumps,
    override_value,
    parse_datetime,
    parse_float,
    parse_time,
    slugify,
    text,
)
from directory.fellowships import FAMILY_TYPES, Fellowship, lookup, needs_from_names
from directory.models import Attendance, ScheduleKind, Status
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.validation import Problem

# Meeting types (code4recovery/spec data/types.json) that say something we model.
AUDIENCE_TYPES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "Y": "young_people", "SEN": "older_people",
    "BE": "newcomers", "O": "open", "C": "closed", "POC": "bame",
}
# Narrower identities we hold as the one audience we model; read, never written.
LGBTQ_TYPES = ("G", "L", "T", "BI", "NB")
ACCESSIBILITY_TYPES = {"X": "wheelchair", "XB": "accessible_toilet", "BA": "childcare"}
# Language types -> ISO 639-1 codes. Welsh has no Meeting Guide type.
LANGUAGE_TYPES = {
    "EN": "en", "FR": "fr", "DE": "de", "POL": "pl", "S": "es", "POR": "pt", "ITA": "it",
    "RUS": "ru", "UK": "uk", "HI": "hi", "PUN": "pa", "JA": "ja", "KOR": "ko", "LT": "lt",
    "HU": "hu", "HR": "hr", "EL": "el", "FA": "fa", "HE": "he", "DA": "da", "NO": "no",
    "SK": "sk", "SV": "sv", "TH": "th", "TL": "tl", "AM": "am", "ML": "ml",
}
ONLINE_TYPE = "ONL"
TEMPORARILY_CLOSED_TYPE = "TC"

UK_TIMEZONES = {"europe/london", "europe/belfast", "gb", "gb-eire"}
UK_COUNTRIES = {
    "uk", "gb", "gbr", "united kingdom", "great britain", "england", "scotland", "wales",
    "northern ireland",
}
_DAY_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b", re.I)
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


def _days(raw: Any, issues: Issues) -> list[int]:
    values = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
    out: list[int] = []
    for value in values:
        day: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            day = value
        elif isinstance(value, str) and value.strip().isdigit():
            day = int(value.strip())
        elif isinstance(value, str) and value.strip().lower() in _DAY_NAMES:
            day = _DAY_NAMES.index(value.strip().lower())
        if day is None or not 0 <= day <= 6:
            issues.add("day", f"day {value!r} is not a day of the week "
                              "(0 = Sunday .. 6 = Saturday)")
            continue
        if to_ours(day) not in out:
            out.append(to_ours(day))
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
    if raw is None:
        return []
    if not isinstance(raw, list):
        issues.add("types", "types must be a list of meeting type codes")
        return []
    return [str(t).strip() for t in raw if str(t).strip()]


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


def _notes(m: dict[str, Any]) -> str | None:
    parts = [text(m.get("notes")), text(m.get("location_notes"))]
    if text(m.get("conference_url_notes")):
        parts.append(f"Online: {text(m.get('conference_url_notes'))}")
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


def meeting_to_records(
    m: dict[str, Any], issues: Issues, fellowship: Fellowship | None = None,
) -> tuple[OrganisationRecord | None, ListingRecord]:
    """One meeting object -> (its organisation, if it names one; the listing).
    `fellowship` is the source's, for meetings that do not name their own."""
    org = _organisation(m)
    if "rc_organisation" in m:
        org = org or OrganisationRecord(slug="", name="")
        apply_overrides(org, m["rc_organisation"], "rc_organisation", issues)
    types = _types(m.get("types"), issues)

    country = text(m.get("country"))
    if country and country.lower() not in UK_COUNTRIES:
        issues.add("country", f"country '{country}' is not the UK")
    zone = text(m.get("timezone"))
    if zone and zone.lower() not in UK_TIMEZONES:
        issues.add("timezone", f"timezone '{zone}' is not UK time (Europe/London)")

    address = ", ".join(p for p in (text(m.get("address")), text(m.get("city"))) if p) or None
    postcode = text(m.get("postal_code"))
    formatted = text(m.get("formatted_address"))
    if formatted and not address:
        address, found = _split_formatted(formatted)
        postcode = postcode or found
    approximate_raw = text(m.get("approximate"))
    if approximate_raw and approximate_raw.lower() not in ("yes", "no"):
        issues.add("approximate", f"approximate '{approximate_raw}' must be yes or no")
    approximate = (approximate_raw or "").lower() == "yes"
    regions = m.get("regions")
    if not address and not postcode and isinstance(regions, list) and regions:
        # Online meetings often say only where they come from: most specific region last.
        address = ", ".join(str(r) for r in reversed(regions) if str(r).strip()) or None
        approximate = True
    latitude = parse_float(m.get("latitude"), "latitude", issues)
    longitude = parse_float(m.get("longitude"), "longitude", issues)

    days = _days(m.get("day"), issues)
    start = parse_time(m.get("time"), "time", issues)
    end = parse_time(m.get("end_time"), "end_time", issues, end=True)
    has_day = m.get("day") not in (None, "", [])
    # The spec: meetings without day and time are "by appointment".
    schedule = ScheduleKind.WEEKLY if has_day or start else ScheduleKind.APPOINTMENT

    online_url, online_phone = text(m.get("conference_url")), text(m.get("conference_phone"))
    attendance, status = _attendance_and_status(
        types, bool(online_url or online_phone),
        bool(address or postcode or latitude is not None) and not approximate,
    )
    audience = [AUDIENCE_TYPES[t] for t in types if t in AUDIENCE_TYPES]
    if any(t in LGBTQ_TYPES for t in types) and "lgbtq" not in audience:
        audience.append("lgbtq")
    listing = ListingRecord(
        slug=text(m.get("slug")) or "",
        organisation_slug=org.slug if org else "",
        name=text(m.get("name")) or "",
        kind="meeting",
        schedule_kind=schedule.value,
        days=days, start_time=start, end_time=end,
        attendance=attendance, venue_name=text(m.get("location")), address=address,
        postcode=postcode, latitude=latitude, longitude=longitude,
        location_approximate=approximate, online_url=online_url, online_phone=online_phone,
        website=text(m.get("url")),
        accessibility=[ACCESSIBILITY_TYPES[t] for t in types if t in ACCESSIBILITY_TYPES],
        audience=audience,
        languages=[LANGUAGE_TYPES[t] for t in types if t in LANGUAGE_TYPES],
        needs=_needs(m, types, fellowship),
        notes=_notes(m), status=status,
        last_verified_at=parse_datetime(m.get("updated"), "updated", issues),
    )
    for key, value in m.items():
        if key.startswith(RC_PREFIX) and key != "rc_organisation":
            override_value(listing, key[len(RC_PREFIX):], value, issues, key)
    return org, listing


def _attendance_and_status(types: list[str], online: bool, place: bool) -> tuple[str, str]:
    """As TSML reads a meeting: join details make it online; join details plus a specific
    address, hybrid; TC ("location temporarily closed") with join details means the
    meeting goes on online, and without them that it is not meeting for now."""
    if TEMPORARILY_CLOSED_TYPE in types:
        if online:
            return Attendance.ONLINE.value, Status.ACTIVE.value
        return Attendance.IN_PERSON.value, Status.TEMPORARILY_CLOSED.value
    if online and place:
        return Attendance.HYBRID.value, Status.ACTIVE.value
    if online or ONLINE_TYPE in types:
        return Attendance.ONLINE.value, Status.ACTIVE.value
    return Attendance.IN_PERSON.value, Status.ACTIVE.value


def read(path: Path, fellowship: str | None = None) -> tuple[ParsedFeed, list[Problem]]:
    """`fellowship` ("GA", "Gamblers Anonymous"): the source's, for the needs of meetings
    that do not name one."""
    feed = ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        return feed, [Problem(path.name, "", f"not valid JSON: {exc.msg} at line "
                                             f"{exc.lineno}, column {exc.colno}")]
    except UnicodeDecodeError:
        return feed, [Problem(path.name, "", "not a UTF-8 text file")]
    if not isinstance(data, list):
        return feed, [Problem(path.name, "", "a Meeting Guide feed is a JSON array of "
                                             "meetings")]
    return parse(data, feed, fellowship=fellowship)


def parse(data: list[Any], feed: ParsedFeed | None = None, *,
          fellowship: str | None = None) -> tuple[ParsedFeed, list[Problem]]:
    feed = feed or ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    problems: list[Problem] = []
    source_fellowship = lookup(fellowship) if fellowship else None
    if fellowship and source_fellowship is None:
        problems.append(Problem("source", "fellowship", f"fellowship '{fellowship}' is not "
                                "one we know (directory/fellowships.py)"))
    orgs: dict[str, OrganisationRecord] = {}
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            problems.append(Problem(f"item {index}", "", "is not a meeting (a JSON object)"))
            continue
        slug = text(item.get("slug"))
        label = f"item {index} (slug '{slug}')" if slug else f"item {index}"
        issues = Issues(label, problems)
        org, listing = meeting_to_records(item, issues, source_fellowship)
        if org is not None and org.slug and org.slug not in orgs:
            orgs[org.slug] = org
            feed.organisations.append(org)
            feed.labels[f"organisation:{org.slug}"] = f"{label}, group '{org.name}'"
        feed.add_listing(listing, label, issues)
    return feed, problems


def _standard(listing: ListingRecord, org: OrganisationRecord | None) -> dict[str, Any]:
    """The meeting in the spec's own fields only."""
    m: dict[str, Any] = {"name": listing.name, "slug": listing.slug}
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
        m["address"] = listing.address
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
    m["types"] = _type_codes(listing)
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
    return m


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
