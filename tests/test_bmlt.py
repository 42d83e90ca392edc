"""BMLT (NA's meeting servers): the semantic API's GetSearchResults, GetFormats and
GetServiceBodies, and its TSML-shaped answer. The fixtures in tests/data/bmlt/ are real
server answers and the server's own stock formats (see the README there); the UK file is
the same meetings moved to UK places, so that only the parsing is judged.

The `session` fixture (tests/conftest.py) runs each database test on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.exchange import FormatError, bmlt, detect_format, export_feed, meeting_guide
from directory.geography import Gazetteer
from directory.importer import import_file
from directory.models import Listing
from directory.records import Feed
from directory.search import DirectorySearch, Query
from directory.validation import validate_feed

DATA = Path(__file__).parent / "data" / "bmlt"
HUDSON = DATA / "hudson_valley_GetSearchResults.json"
UK = DATA / "uk_combined.json"
TSML = DATA / "uk_tsml.json"
FORMATS = json.loads((DATA / "GetFormats.json").read_text())
# A Monday in November: UK on GMT, New York on EST, Sydney on AEDT.
NOVEMBER = date(2026, 11, 23)


@pytest.fixture(scope="module")
def geo() -> Gazetteer:
    return Gazetteer.default()


def meeting(**fields: Any) -> dict[str, Any]:
    """A GetSearchResults meeting as the server writes one (every value a string)."""
    m = {"id_bigint": "1", "service_body_bigint": "9", "weekday_tinyint": "2",
         "venue_type": "1", "start_time": "19:30:00", "duration_time": "01:00:00",
         "time_zone": "", "formats": "", "format_shared_id_list": "", "latitude": "53.7997",
         "longitude": "-1.5492", "meeting_name": "Leeds Tuesday", "location_text": "Hall",
         "location_street": "Park Row", "location_municipality": "Leeds",
         "location_postal_code_1": "LS1 4DY", "published": "1"}
    m.update(fields)
    return m


def parse(*meetings: dict[str, Any], **options: Any) -> tuple[bmlt.BmltFeed, list]:
    options.setdefault("formats", FORMATS)
    options.setdefault("today", NOVEMBER)
    return bmlt.parse(list(meetings), **options)


def by_slug(feed: Feed) -> dict[str, Any]:
    return {li.slug: li for li in feed.listings}


def reasons(problems: list) -> list[tuple[str, str]]:
    return [(p.field, p.reason) for p in problems]


# ------------------------------------------------------------------------- the shapes


def test_each_shape_is_told_apart(tmp_path: Path) -> None:
    assert detect_format(HUDSON) == "bmlt"  # a GetSearchResults array
    assert detect_format(UK) == "bmlt"  # the three answers combined
    used = tmp_path / "used.json"  # get_used_formats=1
    used.write_text(json.dumps({"meetings": [meeting()], "formats": FORMATS[:3]}))
    assert detect_format(used) == "bmlt"
    # The TSML answer is Meeting Guide shaped, and read as Meeting Guide unless told.
    assert detect_format(TSML) == "meeting-guide"


def test_real_answer_fields_and_sibling_formats() -> None:
    """The real Hudson Valley answer, with the server's stock formats beside it
    (GetFormats.json): by format_shared_id_list, days from Sunday = 1, start + duration."""
    feed, problems = bmlt.read(HUDSON, today=NOVEMBER)
    listings = by_slug(feed)
    first = listings["bmlt-1601"]
    assert first.name == "A New Way Group"
    assert first.days == [3]  # weekday_tinyint 5 = Thursday
    assert (first.start_time, first.end_time) == (time(19, 0), time(20, 30))
    assert (first.latitude, first.longitude) == (42.2501741, -73.7890726)
    assert first.venue_name == "Christ Episcopal Church"
    assert first.address == "431 Union Street, Hudson"
    assert first.audience == ["open"]
    assert first.notes == ("Formats: Basic Text, Informational Pamphlet, Rotating Format, "
                           "Speaker/Discussion, Step")
    assert first.needs == ["drugs"]  # NA's server
    assert first.organisation_slug == "bmlt-service-body-1009"  # no GetServiceBodies here
    assert listings["bmlt-1567"].notes.startswith("Entrance at Fair Street")
    # They are in New York: refused by where they are, each named with its field.
    assert reasons(problems) == [("location_nation", "location_nation 'USA' is not the UK"),
                                 ("location_nation", "location_nation 'US' is not the UK"),
                                 ("location_nation", "location_nation 'USA' is not the UK"),
                                 ("location_nation", "location_nation 'USA' is not the UK")]
    assert problems[0].item == "meeting 1 (id_bigint 1601, 'A New Way Group')"


def test_a_us_meeting_without_a_nation_is_refused_by_its_coordinates(geo: Gazetteer) -> None:
    feed, problems = parse(meeting(latitude="42.2501741", longitude="-73.7890726",
                                   location_postal_code_1="12414"))
    assert problems == []
    checked = validate_feed(feed, geo)
    fields = {p.field for ps in checked.values() for p in ps}
    assert fields == {"latitude", "longitude", "location_postal_code_1"}  # BMLT's names


def test_weekdays_and_durations() -> None:
    feed, problems = parse(
        meeting(id_bigint="1", weekday_tinyint="1"),  # Sunday
        meeting(id_bigint="2", weekday_tinyint="2"),  # Monday
        meeting(id_bigint="7", weekday_tinyint="7"),  # Saturday
        meeting(id_bigint="8", start_time="23:00:00", duration_time="02:00:00"),
        meeting(id_bigint="9", duration_time="00:00:00"),  # not given
        meeting(id_bigint="10", duration_time="24:00:00"),  # all day: no end
        meeting(id_bigint="11", start_time="19:30"),  # H:MM, as older servers write it
    )
    assert problems == []
    got = by_slug(feed)
    assert [got[f"bmlt-{i}"].days for i in (1, 2, 7)] == [[6], [0], [5]]
    assert got["bmlt-8"].end_time == time(1, 0)  # runs past midnight
    assert got["bmlt-9"].end_time is None and got["bmlt-10"].end_time is None
    assert got["bmlt-11"].start_time == time(19, 30)


def test_bad_values_are_named_by_meeting_and_field() -> None:
    feed, problems = parse(meeting(weekday_tinyint="8", start_time="25:00:00",
                                   duration_time="an hour", venue_type="4"),
                           meeting(id_bigint="", service_body_bigint=""))
    assert reasons(problems) == [
        ("venue_type", "venue_type '4' is not 1 (in person), 2 (virtual) or 3 (hybrid)"),
        ("weekday_tinyint", "'8' is not a day of the week (1 = Sunday .. 7 = Saturday)"),
        ("start_time", "'25:00:00' is not a time of day (HH:MM, 00:00 to 23:59)"),
        ("duration_time", "'an hour' is not a duration (HH:MM:SS)"),
        ("id_bigint", "has no id_bigint, so it cannot be matched on the next import"),
        ("service_body_bigint", "has no service body, so no one answers for it"),
    ]
    assert problems[0].item == "meeting 1 (id_bigint 1, 'Leeds Tuesday')"
    assert problems[-1].item == "meeting 2 ('Leeds Tuesday')"  # no id: named by name
    assert len(feed.broken) == 2  # kept for reporting, never written


def test_not_json_or_not_meetings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    _, problems = bmlt.read(bad)
    assert problems[0].reason.startswith("not valid JSON")
    bad.write_text('{"formats": []}')
    _, problems = bmlt.read(bad)
    assert "a BMLT answer is a JSON array of meetings" in problems[0].reason
    _, problems = bmlt.parse(["not a meeting"])
    assert reasons(problems) == [("", "is not a meeting (a JSON object)")]


# ---------------------------------------------------------------------------- formats


def test_formats_by_world_id_then_key() -> None:
    own = [  # a server's own keys, in its own language: the world ids say what they are
        {"key_string": "Beg", "name_string": "Beginner", "id": "101", "world_id": "BEG",
         "lang": "en", "format_type_enum": "FC3"},
        {"key_string": "Fem", "name_string": "Women only", "id": "102", "world_id": "W"},
        {"key_string": "GLBT", "name_string": "LGBT", "id": "103", "world_id": "GL"},
        {"key_string": "Rolli", "name_string": "Rollstuhl", "id": "104", "world_id": "WCHR"},
        {"key_string": "M", "name_string": "Men", "id": "105", "world_id": ""},  # stock key
        {"key_string": "Y", "name_string": "Young", "id": "106", "world_id": "Y"},
        {"key_string": "POL", "name_string": "Polski", "id": "107", "world_id": "LANG",
         "format_type_enum": "LANG"},
        {"key_string": "BL", "name_string": "Bi-Lingual", "id": "108", "world_id": "LANG"},
        {"key_string": "XX", "name_string": "Klingon", "id": "109", "world_id": "LANG"},
    ]
    feed, problems = parse(
        meeting(id_bigint="1", formats="Beg,Fem,Rolli,POL",
                format_shared_id_list="101,102,104,107"),
        meeting(id_bigint="2", formats="GLBT,M,Y,BL,XX,Nope"), formats=own)
    assert problems == []
    one, two = feed.listings
    assert (one.audience, one.accessibility, one.languages) == (
        ["newcomers", "women"], ["wheelchair"], ["pl"])
    assert (two.audience, two.languages) == (["lgbtq", "men", "young_people"], ["en"])
    # What has no code of ours is kept in the notes, and an unknown key is reported.
    assert two.notes == "Formats: Bi-Lingual, Klingon"
    assert [(n.item, n.field, n.reason) for n in feed.notes] == [
        ("meeting 2 (id_bigint 2, 'Leeds Tuesday')", "formats",
         "format 'Nope' is not in the server's formats; left out")]


def test_stock_formats_without_a_formats_answer() -> None:
    feed, problems = parse(meeting(formats="C,B,W,WC,ES,GL,St"), formats=None)
    assert problems == []
    li = feed.listings[0]
    assert li.audience == ["closed", "newcomers", "women", "lgbtq"]
    assert (li.accessibility, li.languages, li.notes) == (["wheelchair"], ["es"],
                                                          "Formats: Step")


# ------------------------------------------------------------- attendance and status


def test_venue_types_and_temporarily_closed() -> None:
    link = "https://zoom.us/j/5551234567"
    feed, problems = parse(
        meeting(id_bigint="1", venue_type="1"),
        meeting(id_bigint="2", venue_type="2", formats="VM", virtual_meeting_link=link),
        meeting(id_bigint="3", venue_type="3", formats="HY", virtual_meeting_link=link,
                phone_meeting_number="+44 20 3481 5237"),
        # TC: the building is closed; online for now (the server's temporarilyVirtual).
        meeting(id_bigint="4", venue_type="2", formats="VM,TC", virtual_meeting_link=link),
        meeting(id_bigint="5", venue_type="1", formats="TC"),  # closed, no way to join
        meeting(id_bigint="6", venue_type="", formats="VM,HY", virtual_meeting_link=link),
        meeting(id_bigint="7", venue_type="1", virtual_meeting_link=link),
    )
    assert problems == []
    got = by_slug(feed)
    assert [got[f"bmlt-{i}"].attendance for i in range(1, 8)] == [
        "in_person", "online", "hybrid", "online", "in_person", "hybrid", "in_person"]
    assert got["bmlt-2"].postcode is None and got["bmlt-2"].latitude is None  # not a place
    assert got["bmlt-3"].online_phone == "+44 20 3481 5237"
    assert got["bmlt-4"].status == "active"
    assert got["bmlt-4"].status_note == ("Its venue (Hall, Park Row, Leeds) is temporarily "
                                         "closed: meeting online for now.")
    assert (got["bmlt-5"].status, got["bmlt-5"].status_note) == (
        "temporarily_closed", "Its venue is temporarily closed.")
    # venue_type 1 says in person only: the stray link is not kept, and that is said.
    assert got["bmlt-7"].online_url is None
    assert reasons(feed.notes) == [
        ("virtual_meeting_link", "venue_type 1 says it meets in person only; its "
                                 "virtual_meeting_link and phone_meeting_number were left out")]


def test_foreign_time_zones() -> None:
    link = "https://zoom.us/j/5551234567"
    feed, problems = parse(
        meeting(id_bigint="1", venue_type="1", time_zone="America/New_York"),
        meeting(id_bigint="2", venue_type="2", time_zone="America/New_York",
                virtual_meeting_link=link, weekday_tinyint="2", start_time="19:00:00"),
        meeting(id_bigint="3", venue_type="3", time_zone="Australia/Sydney",
                virtual_meeting_link=link, weekday_tinyint="3", location_text="Kent House",
                location_municipality="Armidale"),
        meeting(id_bigint="4", venue_type="2", virtual_meeting_link=link,
                latitude="-33.9495", longitude="151.2437"),  # no zone, from Sydney
        meeting(id_bigint="5", time_zone="Europe/Londn"),
        meeting(id_bigint="6", time_zone="Europe/London"),
    )
    assert reasons(problems) == [
        ("time_zone", "an in-person meeting in time zone 'America/New_York' is not in the UK"),
        ("time_zone", "no time zone is given and the meeting is from outside the UK "
                      "(coordinates -33.9495,151.2437): its UK time cannot be told"),
        ("time_zone", "'Europe/Londn' is not a time zone (such as Europe/London)"),
    ]
    got = by_slug(feed)
    # Monday 19:00 in New York is Tuesday 00:00 in the UK in November...
    ny = got["bmlt-2"]
    assert (ny.days, ny.start_time, ny.end_time) == ([1], time(0, 0), time(1, 0))
    assert "converted from 19:00 America/New_York" in ny.notes
    # ...and Monday 23:00 in the weeks the US has changed its clocks and the UK not yet.
    feed, _ = parse(meeting(venue_type="2", time_zone="America/New_York",
                            virtual_meeting_link=link, start_time="19:00:00"),
                    today=date(2026, 3, 16))
    assert (feed.listings[0].days, feed.listings[0].start_time) == ([0], time(23, 0))
    # A hybrid meeting abroad is listed for what people here can do: join online.
    sydney = got["bmlt-3"]
    # Tuesday 19:30 in Sydney (UTC+11) is Tuesday 08:30 in the UK (GMT).
    assert (sydney.attendance, sydney.days, sydney.start_time) == ("online", [1], time(8, 30))
    assert sydney.address is None
    assert "Also meets in person at Kent House, Armidale (Australia/Sydney)." in sydney.notes
    assert got["bmlt-6"].start_time == time(19, 30)


def test_unpublished_meetings_are_left_out_and_counted() -> None:
    feed, problems = parse(meeting(id_bigint="1"), meeting(id_bigint="2", published="0"),
                           meeting(id_bigint="3", published=False))
    assert problems == []
    assert [li.slug for li in feed.listings] == ["bmlt-1"]
    assert feed.unpublished == 2
    assert feed.summary()[-1] == "2 unpublished meetings left out"
    assert reasons(feed.notes) == [("published", "2 unpublished meetings left out")]


def test_what_is_not_kept_is_reported() -> None:
    feed, problems = parse(
        meeting(id_bigint="1", contact_name_1="Jo Bloggs", contact_phone_1="07700 900123",
                location_province="West Yorkshire", my_custom_field="x", worldid_mixed="G1",
                bus_lines="1, 6", distance_in_km="0.4"),
        meeting(id_bigint="2", location_province="West Yorkshire", contact_name_1=""))
    assert problems == []
    assert feed.unmapped == {
        "contact_name_1": (1, "a person's contact details are not kept"),
        "contact_phone_1": (1, "a person's contact details are not kept"),
        "location_province": (2, "state or county: the address keeps street and town"),
        "my_custom_field": (1, "not a field we read"),
        "worldid_mixed": (1, "NA World Services' group code"),
    }
    # Said once for the whole answer, with how many meetings gave it.
    assert ("location_province", "not kept (state or county: the address keeps street and "
            "town): given in 2 meetings") in reasons(feed.notes)
    first = feed.listings[0]
    assert "Jo Bloggs" not in (first.notes or "")
    assert first.notes == "Buses: 1, 6"
    assert first.accessibility == ["public_transport"]


# ---------------------------------------------------------------- service bodies, needs


BODIES = [{"id": "9", "parent_id": "0", "name": "West Yorkshire Area",
           "description": "NA in West Yorkshire", "type": "AS",
           "url": "https://ukna.org", "helpline": "0300 999 1212", "world_id": "AR1"}]


def test_service_bodies_become_organisations(tmp_path: Path) -> None:
    feed, _ = parse(meeting(), service_bodies=BODIES)
    org = feed.organisations[0]
    assert (org.slug, org.name, org.kind, org.website, org.phones) == (
        "west-yorkshire-area", "West Yorkshire Area", "fellowship", "https://ukna.org",
        ["0300 999 1212"])
    assert feed.listings[0].organisation_slug == "west-yorkshire-area"
    # Without GetServiceBodies: the meeting's own service_body_name (servers 3.x on)...
    feed, _ = parse(meeting(service_body_name="Leeds Area"))
    assert feed.organisations[0].slug == "leeds-area"
    # ...else one stable organisation per service body id.
    feed, _ = parse(meeting(), meeting(id_bigint="2"))
    assert [o.slug for o in feed.organisations] == ["bmlt-service-body-9"]
    assert feed.organisations[0].name == "Narcotics Anonymous service body 9"
    # A foreign helpline is not a UK number: left out, and said.
    foreign = [dict(BODIES[0], helpline="(518) 555-0100")]
    feed, _ = parse(meeting(), service_bodies=foreign)
    assert feed.organisations[0].phones == []
    assert reasons(feed.notes) == [("helpline", "the service body's helpline '(518) "
                                                "555-0100' is not a UK phone number; left out")]
    # Answers saved beside the file under their switcher's name are read too.
    shutil.copy(HUDSON, tmp_path / "answer.json")
    (tmp_path / "answer.GetServiceBodies.json").write_text(
        json.dumps([dict(BODIES[0], id="1009")]))
    feed, _ = bmlt.read(tmp_path / "answer.json", today=NOVEMBER)
    assert {o.slug for o in feed.organisations} == {"west-yorkshire-area"}


def test_needs_are_na_unless_told_otherwise() -> None:
    feed, problems = parse(meeting(), meeting(id_bigint="2", meeting_name="Leeds CA"))
    assert problems == []
    assert [li.needs for li in feed.listings] == [["drugs"], ["cocaine", "crack"]]
    feed, _ = parse(meeting(), fellowship="CMA")  # a Crystal Meth Anonymous server
    assert feed.listings[0].needs == ["drugs"]
    feed, _ = parse(meeting(meeting_name="Tuesday"), fellowship="GA")
    assert feed.listings[0].needs == ["gambling"]
    _, problems = parse(meeting(), fellowship="Knitters Anonymous")
    assert reasons(problems) == [("fellowship", "fellowship 'Knitters Anonymous' is not one "
                                                "we know (directory/fellowships.py)")]


# ----------------------------------------------------------------------------- TSML


def test_tsml_answer_read_as_the_server_wrote_it() -> None:
    """client_interface/tsml/ (TsmlMeetingResource): Meeting Guide shaped. Our Meeting
    Guide reader reads it, but misses its `coordinates` and the BEG and GL types; the
    BMLT reader hands it over with those made plain, and NA's needs."""
    plain, problems = meeting_guide.read(TSML)
    assert problems == []
    ours, problems = bmlt.read(TSML)
    assert problems == []
    plain_by, ours_by = by_slug(plain), by_slug(ours)
    assert plain_by.keys() == ours_by.keys()
    women = "do-the-right-thing-group-1637"
    assert ours_by[women].days == [4]  # TSML day 5 (from Sunday = 0): Friday
    assert ours_by[women].audience == ["newcomers", "closed", "women"]
    assert "newcomers" not in plain_by[women].audience
    assert (ours_by[women].latitude, ours_by[women].longitude) == (53.8019, -1.5445)
    assert "lgbtq" in ours_by["rainbow-recovery-1700"].audience
    assert all(li.needs == ["drugs"] for li in ours.listings)
    # The service body (TSML's `region`) answers for the meetings, as in the semantic API.
    # (TSML does not carry the service body's id: one with no name is the reader's own.)
    assert ours_by[women].organisation_slug == "mid-hudson-area-service"
    # The TSML answer has no time zone and no language types: the Sydney meeting's time
    # cannot be converted (its Australian postcode refuses it), Spanish is lost.
    assert ours_by["online-meeting-maroubra-nightly-3277"].postcode == "2035"
    assert ours_by["rainbow-recovery-1700"].languages == []


