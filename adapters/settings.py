"""Configuration from the environment and an optional `.env` file (pydantic-settings).

Every setting is an environment variable of the same name in capitals, e.g.
DATABASE_URL, CONVERSATION_TTL_HOURS. See README.md for the list.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    path = Path(user_data_dir("recovery-connector", appauthor=False)) / "directory.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # Load the bundled demo directory into an empty database on first run.
    load_demo: bool = True
    # An online geocoder (geopy Nominatim) is used only when this names a user agent.
    nominatim_user_agent: str | None = None
    nominatim_domain: str = "nominatim.openstreetmap.org"
    nominatim_scheme: str = "https"
    default_radius_km: float = 25.0
    conversation_ttl_hours: float = 24.0
    stale_after_days: int = 90
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    # Webhook mode: seconds after which an update claimed by a process that has gone
    # quiet (died) is taken over by Telegram's retry (adapters/telegram.py).
    telegram_update_lease_seconds: float = Field(default=20.0, gt=0)
    discord_bot_token: str | None = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    log_level: str = "INFO"
    # JSON log lines (one object per line) for `recovery-bot run`; "text" for people.
    log_format: str = "json"
    # `recovery-bot run`: serve /healthz, /readyz and /metrics on HOST:PORT (off if unset).
    health_listen: str | None = None
    # Retention (bot/retention.py, `recovery-bot jobs retention`), in days.
    retention_report_days: float = 180
    retention_notification_days: float = 30
    retention_delivery_days: float = 30
