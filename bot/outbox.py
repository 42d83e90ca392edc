"""Messages the bot starts itself (review outcomes, stale reminders, problem reports for
curators): written as rows in the same transaction as the change that caused them, then
delivered by whichever process serves that platform. A crash between the two loses
nothing; workers claim rows with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL so two
processes never send the same row.

Each row's text is already written in its recipient's language (bot/access.py
`Person.language`; bot/volunteers/dialogue.py `notify` renders one text per language).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notification"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "volunteers and admins",
        "purpose": "messages the bot starts itself: review outcomes, stale-listing "
                   "reminders, problem reports for curators",
        "retention": "RETENTION_NOTIFICATION_DAYS after it was sent, or after it was written "
                     "if it was never sent",
        "erasure": "/forget deletes the messages to that account; `recovery-bot jobs "
                   "retention` deletes them after the period",
        "columns": {
            "user_id": "identifier: the recipient's platform user id, for a direct message",
            "text": "personal: the message: listing names, a review's outcome, an admin's "
                    "reason for a rejection",
            "created_at": "personal: when it was written to them",
            "sent_at": "personal: when it reached them",
        },
        "not_personal": "id platform attempts",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64))  # delivered as a direct message
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def enqueue(session: Session, targets: list[tuple[str, str]], text: str,
            now: datetime) -> int:
    """One row per (platform, user id); the same person's account gets one copy."""
    for platform, user_id in dict.fromkeys(targets):
        session.add(Notification(platform=platform, user_id=user_id, text=text,
                                 created_at=now, attempts=0))
    return len(dict.fromkeys(targets))


def claim(session: Session, platform: str, limit: int = 50) -> list[Notification]:
    """Unsent rows for a platform, locked for this transaction (skip rows another worker
    holds). The caller sends them, marks them sent and commits."""
    q = (select(Notification)
         .where(Notification.platform == platform, Notification.sent_at.is_(None))
         .order_by(Notification.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return list(session.scalars(q))
