"""Understanding Welsh (issue 16, part 3): needs in everyday Welsh, Welsh place names with
their initial mutations undone, and short replies (yes/no, numbers, which language).
English must understand exactly as before: the regressions at the end of each part."""

from __future__ import annotations

import time

import pytest

from bot import language_words
from bot.language_words import choice_number, detect_language, yes_no
from directory import needs
from directory.finder import understand_request
from directory.geography import Gazetteer, GeoResult, Place
from directory.needs import understand


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def found(result: GeoResult | None) -> Place:
    assert result is not None
    assert result.status == "found", result
    assert result.place is not None
    return result.place


# ------------------------------------------------------------------- needs

@pytest.mark.parametrize(("text", "expected"), [
    ("dw i angen help gyda alcohol yng Nghaerdydd", {"alcohol"}),
    ("dw i'n yfed gormod", {"alcohol"}),
    ("Rydw i’n yfed bob nos", {"alcohol"}),
    ("yfed", {"alcohol"}),
    ("cwrw", {"alcohol"}),
    ("dw i'n meddwi bob penwythnos", {"alcohol"}),
    ("gormod o ddiod", {"alcohol"}),
    ("help efo alcohol", {"alcohol"}),
    ("cyffuriau", {"drugs"}),
    ("problem gyda chyffuriau", {"drugs"}),
    ("dw i'n gaeth i gyffuriau", {"drugs"}),
    ("canabis", {"cannabis"}),
    ("smocio gwair bob dydd", {"cannabis", "smoking"}),
    ("cocên", {"cocaine"}),
    ("cocen", {"cocaine"}),
    ("crac", {"crack"}),
    ("heroin a methadon", {"opioids", "drugs"}),
    ("tabledi cysgu", {"benzodiazepines"}),
    ("cetamin", {"ketamine"}),
    ("gamblo", {"gambling"}),
    ("dw i'n betio gormod", {"gambling"}),
    ("hapchwarae ar-lein", {"gambling"}),
    ("fy nheulu", {"family"}),
    ("mae fy mab yn defnyddio cyffuriau", {"family", "drugs"}),
    ("mae fy mab yn yfed", {"family", "alcohol"}),
    ("mae fy ngŵr yn yfed bob nos", {"family", "alcohol"}),
    ("mae fy ngwr yn yfed bob nos", {"family", "alcohol"}),  # typed without the to bach
    ("mae ei gŵr hi'n gamblo", {"family", "gambling"}),
    ("mae mab fi'n cymryd cyffuriau", {"family", "drugs"}),
    ("dw i'n poeni am fy merch", {"family"}),
    ("mae fy nhad yn yfed gormod", {"family", "alcohol"}),
    ("iechyd meddwl", {"mental_health"}),
    ("gorbryder ac iselder", {"mental_health"}),
    ("dw i'n teimlo'n isel", {"mental_health"}),
    ("dw i'n ddigartref", {"housing"}),
    ("tai", {"housing"}),
    ("dw i angen swydd", {"work"}),
    ("gwirfoddoli", {"work"}),
    ("newydd ddod allan o'r carchar", {"criminal_justice"}),
    ("swyddog prawf", {"criminal_justice"}),
    ("ysmygu", {"smoking"}),
    ("fepio", {"smoking"}),
    ("anhwylder bwyta", {"eating"}),
    ("bwyd", {"eating"}),  # a tapped-like one-word answer
    ("adferiad", {"recovery_community"}),
])
def test_welsh_needs_are_understood(text: str, expected: set[str]) -> None:
    assert set(understand(text)[0]) == expected


@pytest.mark.parametrize("text", [
    "dw i'n meddwl bod o'n iawn",  # meddwl (think) is not meddw (drunk)
    "iawn, diolch",
    "shwmae",
    "dw i'n crac efo fo",  # crac: angry, in the north
    "ges i brawf gwaed heddiw",  # prawf: a test
    "tair gwaith yr wythnos",  # gwaith: times
    "yr unig un",  # unig: only
    "dw i'n cymryd fy nhabledi bob bore fel mae'r meddyg yn deud",
    "mae'r tabledi newydd gan y meddyg yn help mawr",
    "ar ôl gwaith",
])
def test_ordinary_welsh_is_not_a_need(text: str) -> None:
    assert understand(text)[0] == frozenset()


@pytest.mark.parametrize("text", [
    "I'm certain", "I tabled a motion", "Thai food", "tai chi class", "did we win",
    "I am using the bus", "hello",
])
def test_welsh_words_do_not_make_english_needs(text: str) -> None:
    # "certain" is one slip from "cetamin", and "Thai" an aspirate form of "tai": Welsh
    # words are never a target for slips, and only listed mutated forms count.
    assert understand(text)[0] == frozenset()


