"""Listings in Welsh (issue 16, part 4): a listing's name and description in other
languages (Listing.translations), from CSV columns name_cy/description_cy, ORUK and
Meeting Guide round trips and a volunteer's /edit; shown in a Welsh conversation,
searchable by text; and the Welsh-language-meeting flag (languages) a search filters on.

Real Conversation on real SQLite and PostgreSQL with the demo directory
(tests/dialogue.py), real imports and exports.
"""

from __future__ import annotations

import csv
import re
from datetime import time
from pathlib import Path

import pytest
from dialogue import GAZETTEER, Chat
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import access
from bot.catalogue import t
from directory.exchange import EXPORT_FORMATS, read_feed, write_feed
from directory.importer import export_file, import_file
from directory.models import Listing
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.search import Query, SearchIndex
from directory.validation import validate_feed

CARDIFF = (51.4816, -3.1791)
GROUP_EN = "Cardiff Gamblers Peer Group"
GROUP_CY = "Grŵp Cymheiriaid Gamblo Caerdydd"
ABOUT_EN = "A friendly peer group for anyone gambling too much."
ABOUT_CY = "Grŵp cyfeillgar i unrhyw un sy'n gamblo gormod."
# A Zoom one-tap dial string (UK number, 11-digit meeting id, 10-digit numeric passcode):
# 43 characters, more than the 40 the column held before migration 0015.
ZOOM_DIAL = "+442034815240,,84912345678#,,,,*9876543210#"
LEEDS_ORG = "demo-leeds-recovery-community"
LEEDS_CAFE = "demo-leeds-recovery-cafe"


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _group(**more: str) -> dict[str, str]:
    return {
        "slug": "cardiff-gamblers-tuesday", "organisation_slug": "cardiff-peers",
        "organisation_name": "Cardiff Peers", "name": GROUP_EN, "name_cy": GROUP_CY,
        "description": ABOUT_EN, "description_cy": ABOUT_CY, "needs": "gambling",
        "days": "Tue", "start_time": "19:00", "end_time": "20:30",
        "address": "1 Queen Street, Cardiff", "postcode": "CF10 2BH", "languages": "en;cy",
        **more,
    }


def _import(sessions: sessionmaker, path: Path) -> None:
    with sessions() as s:
        report = import_file(s, path, gazetteer=GAZETTEER, progress=False,
                             keep_examples=True)
    assert report.invalid == [], report.invalid


def _stored(sessions: sessionmaker, slug: str) -> Listing:
    with sessions() as s:
        row = s.scalar(select(Listing).where(Listing.slug == slug))
        assert row is not None
        return row


# -- CSV -> a conversation in Welsh, and one in English -------------------------------------

async def test_csv_welsh_columns_reach_a_welsh_conversation(chat: Chat, tmp_path: Path
                                                             ) -> None:
    _import(chat.sessions, _write_csv(tmp_path / "cardiff.csv", [_group()]))
    row = _stored(chat.sessions, "cardiff-gamblers-tuesday")
    assert row.translations == {"cy": {"name": GROUP_CY, "description": ABOUT_CY}}

    welsh = chat.someone_else("siaradwr")
    await welsh.say("/iaith cymraeg")
    await welsh.say("gamblo yng Nghaerdydd")
    names = welsh.results()
    assert GROUP_CY in names and GROUP_EN not in names, welsh.text
    await welsh.tap(str(names.index(GROUP_CY) + 1))  # its details
    welsh.expect(GROUP_CY, ABOUT_CY)
    welsh.expect_not(ABOUT_EN)

    english = chat.someone_else("speaker")
    await english.say("gambling in Cardiff")
    names = english.results()
    assert GROUP_EN in names and GROUP_CY not in names, english.text
    await english.tap(str(names.index(GROUP_EN) + 1))
    english.expect(GROUP_EN, ABOUT_EN)
    english.expect_not(ABOUT_CY)


async def test_a_listing_without_welsh_shows_its_own_name_in_welsh(chat: Chat) -> None:
    await chat.say("/iaith cymraeg")
    await chat.say("cocên yng Nghaerdydd")
    assert "Cardiff CA meeting (example)" in chat.results(), chat.text


# -- the CSV columns ------------------------------------------------------------------------

