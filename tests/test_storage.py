"""Conversation state survives its trip through the database exactly."""

import json
from dataclasses import fields

from bot.storage import PlaceMemo, State


def test_state_round_trips_every_field() -> None:
    state = State(step="results", needs=["alcohol"], place=PlaceMemo("Leeds", 53.8, -1.55),
                  online_only=True, today_only=True, offset=5, results=[3, 1],
                  choices=[PlaceMemo("Newport, Wales", 51.58, -3.0)], listing=3,
                  flow={"change": 7})
    data = state.to_json()
    assert set(data) == {f.name for f in fields(State)}  # a new field must be stored too
    assert State.from_json(json.loads(json.dumps(data))) == state
