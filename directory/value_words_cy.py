"""Welsh (Cymraeg) words for the values people type: a group's days and times, who it is
for, its access and languages (directory/fields.py), and when they want to go
(directory/filters.py).

A language is a table, not code: directory/value_words.py reads every language's module
the same way; a third language adds a module like this one and one line in
value_words.LANGUAGES. Words are written plain and lower case; accents are optional when
matching ("hŷn" matches "hyn" and "hŷn"), and so is an apostrophe ("bore 'ma", "bore ma").

Welsh mutates a word's first letter after certain words, so the forms people write are
listed by hand: "dydd Mawrth" but "nos Fawrth", "ddydd Llun" (soft, after "ar" or as an
adverb: "mae'n cyfarfod ddydd Llun"), "nos Lun", "nos Wener", "nos Fercher"; ordinals
after "a" take the aspirate ("a thrydydd", "a phedwerydd", "a chyntaf"), as the bot's own
schedules write them (bot/catalogue_cy.py "sch_*", so what the bot says can be typed
back). Sources: Gareth King, Modern Welsh: A Comprehensive Grammar (ch. 1 mutations,
ch. 8 numerals and ordinals, days and times of day); Geiriadur Prifysgol Cymru for
meanings; the 12-hour "yb"/"yh" (y bore / yr hwyr) as Welsh public bodies write times.
"""

from __future__ import annotations

# ------------------------------------------------------------------ schedules

# Monday = 0. A day name alone counts in a schedule ("Mawrth"); in a search it needs a
# word before it (DAY_PREFIXES, PARTS), as "Mawrth" alone is also March.
DAYS: dict[int, tuple[str, ...]] = {
    0: ("llun", "lun"),
    1: ("mawrth", "fawrth"),
    2: ("mercher", "fercher"),
    3: ("iau",),
    4: ("gwener", "wener"),
    5: ("sadwrn",),
    6: ("sul",),
}
DAY_PREFIXES: tuple[str, ...] = ("dydd", "ddydd", "nos", "dyddiau", "ddyddiau")
# Week of the month; -1 the last. "ail" is also "every other" after "bob yn": FORTNIGHTLY
# is read first and its words are taken out.
ORDINALS: dict[str, int] = {
    "cyntaf": 1, "gyntaf": 1, "chyntaf": 1, "1af": 1,
    "ail": 2, "2il": 2, "2ail": 2,
    "trydydd": 3, "drydydd": 3, "thrydydd": 3, "trydedd": 3, "3ydd": 3, "3edd": 3,
    "pedwerydd": 4, "bedwerydd": 4, "phedwerydd": 4, "pedwaredd": 4, "4ydd": 4, "4edd": 4,
    "pumed": 5, "bumed": 5, "phumed": 5, "5ed": 5,
    "olaf": -1, "ola": -1, "diwethaf": -1, "dwetha": -1,
}
FORTNIGHTLY: tuple[str, ...] = (
    "bob pythefnos", "pob pythefnos", "pythefnos", "pythefnosol", "bob yn ail",
    "pob yn ail", "bob yn ail wythnos", "bob ail", "pob ail", "bob ail wythnos",
)
APPOINTMENT: tuple[str, ...] = ("apwyntiad", "apwyntiadau", "drwy drefniant",
                                "trwy drefniant", "trwy drefnu", "drwy drefnu")
ALWAYS_OPEN: tuple[str, ...] = ("ar agor bob amser", "ar agor unrhyw bryd", "unrhyw bryd",
                                "ar agor drwy'r amser", "ar agor trwy'r amser", "24 awr")

# ---------------------------------------------------------------------- times

# "7yh", "7.30 y.h.", "9yb": y bore (morning), yr hwyr (evening), y prynhawn (afternoon).
AM: tuple[str, ...] = ("yb", "y.b.", "y.b", "y bore", "yn y bore", "am")
# English "am"/"pm" are written in Welsh too; a leading "am" is "at": "am 7yh".
PM: tuple[str, ...] = ("yh", "y.h.", "y.h", "yr hwyr", "yn yr hwyr", "yp", "y.p.", "y.p",
                       "y prynhawn", "yn y prynhawn", "pm")
