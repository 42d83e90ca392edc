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

from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass

from bot.crisis import context, model, needles, rules, welsh
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


def _expand(src: str) -> str:
    """A rule's final regex source: Welsh forms and macros expanded, letters squashed."""
    src = welsh.expand(src)
    while "<" in src:  # macros may hold macros ("<OTHER>" holds "<W>")
        before = src
        for name, body in rules.MACROS.items():
            src = src.replace(name, body)
        if src == before:
            break  # "(?<!...)" look-behinds also start with "<"
    return squash_pattern(src)


def _table() -> dict[tuple[int, int], str]:
    """Every rule's source, keyed (category's place in CATEGORIES, rule's place)."""
    sources: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for table in (rules.PHRASES, rules.SHAPES, welsh.RULES):
        for category, patterns in table:
            sources[category].extend(patterns)
    return {(ci, ri): _expand(src) for ci, c in enumerate(CATEGORIES)
            for ri, src in enumerate(sources[c])}


# Each rule is compiled the first time a message's needles call for it (needles.py).
_RULES: needles.Compiled[tuple[int, int]] = needles.Compiled(_table())
# Every pattern's source: the rules, and the context markers (context.PATTERNS).
SOURCES: dict[Hashable, str] = {**_RULES.sources, **context.PATTERNS.sources}
# One index over every rule and every context marker: one pass over a message says
# which can match.
_INDEX = needles.Index(SOURCES.items())


class _Text:
    """A message as the rules read it: its clauses joined by spaces, and where each
    clause starts, so a match can be judged in its own clause and sentence."""

    __slots__ = ("_distanced", "_marks", "active", "clauses", "joined", "spans", "starts")

    def __init__(self, text: str, use_needles: bool = True) -> None:
        parts = clauses(text)
        self.clauses = [c for _, c in parts]
        self.joined = " ".join(self.clauses)
        # the rules and markers that can match here (all of them, without needles)
        self.active = _INDEX.keys(self.joined) if use_needles else _INDEX.every
        self.starts: list[int] = []  # where each clause starts in `joined`
        # each clause's sentence, as (its number, the clause's start and end in it)
        self.spans: list[tuple[int, int, int]] = []
        sentences: dict[int, list[str]] = {}
        at = 0
        within: dict[int, int] = {}  # where the next clause starts in its sentence
        for n, c in parts:
            self.starts.append(at)
            at += len(c) + 1
            offset = within.get(n, 0)
            self.spans.append((n, offset, offset + len(c)))
            within[n] = offset + len(c) + 1
            sentences.setdefault(n, []).append(c)
        self._marks = {n: context.Sentence(" ".join(cs), self.active)
                       for n, cs in sentences.items()}
        self._distanced: dict[int, bool] = {}

    def distanced(self, i: int) -> bool:
        """Whether clause `i` is distanced (computed once per clause)."""
        d = self._distanced.get(i)
        if d is None:
            n, start, end = self.spans[i]
            d = self._distanced[i] = self._marks[n].distanced(start, end)
        return d

    def present(self) -> str:
        """The clauses that are not distanced: what the model reads."""
        return " ".join(c for i, c in enumerate(self.clauses) if not self.distanced(i))

    def distanced_at(self, pos: int) -> bool:
        return self.distanced(bisect_right(self.starts, pos) - 1)


def _rule_categories(msg: _Text, mentioned: list[str] | None = None) -> list[str]:
    """Categories with a rule matching now; into `mentioned`, those whose rules matched
    only in distanced clauses (the past, a loss, a topic)."""
    text = msg.joined
    found: list[str] = []
    for ci, ri in sorted(k for k in msg.active if isinstance(k[0], int)):
        category = CATEGORIES[ci]
        if category in found:
            continue
        kinds = {not msg.distanced_at(m.start())
                 for m in _RULES[ci, ri].finditer(text)
                 if not context.idiom(text, m, msg.active)}
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
    msg = _Text(text, use_needles)
    if not msg.joined:
        return Reading(None)
    mentioned: list[str] = []
    found = _rule_categories(msg, mentioned)
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
