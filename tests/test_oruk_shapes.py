"""Open Referral in its real shapes (issue 14, part 3): HSDS 3.0 service_at_location
records, paginated API pages (one page, a folder of pages, an array of pages, missing
pages), Open Referral UK 1.0 (regular_schedules, physical_addresses, service_taxonomys,
contacts' phones, languages[].language), fields we cannot keep reported as notes, and an
export without empty URLs.

Data: tests/data/oruk/README.md (unchanged HSDS 3.0 examples; real Salford records in the
ORUK 1.0 shape). The HSDS examples' made-up place (latitude 100, "ABC 1234", country US)
is moved to a UK one here, in code, so that only the parsing is judged.
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

from directory.exchange import detect_format, export_feed, oruk, read_feed
from directory.geography import Gazetteer
from directory.importer import import_file
from directory.models import Listing
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.search import DirectorySearch, Query

DATA = Path(__file__).with_name("data") / "oruk"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def geo() -> Gazetteer:
    return Gazetteer.default()


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _to_leeds(location: dict[str, Any]) -> None:
    """Move the examples' made-up place to a real one in Leeds (Leeds Civic Hall)."""
    location.update(latitude=53.8014, longitude=-1.5486)
    for address in location.get("addresses", []):
        address.update(address_1="Calverley Street", city="Leeds", postal_code="LS1 1UR",
                       country="GB", state_province="West Yorkshire")


def _notes(feed: Any, item_start: str) -> dict[str, str]:
    return {n.field: n.reason for n in feed.notes if n.item.startswith(item_start)}


# ------------------------------------------------------------------ HSDS 3.0 service_at_location

def test_service_at_location_full_is_read_field_by_field() -> None:
    """examples/service_at_location_full.json: the service, its one place, the schedule
    (given on the service, the service_at_location and the location) read once."""
    sal = _load("service_at_location_full.json")
    feed, problems = oruk.parse(sal, "sal.json")
    (listing,) = feed.listings
    service, location = sal["service"], sal["location"]
    assert listing.name == service["name"] == "Community Counselling"
    assert listing.description == service["description"].strip()
    assert listing.website == service["url"]
    assert listing.status == "active"
    assert listing.status_note == service["alert"]
    assert listing.last_verified_at == datetime(2005, 1, 1, tzinfo=UTC)  # assured_date
    assert listing.phone == "+44 1234 234567"  # "\"+44 1234 234567\"" in the example
    assert listing.languages == ["ur"]  # language {"name": "Urdu", "code": "ur"}
    assert listing.venue_name == location["name"] == "MyCity Civic Center"
    assert listing.address == "1-30 Main Street, MyVillage, MyCity"
    assert listing.postcode == "ABC 1234"
    # schedule: freq WEEKLY, byday TH,FR, 10:00:00 to 18:00:00
    assert (listing.schedule_kind, listing.days) == ("weekly", [3, 4])
    assert (listing.start_time, listing.end_time) == (time(10), time(18))
    assert listing.slug == "community-counselling-ac148810"
    assert [o.name for o in feed.organisations] == ["Example Organization Inc."]
    assert listing.organisation_slug == "example-organization-inc"
    # The example's address says country "US": refused, naming the record.
    assert [(p.item, p.field) for p in problems] == [
        ("service_at_location 1 ('Community Counselling')", "country")]
    assert detect_format(DATA / "service_at_location_full.json") == "oruk"


def test_service_at_location_moved_to_the_uk_imports_and_is_found(
        session: Session, geo: Gazetteer, tmp_path: Path) -> None:
    sal = _load("service_at_location_full.json")
    _to_leeds(sal["location"])
    path = tmp_path / "sal.json"
    path.write_text(json.dumps(sal))
    report = import_file(session, path, gazetteer=geo, progress=False)
    assert report.invalid == [] and report.written
    stored = session.scalar(select(Listing).where(Listing.slug ==
                                                  "community-counselling-ac148810"))
    assert stored.postcode == "LS1 1UR" and stored.days == [3, 4]
    hits = DirectorySearch().search(session, Query(latitude=53.80, longitude=-1.55), NOW).hits
    assert [h.slug for h in hits] == ["community-counselling-ac148810"]
    assert hits[0].distance_km is not None and hits[0].distance_km < 1


