"""Start-up: build the engine, migrate, load the demo directory on first run. The one
place that joins settings, storage and the directory (see ../shared/DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.settings import Settings
from bot.conversation import Config, Conversation
from directory.db import make_engine, session_factory, upgrade
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
        with sessions() as session:
            load_demo_if_empty(session)
    gazetteer: Gazetteer = Gazetteer.default()
    if settings.nominatim_user_agent:
        from directory.online_geocoder import OnlineFallbackGazetteer

        gazetteer = OnlineFallbackGazetteer(  # type: ignore[assignment]
            gazetteer, settings.nominatim_user_agent, settings.nominatim_domain,
            settings.nominatim_scheme)
    return App(settings, engine, sessions, gazetteer, DirectorySearch())


def build_conversation(app: App) -> Conversation:
    config = Config(ttl=timedelta(hours=app.settings.conversation_ttl_hours),
                    radius_km=app.settings.default_radius_km)
    return Conversation(app.sessions, app.gazetteer, app.search, config)
