"""Start-up: build the engine, migrate, load the demo directory on first run. The one
place that joins settings, storage and the directory (see ../shared/DESIGN.md)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib.util import find_spec
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.settings import Settings
from bot.pseudonyms import use_key
from directory.db import exclusive, make_engine, session_factory, upgrade
from directory.demo import load_demo_if_empty
from directory.geography import Gazetteer
from directory.search import DirectorySearch

log = logging.getLogger(__name__)

# How often a chat process whose database was down at start tries it again.
DATABASE_RETRY_SECONDS = 5.0

# The conversation and its features are imported where they are built: commands that
# only read the directory (`recovery-bot directory search`) start without them.
if TYPE_CHECKING:
    from bot.broadcasts import Broadcasting
    from bot.broadcasts.worker import Queue
    from bot.conversation import Config, Conversation
    from bot.features import Feature


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    gazetteer: Gazetteer
    search: DirectorySearch
    # The schema is migrated (and the demo directory loaded on first run). False while
    # a chat process waits for a database that was down at start (keep_database_ready).
    database_ready: bool = True

    def prepare_database(self) -> None:
        """Migrate, and load the demo directory into an empty database (one process at
        a time). Raises what the database raised."""
        upgrade(self.engine)
        if self.settings.load_demo:
            with exclusive(self.engine), self.sessions() as session:
                load_demo_if_empty(session)
        self.database_ready = True


def build_app(settings: Settings | None = None, *, migrate: bool = True,
              database_may_be_down: bool = False) -> App:
    """The app. With `database_may_be_down` (the chat processes: `chat`, `run`) a
    database that cannot be reached or read at start is logged, not raised: the process
    starts and answers danger with crisis contacts and everything else with "I can't
    search right now" and the contacts, until keep_database_ready sees it back."""
    settings = settings or Settings()
    use_key(pseudonym_key(settings))
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    gazetteer: Gazetteer = Gazetteer.default()
    if settings.nominatim_user_agent:
        from directory.online_geocoder import OnlineFallbackGazetteer

        gazetteer = OnlineFallbackGazetteer(  # type: ignore[assignment]
            gazetteer, settings.nominatim_user_agent, settings.nominatim_domain,
            settings.nominatim_scheme)
    # Several processes share one directory: each rechecks its version at most once a
    # second (a volunteer's edit shows everywhere within a second).
    search = DirectorySearch(recheck_seconds=1.0, stale_after=stale_after(settings))
    app = App(settings, engine, sessions, gazetteer, search, database_ready=not migrate)
    if migrate:
        try:
            app.prepare_database()
        except Exception as exc:
            if not database_may_be_down:
                raise
            # The type only: a driver's message can hold the URL.
            log.error("database unavailable at start (%s): answering with crisis "
                      "contacts until it is back", type(exc).__name__)
    return app


