"""Crisis check: spot danger in a message before anything else handles it.

Runs on every incoming message, needs no database or network, and never logs the text.
`detect_crisis` says which kinds of danger a message shows (an overdose, a medical
emergency, a child at risk, abuse, harm to others, suicide, self-harm), in English or
Welsh; `crisis_contacts` chooses the helplines for those kinds and the person's nation.

How it is built, and measured against wording we did not write: docs/crisis-check.md.
- normalise.py: the canonical text every rule reads (typos, text-speak, look-alikes);
- rules.py and welsh.py: the rules, by category;
- context.py: what sets a match aside ("years ago", "prevention walk");
- model.py: a small word model for danger that no rule names;
- detect.py: all of it together; contacts.py: the helplines.
"""

from bot.crisis.contacts import CRISIS_CONTACTS, NATIONS, CrisisContact, crisis_contacts
from bot.crisis.detect import CATEGORIES, CrisisSignal, Reading, detect_crisis, read
from bot.crisis.normalise import MAX_SCAN_CHARS

__all__ = [
    "CATEGORIES",
    "CRISIS_CONTACTS",
    "MAX_SCAN_CHARS",
    "NATIONS",
    "CrisisContact",
    "CrisisSignal",
    "Reading",
    "crisis_contacts",
    "detect_crisis",
    "read",
]
