"""The composition root (adapters/wiring.py) hands each setting to every part that uses it:
STALE_AFTER_DAYS reaches search ranking, the details view and /stale alike, and the timed
search that `recovery-bot run` installs (adapters/operations.py) is the app's own search
with all its settings, not a new one with defaults."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dialogue import GAZETTEER, Chat, Clock
from sqlalchemy import Engine, event
from sqlalchemy.orm import sessionmaker

from adapters.operations import Operations
from adapters.settings import Settings
from adapters.wiring import App, build_app, build_conversation, standard_features
from bot import access
from bot.conversation import COMMANDS, Config
from directory.search import Query

LEEDS = (53.7997, -1.5492)
LEEDS_CAFE = "demo-leeds-recovery-cafe"
# The demo directory's listings were all checked on the test clock's first day.
CHECKED_DAYS_AGO = 30

AppFactory = Callable[..., App]


@pytest.fixture
def make_app(engine: Engine, demo_sessions: sessionmaker) -> Iterator[AppFactory]:
    """Apps as `recovery-bot` builds them from Settings, on the test's database (migrated
    and holding the demo directory already)."""
    url = engine.url.render_as_string(hide_password=False)
    apps: list[App] = []

    def make(**settings: object) -> App:
        app = build_app(Settings(database_url=url, load_demo=False, **settings),  # type: ignore[arg-type]
                        migrate=False)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.engine.dispose()


def chat_with(app: App, clock: Clock, user: str = "user-1") -> Chat:
    """A dialogue with the conversation `recovery-bot` builds from the app (its clock is
    the test's, as in every dialogue test)."""
    chat = Chat(app.sessions, clock, user)
    chat.conversation = build_conversation(app)
    chat.conversation.clock = clock
    return chat


def leeds_hits(app: App, clock: Clock) -> list:
    with app.sessions() as session:
        return app.search.search(session, Query(latitude=LEEDS[0], longitude=LEEDS[1],
                                                limit=5), clock()).hits


async def details_of_first_cafe(chat: Chat) -> None:
    await chat.say("recovery cafe in Leeds")
    await chat.open_result(chat.results().index("Leeds Recovery Café (example)") + 1)


async def stale_command(app: App, clock: Clock) -> str:
    admin = chat_with(app, clock, "admin")
    with app.sessions() as s:
        access.grant(s, admin.platform, admin.user, "admin", clock())
        s.commit()
    await admin.say("/stale")
    return admin.text


async def test_stale_after_days_reaches_search_details_and_stale_command(
        make_app: AppFactory, clock: Clock) -> None:
    clock.advance(days=CHECKED_DAYS_AGO)
    app = make_app(stale_after_days=10)

    hits = leeds_hits(app, clock)
    assert hits and all(h.stale for h in hits)
    chat = chat_with(app, clock)
    await details_of_first_cafe(chat)
    chat.expect("Last checked: not recently")
    text = await stale_command(app, clock)
    assert re.search(r"\b116 listings not checked for 10 days", text), text
    assert LEEDS_CAFE in text

    # The default (90 days): the same listings, checked 30 days ago, are fresh, and rank
    # higher for it.
    default = make_app()
    fresh = leeds_hits(default, clock)
    assert [h.slug for h in fresh] == [h.slug for h in hits]
    assert not any(h.stale for h in fresh)
    assert all(f.score > s.score for f, s in zip(fresh, hits, strict=True))
    chat = chat_with(default, clock, "user-2")
    await details_of_first_cafe(chat)
    chat.expect("Last checked: 23 Nov 2026")
    chat.expect_not("not recently")
    assert "Every listing has been checked recently." in await stale_command(default, clock)


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Operations.prepare adds a log handler to the root logger: take it off again."""
    before = list(logging.getLogger().handlers)
    yield
    logging.getLogger().handlers[:] = before


def count_version_checks(engine: Engine) -> list[str]:
    """The statements that ask for the directory version, as they run."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "directory_meta" in statement:
            seen.append(statement)
    return seen


def test_timed_search_is_the_apps_own_search(make_app: AppFactory, clock: Clock,
                                             root_handlers: None) -> None:
    clock.advance(days=CHECKED_DAYS_AGO)
    app = make_app(stale_after_days=10)
    own = app.search
    ops = Operations.prepare(app, None)
    assert app.search is not own
    assert app.search.view_cache is own.view_cache

    assert all(h.stale for h in leeds_hits(app, clock))  # STALE_AFTER_DAYS kept
    checks = count_version_checks(app.engine)
    for _ in range(5):
        assert leeds_hits(app, clock)
    # The index was checked moments ago and is trusted for a second (recheck_seconds):
    # no further statement asks for the directory version.
    assert checks == []
    timed = ops.metrics.registry.get_sample_value("recovery_search_seconds_count")
    assert timed == 6


def test_readme_lists_every_chat_command() -> None:
    """Every command the conversation and its standard features answer is in the README's
    list of chat commands."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Chat commands", 1)[1].split("\n## ", 1)[0]
    commands = {*COMMANDS, *(c for f in standard_features(GAZETTEER, Config())
                             for c in f.commands)}
    missing = sorted(c for c in commands if f"`/{c}" not in section)
    assert not missing, f"not in README.md's chat commands: {missing}"
