"""Reading the crisis message sets (tests/crisis_heldout, tests/crisis_dev,
tests/crisis_train/*): one folder per writer, holding `<lang>_danger.tsv` (category, a
tab, the message) and `<lang>_ordinary.txt` (one message a line) for each language.
Used by the tests, scripts/crisis_eval.py, scripts/train_crisis_model.py and
benchmarks/crisis.py."""

from __future__ import annotations

from pathlib import Path

Set = dict[str, tuple[list[tuple[str, str]], list[str]]]


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [x.strip() for x in path.read_text("utf-8").splitlines() if x.strip()]


def read_set(folder: Path) -> Set:
    """language -> (danger (category, message) pairs, ordinary messages)."""
    out: Set = {}
    for lang in sorted({f.name.split("_", 1)[0] for f in folder.glob("*_*.t*")}):
        danger = []
        for line in _lines(folder / f"{lang}_danger.tsv"):
            category, _, text = line.partition("\t")
            danger.append((category.strip(), text.strip()))
        out[lang] = (danger, _lines(folder / f"{lang}_ordinary.txt"))
    return out
