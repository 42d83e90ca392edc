"""Configuration from the environment and an optional `.env` file (pydantic-settings).

Every setting is an environment variable of the same name in capitals, e.g.
DATABASE_URL, CONVERSATION_TTL_HOURS. See README.md for the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from directory.freshness import DEFAULT_STALE_AFTER


def parse_shard_ids(value: Any) -> tuple[int, ...] | None:
    """DISCORD_SHARD_IDS: shard numbers separated by commas ("0,1"), each once; empty or
    unset means every shard. ValueError, naming the setting, for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, int):
        items = [value]
    else:
        items = list(value)
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text.isdigit() or not text.isascii():
            raise ValueError(f"DISCORD_SHARD_IDS must be shard numbers separated by commas, "
                             f"like 0,1 (found {text!r})")
        if int(text) in ids:
            raise ValueError(f"DISCORD_SHARD_IDS names shard {int(text)} twice")
        ids.append(int(text))
    return tuple(ids)


def check_shards(count: int | None, ids: Sequence[int] | None) -> None:
    """The sharding settings make sense together (Discord: a shard is [shard_id,
    num_shards] with 0 <= shard_id < num_shards); ValueError saying what to change."""
    if count is not None and count < 1:
        raise ValueError(f"DISCORD_SHARD_COUNT must be 1 or more (found {count})")
    if ids is None:
        return
    if count is None:
        raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT: the number of shards "
                         "across all your processes, e.g. DISCORD_SHARD_COUNT=4 with "
                         "DISCORD_SHARD_IDS=0,1 here and 2,3 in a second process")
    if not ids:
        raise ValueError("DISCORD_SHARD_IDS is empty: leave it unset to serve every shard")
    outside = [i for i in ids if not 0 <= i < count]
    if outside:
        raise ValueError(f"DISCORD_SHARD_IDS: there is no shard {outside[0]} when "
                         f"DISCORD_SHARD_COUNT={count} (shards are numbered 0 to {count - 1})")


def parse_origins(value: Any) -> tuple[str, ...]:
    """WEB_ALLOWED_ORIGINS: origins separated by commas ("https://leeds-lero.org.uk,
    https://www.example.org"), each a scheme, a host and an optional port, nothing after
    (an origin as browsers send it, RFC 6454). ValueError, naming the setting, else."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    origins: list[str] = []
    for item in items:
        text = str(item).strip().rstrip("/")
        if not text:
            continue
        scheme, sep, rest = text.partition("://")
        if scheme.lower() not in ("http", "https") or not sep or not rest or any(
                c in rest for c in "/?#@ "):
            raise ValueError(f"WEB_ALLOWED_ORIGINS must be origins such as "
                             f"https://www.example.org separated by commas (found {text!r})")
        origins.append(f"{scheme.lower()}://{rest.lower()}")
    return tuple(dict.fromkeys(origins))


def settings_problem(exc: ValidationError) -> str:
    """A configuration error as an operator reads it: each problem names its environment
    variable; pydantic's own messages never repeat the value (it could be a token)."""
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error.get("loc") else ""
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        lines.append(message if not name or name in message else f"{name}: {message}")
    return "Configuration error: " + "; ".join(lines)


def data_folder() -> Path:
    """Where the default SQLite file and the pseudonym key file live."""
    return Path(user_data_dir("recovery-connector", appauthor=False))


def default_database_url() -> str:
    path = data_folder() / "directory.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    # The secret behind every pseudonym of a person (bot/pseudonyms.py). Unset: a key
    # generated once into PSEUDONYM_KEY_FILE (0600). Processes that share a database
    # must share the key. Never stored in the database or logged.
    pseudonym_key: SecretStr | None = None
    pseudonym_key_file: Path = Field(default_factory=lambda: data_folder() / "pseudonym.key")
    # Load the bundled demo directory into an empty database on first run.
    load_demo: bool = True
    # An online geocoder (geopy Nominatim) is used only when this names a user agent.
    nominatim_user_agent: str | None = None
    nominatim_domain: str = "nominatim.openstreetmap.org"
    nominatim_scheme: str = "https"
    default_radius_km: float = 25.0
    conversation_ttl_hours: float = 24.0
    # A listing not checked for this long is stale everywhere: search ranking, the
    # details view, /mylistings, /stale and the reminder job (adapters/wiring.py).
    stale_after_days: int = DEFAULT_STALE_AFTER.days
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    # Webhook mode: seconds after which an update claimed by a process that has gone
    # quiet (died) is taken over by Telegram's retry (adapters/telegram.py).
    telegram_update_lease_seconds: float = Field(default=20.0, gt=0)
    discord_bot_token: str | None = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    # Discord sharding for several processes (adapters/discord_adapter.py): the number of
    # shards across all processes, and the ones this process serves ("0,1"). Unset: the
    # count Discord recommends, every shard here.
    discord_shard_count: int | None = None
    discord_shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None
    log_level: str = "INFO"
    # JSON log lines (one object per line) for `recovery-bot run`; "text" for people.
    log_format: str = "json"
    # `recovery-bot run`: serve /healthz, /readyz and /metrics on HOST:PORT (off if unset).
    health_listen: str | None = None
    # The web chat (adapters/web.py, docs/web.md): where `recovery-bot run web` listens;
    # the other sites that may embed the widget (and open its WebSocket); where the
    # quick-exit button goes; whether X-Forwarded-For names the client (behind a proxy).
    web_listen: str = "127.0.0.1:8080"
    web_allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    web_exit_url: str = "https://www.bbc.co.uk/weather"
    web_trust_proxy: bool = False
    # Retention (bot/retention.py, `recovery-bot jobs retention`), in days.
    retention_report_days: float = 180
    retention_notification_days: float = 30
    retention_delivery_days: float = 30
    retention_audit_days: float = 365

    @field_validator("discord_shard_count", mode="before")
    @classmethod
    def _blank_count(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: Any) -> tuple[int, ...] | None:
        return parse_shard_ids(value)

    @field_validator("web_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> tuple[str, ...]:
        return parse_origins(value)

    @field_validator("web_exit_url")
    @classmethod
    def _exit_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"WEB_EXIT_URL must be a full https:// address (found {value!r})")
        return value.strip()

    @model_validator(mode="after")
    def _shards_agree(self) -> Settings:
        check_shards(self.discord_shard_count, self.discord_shard_ids)
        return self
