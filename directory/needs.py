"""The needs taxonomy: codes, labels, and the everyday words people use for them.

Codes are short and stable (they travel in button payloads, so they must never carry
anything more personal than "alcohol"). A child need (cocaine) also counts as its parent
(drugs) when matching listings. Everyday words and slang come from the language of UK
services (FRANK's drug names, talktofrank.com) and peer groups.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process


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

# Words people use to show they ask for someone else; they add "family" to the needs.
_SOMEONE_ELSE = re.compile(
    r"\b(my|our|his|her)\s+(son|daughter|husband|wife|partner|mum|mom|dad|brother|sister|"
    r"friend|boyfriend|girlfriend|child|kid|kids|children|parent|parents|mother|father)"
    r"('?s)?\b"
)
_TOKEN = re.compile(r"[a-z][a-z'\-]*")

# Single words are matched exactly or fuzzily; phrases exactly. Very short words (k, na,
# ca, aa, ga) only match exactly, and never fuzzily, or "a" would mean ketamine.
_WORDS: dict[str, str] = {}
_PHRASES: dict[str, str] = {}
for _need in NEEDS:
    for _w in (_need.code.replace("_", " "), _need.label.lower(), *_need.words):
        (_PHRASES if " " in _w else _WORDS).setdefault(_w, _need.code)
_FUZZY_WORDS = [w for w in _WORDS if len(w) >= 5]
# All phrases in one pattern, longest first so "binge eating" wins over "eating".
_PHRASE_RX = re.compile(r"\b(?:" + "|".join(
    re.escape(p) for p in sorted(_PHRASES, key=len, reverse=True)) + r")\b")
# Too ambiguous on their own in a sentence ("I'm using the bus", "clean kitchen"); they
# count only when the whole message is that word (a tap-like answer).
_WEAK = frozenset({
    "using", "clean", "high", "work", "rock", "rocks", "brown", "k", "pot", "powder",
    "community", "social", "activities", "bet", "pints", "pint", "speed", "gear",
    "pills", "food", "sober", "friends", "affected", "struggling", "released", "police",
    "court", "skills", "stress", "dad", "mum", "son", "daughter", "partner", "husband",
    "wife", "kids", "child", "children", "brother", "sister", "mother", "father",
    "boyfriend", "girlfriend", "parent", "parents", "family", "na", "ca", "ga", "aa",
})


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
    text = normalise(text[:limit])
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for m in _PHRASE_RX.finditer(text):
        found.add(_PHRASES[m.group()])
        spans.append(m.span())
    tokens = list(_TOKEN.finditer(text))
    only_one = len(tokens) == 1
    for m in tokens:
        word = m.group().strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
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
    if "family" in found and re.search(r"\b(using|on drugs|taking)\b", text):
        found.add("drugs")
    if "family" in found and re.search(r"\b(drinking|drinks|drunk)\b", text):
        found.add("alcohol")
    return frozenset(found), spans


def label(code: str) -> str:
    need = BY_CODE.get(code)
    return need.label if need else code
