"""Open Referral UK: Human Services Data Specification (HSDS) 3.0 JSON with the UK profile.

Specs read: repository openreferral/specification, schema/service.json, organization.json,
organization_identifier.json, location.json, address.json, schedule.json, phone.json,
language.json, accessibility.json, attribute.json and taxonomy_term.json, and the
examples in examples/ (copied unchanged to ../shared/fixtures/openreferral); repository
OpenReferralUK/uk-profile, profile/*.json and schema/compiled/service.json.

Accepted shapes: a single service, organisation or service_at_location object (as the
examples), a JSON array of them, an API page (HSDS 3.0 {"total_pages":.., "contents": [...]},
schema/openapi.json; Open Referral UK 1.0 {"totalPages":.., "content": [...]}, described at
developers.openreferraluk.org/API-Implementation), several pages at once (read_pages: a
folder of page files or a JSON array of pages, with missing pages refused). An organisation
may nest its services; a service may nest its organisation; a service_at_location carries
its service and location (/service_at_locations answers).

Open Referral UK 1.0, still served by many councils, is read too: its field names come from
the LGA data package (OpenReferralUK/human-services SchemaGenerator/Generator/
ExtendedDataPackage.json) and the 1.0 OpenAPI schemas kept by the ORUK validator
(tpximpact/OpenReferralApi OpenReferralApi/Schemas/V1.0-UK/): regular_schedules (one
weekday each), physical_addresses, accessibility_for_disabilities, service_taxonomys,
languages[].language, contacts[].phones, eligibilitys, organization.url.

Nothing is dropped silently: a field that is read but cannot be kept is listed in
ParsedFeed.notes ("service 3 ('Name'), fees: is not kept: ..."), apart from refusals.

What the standard has no field for is written as HSDS attributes under our own taxonomy
(FIELDS_TAXONOMY), only when needed, so that our round trip keeps every field; attributes
are the standard's own way to classify, so other tools accept and ignore them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from directory.exchange.common import (
    UK_COUNTRIES,
    Issues,
    ParsedFeed,
    WriteReport,
    differences,
    dumps,
    load_json,
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
        description=text(obj.get("description")),
        # HSDS 3.0 organization.website; Open Referral UK 1.0 organization.url.
        website=text(obj.get("website")) or text(obj.get("url")),
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
    if freq.isdigit():
        # Some ORUK 1.0 feeds give freq as a number, which RFC 5545 (HSDS's model) has
        # no meaning for: the weekday or byday then says the week's pattern.
        issues.note("freq", f"freq '{freq}' is not WEEKLY or MONTHLY; read from the days")
        freq = ""
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
    return bool(text(location.get("url"))) and not (
        _list(location.get("addresses")) or _list(location.get("physical_addresses"))) and (
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


def _slug_for(service: dict[str, Any], name: str, ident_raw: str | None = None) -> str:
    ident = re.sub(r"[^a-z0-9]", "", (ident_raw or text(service.get("id")) or "").lower())[:8]
    base = slugify(name, limit=150)
    return f"{base}-{ident}" if ident else base


def listing_from(service: dict[str, Any], org_slug: str, issues: Issues,
                 slug_id: str | None = None) -> ListingRecord:
    """One listing from one service (HSDS 3.0 or Open Referral UK 1.0). `slug_id` is the
    identifier its slug ends with when it is not the service's own (one service at several
    places gives one listing per place)."""
    service = _normalise(service, issues)
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
        slug=_slug_for(service, name, slug_id), organisation_slug=org_slug, name=name,
        kind="service",
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
    if not listing.phone:
        # Many feeds (Open Referral UK 1.0 above all) give the number only on the
        # service_at_location or on a contact; it is still the number people ring.
        fallback = [p for sal in _list(service.get("service_at_locations"))
                    for p in _list(sal.get("phones"))]
        fallback += [p for c in _list(service.get("contacts")) for p in _list(c.get("phones"))]
        listing.phone = next((n for n in (_number(p.get("number")) for p in fallback) if n),
                             None)
    _apply_locations(listing, service, issues)
    _apply_schedule(listing, service, issues)
    if not _list(service.get("service_at_locations")):
        # HSDS 3.0 puts attending_type on schedules; Open Referral UK 1.0 on the service
        # (phone, online, venue, home visit).
        attending = " ".join(text(s.get("attending_type")) or "" for s in _schedules(service))
        attending += " " + (text(service.get("attending_type")) or "")
        if re.search(r"online|remote|video|virtual", attending, re.I):
            listing.attendance = Attendance.ONLINE.value
        elif listing.phone or re.search(r"\bphone\b", attending, re.I):
            # No place and no link, but a number: a service one reaches by phone.
            listing.attendance = Attendance.PHONE.value
    _apply_terms(listing, service)
    listing.audience += [a for a in _eligibility_audience(service) if a not in listing.audience]
    _apply_fields(listing, service, issues)
    return listing


def _language(lang: dict[str, Any]) -> str | None:
    code = text(lang.get("code"))
    if code:
        return code.lower()
    # HSDS 3.0 language.name; Open Referral UK 1.0 language.language, which the data
    # package calls an ISO 639-1 code but real feeds fill with names ("English").
    name = (text(lang.get("name")) or text(lang.get("language")) or "").lower()
    return LANGUAGE_NAMES.get(name) or (name or None)


# ---------------------------------------------------------------- Open Referral UK 1.0

# regular_schedule.weekday: the data package gives no numbering; Outpost (Buckinghamshire
# and others; wearefuturegov/outpost app/helpers/regular_schedule_helper.rb) stores 1 =
# Monday .. 7 = Sunday and serves the day's name, so both are read.
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# eligibility.eligibility (LGA data package): only these name who a group is for.
ELIGIBILITY_AUDIENCE = {"female": "women", "male": "men"}


def _weekday(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    value = text(raw) or ""
    if value.isdigit():
        return int(value) - 1 if 1 <= int(value) <= 7 else None
    word = value.lower()
    day = word[:3]
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return _DAY_NAMES.index(day) if day in _DAY_NAMES and (word == day or word in full) else (
        None)


def _schedule_v1(s: dict[str, Any], issues: Issues) -> dict[str, Any]:
    """An ORUK 1.0 regular_schedule (one weekday each, optionally with iCal fields) as an
    HSDS 3.0 schedule; schedules with the same hours are merged later (_apply_schedule)."""
    out = dict(s)
    raw = s.get("weekday")
    if raw is None or raw == "" or text(s.get("byday")):
        return out  # byday, when given, says more than weekday
    day = _weekday(raw)
    if day is None:
        issues.add("weekday", f"weekday '{raw}' is not a day of the week (1 = Monday .. "
                              "7 = Sunday, or the day's name)")
        return out
    out["byday"] = WEEKDAYS[day]
    if not text(s.get("freq")):
        out["freq"] = "WEEKLY"
    return out


def _location_v1(loc: dict[str, Any], issues: Issues) -> dict[str, Any]:
    out = dict(loc)
    if not _list(loc.get("addresses")) and _list(loc.get("physical_addresses")):
        out["addresses"] = [{**a, "address_type": "physical"}
                            for a in _list(loc.get("physical_addresses"))]
    if not _list(loc.get("accessibility")) and _list(loc.get("accessibility_for_disabilities")):
        out["accessibility"] = [{"description": a.get("accessibility"),
                                 "details": a.get("details")}
                                for a in _list(loc.get("accessibility_for_disabilities"))]
    if not _list(loc.get("schedules")) and _list(loc.get("regular_schedules")):
        out["schedules"] = [_schedule_v1(x, issues) for x in _list(loc["regular_schedules"])]
    return out


def _normalise(service: dict[str, Any], issues: Issues) -> dict[str, Any]:
    """The service with Open Referral UK 1.0 names turned into HSDS 3.0 ones (a copy; an
    HSDS 3.0 service comes back unchanged in substance)."""
    out = dict(service)
    if not _list(service.get("schedules")) and _list(service.get("regular_schedules")):
        out["schedules"] = [_schedule_v1(x, issues)
                            for x in _list(service.get("regular_schedules"))]
    sals = []
    for sal in _list(service.get("service_at_locations")):
        sal = dict(sal)
        if isinstance(sal.get("location"), dict):
            sal["location"] = _location_v1(sal["location"], issues)
        # ORUK 1.0 nests the schedules of a service at one place as "regular_schedule".
        v1 = _list(sal.get("regular_schedules")) or _list(sal.get("regular_schedule"))
        if not _list(sal.get("schedules")) and v1:
            sal["schedules"] = [_schedule_v1(x, issues) for x in v1]
        sals.append(sal)
    if sals:
        out["service_at_locations"] = sals
    if _list(service.get("service_taxonomys")) and not _list(service.get("taxonomy_terms")):
        # service_taxonomy -> taxonomy {id, name, vocabulary, parent}: read like HSDS 3.0
        # taxonomy terms, so a term that plainly names a need counts.
        out["taxonomy_terms"] = [
            {"code": t.get("id"), "name": t.get("name"), "taxonomy": t.get("vocabulary")}
            for t in (st.get("taxonomy") for st in _list(service.get("service_taxonomys")))
            if isinstance(t, dict)]
    return out


def _eligibility_audience(service: dict[str, Any]) -> list[str]:
    found = [ELIGIBILITY_AUDIENCE.get((text(e.get("eligibility")) or "").lower(), "")
             for e in _list(service.get("eligibilitys"))]
    return [a for a in found if a]


# ---------------------------------------------------------------- what is not kept

GENERIC = "the directory has no field for it"
# Bookkeeping of the source (its own ids and change history): our revisions record changes.
SILENT = {"id", "last_modified", "metadata", "organization_id", "service_id", "location_id",
          "service_at_location_id", "program_id", "link_id"}
SERVICE_KEPT = {"name", "description", "url", "status", "alert", "assured_date",
                "assurer_email", "phones", "languages", "schedules", "regular_schedules",
                "service_at_locations", "attributes", "taxonomy_terms", "service_taxonomys",
                "organization", "attending_type"}
NOT_KEPT = {
    "alternate_name": "a listing keeps one name",
    "email": "a listing has no email address of its own (its organisation's is kept)",
    "fees": "costs cannot be stored", "fees_description": "costs cannot be stored",
    "cost_options": "costs cannot be stored",
    "eligibility_description": "who is eligible cannot be stored",
    "minimum_age": "age limits cannot be stored", "maximum_age": "age limits cannot be stored",
    "eligibilitys": "ages and eligibility rules cannot be stored (only 'female' and 'male' "
                    "become the audience women or men)",
    "holiday_schedules": "closures and holiday hours cannot be stored; only the regular "
                         "schedule is kept",
    "service_areas": "the area a service covers cannot be stored",
    "contacts": "named contacts are not kept (a contact's phone number is used when the "
                "service gives none)",
    "description": GENERIC,
}
LOCATION_KEPT = {"name", "latitude", "longitude", "addresses", "physical_addresses",
                 "accessibility", "accessibility_for_disabilities", "location_type",
                 "schedules", "regular_schedules"}
VIRTUAL_KEPT = {"name", "location_type", "url", "phones", "schedules", "regular_schedules"}
ADDRESS_KEPT = {"address_1", "address_2", "city", "postal_code", "country", "address_type"}
SAL_KEPT = {"location", "schedules", "regular_schedule", "regular_schedules", "phones",
            "service"}
SCHEDULE_KEPT = {"freq", "interval", "byday", "opens_at", "closes_at", "dtstart", "notes",
                 "attending_type", "weekday"}
SCHEDULE_NOT_KEPT = {
    "description": "the schedule is kept from freq, byday, weekday, opens_at and closes_at, "
                   "and described from those",
    "valid_from": "a start date is kept only as the first date of a fortnightly schedule",
    "valid_to": "the date a schedule ends cannot be stored",
}
PHONE_KEPT = {"number", "type", "description"}
LANGUAGE_KEPT = {"name", "code", "language"}
ORGANISATION_KEPT = {"name", "description", "email", "website", "url", "phones",
                     "organization_identifiers", "attributes", "services"}


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


class _Notes:
    """Collects "is not kept" notes for one record, once per field."""

    def __init__(self, item: str, sink: list[Problem]) -> None:
        self.item, self.sink, self.seen = item, sink, set()

    def add(self, name: str, reason: str) -> None:
        if name not in self.seen:
            self.seen.add(name)
            self.sink.append(Problem(self.item, name, f"is not kept: {reason}"))

    def keys(self, obj: dict[str, Any], kept: set[str], prefix: str,
             reasons: Mapping[str, str] | None = None) -> None:
        for key, value in obj.items():
            if key in kept or key in SILENT or not _filled(value):
                continue
            why = (reasons or {}).get(key) or NOT_KEPT.get(key) or GENERIC
            self.add(f"{prefix}{key}", why)


def _note_schedules(notes: _Notes, schedules: list[dict[str, Any]], prefix: str) -> None:
    for sched in schedules:
        notes.keys(sched, SCHEDULE_KEPT, prefix, SCHEDULE_NOT_KEPT)


def _note_unmapped(service: dict[str, Any], item: str, sink: list[Problem]) -> None:
    """A note for every filled field of the service that its listing cannot keep."""
    notes = _Notes(item, sink)
    rules = _list(service.get("eligibilitys"))
    # Eligibility that only says "female" or "male" is kept whole, as the audience.
    whole = all((text(e.get("eligibility")) or "").lower() in ELIGIBILITY_AUDIENCE
                and not _filled(e.get("minimum_age")) and not _filled(e.get("maximum_age"))
                for e in rules)
    notes.keys(service, SERVICE_KEPT | ({"eligibilitys"} if whole else set()), "")
    for phone in _list(service.get("phones")):
        notes.keys(phone, PHONE_KEPT, "phones.")
    for lang in _list(service.get("languages")):
        notes.keys(lang, LANGUAGE_KEPT, "languages.")
    key = "schedules" if _list(service.get("schedules")) else "regular_schedules"
    _note_schedules(notes, _list(service.get(key)), f"{key}.")
    physical = 0
    for sal in _list(service.get("service_at_locations")):
        notes.keys(sal, SAL_KEPT, "service_at_locations.")
        for k in ("schedules", "regular_schedules", "regular_schedule"):
            _note_schedules(notes, _list(sal.get(k)), f"service_at_locations.{k}.")
        loc = sal.get("location")
        if not isinstance(loc, dict):
            continue
        where = "service_at_locations.location."
        if _is_virtual(loc):
            notes.keys(loc, VIRTUAL_KEPT, where)
            continue
        physical += 1
        notes.keys(loc, LOCATION_KEPT, where, {
            "phones": "a place's own phone numbers are not kept (the service's are)",
            "url": "a place's web page is not kept (the service's is)",
            "transportation": "directions cannot be stored; say them in the description"})
        addresses = _list(loc.get("addresses")) or _list(loc.get("physical_addresses"))
        key = "addresses" if _list(loc.get("addresses")) else "physical_addresses"
        if len(addresses) > 1:
            notes.add(f"{where}{key}", f"only one of its {len(addresses)} addresses is kept "
                                       "(the physical one)")
        for addr in addresses[:1]:
            city = (text(addr.get("city")) or "").lower()
            extra = {k: v for k, v in addr.items()
                     if not (k == "state_province" and (text(v) or "").lower() == city)}
            notes.keys(extra, ADDRESS_KEPT, f"{where}{key}.", {
                "state_province": "the county or region is not part of the address we keep",
                "uprn": "the property reference (UPRN) cannot be stored",
                "external_identifier": "the property reference cannot be stored"})
        for k in ("schedules", "regular_schedules"):
            _note_schedules(notes, _list(loc.get(k)), f"{where}{k}.")
    # Terms of other taxonomies that name no need: the directory cannot file them.
    normal = _normalise(service, Issues("notes", []))
    unused = []
    for _, term in _attribute_terms(normal):
        taxonomy = text(term.get("taxonomy"))
        if taxonomy in (NEEDS_TAXONOMY, AUDIENCE_TAXONOMY, FIELDS_TAXONOMY):
            continue
        word = _term_word(term) or ""
        found, _ = understand(text(term.get("name")) or word)
        if word not in NEED_CODES and len(found) != 1:
            unused.append(text(term.get("name")) or word)
    if unused:
        field_name = "service_taxonomys" if _list(service.get("service_taxonomys")) else (
            "attributes")
        shown = ", ".join(f"'{u}'" for u in unused[:5]) + (" ..." if len(unused) > 5 else "")
        notes.add(field_name, f"{shown} name no need the directory files groups by")


def _note_organisation(obj: dict[str, Any], item: str, sink: list[Problem]) -> None:
    notes = _Notes(item, sink)
    notes.keys(obj, ORGANISATION_KEPT, "", {
        "alternate_name": "an organisation keeps one name",
        "logo": "logos are not stored", "uri": "a second web address cannot be stored",
        "locations": "only places linked to a service are kept"})


# ---------------------------------------------------------------- reading files

@dataclass(slots=True)
class PageInfo:
    number: int | None
    total_pages: int | None
    total_items: int | None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def page_items(data: Any) -> list[Any] | None:
    """The records of an API page, or None if `data` is not a page. HSDS 3.0 pages hold
    "contents" (schema/openapi.json); Open Referral UK 1.0 pages hold "content" beside
    totalElements/totalPages/number (Spring Data's page)."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("contents"), list):
        return list(data["contents"])
    v1 = ("totalElements", "totalPages", "number", "first", "last")
    if isinstance(data.get("content"), list) and any(k in data for k in v1):
        return list(data["content"])
    return None


def page_info(data: dict[str, Any]) -> PageInfo:
    def first(*keys: str) -> int | None:
        return next((_int(data.get(k)) for k in keys if _int(data.get(k)) is not None), None)
    return PageInfo(first("page_number", "number"), first("total_pages", "totalPages"),
                    first("total_items", "totalElements"))


def read(path: Path) -> tuple[ParsedFeed, list[Problem]]:
    """One file (a record, an array, a page or an array of pages), or a folder of pages."""
    path = Path(path)
    if path.is_dir():
        return read_pages(path)
    data, problem = load_json(path)
    if problem:
        return ParsedFeed(source_fields=dict(SOURCE_FIELDS)), [problem]
    return parse(data, path.name)


def read_pages(paths: str | Path | Iterable[str | Path]) -> tuple[ParsedFeed, list[Problem]]:
    """Every page of a paginated API answer (/services?page=N) as one feed: a folder of
    page files (every .json in it), a list of files, or one file holding a JSON array of
    pages. Pages are put in order by their page number; a missing page, a page given twice
    with different records, or pages that disagree about the total are refused: importing
    part of a directory would quietly leave out its other services."""
    if isinstance(paths, str | Path):
        root = Path(paths)
        files = sorted(root.glob("*.json")) if root.is_dir() else [root]
        name = root.name
        if root.is_dir() and not files:
            return ParsedFeed(source_fields=dict(SOURCE_FIELDS)), [
                Problem(name, "", "the folder has no .json page files")]
    else:
        files = [Path(p) for p in paths]
        name = "pages"
    pages: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for file in files:
        data, problem = load_json(file)
        if problem:
            problems.append(problem)
        elif page_items(data) is not None:
            pages.append((file.name, data))
        elif isinstance(data, list) and data and all(page_items(d) is not None for d in data):
            pages += [(f"{file.name} page object {i}", d) for i, d in enumerate(data, 1)]
        else:
            problems.append(Problem(file.name, "", "is not an API page (an object with "
                                                   "'contents' and 'page_number')"))
    feed, more = _parse_pages(pages, name)
    return feed, problems + more


def _page_list(numbers: list[int]) -> str:
    words = [str(n) for n in numbers[:10]] + (["..."] if len(numbers) > 10 else [])
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(words)


def _parse_pages(pages: list[tuple[str, dict[str, Any]]],
                 name: str) -> tuple[ParsedFeed, list[Problem]]:
    problems: list[Problem] = []
    infos = [(label, page, page_info(page)) for label, page in pages]
    numbers = [i.number for _, _, i in infos if i.number is not None]
    # Spring Data (behind many ORUK 1.0 APIs) counts pages from 0; HSDS 3.0 from 1.
    shift = 1 if 0 in numbers else 0
    totals = sorted({i.total_pages for _, _, i in infos if i.total_pages is not None})
    if len(totals) > 1:
        problems.append(Problem(name, "total_pages", f"the pages disagree about how many "
                                f"pages there are ({', '.join(map(str, totals))}): the "
                                "directory changed while they were fetched; fetch them again"))
    by_number: dict[int, tuple[str, dict[str, Any]]] = {}
    for label, page, info in infos:
        if info.number is None:
            problems.append(Problem(label, "page_number", "the page has no page number, so "
                                                          "missing pages cannot be told"))
            continue
        number = info.number + shift
        if number in by_number:
            if page_items(by_number[number][1]) != page_items(page):
                problems.append(Problem(label, "page_number", f"page {number} is given twice "
                                        f"with different records ({by_number[number][0]})"))
            continue
        by_number[number] = (label, page)
    total = max([*totals, *by_number, 0])
    missing = [n for n in range(1, total + 1) if n not in by_number]
    if missing:
        problems.append(Problem(name, "page_number", f"{_page_list(missing)} of {total} "
                                "missing: importing part of a directory would leave out its "
                                "other services; fetch every page (?page=N)"))
    items: list[Any] = []
    for number in sorted(by_number):
        items += page_items(by_number[number][1]) or []
    declared = {i.total_items for _, _, i in infos if i.total_items is not None}
    if not missing and len(declared) == 1 and (count := declared.pop()) != len(items):
        problems.append(Problem(name, "total_items", f"the pages hold {len(items)} records "
                                f"but total_items says {count}: the directory changed while "
                                "they were fetched; fetch them again"))
    feed = ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    _parse_items(items, feed, problems)
    return feed, problems


def parse(data: Any, name: str = "file") -> tuple[ParsedFeed, list[Problem]]:
    if isinstance(data, list) and data and all(page_items(d) is not None for d in data):
        return _parse_pages([(f"{name} page object {i}", d) for i, d in enumerate(data, 1)],
                            name)
    feed = ParsedFeed(source_fields=dict(SOURCE_FIELDS))
    problems: list[Problem] = []
    items = page_items(data)
    if items is not None:
        info = page_info(data)
        if info.total_pages and info.total_pages > 1:
            feed.notes.append(Problem(name, "total_pages", (
                f"is not kept whole: this file is one page of {info.total_pages}; the "
                "services on the other pages are not in it (give every page, as a folder of "
                "page files, to import the whole directory)")))
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        return feed, [Problem(name, "", "an Open Referral file holds a service, an "
                                        "organization, or a list of them")]
    _parse_items(items, feed, problems)
    return feed, problems


def _from_service_at_location(sal: dict[str, Any]) -> dict[str, Any]:
    """A service_at_location record (/service_at_locations; examples/
    service_at_location_full.json) as its service, linked to that one place."""
    service = dict(sal["service"])
    link = {k: v for k, v in sal.items() if k != "service"}
    service["service_at_locations"] = [link, *[
        s for s in _list(service.get("service_at_locations"))
        if text(s.get("id")) != text(sal.get("id"))]]
    return service


def _places(service: dict[str, Any]) -> list[tuple[dict[str, Any], str | None, str | None]]:
    """One service delivered at several places gives one listing per place (a listing has
    one place): (the service at that place only, the place's name, its identifier)."""
    sals = _list(service.get("service_at_locations"))
    physical = [s for s in sals
                if isinstance(s.get("location"), dict) and not _is_virtual(s["location"])]
    if len(physical) < 2:
        return [(service, None, None)]
    others = [s for s in sals if not any(s is p for p in physical)]
    out = []
    for index, sal in enumerate(physical, 1):
        loc = sal["location"]
        ident = text(sal.get("id")) or text(loc.get("id")) or str(index)
        out.append(({**service, "service_at_locations": [sal, *others]},
                    text(loc.get("name")) or f"place {index}", ident))
    return out


def _parse_items(items: list[Any], feed: ParsedFeed, problems: list[Problem]) -> None:
    orgs: dict[str, OrganisationRecord] = {}
    by_id: dict[str, str] = {}
    # (service, organisation slug, what the file calls it, identifier for its slug)
    pending: list[tuple[dict[str, Any], str, str, str | None]] = []
    sal_services = Counter(text(o["service"].get("id")) for o in items
                           if isinstance(o, dict) and isinstance(o.get("service"), dict))
    counts = Counter[str]()
    for index, obj in enumerate(items, 1):
        if not isinstance(obj, dict):
            problems.append(Problem(f"item {index}", "", "is not a JSON object"))
            continue
        if isinstance(obj.get("service"), dict):
            service = _from_service_at_location(obj)
            org_slug = ""
            if isinstance(service.get("organization"), dict):
                org_slug = _add_org(service["organization"], feed, orgs, by_id, problems).slug
            counts["service_at_location"] += 1
            label = (f"service_at_location {counts['service_at_location']} "
                     f"('{text(service.get('name')) or ''}')")
            # The same service at two places comes as two records: each its own listing.
            slug_id = text(obj.get("id")) if sal_services[text(service.get("id"))] > 1 else None
            pending.append((service, org_slug, label, slug_id))
            continue
        if _is_organisation(obj):
            org = _add_org(obj, feed, orgs, by_id, problems)
            services = _list(obj.get("services"))
        else:
            nested = obj.get("organization")
            org_slug = ""
            if isinstance(nested, dict):
                org_slug = _add_org(nested, feed, orgs, by_id, problems).slug
            services, org = [obj], None
        for service in services:
            counts["service"] += 1
            label = f"service {counts['service']} ('{text(service.get('name')) or ''}')"
            pending.append((service, org.slug if org else org_slug, label, None))
    for service, org_slug, label, slug_id in pending:
        slug = org_slug or by_id.get(text(service.get("organization_id")) or "", "")
        _note_unmapped(service, label, feed.notes)
        for one, where, place_id in _places(service):
            item = label if where is None else f"{label} at '{where}'"
            issues = Issues(item, problems, feed.notes)
            feed.add_listing(listing_from(one, slug, issues, place_id or slug_id), item, issues)


def _add_org(obj: dict[str, Any], feed: ParsedFeed, orgs: dict[str, OrganisationRecord],
             by_id: dict[str, str], problems: list[Problem]) -> OrganisationRecord:
    label = f"organization '{text(obj.get('name')) or ''}'"
    issues = Issues(label, problems)
    org = organisation_from(obj, issues)
    if org.slug in orgs:
        return orgs[org.slug]
    orgs[org.slug] = org
    _note_organisation(obj, label, feed.notes)
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
    obj = _prune(obj)
    diff = differences(org, organisation_from(obj, Issues("export", [])))
    if diff:
        obj["attributes"] = _field_attributes(diff, oid)
    return obj


# Fields the HSDS 3.0 schemas type with a "format" (uri, email, date, date-time, time):
# an empty string fails validation there, so an empty one is left out, never written "".
FORMAT_FIELDS = {"url", "website", "email", "assurer_email", "logo", "uri", "assured_date",
                 "last_modified", "dtstart", "valid_from", "valid_to", "opens_at",
                 "closes_at", "schedule_link"}


def _prune(value: Any) -> Any:
    """Drop None everywhere, and empty strings where the schema expects a format."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items()
                if v is not None and not (k in FORMAT_FIELDS and v == "")}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


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
        "url": listing.website, "status": STATUS_OUT.get(listing.status, listing.status),
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
    s = _prune(s)
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
