"""Short replies and language detection, from per-language word lists.

The conversation asks yes/no questions and offers numbered choices; people answer in words
("ie", "na", "dau", "yr ail un", "number 2"), and their first message says which language
to answer in. Everything here is data per language code; a third language adds an entry to
each table below and needs no code.

Welsh sources: the short answers (ie/na, ydw/nac ydw, do/naddo, oes/nac oes, nage) and the
numerals with their feminine forms (dwy, tair, pedair) and ordinals (cyntaf, ail, trydydd /
trydedd, pedwerydd / pedwaredd, pumed, ...) as in Gareth King, Modern Welsh: A Comprehensive
Grammar (ch. 17, "Responses"; ch. 8, "Numerals"); northern forms (ia, yndw, efo, rŵan)
and the greetings as Welsh public-service chat bots and Recovery Cymru use them.
"""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------- yes / no

# Whole answers, written plain (accents are folded before matching: "rŵan" is "rwan").
YES: dict[str, tuple[str, ...]] = {
    "en": ("yes", "yeah", "yea", "yep", "yup", "ya", "y", "ok", "okay", "k", "sure",
           "correct", "right", "go ahead", "do it", "please do", "of course", "definitely",
           "absolutely", "aye", "confirm"),
    "cy": ("ie", "ia", "iep", "iawn", "ydw", "yndw", "ydy", "ydi", "yndi", "ydan", "ydyn",
           "ydych", "do", "oes", "cytuno", "gwnaf", "gwna", "gwnewch", "wrth gwrs", "siwr",
           "siwr iawn", "ok", "yn sicr", "cadarnhau", "mae'n iawn",
           "mae hynny'n iawn", "iawn te", "ie plis"),
}
NO: dict[str, tuple[str, ...]] = {
    "en": ("no", "nope", "nah", "n", "no way", "don't", "dont", "do not", "cancel",
           "not now", "no thanks", "no thank you", "never mind", "nevermind"),
    "cy": ("na", "nac ydw", "nag ydw", "nac ydy", "nag ydy", "nac ydi", "nag ydi",
           "naddo", "nac oes", "nag oes", "nage", "nage ddim", "dim", "dim diolch",
           "na diolch", "ddim", "ddim nawr", "dim nawr", "ddim rwan", "dim rwan", "paid",
           "peidiwch", "canslo", "na na"),
}
# Words that may come with an answer and change nothing: "ie, diolch", "no thanks".
POLITE: dict[str, tuple[str, ...]] = {
    "en": ("please", "pls", "plz", "thanks", "thank you", "ta", "cheers", "mate", "then",
           "thx"),
    "cy": ("plis", "diolch", "diolch yn fawr", "os gwelwch yn dda", "os gweli di'n dda",
           "te", "ta", "wir"),
}

# -------------------------------------------------------------------- numbers

NUMBERS: dict[str, dict[str, int]] = {
    "en": {
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3,
        "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
        "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7,
        "8th": 8, "9th": 9, "10th": 10,
    },
    "cy": {
        # Masculine and feminine (dau/dwy, tri/tair, pedwar/pedair), and the short forms
        # before a noun (pum, chwe, deng).
        "un": 1, "dau": 2, "dwy": 2, "tri": 3, "tair": 3, "pedwar": 4, "pedair": 4,
        "pump": 5, "pum": 5, "chwech": 6, "chwe": 6, "saith": 7, "wyth": 8, "naw": 9,
        "deg": 10, "deng": 10,
        # Ordinals, with the soft mutation of feminine ones after "y": "y drydedd",
        # "y bedwaredd", "y bumed".
        "cyntaf": 1, "gyntaf": 1, "ail": 2, "trydydd": 3, "trydedd": 3, "drydedd": 3,
        "pedwerydd": 4, "pedwaredd": 4, "bedwaredd": 4, "pumed": 5, "bumed": 5,
        "chweched": 6, "seithfed": 7, "wythfed": 8, "nawfed": 9, "degfed": 10, "ddegfed": 10,
        "1af": 1, "2il": 2, "3ydd": 3, "3edd": 3, "4ydd": 4, "4edd": 4, "5ed": 5, "6ed": 6,
        "7fed": 7, "8fed": 8, "9fed": 9, "10fed": 10,
    },
}
# Words that frame a number and change nothing: "number 2", "rhif 2", "the second one",
# "yr ail un". The word for 1 beside another number is framing too: "the second one".
NUMBER_FRAME: dict[str, tuple[str, ...]] = {
    "en": ("number", "no", "no.", "num", "option", "choice", "result", "the", "please",
           "pls", "thanks", "i'll take", "i want", "id like", "i'd like", "take",
           "pick", "go for", "let's go with", "lets go with", "with"),
    "cy": ("rhif", "opsiwn", "dewis", "canlyniad", "y", "yr", "'r", "plis", "diolch",
           "hwnna", "hwnnw", "honna", "honno", "yna"),
}
MAX_DIGITS = 3  # "12" is a choice; "2026" is a year, not a button

