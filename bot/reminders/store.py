"""Meeting reminders: who asked to be reminded of which meeting, and the durable queue of
the messages that carries them out (one row per reminder and occurrence, or per change).

A reminder links a person to a meeting, which is health data (UK GDPR Art. 9), so a
`reminder` row keeps only what delivering it needs: a keyed pseudonym of the account
(bot/pseudonyms.py: how /reminders and /forget find a person's rows), the platform and
user id a direct message goes to (as broadcasts' Subscription does), the listing id, the
choice, the language, and bookkeeping. It ends by itself: after its one meeting ("an hour
before", "the morning of"), or 12 weeks after it was set (every week), whichever comes
first; a closed listing ends it too. Ended rows are deleted by the worker's next pass
(and their queue rows with them), /reminders' Stop and /forget delete them at once.

The queue (`reminder_send`) follows bot/broadcasts/store.py's Delivery: workers claim
rows with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, mark them `sending` with
their id and the time (a lease), commit, send, then mark each sent / failed / blocked.
What makes "never twice for the same occurrence" hold:

- a row is written once per (reminder, kind, key) - the key is the meeting's start for a
  reminder, the listing's new fingerprint for a change notice - under a unique
  constraint, with INSERT ... ON CONFLICT DO NOTHING, in the same transaction that moves
  the reminder on to its next occurrence: two workers planning at once write one row;
- a row marked sent is never claimed again; a worker that dies holding rows leaves them
  `sending`, and any worker takes them again once the lease is over (the few sent but not
  yet marked are the only possible repeats, as for broadcasts; Discord's nonce drops
  those).

A row's life:  pending -> sending -> sent | failed | blocked (the person blocked the bot)
                  |          |-> pending (429 or a network error: tried again later)
                  |          `-> pending again if its worker died (lease expired)
                  `-> skipped (the meeting is paused, or the reminder was changed, at
                      sending time)

Changes to a meeting. Each reminder keeps the listing's fingerprint (when and where it
meets, how to join, whether it is open: `fingerprint`) and the directory version it last
compared (`checked_in`, against the listing's `changed_in`), so a pass reads only the
listings written since. A different fingerprint writes one "change" row keyed by the new
fingerprint: each change reaches each person once, in their language, however many
workers look; the reminder's next occurrence is worked out again (a pending reminder
for a time that no longer holds is skipped).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    case,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.broadcasts.store import QueuedSend
from bot.pseudonyms import pseudonym
from directory.models import Base, Listing, UTCDateTime
from directory.schedule import LONDON, Schedule, starts_between

# What people can choose. Buttons carry positions' letters ("rmh12"), never these words.
CHOICES = ("hour", "morning", "weekly")
ONE_OFF = frozenset({"hour", "morning"})  # the next meeting only
MAX_LIFETIME = timedelta(weeks=12)
MORNING = time(8, 0)  # "the morning of", UK time
HOUR_BEFORE = timedelta(hours=1)
STATUSES = ("pending", "sending", "sent", "failed", "blocked", "skipped")
MAX_ATTEMPTS = 5
# A send row is written this long before it is due, so the claim, not the planning, is
# all that stands between a due reminder and its sending.
PLAN_AHEAD = timedelta(minutes=10)
# Sent rows of reminders still running are kept this long, then deleted (the reminder's
# next occurrence has moved on by then, so they guard nothing).
KEEP_SENT = timedelta(days=2)


class Reminder(Base):
    """Someone asked to be reminded of a meeting."""

    __tablename__ = "reminder"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = (UniqueConstraint("owner", "listing_id"), {"info": {"privacy": {
        "subjects": "people who chose Remind me on a meeting",
        "purpose": "remind them of the meeting they chose, and tell them if it changes",
        "retention": "until its last occurrence or 12 weeks after it was set, whichever is "
                     "first (or the meeting closes); Stop reminders and /forget end it at once",
        "erasure": "Stop reminders (/reminders) and /forget delete the row; the delivery "
                   "worker and `recovery-bot jobs retention` delete it once it has ended; "
                   "a delivery the platform refuses because they blocked the bot deletes "
                   "all of theirs",
        "columns": {
            "owner": "pseudonym: a keyed pseudonym of their account (bot/pseudonyms.py), to "
                     "find their reminders",
            "user_id": "identifier: the platform's user id, for the direct message",
            "listing_id": "special: which meeting they want to go to (a recovery meeting "
                          "reveals health)",
            "choice": "special: when they want to be reminded of it",
            "language": "personal: the language they chose for the bot (en, cy)",
            "created_at": "personal: when they set it",
            "ends_at": "personal: when it ends",
            "next_at": "special: when the next reminder goes (the meeting's time)",
            "occurrence": "special: the start of the meeting the next reminder is for",
        },
        "not_personal": "id platform fingerprint checked_in",
    }}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))  # delivered as a direct message
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"),
                                            index=True)
    choice: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The next message to write and the meeting it is for; None: nothing more to send
    # (the reminder has ended, or the meeting has no dates while it is paused).
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    occurrence: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The listing as last seen (`fingerprint`), at the directory version `checked_in`.
    fingerprint: Mapped[str] = mapped_column(String(64))
    checked_in: Mapped[int] = mapped_column(Integer, default=0)


class ReminderSend(QueuedSend, Base):
    """One message of a reminder: a reminder of one occurrence (kind "reminder", key its
    start), its map pin on Telegram (kind "pin", the same key: `add_pin`), or a notice
    that the meeting changed (kind "change", key the new fingerprint)."""

    __tablename__ = "reminder_send"
    __table_args__ = (
        UniqueConstraint("reminder_id", "kind", "key"),
        # The claim: waiting rows of one platform, oldest first.
        Index("ix_reminder_send_claim", "platform", "status", "not_before"),
        {"info": {"privacy": {
            "subjects": "people with a meeting reminder",
            "purpose": "the reminders' send queue: one row per occurrence or change, so "
                       "none is sent twice or lost across a worker crash",
            "retention": "with its reminder; a sent row 2 days after it was sent",
            "erasure": "deleted with its reminder (Stop reminders, /forget, its end); the "
                       "delivery worker deletes sent rows after 2 days",
            "columns": {
                "key": "special: the meeting's start (a reminder), or the listing's "
                       "fingerprint (a change)",
                "status": "personal: whether it reached them ('blocked': they blocked "
                          "the bot)",
                "not_before": "special: when it was due (the meeting's time)",
                "sent_at": "personal: when it reached them",
                "message_id": "pseudonym: the platform's id of the message in their chat",
            },
            "not_personal": "id reminder_id platform kind attempts claimed_by claimed_at "
                            "error",
        }}},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"),
                                             index=True)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # reminder | pin | change
    key: Mapped[str] = mapped_column(String(64))


# -- the meeting's times and its fingerprint ---------------------------------------------


def schedule_of(listing: Listing) -> Schedule:
    return Schedule(listing.schedule_kind, tuple(listing.days or ()),
                    tuple(listing.month_weeks or ()), listing.anchor_date,
                    listing.start_time, listing.end_time)


def fingerprint(listing: Listing) -> str:
    """What a person with a reminder must hear about when it changes: when and where it
    meets, how to join, whether it is open. Nothing else (a new description is not news)."""
    what = [listing.schedule_kind, sorted(listing.days or ()),
            sorted(listing.month_weeks or ()), str(listing.anchor_date),
            str(listing.start_time), str(listing.end_time), listing.attendance,
            listing.venue_name, listing.address, listing.postcode, listing.online_url,
            listing.status]
    return hashlib.sha256(json.dumps(what, default=str).encode()).hexdigest()[:40]


def send_time(start: datetime, choice: str) -> datetime:
    """When the reminder of a meeting starting at `start` goes. "hour": an hour before;
    "morning" and "weekly": 08:00 UK time that day, or an hour before a meeting that
    starts before 09:00 (a breakfast meeting's reminder must come before it)."""
    if choice == "hour":
        return start - HOUR_BEFORE
    local = start.astimezone(LONDON)
    morning = datetime.combine(local.date(), MORNING, LONDON).astimezone(UTC)
    return min(morning, start - HOUR_BEFORE)


def next_reminder(listing: Listing, choice: str, after: datetime, until: datetime
                  ) -> tuple[datetime, datetime] | None:
    """(when to send, the meeting's start) of the first meeting whose reminder goes after
    `after` and starts before `until`; None if there is none (no dates known, or past the
    reminder's end)."""
    s = schedule_of(listing)
    cursor = after
    while cursor < until:
        start = starts_between(s, cursor, min(until, cursor + timedelta(days=62)))
        if start is None:
            cursor += timedelta(days=62)
            continue
        at = send_time(start, choice)
        if at > after:
            return at.astimezone(UTC), start.astimezone(UTC)
        cursor = start + timedelta(minutes=1)
    return None


# -- people's reminders --------------------------------------------------------------------


def owner_of(platform: str, user_id: str) -> str:
    """The keyed pseudonym a person's reminders are found by."""
    return pseudonym("reminder", platform, user_id)


def reminders(session: Session, platform: str, user_id: str) -> list[Reminder]:
    return list(session.scalars(select(Reminder).where(
        Reminder.owner == owner_of(platform, user_id)).order_by(Reminder.id)))


def set_reminder(session: Session, platform: str, user_id: str, listing: Listing,
                 choice: str, language: str, now: datetime) -> Reminder | None:
    """Create, or replace, someone's reminder of a meeting. None if the meeting has no
    meeting within 12 weeks to remind them of (no dates known)."""
    if choice not in CHOICES:
        raise ValueError(f"reminder choice {choice!r} is not one of {CHOICES}")
    ends = now + MAX_LIFETIME
    nxt = next_reminder(listing, choice, now, ends)
    if nxt is None:
        return None
    owner = owner_of(platform, user_id)
    row = session.scalar(select(Reminder).where(Reminder.owner == owner,
                                                Reminder.listing_id == listing.id))
    if row is None:
        row = Reminder(owner=owner, platform=platform, user_id=user_id,
                       listing_id=listing.id)
        session.add(row)
    else:  # a new choice: what was planned for the old one goes
        session.execute(delete(ReminderSend).where(ReminderSend.reminder_id == row.id,
                                                   ReminderSend.status == "pending"))
    row.choice, row.language, row.created_at = choice, language, now
    row.ends_at = nxt[1] + timedelta(minutes=1) if choice in ONE_OFF else ends
    row.next_at, row.occurrence = nxt
    row.fingerprint, row.checked_in = fingerprint(listing), listing.changed_in or 0
    session.flush()
    return row


def stop(session: Session, platform: str, user_id: str, reminder_id: int) -> Reminder | None:
    """Delete one of the person's reminders (with its queue rows); None if it is not
    theirs or already gone."""
    row = session.get(Reminder, reminder_id)
    if row is None or row.owner != owner_of(platform, user_id):
        return None
    session.delete(row)
    session.execute(delete(ReminderSend).where(ReminderSend.reminder_id == reminder_id))
    session.flush()
    return row


def forget(session: Session, platform: str, user_id: str) -> int:
    """/forget: every reminder of the person, and their queue rows."""
    ids = select(Reminder.id).where(Reminder.owner == owner_of(platform, user_id))
    session.execute(delete(ReminderSend).where(ReminderSend.reminder_id.in_(ids))
                    .execution_options(synchronize_session=False))
    result = session.execute(delete(Reminder).where(
        Reminder.owner == owner_of(platform, user_id))
        .execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined]


def set_language(session: Session, platform: str, user_id: str, language: str) -> None:
    session.execute(update(Reminder).where(Reminder.owner == owner_of(platform, user_id))
                    .values(language=language))


# -- planning: reminders -> queue rows -------------------------------------------------------


def _insert_send(session: Session, rows: list[dict]) -> None:
    """Queue rows, each at most once (the unique constraint; ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(upsert(ReminderSend).values(rows).on_conflict_do_nothing(
        index_elements=["reminder_id", "kind", "key"]))


def _for_update(session: Session, q):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        return q.with_for_update(of=Reminder, skip_locked=True)
    return q


def plan(session: Session, now: datetime, limit: int = 2000) -> int:
    """One planning pass; the caller commits. Returns the rows considered.

    1. Listings written since a reminder last looked (changed_in > checked_in): a new
       fingerprint queues one change notice and works the next occurrence out again;
       a closed listing ends its reminders after the notice.
    2. Reminders whose next message is due within PLAN_AHEAD: its queue row is written
       (due at its time) and the reminder moves on to the following occurrence, or ends.
    3. Ended reminders with nothing left to send are deleted, and old sent rows.
    Reminders are locked with SKIP LOCKED on PostgreSQL, so workers share the work."""
    done = 0
    changed = session.execute(_for_update(session, select(Reminder, Listing)
                              .join(Listing, Listing.id == Reminder.listing_id)
                              .where(Listing.changed_in > Reminder.checked_in)
                              .order_by(Reminder.id).limit(limit))).all()
    notices = []
    for reminder, listing in changed:
        done += 1
        reminder.checked_in = listing.changed_in
        new = fingerprint(listing)
        if new == reminder.fingerprint:
            continue
        reminder.fingerprint = new
        notices.append({"reminder_id": reminder.id, "platform": reminder.platform,
                        "kind": "change", "key": new, "status": "pending",
                        "not_before": now, "attempts": 0})
        # What was planned for the old times goes (none of it was sent: a row being
        # sent is left to finish); the next occurrence is worked out again from the new
        # times, and planned below if it is near.
        session.execute(delete(ReminderSend).where(
            ReminderSend.reminder_id == reminder.id, ReminderSend.kind == "reminder",
            ReminderSend.status == "pending"))
        _move_on(reminder, listing, now, retarget=True)
    _insert_send(session, notices)

    due = session.execute(_for_update(session, select(Reminder, Listing)
                          .join(Listing, Listing.id == Reminder.listing_id)
                          .where(Reminder.next_at <= now + PLAN_AHEAD)
                          .order_by(Reminder.next_at).limit(limit))).all()
    rows = []
    for reminder, listing in due:
        done += 1
        assert reminder.next_at is not None and reminder.occurrence is not None
        meets = listing.status == "active"
        if meets:
            rows.append({"reminder_id": reminder.id, "platform": reminder.platform,
                         "kind": "reminder", "key": reminder.occurrence.isoformat(),
                         "status": "pending", "not_before": reminder.next_at,
                         "attempts": 0})
        # A paused meeting's occurrence is passed over: a reminder of "the next
        # meeting" waits for the next one that happens.
        _move_on(reminder, listing, reminder.next_at, retarget=not meets)
    _insert_send(session, rows)

    delete_ended(session, now, limit)
    return done


def delete_ended(session: Session, now: datetime, limit: int | None = None) -> int:
    """Delete reminders that have ended (after their last meeting, 12 weeks, or their
    meeting closing) with nothing of them waiting to be sent, their sent rows with them,
    and other sent rows after KEEP_SENT: how many reminders went. Run by each delivery
    worker pass and by `recovery-bot jobs retention` (bot/retention.py), so they go even
    where no worker runs."""
    waiting = select(ReminderSend.id).where(ReminderSend.reminder_id == Reminder.id,
                                            ReminderSend.status.in_(("pending", "sending")))
    query = select(Reminder.id).where(
        or_(Reminder.ends_at <= now, Reminder.next_at.is_(None)), ~waiting.exists())
    ended = list(session.scalars(query.limit(limit) if limit is not None else query))
    if ended:
        session.execute(delete(ReminderSend).where(ReminderSend.reminder_id.in_(ended)))
        session.execute(delete(Reminder).where(Reminder.id.in_(ended)))
    session.execute(delete(ReminderSend).where(
        ReminderSend.status.in_(("sent", "skipped", "failed")),
        func.coalesce(ReminderSend.sent_at, ReminderSend.not_before) < now - KEEP_SENT))
    return len(ended)


def _move_on(reminder: Reminder, listing: Listing, after: datetime, retarget: bool) -> None:
    """The reminder's next message after `after`, or none: it has ended, or the meeting
    closed or has no dates now. `retarget`: the meeting a one-off reminder was for
    moved or is not happening, so it is for the next one instead (within 12 weeks of
    when it was set)."""
    if listing.status == "closed":
        reminder.next_at = reminder.occurrence = None
        return
    one_off = reminder.choice in ONE_OFF
    until = reminder.created_at + MAX_LIFETIME if one_off and retarget else reminder.ends_at
    nxt = next_reminder(listing, reminder.choice, after, until)
    reminder.next_at, reminder.occurrence = nxt if nxt is not None else (None, None)
    if one_off and retarget and nxt is not None:
        reminder.ends_at = nxt[1] + timedelta(minutes=1)


# -- the queue, for workers ------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    reminder_id: int
    platform: str
    user_id: str
    kind: str  # reminder | pin | change
    key: str
    attempts: int

    @property
    def nonce(self) -> str:
        """The same for every attempt at this row (Discord drops a repeat with the nonce
        of one it already has). At most 25 characters."""
        return f"rcr{self.id}"


def claim(session: Session, platform: str, worker: str, now: datetime, lease: timedelta,
          limit: int = 25) -> list[Claimed]:
    """Take up to `limit` due rows of a platform: pending ones, and `sending` ones whose
    worker has not finished them within `lease` (it died). SKIP LOCKED on PostgreSQL;
    marked `sending` with this worker's id, committed by the caller before sending."""
    stale = now - lease
    q = (select(ReminderSend.id, ReminderSend.reminder_id, ReminderSend.kind,
                ReminderSend.key, ReminderSend.attempts, Reminder.user_id)
         .join(Reminder, Reminder.id == ReminderSend.reminder_id)
         .where(ReminderSend.platform == platform, ReminderSend.not_before <= now,
                or_(ReminderSend.status == "pending",
                    and_(ReminderSend.status == "sending", ReminderSend.claimed_at < stale)))
         # Map pins after every reminder due: each reminder's text is on time first.
         .order_by(case((ReminderSend.kind == "pin", 1), else_=0), ReminderSend.not_before,
                   ReminderSend.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=ReminderSend, skip_locked=True)
    rows = session.execute(q).all()
    if not rows:
        return []
    session.execute(update(ReminderSend).where(ReminderSend.id.in_([r.id for r in rows]))
                    .values(status="sending", claimed_by=worker, claimed_at=now,
                            attempts=ReminderSend.attempts + 1))
    return [Claimed(r.id, r.reminder_id, platform, r.user_id, r.kind, r.key, r.attempts + 1)
            for r in rows]


def _mine(row_id: int, worker: str) -> object:
    return and_(ReminderSend.id == row_id, ReminderSend.claimed_by == worker,
                ReminderSend.status == "sending")


def finish(session: Session, row_id: int, worker: str, status: str, now: datetime,
           message_id: str | None = None, error: str | None = None) -> bool:
    """Mark a claimed row sent, failed or skipped; False if it is no longer this
    worker's (it stalled past its lease)."""
    result = session.execute(update(ReminderSend).where(_mine(row_id, worker)).values(
        status=status, sent_at=now if status == "sent" else None, message_id=message_id,
        error=(error or None) and error[:64]))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_pin(session: Session, row: Claimed, now: datetime) -> None:
    """After a reminder's text on Telegram, its map pin (a venue: a second message) as a
    row of its own, claimed after every reminder due (`claim`) and at least a second
    after the text (Telegram's one message a second in a chat). Once per occurrence."""
    _insert_send(session, [{"reminder_id": row.reminder_id, "platform": row.platform,
                            "kind": "pin", "key": row.key, "status": "pending",
                            "not_before": now + timedelta(seconds=1), "attempts": 0}])


def release(session: Session, row_id: int, worker: str, not_before: datetime,
            error: str) -> None:
    """Back to pending, to be tried again from `not_before` (429, network trouble)."""
    session.execute(update(ReminderSend).where(_mine(row_id, worker)).values(
        status="pending", not_before=not_before, claimed_by=None, claimed_at=None,
        error=error[:64]))


def blocked(session: Session, row: Claimed, worker: str) -> None:
    """The person blocked the bot: this row is marked, and every reminder of theirs
    deleted (nobody is left to remind)."""
    session.execute(update(ReminderSend).where(_mine(row.id, worker)).values(
        status="blocked", error="blocked"))
    owner = session.scalar(select(Reminder.owner).where(Reminder.id == row.reminder_id))
    if owner is not None:
        ids = select(Reminder.id).where(Reminder.owner == owner)
        session.execute(delete(ReminderSend).where(ReminderSend.reminder_id.in_(ids))
                        .execution_options(synchronize_session=False))
        session.execute(delete(Reminder).where(Reminder.owner == owner)
                        .execution_options(synchronize_session=False))


def due(session: Session, platform: str, now: datetime, lease: timedelta) -> bool:
    """Is anything waiting for this platform now (or held by a dead worker), or a
    reminder to plan?"""
    if session.scalar(select(Reminder.id).where(Reminder.platform == platform,
                                                Reminder.next_at <= now).limit(1)):
        return True
    return session.scalar(select(ReminderSend.id).where(
        ReminderSend.platform == platform, ReminderSend.not_before <= now,
        or_(ReminderSend.status == "pending",
            and_(ReminderSend.status == "sending", ReminderSend.claimed_at < now - lease))
    ).limit(1)) is not None
