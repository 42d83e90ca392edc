"""Needles: strings of which every match of a regular expression must contain one.

Speed: searching ~500 patterns in turn costs milliseconds on a short message. Each
pattern (rule or context marker) therefore gets "needles", read off the parsed pattern
at import; a pattern runs only when one of its needles is in the text. The needles are
a necessary condition derived from the regex itself, so they never change a result
(tests/test_crisis.py checks this); when in doubt a pattern gets None and always runs.

`Index` finds the needles in a text in one pass: every needle in one regular expression
shaped as a trie, tried at every position (a look-ahead, so needles may overlap), gives
the longest needle starting there, and the needles that are prefixes of it come along.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

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


def needles(pattern: re.Pattern[str]) -> Needles:
    """The needles of `pattern`, or None if it must always run."""
    if _sre_parse is None or pattern.flags & re.IGNORECASE:  # pragma: no cover
        return None  # (lowercase needles would miss text matched case-blind)
    try:
        return _needles_of(_sre_parse.parse(pattern.pattern).data)
    except Exception:  # pragma: no cover - an optimisation must never break the check
        return None


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
    with a needle in it, and of those with no needles."""

    def __init__(self, patterns: Iterable[tuple[Hashable, re.Pattern[str]]]) -> None:
        self.always: set[Hashable] = set()
        self.every: set[Hashable] = set()
        self.by_needle: dict[str, list[Hashable]] = {}
        for key, rx in patterns:
            self.every.add(key)
            found = needles(rx)
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
