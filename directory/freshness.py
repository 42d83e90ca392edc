"""How long a listing counts as recently checked: the default of STALE_AFTER_DAYS.

The one place the default lives. The setting itself (adapters/settings.py) reaches every
part that asks "is this listing stale?" from the composition root (adapters/wiring.py):
search ranking and its `stale` flag (directory/search.py DirectorySearch), the details
view's "Last checked" line (bot/conversation.py Config), /mylistings and /stale
(bot/volunteers/dialogue.py) and the reminder job (`recovery-bot jobs remind-stale`).
"""

from datetime import timedelta

DEFAULT_STALE_AFTER = timedelta(days=90)
