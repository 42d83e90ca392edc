"""Platform updates claimed for answering, and the reply journal (table
processed_update).

A webhook retry or a second process must not answer the same message twice (Telegram
retries until it gets a 2xx), and a process that dies mid-turn must lose nothing: an
update is claimed before its turn (begin_update), the turn's replies are journalled in
the transaction that saves the conversation state (record_replies; the state is
bot/state.py's), and each message sent moves the claim on (progress_update). A claim
whose process died is taken over with its journal, so the rest of the replies go out
without the turn running again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
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


class ProcessedUpdate(Base):
    """Platform updates claimed for answering, so a webhook retry or a second process
    does not answer the same message twice (Telegram retries until it gets a 2xx), and
    a process that dies mid-turn loses nothing: see begin_update."""

    __tablename__ = "processed_update"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "people writing to the bot (the update being answered)",
        "purpose": "answer each platform update once, and finish sending a turn's replies "
                   "after a crash",
        "retention": "2 days after the update was claimed (no platform delivers it again "
                     "after that)",
        "erasure": "`recovery-bot jobs retention`; /forget does not need to: the row holds "
                   "no id of the person",
        "columns": {
            "update_id": "pseudonym: the platform's id of the update (only the platform can "
                         "tell whose it was)",
            "seen_at": "personal: when the update was claimed: about when the person wrote",
            "replies": {"holds": "special: what the bot answered in one turn (listings, "
                                 "places, a crisis reply), with any words the person typed "
                                 "replaced by '…'",
                        "retention": "while the replies are being sent",
                        "erasure": "cleared as soon as the update is done"},
        },
        "not_personal": "platform done owner sent",
    }}},)

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
