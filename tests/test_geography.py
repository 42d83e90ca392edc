"""The offline gazetteer against the shipped data files (directory/data)."""

from __future__ import annotations

import csv
import gzip
import time

import pytest

from directory.geography import (
    DATA_DIR,
    Gazetteer,
    GeoResult,
    Place,
    distance_km,
    is_significant,
    normalise,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def found(result: GeoResult) -> Place:
    assert result.status == "found", result
    assert result.place is not None
    return result.place


def km_between(a: Place, b: Place) -> float:
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


# ---------------------------------------------------------------- postcodes

@pytest.mark.parametrize("text", ["DN1 3AB", "dn13ab", "  dn1   3ab ", "Dn1-3aB"])
def test_full_postcode_resolves_to_its_sector_centroid(gaz: Gazetteer, text: str) -> None:
    place = found(gaz.resolve(text))
    sector = found(gaz.resolve("DN1 3"))
    assert (place.name, place.kind, place.country) == ("DN1 3", "postcode", "England")
    assert place.approximate  # a sector centroid stands in for the address
    assert (place.latitude, place.longitude) == (sector.latitude, sector.longitude)
    assert km_between(place, found(gaz.resolve("Doncaster"))) < 3


def test_sector_and_district(gaz: Gazetteer) -> None:
    sector = found(gaz.resolve("DN1 3"))
    assert (sector.name, sector.kind, sector.approximate) == ("DN1 3", "postcode_sector", False)
    for text in ("DN1", "dn1", " Dn1 "):
        district = found(gaz.resolve(text))
        assert (district.name, district.kind) == ("DN1", "postcode_district")
    assert km_between(sector, found(gaz.resolve("DN1"))) < 2


@pytest.mark.parametrize("text", ["sw1a", "SW1A", "sw1A"])
def test_district_with_letter_suffix(gaz: Gazetteer, text: str) -> None:
    place = found(gaz.resolve(text))
    assert (place.name, place.kind) == ("SW1A", "postcode_district")
    assert km_between(place, found(gaz.resolve("London"))) < 3


def test_district_beats_squashed_sector_and_squashed_sector_works(gaz: Gazetteer) -> None:
    assert found(gaz.resolve("S11")).name == "S11"  # a real district, not "S1 1"
    assert found(gaz.resolve("S1 1")).name == "S1 1"
    assert found(gaz.resolve("DN13")).name == "DN1 3"  # there is no district DN13


def test_unknown_postcode_is_not_a_place_name(gaz: Gazetteer) -> None:
    result = gaz.resolve("ZZ1 1ZZ")
    assert result.status == "not_found"
    assert result.suggestions == ()


def test_northern_ireland_postcode_is_approximate(gaz: Gazetteer) -> None:
    belfast = found(gaz.resolve("Belfast"))
    for text in ("BT7 1NN", "bt71nn", "BT7"):
        place = found(gaz.resolve(text))
        assert place.name == "BT7"
        assert place.country == "Northern Ireland"
        assert place.approximate
        assert km_between(place, belfast) < 5
    derry = found(gaz.resolve("BT48 7AA"))
    assert km_between(derry, found(gaz.resolve("Londonderry"))) < 1


# ------------------------------------------------------------------- places

@pytest.mark.parametrize("text", ["stoke on trent", "Stoke-on-Trent", "STOKE ON TRENT",
                                  "stoke-on-trent.", "Stoke"])
def test_punctuation_and_case_tolerance(gaz: Gazetteer, text: str) -> None:
    place = found(gaz.resolve(text))
    assert (place.name, place.kind, place.country) == ("Stoke-on-Trent", "place", "England")


@pytest.mark.parametrize(("text", "name"), [
    ("King's Lynn", "King's Lynn"), ("kings lynn", "King's Lynn"), ("St Helens", "St Helens"),
    ("Saint Helens", "St Helens"), ("st. helens", "St Helens"), ("Milton Keynes", "Milton Keynes"),
    ("Hull", "Kingston upon Hull"), ("Swansea, Wales", "Swansea"), ("Leeds UK", "Leeds"),
])
def test_everyday_names(gaz: Gazetteer, text: str, name: str) -> None:
    assert found(gaz.resolve(text)).name == name


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Caerdydd", "Cardiff", "Wales"), ("Abertawe", "Swansea", "Wales"),
    ("Casnewydd", "Newport, Wales", "Wales"), ("Dùn Èideann", "Edinburgh", "Scotland"),
    ("Llundain", "London", "England"),
])
def test_welsh_and_gaelic_names(gaz: Gazetteer, text: str, name: str, country: str) -> None:
    place = found(gaz.resolve(text))
    assert (place.name, place.country) == (name, country)


