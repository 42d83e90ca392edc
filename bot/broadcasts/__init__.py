"""Broadcasts: news for people who asked for it (events, new groups, venue changes).

- dialogue.py: the conversation feature (`Broadcasting`): /subscribe, /unsubscribe,
  /broadcast and /broadcasts, with their guided steps (`BStep`, drawn in dialogue.mmd);
- store.py: subscriptions, broadcasts and the durable delivery queue (the tables);
- worker.py: the delivery worker, which sends the queue and the notification outbox
  (bot/outbox.py) within each platform's limits;
- budget.py: one bot token's send budget, shared by every process that sends with it.

The names below are imported from their module when first asked for, so what needs only
the tables (`recovery-bot jobs retention`, the migrations) does not import the
conversation feature and the worker. dialogue.py and worker.py each have a
DEFAULT_LIMITS (message lengths; send rates): import those from their module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lazy import lazy_exports

if TYPE_CHECKING:
    from bot.broadcasts import store
    from bot.broadcasts.budget import (
        Budget,
        LocalBudget,
        SendBudgetRow,
        SharedBudget,
        budget_for,
        budget_name,
    )
    from bot.broadcasts.dialogue import Broadcasting, BStep, channel_post, compose, for_channel
    from bot.broadcasts.worker import Limits, Outcome, Sender, Worker

_MODULE_OF = {
    "Budget": "budget", "LocalBudget": "budget", "SendBudgetRow": "budget",
    "SharedBudget": "budget", "budget_for": "budget", "budget_name": "budget",
    "Broadcasting": "dialogue", "BStep": "dialogue", "compose": "dialogue",
    "for_channel": "dialogue", "channel_post": "dialogue",
    "Limits": "worker", "Outcome": "worker", "Sender": "worker", "Worker": "worker",
}

__all__ = [
    "BStep", "Broadcasting", "Budget", "Limits", "LocalBudget", "Outcome", "SendBudgetRow",
    "Sender", "SharedBudget", "Worker", "budget_for", "budget_name", "channel_post",
    "compose", "for_channel", "store",
]

__getattr__ = lazy_exports(__name__, _MODULE_OF)
