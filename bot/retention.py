"""Retention: delete what we no longer need, after the periods promised in /privacy and
in the README ("Privacy: what is kept, and for how long"). Run by
`recovery-bot jobs retention` (from cron, or a scheduled container); safe to run from
several places at once and as often as you like (plain DELETEs by age).

What goes, and when:
- conversation state: once it has expired (CONVERSATION_TTL_HOURS after the last
  message; a conversation's `expires_at`);
- processed update ids (duplicate detection): after 2 days, when no platform can
  deliver the same update again (Telegram keeps undelivered updates 24 hours);
- problem reports about a listing: RETENTION_REPORT_DAYS after they were made, resolved
  or not. They name nobody, but an unresolved report six months old describes a listing
  that has since been through the stale-listing reminders: it is no longer a useful
  signal, and "deleted after N days" is a promise people can check;
- notifications to volunteers and admins (bot/outbox.py; they hold a platform user id):
  RETENTION_NOTIFICATION_DAYS after they were sent, or after they were written if they
  were never sent (nobody serves that platform any more);
- broadcast delivery rows (bot/broadcasts/store.py; platform user ids) once finished -
  sent, failed, unsubscribed or cancelled - RETENTION_DELIVERY_DAYS after they finished.
  Rows still pending or being sent are never touched. The broadcast itself (the admin's
  text, no recipient) stays, so its report reads 0 after that;
- drafts - a volunteer's change never confirmed or left unconfirmed (directory/curation.py
  ABANDONED; they hold what was typed) and an admin's broadcast never sent - once the
  conversation that wrote them has expired: CONVERSATION_TTL_HOURS after they were
  started (the flow that could finish them lives in that conversation's state);
- meeting reminders (bot/reminders/store.py: a pseudonym, a platform id, a meeting):
  once they have ended (after their last meeting, 12 weeks, or the meeting closing) and
  nothing of them waits to be sent; the delivery worker deletes them too;
- the audit log of privileged commands (bot/access.py AuditEvent: a person id or an
  account pseudonym, the command, allowed or not): RETENTION_AUDIT_DAYS (365) after the
  command.

Every function takes the caller's session and does not commit (the SQLAlchemy session
rule); `apply` runs them all and returns what each deleted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_
from sqlalchemy.orm import Session

from bot import claims, state
from bot.access import AuditEvent
from bot.broadcasts.store import Broadcast, Delivery
from bot.outbox import Notification
from bot.reminders import store as reminders
from directory.curation import ABANDONED, ChangeRequest
from directory.models import ProblemReport

PROCESSED_UPDATES_KEPT = timedelta(days=2)
FINISHED_DELIVERY = ("sent", "failed", "unsubscribed", "cancelled")


@dataclass(frozen=True)
class Periods:
    """How long each kind of row is kept (conversation state carries its own expiry)."""

    reports: timedelta = timedelta(days=180)
    notifications: timedelta = timedelta(days=30)
    deliveries: timedelta = timedelta(days=30)
    processed_updates: timedelta = PROCESSED_UPDATES_KEPT
    audit: timedelta = timedelta(days=365)
    drafts: timedelta = timedelta(hours=24)  # the conversation TTL

    @classmethod
    def days(cls, reports: float, notifications: float, deliveries: float,
             audit: float = 365, drafts_hours: float = 24) -> Periods:
        return cls(timedelta(days=reports), timedelta(days=notifications),
                   timedelta(days=deliveries), audit=timedelta(days=audit),
                   drafts=timedelta(hours=drafts_hours))


@dataclass(frozen=True)
class Deleted:
    conversations: int = 0
    processed_updates: int = 0
    reports: int = 0
    notifications: int = 0
    deliveries: int = 0
    draft_changes: int = 0
    draft_broadcasts: int = 0
    audit_events: int = 0
    reminders: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count(result: object) -> int:
    return max(getattr(result, "rowcount", 0) or 0, 0)


def delete_reports(session: Session, cutoff: datetime) -> int:
    return _count(session.execute(delete(ProblemReport)
                                  .where(ProblemReport.created_at < cutoff)))


def delete_notifications(session: Session, cutoff: datetime) -> int:
    return _count(session.execute(delete(Notification).where(or_(
        Notification.sent_at < cutoff,
        and_(Notification.sent_at.is_(None), Notification.created_at < cutoff)))))


def delete_deliveries(session: Session, cutoff: datetime) -> int:
    # When a row finished: sent_at for sent rows, its last claim for failed and
    # unsubscribed ones, its due time for rows cancelled before anyone claimed them.
    finished_at = func.coalesce(Delivery.sent_at, Delivery.claimed_at, Delivery.not_before)
    return _count(session.execute(
        delete(Delivery).where(Delivery.status.in_(FINISHED_DELIVERY), finished_at < cutoff)
        .execution_options(synchronize_session=False)))


def delete_draft_changes(session: Session, cutoff: datetime) -> int:
    return _count(session.execute(
        delete(ChangeRequest).where(ChangeRequest.status.in_(ABANDONED),
                                    ChangeRequest.created_at < cutoff)
        .execution_options(synchronize_session=False)))


def delete_draft_broadcasts(session: Session, cutoff: datetime) -> int:
    return _count(session.execute(
        delete(Broadcast).where(Broadcast.status == "draft", Broadcast.created_at < cutoff)
        .execution_options(synchronize_session=False)))


def delete_audit_events(session: Session, cutoff: datetime) -> int:
    return _count(session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)
                                  .execution_options(synchronize_session=False)))


def apply(session: Session, now: datetime, periods: Periods | None = None) -> Deleted:
    """Delete everything past its period; the caller commits."""
    p = periods or Periods()
    return Deleted(
        conversations=state.delete_expired(session, now),
        processed_updates=claims.delete_processed_before(session, now - p.processed_updates),
        reports=delete_reports(session, now - p.reports),
        notifications=delete_notifications(session, now - p.notifications),
        deliveries=delete_deliveries(session, now - p.deliveries),
        draft_changes=delete_draft_changes(session, now - p.drafts),
        draft_broadcasts=delete_draft_broadcasts(session, now - p.drafts),
        audit_events=delete_audit_events(session, now - p.audit),
        reminders=reminders.delete_ended(session, now),
    )
