"""Every language's words for typed values, besides English (whose words stay in the
regular expressions of directory/fields.py and directory/filters.py, unchanged).

A language is a table (directory/value_words_cy.py); adding one is a module like it and one
line in LANGUAGES. The parsers try English first, as before, then each language here, so
an English answer is read exactly as it always was and a Welsh one ("ail a dydd Sadwrn
olaf y mis", "7yh tan 9yh", "menywod yn unig") is read too, whatever language the
conversation is in (people mix: a Welsh speaker may type "2nd Saturday").

`phrase(...)` turns a table's plain words into a pattern: accents optional ("hŷn" or
"hyn"), an apostrophe optional ("bore 'ma"), a space also a hyphen, whole words only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType

from directory import value_words_cy

# One accented letter to its plain letter ("ŵ" -> "w"), one for one, so spans found in
# folded text point into the text as typed.
FOLD = str.maketrans({
    chr(c): base for c in range(0xC0, 0x250)
    if len(base := "".join(ch for ch in unicodedata.normalize("NFKD", chr(c))
                           if not unicodedata.combining(ch))) == 1 and base.isascii()
    and base.isalpha()
})
_ACCENTED: dict[str, str] = {}
for _c in range(0xC0, 0x250):
    _base = chr(_c).translate(FOLD)
    if _base != chr(_c) and chr(_c).islower():
        _ACCENTED[_base] = _ACCENTED.get(_base, "") + chr(_c)


def fold(text: str) -> str:
    """Lower case, accents off, curly apostrophes straight: how words are compared."""
    return text.casefold().translate(FOLD).replace("\u2019", "'").replace("\u2018", "'")


def phrase(words: Iterable[str]) -> str:
    """One alternation of whole words or phrases, longest first, for `re.IGNORECASE`."""
    parts = []
    for w in sorted({fold(w) for w in words if w.strip()}, key=len, reverse=True):
        out = []
        for ch in w:
            if ch == "'":
                out.append("['\u2019\u2018]?")
            elif ch in " -":
                out.append(r"[\s-]+" if ch == " " else r"[\s-]?")
            elif ch in _ACCENTED:
                out.append(f"[{ch}{_ACCENTED[ch]}]")
            else:
                out.append(re.escape(ch))
        parts.append("".join(out))
    return r"(?<![\w'])(?:" + "|".join(parts) + r")(?!\w)" if parts else r"(?!x)x"


def compiled(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(phrase(words), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ValueWords:
    """One language's words for typed values; see directory/value_words_cy.py for what
    each means and an example of every one."""

    days: Mapping[int, tuple[str, ...]]
    day_prefixes: tuple[str, ...]
    ordinals: Mapping[str, int]
    fortnightly: tuple[str, ...]
    appointment: tuple[str, ...]
    always_open: tuple[str, ...]
    am: tuple[str, ...]
    pm: tuple[str, ...]
    time_range: tuple[str, ...]
    time_from: tuple[str, ...]
    time_and: tuple[str, ...]
    clear: tuple[str, ...]
    audience: Mapping[str, tuple[str, ...]]
    access: Mapping[str, tuple[str, ...]]
    languages: Mapping[str, tuple[str, ...]]
    filler: tuple[str, ...]
    negation: tuple[str, ...]
    examples: Mapping[str, str]
    ask: tuple[str, ...]
    parts: Mapping[str, tuple[str, ...]]
    now: tuple[str, ...]
    soon: tuple[str, ...]
    today: tuple[str, ...]
    tonight: tuple[str, ...]
    tomorrow: tuple[str, ...]
    weekend: tuple[str, ...]
    this: Mapping[str, tuple[str, ...]]
    after: tuple[str, ...]
    before: tuple[str, ...]
    not_before_day: tuple[str, ...]
    not_after_day: tuple[str, ...]
    counted: tuple[str, ...]
    in_: tuple[str, ...]
    units: Mapping[str, tuple[str, ...]]
    day_offsets: Mapping[str, int]
    at: tuple[str, ...]
    miles: tuple[str, ...]
    kilometres: tuple[str, ...]
    radius_leads: tuple[str, ...]
    topics: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_module(cls, module: ModuleType) -> ValueWords:
        """A language module's tables, by the upper-case name of each field."""
        return cls(**{name: getattr(module, name.rstrip("_").upper())
                      for name in cls.__dataclass_fields__})


LANGUAGES: dict[str, ValueWords] = {
    "cy": ValueWords.from_module(value_words_cy),
}