@pytest.mark.parametrize(("text", "expected"), [
    ("I drink too much", {"alcohol"}), ("alchohol", {"alcohol"}),
    ("my son's using", {"family", "drugs"}), ("smoking weed", {"cannabis", "smoking"}),
    ("gamblng problem", {"gambling"}), ("recovery café", {"recovery_community"}),
    # "cv" is weak in the Welsh list, but a plain need word in English: it stays one.
    ("help with my cv", {"work"}),
])
def test_english_is_understood_as_before(text: str, expected: set[str]) -> None:
    assert set(understand(text)[0]) == expected


def test_need_spans_point_into_the_text_with_welsh_accents() -> None:
    # The finder cuts the spans out of the text to match names; ŵ and ê must not move them.
    text = "mae fy ngŵr yn gaeth i gocên"
    codes, spans = understand(text)
    assert codes == {"family", "cocaine"}
    assert {text[a:b] for a, b in spans} >= {"ngŵr", "gocên"}


def test_every_language_table_names_real_needs_only() -> None:
    for code, lang in needs.LANGUAGES.items():
        assert set(lang.words) <= needs.NEED_CODES, code
        assert all(w == w.casefold() for ws in lang.words.values() for w in ws), code
    assert set(needs.LANGUAGES) >= {"en", "cy"}
    # Every need has Welsh words.
    assert set(needs.LANGUAGES["cy"].words) == needs.NEED_CODES


# ------------------------------------------------------------------ places

@pytest.mark.parametrize(("text", "name"), [
    ("Caerdydd", "Cardiff"), ("Casnewydd", "Newport, Wales"), ("Abertawe", "Swansea"),
    ("Wrecsam", "Wrexham"), ("Caerfyrddin", "Carmarthen"), ("Pen-y-bont ar Ogwr", "Bridgend"),
    ("Castell-nedd", "Neath"), ("Y Barri", "Barry"), ("Caergybi", "Holyhead"),
    ("Y Fenni", "Abergavenny"), ("Hwlffordd", "Haverfordwest"), ("Dinbych", "Denbigh"),
    ("Talacharn", "Laugharne"), ("Glynebwy", "Ebbw Vale"), ("Aberhonddu", "Brecon"),
    ("Merthyr Tudful", "Merthyr Tydfil"), ("Merthyr", "Merthyr Tydfil"),
    ("Pontypŵl", "Pontypool"), ("Rhymni", "Rhymney"), ("Tref-y-clawdd", "Knighton"),
    ("Llundain", "London"),
])
def test_welsh_names_resolve(gaz: Gazetteer, text: str, name: str) -> None:
    assert found(gaz.resolve(text)).name == name


@pytest.mark.parametrize(("text", "name"), [
    # nasal
    ("Nghaerdydd", "Cardiff"), ("Mangor", "Bangor, Wales"), ("Mhontypridd", "Pontypridd"),
    ("Nhalacharn", "Laugharne"), ("Nglynebwy", "Ebbw Vale"), ("Ninbych", "Denbigh"),
    ("Nghastell-nedd", "Neath"), ("Mhen-y-bont ar Ogwr", "Bridgend"),
    # soft
    ("Gaerdydd", "Cardiff"), ("Fangor", "Bangor, Wales"), ("Ddinbych", "Denbigh"),
    ("Lanelli", "Llanelli"), ("Ferthyr", "Merthyr Tydfil"), ("Bontypridd", "Pontypridd"),
    ("Gasnewydd", "Newport, Wales"), ("Lynebwy", "Ebbw Vale"), ("Gaerfyrddin", "Carmarthen"),
    # aspirate
    ("Chaerdydd", "Cardiff"), ("Thalacharn", "Laugharne"), ("Phontypridd", "Pontypridd"),
    # with the word before
    ("yng Nghaerdydd", "Cardiff"), ("ym Mangor", "Bangor, Wales"),
    ("i Gasnewydd", "Newport, Wales"), ("yn Nhalacharn", "Laugharne"),
    ("o Ddinbych", "Denbigh"), ("ger Wrecsam", "Wrexham"), ("yn ymyl Bangor", "Bangor, Wales"),
    ("agos at Gaerdydd", "Cardiff"), ("yn Abertawe", "Swansea"), ("i Lundain", "London"),
    ("ym Mryste", "Bristol"),
])
def test_mutated_names_are_undone(gaz: Gazetteer, text: str, name: str) -> None:
    assert found(gaz.resolve(text)).name == name


def test_mangor_is_bangor_not_the_nearest_spelling(gaz: Gazetteer) -> None:
    # Magor (Monmouthshire) is one slip from "Mangor"; the mutation comes first.
    assert found(gaz.resolve("Mangor")).name == "Bangor, Wales"


