"""Keyed pseudonyms for people the bot is not contacting: the conversation's storage key,
the `conv` field of every log line, an account in the audit trail.

An unkeyed hash of "platform:chat:user" can be reversed by hashing every candidate id (a
Telegram user id took 2.5 s from one log line), so each pseudonym is an HMAC-SHA256
(RFC 2104) under a secret key that never goes into the database or the logs, with a
purpose in the message so that one kind of pseudonym cannot be matched against another
(a log line's `conv` tells nothing about a database row).

The key is the process's, set once by the composition root (adapters/wiring.py, from
PSEUDONYM_KEY or a key file; see README "Privacy"): a setting of the process like its
logging, not state. Until it is set a random key is used, so nothing is ever derived
without one - but such pseudonyms change with every start, which is only right for a
test or a one-off script.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

log = logging.getLogger(__name__)

_key: bytes | None = None


def use_key(key: bytes) -> None:
    """Derive every pseudonym from now on with `key` (at least 16 bytes)."""
    global _key
    if len(key) < 16:
        raise ValueError("PSEUDONYM_KEY needs at least 16 bytes: make one with "
                         "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    _key = key


def _current() -> bytes:
    global _key
    if _key is None:
        log.warning("no pseudonym key set: using one for this process only")
        _key = secrets.token_bytes(32)
    return _key


def pseudonym(purpose: str, *parts: str) -> str:
    """A 64-hex-digit pseudonym of `parts` for `purpose` ("conversation", "account",
    "log"): the same for the same key, and unmatchable without it."""
    message = "\0".join((purpose, *parts)).encode("utf-8")
    return hmac.new(_current(), message, hashlib.sha256).hexdigest()