@pytest.mark.parametrize(("typo", "name"), [
    ("Donacster", "Doncaster"), ("Middlesborough", "Middlesbrough"),
    ("Edinburough", "Edinburgh"), ("Manchestor", "Manchester"), ("Sheffeld", "Sheffield"),
    ("birmingam", "Birmingham"),
])
def test_misspellings(gaz: Gazetteer, typo: str, name: str) -> None:
    assert found(gaz.resolve(typo)).name == name


def test_misspelt_ambiguous_name_stays_ambiguous(gaz: Gazetteer) -> None:
    result = gaz.resolve("Newcastel")
    assert result.status == "ambiguous"
    assert result.candidates[0].name == "Newcastle upon Tyne"


@pytest.mark.parametrize("name", ["London", "Leeds", "Manchester", "Barrow", "Chester"])
def test_big_places_resolve_directly(gaz: Gazetteer, name: str) -> None:
    place = found(gaz.resolve(name))
    assert place.kind == "place"
    assert place.name.startswith(name)


@pytest.mark.parametrize(("text", "expected"), [
    ("Newport", {"Newport, Wales", "Newport, Isle of Wight"}),
    ("Newcastle", {"Newcastle upon Tyne", "Newcastle under Lyme"}),
    ("Richmond", {"Richmond, London", "Richmond, North Yorkshire"}),
    ("Ashford", {"Ashford, Kent", "Ashford, Surrey"}),
    ("Bangor", {"Bangor, Wales", "Bangor, Northern Ireland"}),
])
def test_ambiguous_names(gaz: Gazetteer, text: str, expected: set[str]) -> None:
    result = gaz.resolve(text)
    assert result.status == "ambiguous"
    assert result.place is None
    names = [c.name for c in result.candidates]
    assert expected <= set(names)
    assert len(set(names)) == len(names)  # every candidate can be told apart
    # Best first, and each display name leads back to exactly that place.
    for candidate in result.candidates:
        assert gaz.resolve(candidate.name).place == candidate


def test_every_shipped_place_is_reachable_by_the_name_it_is_shown_with(
        gaz: Gazetteer) -> None:
    # The bot offers candidates and suggestions as buttons and resolves the label again.
    with gzip.open(DATA_DIR / "places.csv.gz", "rt", encoding="utf-8") as f:
        names = {row["name"] for row in csv.DictReader(f)} - {"Wales"}
    for name in names:
        result = gaz.resolve(name)
        assert result.status in ("found", "ambiguous"), name
        for place in (result.place,) if result.place else result.candidates:
            assert gaz.resolve(place.name).place == place, place.name


def test_ambiguous_candidates_span_countries_and_areas(gaz: Gazetteer) -> None:
    newport = gaz.resolve("Newport").candidates
    assert newport[0].name == "Newport, Wales"  # the biggest first
    assert {c.country for c in newport} == {"Wales", "England"}
    richmond = gaz.resolve("Richmond").candidates
    assert km_between(richmond[0], richmond[1]) > 300


def test_significance_rule() -> None:
    assert not is_significant(5_000, 8_000_000)  # a hamlet next to London
    assert is_significant(24_884, 161_506)  # Newport IoW next to Newport, Wales
    assert is_significant(900, 2_000)  # two villages of a size
    assert not is_significant(5_196, 55_489, short_form_of=0)  # Barrow upon Soar
    assert not is_significant(36_917, 90_524, short_form_of=90_524)  # Chester-le-Street


