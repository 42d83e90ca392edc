"""Fit the crisis check's word model (bot/crisis/model.npz) and measure it.

    pip install scikit-learn    # only here; the bot reads the weights without it
    python scripts/train_crisis_model.py [--cv] [--write]

Training material: every `<lang>_danger.tsv` / `<lang>_ordinary.txt` pair under
tests/crisis_dev and tests/crisis_train/* (each folder one writer who had not read our
rules), and our own phrase lists in tests/crisis_phrases.py (danger phrases labelled with
the category the rules give them; the ambiguous ones left out). Never
tests/crisis_heldout: that set only measures.

--cv     leave one writer out: fit on the others, measure on it, for rules alone, the
         model alone and both (a crisis when either says so), at several thresholds.
--write  fit on everything and write bot/crisis/model.npz with the chosen threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
from crisis_sets import read_set  # noqa: E402

from bot.crisis import detect  # noqa: E402
from bot.crisis.model import features  # noqa: E402

C = 4.0  # inverse regularisation strength, chosen with --cv
THRESHOLD = 0.3  # "ordinary" below this: a crisis; chosen with --cv
PRUNE = 0.02  # weights smaller than this in every class are dropped from model.json


PHRASES = ROOT / "tests" / "crisis_phrases.py"


def training_dirs() -> list[Path]:
    """One source per writer: a folder of sets, or our own phrase lists."""
    return [ROOT / "tests" / "crisis_dev",
            *sorted(p for p in (ROOT / "tests" / "crisis_train").iterdir() if p.is_dir()),
            PHRASES]


def load(d: Path, lang: str | None = None) -> list[tuple[str, str]]:
    """(label, text) pairs, label "ordinary" or a category: every danger message, then
    every ordinary one; of one language if `lang` is given."""
    if d == PHRASES:
        if lang not in (None, "en"):
            return []
        import crisis_phrases as own  # a test module, read only here

        danger = []
        for text in own.DANGER_PHRASES:
            found = detect._rule_categories(detect._Text(text))
            if found:
                danger.append((found[0], text))
        return danger + [("ordinary", text) for text in own.ORDINARY_MESSAGES]
    sets = {k: v for k, v in read_set(d).items() if lang in (None, k)}
    return [pair for danger, _ in sets.values() for pair in danger] + \
        [("ordinary", text) for _, ordinary in sets.values() for text in ordinary]


def digest(dirs: list[Path]) -> str:
    """What the model was fitted on: tests/test_crisis.py compares it with the files."""
    h = hashlib.sha256()
    for d in dirs:
        for f in sorted(d.glob("*_*.t*")) if d.is_dir() else [d]:
            h.update(f.relative_to(ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def featurise(rows: list[tuple[str, str]]) -> list[dict[str, float]]:
    return [dict.fromkeys(features(detect._Text(t).present()), 1.0) for _, t in rows]


def fit(rows: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(featurise(rows))
    clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    clf.fit(x, [label for label, _ in rows])
    return vec, clf


def p_ordinary(vec, clf, rows) -> list[float]:  # type: ignore[no-untyped-def]
    probs = clf.predict_proba(vec.transform(featurise(rows)))
    i = list(clf.classes_).index("ordinary")
    return [p[i] for p in probs]


def rules_hit(text: str) -> bool:
    msg = detect._Text(text)
    return bool(msg.joined) and bool(detect._rule_categories(msg))


def cross_validate() -> None:
    dirs = training_dirs()
    for held in dirs:
        vec, clf = fit([r for d in dirs if d != held for r in load(d)])
        for lang in ("en", "cy"):
            test = load(held, lang)
            if not test:
                continue
            po = p_ordinary(vec, clf, test)
            rule = [rules_hit(t) for _, t in test]
            danger = [label != "ordinary" for label, _ in test]
            nd, no = sum(danger), len(danger) - sum(danger)
            line = f"{held.name:11} {lang} n={nd}/{no}  rules {_rate(rule, danger)}"
            for t in (0.2, 0.3, 0.35, 0.4, 0.5):
                m = [p < t for p in po]
                both = [a or b for a, b in zip(m, rule, strict=True)]
                line += f" | t={t} model {_rate(m, danger)} both {_rate(both, danger)}"
            print(line)


def _rate(pred: list[bool], danger: list[bool]) -> str:
    tp = sum(p and d for p, d in zip(pred, danger, strict=True))
    fp = sum(p and not d for p, d in zip(pred, danger, strict=True))
    nd, no = sum(danger), len(danger) - sum(danger)
    return f"{100 * tp / max(1, nd):.0f}%/{100 * fp / max(1, no):.1f}%"


def write() -> None:
    dirs = training_dirs()
    rows = [r for d in dirs for r in load(d)]
    vec, clf = fit(rows)
    names = vec.get_feature_names_out()
    coef = clf.coef_.T  # a row per feature
    keep = np.abs(coef).max(axis=1) >= PRUNE
    out = ROOT / "bot" / "crisis" / "model.npz"
    np.savez_compressed(
        out, features=np.array(names[keep], dtype=str),
        weights=coef[keep].astype(np.float32), intercept=clf.intercept_.astype(np.float32),
        classes=np.array(clf.classes_, dtype=str), threshold=np.float32(THRESHOLD),
        trained_on=np.array(digest(dirs)))
    print(f"wrote {out.relative_to(ROOT)}: {int(keep.sum())} features, {len(rows)} messages")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.cv:
        cross_validate()
    if args.write:
        write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