def test_a_name_that_is_a_place_is_never_unmutated(gaz: Gazetteer) -> None:
    # Mold is not a mutated Bold, Bury is not a mutated Pury, Magor is not Bagor.
    assert found(gaz.resolve("Mold")).name == "Mold"
    assert found(gaz.resolve("yn Mold")).name == "Mold"
    assert found(gaz.find_in_text("dw i'n byw yn Magor")).name == "Magor"


def test_bangor_in_english_is_still_asked_about(gaz: Gazetteer) -> None:
    # Only Welsh ("ym Mangor", "yn Bangor") says it is the Bangor in Wales.
    assert gaz.resolve("Bangor").status == "ambiguous"
    english = gaz.find_in_text("meetings in Bangor")
    assert english is not None and english.status == "ambiguous"
    assert found(gaz.find_in_text("oes grŵp yn Bangor?")).name == "Bangor, Wales"


@pytest.mark.parametrize(("text", "name", "span"), [
    ("dw i angen help gyda alcohol yng Nghaerdydd", "Cardiff", "Nghaerdydd"),
    ("oes cyfarfod ym Mangor?", "Bangor, Wales", "Mangor"),
    ("dw i'n symud i Gasnewydd mis nesa", "Newport, Wales", "Gasnewydd"),
    ("oes grŵp yn Nhalacharn", "Laugharne", "Nhalacharn"),
    ("dw i'n byw ym Merthyr rwan", "Merthyr Tydfil", "Merthyr"),
    ("oes grŵp gamblo ym Mhen-y-bont ar Ogwr?", "Bridgend", "Mhen-y-bont ar Ogwr"),
    ("dw i'n teithio o Ddinbych, oes parcio?", "Denbigh", "Ddinbych"),
    ("faint o amser i fynd i Gaerfyrddin ar y bws?", "Carmarthen", "Gaerfyrddin"),
    ("ydy'r trên yn stopio yng Nghastell-nedd?", "Neath", "Nghastell-nedd"),
    ("oes cyfarfod ym Mhwllheli nos Iau", "Pwllheli", "Mhwllheli"),
    ("ydy'r grŵp yn y Rhyl yn Gymraeg?", "Rhyl", "y Rhyl"),
    ("chwilio am grwp yn wrecsam plis", "Wrexham", "wrecsam"),
    ("cyfarfodydd ger Caerdydd", "Cardiff", "Caerdydd"),
    ("grŵp wrth ymyl Abertawe", "Swansea", "Abertawe"),
    ("dw i'n byw yn y Porth", "Porth", "Porth"),
    ("cyfarfod yn CF10", "CF10", "CF10"),
])
def test_find_in_welsh_text(gaz: Gazetteer, text: str, name: str, span: str) -> None:
    result = gaz.find_in_text(text)
    assert found(result).name == name
    assert result is not None and result.query == span


@pytest.mark.parametrize("text", [
    "mae'r cyfarfod yn y capel",  # capel: a chapel, not Capel St Mary
    "dw i'n mynd i'r ysgol",
    "diolch yn fawr",
    "I went to the shop",  # "went" is not a soft-mutated Gwent
    "i ran away", "I gave up", "I am going out", "at least", "o well", "a bit",
])
def test_welsh_rules_find_no_place_in_ordinary_words(gaz: Gazetteer, text: str) -> None:
    assert gaz.find_in_text(text) is None


def test_english_places_in_text_as_before(gaz: Gazetteer) -> None:
    assert found(gaz.find_in_text("I'm in Leeds and drinking too much")).name == "Leeds"
    assert found(gaz.find_in_text("I live in Merthyr")).name == "Merthyr Tydfil"
    assert gaz.find_in_text("living in hope") is None
    assert gaz.find_in_text("I'm in Wales") is None
    assert gaz.find_in_text("i'm in Cymru") is None  # a country, in any language


def test_one_welsh_message_gives_need_and_place(gaz: Gazetteer) -> None:
    request = understand_request("dw i angen help gyda alcohol yng Nghaerdydd", gaz)
    assert request.needs == {"alcohol"}
    assert found(request.place).name == "Cardiff"
    assert "nghaerdydd" not in request.text and "alcohol" not in request.text


def test_welsh_lookups_stay_quick(gaz: Gazetteer) -> None:
    texts = ["dw i angen help gyda alcohol yng Nghaerdydd", "i " * 150, "yn " * 100,
             "ym Mangor " * 30, "I went to the shop and I am at a loss"] * 20
    start = time.perf_counter()
    for text in texts:
        gaz.find_in_text(text)
        gaz.resolve(text)
        understand(text)
    assert (time.perf_counter() - start) / len(texts) < 0.005


