"""Engine creation and schema migrations.

Sessions are opened by the caller and passed in (SQLAlchemy's session_basics rule); this
module only builds engines and brings the schema up to date with Alembic. Alembic is
imported only when the schema is behind: importing it costs about a tenth of a second,
which every `recovery-bot` command would otherwise pay at start (issue 13).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

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
    # Deleted content is overwritten with zeros, not left in free pages for anyone
    # reading the file (https://www.sqlite.org/pragma.html#pragma_secure_delete; some
    # builds default it on, ours must not depend on that). With scrub() below, what
    # /forget deletes leaves the files too.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def scrub(engine: Engine) -> bool:
    """After an erasure: copy the write-ahead log into the main SQLite file (where
    secure_delete has zeroed the deleted rows) and truncate it, so the deleted rows'
    old pages are not left in the -wal file until the next checkpoint
    (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint). False if a reader held
    the log and it could not be emptied now (the next checkpoint will). PostgreSQL: a
    delete leaves dead row versions in the table's files until VACUUM reuses the space,
    and in WAL segments and backups until they are recycled (docs/privacy.md); nothing
    to do here."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=(.*)$", re.MULTILINE)


@cache
def head_revisions() -> frozenset[str] | None:
    """The head revision ids of the shipped migrations, read from the version files'
    `revision = ...` and `down_revision = ...` lines without importing Alembic; None if
    a file does not read plainly (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        if path.name == "__init__.py":  # Alembic skips it too
            continue
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if rev is None or down is None:
            return None
        revisions.add(rev.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents) or None


def is_current(engine: Engine) -> bool:
    """Whether the database is at the shipped head revision: one plain read of
    `alembic_version`. A database that cannot be reached raises, as Alembic would."""
    heads = head_revisions()
    if heads is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                   ) == heads


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date; safe when several processes start at once. Nothing
    to do (the usual start) costs one read and no Alembic import."""
    if revision == "head" and is_current(engine):
        return
    from alembic import command

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