def pseudonym_key(settings: Settings) -> bytes:
    """PSEUDONYM_KEY, or the key in PSEUDONYM_KEY_FILE, made the first time (32 random
    bytes in hex, readable by this user only). Created by linking a finished file into
    place, so processes starting together end up with the same key."""
    if settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value().encode("utf-8")
    path = settings.pseudonym_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
            log.warning("pseudonym key created in %s: keep it safe, apart from the "
                        "database's backups (README, Privacy)", path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        log.warning("the pseudonym key file %s can be read by others: chmod 600 it", path)
    if not settings.database_url.startswith("sqlite"):
        log.info("pseudonym key from a file: every process sharing this database needs "
                 "the same key (PSEUDONYM_KEY)")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


async def keep_database_ready(app: App, interval: float = DATABASE_RETRY_SECONDS) -> None:
    """Until the database is ready, try to prepare it again every `interval` seconds
    (run beside the adapters; returns once it is ready). A try that hangs is not
    started again until it has ended."""
    attempt: asyncio.Future[None] | None = None
    while not app.database_ready:
        await asyncio.sleep(interval)
        if attempt is None or attempt.done():
            attempt = asyncio.ensure_future(asyncio.to_thread(app.prepare_database))
        try:
            await asyncio.wait_for(asyncio.shield(attempt), interval)
        except TimeoutError:
            continue
        except Exception as exc:  # noqa: BLE001 - still down: try again later
            log.info("database still unavailable (%s)", type(exc).__name__)
            continue
        log.warning("database available again: searching as usual")


def stale_after(settings: Settings) -> timedelta:
    """STALE_AFTER_DAYS, the one value search, the details view, /mylistings, /stale
    and the reminder job all use."""
    return timedelta(days=settings.stale_after_days)


# The platforms whose people can be sent broadcasts and notifications. Not the web chat
# (adapters/web.py): its sessions are anonymous and end when the tab closes.
DELIVERY_PLATFORMS = ("telegram", "discord")


def delivery_platforms(names: Sequence[str]) -> list[str]:
    """Those of `names` that broadcasts and notifications go to."""
    return [n for n in names if n in DELIVERY_PLATFORMS]


def build_conversation(app: App, platforms: Sequence[str] = ("telegram", "discord")
                       ) -> Conversation:
    from bot.conversation import Config, Conversation

    config = Config(ttl=timedelta(hours=app.settings.conversation_ttl_hours),
                    radius_km=app.settings.default_radius_km,
                    report_days=int(app.settings.retention_report_days),
                    notification_days=int(app.settings.retention_notification_days),
                    delivery_days=int(app.settings.retention_delivery_days),
                    audit_days=int(app.settings.retention_audit_days),
                    stale_after=stale_after(app.settings))
    return Conversation(app.sessions, app.gazetteer, app.search, config,
                        features=standard_features(app.gazetteer, config, platforms,
                                                   search=app.search))


def standard_features(gazetteer: Gazetteer, config: Config,
                      platforms: Sequence[str] = ("telegram", "discord"),
                      search: DirectorySearch | None = None) -> list[Feature]:
    """The features every conversation runs with: volunteers keep listings current,
    admins broadcast, meetings go into calendars (bot/features.py: the only way the
    conversation is extended)."""
    from bot.reminders import Reminding
    from bot.reminders.calendar_feature import CalendarFiles
    from bot.volunteers import Volunteering

    return [Volunteering(gazetteer, config.stale_after),
            build_broadcasting(gazetteer, platforms, config.radius_km),
            # Meeting reminders, by direct message where the delivery worker sends;
            # "Can't make it" searches with the app's index (`search`) when given.
            Reminding(delivery_platforms(platforms), search, config.radius_km),
            CalendarFiles()]


def standard_queues() -> list[Queue]:
    """What the delivery worker sends besides broadcasts and notifications, on each
    pass (bot/broadcasts/worker.py `Worker(queues=...)`): meeting reminders."""
    from bot.reminders import ReminderQueue

    return [ReminderQueue()]


def build_broadcasting(gazetteer: Gazetteer, platforms: Sequence[str],
                       radius_km: float) -> Broadcasting:
    """/subscribe, /broadcast: messages are measured as each platform's adapter sends
    them (Telegram in UTF-16 units; Discord after markdown escaping)."""
    from adapters.senders import discord_length, telegram_length
    from bot.broadcasts.dialogue import DEFAULT_LIMITS, Broadcasting

    # Only whether each library is installed: importing them (a quarter of a second)
    # waits until a message is measured, so `recovery-bot chat` starts without them.
    limits = {}
    if find_spec("telegram") is not None:
        limits["telegram"] = (DEFAULT_LIMITS["telegram"][0], telegram_length)
    if find_spec("discord") is not None:
        limits["discord"] = (DEFAULT_LIMITS["discord"][0], discord_length)
    return Broadcasting(gazetteer, platforms, limits, radius_km)
