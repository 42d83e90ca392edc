"""Needles: strings of which every match of a regular expression must contain one.

Speed: searching ~500 patterns in turn costs milliseconds on a short message. Each
pattern (rule or context marker) therefore gets "needles", read off the parsed pattern;
a pattern runs only when one of its needles is in the text. The needles are a necessary
condition derived from the regex itself, so they never change a result
(tests/test_crisis.py checks this); when in doubt a pattern gets None and always runs.

Start-up: parsing and compiling every pattern took a quarter of a second at import, in
every process (issue 13). So the needles ship in needle_table.py, keyed by a digest of
each pattern's final source (a pattern that changed is simply read again at import;
scripts/build_crisis_needles.py rewrites the table, and tests/test_startup.py says when
it is due), and `Compiled` compiles a pattern the first time a message can match it: a
few patterns on a first message, a few milliseconds.

`Index` finds the needles in a text in one pass: every needle in one regular expression
shaped as a trie, tried at every position (a look-ahead, so needles may overlap), gives
the longest needle starting there, and the needles that are prefixes of it come along.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

try:  # private modules of the stdlib: without them every pattern simply runs
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None  # type: ignore[assignment]

Needles = frozenset[str] | None


# Words in nearly every message: as needles they would let a rule run on everything.
_COMMON = frozenset(
    "the to and my me in is im for of on it a i you he she they we at do od so be as "
    "r y s o an or if no not but".split()
)


def _selectivity(needle: str) -> int:
    word = needle.strip()
    if not word:
        return -1  # a space is in every message
    return 0 if word in _COMMON else len(needle)


def _better(a: Needles, b: Needles) -> Needles:
    """The more selective of two needle sets: longest shortest needle (common words
    count as none), then fewest."""
    if not b:
        return a
    if not a:
        return b

    def score(n: frozenset[str]) -> tuple[int, int]:
        return min(map(_selectivity, n)), -len(n)
    return b if score(b) > score(a) else a


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


def needles(pattern: re.Pattern[str] | str) -> Needles:
    """The needles of `pattern` (compiled, or its source), or None if it must always
    run."""
    if _sre_parse is None:  # pragma: no cover
        return None
    try:
        parsed = _sre_parse.parse(pattern if isinstance(pattern, str) else pattern.pattern)
        flags = parsed.state.flags | (0 if isinstance(pattern, str) else pattern.flags)
        if flags & re.IGNORECASE:
            return None  # (lowercase needles would miss text matched case-blind)
        return _needles_of(parsed.data)
    except Exception:  # pragma: no cover - an optimisation must never break the check
        return None


def digest(source: str) -> str:
    """The key of a pattern's source in the shipped table."""
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def shipped() -> dict[str, tuple[str, ...] | None]:
    """The shipped needles (needle_table.py), or none if the table is missing."""
    try:
        from bot.crisis.needle_table import NEEDLES
    except ImportError:  # pragma: no cover
        return {}
    return NEEDLES


_UNKNOWN = object()


def needles_of_sources(sources: Iterable[tuple[Hashable, str]]
                       ) -> Iterator[tuple[Hashable, Needles]]:
    """Each pattern source's needles: from the shipped table when it holds that very
    source, else read off the pattern now."""
    table = shipped()
    for key, src in sources:
        known = table.get(digest(src), _UNKNOWN)
        if known is _UNKNOWN:
            yield key, needles(src)
        else:
            yield key, None if known is None else frozenset(known)  # type: ignore[arg-type]


def _trie(words: Iterable[str]) -> str:
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longest needle first

    return build(root)


class Index:
    """Which of many patterns can match a text: `keys(text)` gives the keys of those
    with a needle in it, and of those with no needles. Patterns are given by their
    source (needles from the shipped table) or compiled."""

    def __init__(self, patterns: Iterable[tuple[Hashable, re.Pattern[str] | str]]) -> None:
        self.always: set[Hashable] = set()
        self.every: set[Hashable] = set()
        self.by_needle: dict[str, list[Hashable]] = {}
        patterns = list(patterns)
        from_sources = dict(needles_of_sources(
            (key, rx) for key, rx in patterns if isinstance(rx, str)))
        for key, rx in patterns:
            self.every.add(key)
            found = from_sources[key] if isinstance(rx, str) else needles(rx)
            if found is None:
                self.always.add(key)
            for n in found or ():
                self.by_needle.setdefault(n, []).append(key)
        every = frozenset(self.by_needle)
        self.rx = re.compile(f"(?=({_trie(every)}))")
        self.prefixes = {n: tuple(n[:i] for i in range(1, len(n) + 1) if n[:i] in every)
                         for n in every}

    def keys(self, text: str) -> set[Hashable]:
        present: set[str] = set()
        for found in self.rx.findall(text):
            present.update(self.prefixes[found])
        out = set(self.always)
        for n in present:
            out.update(self.by_needle[n])
        return out


K = TypeVar("K", bound=Hashable)


class Compiled(Mapping[K, re.Pattern[str]]):
    """Regular expressions by key, each compiled the first time it is asked for: a
    message only reaches the patterns its needles allow, so most are never compiled in
    a short-lived process, and a first message compiles a few (a compile costs about a
    third of a millisecond). Safe across threads: at worst two compile the same one."""

    __slots__ = ("_compiled", "sources")

    def __init__(self, sources: Mapping[K, str]) -> None:
        self.sources = dict(sources)
        self._compiled: dict[K, re.Pattern[str]] = {}

    def __getitem__(self, key: K) -> re.Pattern[str]:
        rx = self._compiled.get(key)
        if rx is None:
            rx = self._compiled[key] = re.compile(self.sources[key])
        return rx

    def __iter__(self) -> Iterator[K]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


TABLE = Path(__file__).with_name("needle_table.py")


def write_table(sources: Iterable[str], path: Path = TABLE) -> int:
    """Write the shipped table for these pattern sources; the number of entries."""
    rows = sorted({digest(src): needles(src) for src in sources}.items())
    lines = ["# ruff: noqa: E501",
             '"""The needles of every crisis pattern, keyed by a digest of its source',
             "(bot/crisis/needles.py). Written by scripts/build_crisis_needles.py: do not",
             'edit by hand."""', "", "NEEDLES: dict[str, tuple[str, ...] | None] = {"]
    for key, found in rows:
        value = "None" if found is None else repr(tuple(sorted(found)))
        lines.append(f"    {key!r}: {value},")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)
