"""Retention (bot/retention.py, `recovery-bot jobs retention`): each kind of row is
deleted exactly when its period is over, and nothing else is touched - on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot import claims, retention, state
from bot.access import AuditEvent
from bot.broadcasts.store import Broadcast, Delivery
from bot.claims import ProcessedUpdate
from bot.conversation import Config
from bot.outbox import Notification
from bot.reminders import store as reminders
from bot.state import ConversationRow, State
from directory.curation import ChangeRequest
from directory.models import Listing, Organisation, ProblemReport
from directory.records import ListingRecord, OrganisationRecord
from directory.repository import upsert_listing, upsert_organisation

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def _listing(session: Session) -> Listing:
    org = Organisation(slug="org", kind="lero", name="Org", created_at=NOW, updated_at=NOW)
    listing = Listing(slug="l", organisation=org, name="L", created_at=NOW, updated_at=NOW)
    session.add_all([org, listing])
    session.flush()
    return listing


def _populate(session: Session) -> None:
    """Each kind of row just inside and just past its period (defaults: reports 180 days,
    notifications and deliveries 30, processed updates 2)."""
    ttl = timedelta(hours=24)
    # Conversations: saved 25 hours ago (expired) and 23 hours ago (live).
    state.save(session, "telegram:1:1", State(step="needs"), NOW - 25 * ttl / 24, ttl)
    state.save(session, "telegram:2:2", State(step="place"), NOW - 23 * ttl / 24, ttl)
    state.save(session, "telegram:3:3", State(), NOW - ttl, ttl)  # expires exactly now
    # Processed updates.
    for uid, age in (("old", 2 * DAY + SECOND), ("recent", 2 * DAY - SECOND)):
        claims.claim_update(session, "telegram", uid, NOW - age)
    # Problem reports: by age, resolved or not.
    listing = _listing(session)
    for reason, age, resolved in (("wrong_time", 181 * DAY, None),
                                  ("closed", 181 * DAY, NOW - 100 * DAY),
                                  ("wrong_place", 179 * DAY, None),
                                  ("other", 179 * DAY, NOW - DAY)):
        session.add(ProblemReport(listing_id=listing.id, reason=reason,
                                  created_at=NOW - age, resolved_at=resolved))
    # Notifications: sent long ago / recently; never sent, written long ago / recently.
    for user, created, sent in (("sent-old", NOW - 40 * DAY, NOW - 31 * DAY),
                                ("sent-recent", NOW - 40 * DAY, NOW - 29 * DAY),
                                ("unsent-old", NOW - 31 * DAY, None),
                                ("unsent-recent", NOW - 29 * DAY, None)):
        session.add(Notification(platform="telegram", user_id=user, text="x",
                                 created_at=created, sent_at=sent, attempts=0))
    # Broadcast deliveries: finished long ago (each way of finishing), finished recently,
    # and unfinished rows however old.
    b = Broadcast(text="hello", created_at=NOW - 60 * DAY, status="queued",
                  audience={"kind": "everyone"}, recipients=0)
    session.add(b)
    session.flush()
    old, recent = NOW - 31 * DAY, NOW - 29 * DAY
    rows = [
        ("sent-old", "sent", dict(sent_at=old, claimed_at=old)),
        ("failed-old", "failed", dict(claimed_at=old)),
        ("unsub-old", "unsubscribed", dict(claimed_at=old)),
        ("cancelled-old", "cancelled", dict()),
        ("sent-recent", "sent", dict(sent_at=recent, claimed_at=old)),
        ("failed-recent", "failed", dict(claimed_at=recent)),
        ("pending-old", "pending", dict()),
        ("sending-old", "sending", dict(claimed_at=old)),
    ]
    for user, status, extra in rows:
        session.add(Delivery(broadcast_id=b.id, platform="telegram", user_id=user,
                             status=status, not_before=old, attempts=1, **extra))
    session.commit()


def _populate_drafts_and_audit(session: Session) -> None:
    """Volunteers' changes and admins' broadcasts, drafted or not, either side of the
    conversation TTL (24 hours); audit rows either side of 365 days."""
    listing = session.scalar(select(Listing)) or _listing(session)
    ttl = timedelta(hours=24)
    for status, age in (("draft", ttl + SECOND), ("cancelled", ttl + SECOND),
                        ("draft", ttl - SECOND), ("cancelled", ttl - SECOND),
                        ("pending", 30 * DAY), ("applied", 30 * DAY),
                        ("rejected", 30 * DAY), ("conflict", 30 * DAY)):
        session.add(ChangeRequest(
            listing_id=listing.id, person_id=1, kind="edit", field="notes",
            before={"notes": None}, after={"notes": f"{status}, {age}"}, base_version=1,
            status=status, created_at=NOW - age))
    for status, age in (("draft", ttl + SECOND), ("draft", ttl - SECOND),
                        ("queued", 30 * DAY), ("cancelled", 30 * DAY)):
        session.add(Broadcast(text=f"{status}, {age}", created_by=1, created_at=NOW - age,
                              status=status, audience={}, recipients=0))
    for command, age in (("old", 365 * DAY + SECOND), ("recent", 365 * DAY - SECOND)):
        session.add(AuditEvent(at=NOW - age, person_id=None, account_hash="h" * 64,
                               command=command, allowed=False))
    session.commit()


def _left(session: Session) -> dict[str, set[str]]:
    return {
        "conversations": set(session.scalars(select(ConversationRow.key_hash))),
        "updates": set(session.scalars(select(ProcessedUpdate.update_id))),
        "reports": set(session.scalars(select(ProblemReport.reason))),
        "notifications": set(session.scalars(select(Notification.user_id))),
        "deliveries": set(session.scalars(select(Delivery.user_id))),
    }


def test_retention_deletes_exactly_what_is_past_its_period(session: Session) -> None:
    _populate(session)
    deleted = retention.apply(session, NOW)
    session.commit()
    assert deleted == retention.Deleted(conversations=2, processed_updates=1, reports=2,
                                        notifications=2, deliveries=4)
    left = _left(session)
    assert left["conversations"] == {state.key_hash("telegram:2:2")}
    assert left["updates"] == {"recent"}
    assert left["reports"] == {"wrong_place", "other"}  # resolved or not, by age
    assert left["notifications"] == {"sent-recent", "unsent-recent"}
    assert left["deliveries"] == {"sent-recent", "failed-recent", "pending-old",
                                  "sending-old"}
    # The directory and the broadcast itself are untouched.
    assert session.scalar(select(func.count()).select_from(Listing)) == 1
    assert session.scalar(select(func.count()).select_from(Broadcast)) == 1
    # Running it again deletes nothing more.
    assert retention.apply(session, NOW) == retention.Deleted()


def test_drafts_expire_with_the_conversation_audit_rows_after_a_year(
        session: Session) -> None:
    _populate_drafts_and_audit(session)
    deleted = retention.apply(session, NOW)
    session.commit()
    assert (deleted.draft_changes, deleted.draft_broadcasts, deleted.audit_events) == \
        (2, 1, 1)
    changes = sorted(session.execute(select(ChangeRequest.status, ChangeRequest.created_at)))
    assert [status for status, _ in changes] == [
        "applied", "cancelled", "conflict", "draft", "pending", "rejected"]
    assert all(NOW - at < timedelta(hours=24) for status, at in changes
               if status in ("draft", "cancelled"))  # the young ones stay
    assert sorted(session.scalars(select(Broadcast.status))) == \
        ["cancelled", "draft", "queued"]
    assert list(session.scalars(select(AuditEvent.command))) == ["recent"]
    assert retention.apply(session, NOW) == retention.Deleted()


def test_draft_and_audit_periods_are_configurable(session: Session) -> None:
    _populate_drafts_and_audit(session)
    periods = retention.Periods.days(180, 30, 30, audit=30, drafts_hours=1)
    deleted = retention.apply(session, NOW, periods)
    assert (deleted.draft_changes, deleted.draft_broadcasts, deleted.audit_events) == \
        (4, 2, 2)
    periods = retention.Periods(drafts=timedelta(hours=48), audit=timedelta(days=400))
    assert retention.apply(session, NOW, periods) == retention.Deleted()


def test_periods_are_configurable(session: Session) -> None:
    _populate(session)
    periods = retention.Periods.days(reports=178, notifications=45, deliveries=28)
    deleted = retention.apply(session, NOW, periods)
    session.commit()
    assert (deleted.reports, deleted.notifications, deleted.deliveries) == (4, 0, 6)
    assert _left(session)["deliveries"] == {"pending-old", "sending-old"}


def test_cli_jobs_retention(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from adapters.cli import app
    from directory.db import session_factory

    with session_factory(engine)() as session:
        _populate(session)
        _populate_drafts_and_audit(session)
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "LOAD_DEMO": "false", "RETENTION_REPORT_DAYS": "1000",
           "RETENTION_AUDIT_DAYS": "100000", "CONVERSATION_TTL_HOURS": "1000000"}
    # The command uses the real clock: everything populated is older than NOW.
    result = CliRunner().invoke(app, ["jobs", "retention", "--json"], env=env)
    assert result.exit_code == 0, result.output
    import json
    counts = json.loads(result.stdout)
    assert counts["conversations"] == 3 and counts["processed_updates"] == 2
    assert counts["notifications"] == 4
    assert counts["deliveries"] == 6 and counts["reports"] == 0
    # RETENTION_AUDIT_DAYS and the conversation TTL are the job's periods too.
    assert counts["audit_events"] == 0
    assert counts["draft_changes"] == 0 and counts["draft_broadcasts"] == 0
    result = CliRunner().invoke(app, ["jobs", "retention", "--json"],
                                env={**env, "RETENTION_AUDIT_DAYS": "1",
                                     "CONVERSATION_TTL_HOURS": "1"})
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["audit_events"] == 2
    assert counts["draft_changes"] == 4 and counts["draft_broadcasts"] == 2


def test_privacy_lists_the_periods() -> None:
    from bot.catalogue import t

    text = t("privacy_retention", report_days=180, notification_days=30, delivery_days=30,
             audit_days=365)
    assert "180 days" in text and "30 days" in text and "365 days" in text


async def test_privacy_says_how_long_the_audit_log_is_kept_and_what_forget_does(
        new_chat) -> None:  # type: ignore[no-untyped-def]
    chat = new_chat(config=Config(audit_days=90))
    await chat.say("/privacy")
    chat.expect("commands", "after 90 days", "/forget deletes", "a former volunteer")


def test_ended_reminders_go_even_where_no_delivery_worker_runs(session: Session) -> None:
    """`jobs retention` deletes reminders past their end (the worker also does), and
    leaves running ones alone."""
    upsert_organisation(session, OrganisationRecord(slug="ret-org", name="Org"), actor="t")
    upsert_listing(session, ListingRecord(
        slug="ret-weekly", organisation_slug="ret-org", name="Weekly", days=[0],
        start_time=datetime(2026, 1, 1, 19).time(), latitude=53.8, longitude=-1.55),
        actor="t")
    listing = session.scalars(select(Listing).where(Listing.slug == "ret-weekly")).one()
    running = reminders.set_reminder(session, "telegram", "1", listing, "weekly", "en", NOW)
    over = reminders.set_reminder(session, "telegram", "2", listing, "weekly", "en", NOW)
    assert running is not None and over is not None
    over.ends_at = NOW - timedelta(minutes=1)
    deleted = retention.apply(session, NOW)
    assert deleted.reminders == 1
    left = session.scalars(select(reminders.Reminder.user_id)).all()
    assert left == ["1"]
