"""Rewrite bot/crisis/needle_table.py: the needles of every crisis pattern, shipped so a
process starts without parsing ~500 regular expressions (bot/crisis/needles.py).

    .venv/bin/python scripts/build_crisis_needles.py

Run it after changing a rule, a macro or a context marker; tests/test_startup.py fails
until then. A stale table never changes what the check finds: a pattern missing from it
is read at import, which only costs start-up time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.crisis import detect, needles  # noqa: E402

if __name__ == "__main__":
    count = needles.write_table(detect.SOURCES.values())
    print(f"{count} patterns' needles written to {needles.TABLE}")