# ---------------------------------------------------------- short replies

@pytest.mark.parametrize(("text", "lang", "answer"), [
    ("ie", "cy", True), ("Ie, diolch", "cy", True), ("iawn", "cy", True), ("ydw", "cy", True),
    ("do", "cy", True), ("oes", "cy", True), ("ia plis", "cy", True), ("yndw", "cy", True),
    ("cytuno", "cy", True), ("na", "cy", False), ("nac ydw", "cy", False),
    ("naddo", "cy", False), ("dim diolch", "cy", False), ("nage", "cy", False),
    ("Na, dim diolch", "cy", False), ("nac oes", "cy", False),
    ("yes", "cy", True), ("no", "cy", False),  # a Welsh speaker may answer in English
    ("yes please", "en", True), ("yeah", "en", True), ("yep", "en", True), ("ok", "en", True),
    ("no thanks", "en", False), ("nope", "en", False), ("ie", "en", True),
    ("diolch", "cy", None), ("yes no", "en", None), ("ie na", "cy", None),
    ("maybe", "en", None), ("", "cy", None), ("dw i ddim yn siŵr", "cy", None),
])
def test_yes_no(text: str, lang: str, answer: bool | None) -> None:
    assert yes_no(text, lang) is answer


@pytest.mark.parametrize(("text", "lang", "number"), [
    ("un", "cy", 1), ("dau", "cy", 2), ("dwy", "cy", 2), ("tri", "cy", 3), ("tair", "cy", 3),
    ("pedwar", "cy", 4), ("pedair", "cy", 4), ("pump", "cy", 5), ("chwech", "cy", 6),
    ("saith", "cy", 7), ("wyth", "cy", 8), ("naw", "cy", 9), ("deg", "cy", 10),
    ("y cyntaf", "cy", 1), ("yr ail", "cy", 2), ("yr ail un", "cy", 2),
    ("y trydydd", "cy", 3), ("y drydedd", "cy", 3), ("pedwerydd", "cy", 4),
    ("rhif 2", "cy", 2), ("Rhif dau", "cy", 2), ("2", "cy", 2), ("3ydd", "cy", 3),
    ("one", "en", 1), ("two", "en", 2), ("ten", "en", 10), ("first", "en", 1),
    ("the second one", "en", 2), ("number 3", "en", 3), ("#4", "en", 4), ("2nd", "en", 2),
    ("12", "en", 12), ("option 3 please", "en", 3), ("dau", "en", 2), ("two", "cy", 2),
    ("2026", "en", None), ("0", "en", None), ("un dau tri", "cy", None),
    ("dau o'r gloch", "cy", None), ("I want to go home", "en", None), ("", "en", None),
])
def test_choice_number(text: str, lang: str, number: int | None) -> None:
    assert choice_number(text, lang) == number


@pytest.mark.parametrize(("text", "lang"), [
    ("shwmae", "cy"), ("Bore da", "cy"), ("diolch", "cy"), ("noswaith dda", "cy"),
    ("dw i angen help gyda alcohol yng Nghaerdydd", "cy"), ("Rydw i’n byw yn Abertawe", "cy"),
    ("helo, dw i isio help", "cy"), ("mae fy mab yn yfed gormod", "cy"),
    ("oes cyfarfod ym Mangor?", "cy"), ("angen help", "cy"),
    ("hello", "en"), ("hi", "en"), ("I need help with alcohol in Cardiff", "en"),
    ("I'm struggling", "en"), ("any meetings near Leeds tonight?", "en"),
    ("helo", None), ("Caerdydd", None), ("Leeds", None), ("ok", None), ("", None),
    ("CF10", None), ("🙂", None),
])
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_every_language_has_every_word_list() -> None:
    # A third language adds an entry to each table; none may be forgotten.
    tables = [language_words.YES, language_words.NO, language_words.POLITE,
              language_words.NUMBERS, language_words.NUMBER_FRAME, language_words.MARKERS,
              language_words.CLITIC_MARKERS]
    langs = set(language_words.YES)
    assert langs >= {"en", "cy"}
    for table in tables:
        assert set(table) == langs


def test_the_numbers_one_to_ten_in_every_language() -> None:
    for lang, numbers in language_words.NUMBERS.items():
        assert set(numbers.values()) >= set(range(1, 11)), lang


def test_short_replies_take_anything(gaz: Gazetteer) -> None:
    for junk in (None, 42, "x" * 100_000, "\x00", "ie " * 1000):
        assert yes_no(junk, "cy") is None  # type: ignore[arg-type]
        assert choice_number(junk, "cy") is None  # type: ignore[arg-type]
        assert detect_language(junk) in (None, "cy", "en")  # type: ignore[arg-type]
