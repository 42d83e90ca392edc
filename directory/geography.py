"""Offline UK geography: postcodes and place names to coordinates, with no network.

Data (built by scripts/build_geodata.py into directory/data/, see ATTRIBUTION.md there):
- Postcode district and sector centroids of Great Britain from Ordnance Survey Code-Point
  Open (Open Government Licence v3.0; "Contains OS data © Crown copyright and database
  right"). A full postcode resolves to its sector centroid: no unit-level coordinates are
  shipped, which is coarse on purpose (privacy) and plenty for "meetings near me".
- Northern Ireland (BT) districts: not in Code-Point Open; each district stands at its
  main post town (approximate, marked so).
- Places from GeoNames cities500 (CC BY 4.0), with Welsh, Gaelic and Irish names.

Only the standard library and rapidfuzz are used at run time (the distance is geopy's
great-circle formula, written out: importing geopy pulls in its geocoders and aiohttp,
a sixth of a second on every start).

Ambiguity rule: a name is ambiguous when, among the places it can mean (same name, or a
short form such as "Newcastle" for Newcastle upon Tyne and Newcastle-under-Lyme), a second
place is *significant*: population >= 5% of the largest AND (>= 5,000 or >= 25% of the
largest). A place the name only abbreviates must weigh more: 20% of the largest, and half
of any place with exactly that name ("Barrow" is Barrow-in-Furness, not Barrow upon Soar;
"Chester" is Chester, not Chester-le-Street; "Stratford" is asked about). So "London" and
"Leeds" resolve directly (any namesake is tiny next to them), while Newport, Richmond,
Ashford, Bangor and Newcastle ask which one is meant.

Common-word rule (find_in_text only; resolve() is told the text *is* a place): a name
made only of ordinary English words ("Bath", "Reading", "Street", "Deal", "Hope", "West
End") counts only
- right after "near"/"around"/"outside"/"nr"; or
- after "live in", "based in", "meetings in" and the like, when written with a capital
  or naming a town of 10,000+ ("I live in reading" yes, "living in hope" no); or
- written with a capital after "in"/"at"/"from" ("in Bath" yes, "in bath" no); or
- written with a capital mid-sentence or as the whole message, for towns of 10,000+
  ("Reading about recovery" at the start of a sentence: no).
Capitals say nothing in Title Case or SHOUTED text. Month names ("March") need "near" or
"live in"; first names that are also towns ("Barry", "Keith") need a locator other than
"at"/"from". Other names count anywhere ("I'm in Leeds and drinking too much").

Welsh: "yn", "yng", "ym" count as "in", "ger", "yn ymyl", "wrth ymyl" and "agos at" as
"near". Welsh changes a name's first letter after some words ("yng Nghaerdydd", "ym
Mangor", "i Gasnewydd", "yn Nhalacharn"); the mutation is undone only right after such a
word, and only when the name as written is no place and the name undone is (see
WELSH_UNMUTATE). Some short and Welsh forms GeoNames lacks are listed in WELSH_EXTRA_NAMES.

Misspellings: a name of 6+ letters within 1 slip (2 from 9 letters, 3 from 13) of a town
of 5,000+, same first letter, is corrected ("Donacster"), unless it is an everyday word
("working" is not Woking: COMMON_WORDS, NOT_TYPOS). In running text only the words right
after a locator are corrected ("im in donacster").
"""

from __future__ import annotations

import csv
import gzip
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

DATA_DIR = Path(__file__).with_name("data")

# Work caps: input can be anything a chat user pastes.
MAX_RESOLVE_CHARS = 200
MAX_TEXT_CHARS = 300
MAX_NGRAM = 5

# Ambiguity thresholds (see the module docstring).
SIGNIFICANT_SHARE = 0.05
SIGNIFICANT_POPULATION = 5_000
SIGNIFICANT_SHARE_ANYWAY = 0.25
SHORT_FORM_SHARE = 0.20
SHORT_FORM_OF_EXACT = 0.5
# Fuzzy matching only aims at towns of this size: a typo of a hamlet is rarer than a
# coincidence with an ordinary word.
FUZZY_MIN_POPULATION = 5_000
SUGGEST_PREFIX_MIN_POPULATION = 20_000
NEAREST_MIN_POPULATION = 1_000
NEAREST_MAX_KM = 75.0  # further than this from any town: not in the UK, say nothing
CAPITALISED_MIN_POPULATION = 10_000

# Country names are never a place to search near ("Wales" is also a village in Yorkshire).
BLOCKED_KEYS = frozenset({
    "england", "wales", "scotland", "northern ireland", "ireland", "britain",
    "great britain", "uk", "united kingdom", "gb", "cymru", "alba", "europe",
})
COUNTRY_SUFFIXES = ("united kingdom", "northern ireland", "great britain", "england",
                    "scotland", "wales", "britain", "uk", "gb", "cymru")

# Words after which a place is expected. WEAK ones also start everyday phrases
# ("in hope", "at church", "from work"), so common-word names need more there.
WEAK_LOCATORS = frozenset({"in", "at", "from", "yn", "yng", "ym"})
STRONG_LOCATORS = frozenset({"near", "nr", "around", "round", "outside", "nearby",
                             "ger", "ymyl"})  # Welsh "ger", "(yn|wrth) ymyl": near
# "I live in Reading": where someone is.
HOME_PAIRS = frozenset({
    ("live", "in"), ("living", "in"), ("lives", "in"), ("lived", "in"), ("based", "in"),
    ("stay", "in"), ("staying", "in"), ("located", "in"), ("moved", "to"), ("close", "to"),
    ("live", "near"), ("im", "from"), ("am", "from"), ("come", "from"), ("comes", "from"),
    # Welsh: "byw yn/yng/ym" (live in), "dod o" (come from), "symud i" (move to),
    # "agos at/i" (close to).
    ("byw", "yn"), ("byw", "yng"), ("byw", "ym"), ("dod", "o"), ("dwad", "o"),
    ("symud", "i"), ("agos", "at"), ("agos", "i"),
})
# "meetings in Bath": where help is wanted (but "meetings in March" may be a date).
SERVICE_PAIRS = frozenset({
    ("meetings", "in"), ("groups", "in"), ("meeting", "in"), ("group", "in"),
    ("support", "in"), ("help", "in"), ("services", "in"),
    *((word, yn) for word in ("cyfarfod", "cyfarfodydd", "grwp", "grwpiau", "help",
                              "cymorth", "cefnogaeth") for yn in ("yn", "yng", "ym")),
})