def test_the_same_service_at_two_places_gives_two_listings(geo: Gazetteer) -> None:
    """A /service_at_locations answer lists a service once per place: each becomes its own
    listing (a listing has one place), with a slug from the service_at_location id."""
    first = _load("service_at_location_full.json")
    _to_leeds(first["location"])
    second = copy.deepcopy(first)
    second["id"] = "f00dcafe-0000-4000-8000-000000000002"
    second["location"].update(name="Hunslet Library", latitude=53.7822, longitude=-1.5302)
    second["location"]["addresses"][0].update(address_1="Waterloo Road", postal_code="LS10 2NS")
    feed, problems = oruk.parse([first, second])
    assert problems == []
    places = {li.venue_name: li.slug for li in feed.listings}
    assert places == {"MyCity Civic Center": "community-counselling-e94c9f38",
                      "Hunslet Library": "community-counselling-f00dcafe"}
    # Nested the other way (one service, two service_at_locations): split the same way.
    service = copy.deepcopy(first["service"])
    service["service_at_locations"] = [
        {k: v for k, v in s.items() if k != "service"} for s in (first, second)]
    feed, problems = oruk.parse(service)
    assert problems == []
    assert sorted(li.slug for li in feed.listings) == sorted(places.values())
    assert {li.postcode for li in feed.listings} == {"LS1 1UR", "LS10 2NS"}


# ------------------------------------------------------------------ API pages

def _pages(total: int) -> list[dict[str, Any]]:
    """The real service list page (examples/service_list.json), split into `total` pages
    of one service each, as /services?page=N gives them."""
    base = _load("service_list.json")
    service = base["contents"][0]
    out = []
    for n in range(1, total + 1):
        one = copy.deepcopy(service)
        one["id"] = f"{n:08d}-{service['id'][9:]}"
        one["name"] = f"{service['name']} {n}"
        out.append({**base, "total_items": total, "total_pages": total, "page_number": n,
                    "size": 1, "first_page": n == 1, "last_page": n == total,
                    "contents": [one]})
    return out


def test_one_page_file_is_read_and_says_it_is_one_of_many() -> None:
    page = _load("service_at_location_list.json")  # page 1 of 10, as published
    feed, problems = oruk.parse(page, "page1.json")
    assert [li.name for li in feed.listings] == ["Community Counselling"]
    (note,) = [n for n in feed.notes if n.field == "total_pages"]
    assert "one page of 10" in note.reason


def test_a_folder_of_pages_reads_every_page_in_page_order(tmp_path: Path) -> None:
    for page in reversed(_pages(3)):  # file names do not decide the order
        (tmp_path / f"z{4 - page['page_number']}.json").write_text(json.dumps(page))
    feed, problems = read_feed(tmp_path)
    assert problems == []
    assert [li.name for li in feed.listings] == [
        "Community Counselling 1", "Community Counselling 2", "Community Counselling 3"]
    # The same pages as one JSON array of page objects.
    array = tmp_path / "all.json"
    array.write_text(json.dumps(_pages(3)))
    feed2, problems2 = oruk.read_pages([array])
    assert problems2 == [] and len(feed2.listings) == 3
    assert detect_format(array) == "oruk"


def test_missing_pages_are_refused_and_nothing_is_written(session: Session, geo: Gazetteer,
                                                         tmp_path: Path) -> None:
    pages = _pages(5)
    for page in (pages[0], pages[1], pages[4]):
        (tmp_path / f"page{page['page_number']}.json").write_text(json.dumps(page))
    feed, problems = read_feed(tmp_path)
    (missing,) = [p for p in problems if p.field == "page_number"]
    assert missing.reason.startswith("pages 3, 4 of 5 missing")
    report = import_file(session, tmp_path, gazetteer=geo, progress=False)
    assert not report.written
    assert session.scalar(select(Listing.id)) is None


