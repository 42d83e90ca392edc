"""Shared fixtures: a migrated database on real SQLite and real PostgreSQL.

PostgreSQL tests run against the server at RC_TEST_POSTGRES_URL (default: the local
server at 127.0.0.1:5432, database `test`). Each test run creates its own database there
and drops it at the end, so runs side by side do not collide. When the server cannot be
reached the PostgreSQL tests are skipped on a developer's machine but FAIL under CI
(CI=true), so a green CI always means both backends were tested.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from pg import pg_database
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.pseudonyms import use_key
from directory.db import make_engine, session_factory, upgrade
from directory.models import Base

# Pseudonyms as a deployment makes them (adapters/wiring.py sets the key at start, from
# PSEUDONYM_KEY: in-process apps and subprocesses get this one too).
TEST_PSEUDONYM_KEY = "tests only: a fixed pseudonym key, never a real one"
os.environ["PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
use_key(TEST_PSEUDONYM_KEY.encode())

pytest_plugins = ["dialogue"]  # tests/dialogue.py: the `chat` fixture for dialogue tests

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL tests could not run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable: {reason}")


@contextmanager
def new_pg_database(prefix: str = "rc_test") -> Iterator[str]:
    """A new, empty PostgreSQL database of our own, dropped afterwards: its URL. A
    server that cannot be reached skips the test (fails it under CI)."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(pg_database(prefix))
        except Exception as exc:  # noqa: BLE001 - any failure to reach the server
            _pg_unavailable(str(exc).splitlines()[0])
        yield url


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    with new_pg_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for processes to share (they migrate it)."""
    with new_pg_database("rc_ops") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """An empty, fully migrated database: each test runs on SQLite and on PostgreSQL."""
    fixture = "pg_engine" if request.param == "postgresql" else "sqlite_engine"
    eng: Engine = request.getfixturevalue(fixture)
    _empty(eng)
    return eng


@pytest.fixture
def env(engine: Engine) -> dict[str, str]:
    """The environment that points the command line at the test's database."""
    return {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