# ------------------------------------------------------------------------ end to end


def test_import_and_search_end_to_end(session: Session, geo: Gazetteer) -> None:
    report = import_file(session, UK, fmt="bmlt", gazetteer=geo, progress=False)
    assert report.invalid == []
    assert report.written
    assert report.created == 2 + 7  # two service bodies, seven published meetings
    stored = {li.slug: li for li in session.scalars(select(Listing))}
    assert "bmlt-1701" not in stored  # unpublished
    assert stored["bmlt-1567"].attendance == "hybrid"
    assert stored["bmlt-1567"].online_url == "https://zoom.us/j/5551234567"

    search = DirectorySearch()
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    leeds, manchester = (53.7997, -1.5492), (53.4808, -2.2426)

    def slugs(**query: Any) -> list[str]:
        q = Query(limit=20, **query)
        return [h.slug for h in search.search(session, q, now).hits]

    near_leeds = slugs(latitude=leeds[0], longitude=leeds[1], needs=frozenset({"drugs"}))
    assert near_leeds[0] in ("bmlt-1601", "bmlt-1700")  # both at LS1 4DY
    assert set(near_leeds) >= {"bmlt-1601", "bmlt-1700", "bmlt-1637"}
    women = slugs(latitude=leeds[0], longitude=leeds[1], audience=frozenset({"women"}))
    assert women == ["bmlt-1637"]
    assert slugs(latitude=leeds[0], longitude=leeds[1],
                 accessibility=frozenset({"wheelchair"})) == ["bmlt-1637"]
    assert slugs(latitude=leeds[0], longitude=leeds[1],
                 languages=frozenset({"es"})) == ["bmlt-1700"]
    near_manchester = slugs(latitude=manchester[0], longitude=manchester[1],
                            attendance=frozenset({"in_person"}))
    assert near_manchester[:2] == ["bmlt-2562", "bmlt-1567"]  # M1 1AE, then M4 1HQ
    online = slugs(online_only=True)
    assert {"bmlt-1702", "bmlt-3277"} <= set(online)

    again = import_file(session, UK, fmt="bmlt", gazetteer=geo, progress=False)
    assert (again.created, again.updated, again.invalid) == (0, 0, [])


def test_a_us_answer_writes_nothing(session: Session, geo: Gazetteer) -> None:
    report = import_file(session, HUDSON, gazetteer=geo, progress=False)
    assert report.format == "bmlt"
    assert not report.written
    assert {p.field for p in report.invalid} == {"location_nation", "latitude", "longitude"}
    assert session.scalars(select(Listing)).first() is None


def test_bmlt_is_read_only(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="read only"):
        export_feed(tmp_path / "out.json", Feed(), "bmlt")
