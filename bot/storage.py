"""Conversation state, stored per conversation in the database (never in memory or
pickles), so any process can carry on any conversation and nothing is lost on restart.

The key is a SHA-256 hash of the platform and ids, so the table holds no platform
identifiers; state holds only what the bot understood (need codes, a coarse place), never
what the person typed, and expires.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base


class ConversationRow(Base):
    __tablename__ = "conversation"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass
class PlaceMemo:
    """A coarse place: rounded to 0.01 degree (about 1 km), with the name shown."""

    label: str
    latitude: float
    longitude: float


@dataclass
class State:
    step: str = "new"
    needs: list[str] = field(default_factory=list)
    place: PlaceMemo | None = None
    online_only: bool = False
    today_only: bool = False
    offset: int = 0
    results: list[int] = field(default_factory=list)  # listing ids shown, in order
    choices: list[PlaceMemo] = field(default_factory=list)  # an ambiguous place's options
    listing: int | None = None  # the listing whose details are open

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> State:
        data = dict(data)
        place = data.pop("place", None)
        choices = data.pop("choices", [])
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(place=PlaceMemo(**place) if place else None,
                   choices=[PlaceMemo(**c) for c in choices], **known)


def load(session: Session, key: str, now: datetime) -> State:
    row = session.get(ConversationRow, key_hash(key))
    if row is None:
        return State()
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= now:
        return State()
    return State.from_json(row.state)


def save(session: Session, key: str, state: State, now: datetime, ttl: timedelta) -> None:
    h = key_hash(key)
    row = session.get(ConversationRow, h)
    data = json.loads(json.dumps(state.to_json()))
    if row is None:
        session.add(ConversationRow(key_hash=h, state=data, expires_at=now + ttl))
    else:
        row.state = data
        row.expires_at = now + ttl


def forget(session: Session, key: str) -> int:
    """Erase everything held about this conversation; returns rows deleted."""
    result = session.execute(delete(ConversationRow).where(ConversationRow.key_hash ==
                                                          key_hash(key)))
    return result.rowcount or 0  # type: ignore[attr-defined]


def delete_expired(session: Session, now: datetime) -> int:
    result = session.execute(delete(ConversationRow).where(ConversationRow.expires_at <= now))
    return result.rowcount or 0  # type: ignore[attr-defined]


def exists(session: Session, key: str) -> bool:
    return session.scalar(select(ConversationRow.key_hash).where(
        ConversationRow.key_hash == key_hash(key))) is not None