# Welsh initial mutations undone: (as written, as in the dictionary), longest first.
# Nasal after "yn" (yng Nghaerdydd, ym Mangor, yn Nhalacharn, yn Ninbych, ym
# Mhontypridd); soft after "i", "o", "at", "am", "ar", "drwy", "dros", "heb", "wrth"...
# (i Gasnewydd, o Fangor, i Ferthyr, i Lanelli, o Ddinbych; "g" is dropped: i Lynebwy);
# aspirate after "a", "â", "gyda", "tua" (a Chaerdydd, a Thalacharn, a Phontypridd).
# (Gareth King, Modern Welsh: A Comprehensive Grammar, ch. 1; the Welsh Language
# Commissioner's place-name guidance writes "yng Nghaerdydd", "ym Mangor".)
WELSH_UNMUTATE: dict[str, tuple[tuple[str, str], ...]] = {
    "nasal": (("ngh", "c"), ("mh", "p"), ("nh", "t"), ("ng", "g"), ("m", "b"), ("n", "d")),
    "soft": (("dd", "d"), ("b", "p"), ("d", "t"), ("g", "c"), ("f", "b"), ("f", "m"),
             ("l", "ll"), ("r", "rh"), ("", "g")),
    "aspirate": (("ch", "c"), ("ph", "p"), ("th", "t")),
}
ALL_MUTATIONS = ("nasal", "soft", "aspirate")
# The words after which a place name may be mutated, and which mutations they cause.
# "yn" comes with any: people who learnt Welsh often write "yn Gaerdydd" or "yn Caerdydd".
WELSH_TRIGGERS: dict[str, tuple[str, ...]] = {
    "yn": ALL_MUTATIONS, "yng": ALL_MUTATIONS, "ym": ALL_MUTATIONS, "ger": ALL_MUTATIONS,
    "i": ("soft",), "o": ("soft",), "at": ("soft",), "am": ("soft",), "ar": ("soft",),
    "drwy": ("soft",), "trwy": ("soft",), "dros": ("soft",), "heb": ("soft",),
    "wrth": ("soft",), "hyd": ("soft",), "tan": ("soft",),
    "ymyl": (),  # "yn ymyl Bangor", "wrth ymyl": near; no mutation follows
    "a": ("aspirate",), "gyda": ("aspirate",), "tua": ("aspirate",),
}
# Triggers that are also English words ("I", "a", "at", "am"): after them a mutation is
# undone only to a place in Wales or to a name in another language than English
# ("i Lundain", "o Fryste"), so "I went" never becomes Gwent. The others are only Welsh,
# and say the place is the Welsh one of two: "ym Mangor" is Bangor, Gwynedd.
ENGLISH_TOO = frozenset({"i", "o", "a", "at", "am", "ar", "tan", "hyd", "heb"})
# Words that may open a Welsh answer to "where?": "yng Nghaerdydd", "ger Wrecsam".
_WELSH_LEADING = frozenset({*WELSH_TRIGGERS, "yn ymyl", "wrth ymyl", "agos at", "agos i"})

# Names that GeoNames (cities500) lacks, as people say them: the everyday short form
# "Merthyr" and Welsh names missing from its alternate names. The Welsh names are the
# standard forms of the Welsh Language Commissioner's List of Standardised Welsh Place-names
# (Rhestr o Enwau Lleoedd Safonol Cymru, welshlanguagecommissioner.wales).
WELSH_EXTRA_NAMES: dict[str, str] = {
    "Merthyr": "Merthyr Tydfil",
    "Glynebwy": "Ebbw Vale",  # GeoNames has only "Glyn Ebwy"
    "Pontypŵl": "Pontypool",
    "Rhymni": "Rhymney",
    "Tref-y-clawdd": "Knighton",
}

# Months that are also towns ("March", Cambridgeshire): "in March" is nearly always a date.
TEMPORAL_WORDS = frozenset({"march", "may", "august", "june", "sunday", "christmas"})

# First names that are also towns: "my mate Barry" is not Barry, Vale of Glamorgan.
PERSON_NAMES = frozenset("""
ashley barry blair bradley brandon carlton clare clarence clayton clifford clive connor
conway dalton denny douglas elton hamilton harley hayes hilton irvine johnston keith kerry
lee leigh leslie lewis logan martin milton murray nelson norton ramsey ross shaw shelley
shirley stanley winston
""".split())