# "19:30 tan 21:00", "7yh i 9yh", "o 7 hyd at 9".
TIME_RANGE: tuple[str, ...] = ("-", "–", "tan", "i", "hyd at", "hyd")
TIME_FROM: tuple[str, ...] = ("am", "o", "rhwng")  # "am 7yh", "o 7yh tan 9yh", "rhwng 7 a 9"
TIME_AND: tuple[str, ...] = ("a", "ac")  # only after TIME_FROM "rhwng"

# ---------------------------------------------------------------- lists of codes

# A whole answer that clears a field ("dim" = none).
CLEAR: tuple[str, ...] = ("dim", "dim un", "dim byd", "dim o gwbl", "dileu", "clirio",
                          "tynnu", "dim un o'r rhain")
# Who a group is for, by the codes of directory/models.py AUDIENCES. Mutated forms as
# people write them in a list: "a" (and) aspirates c, p, t ("a phobl ifanc", "a thoiled
# hygyrch"), "i" (for) softens ("i fenywod"). A space also matches a hyphen.
AUDIENCE: dict[str, tuple[str, ...]] = {
    "women": ("menywod", "fenywod", "merched", "ferched", "i fenywod", "benywod",
              "menywod yn unig", "merched yn unig"),
    "men": ("dynion", "ddynion", "dynion yn unig"),
    "lgbtq": ("lhdt", "lhdt+", "lhdtc", "lhdtc+", "lhdtq", "lhdtq+", "hoyw", "traws",
              "cwiar"),
    "young_people": ("pobl ifanc", "bobl ifanc", "phobl ifanc", "ieuenctid", "pobl ifanc yn unig"),
    "older_people": ("pobl hŷn", "bobl hŷn", "phobl hŷn", "pensiynwyr"),
    "families": ("teuluoedd", "theuluoedd", "teulu", "deulu", "theulu", "teuluol"),
    "veterans": ("cyn-filwyr", "chyn-filwyr", "cynfilwyr", "lluoedd arfog"),
    "bame": ("lleiafrifoedd ethnig", "lleiafrif ethnig"),
    "newcomers": ("newydd-ddyfodiaid", "newydd ddyfodiaid", "newydd-ddyfodiad",
                  "dechreuwyr", "pobl newydd", "bobl newydd", "aelodau newydd"),
    "open": ("agored", "agored i bawb", "cyfarfod agored"),
    "closed": ("caeedig", "cyfarfod caeedig"),
}
ACCESS: dict[str, tuple[str, ...]] = {
    "wheelchair": ("cadair olwyn", "gadair olwyn", "chadair olwyn", "cadeiriau olwyn",
                   "gadeiriau olwyn", "chadeiriau olwyn",
                   "mynediad i gadair olwyn", "mynediad i gadeiriau olwyn",
                   "mynediad anabl"),
    "step_free": ("heb risiau", "heb ris", "dim grisiau", "dim stepiau", "heb stepiau",
                  "mynediad gwastad", "llawr gwaelod", "lifft", "ramp"),
    "hearing_loop": ("dolen sain", "ddolen sain", "dolen glyw", "ddolen glyw",
                     "dolen anwytho", "ddolen anwytho"),
    "accessible_toilet": ("toiled hygyrch", "thoiled hygyrch", "toiledau hygyrch",
                          "thoiledau hygyrch", "toiled anabl", "thoiled anabl",
                          "toiled i bobl anabl"),
    "parking": ("parcio", "pharcio", "maes parcio", "lle parcio", "lle i barcio"),
    "public_transport": ("trafnidiaeth gyhoeddus", "thrafnidiaeth gyhoeddus", "safle bws",
                         "arhosfan bws", "gorsaf drenau", "gorsaf reilffordd", "ger y bws",
                         "ger yr orsaf"),
    "childcare": ("gofal plant", "meithrinfa", "crèche"),
    "interpreter": ("cyfieithydd", "chyfieithydd", "cyfieithu", "chyfieithu",
                    "cyfieithu ar y pryd", "dehonglydd"),
    "bsl": ("iaith arwyddion", "iaith arwyddion prydain", "iaith arwyddion prydeinig"),
}
# Languages by ISO 639-1 code, with the soft mutation after "yn" ("yn Gymraeg").
LANGUAGES: dict[str, tuple[str, ...]] = {
    "cy": ("cymraeg", "gymraeg", "chymraeg", "nghymraeg"),
    "en": ("saesneg",),
    "pl": ("pwyleg", "bwyleg"),
    "pa": ("pwnjabi", "bwnjabi", "punjabi"),
    "ur": ("wrdw",),
    "es": ("sbaeneg",),
    "ro": ("rwmaneg", "romaneg"),
    "ar": ("arabeg",),
    "pt": ("portiwgaleg", "bortiwgaleg"),
    "bn": ("bengaleg", "fengaleg", "bangla"),
    "lt": ("lithwaneg",),
    "so": ("somalieg", "somaleg"),
    "gu": ("gwjarati", "gujarati"),
    "it": ("eidaleg",),
    "fr": ("ffrangeg",),
    "de": ("almaeneg",),
    "ru": ("rwseg", "rwsieg"),
    "uk": ("wcreineg", "wcraineg"),
    "tr": ("twrceg", "dwrceg"),
    "fa": ("ffarsi", "perseg", "berseg"),
    "ta": ("tamil", "damil"),
    "zh": ("tsieinëeg", "tsieineeg", "mandarin", "cantoneg", "gantoneg"),
    "gd": ("gaeleg yr alban", "aeleg yr alban", "gaeleg", "aeleg"),
    "ga": ("gwyddeleg", "wyddeleg"),
    "hi": ("hindi",),
    "ku": ("cwrdeg", "gwrdeg"),
    "bg": ("bwlgareg", "fwlgareg"),
    "hu": ("hwngareg",),
}
# Words and phrases that say nothing about a code ("menywod yn unig", "dim ond
# dynion"); a phrase is taken out before its words are looked at, so "dim ond" (only) is
# not the "dim" (no) of NEGATION.
FILLER: tuple[str, ...] = ("dim ond", "ar gyfer", "ar gael", "yn bennaf", *"""
    a ac a'r yn neu hefyd unig ond y yr 'r i ar gyda efo o mae mae'n maen ydy ydi yw
    sydd sy yna yma ein ni croeso pawb bawb rhai cyfarfod cyfarfodydd grwp grwpiau
    sesiwn sesiynau pobl bobl mynediad hygyrch iaith ieithoedd siarad weithiau plis
    diolch""".split())
