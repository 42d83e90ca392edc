"""Welsh (Cymraeg) everyday words for the needs taxonomy of directory/needs.py.

A language is a table, not code: WORDS maps a need code to the words and phrases people
write, and the other names say which words need company in a sentence. directory/needs.py
reads every language's table the same way; a third language adds a module like this one and
one line in needs.LANGUAGES.

Welsh changes the first letter of a word after certain words (initial mutations): "teulu"
(family) is "fy nheulu" (my family, nasal), "ei deulu" (his family, soft), "ei theulu" (her
family, aspirate). Mutated forms are listed by hand where people write them, and not
generated: generating every form would make English words needs ("Thai" is an aspirate
form of "tai", housing). Letters with a circumflex are written plain here: needs.normalise
folds "gŵr" to "gwr" and "cocên" to "cocen", as people often type them.

Vocabulary from the Welsh of UK services and peer support: Recovery Cymru and the Welsh
Government's substance misuse pages (adferiad, camddefnyddio sylweddau, cyffuriau), the
Samaritans' Welsh Language Line, and Geiriadur Prifysgol Cymru / Geiriadur yr Academi for
meanings; mutation patterns after fy/ei/yn/i/o/a/gyda as in any Welsh grammar (e.g. Gareth
King, Modern Welsh: A Comprehensive Grammar, ch. 1).
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, ...]] = {
    "alcohol": (
        "alcohol", "alcoholig", "alcoholiaeth", "yfed", "yfwr", "yfwraig", "yfed gormod",
        "goryfed", "diod", "ddiod", "diodydd", "cwrw", "gwrw", "chwrw", "gwin",
        "fodca", "seidr", "wisgi", "chwisgi", "lager", "peint", "peintiau", "meddw",
        "feddw", "meddwi", "feddwi", "meddwdod", "pen mawr", "sobr", "sobrwydd",
        "dim yn yfed",
    ),
    "drugs": (
        "cyffuriau", "gyffuriau", "chyffuriau", "nghyffuriau", "cyffur", "gyffur", "chyffur",
        "cyffuriau stryd", "sylweddau", "camddefnyddio sylweddau", "caethiwed", "gaethiwed",
        "chaethiwed", "dibyniaeth", "ddibyniaeth", "caeth", "gaeth", "tabledi", "dabledi",
        "nhabledi", "thabledi", "methadon", "defnyddio cyffuriau", "cymryd cyffuriau",
        "poenladdwyr", "cyffuriau presgripsiwn",
    ),
    "cannabis": (
        "canabis", "ganabis", "chanabis", "nghanabis", "gwair", "wair", "ganja", "mariwana",
        "smocio gwair", "smygu gwair", "sgync",
    ),
    "cocaine": ("cocen", "gocen", "chocen", "powdr gwyn", "charlie"),
    "crack": ("crac", "cocen crac", "crac cocen", "smocio crac"),
    "opioids": ("heroin", "opioidau", "opiadau", "opioid", "methadon", "morffin", "ffentanyl"),
    "benzodiazepines": (
        "bensos", "benzos", "bensodiasepinau", "tabledi cysgu", "diasepam", "falium",
    ),
    "ketamine": ("cetamin", "getamin", "chetamin", "ket"),
    "gambling": (
        "gamblo", "gamblwr", "gamblo gormod", "betio", "fetio", "metio", "bet", "hapchwarae",
        "happchwarae", "siop fetio", "siopau betio", "bwci", "bwcis", "casino", "slotiau",
        "peiriannau ffrwythau", "cardiau crafu", "pocer",
    ),
    "family": (
        "teulu", "deulu", "nheulu", "theulu", "teuluoedd", "deuluoedd", "ffrindiau",
        "partner", "bartner", "mhartner", "phartner", "gwr", "ngwr", "gwraig", "wraig",
        "ngwraig", "mab", "fab",
        "merch", "ferch", "mam", "fam", "tad", "nhad", "thad", "brawd", "frawd", "mrawd",
        "chwaer", "plentyn", "mhlentyn", "blentyn", "phlentyn", "plant", "mhlant", "blant",
        "phlant", "rhiant", "rhieni", "cariad", "anwyliaid", "rhywun annwyl", "gofalwr",
        "gofalu am", "perthynas",
    ),
    "mental_health": (
        "iechyd meddwl", "lles", "gorbryder", "gorbryderus", "pryder", "pryderus", "iselder",
        "isel", "teimlo'n isel", "teimlo yn isel", "hwyliau isel", "digalon", "straen",
        "unig", "unigrwydd", "ynysig", "panig", "pyliau o banig", "trawma", "galar",
        "profedigaeth",
    ),
    "housing": (
        "tai", "digartref", "ddigartref", "digartrefedd", "hostel", "llety", "cysgu allan",
        "cysgu ar y stryd", "troi allan", "nunlle i fyw", "unman i fyw", "dim lle i fyw",
        "dim cartref", "heb gartref", "syrffio soffa", "angen ty",
    ),
    "work": (
        "gwaith", "swydd", "swyddi", "cyflogaeth", "gyflogaeth", "hyfforddiant", "gwirfoddoli",
        "wirfoddoli", "gwirfoddolwr", "addysg", "coleg", "sgiliau", "cv",
    ),
    "criminal_justice": (
        "carchar", "garchar", "ngharchar", "charchar", "prawf", "swyddog prawf",
        "gwasanaeth prawf", "llys", "troseddu", "troseddwr", "cyn-droseddwr", "heddlu",
        "dalfa", "ddalfa", "rhyddhau o'r carchar", "cyfiawnder troseddol",
    ),
    "smoking": (
        "ysmygu", "smygu", "smocio", "sigarets", "sigarennau", "fepio", "fep", "nicotin",
        "tybaco", "baco",
    ),
    "eating": (
        "bwyta", "fwyta", "mwyta", "bwyd", "fwyd", "anhwylder bwyta", "gorfwyta",
        "gor-fwyta", "bwyta mewn pyliau",
    ),
    "sex_love": ("caethiwed rhyw", "pornograffi", "porn"),
    "recovery_community": (
        "adferiad", "gwellhad", "cymuned adferiad", "caffi adferiad", "cefnogaeth cymheiriaid",
        "cymorth gan gymheiriaid", "profiad byw", "cymorth cilyddol", "cymuned",
        "gymuned", "gweithgareddau",
    ),
}

# Too ordinary alone in a sentence ("gwaith" is also "time": "tair gwaith"; "merch" is any
# girl; "tai chi"; "crac" is also "angry" in the north; "unig" is also "only"; "isel" a low
# wall); they count only as the whole message, like a tapped answer.
WEAK: frozenset[str] = frozenset("""
gwaith bwyd fwyd bwyta fwyta mwyta tai prawf llys heddlu mab fab merch ferch mam fam
tad brawd frawd chwaer plentyn plant blant blentyn rhiant rhieni rieni cariad partner bartner
ffrindiau perthynas teulu deulu crac unig isel straen lles coleg sgiliau cymuned gymuned
gweithgareddau caeth gaeth tabledi dabledi nhabledi thabledi wair gofalwr sobr cv bet galar
""".split())

# Asking for someone else: a possessive and a relative ("fy mab", "ei gŵr", "mab fi") adds
# "family". The relatives as written after each possessive: fy (my) nasal, ei (his) soft,
# ei (her) aspirate; ein/eich/eu leave most letters alone; "mab fi", "mab i" are the
# spoken "my son" (the possessive after the noun).
POSSESSIVES: tuple[str, ...] = ("fy", "ei", "ein", "eich", "eu")
RELATIVES: tuple[str, ...] = (
    "mab", "fab", "merch", "ferch", "ngwr", "gwr", "wr", "ngwraig", "wraig", "gwraig",
    "mhartner", "bartner", "phartner", "partner", "mam", "fam", "nhad", "dad", "thad", "tad",
    "mrawd", "frawd", "brawd", "chwaer", "mhlentyn", "blentyn", "phlentyn", "plentyn",
    "mhlant", "blant", "phlant", "plant", "nghariad", "gariad", "chariad", "cariad",
    "ffrind", "ffrindiau", "rhieni", "rhiant", "nheulu", "deulu", "theulu", "teulu",
)
AFTER_NOUN_POSSESSIVES: tuple[str, ...] = ("fi", "i", "ni")

# With a relative named, these say what they take: "mae fy mab yn defnyddio" means drugs.
USING: tuple[str, ...] = ("defnyddio", "cymryd", "ar gyffuriau", "ar y cyffuriau")
DRINKING: tuple[str, ...] = ("yfed", "meddw", "feddw", "meddwi", "feddwi")