# Ordinary English words, for the common-word and fuzzy guards: stop words and the bot's
# own vocabulary, then the words that occur in UK place names ("bath", "street", "hope").
# The place-name words were listed once from the shipped names against a frequency list
# (wordfreq, zipf >= 2.5) and the British English word list, then checked by hand:
# strongly place-like words ("oxford", "slough", "hull") are left out on purpose.
COMMON_WORDS = frozenset("""
a about after again all also am an and any are around as at away back be because been
before being best better big both but by can cant could day days did do does doing done
dont down drink drinking drinks drug drugs each else even every find for found free from
get go going good got had has have having he help her here him his home how i if im in
into is it its ive just know last like little long look looking lot make many may me meet
meeting meetings more most much must my need needs new next no not now of off ok okay old
on one only or other our out over own people please really recovery right said same say
see she should since so some something still such support take than thank thanks that the
their them then there these they thing things think this those time to today too town try
two up us use used very want was way we week well were what when where which while who
why will with work would yes yet you your
alcohol booze cocaine coke crack gear speed heroin smack weed cannabis spice ket
ketamine pills drinker addict addiction addicted sober sobriety clean relapse rehab
detox gambling gamble group groups service services sponsor treatment therapy counselling
""".split()) | frozenset("""
abbey abbot abut acre air arch arms ash ban bank banks bar barley barns barrio basing bath
battle bay beach beck beer bees beg belle bells bicker birch bishop bishops black boars boat
bone borough bow bower bowling box bran bray bridge broad bud bugle buildings bun burg bury
bush buzzard camber camel camp camps canary canes canning canon castle castor cave centre
chalk chapel cherry chew child chip chipping church city clay clears clement coast coed cold
collier colliery combs common conquest constable cooling cotton country county court cove
coven craven cray crick crook cross crosses crouch crow crystal cults cum curry dale dandy
dark deal dean deer district dock docking dole dollar dove drew drove dry dun dung dunning
eagle ear earl earls earn east edge eight eleven elm elms end eras extra eye fair far farm
fen ferry five flax fleet foot ford forest fort forth forum four freshwater full furnace
gall garden garrison gate gibbon gill glen grain grange grants great green greens grey grin
grove guise gurney hail hale hales hall ham hamlet hands harbour hardy hatch haven hawthorn
hay hazel head headquarters headstone healing heath heather hedge hermitage high hill hills
hillside hole holes holy hook hope horse hose hundred hunts husbands inn iron island isle
isles jersey john junction kings knights knoll knotty lager lake land lane lanes lark law
layer lea lee lees legged lever lids links lizard loans lock locking lode low lower lung
maiden maidens mains major mallet manor maple mar march mare mark market marks marsh martin
mere mid middle mile mill mills minor minster monk monkey monks moor moorland moors moss
mould mount mountain mull near nether north northern noting oak paddock palace pant par park
parka parson partridge peak pen pert peter peters pie place plain plains plough poll ponders
pool poplar port potter potters price primrose princes prior priors quarter quay queen
queens rake reach reading red regents rice ridge riding rise road rock rode row royal rugby
rye saffron saints sale saline sands sandwich sandy scar scone sea seer send sent settle
seven sharpness shepherds sheriff shields silver sisters six small soar sole song south spa
spike spring square station steep steeple steps sterling stock stone stoney stony stow
strand street sunk super superior swan sway temple ten tern thorn three timberland tong top
tor tow towns tumble tun turners under upon upper vale valley vest village virgin wales wall
wallop war warden ware warren water wear weir wells wen west white whiting wick wig willows
winch wing wood woods wool worlds worth worthy wrangle zeal
""".split()) | frozenset("""
afon bont bryn canol capel castell coed cwm dinas dre dref eglwys ffordd fynydd gorsaf heol
llan maes mynydd nant orsaf pen pentref pont porth sir stryd tafarn tref ynys ysgol
""".split())  # Welsh everyday words in place names: "yn y capel" is not Capel St Mary

# Words one slip away from a town ("working" / Woking, "trying" / Tring, "regarding" /
# Reading, "Darren" / Darwen): never corrected to a place. Listed the same way: first every
# word of 6+ letters (zipf >= 2.0) that the fuzzy rule would otherwise move, then names,
# and places missing from cities500 ("Hampstead"), that it would move.
NOT_TYPOS = frozenset("""
action administer ambled archways artillery astern backing backup backwater backwoods baking
ballerina balsam banking barged barges barging baring barney barneys baronet barring barrows
basking batteries battled battles bazillion beacon beeper bilingual billing billings
birdhouse blackbird blackhead blackheads blackmail blazon blindfold blithe bodkin boners
bootie bootleg borrow bottle braking breaching breakneck breakwater bridged brighten
brightens brimstone bristle broadcaster brought brownstone buckle buckled buckler buckles
burrow bushel bushes button canister canisters cardigans carnation carton cartridge caster
chapels charlatan chattering chatters cheater chopping clearance clowns combed comity
complain complains complaint consent crawled crediting creditor creditors crewed crooks
crosstown crumbling crumpling curried curries dangle darken debris derbies dermis devices
devises dongle downsize downsized dramas drover eastbound falling feeling filling fleets
flints flinty forces forges fortes fuelling gelding gelling google granny granted greasy
greenback greenhorn groove grovel groves haddock hailing hamstrings harlot hauling hawking
headphone headquarter headstones headstrong hellos hindquarters hitching hockey horsey
hustings inheriting internees inverting knowingly lacing landed lander landing launching
laundress laundries leaven lesser letter letterhead linden madden mallow mansion maracas
marble margin marrow master medial middleman middlemen minefield monstrous morrow motley
moulds mouldy mutton newborn newtons northward oedema oxfords parley parsley patter pebbles
penance picketing picturing pilfering pincer pinker pinned pocketing poodle pooled poplars
popular presto puckering pulley purely rating ration readings readying reaping rearing
reddish redoing regarding reloading rending rereading rewarding rounds scabby scalding
sconce scones scurry seafood season sexton shandy shelled shield shoots shorthand shortness
shorts shouts shroud shrubbery skeleton skeletons slouch smokehouse softening solitaire
southwest spiked spikes stagnated stained stainless stains stairwell starling starlings
starry startling statehouse stealing steepness steins steppe steppes sterns stewing stifling
stippling stirring stirrings stoked stoker stokes stoned stoner stones stoning storehouse
storehouses strangler streets stripling strives stroke stumbling sturdy sunburn sundown
sweetness swirling taskmaster tester thirst thorns thorny throne tiptoe tiring tonnes
tooling toting tottering touting transient trying uptown voting waddle waking walling
wandering wanting wanton warble wastage wattage welding westbound widens willing windstorm
withal wooing working workshop workshops wowing
""".split()) | frozenset("""
abrams alexandra alexandre allentown audrey bailey baines banger barnett barrie barron
bayley beardsley belgrade benton bradbury brando branson braxton brazilian brendon breton
bridgeport briggs briton britton buford burlington burrell cameron carrie carson castro
centro chanel charleston charley claiborne clapton clarkson clinton conley cooley copley
corbyn coulson covington crawford crowley darren darwin dayton dubois dunedin eileen esther
finley forbes forrest gaston german greenland greenville greenwood grinch grover hailey
halley hamiltonian hampstead hanley harrington havana havent hawley hayley haywood hepburn
holland holley hollywood honeywell huston irving jarrod kelley kimberly knowles lambert
landon lankan lannister lansing latham lehigh leinster leland lennon lexington lister liston
livingstone lyndon manchuria manchurian manson marcos marcus margie margot marley marlon
marlowe melton methyl midfield mortem morton moseley mosley nestor nordic paddington peyton
pinter raleigh ramsay ramses redford rhonda ridley rockford romney roswell rotterdam sanford
shelby sheldon shelly shelton shirtless stevenson streep sturridge sutherland talley thames
turing vishnu walden waterford watergate watson wellbeing welles wesson whiteley whitfield
whitney wilmington wordsworth worthington
""".split())

