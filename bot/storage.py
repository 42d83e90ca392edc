"""Conversation state, stored per conversation in the database (never in memory or
pickles), so any process can carry on any conversation and nothing is lost on restart.

The key is a SHA-256 hash of the platform and ids, so the table holds no platform
identifiers; state holds only what the bot understood (need codes, a coarse place), never
what the person typed, and expires.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Integer,
    String,
    bindparam,
    delete,
    insert,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base, UTCDateTime


class ConversationRow(Base):
    __tablename__ = "conversation"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # False once the platform said the person cannot be reached (blocked the bot, closed
    # their DMs): nothing more is sent until they write again.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProcessedUpdate(Base):
    """Platform updates claimed for answering, so a webhook retry or a second process
    does not answer the same message twice (Telegram retries until it gets a 2xx), and
    a process that dies mid-turn loses nothing: see begin_update."""

    __tablename__ = "processed_update"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # When claimed, moved on by every message sent: the claim's lease runs from here.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # False while a process is answering it; a claim not moved on within its lease is
    # taken over by a retry.
    done: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The claim's holder (random per claim): a process whose claim was taken over stops
    # sending rather than send the same replies as the new holder.
    owner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The turn's replies (Reply.to_json), written in the same transaction as the
    # conversation state they came from, and how many of the messages rendered from them
    # have gone out. A takeover sends the rest: it never runs the turn a second time on
    # state that has already moved on. Cleared when the update is done: they are what
    # the bot said to someone, kept only while they are being sent.
    replies: Mapped[list | None] = mapped_column(JSON, nullable=True)
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


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
    # A volunteer's guided flow (bot/volunteering.py): ids and the field being edited;
    # for /addgroup, the new group's values. Never a person seeking help's words.
    flow: dict = field(default_factory=dict)
    # The last reply asked for a location and no turn has ended that yet (see
    # Reply.dismiss_location): which keyboard shows is state, not one process's memory.
    location_asked: bool = False

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
            "location_asked": self.location_asked,
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


def claim_update(session: Session, platform: str, update_id: str, now: datetime) -> bool:
    """True the first time an update is seen, False for a repeat. Atomic across
    processes: the primary key decides, inside the caller's transaction."""
    dialect = session.get_bind().dialect.name
    values = {"platform": platform, "update_id": update_id, "seen_at": now}
    if dialect in ("postgresql", "sqlite"):
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        # RETURNING gives a row only when the row was inserted. rowcount cannot be
        # trusted here: psycopg 3 through SQLAlchemy reports -1, which bool() made True.
        stmt = (upsert(ProcessedUpdate).values(**values).on_conflict_do_nothing()
                .returning(ProcessedUpdate.update_id))
        return session.execute(stmt).first() is not None
    # Other backends: the primary key refuses a repeat.
    result = session.execute(insert(ProcessedUpdate).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claim:
    """The outcome of begin_update. status: "first" (answer it), "done" (already
    answered: ignore), or "busy" (another process is answering it right now: ask the
    platform to retry later). A "first" that took over a dead process's claim carries
    that turn's journal: its replies (None if the turn never committed) and how many
    messages had gone out."""

    status: str
    owner: str = ""
    replies: list[dict] | None = None
    sent: int = 0


def begin_update(session: Session, platform: str, update_id: str, now: datetime,
                 lease: timedelta) -> Claim:
    """Claim an update for answering (see Claim). A claim not moved on for `lease`
    belonged to a process that died: it is taken over, with its journal."""
    dialect = session.get_bind().dialect.name
    owner = secrets.token_hex(8)
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - other backends
        first = claim_update(session, platform, update_id, now)
        return Claim("first" if first else "done")
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = session.execute(
        upsert(ProcessedUpdate).values(platform=platform, update_id=update_id, seen_at=now,
                                       done=False, owner=owner, sent=0)
        .on_conflict_do_nothing().returning(ProcessedUpdate.update_id)).first()
    if inserted is not None:
        return Claim("first", owner)
    # Take over a stale claim atomically: only one retry can move seen_at forward.
    taken = session.execute(
        update(ProcessedUpdate)
        .where(ProcessedUpdate.platform == platform, ProcessedUpdate.update_id == update_id,
               ProcessedUpdate.done.is_(False), ProcessedUpdate.seen_at < now - lease)
        .values(seen_at=now, owner=owner)
        .returning(ProcessedUpdate.replies, ProcessedUpdate.sent)
    ).first()
    if taken is not None:
        replies, sent = taken
        return Claim("first", owner, replies, sent or 0)
    done = session.scalar(select(ProcessedUpdate.done).where(
        ProcessedUpdate.platform == platform, ProcessedUpdate.update_id == update_id))
    return Claim("done" if done is not False else "busy")


def record_replies(session: Session, platform: str, update_id: str,
                   replies: list[dict]) -> None:
    """Journal a turn's replies, in the caller's transaction: the one that saves the
    conversation state the turn moved to, so the two are committed together or not at
    all. Nothing happens if the update was not claimed (the claim failed)."""
    session.connection().execute(_RECORD, {"p": platform, "u": update_id, "r": replies})


_RECORD = text(
    "UPDATE processed_update SET replies = :r WHERE platform = :p AND update_id = :u "
    "AND done = :f").bindparams(bindparam("r", type_=JSON), bindparam("f", value=False))


def progress_update(session: Session, platform: str, update_id: str, owner: str, sent: int,
                    now: datetime, done: bool = False) -> bool:
    """Record that `sent` messages of the update's reply have gone out, moving the lease
    on; `done` finishes the update and clears its journal. False if this owner no longer
    holds the claim (its lease ran out and another process took the update over): the
    caller must then stop sending."""
    values: dict[str, object] = {"sent": sent, "seen_at": now}
    if done:
        values.update(done=True, replies=None)
    held = session.execute(
        update(ProcessedUpdate)
        .where(ProcessedUpdate.platform == platform, ProcessedUpdate.update_id == update_id,
               ProcessedUpdate.owner == owner, ProcessedUpdate.done.is_(False))
        .values(**values).returning(ProcessedUpdate.update_id)).first()
    return held is not None


def delete_processed_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < cutoff))
    return result.rowcount or 0  # type: ignore[attr-defined]
