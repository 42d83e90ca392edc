"""Meeting reminders: "Remind me" on a meeting's details, so a found meeting becomes an
attended one (issue 19).

- dialogue.py: the conversation feature (`Reminding`): "Remind me" under a meeting's
  details (`Feature.detail_buttons`, payloads "rm..." answered from any step), the
  choices, "Can't make it", "Stop reminders", /reminders (its step `RStep`, drawn in
  dialogue.mmd), and `render`, the messages the worker sends;
- store.py: the reminders and their send queue (the tables; planning occurrences and
  change notices; SKIP LOCKED claims);
- worker.py: `ReminderQueue`, run by the delivery worker (bot/broadcasts/worker.py) on
  each pass with the platform's sender, limits and shared send budget.

"Add to calendar" (an iCalendar file: bot/reminders/calendar.py) is a feature of its
own (bot/reminders/calendar_feature.py): it adds its button through the same
`Feature.detail_buttons` / `Feature.payloads` hooks with its own payload prefix ("ics"),
so `Reminding.detail_buttons` gives "Remind me" only and the two sit side by side under
a meeting's details.

The names below are imported from their module when first asked for, so what needs only
the tables (the migrations, `recovery-bot privacy report`) does not import the feature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lazy import lazy_exports

if TYPE_CHECKING:
    from bot.reminders import store
    from bot.reminders.dialogue import Reminding, RStep, render
    from bot.reminders.worker import ReminderQueue

_MODULE_OF = {"Reminding": "dialogue", "RStep": "dialogue", "render": "dialogue",
              "ReminderQueue": "worker"}

__all__ = ["RStep", "ReminderQueue", "Reminding", "render", "store"]

__getattr__ = lazy_exports(__name__, _MODULE_OF)
