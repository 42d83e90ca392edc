"""The needs taxonomy: codes, labels, and the everyday words people use for them.

Codes are short and stable (they travel in button payloads, so they must never carry
anything more personal than "alcohol"). A child need (cocaine) also counts as its parent
(drugs) when matching listings. Everyday words and slang come from the language of UK
services (FRANK's drug names, talktofrank.com) and peer groups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from directory import needs_cy


@dataclass(frozen=True, slots=True)
class Need:
    code: str
    label: str
    parent: str | None = None
    words: tuple[str, ...] = ()


NEEDS: tuple[Need, ...] = (
    Need("alcohol", "Alcohol", None, (
        "alcohol", "drink", "drinking", "drinker", "booze", "boozing", "alcoholic",
        "alcoholism", "beer", "lager", "wine", "vodka", "cider", "spirits", "whisky",
        "pints", "pint", "sober", "sobriety", "hungover", "hangover", "aa", "drunk",
    )),
    Need("drugs", "Drugs", None, (
        "drugs", "drug", "using", "substance", "substances", "addiction", "addicted",
        "narcotics", "na", "clean", "pills", "gear", "high", "chemsex", "legal highs",
        "spice", "mdma", "ecstasy", "amphetamine", "speed", "meth", "methadone",
        "prescription", "painkillers", "tramadol", "codeine", "pregabalin", "gabapentin",
    )),
    Need("cannabis", "Cannabis", "drugs", (
        "cannabis", "weed", "skunk", "marijuana", "hash", "spliff", "smoking weed", "ganja",
        "pot",
    )),
    Need("cocaine", "Cocaine", "drugs", ("cocaine", "coke", "charlie", "ca", "powder", "sniff")),
    Need("crack", "Crack cocaine", "drugs", ("crack", "rock", "rocks", "freebase")),
    Need("opioids", "Heroin and opioids", "drugs", (
        "heroin", "opioids", "opiates", "opioid", "opiate", "smack", "brown", "fentanyl",
        "oxycodone", "morphine", "bupe", "buprenorphine", "subutex",
    )),
    Need("benzodiazepines", "Benzodiazepines", "drugs", (
        "benzodiazepines", "benzos", "benzo", "diazepam", "valium", "xanax", "etizolam",
    )),
    Need("ketamine", "Ketamine", "drugs", ("ketamine", "ket", "k", "special k")),
    Need("gambling", "Gambling", None, (
        "gambling", "gamble", "gambler", "betting", "bet", "bets", "bookies", "casino",
        "slots", "fruit machines", "scratchcards", "online betting", "poker", "ga",
    )),
    Need("family", "Family and friends", None, (
        "family", "families", "friends", "partner", "husband", "wife", "son", "daughter",
        "mum", "dad", "mother", "father", "brother", "sister", "parent", "parents",
        "child", "children", "kids", "loved one", "al-anon", "alanon", "nar-anon",
        "affected", "carer", "boyfriend", "girlfriend",
    )),
    Need("mental_health", "Mental health and wellbeing", None, (
        "mental health", "wellbeing", "anxiety", "depression", "depressed", "stress",
        "lonely", "loneliness", "isolated", "panic", "ptsd", "trauma", "low mood",
        "struggling", "grief",
    )),
    Need("housing", "Housing", None, (
        "housing", "homeless", "homelessness", "sofa surfing", "hostel", "evicted",
        "eviction", "accommodation", "rough sleeping", "nowhere to live",
    )),
    Need("work", "Work, training and volunteering", None, (
        "work", "job", "jobs", "employment", "training", "volunteering", "volunteer",
        "education", "college", "skills", "cv",
    )),
    Need("criminal_justice", "Criminal justice", None, (
        "prison", "probation", "court", "offending", "released", "jail", "criminal",
        "police", "custody", "ex-offender",
    )),
    Need("smoking", "Smoking and vaping", None, (
        "smoking", "cigarettes", "vaping", "vape", "nicotine", "tobacco",
    )),
    Need("eating", "Food and eating", None, ("eating", "food", "binge eating", "overeating")),
    Need("sex_love", "Sex and love addiction", None, ("sex addiction", "porn", "pornography")),
    Need("recovery_community", "Recovery community", None, (
        "recovery", "peer support", "recovery cafe", "recovery café", "lero", "community",
        "social", "activities", "lived experience", "mutual aid",
    )),
)

BY_CODE: dict[str, Need] = {n.code: n for n in NEEDS}
NEED_CODES: frozenset[str] = frozenset(BY_CODE)


@dataclass(frozen=True, slots=True)
class LanguageWords:
    """One language's everyday words for the needs. Adding a language is adding one of
    these (a table, see directory/needs_cy.py) to LANGUAGES: the matching is shared."""

    words: Mapping[str, tuple[str, ...]]  # need code -> words and phrases
    # Too ambiguous on their own in a sentence; they count only as the whole message.
    weak: frozenset[str]
    # "my son", "fy mab": a possessive then a relative means the asker is family.
    possessives: tuple[str, ...]
    relatives: tuple[str, ...]
    after_noun_possessives: tuple[str, ...] = ()  # "mab fi": the relative comes first
    # With a relative named, what they take: "my son's using" is drugs too.
    using: tuple[str, ...] = ()
    drinking: tuple[str, ...] = ()
    clitics: tuple[str, ...] = ()  # endings stripped from a word: "son's", "fi'n"
    # Correct slips towards this language's words ("alchohol")? Off for Welsh: its words
    # sit one slip from everyday words of both languages ("meddwl", to think, from
    # "meddw", drunk; "certain" from "cetamin"), so its mutated forms are listed instead.
    fuzzy: bool = True


ENGLISH = LanguageWords(
    words={n.code: n.words for n in NEEDS},
    # "I'm using the bus", "clean kitchen", "my dad" on its own is not yet a need.
    weak=frozenset({
        "using", "clean", "high", "work", "rock", "rocks", "brown", "k", "pot", "powder",
        "community", "social", "activities", "bet", "pints", "pint", "speed", "gear",
        "pills", "food", "sober", "friends", "affected", "struggling", "released", "police",
        "court", "skills", "stress", "dad", "mum", "son", "daughter", "partner", "husband",
        "wife", "kids", "child", "children", "brother", "sister", "mother", "father",
        "boyfriend", "girlfriend", "parent", "parents", "family", "na", "ca", "ga", "aa",
    }),
    possessives=("my", "our", "his", "her"),
    relatives=("son", "daughter", "husband", "wife", "partner", "mum", "mom", "dad",
               "brother", "sister", "friend", "boyfriend", "girlfriend", "child", "kid",
               "kids", "children", "parent", "parents", "mother", "father"),
    using=("using", "on drugs", "taking"),
    drinking=("drinking", "drinks", "drunk"),
    clitics=("'s",),
)

LANGUAGES: dict[str, LanguageWords] = {
    "en": ENGLISH,
    "cy": LanguageWords(
        words=needs_cy.WORDS, weak=needs_cy.WEAK, possessives=needs_cy.POSSESSIVES,
        relatives=needs_cy.RELATIVES, after_noun_possessives=needs_cy.AFTER_NOUN_POSSESSIVES,
        using=needs_cy.USING, drinking=needs_cy.DRINKING,
        # Welsh joins "yn", "yr", "ei" to the word before: "dw i'n", "mab fi'n yfed".
        clitics=("'n", "'r", "'i", "'u", "'w", "'m", "'th", "'ch"),
        fuzzy=False,
    ),
}

# Accented letters to their plain letter, one for one (so spans still point into the
# text): Welsh writes "gŵr", "tŷ", "cocên", and people as often type "gwr", "ty", "cocen".
_FOLD = str.maketrans({
    chr(c): base for c in range(0xC0, 0x250)
    if len(base := "".join(ch for ch in unicodedata.normalize("NFKD", chr(c))
                           if not unicodedata.combining(ch))) == 1 and base.isascii()
    and base.isalpha()
})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(_fold(w)) for w in sorted(set(words), key=len, reverse=True))


_TOKEN = re.compile(r"[a-z][a-z'\-]*")

# Single words are matched exactly or fuzzily; phrases exactly. Very short words (k, na,
# ca, aa, ga) only match exactly, and never fuzzily, or "a" would mean ketamine.
_WORDS: dict[str, str] = {}
_PHRASES: dict[str, str] = {}
_OWN_NAMES: set[str] = set()  # codes and labels ("gambling") are fuzzy targets too
for _need in NEEDS:
    for _w in (_need.code.replace("_", " "), _need.label.lower()):
        (_PHRASES if " " in _w else _WORDS).setdefault(_fold(_w), _need.code)
        _OWN_NAMES.add(_fold(_w))
for _lang in LANGUAGES.values():
    for _code, _ws in _lang.words.items():
        assert _code in BY_CODE, f"needs word table: unknown need code {_code!r}"
        for _w in _ws:
            _w = _fold(_w.casefold())
            (_PHRASES if " " in _w else _WORDS).setdefault(_w, _code)
_FUZZY_WORDS = sorted({_fold(w.casefold()) for lang in LANGUAGES.values() if lang.fuzzy
                       for ws in lang.words.values() for w in ws
                       if " " not in w and len(w) >= 5}
                      | {w for w in _WORDS if len(w) >= 5 and w in _OWN_NAMES})
# All phrases in one pattern, longest first so "binge eating" wins over "eating".
_PHRASE_RX = re.compile(r"\b(?:" + _alternation(_PHRASES) + r")\b")
# A word weak in one language but a plain need word in another ("cv") stays strong.
_STRONG = {_fold(w.casefold()) for lang in LANGUAGES.values() for ws in lang.words.values()
           for w in ws if w not in lang.weak}
_WEAK = frozenset(_fold(w) for lang in LANGUAGES.values() for w in lang.weak) - _STRONG
_CLITICS = tuple(sorted({c for lang in LANGUAGES.values() for c in lang.clitics},
                        key=len, reverse=True))


def _someone_else(lang: LanguageWords) -> str:
    rx = (rf"\b(?:{_alternation(lang.possessives)})\s+(?:{_alternation(lang.relatives)})"
          r"(?:'?s)?\b")
    if lang.after_noun_possessives:
        rx += (rf"|\b(?:{_alternation(lang.relatives)})\s+"
               rf"(?:{_alternation(lang.after_noun_possessives)})\b")
    return rx


# Words people use to show they ask for someone else; they add "family" to the needs.
_SOMEONE_ELSE = re.compile("|".join(_someone_else(lang) for lang in LANGUAGES.values()))
_USING = re.compile(
    rf"\b(?:{_alternation(w for lang in LANGUAGES.values() for w in lang.using)})\b")
_DRINKING = re.compile(
    rf"\b(?:{_alternation(w for lang in LANGUAGES.values() for w in lang.drinking)})\b")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    return text


def expand(codes: set[str] | frozenset[str]) -> frozenset[str]:
    """Codes plus their parents: a cocaine need is also a drugs need."""
    out = set(codes)
    for code in codes:
        need = BY_CODE.get(code)
        while need and need.parent:
            out.add(need.parent)
            need = BY_CODE.get(need.parent)
    return frozenset(out)


def understand(text: str, limit: int = 500) -> tuple[frozenset[str], list[tuple[int, int]]]:
    """The need codes mentioned in everyday words, and the character spans that said them
    (so a caller can look for a place in what is left). Work is capped at `limit`
    characters: nobody describes their needs in a novel."""
    text = _fold(normalise(text[:limit]))
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for m in _PHRASE_RX.finditer(text):
        found.add(_PHRASES[m.group()])
        spans.append(m.span())
    tokens = list(_TOKEN.finditer(text))
    only_one = len(tokens) == 1
    for m in tokens:
        word = m.group().strip("'-")
        for clitic in _CLITICS:
            if word.endswith(clitic):
                word = word[: -len(clitic)]
                break
        code = _WORDS.get(word)
        if code is None and len(word) >= 5:
            hit = process.extractOne(word, _FUZZY_WORDS, scorer=fuzz.ratio, score_cutoff=84)
            if hit:
                code = _WORDS[hit[0]]
                word = hit[0]
        if code is None or (word in _WEAK and not only_one):
            continue
        found.add(code)
        spans.append(m.span())
    if _SOMEONE_ELSE.search(text):
        found.add("family")
    # "my son's using" means drugs for the son and family support for the asker.
    if "family" in found and _USING.search(text):
        found.add("drugs")
    if "family" in found and _DRINKING.search(text):
        found.add("alcohol")
    return frozenset(found), spans


def label(code: str) -> str:
    need = BY_CODE.get(code)
    return need.label if need else code
