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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.crisis import detect_crisis  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load(set_dir: Path) -> dict[str, tuple[list[tuple[str, str]], list[str]]]:
    """language -> (danger (category, text) pairs, ordinary texts)."""
    out: dict[str, tuple[list[tuple[str, str]], list[str]]] = {}
    langs = sorted({f.name.split("_", 1)[0] for f in set_dir.glob("*_*.t*")})
    for lang in langs:
        danger_file = set_dir / f"{lang}_danger.tsv"
        danger = []
        lines = danger_file.read_text(encoding="utf-8").splitlines() \
            if danger_file.exists() else []
        for line in lines:
            if line.strip():
                category, _, text = line.partition("\t")
                danger.append((category.strip(), text.strip()))
        ordinary_file = set_dir / f"{lang}_ordinary.txt"
        ordinary = [x.strip() for x in ordinary_file.read_text(encoding="utf-8").splitlines()
                    if x.strip()] if ordinary_file.exists() else []
        out[lang] = (danger, ordinary)
    return out


def categories_of(text: str) -> tuple[str, ...] | None:
    signal = detect_crisis(text)
    if signal is None:
        return None
    return tuple(getattr(signal, "categories", None) or (signal.category,))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path, default=[ROOT / "tests" / "crisis_heldout"])
    ap.add_argument("--misses", action="store_true", help="list misses and false alarms")
    args = ap.parse_args(argv)
    for set_dir in args.sets:
        for lang, (danger, ordinary) in load(set_dir).items():
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
