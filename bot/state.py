"""Conversation state, stored per conversation in the database (never in memory or
pickles), so any process can carry on any conversation and nothing is lost on restart.

The key is a keyed pseudonym (HMAC) of the platform and ids, so the table holds no platform
identifiers; state holds only what the bot understood (need codes, a coarse place), never
what the person typed, and expires.

Which platform updates have been answered, and the replies being sent, are
bot/claims.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import JSON, Boolean, String, bindparam, delete, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.pseudonyms import pseudonym
from directory.models import Base, UTCDateTime


class ConversationRow(Base):
    __tablename__ = "conversation"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "people seeking help (one row per chat), and volunteers in a guided flow",
        "purpose": "carry a conversation on between messages and processes: what the "
                   "person is looking for, and roughly where",
        "retention": "CONVERSATION_TTL_HOURS after the person's last message (expires_at)",
        "erasure": "/forget deletes the row of the chat it was sent in at once (other "
                   "chats' rows expire); `recovery-bot jobs retention` deletes expired rows",
        "columns": {
            "key_hash": "pseudonym: HMAC-SHA256 of the platform, chat and user ids under "
                        "PSEUDONYM_KEY, never the ids",
            "state": "special: need codes (what they want help with: alcohol, drugs, "
                     "gambling, ...), a place rounded to about 1 km and its name, the ids of "
                     "listings shown and opened; a volunteer's flow (ids, the field being "
                     "edited, a new group's values); the language spoken (en, cy)",
            "expires_at": "personal: when the person last wrote (plus the TTL)",
            "active": "personal: false once the platform said they blocked the bot",
        },
    }}},)

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # False once the platform said the person cannot be reached (blocked the bot, closed
    # their DMs): nothing more is sent until they write again.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


def key_hash(key: str) -> str:
    """The conversation's storage key: a keyed pseudonym (bot/pseudonyms.py)."""
    return pseudonym("conversation", key)


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
    # A volunteer's guided flow (bot/volunteers/dialogue.py): ids and the field being edited;
    # for /addgroup, the new group's values. Never a person seeking help's words.
    flow: dict = field(default_factory=dict)
    # The last reply asked for a location and no turn has ended that yet (see
    # Reply.dismiss_location): which keyboard shows is state, not one process's memory.
    location_asked: bool = False
    # What the results are narrowed to (directory/filters.py Filters.to_json: codes
    # such as "women", "step_free", "tonight"; never the words typed).
    filters: dict = field(default_factory=dict)
    # The language the bot speaks here ("en", "cy"; "" until the first message chose
    # it): detected from that message, or set with /language (/iaith).
    language: str = ""

    def to_json(self) -> dict:
        # By hand rather than dataclasses.asdict, whose deep copies showed up as 6% of a
        # turn in benchmarks/conversation.py. Values are JSON types already.
        def memo(p: PlaceMemo) -> dict:
            return {"label": p.label, "latitude": p.latitude, "longitude": p.longitude}
        return {
            "step": str(self.step), "needs": list(self.needs),
            "place": memo(self.place) if self.place else None,
            "online_only": self.online_only, "today_only": self.today_only,
            "offset": self.offset, "results": list(self.results),
            "choices": [memo(c) for c in self.choices],
            "listing": self.listing, "flow": dict(self.flow),
            "location_asked": self.location_asked, "filters": dict(self.filters),
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: dict) -> State:
        data = dict(data)
        place = data.pop("place", None)
        choices = data.pop("choices", [])
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(place=PlaceMemo(**place) if place else None,
                   choices=[PlaceMemo(**c) for c in choices], **known)


# load and save run on every message, so each is one statement prepared once: a select,
# and an insert-or-update (the same ON CONFLICT syntax on PostgreSQL and SQLite). Built
# per call, or through the ORM's identity map and unit of work, they cost several times
# more than the database work itself (benchmarks/conversation.py).
_LOAD = text("SELECT state, expires_at FROM conversation WHERE key_hash = :h").columns(
    state=JSON, expires_at=UTCDateTime())
_SAVE = text(
    "INSERT INTO conversation (key_hash, state, expires_at, active) "
    "VALUES (:h, :state, :expires, :active) "
    "ON CONFLICT (key_hash) DO UPDATE SET state = excluded.state, "
    "expires_at = excluded.expires_at, active = excluded.active"
).bindparams(bindparam("state", type_=JSON), bindparam("expires", type_=UTCDateTime()),
             bindparam("active", type_=Boolean))
_UPSERT_DIALECTS = ("postgresql", "sqlite")


def load(session: Session, key: str, now: datetime) -> State:
    # On the session's Connection, not Session.execute: same transaction, without the
    # ORM's per-statement layer (a fifth of a turn in benchmarks/conversation.py).
    row = session.connection().execute(_LOAD, {"h": key_hash(key)}).first()
    if row is None:
        return State()
    data, expires = row
    if expires <= now:
        return State()
    return State.from_json(data)


def save(session: Session, key: str, state: State, now: datetime, ttl: timedelta) -> None:
    h = key_hash(key)
    data = state.to_json()
    if session.get_bind().dialect.name in _UPSERT_DIALECTS:
        session.connection().execute(
            _SAVE, {"h": h, "state": data, "expires": now + ttl, "active": True})
        return
    row = session.get(ConversationRow, h)  # pragma: no cover - other backends
    if row is None:
        session.add(ConversationRow(key_hash=h, state=data, expires_at=now + ttl, active=True))
    else:
        row.state = data
        row.expires_at = now + ttl
        row.active = True


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


def mark_inactive(session: Session, key: str) -> None:
    session.execute(update(ConversationRow).where(ConversationRow.key_hash == key_hash(key))
                    .values(active=False))


def is_active(session: Session, key: str) -> bool:
    active = session.scalar(select(ConversationRow.active).where(
        ConversationRow.key_hash == key_hash(key)))
    return active is not False