def test_pages_that_disagree_are_refused() -> None:
    pages = _pages(2)
    pages[1]["total_pages"] = 3
    pages[1]["total_items"] = 3
    _, problems = oruk.parse(pages, "pages.json")
    fields = {p.field for p in problems}
    assert "total_pages" in fields and "page_number" in fields  # page 3 never came
    twice = _pages(2)
    twice[1]["page_number"] = 1
    _, problems = oruk.parse(twice, "pages.json")
    assert any("given twice with different records" in p.reason for p in problems)


def test_oruk_1_0_pages_count_from_zero_and_use_content(tmp_path: Path) -> None:
    """ORUK 1.0 pages are Spring Data pages: totalElements, totalPages, number, content."""
    page = _load("oruk1_salford_page.json")
    services = page["content"]
    for n, service in enumerate(services):
        (tmp_path / f"p{n}.json").write_text(json.dumps(
            {"totalElements": 2, "totalPages": 2, "number": n, "size": 1, "first": n == 0,
             "last": n == 1, "content": [service]}))
    feed, problems = read_feed(tmp_path)
    assert [li.name for li in feed.listings] == [s["name"] for s in services]
    assert [p.field for p in problems] == ["byday"]  # the real data's own error, below


# ------------------------------------------------------------------ Open Referral UK 1.0

def test_oruk_1_0_salford_page_field_by_field() -> None:
    feed, problems = read_feed(DATA / "oruk1_salford_page.json")
    hub, baby = feed.listings
    raw = _load("oruk1_salford_page.json")["content"][0]
    assert hub.name == raw["name"] and hub.website == raw["url"]
    # physical_addresses: address_1, city, postal_code; country "United Kingdom" is the UK.
    assert hub.address == "50 Rigby Street, Manchester" and hub.postcode == "M7 4BQ"
    assert (hub.latitude, hub.longitude) == (53.507025, -2.259764)
    assert hub.venue_name == "Central Family Hub"
    assert hub.phone == "0161 778 0601"  # only on the contact: the number people ring
    assert hub.languages == ["en"]  # {"language": "English"}: a name, not a code
    assert hub.attendance == "in_person"
    (org,) = feed.organisations
    assert (org.name, org.website) == ("Salford City Council", "https://www.salford.gov.uk/")
    # The real record's schedule is text in the iCal fields ("freq": "Every Friday"):
    # refused with the record and field named, not guessed.
    (bad,) = problems
    assert bad.item == "service 2 ('Baby Social at Ordsall Neighbourhood Centre')"
    assert bad.field == "byday" and "is not a day such as MO" in bad.reason
    # What cannot be kept is said, per service and field.
    notes = _notes(feed, "service 1 ('Central Family Hub')")
    assert notes["contacts"].startswith("is not kept: named contacts")
    assert "ages and eligibility" in notes["eligibilitys"]
    assert notes["service_areas"].startswith("is not kept")
    assert "'FamilyHub'" in notes["service_taxonomys"]
    assert "state_province" in " ".join(notes)
    assert "email" in notes  # the service's own address: listings have none


def _v1_service(**schedule_fields: Any) -> dict[str, Any]:
    """The real Central Family Hub record with a regular_schedule of the 1.0 shape."""
    service = copy.deepcopy(_load("oruk1_salford_page.json")["content"][0])
    service["regular_schedules"] = [
        {"id": f"rs{i}", **fields} for i, fields in enumerate(schedule_fields.values())]
    return service