def test_country_names_are_not_places(gaz: Gazetteer) -> None:
    # "Wales" is also a village near Sheffield, but nobody means it.
    assert gaz.resolve("Wales").status == "not_found"


@pytest.mark.parametrize("word", ["pizza", "help", "hello", "working", "regarding", "going"])
def test_ordinary_words_are_not_places(gaz: Gazetteer, word: str) -> None:
    result = gaz.resolve(word)
    assert result.status == "not_found"
    assert result.suggestions == ()


@pytest.mark.parametrize(("text", "suggestion"), [
    ("Donc", "Doncaster"), ("Manc", "Manchester"), ("Lieds", "Leeds"), ("Lonon", "London"),
])
def test_suggestions(gaz: Gazetteer, text: str, suggestion: str) -> None:
    result = gaz.resolve(text)
    assert result.status == "not_found"
    assert suggestion in result.suggestions
    assert len(result.suggestions) <= 3


@pytest.mark.parametrize("junk", [
    "", "   ", "x" * 100_000, "🙂🍺🙂", "\x00\x01\x1b[31m", "Leeds\x00", "a b c d e f g h " * 500,
    "ÿ" * 300, "12345", "?!", "DN1 3AB " * 1000,
])
def test_junk_never_raises_and_is_quick(gaz: Gazetteer, junk: str) -> None:
    start = time.perf_counter()
    result = gaz.resolve(junk)
    gaz.find_in_text(junk)
    assert time.perf_counter() - start < 0.1
    assert result.status in ("found", "ambiguous", "not_found")
    assert len(result.query) <= 200


def test_non_text_input(gaz: Gazetteer) -> None:
    assert gaz.resolve(None).status == "not_found"  # type: ignore[arg-type]
    assert gaz.find_in_text(42) is None  # type: ignore[arg-type]


# ------------------------------------------------------------ find_in_text

@pytest.mark.parametrize(("text", "name", "span"), [
    ("I'm in Leeds and drinking too much", "Leeds", "Leeds"),
    ("alcohol support near Leeds", "Leeds", "Leeds"),
    ("cocaine help LS1", "LS1", "LS1"),
    ("meetings around caerdydd", "Cardiff", "caerdydd"),
    ("im in donacster", "Doncaster", "donacster"),
    ("I live in Reading", "Reading", "Reading"),
    ("near Bath", "Bath", "Bath"),
    ("any meetings in Bath tonight?", "Bath", "Bath"),
    ("I'm in Newcastle upon Tyne", "Newcastle upon Tyne", "Newcastle upon Tyne"),
    ("anything in Milton Keynes?", "Milton Keynes", "Milton Keynes"),
    ("St Helens AA", "St Helens", "St Helens"),
    ("my postcode is dn1 3ab", "DN1 3", "dn1 3ab"),
    ("I'm in Leeds LS6", "LS6", "LS6"),  # the postcode is the more precise
    ("i'm in bt9", "BT9", "bt9"),
    ("I LIVE IN READING", "Reading", "READING"),
    ("meetings near March", "March", "March"),
    ("I live in Barry", "Barry", "Barry"),
    ("im in newport wales", "Newport, Wales", "newport wales"),
])
def test_find_in_text(gaz: Gazetteer, text: str, name: str, span: str) -> None:
    result = gaz.find_in_text(text)
    assert result is not None
    assert found(result).name == name
    assert result.query == span  # the words to remove when matching names


def test_find_in_text_ambiguous(gaz: Gazetteer) -> None:
    result = gaz.find_in_text("are there groups in Newport")
    assert result is not None and result.status == "ambiguous"
    assert "Newport, Wales" in [c.name for c in result.candidates]
    result = gaz.find_in_text("I'm in Newcastle")
    assert result is not None and result.status == "ambiguous"


