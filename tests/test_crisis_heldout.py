"""The crisis check against wording we did not write (tests/crisis_heldout: written by a
helper who had never read bot/crisis/ or its tests; never edited to make a rule pass,
never used to fit the word model).

Issue 12's targets are recall >= 97% with <= 3% false alarms in English, and >= 95% with
<= 3% in Welsh. The floors below are what the check reached when the set was first
measured with the finished check (docs/crisis-check.md has the figures, before and
after, and every miss): they stop a regression; raise them as the check improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from crisis_sets import read_set

from bot.crisis import detect_crisis

SET = Path(__file__).with_name("crisis_heldout")

# language -> (least recall, most false alarms), as fractions
FLOORS = {"en": (0.97, 0.035), "cy": (0.95, 0.03)}


def load(lang: str) -> tuple[list[tuple[str, str]], list[str]]:
    return read_set(SET)[lang]


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_recall_and_false_alarms_on_the_held_out_set(lang: str) -> None:
    danger, ordinary = load(lang)
    assert len(danger) >= (150 if lang == "en" else 30)
    assert len(ordinary) >= (150 if lang == "en" else 30)
    missed = [text for _, text in danger if detect_crisis(text) is None]
    alarms = [text for text in ordinary if detect_crisis(text) is not None]
    recall = 1 - len(missed) / len(danger)
    false_alarms = len(alarms) / len(ordinary)
    least, most = FLOORS[lang]
    print(f"{lang}: recall {recall:.1%}, false alarms {false_alarms:.1%}")
    assert recall >= least, f"recall {recall:.1%} < {least:.0%}; missed: {missed}"
    assert false_alarms <= most, f"false alarms {false_alarms:.1%} > {most:.0%}: {alarms}"


def test_every_category_of_the_held_out_set_is_caught_mostly() -> None:
    danger, _ = load("en")
    by_category: dict[str, list[bool]] = {}
    for category, text in danger:
        by_category.setdefault(category, []).append(detect_crisis(text) is not None)
    assert len(by_category) == 7
    for category, caught in by_category.items():
        assert sum(caught) / len(caught) >= 0.85, category
