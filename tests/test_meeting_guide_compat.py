"""Meeting Guide feeds read as the spec (code4recovery/spec) and its two main readers,
tsml-ui (src/helpers/load-meeting-data.ts) and the 12 Step Meeting List plugin
(includes/functions_import.php, tsml_import_sanitize_meetings()), read them.

Real records from the peers' own tests and templates (tests/data/meeting_guide/README.md)
are read as they are (all in the USA: in-person ones must be refused by where they are)
and moved to UK places (only the address, coordinates and time zone change), and what we
make of them is compared field by field with what the peers make of the same record.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.exchange import export_feed, meeting_guide, read_feed
from directory.geography import Gazetteer
from directory.importer import import_file
from directory.models import Listing, Organisation
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.validation import Problem, foreign_place, validate_feed

DATA = Path(__file__).parent / "data" / "meeting_guide"
# A Monday in winter, when New York is five hours behind London.
WINTER = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def geo() -> Gazetteer:
    return Gazetteer.default()


def _records(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text())


def _parse(data: list[dict[str, Any]], **kw: Any) -> tuple[Feed, list[Problem]]:
    return meeting_guide.parse(copy.deepcopy(data), reference=WINTER, **kw)


def _moved(data: list[dict[str, Any]], places: dict[str, dict[str, Any]]) -> list[dict]:
    """The records with only their place (and time zone) replaced; None removes a key."""
    out = []
    for m in copy.deepcopy(data):
        for key, value in places.get(m["slug"], {}).items():
            if value is None:
                m.pop(key, None)
            else:
                m[key] = value
        out.append(m)
    return out


def _all_problems(feed: Feed, parse_problems: list[Problem],
                  geo: Gazetteer) -> dict[str, list[Problem]]:
    """Problems by record label, parse and validation together."""
    out: dict[str, list[Problem]] = {}
    for p in parse_problems:
        out.setdefault(p.item, []).append(p)
    for problems in validate_feed(feed, geo).values():
        for p in problems:
            out.setdefault(p.item, []).append(p)
    return out


def _tsml_view(li: ListingRecord) -> dict[str, bool]:
    """Our listing in tsml-ui's terms (load-meeting-data.ts: isInPerson, isOnline,
    isActive)."""
    active = li.status == "active"
    return {"isInPerson": active and li.attendance in ("in_person", "hybrid"),
            "isOnline": li.attendance in ("online", "hybrid") and active,
            "isActive": active}


# ------------------------------------------------------------------ tsml-ui's own records

# What tsml-ui's tests assert for these records (load-meeting-data.spec.ts,
# inactive-meetings-filter.spec.ts; json.ts's three by the same code: "in-person" has a
# street address, "online" a Zoom link and a town, "inactive" neither).
TSML_UI_EXPECTED = {
    "test-meeting": {"isInPerson": True, "isOnline": False, "isActive": True},
    "inactive-meeting": {"isInPerson": False, "isOnline": False, "isActive": False},
    "zoom-reg-meeting": {"isInPerson": False, "isOnline": True, "isActive": True},
    "zoom-join-meeting": {"isInPerson": False, "isOnline": True, "isActive": True},
    "inactive-women": {"isInPerson": False, "isOnline": False, "isActive": False},
    "in-person": {"isInPerson": True, "isOnline": False, "isActive": True},
    "online": {"isInPerson": False, "isOnline": True, "isActive": True},
    "inactive": {"isInPerson": False, "isOnline": False, "isActive": False},
}
TSML_UI_TO_UK = {
    "test-meeting": {"address": "12 Park Row", "city": "Leeds", "state": None,
                     "country": "UK", "latitude": 53.79536, "longitude": -1.54511},
    "inactive-meeting": {"formatted_address": "Leeds, UK", "latitude": 53.7997,
                         "longitude": -1.5492},
    "zoom-reg-meeting": {"formatted_address": "Online, UK"},
    "zoom-join-meeting": {"formatted_address": "Online, UK"},
    "inactive-women": {"formatted_address": "Sheffield, UK"},
    "in-person": {"formatted_address": "1 Piccadilly Gardens, Manchester, M1 1AD, UK",
                  "timezone": "Europe/London", "regions": ["Manchester"]},
    # Stays in New York's time zone: an online meeting from abroad is listed in UK time.
    "online": {"formatted_address": "London, UK"},
    "inactive": {"formatted_address": "York, UK", "timezone": "Europe/London",
                 "regions": ["York"]},
}


def test_tsml_ui_records_moved_to_the_uk_read_as_tsml_ui_reads_them(geo: Gazetteer) -> None:
    data = _moved(_records("tsml_ui_records.json"), TSML_UI_TO_UK)
    feed, problems = _parse(data, timezone="Europe/London")
    assert problems == []
    assert validate_feed(feed, geo) == {}
    got = {li.slug: _tsml_view(li) for li in feed.listings}
    assert got == TSML_UI_EXPECTED
    by = {li.slug: li for li in feed.listings}
    # Field by field where tsml-ui's tests say more.
    assert by["test-meeting"].days == [6] and by["test-meeting"].start_time == time(9)
    assert by["test-meeting"].address == "12 Park Row, Leeds"
    assert not by["test-meeting"].location_approximate  # tsml-ui: approximate false
    assert by["inactive-meeting"].schedule_kind == "appointment"  # no day, no time
    assert by["inactive-meeting"].status_note == meeting_guide.INACTIVE_NOTE
    assert by["zoom-reg-meeting"].online_url.startswith("https://us02web.zoom.us/meeting/")
    assert by["inactive-women"].audience == ["women"] and by["inactive-women"].days == [4]
    assert set(by["in-person"].audience) == {"open", "men"}
    assert by["in-person"].accessibility == ["wheelchair"]
    # tsml-ui shows a New York meeting in the page's zone: Monday 09:00 there is 14:00 here.
    assert (by["online"].days, by["online"].start_time) == ([0], time(14))


def test_tsml_ui_records_as_they_are_are_refused_by_where_they_are(geo: Gazetteer) -> None:
    feed, problems = _parse(_records("tsml_ui_records.json"))
    found = _all_problems(feed, problems, geo)
    refused = {item.split("'")[1] for item in found}
    # Every in-person (or inactive) meeting is in the USA; the online ones are listed,
    # from abroad, without their foreign place.
    assert refused == {"test-meeting", "inactive-meeting", "inactive-women", "in-person",
                       "inactive"}
    fields = {p.field for p in found["item 1 (slug 'test-meeting')"]}
    assert {"country", "latitude", "address"} <= fields
    assert any(p.field == "address" and "'USA'" in p.reason
               for p in found["item 5 (slug 'inactive-women')"])
    assert {p.field for p in found["item 6 (slug 'in-person')"]} >= {"timezone", "address"}
    online = {li.slug: li for li in feed.listings}["online"]
    assert online.attendance == "online" and online.latitude is None


# ------------------------------------------------------------------ the plugin's template

def test_plugin_template_rows_moved_to_the_uk_read_as_the_plugin_reads_them(
        geo: Gazetteer) -> None:
    rows = _records("tsml_template_rows.json")
    uk = {m["slug"]: {"address": "12 Park Row, Leeds LS1 5DL, UK",
                      "timezone": "Europe/London"} for m in rows}
    feed, problems = _parse(_moved(rows, uk))
    assert problems == []
    assert validate_feed(feed, geo) == {}
    by = {li.slug: li for li in feed.listings}
    # The plugin: tsml_format_time_reverse("6:00 PM") is 18:00; "Monday" is day 1.
    first = by["after-work-topic-meeting"]
    assert (first.days, first.start_time) == ([0], time(18))
    assert first.address == "12 Park Row, Leeds" and first.postcode == "LS1 5DL"
    assert first.audience == ["open"] and first.accessibility == ["wheelchair"]
    assert first.attendance == "in_person" and first.status == "active"
    assert by["faith-at-work"].start_time == time(6, 30) and by["faith-at-work"].days == [1]
    assert set(by["the-shared-gift"].audience) == {"closed", "women"}  # "Closed, Women"
    # "2020-04-0416:50:58" is no date: left out (the plugin uses the import time), said.
    assert all(li.last_verified_at is None for li in feed.listings)
    assert any(n.field == "updated" for n in feed.notes)
    orgs = {o.slug for o in feed.organisations}
    assert "saturday-nite-live" in orgs  # its group
    assert first.organisation_slug == "saturday-nite-live"
    assert by["life-on-lifes-terms"].organisation_slug == "unaffiliated-meeting-guide"


def test_plugin_template_rows_as_they_are_are_refused(geo: Gazetteer) -> None:
    feed, problems = _parse(_records("tsml_template_rows.json"))
    found = _all_problems(feed, problems, geo)
    assert len(found) == 8
    first = {p.field: p.reason for p in found["item 1 (slug 'after-work-topic-meeting')"]}
    assert "America/Los_Angeles" in first["timezone"]
    assert "'CA 95124'" in first["address"]


# ------------------------------------------------------------------ types, days, times

def _one(**fields: Any) -> dict[str, Any]:
    return {"name": "Tuesday Night", "slug": "m", "day": 2, "time": "19:00",
            "formatted_address": "12 Park Row, Leeds LS1 5DL, UK", **fields}


def _read_one(**fields: Any) -> tuple[ListingRecord, list[Problem], Feed]:
    feed, problems = _parse([_one(**fields)])
    return feed.listings[0], problems, feed


@pytest.mark.parametrize("types", [["O", "W"], "O, W", "Open, Women", ["open", "women"],
                                   ["Open", "W"], "O,W"])
def test_types_as_list_or_text_codes_or_names(types: Any) -> None:
    li, problems, _ = _read_one(types=types)
    assert problems == [] and li.audience == ["open", "women"]


def test_open_and_closed_is_closed_as_the_plugin_decides() -> None:
    li, _, _ = _read_one(types=["O", "C", "X"])
    assert li.audience == ["closed"] and li.accessibility == ["wheelchair"]


def test_online_type_needs_join_details_as_the_plugin_decides() -> None:
    # No join details: ONL is dropped; a street address makes it in person.
    li, problems, feed = _read_one(types=["ONL", "O"])
    assert problems == [] and (li.attendance, li.status) == ("in_person", "active")
    assert any("ONL" in n.reason for n in feed.notes)
    # No join details and only a town: neither in person nor online ("inactive").
    li, _, _ = _read_one(types="Online", formatted_address="Leeds, UK")
    assert (li.attendance, li.status) == ("in_person", "temporarily_closed")
    # A Zoom link and only a town: online only (tsml-ui: approximate + online).
    li, _, _ = _read_one(types="Online", formatted_address="Leeds, UK",
                         conference_url="https://zoom.us/j/85512345678")
    assert li.attendance == "online" and li.location_approximate
    # A link and a street address: both (the plugin: hybrid).
    li, _, _ = _read_one(conference_url="https://zoom.us/j/85512345678")
    assert li.attendance == "hybrid"
    # Location temporarily closed with a link: goes on online.
    li, _, _ = _read_one(types=["TC", "ONL"], conference_url="https://zoom.us/j/1234567890")
    assert (li.attendance, li.status) == ("online", "active")
    # A link to no video service: not joining details (both peers drop it).
    li, _, _ = _read_one(conference_url="https://example.org/our-meetings")
    assert li.online_url is None and li.attendance == "in_person"


@pytest.mark.parametrize(("day", "ours"), [(2, [1]), ("2", [1]), ("Tuesday", [1]),
                                           ("tue", [1]), ([1, "wednesday", "5"], [0, 2, 4]),
                                           (0, [6])])
def test_day_forms(day: Any, ours: list[int]) -> None:
    li, problems, _ = _read_one(day=day)
    assert problems == [] and li.days == ours


@pytest.mark.parametrize(("raw", "want"), [("7:30 PM", time(19, 30)), ("7:30pm", time(19, 30)),
                                           ("19:30:00", time(19, 30)), ("7pm", time(19)),
                                           ("12:15 AM", time(0, 15)), ("noon", time(12)),
                                           ("07:30", time(7, 30))])
def test_twelve_and_twenty_four_hour_times(raw: str, want: time) -> None:
    li, problems, _ = _read_one(time=raw)
    assert problems == [] and li.start_time == want


def test_a_day_without_a_time_is_by_appointment_as_both_peers_list_it() -> None:
    li, problems, _ = _read_one(time=None)
    assert problems == [] and li.schedule_kind == "appointment" and li.days == []


def test_unknown_updated_is_tolerated_and_noted() -> None:
    li, problems, feed = _read_one(updated="last Tuesday")
    assert problems == [] and li.last_verified_at is None
    assert [n.field for n in feed.notes] == ["updated"]
    li, _, _ = _read_one(updated="03/01/2025")  # strtotime's month/day/year
    assert li.last_verified_at == datetime(2025, 3, 1, tzinfo=UTC)


def test_every_spec_language_type_is_a_language(geo: Gazetteer) -> None:
    codes = list(meeting_guide.LANGUAGE_TYPES)
    li, problems, feed = _read_one(types=codes)
    assert problems == [] and validate_feed(feed, geo) == {}
    assert len(li.languages) == len(codes) == 39
    assert {"es", "pl", "pt", "tr", "ase"} <= set(li.languages)


def test_long_dial_in_strings_fit_and_nothing_is_lost(geo: Gazetteer) -> None:
    whole = "+44 20 3481 5240,,85512345678#,,,,*123456#,,,,0#"
    li, problems, feed = _read_one(conference_phone=whole)
    assert problems == [] and validate_feed(feed, geo) == {}
    assert li.online_phone == whole  # 49 characters: the column holds 100 (migration 0015)
    longer = whole + ",,,," + ",,".join(["1234567890"] * 6) + "#"  # 125 characters
    li, problems, feed = _read_one(conference_phone=longer)
    assert problems == [] and validate_feed(feed, geo) == {}
    # Cut at a one-tap pause: the number, meeting ID and passcode still dial.
    assert li.online_phone is not None and len(li.online_phone) <= 100
    assert li.online_phone.startswith("+442034815240,,85512345678#,,,,*123456#,,,,0#")
    assert not li.online_phone.endswith(",")
    assert longer in (li.notes or "")
    li, _, _ = _read_one(conference_phone="+1 646 558 8656,,85012345678#")  # fits as it is
    assert li.online_phone == "+1 646 558 8656,,85012345678#"
    li, _, feed = _read_one(conference_phone="123")  # tsml-ui needs ten digits
    assert li.online_phone is None and feed.notes


# ------------------------------------------------------------------ time zones

def test_online_meetings_from_other_time_zones_are_in_uk_time() -> None:
    # Monday 20:00 in New York is Tuesday 01:00 in London in January.
    li, problems, _ = _read_one(day=1, time="20:00", end_time="21:00",
                                timezone="America/New_York", formatted_address="New York, USA",
                                conference_url="https://zoom.us/j/85512345678")
    assert problems == []
    assert (li.days, li.start_time, li.end_time) == ([1], time(1), time(2))
    # The plugin's names for zones: "Eastern", "new york".
    for zone in ("Eastern", "new york"):
        other, problems, _ = _read_one(day=1, time="20:00", timezone=zone,
                                       formatted_address="Online",
                                       conference_url="https://zoom.us/j/85512345678")
        assert problems == [] and (other.days, other.start_time) == ([1], time(1))


def test_in_person_meetings_in_other_time_zones_are_refused() -> None:
    _, problems, _ = _read_one(timezone="America/Edmonton")
    assert [(p.item, p.field) for p in problems] == [("item 1 (slug 'm')", "timezone")]
    assert "not UK time" in problems[0].reason


def test_feed_timezone(tmp_path: Path) -> None:
    path = tmp_path / "ny.json"
    path.write_text(json.dumps([_one(formatted_address="Online",
                                     conference_url="https://zoom.us/j/85512345678")]))
    feed, problems = meeting_guide.read(path, timezone="America/New_York", reference=WINTER)
    assert problems == [] and feed.listings[0].start_time == time(0)  # 19:00 there
    assert feed.listings[0].days == [2]  # Tuesday there is Wednesday here
    feed, problems = meeting_guide.read(path, reference=WINTER)  # Europe/London by default
    assert problems == [] and feed.listings[0].start_time == time(19)
    _, problems = meeting_guide.read(path, timezone="Mars/Olympus")
    assert [(p.item, p.field) for p in problems] == [("source", "timezone")]


# ------------------------------------------------------------------ where it is

@pytest.mark.parametrize("where", [
    {"formatted_address": "Edmonton, Alberta, Canada"},
    {"formatted_address": "10065 Jasper Ave, Edmonton, AB T5J 3B1"},
    {"address": "1 Main Street", "city": "Edmonton", "state": "Alberta"},
    {"address": "4953 W Addison St", "city": "Chicago", "state": "IL",
     "postal_code": "60641"},
    {"formatted_address": "Dublin, Ireland"},
    {"formatted_address": "Dublin 2", "latitude": 53.34, "longitude": -6.26},
])
def test_meetings_abroad_are_refused_by_where_they_are(where: dict[str, Any],
                                                       geo: Gazetteer) -> None:
    m = {"name": "Edmonton Group", "day": 2, "time": "19:00", **where}
    feed, problems = _parse([m])  # no slug either: named by position and name
    found = _all_problems(feed, problems, geo)
    (item,) = found
    assert item == "item 1 ('Edmonton Group')"
    fields = {p.field for p in found[item]}
    assert "slug" in fields and fields & {"address", "latitude", "postal_code", "country"}
    assert feed.listings[0].latitude is None or feed.listings[0].latitude != pytest.approx(
        51.62, abs=0.1)  # never placed in Edmonton, London


def test_uk_places_with_foreign_names_stay(geo: Gazetteer) -> None:
    for where in ("Fore Street, Edmonton, London N18 2TN", "Canada Water, London SE16 7BS",
                  "Old Hall, Washington NE38 7AA"):
        assert foreign_place(where) is None, where
    feed, problems = _parse([_one(formatted_address="Fore Street, Edmonton, London N18 2TN")])
    assert problems == [] and validate_feed(feed, geo) == {}


# ------------------------------------------------------------------ organisations

def test_meetings_without_group_or_entity_are_imported(session: Session, geo: Gazetteer,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "leeds-feed.json"
    path.write_text(json.dumps([
        _one(slug="a", name="Leeds AA Tuesday"),
        _one(slug="b", name="Tuesday Night"),
        _one(slug="c", name="Friday Night", group="Park Row Group"),
    ]))
    report = import_file(session, path, gazetteer=geo, progress=False)
    assert report.invalid == [] and report.written
    rows = session.execute(select(Listing.slug, Organisation.slug)
                           .join(Organisation, Listing.organisation_id == Organisation.id))
    owner = {listing: org for listing, org in rows}
    assert owner == {"a": "alcoholics-anonymous", "b": "unaffiliated-leeds-feed",
                     "c": "park-row-group"}
    # The same feed again finds the same organisations: nothing new.
    again = import_file(session, path, gazetteer=geo, progress=False)
    assert again.created == 0 and again.updated == 0
    # The source's fellowship stands in for a meeting that names none.
    feed, _ = meeting_guide.read(path, fellowship="GA")
    assert feed.listings[1].organisation_slug == "gamblers-anonymous"


# ------------------------------------------------------------------ export

def test_export_city_no_empty_fields_and_slugs_within_the_spec(tmp_path: Path) -> None:
    org = OrganisationRecord(slug="leeds-group", name="Leeds Group", kind="fellowship")
    long_slug = "leeds-" + "very-long-meeting-name-" * 6
    listings = [
        ListingRecord(slug=long_slug, organisation_slug=org.slug, name="Long", days=[1],
                      start_time=time(19), address="12 Park Row, Leeds", postcode="LS1 5DL"),
        ListingRecord(slug="plain", organisation_slug=org.slug, name="Plain", days=[1],
                      start_time=time(19), attendance="online",
                      online_url="https://zoom.us/j/85512345678"),
    ]
    path = tmp_path / "out.json"
    export_feed(path, Feed([org], listings), "meeting-guide")
    meetings = json.loads(path.read_text())
    for m in meetings:
        assert len(m["slug"]) <= 64
        assert all(v not in ("", None, []) for v in m.values()), m
    first = meetings[0]
    assert (first["address"], first["city"], first["postal_code"]) == (
        "12 Park Row", "Leeds", "LS1 5DL")
    assert first["approximate"] == "no"
    feed, problems = read_feed(path, "meeting-guide")
    assert problems == []
    assert [li.slug for li in feed.listings] == [long_slug, "plain"]
    assert feed.listings[0].address == "12 Park Row, Leeds"