@pytest.mark.parametrize("text", [
    "I'm reading about recovery", "Reading about recovery helps", "I need help with booze",
    "coke", "speed", "crack", "gear", "need gear", "I relapsed in March",
    "my mate Barry drinks too much", "living in hope", "I'm in over my head",
    "I want to deal with my drinking", "stuck on the M1", "CO2 levels", "I'm in recovery",
    "I'm working on it", "street drugs", "I'm at church on Sunday", "from work", "at home",
    "I'm in Wales", "bath", "",
])
def test_find_in_text_ignores_ordinary_words(gaz: Gazetteer, text: str) -> None:
    assert gaz.find_in_text(text) is None


# ----------------------------------------------------------------- nearest

def test_nearest_place(gaz: Gazetteer) -> None:
    doncaster = found(gaz.resolve("Doncaster"))
    near = gaz.nearest_place(doncaster.latitude + 0.003, doncaster.longitude - 0.003)
    assert near is not None and near.name == "Doncaster"
    inverness = gaz.nearest_place(57.48, -4.22)
    assert inverness is not None and inverness.country == "Scotland"
    assert gaz.nearest_place(45.0, -20.0) is None  # the Atlantic
    assert gaz.nearest_place(float("nan"), 0.0) is None


def test_nearest_place_is_the_nearest_and_fast(gaz: Gazetteer) -> None:
    towns = [p for p in (gaz.nearest_place(lat / 10, lon / 10)
                         for lat in range(505, 560, 7) for lon in range(-50, 15, 9)) if p]
    assert len(towns) > 20
    # Brute force over every place of 1,000+ people for one point.
    lat, lon = 52.2, -1.3
    best = gaz.nearest_place(lat, lon)
    assert best is not None
    with gzip.open(DATA_DIR / "places.csv.gz", "rt", encoding="utf-8") as f:
        closest = min(distance_km(lat, lon, float(r["lat"]), float(r["lon"]))
                      for r in csv.DictReader(f) if int(r["population"]) >= 1000)
    assert distance_km(lat, lon, best.latitude, best.longitude) == pytest.approx(closest)
    start = time.perf_counter()
    for _ in range(200):
        gaz.nearest_place(53.5, -1.1)
    assert (time.perf_counter() - start) / 200 < 0.005


def test_distance_km() -> None:
    leeds_to_doncaster = distance_km(53.7965, -1.5478, 53.5228, -1.1285)
    assert 40 < leeds_to_doncaster < 50
    assert distance_km(51.5, -0.1, 51.5, -0.1) == 0
    assert distance_km(51.5, -0.1, 55.95, -3.19) == pytest.approx(
        distance_km(55.95, -3.19, 51.5, -0.1))


# -------------------------------------------------------------- data/speed

def test_default_is_cached_and_resolve_is_fast(gaz: Gazetteer) -> None:
    assert Gazetteer.default() is gaz
    queries = ["DN1 3AB", "Leeds", "Newport", "Donacster", "pizza", "Caerdydd", "SW1A"] * 30
    start = time.perf_counter()
    for q in queries:
        gaz.resolve(q)
    assert (time.perf_counter() - start) / len(queries) < 0.002


def test_shipped_files_are_small_and_coarse() -> None:
    files = ["postcode_districts.csv.gz", "postcode_sectors.csv.gz", "places.csv.gz"]
    assert sum((DATA_DIR / f).stat().st_size for f in files) < 1_500_000
    with gzip.open(DATA_DIR / "postcode_sectors.csv.gz", "rt", encoding="utf-8") as f:
        sectors = [row["sector"] for row in csv.DictReader(f)]
    assert len(sectors) > 9000
    # Sectors only ("DN1 3"): no unit postcode ("DN1 3AB") is shipped.
    assert all(len(s.split()[1]) == 1 for s in sectors)
    attribution = (DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Contains OS data © Crown copyright and database right" in attribution
    assert "GeoNames" in attribution and "Creative Commons Attribution 4.0" in attribution


def test_normalise() -> None:
    assert normalise("Stoke-on-Trent") == "stoke on trent"
    assert normalise("King's Lynn") == "kings lynn"
    assert normalise("Saint  Helens!") == "st helens"
    assert normalise("Dùn Èideann") == "dun eideann"
    assert normalise("Brighton & Hove") == "brighton and hove"
