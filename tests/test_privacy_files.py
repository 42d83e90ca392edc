"""Nothing left in the files: after /forget, neither the SQLite database nor its
write-ahead log holds the person's platform id or their conversation's pseudonym (a
reader of the raw files, not just of the tables, finds nothing)."""

from __future__ import annotations

from pathlib import Path

from dialogue import Chat, Clock, load_demo

from bot.state import key_hash
from directory.db import make_engine, session_factory, upgrade

CANARY_ID = "7301945526"  # a platform id that appears nowhere else


def file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal"))
                    if p.exists())


async def test_forget_leaves_no_trace_in_the_files(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    load_demo(engine)
    chat = Chat(session_factory(engine), Clock(), user=CANARY_ID, platform="telegram")
    chat.ref = type(chat.ref)("telegram", CANARY_ID, CANARY_ID)
    await chat.say("/subscribe events near Leeds")  # the id itself is stored, to send
    await chat.say("alcohol support in Leeds")
    pseudonym = key_hash(chat.ref.key).encode()
    stored = file_bytes(db)
    assert CANARY_ID.encode() in stored and pseudonym in stored  # the check can see them
    await chat.say("/forget")
    await chat.tap("Yes, delete")
    stored = file_bytes(db)
    assert CANARY_ID.encode() not in stored
    assert pseudonym not in stored
    engine.dispose()


async def test_the_reply_journal_never_holds_typed_words(chat: Chat) -> None:
    """A reply may quote what someone typed ("I couldn't find ..."): it is sent, but
    the journal kept for a retry of the update has "…" in its place."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from bot import claims
    from bot.types import Incoming

    await chat.say("/start")
    await chat.tap("Alcohol")
    with chat.sessions() as s:
        claims.begin_update(s, "test", "41", datetime.now(UTC), timedelta(seconds=20))
        s.commit()
    replies = await chat.send(Incoming(chat.ref, text="Harrowgait", update_id="41"))
    assert any("Harrowgait" in r.text for r in replies)  # the person sees their word
    with chat.sessions() as s:
        journal = s.scalar(select(claims.ProcessedUpdate.replies))
    assert journal and "Harrowgait" not in str(journal)
    assert any('"…"' in r["text"] for r in journal)