def test_oruk_1_0_regular_schedules_one_weekday_each() -> None:
    service = _v1_service(mon={"weekday": 1, "opens_at": "09:00", "closes_at": "17:00"},
                          wed={"weekday": "Wednesday", "opens_at": "09:00",
                               "closes_at": "17:00"})
    feed, problems = oruk.parse(service)
    assert problems == []
    (hub,) = feed.listings
    assert (hub.schedule_kind, hub.days) == ("weekly", [0, 2])  # 1 = Monday (Outpost)
    assert (hub.start_time, hub.end_time) == (time(9), time(17))
    # iCal fields of ORUK 1.0: the second Tuesday of the month
    feed, problems = oruk.parse(_v1_service(
        x={"weekday": 2, "freq": "MONTHLY", "interval": 1, "byday": "2TU",
           "opens_at": "10:00", "closes_at": "12:00"}))
    assert problems == []
    (hub,) = feed.listings
    assert (hub.schedule_kind, hub.days, hub.month_weeks) == ("monthly", [1], [2])
    _, problems = oruk.parse(_v1_service(x={"weekday": 9, "opens_at": "10:00"}))
    assert [(p.field, p.reason) for p in problems] == [
        ("weekday", "weekday '9' is not a day of the week (1 = Monday .. 7 = Sunday, or "
                    "the day's name)")]


def test_oruk_1_0_taxonomy_names_a_need_and_eligibility_an_audience() -> None:
    service = _v1_service()
    service["service_taxonomys"].append({"id": "t2", "taxonomy": {
        "id": "lga:alcohol", "name": "Alcohol misuse", "vocabulary": "Needs"}})
    service["eligibilitys"] = [{"id": "e1", "eligibility": "female"}]
    service["name"] = "Women's Recovery Group"
    feed, _ = oruk.parse(service)
    (listing,) = feed.listings
    assert listing.needs == ["alcohol"] and listing.audience == ["women"]
    assert "eligibilitys" not in _notes(feed, "service 1")  # kept whole, as the audience


def test_oruk_1_0_feed_imports_end_to_end(session: Session, geo: Gazetteer) -> None:
    report = import_file(session, DATA / "oruk1_salford_page.json", gazetteer=geo,
                         skip_invalid=True, progress=False)
    assert report.written
    assert report.skipped == ["listing 'baby-social-at-ordsall-neighbourhood-centre-1a000f89'"]
    q = Query(latitude=53.4875, longitude=-2.2901, text="family hub")  # Salford
    hits = DirectorySearch().search(session, q, NOW).hits
    assert [h.slug for h in hits] == ["central-family-hub-6f4251a7"]
    assert hits[0].distance_km is not None and hits[0].distance_km < 5
    stored = session.scalar(select(Listing).where(Listing.slug == hits[0].slug))
    assert (stored.phone, stored.postcode, stored.languages) == ("0161 778 0601", "M7 4BQ",
                                                                 ["en"])


# ------------------------------------------------------------------ export

def test_export_leaves_out_empty_urls_and_formats(tmp_path: Path) -> None:
    org = OrganisationRecord(slug="leeds-recovery", name="Leeds Recovery", website="",
                             email="")
    listing = ListingRecord(slug="cafe", organisation_slug="leeds-recovery",
                            name="Recovery Cafe", kind="service", website=None,
                            days=[1], start_time=time(18), postcode="LS1 1UR")
    path = tmp_path / "out.json"
    export_feed(path, Feed([org], [listing]), "oruk")
    page = json.loads(path.read_text())

    def empties(value: Any, where: str = "") -> list[str]:
        if isinstance(value, dict):
            return [w for k, v in value.items() for w in empties(v, f"{where}.{k}")]
        if isinstance(value, list):
            return [w for v in value for w in empties(v, where)]
        leaf = where.rsplit(".", 1)[-1]
        return [where] if value == "" and leaf in oruk.FORMAT_FIELDS else []

    assert empties(page) == []
    service = page["contents"][0]["services"][0]
    assert "url" not in service and "website" not in page["contents"][0]
    # ...and the round trip still gives back what was exported.
    feed, problems = read_feed(path)
    assert problems == [] and feed.listings[0].website is None
