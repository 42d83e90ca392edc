"""A test harness that makes a conversation test read like a dialogue.

    async def test_everything_in_one_message(chat: Chat) -> None:
        await chat.say("I'm in Leeds and drinking too much")
        chat.expect("near Leeds")
        await chat.tap("More results")
        await chat.share_location(53.52, -1.13)

In the spirit of errbot's test backend and Rasa's CollectingOutputChannel: the real
`Conversation` (bot/conversation.py) on a real database (the `engine` fixture: SQLite and
PostgreSQL, migrated, demo directory loaded), the real Gazetteer and DirectorySearch, and a
fixed clock (Monday 23 November 2026, 12:00 in London) so next-meeting text is stable.
Nothing of ours is mocked; only the clock is ours to turn.

Every turn is also checked for what must hold everywhere: no reply over MAX_REPLY_CHARS,
every button payload at most 64 bytes and free of health words.

Registered in tests/conftest.py with `pytest_plugins = ["dialogue"]`, so the fixtures
`clock`, `demo_sessions` and `chat` are there in every test module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, Table, func, select, text
from sqlalchemy.orm import sessionmaker

from adapters.wiring import standard_features
from bot.conversation import Config, Conversation
from bot.features import Feature
from bot.state import ConversationRow, key_hash
from bot.types import MAX_REPLY_CHARS, Button, ConversationRef, Incoming, Location, Reply
from directory.db import session_factory
from directory.demo import load_demo_if_empty
from directory.geography import Gazetteer
from directory.models import Base
from directory.needs import LANGUAGES, NEEDS
from directory.schedule import LONDON
from directory.search import DirectorySearch

# A Monday: Leeds AA (example) meets tonight at 19:30, SMART Recovery tomorrow at 18:00.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit (REFERENCE.md)

# Words that must never travel in button data (UK GDPR Art. 9, REFERENCE.md): every need
# code, label and everyday word from the taxonomy, and the words of a crisis.
HEALTH_WORDS: frozenset[str] = frozenset(
    w.casefold()
    for need in NEEDS
    for w in (need.code, need.label, *need.words, *need.code.split("_"))
) | frozenset(  # every language's everyday words for the needs (directory/needs.py)
    w.casefold() for lang in LANGUAGES.values() for words in lang.words.values()
    for w in words
) | frozenset("""
crisis suicide suicidal overdose harm self_harm danger addict addiction recovery sober
relapse health mental depression anxiety alcohol drugs drug gambling family
""".split())


class Clock:
    """The conversation's clock: fixed until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def health_words_in(payload: str) -> list[str]:
    """Health words a payload carries: long ones anywhere, short ones ("aa", "k") as
    whole tokens."""
    low = payload.casefold()
    tokens = set(re.findall(r"[a-z]+", low))
    return sorted(w for w in HEALTH_WORDS if (w in low if len(w) >= 4 else w in tokens))


def check_reply(reply: Reply) -> None:
    """What must hold for every reply on every platform."""
    assert isinstance(reply.text, str) and reply.text.strip(), "an empty reply"
    assert len(reply.text) <= MAX_REPLY_CHARS, f"reply of {len(reply.text)} characters"
    for button in reply.all_buttons():
        assert button.label.strip(), f"a button without a label: {button!r}"
        size = len(button.payload.encode("utf-8"))
        assert 1 <= size <= MAX_PAYLOAD_BYTES, f"payload of {size} bytes: {button!r}"
        assert not health_words_in(button.payload), f"health words in payload: {button!r}"
    reply.plain_text()  # every reply degrades to plain text


GAZETTEER = Gazetteer.default()


def make_conversation(sessions: sessionmaker, *, config: Config | None = None,
                      clock: Callable[[], datetime] | None = None,
                      features: Sequence[Feature] | None = None,
                      search: DirectorySearch | None = None) -> Conversation:
    """The one way tests build a conversation: as adapters/wiring.py does (its standard
    features unless `features` says otherwise), on the test's sessions."""
    config = config or Config()
    if features is None:
        features = standard_features(GAZETTEER, config)
    extra = {"clock": clock} if clock is not None else {}
    search = search or DirectorySearch(stale_after=config.stale_after)
    return Conversation(sessions, GAZETTEER, search, config,
                        features=features, **extra)