# A list says what the group has; a word of "not" means they said what it lacks.
NEGATION: tuple[str, ...] = ("dim", "ddim", "heb", "nid", "nad", "nac", "na")

# Examples shown beside each field's question (bot/catalogue_cy.py "v_type_value"), by
# directory/fields.py FIELDS key: every one must parse (tests/test_welsh_parsers.py).
EXAMPLES: dict[str, str] = {
    "name": "Caffi Adfer Caerdydd",
    "schedule": "dydd Llun a dydd Iau, neu ail ddydd Llun y mis",
    "times": "19:30-21:00, neu 7yh tan 9yh",
    "venue": "Neuadd Eglwys y Santes Fair",
    "address": "12 Stryd Fawr, Caerdydd",
    "postcode": "CF10 1EP",
    "phone": "029 2018 0000",
    "website": "https://example.org",
    "join": "https://zoom.us/j/123",
    "description": "Grŵp cyfeillgar i bobl mewn adferiad...",
    "notes": "Cana'r gloch wrth y drws ochr",
    "audience": "menywod yn unig, newydd-ddyfodiaid",
    "access": "heb risiau, dolen sain",
    "languages": "Cymraeg a Saesneg",
}

# --------------------------------------------------------------- when to go (search)

# A message asks for a meeting only if it says so (directory/filters.py _ASK, in English).
ASK: tuple[str, ...] = (
    "cyfarfod", "cyfarfodydd", "gyfarfod", "gyfarfodydd", "grwp", "grwpiau", "sesiwn",
    "sesiynau", "caffi", "unrhyw beth", "rhywbeth", "rhywle", "chwilio", "angen", "eisiau",
    "isio", "moyn", "oes", "ar agor", "cymorth", "cefnogaeth", "adferiad", "ymuno", "mynd i",
)
# Parts of the day, as directory/filters.py PARTS divides it.
PARTS: dict[str, tuple[str, ...]] = {
    "morning": ("bore", "fore", "yn y bore"),
    "afternoon": ("prynhawn", "brynhawn", "pnawn", "p'nawn", "yn y prynhawn"),
    "evening": ("nos", "gyda'r nos", "yn y nos", "yn yr hwyr", "noswaith"),
}
NOW: tuple[str, ...] = ("nawr", "rŵan", "ar hyn o bryd", "yn syth", "ar agor nawr")
SOON: tuple[str, ...] = ("cyn bo hir", "yn fuan", "yn yr awr nesaf", "o fewn awr",
                         "o fewn yr awr", "yn y ddwy awr nesaf", "o fewn dwy awr")
