"""Conversation state survives its trip through the database exactly."""

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot import state
from bot.state import PlaceMemo, State
from directory.db import session_factory
from directory.schedule import LONDON

SUMMER_NOON_UTC = datetime(2026, 7, 1, 13, 0, tzinfo=LONDON)  # British Summer Time


def test_state_round_trips_every_field() -> None:
    state = State(step="results", needs=["alcohol"], place=PlaceMemo("Leeds", 53.8, -1.55),
                  online_only=True, today_only=True, offset=5, results=[3, 1],
                  choices=[PlaceMemo("Newport, Wales", 51.58, -3.0)], listing=3,
                  flow={"change": 7})
    data = state.to_json()
    assert set(data) == {f.name for f in fields(State)}  # a new field must be stored too
    assert State.from_json(json.loads(json.dumps(data))) == state


def test_a_conversation_expires_on_time_whatever_the_clocks_zone(engine: Engine) -> None:
    """A turn at 13:00 London summer time, kept for an hour, is forgotten at 14:00 London
    time on both backends (SQLite stores no offset: the time must not come back an hour
    out), and what is read back is the same instant, in UTC."""
    sessions = session_factory(engine)
    now, key = SUMMER_NOON_UTC, "test:chat-1:user-1"
    with sessions() as s:
        state.save(s, key, State(step="results"), now, timedelta(hours=1))
        s.commit()
    with sessions() as s:
        assert state.load(s, key, now + timedelta(minutes=59)).step == "results"
        assert state.load(s, key, now + timedelta(minutes=61)).step == "new"
        expires = s.get(state.ConversationRow, state.key_hash(key)).expires_at
    assert expires == now + timedelta(hours=1)
    assert expires.tzinfo is UTC and expires.hour == 13