_TRANSLATE = str.maketrans({
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l",
    "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i",
    "&": " and ", "’": "", "'": "", "‘": "", "`": "",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# "-on-", "upon": "Newcastle" is short for Newcastle upon Tyne and Newcastle-under-Lyme.
_LINKERS = frozenset({"upon", "under", "on", "in", "by", "super", "next", "le", "cum", "en",
                      "de", "at", "sur"})

_POSTCODE_FULL = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})")
_POSTCODE_SECTOR = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])[A-Z]?")
_POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_POSTCODE_SECTOR_SQUASHED = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])")
_TEXT_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?) ?([0-9][A-Za-z]{2})(?![A-Za-z0-9])")
_TEXT_DISTRICT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)(?![A-Za-z0-9])")
# Chemistry, not Colchester or Chester.
_NOT_DISTRICTS = frozenset({"CO2", "CH4"})
_I_WORDS = frozenset({"i", "im", "ive", "id", "ill"})

COUNTRY_NAMES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales",
                 "NIR": "Northern Ireland"}


@dataclass(frozen=True, slots=True)
class Place:
    """A point to search near. `approximate` is True when the point stands in for
    something finer or different than what was asked: a full postcode answered with its
    sector centroid, or a Northern Ireland district placed at its post town."""

    name: str          # display name: "Doncaster", "DN1 3", "Newport, Wales"
    latitude: float
    longitude: float
    kind: str          # "postcode_district" | "postcode_sector" | "postcode" | "place"
    country: str       # "England" | "Scotland" | "Wales" | "Northern Ireland" | "" if unknown
    approximate: bool = True


@dataclass(frozen=True, slots=True)
class GeoResult:
    """`query` is what was looked at: the cleaned input for resolve(), and for
    find_in_text() the words of the text that named the place ("Leeds", "LS1")."""

    status: str                      # "found" | "ambiguous" | "not_found"
    query: str
    place: Place | None = None
    candidates: tuple[Place, ...] = ()   # when ambiguous, best first (by population)
    suggestions: tuple[str, ...] = ()    # when not_found: close names ("Did you mean ...")


# geopy's mean radius (geopy.distance.EARTH_RADIUS), so distances are what they were.
EARTH_RADIUS_KM = 6371.009


