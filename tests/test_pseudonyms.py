"""Pseudonyms a determined reader cannot reverse: what a log line or a database row calls
a person is an HMAC under a secret key, so hashing candidate ids finds nothing without
it (bot/pseudonyms.py; the key from PSEUDONYM_KEY or a 0600 key file)."""

from __future__ import annotations

import hashlib
import logging
import stat
from pathlib import Path

import pytest
from conftest import TEST_PSEUDONYM_KEY
from dialogue import Chat
from sqlalchemy import select

from adapters.settings import Settings
from adapters.wiring import pseudonym_key
from bot import access
from bot.pseudonyms import pseudonym
from bot.state import ConversationRow

TELEGRAM_ID = "5550100123"


def unkeyed_guesses(user_id: str) -> set[str]:
    """What an attacker with the id space gets by hashing candidates without the key."""
    forms = [f"telegram:{user_id}:{user_id}", f"telegram:{user_id}", user_id]
    return {h for f in forms for h in (hashlib.sha256(f.encode()).hexdigest(),
                                       hashlib.sha256(f.encode()).hexdigest()[:12])}


async def test_a_crisis_log_line_cannot_be_matched_to_the_account(
        chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    person = Chat(chat.sessions, chat.clock, user=TELEGRAM_ID, platform="telegram")
    person.ref = type(person.ref)("telegram", TELEGRAM_ID, TELEGRAM_ID)
    caplog.set_level(logging.INFO)
    await person.say("I want to end my life")
    [record] = [r for r in caplog.records if r.getMessage() == "crisis signal"]
    conv = record.conv  # type: ignore[attr-defined]
    assert conv not in unkeyed_guesses(TELEGRAM_ID)
    # With the key, and only with it, the operator can tell it is this conversation.
    assert conv == pseudonym("log", person.ref.key)[:12]
    assert conv != hashlib.sha256(b"wrong key" + person.ref.key.encode()).hexdigest()[:12]


async def test_stored_pseudonyms_are_keyed(chat: Chat) -> None:
    person = Chat(chat.sessions, chat.clock, user=TELEGRAM_ID, platform="telegram")
    person.ref = type(person.ref)("telegram", TELEGRAM_ID, TELEGRAM_ID)
    await person.say("/start")
    await person.say("/mylistings")  # audited (refused): an account pseudonym is stored
    with chat.sessions() as s:
        keys = set(s.scalars(select(ConversationRow.key_hash)))
        accounts = set(s.scalars(select(access.AuditEvent.account_hash)))
    stored = keys | accounts
    assert len(stored) == 2
    assert not stored & unkeyed_guesses(TELEGRAM_ID)
    # Purposes differ: a log line's pseudonym is not a prefix of the stored key.
    assert not any(k.startswith(person.ref.log_id) for k in stored)


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "pseudonym.key"
    settings = Settings(pseudonym_key=None, pseudonym_key_file=path,
                        database_url=f"sqlite:///{tmp_path}/db.sqlite3")
    key = pseudonym_key(settings)
    assert len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym_key(settings) == key  # the same key at the next start
    assert key != TEST_PSEUDONYM_KEY.encode()
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]  # no leftovers
    # PSEUDONYM_KEY, when set, is the key; the file is not touched.
    other = Settings(pseudonym_key="x" * 32, pseudonym_key_file=tmp_path / "unused.key")
    assert pseudonym_key(other) == b"x" * 32 and not (tmp_path / "unused.key").exists()


def test_a_short_key_is_refused() -> None:
    from bot.pseudonyms import use_key

    with pytest.raises(ValueError, match="at least 16 bytes"):
        use_key(b"short")
