"""Crisis check: spot danger in a message before anything else handles it.

Runs on every incoming message, needs no database or network, and never logs the
text. A false positive only shows helplines kindly; a false negative can cost a
life, so genuine danger wording is caught even when the reading is uncertain,
while everyday idioms of recovery talk ("this craving is killing me", "I could
murder a pint") are let through. The phrase sets in tests/crisis_phrases.py are
the specification: add every miss or false alarm seen in the wild there first.

How it works: `_normalise` turns the message into a canonical form (lowercase
ASCII words separated by single spaces, no apostrophes, letter runs squashed to
one letter, text-speak and contractions spelt out the same way), then the
readable regex table `_RULES` is searched, category by category. Patterns are
written in ordinary spelling and squashed the same way as the text when compiled,
so "kill" in a pattern matches "kil", "kill" and "killllll".

Input size: Telegram allows 4,096 characters and Discord 2,000 (REFERENCE.md), so
real messages are scanned whole. Anything longer than `MAX_SCAN_CHARS` (100,000)
is scanned as its first and last `MAX_SCAN_CHARS // 2` characters: bounded work
on a pasted novel, and a danger phrase typed at the very start or end is still
seen. Only a phrase buried in the middle of such a text, or one straddling the
cut, can be missed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "CRISIS_CONTACTS",
    "MAX_SCAN_CHARS",
    "CrisisContact",
    "CrisisSignal",
    "crisis_contacts",
    "detect_crisis",
]


# --------------------------------------------------------------------------- contacts


@dataclass(frozen=True, slots=True)
class CrisisContact:
    """A helpline shown when a danger signal is seen."""

    key: str
    name: str
    how: str
    source: str  # where to verify the number before it ships
    verified: str  # ISO date the number was checked against shared/REFERENCE.md
    nations: tuple[str, ...] = ()  # empty = all of the UK


# Numbers exactly as in shared/REFERENCE.md ("Crisis and helpline contacts (UK)").
# `verified` records the check against REFERENCE.md on that date; this machine has
# no network, so each number must still be checked at its `source` before release.
_CHECKED = "2026-11-23"

CRISIS_CONTACTS: tuple[CrisisContact, ...] = (
    CrisisContact(
        key="emergency",
        name="Emergency services",
        how="Call 999 (112 also works)",
        source="https://www.gov.uk/",
        verified=_CHECKED,
    ),
    CrisisContact(
        key="samaritans",
        name="Samaritans",
        how="Call 116 123 (free, 24/7, not shown on phone bills)",
        source="https://www.samaritans.org/",
        verified=_CHECKED,
    ),
    CrisisContact(
        key="shout",
        name="Shout",
        how="Text SHOUT to 85258 (24/7)",
        source="https://giveusashout.org/",
        verified=_CHECKED,
    ),
    CrisisContact(
        key="nhs111",
        name="NHS 111",
        how=(
            "Call 111 (in England choose the mental health option; "
            "NHS 24 on 111 in Scotland; NHS 111 Wales)"
        ),
        # Scotland and Wales: https://www.nhs24.scot/ and https://111.wales.nhs.uk/
        source="https://www.nhs.uk/",
        verified=_CHECKED,
    ),
    CrisisContact(
        key="breathing_space",
        name="Breathing Space",
        how="Call 0800 83 85 87",
        source="https://breathingspace.scot/",
        verified=_CHECKED,
        nations=("Scotland",),
    ),
    CrisisContact(
        key="lifeline",
        name="Lifeline",
        how="Call 0808 808 8000",
        source="https://www.lifelinehelpline.info/",
        verified=_CHECKED,
        nations=("Northern Ireland",),
    ),
)


def crisis_contacts(nation: str | None = None) -> tuple[CrisisContact, ...]:
    """Contacts for everyone plus those for `nation`; all of them when unknown.

    Not knowing where someone is must never hide a helpline, so `None` returns
    every contact, nation-specific ones included.
    """
    if nation is None:
        return CRISIS_CONTACTS
    wanted = nation.strip().casefold()
    return tuple(
        c
        for c in CRISIS_CONTACTS
        if not c.nations or any(n.casefold() == wanted for n in c.nations)
    )


# --------------------------------------------------------------------------- signal


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    """What kind of danger was seen. Carries no text, so it is safe to log."""

    category: str  # one of CATEGORIES


# Checked in this order; the first hit wins. Physical emergencies happening now come
# first because their answer is "call 999 now".
CATEGORIES: tuple[str, ...] = ("overdose", "medical", "violence", "suicide", "self_harm")

MAX_SCAN_CHARS = 100_000


# --------------------------------------------------------------------------- normalising

# Letters repeated for emphasis ("diiiie", "killlll") and doubled letters dropped by
# typos ("kil") become one spelling: every run of a letter is squashed to one letter,
# in the text and (at compile time) in the patterns. Three words keep their double
# letter because squashing would merge them with another word that matters: "too"
# ("done to many people" is not "took too many"), "off" ("proud of myself" is not
# "off myself") and "odd" ("an odd feeling" is not "an OD").
_SQUASH = re.compile(r"\b(?:too|off|odd)\b|([a-z])\1+")


def _squash(s: str) -> str:
    return _SQUASH.sub(lambda m: m.group(1) or m.group(0), s)


def _squash_pattern(src: str) -> str:
    # The same squash for regex source, word by word; a letter right after a
    # backslash is an escape ("\bb" must stay "\b" + "b").
    return re.sub(r"(?<!\\)[a-z]+", lambda m: _squash(m.group(0)), src)


# Invisible format characters split words without showing ("ki\u200bll").
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# Accents left as separate marks by NFKD ("dïe" -> "die").
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Cyrillic and Greek letters that look Latin ("kіll" with a Cyrillic і).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ӏ": "l", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "ν": "v",
        # every apostrophe-like mark becomes "'" so one rule removes them all
        "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u02b9": "'",
        "`": "'", "\u00b4": "'", "\u2032": "'",
        "&": " and ",
    }
)  # fmt: skip
# "od'd", "OD'ed", "o.d.'d" -> overdosed; handled before apostrophes go, because
# without the apostrophe "od'd" would read as the ordinary word "odd".
_OD_PAST = re.compile(r"\bo\.?d\.? ?' ?e?d\b")
_OD_ING = re.compile(r"\bo\.?d\.? ?'? ?ing\b")
_OD_DOTTED = re.compile(r"\bo\.d\.?(?![a-z])")
# Digits and symbols standing for letters inside a word ("k1ll", "d!e", "$uicide"):
# only between two letters (or "$" starting a word), so "took 10 pills" keeps its
# number.
_LEET = re.compile(r"(?<=[a-z])[0134578@$!|](?=[a-z])|(?<![a-z0-9])\$(?=[a-z])")
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
             "@": "a", "$": "s", "!": "i", "|": "l"}  # fmt: skip
# Spelt-out letters: "k.i.l.l", "d-i-e" (3+ letters with punctuation) or "k i l l"
# (4+ letters with spaces; 3 only for "d i e" and "k m s", as joining any three
# would merge ordinary words like "i m a").
_DOTTED_LETTERS = re.compile(r"\b[a-z](?:[.\-_*'] ?[a-z]\b){2,}")
_SPACED_LETTERS = re.compile(r"\b[a-z](?: [a-z]\b){2,}")
_SPACED_SHORT_OK = frozenset({"die", "kms"})


def _join_spaced(m: re.Match[str]) -> str:
    joined = m.group(0).replace(" ", "")
    return joined if len(joined) >= 4 or joined in _SPACED_SHORT_OK else m.group(0)


_NON_WORD = re.compile(r"[^a-z0-9]+")

# Text-speak, dialect and common misspellings, one word to its plain spelling. Keys
# and values are squashed when the table is built, like the text.
_WORDS: dict[str, str] = {
    "wanna": "want to", "wana": "want to", "wnt": "want", "wantto": "want to",
    "gonna": "going to", "gunna": "going to", "finna": "going to", "goin": "going",
    "gotta": "got to", "tryna": "trying to", "hafta": "have to", "needa": "need to",
    "imma": "im going to", "ima": "im going to", "iam": "im",
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "r": "are",
    "rn": "right now", "atm": "at the moment", "tn": "tonight", "tonite": "tonight",
    "2nite": "tonight", "tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow",
    "2morrow": "tomorrow", "2day": "today", "b4": "before",
    "dnt": "dont", "cnt": "cant", "carnt": "cant", "cud": "could", "wud": "would",
    "shud": "should", "coz": "because", "cos": "because", "cuz": "because",
    "bc": "because", "ded": "dead", "dieing": "dying", "lyf": "life", "lyfe": "life",
    "myslf": "myself", "myslef": "myself", "mysef": "myself", "mself": "myself",
    "meself": "myself", "maself": "myself", "masel": "myself", "mysel": "myself",
    "masell": "myself", "any1": "anyone", "some1": "someone", "no1": "no one",
    "every1": "everyone", "nobody": "no one", "ppl": "people",
    "wiv": "with", "wivout": "without", "witout": "without", "abt": "about",
    "bout": "about", "n": "and", "wat": "what", "wot": "what", "wats": "whats",
    "wots": "whats", "dis": "this", "dat": "that", "lyk": "like", "liek": "like",
    "nomore": "no more", "anymoar": "anymore", "pillz": "pills", "ambo": "ambulance",
    "ambulence": "ambulance", "mam": "mum", "mom": "mum", "oding": "overdosing",
    "breath": "breathe", "breth": "breathe", "brethe": "breathe",
}  # fmt: skip
# Dropped g: "killin", "dyin", "breathin".
for _verb in (
    "killing dying hurting cutting doing breathing ending hitting beating threatening "
    "fitting bleeding overdosing harming choking nothing something living waking "
    "carrying trying thinking feeling taking being having kicking punching strangling"
).split():
    _WORDS.setdefault(_verb[:-1], _verb)

# Contractions spelt out, and their apostrophe-less forms, become one form ("im",
# "dont", "hes") so each pattern needs to name only that form.
_PHRASES: dict[str, str] = {
    "i am": "im", "i m": "im", "i have": "ive", "i will": "ill", "i shall": "ill",
    "i would": "id", "do not": "dont", "does not": "doesnt",
    "did not": "didnt", "can not": "cant", "cannot": "cant", "could not": "couldnt",
    "will not": "wont", "would not": "wouldnt", "should not": "shouldnt",
    "is not": "isnt", "are not": "arent", "was not": "wasnt", "were not": "werent",
    "have not": "havent", "has not": "hasnt", "aint": "isnt",
    "he is": "hes", "she is": "shes",
    "it is": "its", "that is": "thats", "there is": "theres", "what is": "whats",
    "they are": "theyre", "you are": "youre", "they have": "theyve", "we have": "weve",
    "you have": "youve", "he will": "hell", "she will": "shell", "they will": "theyll",
    "you will": "youll", "he would": "hed", "she would": "shed", "they would": "theyd",
    # "hit me up" is "message me": keeps the violence rule from reading it as a blow
    "hit me up": "message me", "hits me up": "messages me",
    "hitting me up": "messaging me",
}  # fmt: skip


_WORDS_MAP = {_squash(k): _squash(v) for k, v in _WORDS.items()}
_PHRASES_MAP = {tuple(_squash(k).split()): _squash(v) for k, v in _PHRASES.items()}
_PHRASE_LENGTHS = sorted({len(k) for k in _PHRASES_MAP}, reverse=True)
_PHRASE_FIRST = frozenset(k[0] for k in _PHRASES_MAP)

# Typo tolerance for the few words that are danger signals on their own: a token one
# edit (insert, delete, substitute or swap of neighbours) away from one of these is
# read as it. Real words that close are listed so they are never "corrected".
_FUZZY_TARGETS = tuple(
    _squash(w)
    for w in (
        "suicide suicidal overdose overdosed overdosing seizure seizures "
        "unconscious unresponsive myself naloxone"
    ).split()
)
_FUZZY_KEEP = frozenset(
    _squash(w) for w in "overdo overdoes overdone overdoing oversee leisure seizer".split()
)
_FUZZY_FIRST = frozenset(t[0] for t in _FUZZY_TARGETS)
_FUZZY_LENGTHS = range(min(map(len, _FUZZY_TARGETS)) - 1, max(map(len, _FUZZY_TARGETS)) + 2)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when a and b differ by one insert, delete, substitution or swap."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


def _fix_typo(word: str) -> str:
    if word in _FUZZY_KEEP or word in _FUZZY_TARGETS:
        return word
    for target in _FUZZY_TARGETS:
        if word[0] == target[0] and _one_edit_apart(word, target):
            return target
    return word


def _canon_word(word: str) -> str:
    """One squashed token spelt out ("wanna" -> "want to") or typo-fixed."""
    mapped = _WORDS_MAP.get(word)
    if mapped is not None:
        return mapped
    if word[0] in _FUZZY_FIRST and len(word) in _FUZZY_LENGTHS:
        return _fix_typo(word)
    return word


def _canon_words(text: str) -> str:
    words = [_canon_word(w) for w in text.split()]
    # A lone "2" before a word is "to"/"too" ("want 2 die", "took 2 many").
    if "2" in words:
        for i in range(len(words) - 1):
            if words[i] == "2" and words[i + 1][0].isalpha():
                words[i] = "to"
    words = " ".join(words).split()
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        if words[i] not in _PHRASE_FIRST:
            out.append(words[i])
            i += 1
            continue
        for size in _PHRASE_LENGTHS:
            mapped = _PHRASES_MAP.get(tuple(words[i : i + size]))
            if mapped is not None:
                out.append(mapped)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _clip(text: str) -> str:
    if len(text) <= MAX_SCAN_CHARS:
        return text
    half = MAX_SCAN_CHARS // 2
    return text[:half] + "\n" + text[-half:]


def _normalise(text: str) -> str:
    """Canonical form for matching: see the module docstring."""
    text = _clip(text)
    # NFKD folds compatibility forms (full-width letters, ligatures, "ｋｉｌｌ") like
    # NFKC does, and also splits accents off so they can be dropped.
    if text.isascii():  # the common case: skip the Unicode steps
        text = text.lower().replace("`", "'").replace("&", " and ")
    else:
        text = unicodedata.normalize("NFKD", text)
        text = _clip(text)  # a few characters expand many times under NFKD
        text = _INVISIBLE.sub("", text)
        text = _COMBINING.sub("", text)
        text = text.casefold().translate(_CONFUSABLES)
    if "od" in text or "o.d" in text:
        text = _OD_PAST.sub(" overdosed ", text)
        text = _OD_ING.sub(" overdosing ", text)
        text = _OD_DOTTED.sub("od", text)
    text = text.replace("'", "")
    text = _LEET.sub(lambda m: _LEET_MAP[m.group(0)], text)
    text = _DOTTED_LETTERS.sub(lambda m: re.sub(r"[^a-z]", "", m.group(0)), text)
    text = _NON_WORD.sub(" ", text)
    text = _SPACED_LETTERS.sub(_join_spaced, text)
    return _canon_words(_squash(text))


# --------------------------------------------------------------------------- patterns
#
# Written against the normalised text: lowercase words, single spaces, no apostrophes
# ("dont", "im", "hes", "ill" for I'll, "hell" for he'll), ordinary spelling (squashed
# at compile time). <NAME> expands to the macro below. Keep each pattern narrow and
# say why when it excludes something.

_MACROS: dict[str, str] = {
    # any one word and its space, for small gaps
    "<W>": r"(?:[a-z0-9]+ )",
    # emphasis that may sit inside a phrase ("want to [just] die")
    "<ADV>": r"(?:so |really |just |badly |honestly |actually |literally |seriously |"
    r"fucking |f |frigging |truly |genuinely |kind of |kinda |sometimes |often |)",
    "<ANYMORE>": r"(?:anymore|any more|any longer|no more|no longer)",
    "<SELF>": r"(?:myself|himself|herself|themselves|themself|ourselves)",
    # people someone in danger talks about: the subject of an overdose or collapse
    "<THEY>": (
        r"(?:he|she|they|hes|shes|theyre|theyve|him|her|them|mate|mates|friend|friends|"
        r"pal|bf|gf|boyfriend|girlfriend|partner|husband|wife|son|daughter|brother|"
        r"sister|dad|mum|mother|father|flatmate|someone|somebody|guy|man|woman|girl|lad|"
        r"bloke|kid|baby)"
    ),
    # people who might hurt someone (the subject of a blow or threat); deliberately
    # no "it"/"that"/"this", so "it hit me how much I'd lost" is not violence
    "<PERSON>": (
        r"(?:he|she|they|hes|shes|theyre|theyve|someone|someones|somebody|somebodys|"
        r"partner|boyfriend|bf|"
        r"girlfriend|gf|husband|wife|ex|dad|father|stepdad|step dad|mum|mother|stepmum|"
        r"brother|sister|son|daughter|uncle|cousin|landlord|dealer|dealers|flatmate|"
        r"neighbour|man|men|guy|guys|bloke|lad|lads|gang|fella|carer)"
    ),
    "<DRUGS>": (
        r"(?:pills|pill|tablets|tablet|tabs|meds|medication|medicine|paracetamol|"
        r"painkillers|co codamol|cocodamol|codeine|sleeping pills|diazepam|vallies|"
        r"valium|benzos|xanax|pregabalin|gabapentin|methadone|heroin|gear|smack|insulin|"
        r"antidepressants|sertraline|citalopram|fluoxetine|mirtazapine|fentanyl|oxy|"
        r"oxycodone|tramadol|morphine|ketamine|ket|coke|cocaine|crack|mdma|pingers|"
        r"ecstasy|spice|nitazenes|opioids|opiates|ibuprofen|aspirin|lithium|quetiapine|"
        r"zopiclone|propranolol)"
    ),
    # What may follow "go on", "carry on", "live" when they mean living, not an
    # activity: "I can't go on like this" / "I can't go on holiday".
    "<ENDCLAUSE>": (
        r"(?=$| (?:like|anymore|any more|any longer|no more|no longer|living|with (?:life|"
        r"this|it|everything)|and|but|i|im|ive|its|please|help|now|right now|tonight|"
        r"today|tomorrow|again|ever|in the morning|much longer|for much longer|feeling|"
        r"being|because|what|why|idk|for good|forever|soon|properly|once and for all|in "
        r"this world|on this earth|honestly|really|tbh|at all)\b)"
    ),
}

_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "overdose",
        (
            r"\boverdos(?:ed|ing)\b",
            # "od" here can only be the overdose: the word "odd" keeps its double d
            r"\b(?:take|took|taken|taking|had|have|having|do|did|done|doing|tried|"
            r"attempted) (?:an? |another |a massive |a big )?(?:overdose|od)\b",
            r"\b(?:want|wants|wanted|going|about|plan|planning|planned|try|trying|tried|"
            r"ready|need|deserve|tempted) to (?:overdose|od)\b",
            r"\b(?:thinking (?:about|of)|might|could|will|ill|gonna) (?:overdose|od)\b",
            r"\boverdose (?:on purpose|deliberately|tonight|now)\b",
            r"\b(?:i|ive|he|she|hes|shes|they|theyve|mate|friend|partner|bf|gf|son|"
            r"daughter) (?:has |have |just |)overdose\b",  # "she overdosd" after typo fix
            r"\b(?:i|ive|he|she|hes|shes|they|we|theyve|weve|mate|friend|pal|partner|bf|"
            r"gf) (?:just |has |have |)od\b",
            # too much / too many; not "took too much time off", "taking too much on"
            r"\b(?:took|taken|take|taking|swallowed|swallow|swallowing|necked|necking|"
            r"popped|popping|downed|injected|snorted|used) (?:way |far |a bit |slightly |"
            r"much )?too (?:much|many)\b(?! (?:time|on|off|out|notice|money|weight|"
            r"interest|of a risk|responsibility|work|care|shifts|hours|days|photos)\b)",
            # "to many" is a common misspelling, but only with a drug named, so "the
            # harm I've done to many people" passes
            r"\b(?:took|taken|take|taking|swallowed|necked|popped|downed|had|done|used|"
            r"injected|snorted) (?:way |far |a bit )?(?:too|to) (?:much|many) <W>?<DRUGS>\b",
            # a large amount taken: past tense only, so "I take lots of meds for my
            # back" (a daily routine) is not read as an overdose
            r"\b(?:took|taken|swallowed|swallowing|necked|necking|popped|popping|downed|"
            r"injected|snorted|just had|has had|hes had|shes had|ive had) <W>{0,3}?"
            r"(?:loads of|lots of|a load of|a lot of|a bunch of|a handful of|handfuls of|"
            r"all (?:of )?(?:my|the|his|her|their)|every|a whole|the whole|an entire|"
            r"(?:a |the )?(?:whole |full |entire )?(?:bottle|packet|box|pack|strip|tub|"
            r"blister)s? of|hundreds of|dozens of|a dozen) <W>{0,3}?<DRUGS>\b",
            # a number of ten or more right before the drug ("took 20 paracetamol"),
            # not "took 20 minutes for my meds to work"
            r"\b(?:took|taken|swallowed|necked|popped|downed|just had|ive had|hes had|"
            r"shes had) (?:like |about |around |over |at least |)(?:[1-9][0-9]+|twenty|"
            r"thirty|forty|fifty|sixty|a hundred) (?:of (?:my|his|her|the|them) )?<W>?"
            r"<DRUGS>\b",
            r"\b(?:going to|want to|about to|plan to|ready to) (?:take|swallow|neck) "
            r"(?:all|every|the whole|a whole) <W>{0,2}?<DRUGS>\b",
            # opioid overdose signs, usually about someone else
            r"\b(?:not|isnt|stopped|stop|barely|hardly|struggling|not really|no longer) "
            r"breathing\b",
            r"\b(?:cant|couldnt|wont|unable to|not able to|trying to) (?:wake|rouse|waken) "
            r"(?:<THEY>|my <W>|this <W>|up my <W>)",
            # "won't wake up", but not "I can't wake up in the mornings", "my son
            # won't wake up for school" or "my alarm didn't wake me"
            r"\b(?<!\bi )(?<!\bim )(?<!\bive )(?:wont|isnt|not|doesnt|cant|wouldnt|didnt|"
            r"couldnt) (?:wake|waking)(?: up)?+\b(?! (?:for|in time|early|on time|until|till|"
            r"til|before|in the morning|at|when|properly|easily|me|us|feeling)\b)",
            r"\b(?:unresponsive|unrousable|unconscious)\b(?! bias)",
            r"\b<THEY> (?:is |s |isnt |)(?:not|isnt) (?:responding|responsive|moving)\b",
            r"\b(?:turning|turned|gone|going|went) (?:a bit |all |really )?blue\b",
            r"\b(?:blue|purple) (?:lips|fingertips|fingers)\b",
            r"\blips (?:are |have |look |r |is )?(?:gone |going |turning |turned )?"
            r"(?:blue|purple)\b",
            r"\bfoaming at the mouth\b",
            r"\b(?:gone|going|is|s|went) (?:all )?floppy\b",
            r"\b(?:taken|took|had) something and\b",
            r"\b(?:think|thinks|afraid|worried|scared) (?:my )?<THEY> (?:is |s |might be |"
            r"could be |may be |)dead\b",
            r"\b<THEY> (?:is |s |)(?:gurgling|snoring weird|snoring funny|making gurgling)",
            # naloxone being needed or used now, not the training or a kit carried
            r"\b(?:gave|given|give|giving|used|use|using|need|needs|needed|administer|"
            r"administered|injected|get me|wheres|where is|sprayed) <W>{0,2}?"
            r"(?:naloxone|narcan|nyxoid|prenoxad)\b(?! (?:training|kit|kits|course|"
            r"session|class|on me|with me|in my bag)\b)",
        ),
    ),
    (
        "medical",
        (
            r"\bs(?:ei|ie|e|ee|ea|i)[sz]ures?\b",  # seizure and its common misspellings
            r"\bconvuls(?:ing|ions?|ed)\b",
            r"\bepileptic (?:fit|fits|seizure)\b",
            r"\b(?:having|gone into|went into|going into|has had|just had) (?:an? |another )?"
            r"(?:fit|fits|seizure|seizures|convulsion|convulsions)\b"
            r"(?! (?:about|when|over|of|at)\b)",  # "having a fit about it" = angry
            r"\bhad (?:an? |another )?(?:seizure|seizures|convulsion|convulsions)\b",
            # "fitting" as a seizure, not "fitting in" or "fitting the new kitchen"
            r"\b(?:<THEY>|im|i) (?:is |s |started |starts |keeps |keep |been |has been |"
            r"just started |started to |)fitting\b(?! (?:in|into|the|a|an|my|his|her|"
            r"their|our|your|some|new|out|together|for|with|well|room|perfectly|tribute|"
            r"end|carpets?|kitchens?|windows?|doors?|bathrooms?|boilers?|tyres?|it|them|"
            r"this|that|these|those|up)\b)",
            r"\bfitting (?:on the floor|and shaking|badly|uncontrollably|again)\b",
            r"\b(?:shaking|jerking|twitching) and fitting\b",
            r"\b(?:the dts|dts|delirium tremens|withdrawal seizures?|withdrawal fits?)\b",
            r"\bchest (?:pain|pains|is (?:tight|hurting|really tight|really hurting|"
            r"killing me|crushing|on fire)|hurts|feels (?:tight|heavy|crushed)|tightness)\b",
            r"\bpains? in (?:my|his|her|their) chest\b",
            r"\bcrushing pain\b",
            # a heart attack, not "you nearly gave me a heart attack"
            r"\b(?<!gave me a )(?<!give me a )(?<!giving me a )(?<!gives me a )"
            r"(?<!give you a )(?<!gave him a )(?<!gave her a )(?<!nearly had a )"
            r"(?<!almost had a )\bheart attack\b",
            r"\bhaving a stroke\b(?! of)",
            r"\b(?:cant|cannot|can barely|can hardly|struggling to|hard to|trouble|"
            r"difficulty|unable to|not able to) (?:breathe|breathing)\b(?! through)",
            r"\b(?:vomiting|throwing up|puking|being sick|coughing up|coughing|spewing|"
            r"vomited|threw up|been sick|sick up|spitting|spitting up|peeing|pissing) "
            r"(?:up )?(?:blood|black)\b",
            r"\bblood in (?:my|his|her|the) (?:sick|vomit|poo|stool|pee|wee)\b",
            r"\b(?:bleeding|bleed|bled) (?:heavily|a lot|loads|badly|everywhere|out|to "
            r"death|so much)\b",
            r"\b(?:wont|cant|doesnt|isnt) stop(?:ping)? bleeding\b",
            r"\bbleeding <W>{0,3}?(?:wont|cant|doesnt|isnt|will not) stop(?:ping)?\b",
            r"\band collapsed\b",
            r"\blost (?:a lot of|loads of|so much) blood\b",
            r"\b(?:<THEY>|i|ive) (?:has |have |just |has just |)collapsed\b",
            r"\b(?:fell|fallen|falling|collapsed|passed out) <W>{0,3}?(?:hit|banged|smashed|"
            r"cracked) (?:his|her|my|their) head\b",
            r"\b(?:call|calling|called|ring|ringing|rang|phone|phoning|dial|dialling|dialed|"
            r"dialled|get|need|needs|send|sending|waiting for) (?:an? |for an? |the |for "
            r"the |me an? )?(?:ambulance|999|paramedics?)\b",
            r"\b(?:this is|its|we have|theres|there is) an? (?:emergency|medical emergency)\b",
            r"\balcohol poisoning\b",
            r"\b(?:been|was|got|getting|get|think i was|think ive been|drink (?:was|got|has "
            r"been|is)|drinks (?:were|got)) spiked\b",
            # panic in withdrawal can be an emergency; "dying of embarrassment" is not
            r"\bfeel(?:s|ing)? like (?:im|i am|i was|hes|shes) (?:going to die|dying)\b"
            r"(?! (?:for|of (?:boredom|embarrassment|laughter|shame|thirst)|laughing|to)\b)",
        ),
    ),
    (
        "violence",
        (
            # a person doing harm to the writer (or their children); "it hit me" and
            # "the cravings are hitting me" have no person, so they pass
            r"\b<PERSON> <W>{0,2}?(?:hitting|beating|punching|kicking|strangling|choking|"
            r"slapping|hurting|attacking|abusing|raping|threatening|stalking|battering|"
            r"assaulting|hit|hits|beat|beats|punched|punches|kicked|kicks|strangled|"
            r"strangles|choked|chokes|slapped|slaps|hurt|hurts|attacked|abused|raped|"
            r"threatened|threatens|assaulted|battered|pushed|shoved|grabbed|stabbed|"
            r"smacked|headbutted|burned|burnt|touching|touched|spat on|locked|following|"
            r"followed|controlling|touches|touch) (?:me|us|my (?:kids|children|son|daughter|"
            r"baby|mum|dad|"
            r"partner))\b(?! (?:out|off|to it|at|in|back|on the shoulder|deeply|on "
            r"(?:instagram|twitter|facebook|tiktok|social|here)|with (?:the |some )?news|"
            r"with a (?:question|bill))\b)",
            r"\b(?:im|i am|i was|ive been|i got|got|getting|been|being|keep getting|i feel) "
            r"(?:being |really |badly |so |)(?:abused|attacked|beaten|beaten up|battered|"
            r"assaulted|raped|strangled|choked|stabbed|threatened|stalked|kidnapped|"
            r"trafficked|held hostage|held against my will|followed|mugged|exploited|"
            r"cuckooed)\b(?! (?:by (?:the|this|my) (?:drink|addiction|booze|bottle|drugs|"
            r"disease|cravings?)|by (?:change|it|that|this)|at|in the|to it|on instagram|"
            r"on twitter|on social)\b)",
            r"\bbeing (?:hurt|hit|punched|kicked|slapped|pushed|shoved|controlled|"
            r"strangled|choked|locked in|kept in)\b",
            # threats to kill or hurt; not "mum's going to kill me when she finds out"
            # or "my wife will kill me for relapsing" (idioms)
            r"\b(?:<PERSON> <W>{0,2}?(?:will|ill|going to|gonna|threatened to|threatening "
            r"to|threatens to|said (?:hed|shed|theyd|he would|she would|they would|he will|"
            r"she will|hell|shell|he was going to|she was going to)|says (?:hell|shell|he "
            r"will|she will|hes going to|shes going to)|tried to|trying to|tries to|wants "
            r"to|might|could|is going to)|hell|shell|theyll|hed|shed|theyd) <W>?"
            r"(?:kill|murder|stab|hurt|shoot|strangle|batter|beat|rape) (?:me|us|my <W>)"
            r"(?! <W>?(?:(?:if|when|once) (?:he|she|they|hes|shes|theyre|my <W>) "
            r"(?:finds|find|sees|see|hears|hear|knows|know|found)|for (?:drinking|relapsing|"
            r"this|that|being late|forgetting|using|telling))\b)",
            r"\b(?:threatening|threatened|threatens) (?:me|us|to (?:kill|hurt|stab|beat|"
            r"shoot|burn|batter|attack|rape|smash))\b",
            r"\b(?:scared|afraid|frightened|terrified|fear|fearing|worried|petrified) "
            r"(?:of|for) (?:my life|my safety|our safety|my kids safety|my childrens "
            r"safety|him|her|them|my (?:partner|boyfriend|girlfriend|husband|wife|ex|dad|"
            r"father|stepdad|landlord|dealer))\b(?! (?:<W>?reaction|finding|judging|"
            r"thinking|knowing|response|opinion|relapsing|drinking|using|and|being "
            r"disappointed)\b)",
            r"\b(?:scared|afraid|frightened|terrified|petrified) (?:to go|of going) "
            r"(?:back )?home\b",
            r"\b(?:not safe|unsafe|dont feel safe|never feel safe) (?:at home|in my (?:own )?"
            r"(?:home|house|flat)|with (?:him|her|them|my <W>)|here|right now|<ANYMORE>)\b",
            r"\bim not safe\b(?! (?:around|near|with) (?:alcohol|drink|booze)|to drive)",
            r"\b(?:has|hes got|has got|shes got|theyve got|got|pulled|pulling|holding|"
            r"waving|brandishing|came at me with|coming at me with|threatened me with|"
            r"attacked me with) (?:a |an |his |her |their )?(?:knife|gun|weapon|machete|"
            r"blade|axe|hammer)\b(?! (?:set|block|sharpener|drill)\b)",
            r"\b(?:domestic (?:violence|abuse)|coercive control|sexually (?:assaulted|"
            r"abused)|sexual (?:assault|abuse))\b",
            r"\b(?:wont|will not|doesnt|isnt|not) let(?:ting)? me (?:leave|out of the "
            r"(?:house|flat|room)|have my phone|see my (?:family|friends))\b",
            r"\blocked (?:me |us )?in (?:the|a|my|his|her|their) <W>?(?:room|bedroom|house|"
            r"flat|bathroom|car|cupboard|shed|cellar|basement)\b",
            r"\b(?:man|men|guy|guys|someone|somebody|bloke|lad|lads|he|she|they|people|"
            r"gang) <W>{0,2}?with (?:a|an) (?:knife|gun|machete|weapon|axe)\b",
            # "cuckooing": dealers taking over a vulnerable person's home
            r"\b(?:dealers?|gang|they|people) <W>{0,2}?(?:taken over|took over|moved into|"
            r"using|running drugs from|dealing from) my (?:flat|house|home|place)\b",
            r"\b(?:someone|somebody|people|men|man|guy|they) (?:is |are |)(?:trying to )?"
            r"(?:break|breaking|broke|kicking) (?:in|into|down (?:my|the) door)\b",
        ),
    ),
    (
        "suicide",
        (
            # killing oneself; not "killing myself laughing", "shot myself in the
            # foot", "drowning myself in work"
            r"\b(?:kill|kills|killing|killed|end|ending|ended|top|topping|topped|off|"
            r"offing|offed|hang|hanging|hanged|hung|unalive|unaliving|unalived|gas|gassing|"
            r"drown|drowning|drowned|shoot|shooting|shot|poison|poisoning|suffocate|"
            r"suffocating|strangle|strangling|electrocute|stab|stabbing|smother) myself\b"
            r"(?! (?:laughing|with laughter|in the foot|in (?:drink|booze|alcohol|work|my "
            r"work|sorrows|the gym|paperwork|coffee)|at (?:work|the gym)|off|up|out)\b)",
            # others too; "he's killing himself with drink" is how families describe
            # heavy drinking, so that alone is left to the normal flow
            r"\b(?:kill|kills|killing|killed|end|ending|ended|top|topping|topped|off|"
            r"offing|hang|hanging|hanged|hung|unalive|unaliving|shoot|shooting|shot|"
            r"drown|drowning) (?:himself|herself|themselves|themself)\b"
            r"(?! (?:laughing|in the foot|with (?:the )?(?:drink|booze|alcohol|drinking|"
            r"drugs|gear|work)|slowly|at (?:work|the gym)|off|up|out)\b)",
            r"(?<![0-9] )(?<![0-9])\bkms\b",  # "kill myself"; "5 kms" is a distance
            # suicide, suicidal and misspellings (sucidal, suiside, suicidle); no
            # "-ed"/"-ing" ending, which would take in "succeeded" and "succeeding"
            r"\bs[uo]?[iey]{0,2}[cs]{1,2}[iey]{1,2}d(?:e|es|al|ally|le|el|ial)\b"
            r"(?! (?:squad|mission|missions|bomber|bombers|bombing|doors)\b)",
            r"\bsewer ?slides?\b",
            r"\bunalive",
            r"\bcommit(?:s|ed|ing)? (?:su|sewer)",
            # wanting to die; not "to die for", "want to die sober" (a recovery hope);
            # only emphasis between, so "I don't want my dad to die" passes
            r"\b(?:want|wants|wanted|wanting|wish|wished|wishing|ready|deserve|deserves|"
            r"need|plan|planning|tempted|prefer|like|longing|praying|prayed|pray) <ADV>to "
            r"<ADV>(?:go and |)die\b(?! (?:for|sober|clean|happy|old|of old age|a (?:sober|"
            r"happy|free|clean|good)|in (?:my sleep|recovery|peace) (?:at|when|aged|as)|my "
            r"hair|of (?:embarrassment|boredom|shame|laughter)|laughing)\b)",
            r"\bwant die\b",
            r"\b(?:id|would) (?:rather|sooner) (?:just )?(?:die|be dead)\b(?! than)",
            r"\bwish (?:i|id|i could|that i) <W>?(?:was|were|be|been|had been) "
            r"(?:dead|gone|not here|never born|not born|not alive)\b",
            r"\bwish (?:i|id|that i) (?:could |would |)(?:just )?(?:die|died|disappear|"
            r"not wake up|never wake up|fall asleep and not wake up|sleep forever|stop "
            r"existing|not exist|wasnt (?:alive|here|born)|hadnt been born|was never born|"
            r"didnt exist|wouldnt wake up)\b",
            r"\b(?:want|wish|rather|better|ready) (?:to )?be dead\b",
            r"\bhope (?:i|im) <W>?(?:die|dead|dont wake|never wake|wont wake|dont make it)",
            r"\bi (?:should|ought to|might as well|may as well|will|ill|am going to|"
            r"could|just want to|just wanna) (?:just |go and |go |)die\b"
            r"(?! (?:of|laughing|for|if|when|happy|before|sober|clean)\b)",
            # ending life
            r"\bend(?:ing|ed|s)? (?:it all|my life|my own life|my days|it permanently|"
            r"everything for good|it for good|things for good)\b",
            r"\b(?:want|going|ready|about|plan|planning|planned|thinking about|thinking of|"
            r"decided|decide|try|trying|tempted|just|might|will|ill|could|should|need) "
            r"(?:to )?(?:just )?end (?:it|things|everything|the pain)<ENDCLAUSE>",
            r"\bend (?:the|all the) pain\b",
            r"\b(?:take|taking|took|taken) (?:my|me) (?:own )?life\b(?! (?:back|into|in "
            r"hand|in a|in the|seriously|forward|to|one day|day by day|a day at a time|"
            r"each day|"
            r"again|by the scruff)\b)",  # "taking my life back" is a recovery slogan
            r"\btake my own life\b",
            # not wanting to live; "don't want to be here in Leeds" is about a place
            r"\b(?:dont|doesnt|didnt|never) <ADV>(?:want|wish) (?:to )?(?:be alive|exist|"
            r"be on this earth|be in this world|survive|be living)\b",
            r"\b(?:dont|doesnt|didnt|never) <ADV>(?:want|wish) (?:to )?(?:be here|be around|"
            r"live|wake up|carry on|go on|keep going|continue)<ENDCLAUSE>",
            r"\b(?:dont|doesnt) deserve to (?:live|be alive|be here|exist)\b",
            r"\b(?:shouldnt|should not) (?:be alive|exist|be here <ANYMORE>)\b",
            # can't go on, can't take it any more (warning signs in their own right)
            r"\b(?:cant|couldnt|unable to) (?:go on|carry on|keep going|keep living|"
            r"live|continue)<ENDCLAUSE>",
            r"\b(?:cant|couldnt) (?:live|exist) (?:like this|with (?:this|myself|it))\b",
            r"\bcant (?:take|stand|handle|bear|do|cope with|deal with|face) (?:it|this|this "
            r"life|life|the pain|any of it|this pain|living|everything|it all)? ?"
            r"<ANYMORE>\b(?! <W>?(?:of|off|time|days|shifts|hours|calls|work|drink|drinks|"
            r"booze)\b)",
            r"\bcant cope (?:with (?:life|anything|any of it|it all|living)|<ANYMORE>)\b",
            # hopelessness about living itself; "no point going to meetings" passes
            r"\b(?:no|whats the|what is the|theres no|there is no|dont see the|cant see the|"
            r"see no|not much) point (?:in |of |to )?(?:living|life|going on|carrying on|"
            r"being (?:here|alive|around)|existing|waking up|anything|it all|me being "
            r"(?:here|alive|around)|my life|in life|trying <ANYMORE>|<ANYMORE>|"
            r"staying alive|being on this earth)\b",
            r"\blife (?:isnt|is not|aint|is no longer|s not) worth (?:living|it)\b",
            r"\b(?:my )?life (?:is|s|feels) (?:so |just |completely |)(?:pointless|"
            r"meaningless|not worth (?:living|it))\b",
            r"\b(?:isnt|not|is not|no longer) worth living\b",
            r"\b(?:nothing|nothing left|no one|nobody) to live for\b",
            r"\bno (?:reason|point|reasons) (?:to|for) (?:live|living|go on|carry on|stay "
            r"alive|be alive|be here)\b",
            r"\bbetter off (?:dead|gone|without me|with me gone|with me dead|if im gone|if "
            r"im dead|if i (?:wasnt|werent|was not|were not|was gone|were gone|was dead|"
            r"were dead|died|disappeared|had never been born|never existed|didnt exist|"
            r"was never born|wasnt around|werent around|wasnt here|werent here))\b",
            r"\b(?:no one|nobody) (?:would|will|wd) (?:even )?(?:miss me|care if i "
            r"(?:died|was gone|was dead|disappeared|wasnt here)|notice if i (?:died|was "
            r"gone|disappeared|wasnt here))\b",
            r"\b(?:im|i am|i feel like|feel like|feel like im|i feel like im|just|nothing "
            r"but) (?:such |just |nothing but |always |)(?:a |an )?(?:burden|waste of "
            r"space|waste of oxygen|waste of air)\b",
            # goodbyes and plans
            r"\bthis is goodbye\b(?! to (?:booze|drink|drinking|alcohol|drugs|the drink|"
            r"the bottle|gear|smoking|my old|the old|bad habits|weed|coke|gambling)\b)",
            r"\b(?:this is (?:my goodbye|my last message|my last night|my last "
            r"day)|goodbye (?:forever|cruel world|world)|(?:final|last) goodbye|"
            r"(?:suicide|goodbye|farewell) (?:note|letter|message|video)|by the time "
            r"(?:you|anyone|someone|u) (?:read|reads|see|sees|get|gets) this|last (?:night|"
            r"day) (?:on earth|alive|of my life))\b",
            r"\bthis is the end\b(?! of)",
            r"\b(?:im done|i give up|im finished) <W>{0,2}?(?:goodbye|bye|love you all)\b",
            r"\b(?:tell|let) (?:my|the) (?:kids|children|family|mum|dad|son|daughter|wife|"
            r"husband|partner|boys|girls) (?:know )?(?:that )?i (?:love|loved) (?:them|her|"
            r"him)\b",
            r"\b(?:wont|will not|might not|may not|not going to) be (?:here|around|alive) "
            r"(?:much longer|for much longer|tomorrow|by (?:morning|tomorrow|the weekend)|"
            r"<ANYMORE>|to see)\b",
            r"\bwont be alive\b",
            r"\bnoose\b",
            r"\b(?:bought|buy|buying|got|have|tied|tie|tying|made|making|found|get|getting) "
            r"(?:a |some |the )?rope\b(?! (?:burn|swing))",
            r"\b(?:stockpiling|stockpiled|saving up|saved up|hoarding|hoarded|collecting|"
            r"collected|been saving) (?:my |all my |the |some |up )?<DRUGS>\b",
            r"\b(?:jump|jumping|jumped|throw myself|throwing myself) (?:off|from) "
            r"(?:a |the |that |this )?<W>?(?:bridge|building|roof|cliff|car park|multi "
            r"storey|tower block|tower|balcony|flyover|window|ledge|motorway bridge)\b",
            r"\b(?:jump|jumping|jumped|step|stepping|walk|walking|throw myself|throwing "
            r"myself|lie|lying|lay) (?:in front of|under|onto|on) (?:a |the )?(?:train|"
            r"bus|lorry|car|truck|van|tube|tracks|railway|railway line|train tracks)\b",
            r"\b(?:throw|throwing|threw) (?:myself|himself|herself) (?:off|in front of|"
            r"under|from|into)\b",
            r"\b(?:walk|walking|jump|jumping) (?:into|in) (?:the|a) (?:sea|river|canal|ocean|"
            r"lake|loch|reservoir)\b",
            r"\b(?:slit|slitting|slash|slashing|cut|cutting|open|opening) (?:my|his|her|"
            r"their) (?:wrists?|throat)\b",
            r"\b(?:im|i am|standing|stood|sat|sitting) (?:on|at) (?:the )?(?:edge of (?:a|the)"
            r" (?:bridge|roof|cliff|building|platform)|ledge|wrong side of the (?:bridge|"
            r"railing|barrier)|railway line|train tracks|tracks)\b",
            # thoughts
            r"\b(?:suicidal|dark|bad|intrusive|scary|morbid) (?:thoughts|feelings|ideation|"
            r"urges) (?:about|of) (?:dying|death|ending|killing|not being|suicide)\b",
            r"\bthoughts (?:of|about) (?:dying|death|ending it|killing myself|ending my life|"
            r"not being here|not waking up|taking my life|not existing)\b",
            r"\bthinking (?:about|of) (?:dying|ending it|killing myself|ending my life|death|"
            r"taking my (?:own )?life|not being here|not existing|not waking up)\b",
            r"\b(?:having|got|get|getting|been having|with|these|my|keep having|such) "
            r"(?:really |very |some |such |so many |)dark thoughts\b",
            r"\b(?:want|wish i could|like to|just want|need) (?:to )?(?:just )?disappear\b"
            r"(?! (?:for (?:a|the) (?:bit|while|weekend|day|week|few)|to|into my|on "
            r"holiday|off)\b)",
            r"\bdisappear (?:forever|for good|permanently)\b",
            r"\bhad enough of (?:life|living|it all|being alive|everything|this life|"
            r"existing)\b",
            r"\bcant be bothered (?:living|to live|being alive|existing|with life|"
            r"waking up)\b",
            r"\bwant out of (?:this life|life|this world)\b",
            r"\b(?:no way out|cant see a way out|cant see any way out)\b(?! of the\b)",
            r"\b(?:got|have|getting|get|laid out|lined up) (?:the|my|all my|all the|some) "
            r"<DRUGS> (?:ready|lined up|laid out|counted|out on)\b",
            r"\b(?:going to|want to|about to|gonna|ready to|will|ill) jump<ENDCLAUSE>",
            r"\b(?:ways?|how|best way|easiest way|quickest way|painless way) to (?:die|kill "
            r"(?:yourself|myself|oneself|urself|your self)|end (?:it|my life|your life)|"
            r"commit su)",
            r"\b(?:lethal|fatal|deadly) (?:dose|amount|overdose)\b",
            r"\bhow (?:many|much) <W>{0,3}?(?:to die|to kill|would kill|will kill|does it "
            r"take to (?:die|kill)|kills you|is lethal|is fatal|is a lethal)",
            r"\b(?:feel|feeling) like ending (?:it|things|everything|my life|it all)\b",
            r"\b(?:thinking about|thinking of|considering|contemplating) ending (?:it|things|"
            r"everything)<ENDCLAUSE>",
            r"\bbetter (?:off )?without me\b",
            r"\b(?:happier|better|easier) (?:off )?if i (?:was gone|were gone|died|was dead|"
            r"wasnt here|wasnt around|disappeared|wasnt alive)\b",
            r"\b(?:want|going|trying|try|plan|planning|gonna|ready|will|ill|im) (?:to )?"
            r"(?:drink|drinking|use|using) myself to death\b",
            r"\bg(?:ive|iving|ave|iven) up on (?:life|living)\b",
            r"\b(?:done|finished) with (?:life|living|being alive|this life|it all|this "
            r"world)\b",
            r"\b(?:tired|sick|exhausted|weary) (?:and tired )?of (?:living|life|being alive|"
            r"existing|waking up|breathing)\b",
            r"\b(?:sleep|asleep) (?:forever|and (?:never|not) (?:wake|waking) up)\b",
            r"\bwant (?:it|it all|this|everything|all of (?:it|this)|my life|the pain|life) "
            r"(?:all )?to (?:end|stop|be over)\b",
            # "I'm going to die tonight": a plan, a panic or a withdrawal emergency
            r"\b(?:im|i am|hes|shes|theyre|i think im|i think i am|i feel im) going to die\b"
            r"(?! (?:of (?:boredom|embarrassment|shame|laughter)|laughing|for|when|if)\b)",
        ),
    ),
    (
        "self_harm",
        (
            # hurting oneself; not "cut myself off", "cut myself some slack",
            # "hurt myself at the gym" or "burnt myself cooking"
            r"\b(?:cut|cuts|cutting|slice|slicing|burn|burnt|burned|burning|hurt|hurts|"
            r"hurting|harm|harms|harming|hit|hitting|punch|punching|bite|biting|starve|"
            r"starving|scald|scalding|bash|bashing|injure|injuring|mutilate|mutilating) "
            r"<SELF>\b(?! (?:off|out|some slack|slack|a break|free|loose|short|shaving|on "
            r"the|by accident|accidentally|at the gym|at work|at football|playing|in the "
            r"gym|cooking|lifting|training|doing|running|working out|falling|up|down|back "
            r"in|a piece|a slice|in the kitchen|on the oven|on the iron|ironing|of sleep)\b)",
            r"\bcut (?:too|to|really|very|so|way too) deep\b",
            r"\bself ?(?:harm|harming|harmed|injury|injure|injuring|mutilation|mutilating)\b",
            # "started cutting again", but not "started cutting down"
            r"\b(?:been|started|start|keep|kept|back to|went back to|gone back to|relapsed "
            r"(?:on|into|with)|urges? to|want to|thinking about|feel like|going to|stop|"
            r"stopped) (?:<W>)?(?:cutting|cut|harming|burning)(?=$| again| (?:my|me) "
            r"(?:arms?|legs?|wrists?|thighs?|skin|stomach|body)| (?:and|but|i|im|its|"
            r"because|when|tonight|right now|now|badly|deep|deeper|myself)\b)",
            r"\b(?:cut|cuts|cutting|slash|slashing|burn|burning|carve|carving) (?:up )?"
            r"(?:my|his|her|their) (?:arms?|legs?|thighs?|skin|stomach|body)\b",
            r"\b(?:fresh |new |deep |bleeding )?cuts (?:on|all over) (?:my|his|her|their) "
            r"(?:arms?|legs?|wrists?|thighs?|body)\b",
        ),
    ),
)


def _compile(src: str) -> re.Pattern[str]:
    for name, body in _MACROS.items():
        src = src.replace(name, body)
    return re.compile(_squash_pattern(src))


# Speed: searching ~170 patterns in turn costs about half a millisecond on a short
# message. Each pattern therefore gets "needles", strings of which every match must
# contain at least one, read off the parsed pattern at import; a pattern runs only
# when one of its needles is in the text (a plain substring test). The needles are
# a necessary condition derived from the regex itself, so they never change a
# result (tests/test_crisis.py checks this); when in doubt a pattern gets None and
# always runs.
try:  # private modules of the stdlib: without them every pattern simply runs
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None  # type: ignore[assignment]

Needles = frozenset[str] | None


def _better(a: Needles, b: Needles) -> Needles:
    """The more selective of two needle sets: longest shortest needle, then fewest."""
    if not b:
        return a
    if not a:
        return b
    return b if (min(map(len, b)), -len(b)) > (min(map(len, a)), -len(a)) else a


def _needles_of(items: list) -> Needles:  # items: parsed regex (op, argument) pairs
    best: Needles = None
    run: list[str] = []

    def flush() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width: the characters either side are adjacent
        elif op is _sre.SUBPATTERN:
            flush()
            best = _better(best, _needles_of(av[-1].data))
        else:
            flush()
            if op is _sre.BRANCH:
                options = [_needles_of(branch.data) for branch in av[1]]
                if all(options):
                    best = _better(best, frozenset().union(*options))  # type: ignore[arg-type]
            elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
                if av[0] >= 1:
                    best = _better(best, _needles_of(av[2].data))
            elif op is _sre.ATOMIC_GROUP:
                best = _better(best, _needles_of(av.data))
    flush()
    return best


def _needles(pattern: re.Pattern[str]) -> Needles:
    if _sre_parse is None or pattern.flags & re.IGNORECASE:  # pragma: no cover
        return None  # (lowercase needles would miss text matched case-blind)
    try:
        return _needles_of(_sre_parse.parse(pattern.pattern).data)
    except Exception:  # pragma: no cover - an optimisation must never break the check
        return None


_Rule = tuple[re.Pattern[str], Needles]
_COMPILED: tuple[tuple[str, tuple[_Rule, ...]], ...] = tuple(
    (category, tuple((rx, _needles(rx)) for rx in map(_compile, patterns)))
    for category, patterns in _RULES
)
assert tuple(c for c, _ in _COMPILED) == CATEGORIES


_ALL_NEEDLES: frozenset[str] = frozenset().union(
    *(needles for _, rules in _COMPILED for _, needles in rules if needles)
)


def _match(norm: str, *, use_needles: bool = True) -> str | None:
    present = {n for n in _ALL_NEEDLES if n in norm} if use_needles else set()
    for category, rules in _COMPILED:
        for rx, needles in rules:
            if use_needles and needles is not None and present.isdisjoint(needles):
                continue
            if rx.search(norm):
                return category
    return None


def detect_crisis(text: str) -> CrisisSignal | None:
    """Return the danger signal in `text`, or None for an ordinary message.

    Never raises on any str and never logs the text. Work is bounded: see
    MAX_SCAN_CHARS in the module docstring for what is scanned in a huge text.
    """
    if not isinstance(text, str) or not text:
        return None
    category = _match(_normalise(text))
    return None if category is None else CrisisSignal(category)
