"""Volunteers keep their listings current; admins invite, review and watch freshness.

- dialogue.py: the conversation feature (`Volunteering`): its commands and guided flows
  (`VStep`, drawn in dialogue.mmd), and the stale-listing reminders (`remind_stale`).

The listing changes themselves (drafts, review, undo, freshness) and the lookups the
dialogue makes are directory/curation.py's; roles, invites and the audit are
bot/access.py's; notifications go through bot/outbox.py.
"""

from bot.volunteers.dialogue import (
    ADMIN_MENU,
    VOLUNTEER_MENU,
    Volunteering,
    VStep,
    remind_stale,
)

__all__ = ["ADMIN_MENU", "VOLUNTEER_MENU", "VStep", "Volunteering", "remind_stale"]
