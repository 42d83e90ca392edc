"""Update claims across processes: answered once, and never lost when a process dies
while answering (its lease runs out and a retry takes the update over)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot import storage

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
LEASE = timedelta(seconds=20)


def test_first_busy_done(session: Session) -> None:
    assert storage.begin_update(session, "telegram", "7", NOW, LEASE) == "first"
    session.commit()
    # Another process gets Telegram's retry while the first is still answering.
    assert storage.begin_update(session, "telegram", "7", NOW + timedelta(seconds=3),
                                LEASE) == "busy"
    storage.finish_update(session, "telegram", "7")
    session.commit()
    assert storage.begin_update(session, "telegram", "7", NOW + timedelta(seconds=4),
                                LEASE) == "done"


def test_a_dead_processs_claim_is_taken_over_once(session: Session) -> None:
    assert storage.begin_update(session, "telegram", "8", NOW, LEASE) == "first"
    session.commit()  # ... and the process that claimed it is killed
    later = NOW + LEASE + timedelta(seconds=1)
    assert storage.begin_update(session, "telegram", "8", later, LEASE) == "first"
    session.commit()
    # A second retry right after the takeover waits for the new owner.
    assert storage.begin_update(session, "telegram", "8", later, LEASE) == "busy"


def test_updates_are_per_platform(session: Session) -> None:
    assert storage.begin_update(session, "telegram", "9", NOW, LEASE) == "first"
    assert storage.begin_update(session, "discord", "9", NOW, LEASE) == "first"
    assert storage.claim_update(session, "discord", "10", NOW)
    assert storage.begin_update(session, "discord", "10", NOW, LEASE) == "done"