TODAY: tuple[str, ...] = ("heddiw", "yn nes ymlaen", "nes ymlaen")
TONIGHT: tuple[str, ...] = ("heno",)
TOMORROW: tuple[str, ...] = ("yfory", "fory")
WEEKEND: tuple[str, ...] = ("y penwythnos", "penwythnos")
# "bore 'ma": this morning (literally "morning here").
THIS: dict[str, tuple[str, ...]] = {
    "morning": ("bore 'ma", "bore yma", "y bore 'ma", "y bore yma"),
    "afternoon": ("prynhawn 'ma", "pnawn 'ma", "p'nawn 'ma", "prynhawn yma",
                  "y prynhawn 'ma", "y prynhawn yma"),
}
AFTER: tuple[str, ...] = ("ar ôl", "wedi")  # "ar ôl 6"
BEFORE: tuple[str, ...] = ("cyn",)  # "cyn 9"
# A day said as a habit or in the past is not when they want to go: "bob nos Fawrth"
# (every Tuesday night), "ers dydd Sadwrn" (since Saturday), "nos Sadwrn diwethaf".
NOT_BEFORE_DAY: tuple[str, ...] = ("bob", "pob", "ers", "tan")
NOT_AFTER_DAY: tuple[str, ...] = ("diwethaf", "dwetha", "ddiwethaf", "ddwetha")
# "ar ôl 2 flynedd", "cyn 3 diod": a number of things, not an hour.
COUNTED: tuple[str, ...] = (
    "blynedd", "flynedd", "mlynedd", "blwyddyn", "mis", "fis", "wythnos", "wythnosau",
    "diwrnod", "niwrnod", "diwrnodau", "awr", "oriau", "munud", "funud", "munudau", "peint",
    "diod", "ddiod", "diodydd", "can", "potel", "botel", "poteli", "tabled", "dabled",
    "gwaith", "plentyn", "plant", "punt", "bunt", "punnoedd",
)

# ---------------------------------------------------------- broadcasts (bot side)

# "mewn 2 awr", "ymhen 30 munud", "mewn dwy awr" (numerals: bot/language_words.py).
IN: tuple[str, ...] = ("mewn", "ymhen", "o fewn")
UNITS: dict[str, tuple[str, ...]] = {
    "minutes": ("munud", "funud", "munudau", "mun"),
    "hours": ("awr", "oriau"),
    "days": ("diwrnod", "ddiwrnod", "niwrnod", "diwrnodau", "dydd", "ddydd"),
}
# "yfory 9:00", "yfory am 9:00", "heno 20:00": days from today.
DAY_OFFSETS: dict[str, int] = {"heddiw": 0, "heno": 0, "yfory": 1, "fory": 1,
                               "drennydd": 2, "trennydd": 2}
AT: tuple[str, ...] = ("am",)
# Radius: "o fewn 10 milltir", "20 km", "15 cilomedr".
MILES: tuple[str, ...] = ("milltir", "milltiroedd", "filltir")
KILOMETRES: tuple[str, ...] = ("km", "cilomedr", "cilometr", "cilomedrau", "gilomedr")
RADIUS_LEADS: tuple[str, ...] = ("o fewn", "ger", "yn agos i", "agos i", "yn ymyl")
# Broadcast topics (bot/broadcasts/store.py TOPICS).
TOPICS: dict[str, tuple[str, ...]] = {
    "events": ("digwyddiad", "digwyddiadau", "ddigwyddiadau", "gweithgaredd",
               "gweithgareddau", "gweithgareddau cymdeithasol", "cymdeithasol"),
    "new_groups": ("grwpiau newydd", "grŵp newydd", "cyfarfodydd newydd",
                   "cyfarfod newydd"),
    "women": AUDIENCE["women"],
    "men": AUDIENCE["men"],
    "lgbtq": AUDIENCE["lgbtq"],
    "family": ("teulu", "deulu", "nheulu", "theulu", "teuluoedd", "gofalwyr", "ofalwyr",
               "rhieni", "rieni", "teulu a ffrindiau"),
}
