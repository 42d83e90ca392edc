"""Engine creation and schema migrations.

Sessions are opened by the caller and passed in (SQLAlchemy's session_basics rule); this
module only builds engines and brings the schema up to date with Alembic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
# An arbitrary constant: the PostgreSQL advisory lock that serialises migrations when
# several processes start at once.
MIGRATION_LOCK_ID = 7_231_904
PG_CONNECT_TIMEOUT = 5


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for an SQLAlchemy URL; a SQLite file's folder is created if missing.

    hide_parameters: SQL logging and error messages never show the values bound to a
    statement, which can be platform ids or what someone typed (privacy rule 2)."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which we do not install.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # A database that does not answer must not hold a turn for minutes (the TCP default):
    # the conversation then answers with crisis contacts. libpq's connect_timeout, seconds.
    kwargs.setdefault("connect_args", {"connect_timeout": PG_CONNECT_TIMEOUT})
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets a reader (the chat) and a writer (an import) work at the same time.
    cur.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the file; a power cut may lose the last commits
    # (https://www.sqlite.org/pragma.html#pragma_synchronous). Conversation state is
    # short-lived, and a directory import is re-runnable.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date; safe when several processes start at once."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            try:
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                conn.commit()
    else:
        command.upgrade(alembic_config(engine), revision)


@contextlib.contextmanager
def exclusive(engine: Engine, key: int = MIGRATION_LOCK_ID) -> Iterator[None]:
    """Run a start-up step (loading the demo directory into an empty database) in one
    process at a time: a PostgreSQL advisory lock, so two processes starting together
    do not both find the database empty. Other backends: nothing to do (SQLite serves
    one machine, and its write lock already serialises writers)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
