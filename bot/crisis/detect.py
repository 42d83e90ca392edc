"""The crisis check itself: every rule, every category, the context, and the model.

A message is read clause by clause (bot/crisis/normalise.py). Every category's rules are
searched (English and Welsh together), and a category counts when one of its rules
matches in a clause that is not set aside (bot/crisis/context.py: "years ago",
"prevention walk", "my mum will kill me if I'm late"). When no rule matches, a small word
model (bot/crisis/model.py) reads the clauses not set aside for danger that no rule
names, and adds a category only when it is confident. The result carries every category
seen, most urgent first, so the reply can fit all of them; `read` also says which
categories were only mentioned (in clauses set aside), for a gentle signpost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bot.crisis import context, model, rules, welsh
from bot.crisis.normalise import clauses, squash_pattern

# Most urgent first: an emergency of the body now, then a child, then someone hurting
# or about to hurt someone, then danger to oneself. The reply follows this order.
CATEGORIES: tuple[str, ...] = (
    "overdose", "medical", "child_at_risk", "abuse", "harm_to_others", "suicide", "self_harm",
)


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    """What kind of danger was seen. Carries no text, so it is safe to log."""

    categories: tuple[str, ...]  # from CATEGORIES, most urgent first; never empty
    welsh: bool = False  # the message reads as Welsh: Welsh-language lines help too

    @property
    def category(self) -> str:
        """The most urgent category seen."""
        return self.categories[0]


def _compile(src: str) -> re.Pattern[str]:
    src = welsh.expand(src)
    while "<" in src:  # macros may hold macros ("<OTHER>" holds "<W>")
        before = src
        for name, body in rules.MACROS.items():
            src = src.replace(name, body)
        if src == before:
            break  # "(?<!...)" look-behinds also start with "<"
    return re.compile(squash_pattern(src))


# --------------------------------------------------------------------------- needles
# Speed: searching ~400 patterns in turn costs milliseconds on a short message. Each
# pattern therefore gets "needles", strings of which every match must contain at least
# one, read off the parsed pattern at import; a pattern runs only when one of its
# needles is in the text. The needles are a necessary condition derived from the regex
# itself, so they never change a result (tests/test_crisis.py checks this); when in
# doubt a pattern gets None and always runs.
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
    return 0 if needle.strip() in _COMMON else len(needle)


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


def _needles(pattern: re.Pattern[str]) -> Needles:
    if _sre_parse is None or pattern.flags & re.IGNORECASE:  # pragma: no cover
        return None  # (lowercase needles would miss text matched case-blind)
    try:
        return _needles_of(_sre_parse.parse(pattern.pattern).data)
    except Exception:  # pragma: no cover - an optimisation must never break the check
        return None


_Rule = tuple[re.Pattern[str], Needles]


def _table() -> dict[str, tuple[_Rule, ...]]:
    sources: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for table in (rules.PHRASES, rules.SHAPES, welsh.RULES):
        for category, patterns in table:
            sources[category].extend(patterns)
    return {c: tuple((rx, _needles(rx)) for rx in map(_compile, srcs))
            for c, srcs in sources.items()}


_COMPILED = _table()

# Every needle in one regular expression shaped as a trie, tried at every position of
# the text (a look-ahead, so needles may overlap): one pass in C finds the longest
# needle starting at each position, and the needles that are prefixes of it come along
# (there are over a thousand needles; testing each with `in` cost more than the rules).
_ALL_NEEDLES: frozenset[str] = frozenset().union(
    *(needles for rules_ in _COMPILED.values() for _, needles in rules_ if needles)
)


def _trie(words: frozenset[str]) -> str:
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


_NEEDLE_RX = re.compile(f"(?=({_trie(_ALL_NEEDLES)}))")
_PREFIX_NEEDLES: dict[str, tuple[str, ...]] = {
    n: tuple(n[:i] for i in range(1, len(n) + 1) if n[:i] in _ALL_NEEDLES)
    for n in _ALL_NEEDLES
}


def _needles_present(text: str) -> set[str]:
    present: set[str] = set()
    for found in _NEEDLE_RX.findall(text):
        present.update(_PREFIX_NEEDLES[found])
    return present


# needle -> the rules it lets run, as (category's place in CATEGORIES, rule's place)
_RULES_BY_NEEDLE: dict[str, list[tuple[int, int]]] = {}
_ALWAYS: list[tuple[int, int]] = []
for _ci, _c in enumerate(CATEGORIES):
    for _ri, (_rx, _needles_) in enumerate(_COMPILED[_c]):
        if _needles_ is None:
            _ALWAYS.append((_ci, _ri))
        for _n in _needles_ or ():
            _RULES_BY_NEEDLE.setdefault(_n, []).append((_ci, _ri))


class _Text:
    """A message as the rules read it: its clauses joined by spaces, and where each
    clause starts, so a match can be judged in its own clause and sentence."""

    __slots__ = ("_distanced", "_quiet", "clauses", "joined", "sentence", "sentences",
                 "starts")

    def __init__(self, text: str) -> None:
        parts = clauses(text)
        self.clauses = [c for _, c in parts]
        self.joined = " ".join(self.clauses)
        self.starts: list[int] = []
        at = 0
        for c in self.clauses:
            self.starts.append(at)
            at += len(c) + 1
        self.sentence = [n for n, _ in parts]  # clause -> its sentence's number
        whole: dict[int, list[str]] = {}
        for n, c in parts:
            whole.setdefault(n, []).append(c)
        self.sentences = {n: " ".join(cs) for n, cs in whole.items()}
        self._distanced: dict[int, bool] = {}
        self._quiet: dict[int, bool] = {}

    def distanced(self, i: int) -> bool:
        """Whether clause `i` is distanced (computed once per clause)."""
        d = self._distanced.get(i)
        if d is None:
            n = self.sentence[i]
            if n not in self._quiet:  # no distance word in the sentence, none in a clause
                self._quiet[n] = not context.has_distance(self.sentences[n])
            d = self._distanced[i] = not self._quiet[n] and context.distanced(
                self.clauses[i], self.sentences[n])
        return d

    def present(self) -> str:
        """The clauses that are not distanced: what the model reads."""
        return " ".join(c for i, c in enumerate(self.clauses) if not self.distanced(i))

    def distanced_at(self, pos: int) -> bool:
        return self.distanced(bisect_right(self.starts, pos) - 1)


def _rule_categories(msg: _Text, use_needles: bool = True,
                     mentioned: list[str] | None = None) -> list[str]:
    """Categories with a rule matching now; into `mentioned`, those whose rules matched
    only in distanced clauses (the past, a loss, a topic)."""
    text = msg.joined
    if use_needles:
        todo = set(_ALWAYS)
        for n in _needles_present(text):
            todo.update(_RULES_BY_NEEDLE[n])
    else:
        todo = {(ci, ri) for ci, c in enumerate(CATEGORIES) for ri in range(len(_COMPILED[c]))}
    found: list[str] = []
    for ci, ri in sorted(todo):
        category = CATEGORIES[ci]
        if category in found:
            continue
        kinds = {not msg.distanced_at(m.start())
                 for m in _COMPILED[category][ri][0].finditer(text)
                 if not context.idiom(text, m)}
        if True in kinds:
            found.append(category)
        elif kinds and mentioned is not None and category not in mentioned:
            mentioned.append(category)
    return found


@dataclass(frozen=True, slots=True)
class Reading:
    """What the check saw: danger now (`signal`), or danger words only about the past,
    a loss or a topic (`mentioned`: "support for people bereaved by suicide"), which
    the conversation answers with a gentle signpost rather than an alarm."""

    signal: CrisisSignal | None
    mentioned: tuple[str, ...] = ()


def read(text: str, *, use_needles: bool = True) -> Reading:
    """Read `text` for danger. Never raises on any str and never logs the text. Work is
    bounded: see MAX_SCAN_CHARS in bot/crisis/normalise.py for what is read of a huge
    text."""
    if not isinstance(text, str) or not text:
        return Reading(None)
    msg = _Text(text)
    if not msg.joined:
        return Reading(None)
    mentioned: list[str] = []
    found = _rule_categories(msg, use_needles, mentioned)
    if not found:
        guess = model.category(msg.present())
        if guess is not None:
            found = [guess]
    if not found:
        return Reading(None, tuple(c for c in CATEGORIES if c in mentioned))
    return Reading(CrisisSignal(tuple(c for c in CATEGORIES if c in found),
                                welsh.is_welsh(msg.joined)))


def detect_crisis(text: str, *, use_needles: bool = True) -> CrisisSignal | None:
    """Return the danger seen now in `text`, or None for an ordinary message."""
    return read(text, use_needles=use_needles).signal