@dataclass
class Chat:
    """One person talking to the bot. `replies` holds the bot's answer to the last turn."""

    sessions: sessionmaker
    clock: Clock
    user: str = "user-1"
    platform: str = "test"
    config: Config = field(default_factory=Config)
    features: Sequence[Feature] | None = None  # None: adapters/wiring.py's standard ones
    replies: list[Reply] = field(default_factory=list)
    transcript: list[tuple[str, list[Reply]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ref = ConversationRef(self.platform, f"chat-{self.user}", self.user)
        self.conversation = make_conversation(self.sessions, config=self.config,
                                              clock=self.clock, features=self.features)

    # -- what the person does ---------------------------------------------------------

    async def send(self, msg: Incoming, said: str = "") -> list[Reply]:
        replies = await self.conversation.handle(msg)
        assert replies, f"no reply to {said or msg!r}"
        for reply in replies:
            check_reply(reply)
        self.replies = replies
        self.transcript.append((said, replies))
        return replies

    async def say(self, words: str) -> list[Reply]:
        """Type a message."""
        return await self.send(Incoming(self.ref, text=words), said=words)

    async def tap(self, label: str) -> list[Reply]:
        """Press the button with this label in the last replies."""
        button = self.button(label)
        return await self.send(Incoming(self.ref, payload=button.payload),
                               said=f"[{button.label}]")

    async def press(self, payload: str) -> list[Reply]:
        """Send a raw button payload: a stale button, or one a platform made up."""
        return await self.send(Incoming(self.ref, payload=payload), said=f"<{payload}>")

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        return await self.send(Incoming(self.ref, location=Location(latitude, longitude)),
                               said=f"(location {latitude}, {longitude})")

    async def open_result(self, n: int) -> list[Reply]:
        """Open the details of the result numbered n."""
        return await self.tap(str(n))

    # -- what the person sees ---------------------------------------------------------

    @property
    def text(self) -> str:
        """The text of the last replies, one after the other."""
        return "\n\n".join(r.text for r in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [b.label for r in self.replies for b in r.all_buttons()]

    @property
    def payloads(self) -> list[str]:
        return [b.payload for r in self.replies for b in r.all_buttons()]

    def all_payloads(self) -> set[str]:
        """Every payload of every button shown in this chat so far."""
        return {b.payload for _, replies in self.transcript for r in replies
                for b in r.all_buttons()}

    def button(self, label: str) -> Button:
        found = [b for r in self.replies for b in r.all_buttons() if b.label == label]
        if not found:
            found = [b for r in self.replies for b in r.all_buttons()
                     if b.label.casefold() == label.casefold()]
        assert found, f"no button {label!r}; buttons: {self.buttons}\n{self.text}"
        assert len(found) == 1, f"{len(found)} buttons called {label!r}"
        return found[0]

    def results(self) -> list[str]:
        """The names of the numbered results in the last replies, in order."""
        return [m[2] for m in re.finditer(r"^(\d+)\. (.+)$", self.text, re.MULTILINE)]

    @property
    def crisis(self) -> bool:
        return any(r.crisis for r in self.replies)

    def expect(self, *parts: str) -> None:
        """Each part is somewhere in the text of the last replies."""
        for part in parts:
            assert part in self.text, f"expected {part!r} in:\n{self.text}"

    def expect_not(self, *parts: str) -> None:
        for part in parts:
            assert part not in self.text, f"did not expect {part!r} in:\n{self.text}"

    def expect_button(self, *labels: str) -> None:
        for label in labels:
            assert label in self.buttons, f"expected button {label!r}; got {self.buttons}"

    def expect_no_button(self, *labels: str) -> None:
        for label in labels:
            assert label not in self.buttons, f"unexpected button {label!r}"

    def expect_results(self, low: int = 3, high: int = 5) -> list[str]:
        names = self.results()
        assert low <= len(names) <= high, f"{len(names)} results in:\n{self.text}"
        return names

    # -- what the database holds ------------------------------------------------------

    def stored_json(self) -> str | None:
        """The conversation row's state exactly as the database holds it, as text."""
        with self.sessions() as s:
            return s.execute(
                text("SELECT CAST(state AS TEXT) FROM conversation WHERE key_hash = :h"),
                {"h": key_hash(self.ref.key)},
            ).scalar_one_or_none()

    def stored(self) -> bool:
        with self.sessions() as s:
            return s.get(ConversationRow, key_hash(self.ref.key)) is not None

    # -- other people, other processes ------------------------------------------------

    def restarted(self) -> Chat:
        """The same person after the bot restarted: new objects, the same database, and
        the last replies still on the person's screen (their buttons still work)."""
        return Chat(self.sessions, self.clock, self.user, self.platform, self.config,
                    self.features, replies=list(self.replies))

    def someone_else(self, user: str) -> Chat:
        return Chat(self.sessions, self.clock, user, self.platform, self.config,
                    self.features)


# -- loading the demo directory quickly ---------------------------------------------------

# The rows load_demo_if_empty wrote, per database, replayed into the emptied database of
# each later test: the very same rows, several times faster than upserting them again
# (which writes a revision per row; about a second on PostgreSQL).
_DEMO_ROWS: dict[str, list[tuple[Table, list[dict]]]] = {}


def load_demo(engine: Engine) -> None:
    key = engine.url.render_as_string(hide_password=False)
    snapshot = _DEMO_ROWS.get(key)
    if snapshot is None:
        with session_factory(engine)() as s:
            assert load_demo_if_empty(s), "the database was not empty"
        with engine.connect() as conn:
            _DEMO_ROWS[key] = [
                (table, [dict(row._mapping) for row in conn.execute(select(table))])
                for table in Base.metadata.sorted_tables
            ]
        return
    with engine.begin() as conn:
        for table, rows in snapshot:
            if rows:
                conn.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":
            for table, rows in snapshot:
                if rows and "id" in table.c:
                    top = conn.scalar(select(func.max(table.c.id)))
                    conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                                 {"t": table.name, "v": top})


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def demo_sessions(engine: Engine) -> sessionmaker:
    """Sessions on an empty, migrated database holding the demo directory."""
    load_demo(engine)
    return session_factory(engine)


@pytest.fixture
def chat(demo_sessions: sessionmaker, clock: Clock) -> Chat:
    return Chat(demo_sessions, clock)


ChatFactory = Callable[..., Chat]


@pytest.fixture
def new_chat(demo_sessions: sessionmaker, clock: Clock) -> ChatFactory:
    """Chats with other settings: new_chat(config=Config(ttl=timedelta(hours=1)))."""
    def make(**kw: object) -> Chat:
        return Chat(demo_sessions, clock, **kw)  # type: ignore[arg-type]
    return make