def test_csv_problems_name_the_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "bad.csv", [_group(name_cy="x" * 301, name_zz1="?")])
    _feed, problems = read_feed(path)
    assert [(p.field, "unknown column" in p.reason) for p in problems] == [("name_zz1", True)]
    path = _write_csv(tmp_path / "long.csv", [_group(name_cy="x" * 301)])
    feed, problems = read_feed(path)
    assert problems == []
    found = [str(p) for ps in validate_feed(feed, GAZETTEER).values() for p in ps]
    assert found == ["row 2, name_cy: the name is 301 characters long; at most 300 fit"]


def test_csv_writes_columns_for_the_languages_present(tmp_path: Path) -> None:
    org = OrganisationRecord(slug="o", name="O")
    plain = ListingRecord(slug="a", organisation_slug="o", name="A", postcode="CF10 2BH")
    path = tmp_path / "plain.csv"
    write_feed(path, Feed([org], [plain]), "csv")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert not [c for c in header if re.fullmatch(r"(name|description)_[a-z]{2,3}", c)]
    both = ListingRecord(slug="b", organisation_slug="o", name="B", postcode="CF10 2BH",
                         translations={"cy": {"name": "Bee"}, "pl": {"description": "Opis"}})
    write_feed(path, Feed([org], [plain, both]), "csv")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert [c for c in header if c.endswith(("_cy", "_pl"))] == [
        "name_cy", "description_cy", "name_pl", "description_pl"]
    feed, problems = read_feed(path)
    assert problems == []
    assert [li.translations for li in feed.listings] == [{}, both.translations]


def test_validation_tidies_and_refuses() -> None:
    org = OrganisationRecord(slug="o", name="O")
    good = ListingRecord(slug="a", organisation_slug="o", name="A", postcode="CF10 2BH",
                         schedule_kind="appointment",
                         translations={"Welsh": {"name": "  Enw  ", "description": ""}})
    bad = ListingRecord(slug="b", organisation_slug="o", name="B", postcode="CF10 2BH",
                        schedule_kind="appointment",
                        translations={"cy": {"venue_name": "Neuadd"}, "not a code": {}})
    problems = validate_feed(Feed([org], [good, bad]), GAZETTEER)
    assert good.translations == {"cy": {"name": "Enw"}}
    assert "a" not in problems
    reasons = sorted(str(p) for p in problems["b"])
    assert reasons == [
        "listing 'b', translations.cy.venue_name: 'venue_name' cannot be translated; only "
        "name and description can",
        "listing 'b', translations: 'not a code' is not a language code such as 'cy'"]


# -- round trips through every format, and through the database ---------------------------

