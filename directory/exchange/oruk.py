"""Open Referral UK: Human Services Data Specification (HSDS) 3.0 JSON with the UK profile.

Specs read: repository openreferral/specification, schema/service.json, organization.json,
organization_identifier.json, location.json, address.json, schedule.json, phone.json,
language.json, accessibility.json, attribute.json and taxonomy_term.json, and the
examples in examples/ (copied unchanged to ../shared/fixtures/openreferral); repository
OpenReferralUK/uk-profile, profile/*.json and schema/compiled/service.json.

Accepted shapes: a single service or organisation object (as the examples), a JSON array of
them, or an API page {"contents": [...]} (the HSDS API's paginated list). An organisation
may nest its services; a service may nest its organisation.

What the standard has no field for is written as HSDS attributes under our own taxonomy
(FIELDS_TAXONOMY), only when needed, so that our round trip keeps every field; attributes
are the standard's own way to classify, so other tools accept and ignore them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from directory.exchange.common import (
    Issues,
    ParsedFeed,
    WriteReport,
    differences,
    dumps,
    override_value,
    parse_date,
    parse_float,
    parse_time,
    slugify,
    text,
)
from directory.models import ACCESSIBILITY, AUDIENCES, Attendance, ScheduleKind, Status
from directory.needs import BY_CODE, NEED_CODES, understand
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.schedule import Schedule, describe
from directory.validation import LANGUAGE_NAMES, Problem

NEEDS_TAXONOMY = "urn:recovery-connector:needs"
AUDIENCE_TAXONOMY = "urn:recovery-connector:audience"
FIELDS_TAXONOMY = "urn:recovery-connector:fields"
# Deterministic identifiers (uuid5) so that exporting twice gives the same file.
_NAMESPACE = uuid.UUID("6f1c3d2e-8a4b-5c6d-9e0f-1a2b3c4d5e6f")

# service.json "status": active, inactive, defunct, temporarily closed.
STATUS_IN = {
    "active": Status.ACTIVE.value, "temporarily closed": Status.TEMPORARILY_CLOSED.value,
    "inactive": Status.CLOSED.value, "defunct": Status.CLOSED.value,
}
STATUS_OUT = {
    Status.ACTIVE.value: "active", Status.TEMPORARILY_CLOSED.value: "temporarily closed",
    Status.CLOSED.value: "defunct",
}
# schedule.json "byday": RFC 5545 weekday codes; ours count 0 = Monday as RFC's list does.
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
# organization_identifier.json: schemes from org-id.guide for UK charity registers.
CHARITY_SCHEMES = {"GB-CHC", "GB-SC", "GB-NIC"}
# accessibility.json is free text; these words say which of our codes it describes.
ACCESSIBILITY_WORDS = {
    "wheelchair": r"wheelchair",
    "hearing_loop": r"(hearing|induction) loop",
    "step_free": r"step[- ]free|level access",
    "accessible_toilet": r"(accessible|disabled) (toilet|bathroom|wc)",
    "parking": r"parking",
    "public_transport": r"public transport|\bbus(es)?\b|\btrain\b|\btram\b",
    "childcare": r"child ?care|cr[eè]che|babysit",
    "interpreter": r"interpret",
    "bsl": r"\bbsl\b|british sign language",
}
ACCESSIBILITY_LABELS = {
    "wheelchair": "Wheelchair access", "hearing_loop": "Hearing loop",
    "step_free": "Step-free access", "accessible_toilet": "Accessible toilet",
    "parking": "Parking", "public_transport": "Near public transport",
    "childcare": "Childcare available", "interpreter": "Interpreters available",
    "bsl": "British Sign Language (BSL)",
}
UK_COUNTRIES = {"gb", "uk", "gbr", "united kingdom", "great britain", "england", "scotland",
                "wales", "northern ireland"}
DIAL_IN = re.compile(r"dial[- ]?in|join", re.IGNORECASE)
SOURCE_FIELDS = {
    "listing.postcode": "postal_code", "listing.website": "url",
    "listing.status_note": "alert", "listing.last_verified_at": "assured_date",
    "listing.last_verified_by": "assurer_email", "listing.venue_name": "location.name",
    "listing.online_url": "location.url", "listing.needs": "attributes",
    "listing.start_time": "opens_at", "listing.end_time": "closes_at",
    "listing.days": "byday", "listing.month_weeks": "byday",
    "listing.anchor_date": "dtstart", "listing.schedule_kind": "freq",
    "listing.organisation_slug": "organization",
}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _number(raw: Any) -> str | None:
    # The HSDS examples write numbers inside literal quotes: "\"+44 1234 234567\"".
    value = text(raw)
    return value.strip('"').strip() or None if value else None


# ---------------------------------------------------------------- reading

def _is_organisation(obj: dict[str, Any]) -> bool:
    if "services" in obj:
        return True
    return not any(k in obj for k in ("status", "organization", "service_at_locations",
                                      "schedules", "organization_id"))


def _attribute_terms(obj: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = []
    for attr in _list(obj.get("attributes")):
        term = attr.get("taxonomy_term")
        if isinstance(term, dict):
            out.append((attr, term))
    # Older ORUK and some exporters list terms directly on the service.
    for term in _list(obj.get("taxonomy_terms")):
        out.append(({}, term))
    return out


def _term_word(term: dict[str, Any]) -> str | None:
    # HSDS 3.0 taxonomy_term has code and name; the UK profile replaces them with "term".
    return text(term.get("code")) or text(term.get("term")) or text(term.get("name"))


def _apply_fields(record: ListingRecord | OrganisationRecord, obj: dict[str, Any],
                  issues: Issues) -> None:
    for attr, term in _attribute_terms(obj):
        if text(term.get("taxonomy")) != FIELDS_TAXONOMY:
            continue
        name = _term_word(term) or ""
        try:
            value = json.loads(attr.get("value") or "null")
        except (TypeError, json.JSONDecodeError):
            issues.add(f"attributes.{name}", "the value is not valid JSON")
            continue
        override_value(record, name, value, issues, f"attributes.{name}")


def organisation_from(obj: dict[str, Any], issues: Issues) -> OrganisationRecord:
    name = text(obj.get("name")) or ""
    charity = None
    for ident in _list(obj.get("organization_identifiers")):
        scheme = (text(ident.get("identifier_scheme")) or "").upper()
        kind = (text(ident.get("identifier_type")) or "").lower()
        if scheme in CHARITY_SCHEMES or "charity" in kind:
            charity = text(ident.get("identifier"))
            break
    org = OrganisationRecord(
        slug=slugify(name), name=name, kind="service",
        description=text(obj.get("description")), website=text(obj.get("website")),
        email=text(obj.get("email")),
        phones=[n for n in (_number(p.get("number")) for p in _list(obj.get("phones"))) if n],
        charity_number=charity,
    )
    _apply_fields(org, obj, issues)
    return org


def _parse_byday(raw: str, issues: Issues) -> list[tuple[int | None, int]] | None:
    out = []
    for token in (t.strip().upper() for t in raw.split(",") if t.strip()):
        m = _BYDAY.match(token)
        if not m:
            issues.add("byday", f"'{token}' is not a day such as MO, 2MO or -1FR")
            return None
        out.append((int(m.group(1)) if m.group(1) else None, WEEKDAYS.index(m.group(2))))
    return out


def _schedule_key(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(str(s.get(k) or "") for k in ("freq", "interval", "byday", "bymonthday",
                                               "opens_at", "closes_at", "dtstart"))


def _schedules(service: dict[str, Any]) -> list[dict[str, Any]]:
    """The service's schedules, wherever HSDS nests them, without repeats (the examples
    give the same schedule on the service, its service_at_location and its location)."""
    found = _list(service.get("schedules"))
    for sal in _list(service.get("service_at_locations")):
        found += _list(sal.get("schedules"))
        location = sal.get("location")
        if isinstance(location, dict):
            found += _list(location.get("schedules"))
    unique: dict[tuple[Any, ...], dict[str, Any]] = {}
    for s in found:
        unique.setdefault(_schedule_key(s), s)
    return list(unique.values())


def _apply_schedule(listing: ListingRecord, service: dict[str, Any], issues: Issues) -> None:
    schedules = _schedules(service)
    if not schedules:
        return
    if len(schedules) > 1:
        # Several weekly schedules with the same hours are one schedule on several days.
        same = {_schedule_key({**s, "byday": ""}) for s in schedules}
        if len(same) == 1 and all((s.get("freq") or "").upper() == "WEEKLY" for s in schedules):
            merged = ",".join(str(s.get("byday") or "") for s in schedules)
            schedules = [{**schedules[0], "byday": merged}]
        else:
            issues.add("schedules", f"has {len(schedules)} different schedules; we keep one "
                                    "per listing, so give each its own service")
            return
    s = schedules[0]
    listing.notes = text(s.get("notes"))
    freq = (text(s.get("freq")) or "").upper()
    byday = _parse_byday(text(s.get("byday")) or "", issues)
    if byday is None:
        return
    interval_raw = s.get("interval")
    try:
        interval = int(interval_raw) if interval_raw not in (None, "") else 1
    except (TypeError, ValueError):
        issues.add("interval", f"interval '{interval_raw}' is not a whole number")
        return
    listing.start_time = parse_time(s.get("opens_at"), "opens_at", issues, allow_offset=True)
    listing.end_time = parse_time(s.get("closes_at"), "closes_at", issues, end=True,
                                  allow_offset=True)
    days = sorted({d for _, d in byday})
    ordinals = sorted({n for n, _ in byday if n is not None}, key=lambda n: (n < 0, n))
    if not freq:
        if byday:
            freq = "WEEKLY"
        elif re.search(r"appointment", text(s.get("description")) or "", re.IGNORECASE):
            listing.schedule_kind = ScheduleKind.APPOINTMENT.value
            return
        else:
            return
    if freq == "WEEKLY":
        if ordinals:
            issues.add("byday", "a weekly schedule cannot name the nth weekday (such as 2MO); "
                                "use freq MONTHLY")
            return
        if interval == 1:
            full_day = listing.start_time in (None, time(0)) and listing.end_time in (
                None, time(0), time(23, 59))
            if len(days) == 7 and full_day:
                listing.schedule_kind = ScheduleKind.ALWAYS_OPEN.value
                listing.start_time = listing.end_time = None
            else:
                listing.schedule_kind = ScheduleKind.WEEKLY.value
            listing.days = days
        elif interval == 2:
            listing.schedule_kind = ScheduleKind.FORTNIGHTLY.value
            listing.days = days
            listing.anchor_date = (parse_date(s.get("dtstart"), "dtstart", issues)
                                   or parse_date(s.get("valid_from"), "valid_from", issues))
        else:
            issues.add("interval", f"every {interval} weeks cannot be stored; we keep weekly, "
                                   "fortnightly and monthly schedules")
    elif freq == "MONTHLY":
        if interval != 1:
            issues.add("interval", f"every {interval} months cannot be stored; we keep "
                                   "monthly schedules")
            return
        if not byday:
            what = f"days of the month ({text(s.get('bymonthday'))})" if text(
                s.get("bymonthday")) else "a monthly schedule without byday"
            issues.add("bymonthday", f"{what} cannot be stored; give the weekday of the "
                                     "month in byday, such as 2MO or -1FR")
            return
        if not ordinals:  # FREQ=MONTHLY;BYDAY=MO is every Monday (RFC 5545)
            listing.schedule_kind = ScheduleKind.WEEKLY.value
            listing.days = days
            return
        if len(byday) != len(days) * len(ordinals) or any(n is None for n, _ in byday):
            issues.add("byday", f"'{text(s.get('byday'))}' mixes weeks and weekdays in a way "
                                "we cannot store (we keep the same weeks for every weekday); "
                                "give each its own service")
            return
        bad = [n for n in ordinals if not (1 <= n <= 5 or n == -1)]
        if bad:
            issues.add("byday", f"week {bad[0]} of the month cannot be stored; use 1 to 5 "
                                "or -1 for the last")
            return
        listing.schedule_kind = ScheduleKind.MONTHLY.value
        listing.days, listing.month_weeks = days, ordinals
    else:
        issues.add("freq", f"freq '{freq}' is not WEEKLY or MONTHLY")


def _address(location: dict[str, Any], issues: Issues) -> tuple[str | None, str | None]:
    addresses = _list(location.get("addresses"))
    if not addresses:
        return None, None
    chosen = next((a for a in addresses if text(a.get("address_type")) == "physical"),
                  addresses[0])
    country = text(chosen.get("country"))
    if country and country.lower() not in UK_COUNTRIES:
        issues.add("country", f"country '{country}' is not the UK")
    parts = [text(chosen.get(k)) for k in ("address_1", "address_2", "city")]
    return ", ".join(p for p in parts if p) or None, text(chosen.get("postal_code"))


def _is_virtual(location: dict[str, Any]) -> bool:
    kind = text(location.get("location_type"))
    if kind:
        return kind.lower() == "virtual"
    # The UK profile drops location_type: a location that is only a link is virtual.
    return bool(text(location.get("url"))) and not _list(location.get("addresses")) and (
        location.get("latitude") is None)


def _apply_locations(listing: ListingRecord, service: dict[str, Any], issues: Issues) -> None:
    locations = [sal["location"] for sal in _list(service.get("service_at_locations"))
                 if isinstance(sal.get("location"), dict)]
    physical = [loc for loc in locations if not _is_virtual(loc)]
    virtual = [loc for loc in locations if _is_virtual(loc)]
    if len(physical) > 1:
        issues.add("service_at_locations", f"has {len(physical)} places; we keep one place "
                                           "per listing, so give each place its own service")
    if physical:
        loc = physical[0]
        listing.venue_name = text(loc.get("name"))
        listing.latitude = parse_float(loc.get("latitude"), "latitude", issues)
        listing.longitude = parse_float(loc.get("longitude"), "longitude", issues)
        listing.address, listing.postcode = _address(loc, issues)
        described = " ".join(
            f"{text(a.get('description')) or ''} {text(a.get('details')) or ''}"
            for a in _list(loc.get("accessibility")))
        listing.accessibility = [code for code in ACCESSIBILITY
                                 if re.search(ACCESSIBILITY_WORDS[code], described, re.I)]
    if virtual:
        loc = virtual[0]
        listing.online_url = text(loc.get("url"))
        numbers = [_number(p.get("number")) for p in _list(loc.get("phones"))]
        listing.online_phone = listing.online_phone or next((n for n in numbers if n), None)
    if physical and virtual:
        listing.attendance = Attendance.HYBRID.value
    elif virtual:
        listing.attendance = Attendance.ONLINE.value
    else:
        listing.attendance = Attendance.IN_PERSON.value


def _apply_terms(listing: ListingRecord, service: dict[str, Any]) -> None:
    needs: list[str] = []
    audience: list[str] = []
    for _, term in _attribute_terms(service):
        taxonomy, word = text(term.get("taxonomy")), _term_word(term)
        if not word or taxonomy == FIELDS_TAXONOMY:
            continue
        if taxonomy == AUDIENCE_TAXONOMY:
            if word in AUDIENCES and word not in audience:
                audience.append(word)
            continue
        code = word if word in NEED_CODES else ""
        if not code and taxonomy != NEEDS_TAXONOMY:
            # Terms from other taxonomies count only when they plainly name one need
            # ("Alcohol", "Gambling"); the rest describe things we do not model.
            found, _ = understand(text(term.get("name")) or word)
            code = next(iter(found)) if len(found) == 1 else ""
        if code and code not in needs:
            needs.append(code)
    listing.needs, listing.audience = needs, audience


def _slug_for(service: dict[str, Any], name: str) -> str:
    ident = re.sub(r"[^a-z0-9]", "", (text(service.get("id")) or "").lower())[:8]
    base = slugify(name, limit=150)
    return f"{base}-{ident}" if ident else base


def listing_from(service: dict[str, Any], org_slug: str, issues: Issues) -> ListingRecord:
    name = text(service.get("name")) or ""
    status_raw = text(service.get("status"))
    status = STATUS_IN.get((status_raw or "").lower())
    if status is None:
        issues.add("status", f"status '{status_raw}' is not active, inactive, defunct or "
                             "temporarily closed" if status_raw else "status is missing")
        status = Status.ACTIVE.value
    verified = parse_date(service.get("assured_date"), "assured_date", issues)
    assurer = text(service.get("assurer_email"))
    listing = ListingRecord(
        slug=_slug_for(service, name), organisation_slug=org_slug, name=name, kind="service",
        description=text(service.get("description")), website=text(service.get("url")),
        status=status, status_note=text(service.get("alert")),
        last_verified_at=datetime(verified.year, verified.month, verified.day, tzinfo=UTC)
        if verified else None,
        last_verified_by=assurer,
        languages=[c for c in (_language(lang) for lang in _list(service.get("languages")))
                   if c],
    )
    for phone in _list(service.get("phones")):
        number = _number(phone.get("number"))
        if number and DIAL_IN.search(text(phone.get("description")) or ""):
            listing.online_phone = listing.online_phone or number
        elif number:
            listing.phone = listing.phone or number
    _apply_locations(listing, service, issues)
    _apply_schedule(listing, service, issues)
    if not _list(service.get("service_at_locations")):
        attending = " ".join(text(s.get("attending_type")) or "" for s in _schedules(service))
        if re.search(r"online|remote|video|virtual", attending, re.I):
            listing.attendance = Attendance.ONLINE.value
        elif listing.phone:
            # No place and no link, but a number: a service one reaches by phone.
            listing.attendance = Attendance.PHONE.value
    _apply_terms(listing, service)
    _apply_fields(listing, service, issues)
    return listing


def _language(lang: dict[str, Any]) -> str | None:
    code = text(lang.get("code"))
    if code:
        return code.lower()
    name = (text(lang.get("name")) or "").lower()
    return LANGUAGE_NAMES.get(name) or (name or None)


def read(path: Path) -> tuple[ParsedFeed, list[Problem]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        return ParsedFeed(source_fields=dict(SOURCE_FIELDS)), [Problem(
            path.name, "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column "
                           f"{exc.colno}")]
    except UnicodeDecodeError:
        return ParsedFeed(), [Problem(path.name, "", "not a UTF-8 text file")]
    return parse(data, path.name)


def parse(data: Any, name: str = "file") -> tuple[ParsedFeed, list[Problem]]:
    feed = ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    problems: list[Problem] = []
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items = data["contents"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        return feed, [Problem(name, "", "an Open Referral file holds a service, an "
                                        "organization, or a list of them")]
    orgs: dict[str, OrganisationRecord] = {}
    by_id: dict[str, str] = {}
    pending: list[tuple[dict[str, Any], str, int]] = []
    for index, obj in enumerate(items, 1):
        if not isinstance(obj, dict):
            problems.append(Problem(f"item {index}", "", "is not a JSON object"))
            continue
        if _is_organisation(obj):
            org = _add_org(obj, feed, orgs, by_id, problems)
            for service in _list(obj.get("services")):
                pending.append((service, org.slug, len(pending) + 1))
        else:
            nested = obj.get("organization")
            org_slug = ""
            if isinstance(nested, dict):
                org_slug = _add_org(nested, feed, orgs, by_id, problems).slug
            pending.append((obj, org_slug, len(pending) + 1))
    for service, org_slug, number in pending:
        slug = org_slug or by_id.get(text(service.get("organization_id")) or "", "")
        label = f"service {number} ('{text(service.get('name')) or ''}')"
        issues = Issues(label, problems)
        feed.add_listing(listing_from(service, slug, issues), label, issues)
    return feed, problems


def _add_org(obj: dict[str, Any], feed: ParsedFeed, orgs: dict[str, OrganisationRecord],
             by_id: dict[str, str], problems: list[Problem]) -> OrganisationRecord:
    label = f"organization '{text(obj.get('name')) or ''}'"
    issues = Issues(label, problems)
    org = organisation_from(obj, issues)
    if org.slug in orgs:
        return orgs[org.slug]
    orgs[org.slug] = org
    if text(obj.get("id")):
        by_id[text(obj.get("id")) or ""] = org.slug
    feed.organisations.append(org)
    feed.labels[f"organisation:{org.slug}"] = label
    if issues.count:
        feed.broken.add(f"organisation:{org.slug}")
    return org


# ---------------------------------------------------------------- writing

def _term(taxonomy: str, word: str, label: str, link_type: str, owner: str,
          value: str | None = None) -> dict[str, Any]:
    attr: dict[str, Any] = {
        "id": _uuid(owner, taxonomy, word),
        "link_type": link_type,
        "taxonomy_term": {
            "id": _uuid(taxonomy, word),
            # code/name/description for HSDS 3.0, term for the UK profile.
            "code": word, "name": label, "description": label, "term": word,
            "taxonomy": taxonomy,
        },
    }
    if value is not None:
        attr["value"] = value
    return attr


def _field_attributes(diff: Mapping[str, Any], owner: str) -> list[dict[str, Any]]:
    return [_term(FIELDS_TAXONOMY, name, name.replace("_", " "), "rc_field", owner,
                  json.dumps(value, ensure_ascii=False)) for name, value in diff.items()]


def _org_object(org: OrganisationRecord) -> dict[str, Any]:
    oid = _uuid("organisation", org.slug)
    obj: dict[str, Any] = {
        "id": oid, "name": org.name, "description": org.description or "",
        "email": org.email, "website": org.website,
        "phones": [{"id": _uuid(oid, "phone", n), "number": n} for n in org.phones],
    }
    if org.charity_number:
        scheme = "GB-SC" if org.charity_number.upper().startswith("SC") else (
            "GB-NIC" if org.charity_number.upper().startswith("NIC") else "GB-CHC")
        obj["organization_identifiers"] = [{
            "id": _uuid(oid, "charity"), "identifier_scheme": scheme,
            "identifier_type": "charity", "identifier": org.charity_number,
        }]
    obj = {k: v for k, v in obj.items() if v is not None}
    diff = differences(org, organisation_from(obj, Issues("export", [])))
    if diff:
        obj["attributes"] = _field_attributes(diff, oid)
    return obj


def _clock(t: time) -> str:
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _schedule_object(listing: ListingRecord, sid: str) -> dict[str, Any] | None:
    kind = listing.schedule_kind
    days = ",".join(WEEKDAYS[d] for d in listing.days if 0 <= d <= 6)
    s: dict[str, Any] = {"id": _uuid(sid, "schedule")}
    if kind == ScheduleKind.ALWAYS_OPEN:
        s.update(freq="WEEKLY", interval=1, byday=",".join(WEEKDAYS), opens_at="00:00",
                 closes_at="23:59")
    elif kind == ScheduleKind.MONTHLY and days:
        s.update(freq="MONTHLY", interval=1, byday=",".join(
            f"{w}{WEEKDAYS[d]}" for w in listing.month_weeks for d in listing.days))
    elif kind in (ScheduleKind.WEEKLY, ScheduleKind.FORTNIGHTLY) and days:
        s.update(freq="WEEKLY", interval=2 if kind == ScheduleKind.FORTNIGHTLY else 1,
                 byday=days)
        if listing.anchor_date:
            s["dtstart"] = listing.anchor_date.isoformat()
    if kind != ScheduleKind.ALWAYS_OPEN:
        if listing.start_time:
            s["opens_at"] = _clock(listing.start_time)
        if listing.end_time:
            s["closes_at"] = _clock(listing.end_time)
    if len(s) == 1 and kind != ScheduleKind.APPOINTMENT and not listing.notes:
        return None
    s["description"] = describe(Schedule(
        kind=kind, days=tuple(listing.days), month_weeks=tuple(listing.month_weeks),
        anchor=listing.anchor_date, start=listing.start_time, end=listing.end_time))
    s["attending_type"] = {"in_person": "In person", "online": "Online",
                           "hybrid": "In person or online", "phone": "By phone"}.get(
                               listing.attendance, listing.attendance)
    if listing.notes:
        s["notes"] = listing.notes
    return s


def _locations(listing: ListingRecord, sid: str) -> list[dict[str, Any]]:
    out = []
    has_place = (listing.venue_name or listing.address or listing.postcode
                 or listing.latitude is not None or listing.accessibility)
    if has_place:
        lid = _uuid(sid, "location", "physical")
        loc: dict[str, Any] = {"id": lid, "location_type": "physical"}
        if listing.venue_name:
            loc["name"] = listing.venue_name
        if listing.latitude is not None and listing.longitude is not None:
            loc["latitude"], loc["longitude"] = listing.latitude, listing.longitude
        if listing.address or listing.postcode:
            first, _, city = (listing.address or "").rpartition(", ")
            if not first:
                first, city = city, ""
            loc["addresses"] = [{
                "id": _uuid(lid, "address"), "address_1": first, "city": city,
                "state_province": "", "postal_code": listing.postcode or "", "country": "GB",
                "address_type": "physical",
            }]
        if listing.accessibility:
            loc["accessibility"] = [{"id": _uuid(lid, "access", code),
                                     "description": ACCESSIBILITY_LABELS.get(code, code)}
                                    for code in listing.accessibility]
        out.append({"id": _uuid(sid, "sal", "physical"), "location": loc})
    if listing.online_url or listing.online_phone or listing.attendance in (
            Attendance.ONLINE, Attendance.HYBRID):
        lid = _uuid(sid, "location", "virtual")
        loc = {"id": lid, "location_type": "virtual", "name": "Online"}
        if listing.online_url:
            loc["url"] = listing.online_url
        if listing.online_phone:
            loc["phones"] = [{"id": _uuid(lid, "phone"), "number": listing.online_phone,
                              "description": "Dial-in number to join online"}]
        out.append({"id": _uuid(sid, "sal", "virtual"), "location": loc})
    return out


def _service_object(listing: ListingRecord, org_slug: str,
                    modified: datetime | None) -> dict[str, Any]:
    sid = _uuid("listing", listing.slug)
    s: dict[str, Any] = {
        "id": sid, "name": listing.name, "description": listing.description,
        "url": listing.website or "", "status": STATUS_OUT.get(listing.status, listing.status),
        "alert": listing.status_note,
    }
    if listing.last_verified_at:
        s["assured_date"] = listing.last_verified_at.astimezone(UTC).date().isoformat()
    if listing.last_verified_by and "@" in listing.last_verified_by:
        s["assurer_email"] = listing.last_verified_by
    if modified is not None:
        when = modified if modified.tzinfo else modified.replace(tzinfo=UTC)
        s["last_modified"] = when.astimezone(UTC).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z")
    if listing.phone:
        s["phones"] = [{"id": _uuid(sid, "phone"), "number": listing.phone, "type": "voice"}]
    if listing.languages:
        names = {code: name.title() for name, code in LANGUAGE_NAMES.items()}
        s["languages"] = [{"id": _uuid(sid, "language", c), "code": c, "name": names.get(c, c)}
                          for c in listing.languages]
    schedule = _schedule_object(listing, sid)
    if schedule:
        s["schedules"] = [schedule]
    locations = _locations(listing, sid)
    if locations:
        s["service_at_locations"] = locations
    attributes = [_term(NEEDS_TAXONOMY, n, BY_CODE[n].label if n in BY_CODE else n, "need",
                        sid) for n in listing.needs]
    attributes += [_term(AUDIENCE_TAXONOMY, a, a.replace("_", " "), "audience", sid)
                   for a in listing.audience]
    s = {k: v for k, v in s.items() if v is not None}
    if attributes:
        s["attributes"] = attributes
    derived = listing_from(s, org_slug, Issues("export", []))
    diff = differences(listing, derived)
    if diff:
        s["attributes"] = attributes + _field_attributes(diff, sid)
    return s


def write(path: Path, feed: Feed, modified: Mapping[str, datetime] | None = None) -> WriteReport:
    """An HSDS API page of organizations, each with its services nested (the shape of
    examples/organization_full.json), so organisations without listings are kept too."""
    modified = modified or {}
    report = WriteReport()
    by_org: dict[str, list[ListingRecord]] = {}
    for listing in feed.listings:
        by_org.setdefault(listing.organisation_slug, []).append(listing)
    contents = []
    for org in feed.organisations:
        obj = _org_object(org)
        obj["services"] = [_service_object(li, org.slug, modified.get(li.slug))
                           for li in by_org.pop(org.slug, [])]
        report.written += len(obj["services"])
        contents.append(obj)
    for slug, listings in by_org.items():
        report.skipped += [f"{li.slug}: its organisation '{slug}' is not in the export"
                           for li in listings]
    page = {"total_items": len(contents), "total_pages": 1, "page_number": 1,
            "size": len(contents), "first_page": True, "last_page": True,
            "empty": not contents, "contents": contents}
    path.write_text(dumps(page), encoding="utf-8")
    return report
