"""The crisis check's canonical text: what every rule is written against.

`normalise` turns a message into lowercase ASCII words separated by single spaces: no
apostrophes, letter runs squashed to one letter ("killlll" and "kil" both read "kil"),
text-speak and contractions spelt out one way ("wanna" -> "want to", "i am" -> "im"),
look-alike letters, invisible characters and accents removed, and a one-letter typo in
a few danger words fixed. Welsh circumflexes go too ("ŵ" -> "w"), so Welsh rules are
written without them. `sentences` splits a message where its writer ended a sentence,
so context such as "years ago" is judged in the sentence it belongs to.

Input size: Telegram allows 4,096 characters and Discord 2,000 (REFERENCE.md), so real
messages are read whole. Anything longer than `MAX_SCAN_CHARS` (100,000) is read as its
first and last `MAX_SCAN_CHARS // 2` characters: bounded work on a pasted novel, and a
danger phrase typed at the very start or end is still seen.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SCAN_CHARS = 100_000

# Letters repeated for emphasis ("diiiie", "killlll") and doubled letters dropped by
# typos ("kil") become one spelling: every run of a letter is squashed to one letter,
# in the text and (at compile time) in the patterns. Three words keep their double
# letter because squashing would merge them with another word that matters: "too"
# ("done to many people" is not "took too many"), "off" ("proud of myself" is not
# "off myself") and "odd" ("an odd feeling" is not "an OD").
_SQUASH = re.compile(r"\b(?:too|off|odd)\b|([a-z])\1+")


def squash(s: str) -> str:
    return _SQUASH.sub(lambda m: m.group(1) or m.group(0), s)


def squash_pattern(src: str) -> str:
    # The same squash for regex source, word by word; a letter right after a
    # backslash is an escape ("\bb" must stay "\b" + "b").
    return re.sub(r"(?<!\\)[a-z]+", lambda m: squash(m.group(0)), src)


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
_OD_HINT = re.compile(r"\bo\.?d")
# Digits and symbols standing for letters inside a word ("k1ll", "d!e", "$uicide"):
# only between two letters (or "$" starting a word), so "took 10 pills" keeps its
# number.
_LEET = re.compile(r"(?<=[a-z])[0134578@$!|](?=[a-z])|(?<![a-z0-9])\$(?=[a-z])")
_LEET_CHARS = frozenset("0134578@$!|")
_DOT_CHARS = frozenset(".-_*'")
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
_WELSH_CLITIC = re.compile(r"(?<=[a-z])'([rn])\b")

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
    "gna": "going to", "gona": "going to", "gnna": "going to", "nemore": "anymore",
    "ne1": "anyone", "sum1": "someone", "evry1": "everyone", "cus": "because",
    "bcos": "because", "becuz": "because", "nd": "and", "agen": "again", "agin": "again",
    "2night": "tonight", "2nyt": "tonight", "tnite": "tonight", "tonyt": "tonight",
    "nite": "night", "nyt": "night", "wen": "when", "kno": "know", "knw": "know",
    "dunno": "dont know", "cba": "cant be bothered", "evrything": "everything",
    "evryone": "everyone", "sumthing": "something", "nuthin": "nothing",
    "mysen": "myself", "masen": "myself", "missen": "myself", "mesel": "myself",
    "hisself": "himself", "theirselves": "themselves", "tabs": "tablets",
    "pils": "pills", "wiz": "with", "luv": "love", "bk": "back", "thru": "through",
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
    "hitting me up": "messaging me", "ne more": "anymore", "any more": "anymore",
}  # fmt: skip


_WORDS_MAP = {squash(k): squash(v) for k, v in _WORDS.items()}
_PHRASES_MAP = {tuple(squash(k).split()): squash(v) for k, v in _PHRASES.items()}
_PHRASE_LENGTHS = sorted({len(k) for k in _PHRASES_MAP}, reverse=True)
_PHRASE_FIRST = frozenset(k[0] for k in _PHRASES_MAP)

# Typo tolerance for the few words that are danger signals on their own: a token one
# edit (insert, delete, substitute or swap of neighbours) away from one of these is
# read as it. Real words that close are listed so they are never "corrected".
_FUZZY_TARGETS = tuple(
    squash(w)
    for w in (
        "suicide suicidal overdose overdosed overdosing seizure seizures "
        "unconscious unresponsive myself naloxone"
    ).split()
)
_FUZZY_KEEP = frozenset(
    squash(w) for w in "overdo overdoes overdone overdoing oversee leisure seizer".split()
)


def _typo_table() -> dict[str, str]:
    """Every token one edit away from a fuzzy target (same first letter), to the first
    such target: built once, so reading a word is one dictionary look-up."""
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    table: dict[str, str] = {}
    for target in _FUZZY_TARGETS:
        n = len(target)
        variants = {target[:i] + target[i + 1:] for i in range(n)}
        variants |= {target[:i] + c + target[i:] for i in range(n + 1) for c in letters}
        variants |= {target[:i] + c + target[i + 1:] for i in range(n) for c in letters}
        variants |= {target[:i] + target[i + 1] + target[i] + target[i + 2:]
                     for i in range(n - 1)}
        for v in variants:  # all one edit away by construction, but for the target itself
            if v and v != target and v[0] == target[0] and v not in table:
                table[v] = target
    for word in (*_FUZZY_KEEP, *_FUZZY_TARGETS):
        table.pop(word, None)
    return table


# One look-up per word: spelt out ("wanna" -> "want to") first, else a typo fixed.
_CANON: dict[str, str] = {**_typo_table(), **_WORDS_MAP}


def _canon_words(text: str) -> str:
    canon = _CANON
    words = [canon.get(w, w) for w in text.split()]
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


def normalise(text: str) -> str:
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
    if _OD_HINT.search(text):
        text = _OD_PAST.sub(" overdosed ", text)
        text = _OD_ING.sub(" overdosing ", text)
        text = _OD_DOTTED.sub("od", text)
    if "'" in text:
        # Welsh "'r" (yr, the) and "'n" (yn) are words of their own: "i'r", "mae'n" ->
        # "i yr", "mae yn"; English has no word ending in these
        text = _WELSH_CLITIC.sub(lambda m: " yr" if m.group(1) == "r" else " yn", text)
        text = text.replace("'", "")
    # (each step only when its characters are there: most messages have none)
    if not _LEET_CHARS.isdisjoint(text):
        text = _LEET.sub(lambda m: _LEET_MAP[m.group(0)], text)
    if not _DOT_CHARS.isdisjoint(text):
        text = _DOTTED_LETTERS.sub(lambda m: re.sub(r"[^a-z]", "", m.group(0)), text)
    text = _NON_WORD.sub(" ", text)
    text = _SPACED_LETTERS.sub(_join_spaced, text)
    return _canon_words(squash(text))




# Where a writer ended a sentence (. ! ? ; or a line break, then a space or the end;
# "k.i.l.l" and "o.d." have no space after the dot, so they stay whole), and where a
# clause ends inside one: a comma, a colon, a dash, or a joining word.
_SENTENCE_END = re.compile(r"[.!?;]+(?:\s+|$)|\s*\n\s*")
_CLAUSE_END = re.compile(r"[,:()]+|\s[-\u2013\u2014]+\s")
_JOINING = re.compile(r" (?=(?:but|and|though|although|whereas|now|today|nowadays|these days|"
                      r"since then|ond|ac|nawr|rwan|heddiw|erbyn hyn) )")


# Sentinel words that mark where a sentence or a clause ended, put in before normalising
# (which would otherwise drop the punctuation) so the whole message is normalised once.
_SENTENCE_MARK, _CLAUSE_MARK = " 0zs0 ", " 0zq0 "


def clauses(text: str) -> list[tuple[int, str]]:
    """The message's clauses, normalised, each with the number of its sentence."""
    text = _SENTENCE_END.sub(_SENTENCE_MARK, _clip(text))
    text = _CLAUSE_END.sub(_CLAUSE_MARK, text)
    out = []
    for n, sentence in enumerate(normalise(text).split(_SENTENCE_MARK.strip())):
        for part in sentence.split(_CLAUSE_MARK.strip()):
            part = part.strip()
            if part:
                out += [(n, c) for c in _JOINING.split(part)]
    return out
