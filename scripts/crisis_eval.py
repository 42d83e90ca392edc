"""Measure the crisis check against a set of messages we did not write.

    python scripts/crisis_eval.py [SET_DIR ...] [--misses]

Each SET_DIR (default: tests/crisis_heldout) holds `<lang>_danger.tsv` (category, tab,
message) and `<lang>_ordinary.txt` (one message a line) for each language. Prints, per
language, danger caught (recall, overall and per category), ordinary messages tripped
(false alarms) and how often the category the writer gave is among those detected.
`--misses` lists every miss and false alarm (read them; never edit the set to pass).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crisis_sets import read_set  # noqa: E402

from bot.crisis import detect_crisis  # noqa: E402


def categories_of(text: str) -> tuple[str, ...] | None:
    signal = detect_crisis(text)
    if signal is None:
        return None
    # (older checkouts' signals had one `category`: this measured the check "before")
    return tuple(getattr(signal, "categories", None) or (signal.category,))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path, default=[ROOT / "tests" / "crisis_heldout"])
    ap.add_argument("--misses", action="store_true", help="list misses and false alarms")
    args = ap.parse_args(argv)
    for set_dir in args.sets:
        for lang, (danger, ordinary) in read_set(set_dir).items():
            per_cat: Counter[str] = Counter()
            caught_cat: Counter[str] = Counter()
            agree = 0
            misses: list[tuple[str, str]] = []
            for category, text in danger:
                per_cat[category] += 1
                got = categories_of(text)
                if got is None:
                    misses.append((category, text))
                    continue
                caught_cat[category] += 1
                agree += category in got
            tripped = [(m, categories_of(m)) for m in ordinary]
            tripped = [(m, c) for m, c in tripped if c is not None]
            caught = len(danger) - len(misses)
            print(f"{set_dir.name} [{lang}] danger caught {caught}/{len(danger)} "
                  f"({100 * caught / max(1, len(danger)):.1f}%), false alarms "
                  f"{len(tripped)}/{len(ordinary)} "
                  f"({100 * len(tripped) / max(1, len(ordinary)):.1f}%), category right "
                  f"{agree}/{caught}")
            print("   by category: " + ", ".join(
                f"{c} {caught_cat[c]}/{n}" for c, n in sorted(per_cat.items())))
            if args.misses:
                for category, text in misses:
                    print(f"   MISS  {category:15} {text}")
                for text, cats in tripped:
                    print(f"   FALSE {','.join(cats):15} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