# ------------------------------------------------------------------- language

# Words (and pairs) that mark a message as written in a language. Only words that are
# not also everyday words of another listed language: "am", "i", "a", "o", "hi" are both
# English and Welsh, "help" and "alcohol" are written in Welsh too, and a bare place name
# ("Caerdydd", "Leeds") says nothing.
MARKERS: dict[str, tuple[str, ...]] = {
    "cy": (
        # greetings and thanks
        "shwmae", "shwmai", "smae", "sumae", "s'mae", "sut mae", "sut wyt ti", "sut dach chi",
        "sut ydych chi", "bore da", "prynhawn da", "p'nawn da", "noswaith dda", "nos da",
        "hwyl", "hwyl fawr", "diolch", "croeso",
        # "I am / I need / I want"
        "dw i", "dwi", "rydw i", "rwy", "rwyf", "dw", "ydw", "ydy", "ydi", "yndw", "dwi'n",
        "angen", "eisiau", "isio", "isie", "moyn", "ishe", "hoffwn", "licien", "licwn",
        # function words and everyday words that are not English
        "gyda", "efo", "yng", "ym", "yn", "yr", "mae", "maen", "oes", "sydd", "ydych",
        "wyt", "ydyn", "ddim", "ond", "neu", "hefyd", "achos", "oherwydd", "felly", "gen",
        "gennyf", "gennym", "arna", "arnaf", "fy", "ein", "eich", "chi", "ti", "fe", "ble",
        "pryd", "pam", "beth", "faint", "unrhyw", "rhywun", "rhywbeth", "mewn", "ger",
        "ymyl", "agos", "heno", "heddiw", "nawr", "rwan", "yfory", "fory", "yma", "yna",
        "cymorth", "helpu", "chwilio", "cyfarfod", "cyfarfodydd", "grwp", "grwpiau",
        "cefnogaeth", "wedi", "gallu", "allwch", "alli", "fedrwch", "fedri", "gallwch",
        "cael", "gael", "yfed", "cyffuriau", "gamblo", "teulu", "iechyd", "cymraeg",
        "saesneg", "siarad", "ie", "nage", "naddo", "nac",
    ),
    "en": (
        "hello", "hi", "hey", "hiya", "good morning", "good afternoon", "good evening",
        "thanks", "thank you", "please", "the", "and", "to", "is", "my", "me", "need",
        "want", "with", "near", "for", "of", "you", "your", "im", "i'm", "ive", "i've",
        "in", "on", "at", "any", "are", "there", "where", "what", "can", "get", "looking",
        "find", "meeting", "meetings", "group", "groups", "support", "drinking", "drink",
        "drugs", "gambling", "family", "it", "this", "that", "have", "has", "dont", "don't",
        "not", "yes", "yeah", "live", "around", "today", "tonight", "tomorrow", "some",
        "just", "really", "struggling", "would", "like", "about",
    ),
}
# Apostrophe endings that only one language writes: Welsh "dw i'n", "o'r", "i'w";
# English "I'm", "it's", "we've", "don't".
CLITIC_MARKERS: dict[str, tuple[str, ...]] = {
    "cy": ("n", "r", "w", "i", "u", "ch", "th"),
    "en": ("m", "s", "ve", "ll", "re", "t", "d"),
}

# ----------------------------------------------------------------- matching

# One accented letter to one plain letter ("ŵ" -> "w"), as people type either.
_FOLD = str.maketrans({
    chr(c): base for c in range(0xC0, 0x250)
    if len(base := "".join(ch for ch in unicodedata.normalize("NFKD", chr(c))
                           if not unicodedata.combining(ch))) == 1 and base.isascii()
    and base.isalpha()
})
_TOKEN = re.compile(r"[a-z0-9#]+(?:'[a-z]+)*|'[a-z]+")
MAX_CHARS = 200  # a short reply is short; a paste is not a reply