def _welsh_meeting() -> tuple[OrganisationRecord, ListingRecord]:
    org = OrganisationRecord(slug="cardiff-peers", name="Cardiff Peers")
    listing = ListingRecord(
        slug="cardiff-online-cy", organisation_slug="cardiff-peers", name="Online in Welsh",
        needs=["alcohol"], days=[2], start_time=time(19, 30),
        attendance="online", online_url="https://zoom.us/j/84912345678",
        online_phone=ZOOM_DIAL, languages=["cy"],
        translations={"cy": {"name": "Ar-lein yn Gymraeg",
                             "description": "Cyfarfod ar-lein, i gyd yn Gymraeg."}})
    return org, listing


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_translations_and_a_long_dial_string_survive_each_format_and_the_database(
        session: Session, tmp_path: Path, fmt: str) -> None:
    org, listing = _welsh_meeting()
    assert len(ZOOM_DIAL) > 40
    source = tmp_path / "in.csv"
    write_feed(source, Feed([org], [listing]), "csv")
    report = import_file(session, source, gazetteer=GAZETTEER, progress=False)
    assert report.invalid == [] and report.created == 2
    out = tmp_path / f"out{'.csv' if fmt == 'csv' else '.json'}"
    assert export_file(session, out, fmt) == 1
    feed, problems = read_feed(out, fmt)
    assert problems == []
    assert feed.listings[0].translations == listing.translations
    assert (feed.listings[0].online_phone, feed.listings[0].languages) == (ZOOM_DIAL, ["cy"])
    again = import_file(session, out, fmt, gazetteer=GAZETTEER, progress=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


# -- search: the Welsh name by text, and the Welsh-language flag ---------------------------

def test_text_search_finds_the_welsh_name(session: Session, tmp_path: Path) -> None:
    other = _group(slug="cardiff-gamblers-thursday", name="Cardiff Thursday Gamblers",
                   name_cy="", description_cy="", days="Thu")
    path = _write_csv(tmp_path / "two.csv", [_group(), other])
    assert import_file(session, path, gazetteer=GAZETTEER, progress=False).invalid == []
    index = SearchIndex.build(session)

    def first(text: str) -> str:
        q = Query(needs=frozenset({"gambling"}), text=text, latitude=CARDIFF[0],
                  longitude=CARDIFF[1], limit=2)
        return index.search(q).hits[0].slug

    assert first("Cymheiriaid Gamblo") == "cardiff-gamblers-tuesday"
    assert first("Thursday") == "cardiff-gamblers-thursday"


def test_language_filter_finds_a_welsh_language_meeting(session: Session,
                                                        tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "two.csv", [
        _group(languages="cy"),
        _group(slug="cardiff-english", name="Cardiff English Group", name_cy="",
               description_cy="", languages="en")])
    assert import_file(session, path, gazetteer=GAZETTEER, progress=False).invalid == []
    index = SearchIndex.build(session)
    base = {"needs": frozenset({"gambling"}), "latitude": CARDIFF[0],
            "longitude": CARDIFF[1], "limit": 10}
    assert {h.slug for h in index.search(Query(**base)).hits} == {
        "cardiff-gamblers-tuesday", "cardiff-english"}
    welsh = index.search(Query(**base, languages=frozenset({"cy"}))).hits
    assert [h.slug for h in welsh] == ["cardiff-gamblers-tuesday"]


# -- a volunteer sets the Welsh name ---------------------------------------------------------

def _grant(chat: Chat, role: str, org: str | None = None) -> None:
    with chat.sessions() as s:
        access.grant(s, chat.platform, chat.user, role, chat.clock(), org)
        s.commit()


@pytest.fixture
async def volunteer(chat: Chat) -> Chat:
    admin = chat.someone_else("admin")
    _grant(admin, "admin")
    await admin.say(f"/invite {LEEDS_ORG}")
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", admin.text)
    assert code, admin.text
    v = chat.someone_else("vol")
    await v.say(f"/volunteer {code[1]}")
    _grant(v, "trusted")
    return v


async def test_a_volunteer_sets_the_welsh_name_and_description(volunteer: Chat,
                                                              chat: Chat) -> None:
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(t("v_f_name_cy", "en"))  # "Welsh name"
    await volunteer.say("Caffi Adfer Leeds")
    volunteer.expect("(none) → Caffi Adfer Leeds")
    await volunteer.tap("Save")
    volunteer.expect("Saved")
    assert _stored(volunteer.sessions, LEEDS_CAFE).translations == {
        "cy": {"name": "Caffi Adfer Leeds"}}

    # In Welsh, the field is offered in Welsh; the description keeps the name.
    await volunteer.say("/iaith cymraeg")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(t("v_f_description_cy", "cy"))  # "Disgrifiad (Cymraeg)"
    await volunteer.say("Caffi cyfeillgar i bobl mewn adferiad.")
    await volunteer.tap(t("v_b_confirm", "cy"))
    row = _stored(volunteer.sessions, LEEDS_CAFE)
    assert row.translations == {"cy": {"name": "Caffi Adfer Leeds",
                                       "description": "Caffi cyfeillgar i bobl mewn adferiad."}}
    assert "translations" in row.curated_fields  # no import overwrites it now

    await chat.say("/iaith cymraeg")
    await chat.say("alcohol yn Leeds")
    assert "Caffi Adfer Leeds" in chat.results(), chat.text

    # "-" removes the Welsh name; the description stays.
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(t("v_f_name_cy", "cy"))
    await volunteer.say("-")
    await volunteer.tap(t("v_b_confirm", "cy"))
    assert _stored(volunteer.sessions, LEEDS_CAFE).translations == {
        "cy": {"description": "Caffi cyfeillgar i bobl mewn adferiad."}}