def _radians(latitude: float, longitude: float) -> tuple[float, float]:
    """A point as geopy.Point takes it: finite, latitude within +-90 (ValueError
    otherwise), longitude wrapped into [-180, 180)."""
    lat, lon = float(latitude or 0.0), float(longitude or 0.0)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"Point coordinates must be finite. {(lat, lon)!r} was passed.")
    if abs(lat) > 90:
        raise ValueError("Latitude must be in the [-90; 90] range.")
    if abs(lon) > 180:
        lon = math.fmod(lon, 360.0) or 0.0
        lon = lon + 360.0 if lon < -180 else lon - 360.0 if lon >= 180 else lon
    return math.radians(lat), math.radians(lon)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; within 0.5% of the ellipsoid and about 15x faster. The
    same arithmetic as geopy.distance.great_circle, so the same float."""
    la1, lo1 = _radians(lat1, lon1)
    la2, lo2 = _radians(lat2, lon2)
    sin1, cos1, sin2, cos2 = math.sin(la1), math.cos(la1), math.sin(la2), math.cos(la2)
    dlon = lo2 - lo1
    cos_d, sin_d = math.cos(dlon), math.sin(dlon)
    d = math.atan2(math.sqrt((cos2 * sin_d) ** 2 + (cos1 * sin2 - sin1 * cos2 * cos_d) ** 2),
                   sin1 * sin2 + cos1 * cos2 * cos_d)
    return EARTH_RADIUS_KM * d


def normalise(text: str) -> str:
    """Lower-case ASCII words for matching: accents and apostrophes dropped, punctuation
    and hyphens to spaces, "saint" as "st": "Stoke-on-Trent" -> "stoke on trent",
    "King's Lynn" -> "kings lynn", "Dùn Èideann" -> "dun eideann"."""
    text = text.translate(_TRANSLATE)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    return " ".join("st" if w == "saint" else w for w in words)


def is_significant(population: int, largest: int, short_form_of: int | None = None) -> bool:
    """Whether a namesake of a place of `largest` people is worth asking about.
    `short_form_of`: set when the name only abbreviates this place ("Chester" for
    Chester-le-Street); it is then the population of the biggest place that has exactly
    the name (0 if none), which the abbreviated place must reach half of."""
    share = SIGNIFICANT_SHARE if short_form_of is None else SHORT_FORM_SHARE
    if short_form_of is not None and population < SHORT_FORM_OF_EXACT * short_form_of:
        return False
    return population >= share * largest and (
        population >= SIGNIFICANT_POPULATION or population >= SIGNIFICANT_SHARE_ANYWAY * largest)


def short_forms(key: str) -> list[str]:
    """Everyday short forms of a normalised name: "newcastle upon tyne" -> ["newcastle"]."""
    words = key.split()
    for i, w in enumerate(words[1:], start=1):
        if w in _LINKERS:
            short = " ".join(words[:i])
            return [short] if len(short) >= 4 else []
    return []


def _clean(text: object, limit: int) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(_CONTROL.sub(" ", text[:limit]).split())


def _open_csv(data_dir: Path, name: str) -> Iterable[list[str]]:
    """Rows after the header; the columns are fixed by scripts/build_geodata.py."""
    with gzip.open(data_dir / name, "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows, None)
        yield from rows


class _CsvTable(Mapping[str, list[str]]):
    """A shipped table by its first column, read on first look-up: the ~11,000 postcode
    sectors are a third of the gazetteer's load time, and only a full postcode or a
    sector needs them (most commands and chats never do)."""

    def __init__(self, data_dir: Path, name: str) -> None:
        if not (data_dir / name).is_file():  # missing data fails at load, as it always did
            raise FileNotFoundError(data_dir / name)
        self._source = (data_dir, name)
        self._rows: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    def _table(self) -> dict[str, list[str]]:
        rows = self._rows
        if rows is None:
            with self._lock:
                if self._rows is None:
                    self._rows = {row[0]: row for row in _open_csv(*self._source)}
                rows = self._rows
        return rows

    def __getitem__(self, key: str) -> list[str]:
        return self._table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


@dataclass(slots=True)
class _Entry:
    """A GeoNames place as loaded; `place` carries its display name."""

    name: str
    key: str
    population: int
    country: str
    area: str  # county-like ("Kent", "London") or ""
    near: str  # "near Telford" or ""
    latitude: float
    longitude: float
    place: Place | None = None


# How a key reaches a place: its own name, a short form, a display name, another name.
_PRIMARY, _SHORT, _DISPLAY, _ALT = 0, 1, 2, 3


@dataclass(slots=True)
class _Token:
    norm: str
    text: str
    start: int
    end: int


class Gazetteer:
    """Postcodes and places of the UK, loaded from the shipped files."""

    _default: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, districts: dict[str, Place], sectors: Mapping[str, list[str]],
                 entries: list[_Entry], alternates: list[list[str]]) -> None:
        self._districts = districts
        self._sectors = sectors
        self._entries = entries
        self._index: dict[str, list[tuple[int, int]]] = {}
        self._fuzzy_targets: set[str] = set()  # keys of towns big enough to correct to
        self._suggest_targets: set[str] = set()
        self._build_index(alternates)
        self._build_fuzzy()
        self._build_grid()

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped data, loaded once per process."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls.load(DATA_DIR)
        return cls._default

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> Gazetteer:
        districts: dict[str, Place] = {}
        # district,lat,lon,count,country,approximate
        for code, lat, lon, _, country, approx in _open_csv(data_dir, "postcode_districts.csv.gz"):
            districts[code] = Place(code, float(lat), float(lon), "postcode_district", country,
                                    approximate=approx == "1")
        # sector,lat,lon,count,country: kept as text, made into a Place when asked for
        sectors = _CsvTable(data_dir, "postcode_sectors.csv.gz")
        entries: list[_Entry] = []
        alternates: list[list[str]] = []
        # geonameid,name,alternate_names,lat,lon,population,country,area,near
        for _, name, alts, lat, lon, population, country, area, near in _open_csv(
                data_dir, "places.csv.gz"):
            entries.append(_Entry(name, normalise(name), int(population), country, area, near,
                                  float(lat), float(lon)))
            alternates.append(alts.split("|") if alts else [])
        return cls(districts, sectors, entries, alternates)

    # ----------------------------------------------------------------- building

    def _add_key(self, key: str, idx: int, how: int) -> None:
        if not key:
            return
        hits = self._index.setdefault(key, [])
        if all(i != idx for i, _ in hits):
            hits.append((idx, how))
            if self._entries[idx].population >= FUZZY_MIN_POPULATION:
                self._fuzzy_targets.add(key)
                if how != _ALT:  # offer English names only: "Looe", not an exonym of it
                    self._suggest_targets.add(key)

    def _build_index(self, alternates: list[list[str]]) -> None:
        for idx, e in enumerate(self._entries):
            self._add_key(e.key, idx, _PRIMARY)
        for idx, e in enumerate(self._entries):
            for short in short_forms(e.key):
                self._add_key(short, idx, _SHORT)
            words = e.key.split()
            for alt in alternates[idx]:
                key = normalise(alt)
                parts = key.split()
                # "Hull" for Kingston upon Hull, "Southend" for Southend-on-Sea: an English
                # short form, as good as the name. Other names (Welsh, exonyms) rank lower.
                is_short = len(parts) < len(words) and (
                    words[:len(parts)] == parts or words[-len(parts):] == parts)
                self._add_key(key, idx, _SHORT if is_short else _ALT)
        for extra, name in WELSH_EXTRA_NAMES.items():
            hits = [i for i, how in self._index.get(normalise(name), []) if how == _PRIMARY]
            if hits:  # the one in Wales if there are several
                best = max(hits, key=lambda i: (self._entries[i].country == "Wales",
                                                self._entries[i].population))
                self._add_key(normalise(extra), best, _ALT)
        self._assign_display_names()

    def _members(self, key: str) -> list[tuple[int, int]]:
        """The places a key means, biggest first: by name or short form; by other names
        only when no place has it as its name ("Briston" is a village, not Bristol)."""
        hits = self._index.get(key, [])
        direct = [h for h in hits if h[1] in (_PRIMARY, _SHORT)]
        chosen = direct or [h for h in hits if h[1] == _ALT]
        return sorted(chosen, key=lambda h: -self._entries[h[0]].population)

    def _significant(self, members: list[tuple[int, int]]) -> list[int]:
        if not members:
            return []
        largest = self._entries[members[0][0]].population
        exact = max((self._entries[i].population for i, how in members if how == _PRIMARY),
                    default=0)
        return [i for rank, (i, how) in enumerate(members) if rank == 0 or is_significant(
            self._entries[i].population, largest, short_form_of=exact if how == _SHORT else None)]

    def _assign_display_names(self) -> None:
        # Which places need "Newport, Wales" rather than "Newport": every place whose own
        # name is shared with a bigger place, and the biggest too when the name is ambiguous.
        qualify: set[int] = set()
        for key, hits in self._index.items():
            if len(hits) < 2 or not any(h[1] == _PRIMARY for h in hits):
                continue
            members = self._members(key)
            if len(members) < 2:
                continue
            ambiguous = len(self._significant(members)) > 1
            for rank, (idx, how) in enumerate(members):
                if how == _PRIMARY and (rank > 0 or ambiguous):
                    qualify.add(idx)
        by_name: dict[str, list[int]] = {}
        for idx in qualify:
            by_name.setdefault(self._entries[idx].key, []).append(idx)
        display: dict[int, str] = {}
        for key, group in by_name.items():
            # Only places of the very same name need telling apart by label.
            rivals = [i for i, how in self._index[key] if how == _PRIMARY]
            taken: set[str] = set()
            for idx in sorted(group, key=lambda i: -self._entries[i].population):
                display[idx] = self._qualified(idx, rivals, taken)
                taken.add(display[idx])
        for idx, e in enumerate(self._entries):
            name = display.get(idx, e.name)
            e.place = Place(name, e.latitude, e.longitude, "place", e.country, False)
            if idx in display:
                self._add_key(normalise(name), idx, _DISPLAY)

    def _qualified(self, idx: int, rivals: list[int], taken: set[str]) -> str:
        """ "Newport, Wales", "Newport, Isle of Wight", "Newport, near Telford": the first
        label that no rival of 1,000+ people shares and no bigger namesake already took."""
        e = self._entries[idx]
        others = [self._entries[i] for i in rivals
                  if i != idx and self._entries[i].population >= NEAREST_MIN_POPULATION]
        fields = [("area", e.area), ("near", e.near)]
        if e.country != "England":  # "Wales" says more than "near Cardiff"
            fields.insert(0, ("country", e.country))
        labels = [label for field, label in fields
                  if label and all(getattr(o, field) != label for o in others)]
        labels += [label for _, label in fields if label]
        labels += [", ".join(x for x in (e.area, e.near, e.country) if x)]
        for label in labels:
            name = f"{e.name}, {label}" if label else e.name
            if name not in taken:
                return name
        return f"{e.name} ({len(taken) + 1})"  # never seen in the shipped data

    def _build_fuzzy(self) -> None:
        self._fuzzy_keys = _by_first_letter(self._fuzzy_targets)
        self._suggest_keys = _by_first_letter(self._suggest_targets)
        self._big = sorted((e for e in self._entries
                            if e.population >= SUGGEST_PREFIX_MIN_POPULATION),
                           key=lambda e: -e.population)

    _CELL = 0.25  # degrees; about 28 km north-south, 16 km east-west at 55N

    def _build_grid(self) -> None:
        self._grid: dict[tuple[int, int], list[_Entry]] = {}
        for e in self._entries:
            if e.population >= NEAREST_MIN_POPULATION:
                self._grid.setdefault(self._cell(e.latitude, e.longitude), []).append(e)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self._CELL), math.floor(lon / self._CELL)

    # ------------------------------------------------------------------ lookups

    def resolve(self, text: str) -> GeoResult:
        """A postcode, sector, district or place name typed on its own."""
        query = _clean(text, MAX_RESOLVE_CHARS)
        try:
            return self._resolve(query)
        except Exception:  # noqa: BLE001 - junk in, "not found" out; never crash a chat
            return GeoResult("not_found", query)

    def _resolve(self, query: str) -> GeoResult:
        if not query:
            return GeoResult("not_found", query)
        postcode = self._postcode(query)
        if postcode is not None:
            return postcode
        key = normalise(query)
        if not key or key in BLOCKED_KEYS:
            return GeoResult("not_found", query)
        for variant in self._variants(query, key):
            found = self._lookup(variant, query)
            if found is not None:
                return found
        found = self._resolve_welsh(key, query)
        if found is not None:
            return found
        fuzzy = self._fuzzy(key)
        if fuzzy is not None:
            found = self._lookup(fuzzy, query)
            if found is not None:
                return found
        return GeoResult("not_found", query, suggestions=self._suggest(key))

    def _resolve_welsh(self, key: str, query: str) -> GeoResult | None:
        """A Welsh answer: "yng Nghaerdydd", "ger Wrecsam", "i Gasnewydd", or a mutated
        name alone ("Nghaerdydd"). Before the typo rule, or "Mangor" would be Magor."""
        words = key.split()
        trigger = ""
        for n in (2, 1):  # "yn ymyl", "wrth ymyl", "agos at", then "yng", "i", ...
            if len(words) > n and (" ".join(words[:n]) in _WELSH_LEADING):
                trigger, words = words[n - 1], words[n:]
                break
        rest = " ".join(words)
        if trigger and rest in self._index and rest not in BLOCKED_KEYS:
            return self._lookup(rest, query, prefer_wales=trigger not in ENGLISH_TOO)
        kinds = WELSH_TRIGGERS.get(trigger, ALL_MUTATIONS)
        radical = self._unmutated(rest, kinds, strict=not trigger or trigger in ENGLISH_TOO)
        if radical is None:
            return None
        return self._lookup(radical, query, prefer_wales=True)

    def _unmutated(self, key: str, kinds: Iterable[str], strict: bool) -> str | None:
        """The name before its first word was mutated ("nghaerdydd" -> "caerdydd"), or
        None. Only when the name as written is no place and the name undone is one:
        "Mangor" is no place and Bangor is, while "Mold" stays Mold (not Bold) and "Bury"
        stays Bury. `strict`: the trigger is also an English word (or there is none), so
        only a place in Wales or a non-English name counts ("I went" is not Gwent)."""
        if not key or key in self._index:
            return None
        first, _, rest = key.partition(" ")
        for kind in kinds:
            for written, radical in WELSH_UNMUTATE[kind]:
                if not first.startswith(written) or len(first) <= len(written) + 1:
                    continue
                if not written and first[0] not in "aeiouwylr":
                    continue  # the soft mutation drops "g" only before these
                candidate = radical + first[len(written):] + (" " + rest if rest else "")
                hits = self._index.get(candidate)
                if not hits or candidate in BLOCKED_KEYS:
                    continue
                if strict and not any(how == _ALT or self._entries[i].country == "Wales"
                                      for i, how in hits):
                    continue
                return candidate
        return None

    @staticmethod
    def _variants(query: str, key: str) -> list[str]:
        """The name as typed, then without a trailing country ("Swansea, Wales", "Leeds
        UK") or county after a comma ("Leeds, West Yorkshire")."""
        out = [key]
        for suffix in COUNTRY_SUFFIXES:
            if key.endswith(" " + suffix):
                out.append(key[: -len(suffix) - 1])
                break
        if "," in query:
            out.append(normalise(query.split(",", 1)[0]))
        return [k for k in out if k and k not in BLOCKED_KEYS]

    def _lookup(self, key: str, query: str, prefer_wales: bool = False) -> GeoResult | None:
        """`prefer_wales`: the name came in Welsh ("ym Mangor"), so of two places it is the
        one in Wales, if exactly one is."""
        hits = self._index.get(key)
        if not hits:
            return None
        display = [i for i, how in hits if how == _DISPLAY]
        if display:
            return GeoResult("found", query, self._place(display[0]))
        members = self._members(key)
        significant = self._significant(members)
        if prefer_wales and len(significant) > 1:
            welsh = [i for i in significant if self._entries[i].country == "Wales"]
            significant = welsh if len(welsh) == 1 else significant
        if len(significant) == 1:
            return GeoResult("found", query, self._place(significant[0]))
        return GeoResult("ambiguous", query,
                         candidates=tuple(self._place(i) for i in significant[:6]))

    def _place(self, idx: int) -> Place:
        place = self._entries[idx].place
        assert place is not None
        return place

    def _sector(self, code: str) -> Place | None:
        row = self._sectors.get(code)
        if row is None:
            return None
        return Place(code, float(row[1]), float(row[2]), "postcode_sector", row[4],
                     approximate=False)

    def _postcode(self, query: str) -> GeoResult | None:
        """A postcode-shaped query: found, or not_found (never a place name)."""
        text = " ".join(re.sub(r"[^A-Za-z0-9 ]", " ", query).upper().split())
        squashed = text.replace(" ", "")
        if not 2 <= len(squashed) <= 7 or not any(c.isdigit() for c in squashed):
            return None
        full = _POSTCODE_FULL.fullmatch(squashed)
        if full:
            outward, inward = full.groups()
            sector = self._sector(f"{outward} {inward[0]}")
            if sector is not None:
                return GeoResult("found", query, Place(
                    sector.name, sector.latitude, sector.longitude, "postcode",
                    sector.country, approximate=True))
            district = self._districts.get(outward)
            if district is not None:  # a new sector, or Northern Ireland
                return GeoResult("found", query, Place(
                    district.name, district.latitude, district.longitude, "postcode",
                    district.country, approximate=True))
            return GeoResult("not_found", query)
        sector_match = _POSTCODE_SECTOR.fullmatch(text)
        if sector_match:
            outward, digit = sector_match.groups()
            sector = self._sector(f"{outward} {digit}")
            if sector is not None:
                return GeoResult("found", query, sector)
            district = self._districts.get(outward)
            return GeoResult("found", query, district) if district else GeoResult(
                "not_found", query)
        if _POSTCODE_DISTRICT.fullmatch(squashed):
            district = self._districts.get(squashed)
            if district is not None:
                return GeoResult("found", query, district)
            squashed_sector = _POSTCODE_SECTOR_SQUASHED.fullmatch(squashed)
            if squashed_sector:
                sector = self._sector(" ".join(squashed_sector.groups()))
                if sector is not None:
                    return GeoResult("found", query, sector)
            return GeoResult("not_found", query)
        return None

    def _fuzzy(self, key: str) -> str | None:
        """The best-known name within a few typing slips ("donacster" -> "doncaster")."""
        letters = len(key.replace(" ", ""))
        words = key.split()
        if letters < 6 or letters > 40 or any(
                w in COMMON_WORDS or w in NOT_TYPOS for w in (words[0], words[-1])):
            return None
        max_edits = 1 if letters <= 8 else 2 if letters <= 12 else 3
        choices = self._fuzzy_keys.get(key[0], [])
        found = process.extract(key, choices, scorer=OSA.distance, score_cutoff=max_edits,
                                limit=20)
        if not found:
            return None
        best = min(found, key=lambda m: (m[1], -self._population(m[0])))
        return best[0]

    def _population(self, key: str) -> int:
        members = self._members(key)
        return self._entries[members[0][0]].population if members else 0

    def _suggest(self, key: str) -> tuple[str, ...]:
        """Names close enough to offer: the start of a town's name ("Donc", "Manc"), or a
        town a few slips away that was too far to assume ("Lieds")."""
        letters = len(key.replace(" ", ""))
        if letters < 4 or letters > 40 or any(w in COMMON_WORDS or w in NOT_TYPOS
                                               for w in key.split()):
            return ()
        names: list[str] = []
        for e in self._big:
            if len(names) == 3:
                break
            if e.key.startswith(key) and e.place is not None:
                names.append(e.place.name)
        if letters < 5:
            return tuple(names)
        max_edits = 1 if letters <= 5 else 2 if letters <= 9 else 3
        near = process.extract(key, self._suggest_keys.get(key[0], []), scorer=OSA.distance,
                               score_cutoff=max_edits, limit=10)
        near.sort(key=lambda m: (m[1], -self._population(m[0])))
        for choice, _, _ in near:
            members = self._members(choice)
            name = self._place(members[0][0]).name if members else ""
            if name and name not in names:
                names.append(name)
        return tuple(names[:3])

    def find_in_text(self, text: str) -> GeoResult | None:
        """The postcode, district or place a sentence mentions, or None."""
        try:
            return self._find_in_text(_clean(text, MAX_TEXT_CHARS))
        except Exception:  # noqa: BLE001 - junk in, nothing found; never crash a chat
            return None

    def _find_in_text(self, text: str) -> GeoResult | None:
        if not text:
            return None
        tokens = [_Token(normalise(m.group()), m.group(), m.start(), m.end())
                  for m in _WORD.finditer(text)]
        tokens = [t for t in tokens if t.norm]
        for m in _TEXT_POSTCODE.finditer(text):
            found = self.resolve(m.group())
            if found.status == "found":
                return found
        for m in _TEXT_DISTRICT.finditer(text):
            code = m.group().upper()
            place = self._districts.get(code)
            if place is None or code in _NOT_DISTRICTS and not self._after_locator(
                    tokens, m.start()):
                continue
            # "M6" and "b12" are also roads and vitamins: one-letter areas, and lower
            # case, only after "in"/"near"/...
            if (code[1].isalpha() and m.group().isupper()) or self._after_locator(
                    tokens, m.start()):
                return GeoResult("found", m.group(), place)
        shouty = _mostly_capitalised(tokens)
        for n in range(min(MAX_NGRAM, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                key = " ".join(t.norm for t in tokens[i:i + n])
                prev = tokens[i - 1].norm if i >= 1 else ""
                welsh = prev in WELSH_TRIGGERS and prev not in ENGLISH_TOO
                if key not in self._index and prev in WELSH_TRIGGERS:
                    # "yng Nghaerdydd": only right after a word that mutates.
                    radical = self._unmutated(key, WELSH_TRIGGERS[prev],
                                              strict=prev in ENGLISH_TOO)
                    key, welsh = (radical, True) if radical else (key, welsh)
                if len(key) < 3 or key in BLOCKED_KEYS or key not in self._index:
                    continue
                span = text[tokens[i].start:tokens[i + n - 1].end]
                found = self._lookup(key, span, prefer_wales=welsh)
                if found is not None and self._plausible(key, tokens, i, shouty, text):
                    return found
        for i, t in enumerate(tokens):
            if t.norm not in WEAK_LOCATORS | STRONG_LOCATORS:
                continue
            for n in (3, 2, 1):
                words = tokens[i + 1:i + 1 + n]
                if len(words) < n:
                    continue
                key = self._fuzzy(" ".join(w.norm for w in words))
                if key is None:
                    continue
                span = text[words[0].start:words[-1].end]
                found = self._lookup(key, span)
                if found is not None and self._plausible(key, tokens, i + 1, shouty, text):
                    return found
        return None

    @staticmethod
    def _after_locator(tokens: list[_Token], start: int) -> bool:
        before = [t.norm for t in tokens if t.end <= start][-2:]
        return bool(before) and (before[-1] in WEAK_LOCATORS | STRONG_LOCATORS)

    def _plausible(self, key: str, tokens: list[_Token], i: int, shouty: bool,
                   text: str) -> bool:
        """The common-word rule of the module docstring, for the name at tokens[i:]."""
        words = key.split()
        prev = tokens[i - 1].norm if i >= 1 else ""
        before = tokens[i - 2].norm if i >= 2 else ""
        if prev in ("y", "yr") and before in WELSH_TRIGGERS:  # "yn y Porth", "i'r Barri"
            prev, before = before, tokens[i - 3].norm if i >= 3 else ""
        near = prev in STRONG_LOCATORS
        home = (before, prev) in HOME_PAIRS
        said_where = home or (before, prev) in SERVICE_PAIRS
        if len(words) == 1 and key in TEMPORAL_WORDS:
            return near or home
        if len(words) == 1 and key in PERSON_NAMES:
            return near or said_where or prev == "in"
        if not all(w in COMMON_WORDS for w in words):
            return True
        if near:
            return True
        first = tokens[i].text
        capitalised = first[:1].isupper() and not first.isupper() and not shouty
        big = self._population(key) >= CAPITALISED_MIN_POPULATION
        if said_where:  # "living in hope" is an idiom, "living in Hope" a village, and
            # "I live in Reading" a town of 300,000
            return big or capitalised
        if not capitalised:
            return False
        if prev in WEAK_LOCATORS:
            return True
        whole = len(words) == len(tokens)  # the message is just "Bath"
        sentence_start = i == 0 or re.search(r"[.!?]\s*$", text[:tokens[i].start]) is not None
        return big and (whole or not sentence_start)

    def nearest_place(self, latitude: float, longitude: float) -> Place | None:
        """The nearest town of 1,000+ people ("near Doncaster"), or None if none is within
        75 km (not in the UK)."""
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            return None
        row, col = self._cell(lat, lon)
        coslat = max(math.cos(math.radians(lat)), 0.1)
        best: _Entry | None = None
        best_d2 = math.inf
        # Ring by ring: stop once the next ring is further than the best so far.
        for ring in range(0, 12):
            if best is not None and ring >= 2:
                ring_km = (ring - 1) * self._CELL * 111.2 * coslat
                if ring_km * ring_km > best_d2:
                    break
            for r in range(row - ring, row + ring + 1):
                for c in range(col - ring, col + ring + 1):
                    if max(abs(r - row), abs(c - col)) != ring:
                        continue
                    for e in self._grid.get((r, c), ()):
                        dy = (e.latitude - lat) * 111.2
                        dx = (e.longitude - lon) * 111.2 * coslat
                        d2 = dx * dx + dy * dy
                        if d2 < best_d2:
                            best, best_d2 = e, d2
        if best is None or best.place is None:
            return None
        if distance_km(lat, lon, best.latitude, best.longitude) > NEAREST_MAX_KM:
            return None
        return best.place


def _by_first_letter(keys: set[str]) -> dict[str, list[str]]:
    """Fuzzy targets by first letter: typos rarely hit the first letter, and it keeps each
    search to a few hundred names."""
    out: dict[str, list[str]] = {}
    for key in sorted(keys):
        if len(key) >= 4 and key not in BLOCKED_KEYS:
            out.setdefault(key[0], []).append(key)
    return out


def _mostly_capitalised(tokens: list[_Token]) -> bool:
    """Title Case or SHOUTING: capitals then say nothing about names. "I" and "I'm" are
    always capitalised, so they do not count."""
    words = [t.text for t in tokens if t.text[:1].isalpha() and t.norm not in _I_WORDS]
    if len(words) < 4:
        return False
    return sum(w[:1].isupper() for w in words) > 0.6 * len(words)