def _tokens(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold()
    text = text.translate(_FOLD).replace("\u2019", "'").replace("\u2018", "'")
    return _TOKEN.findall(text)


def _phrases(words: tuple[str, ...] | list[str]) -> set[tuple[str, ...]]:
    return {tuple(_tokens(w)) for w in words if _tokens(w)}


def _order(lang: str | None) -> list[str]:
    """The given language's lists first, then the others (a Welsh speaker may type
    "yes"), English last as the bot's first language."""
    langs = list(YES)
    if lang in langs:
        langs.remove(lang)
        langs.insert(0, lang)
    return langs


def _segment(tokens: list[str], units: dict[tuple[str, ...], str]) -> list[str] | None:
    """Cover the tokens with known units, longest first; their labels, or None."""
    out: list[str] = []
    i = 0
    longest = max((len(u) for u in units), default=1)
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            label = units.get(tuple(tokens[i:i + n]))
            if label is not None:
                out.append(label)
                i += n
                break
        else:
            return None
    return out


def yes_no(text: str, lang: str | None = "en") -> bool | None:
    """True for a yes ("ie", "yes please", "iawn diolch"), False for a no ("na", "nac
    ydw", "dim diolch"), None for anything else (including a mixed "yes no")."""
    tokens = _tokens(text)
    if not tokens or len(tokens) > 8:
        return None
    for code in _order(lang):
        units: dict[tuple[str, ...], str] = {}
        for p in _phrases(POLITE.get(code, ())):
            units[p] = "polite"
        for p in _phrases(YES.get(code, ())):
            units[p] = "yes"
        for p in _phrases(NO.get(code, ())):
            units[p] = "no"  # "dim diolch" is a no, though "diolch" is polite
        labels = _segment(tokens, units)
        if labels is None:
            continue
        said = set(labels) - {"polite"}
        if said == {"yes"}:
            return True
        if said == {"no"}:
            return False
        return None
    return None


def choice_number(text: str, lang: str | None = "en") -> int | None:
    """The choice a short reply names: "2", "#2", "rhif 2", "dau", "yr ail un", "the
    second one", "2nd", "3ydd"; -1 for "the last one" / "yr olaf"; None otherwise."""
    tokens = [t.lstrip("#") for t in _tokens(text)]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > 6:
        return None
    for code in _order(lang):
        numbers = {**NUMBERS.get(code, {})}
        frame = _phrases(NUMBER_FRAME.get(code, ()))
        units: dict[tuple[str, ...], str] = {p: "frame" for p in frame}
        for word in numbers:
            units[(word,)] = word
        for t in tokens:
            if t.isdigit() and len(t) <= MAX_DIGITS:
                units[(t,)] = t
        labels = _segment(tokens, units)
        if labels is None:
            continue
        said = [w for w in labels if w != "frame"]
        one = _one_word(code)
        if len(said) == 2 and one in said:
            said.remove(one)  # "yr ail un", "the second one"
        if len(said) == 1:
            value = int(said[0]) if said[0].isdigit() else numbers[said[0]]
            return value if value > 0 else None
        return None
    return None


def _one_word(code: str) -> str:
    return next((w for w, n in NUMBERS.get(code, {}).items() if n == 1), "")


def _markers(code: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    phrases = _phrases(MARKERS.get(code, ()))
    return (frozenset(p[0] for p in phrases if len(p) == 1),
            tuple(p for p in phrases if len(p) > 1))


_MARKERS = {code: _markers(code) for code in MARKERS}


def detect_language(text: str) -> str | None:
    """The language a message is written in: the code whose marker words it has most
    of ("cy" for "shwmae", "bore da", "dw i angen help gyda alcohol"; "en" for "hello, I
    need help"), or None when nothing tells (a bare place name, "helo", "ok", a tie)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    scores: dict[str, int] = {}
    for code, (words, pairs) in _MARKERS.items():
        seen: set[tuple[str, ...]] = set()
        for i, t in enumerate(tokens):
            if t in words:
                seen.add((t,))
            base, _, clitic = t.partition("'")
            if clitic and clitic in CLITIC_MARKERS.get(code, ()):
                seen.add(("'" + clitic,))
                if base in words:
                    seen.add((base,))
            for pair in pairs:
                if tuple(tokens[i:i + len(pair)]) == pair:
                    seen.add(pair)
        scores[code] = len(seen)
    best = max(scores.values())
    winners = [code for code, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


# ------------------------------------------------------------------ places

# Where a language's speakers mostly live: a place name shared by several nations
# ("Bangor", "Newport") means that nation's one in a conversation in the language
# (someone writing Welsh asking for Bangor means Bangor, Wales). Nations as
# directory.geography names them.
HOME_NATIONS: dict[str, str] = {"cy": "Wales"}
