"""Start-up: build the engine, migrate, load the demo directory on first run. The one
place that joins settings, storage and the directory (see ../shared/DESIGN.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.settings import Settings
from bot.broadcasting import DEFAULT_LIMITS, Broadcasting
from bot.conversation import Config, Conversation
from directory.db import exclusive, make_engine, session_factory, upgrade
from directory.demo import load_demo_if_empty
from directory.geography import Gazetteer
from directory.search import DirectorySearch


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    gazetteer: Gazetteer
    search: DirectorySearch


def build_app(settings: Settings | None = None, *, migrate: bool = True) -> App:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    sessions = session_factory(engine)
    if migrate and settings.load_demo:
        with exclusive(engine), sessions() as session:  # one process at a time
            load_demo_if_empty(session)
    gazetteer: Gazetteer = Gazetteer.default()
    if settings.nominatim_user_agent:
        from directory.online_geocoder import OnlineFallbackGazetteer

        gazetteer = OnlineFallbackGazetteer(  # type: ignore[assignment]
            gazetteer, settings.nominatim_user_agent, settings.nominatim_domain,
            settings.nominatim_scheme)
    # Several processes share one directory: each rechecks its version at most once a
    # second (a volunteer's edit shows everywhere within a second).
    return App(settings, engine, sessions, gazetteer, DirectorySearch(recheck_seconds=1.0))


def build_conversation(app: App, platforms: Sequence[str] = ("telegram", "discord")
                       ) -> Conversation:
    config = Config(ttl=timedelta(hours=app.settings.conversation_ttl_hours),
                    radius_km=app.settings.default_radius_km,
                    report_days=int(app.settings.retention_report_days),
                    notification_days=int(app.settings.retention_notification_days),
                    delivery_days=int(app.settings.retention_delivery_days))
    return Conversation(app.sessions, app.gazetteer, app.search, config,
                        features=[build_broadcasting(app, platforms)])


def build_broadcasting(app: App, platforms: Sequence[str]) -> Broadcasting:
    """/subscribe, /broadcast: messages are measured as each platform's adapter sends
    them (Telegram in UTF-16 units; Discord after markdown escaping)."""
    from adapters.senders import discord_length, telegram_length

    limits = {}
    with contextlib.suppress(ImportError):
        import telegram  # noqa: F401

        limits["telegram"] = (DEFAULT_LIMITS["telegram"][0], telegram_length)
    with contextlib.suppress(ImportError):
        import discord  # noqa: F401

        limits["discord"] = (DEFAULT_LIMITS["discord"][0], discord_length)
    return Broadcasting(app.gazetteer, platforms, limits, app.settings.default_radius_km)
