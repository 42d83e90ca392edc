"""How well directory/filters.py reads what people ask of a meeting, on messages it was
never written against: tests/filters_heldout (a helper who never read the code wrote
them; measure only, never edit them to make a rule pass).

    python scripts/filters_eval.py [--show]

Prints, per kind (audience, access, attendance, languages, when), what was found right
(precision) and what was found of what was asked (recall), then the share of messages
read exactly right, and of messages asking for nothing that got nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from directory.filters import find_filters  # noqa: E402

KINDS = ("audience", "access", "attendance", "languages", "when")
HELDOUT = ROOT / "tests" / "filters_heldout"


def found(text: str) -> dict[str, set[str]]:
    f = find_filters(text).to_json()
    return {k: set(f[k]) if isinstance(f.get(k), list) else ({f[k]} if k in f else set())
            for k in KINDS}


def evaluate(rows: list[dict]) -> dict[str, float]:
    tp = dict.fromkeys(KINDS, 0)
    fp = dict.fromkeys(KINDS, 0)
    fn = dict.fromkeys(KINDS, 0)
    exact = quiet = quiet_total = 0
    for row in rows:
        got = found(row["text"])
        want = {k: set(v) if isinstance(v, list) else {v}
                for k, v in row["expect"].items()}
        for k in KINDS:
            w = want.get(k, set())
            tp[k] += len(got[k] & w)
            fp[k] += len(got[k] - w)
            fn[k] += len(w - got[k])
        exact += all(got[k] == want.get(k, set()) for k in KINDS)
        if not row["expect"]:
            quiet_total += 1
            quiet += not any(got.values())
    out = {}
    for k in KINDS:
        out[f"{k} precision"] = tp[k] / max(1, tp[k] + fp[k])
        out[f"{k} recall"] = tp[k] / max(1, tp[k] + fn[k])
    out["exact"] = exact / max(1, len(rows))
    out["nothing asked, nothing found"] = quiet / max(1, quiet_total)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every message read wrong")
    args = ap.parse_args()
    rows = [json.loads(line) for p in sorted(HELDOUT.glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name, value in evaluate(rows).items():
        print(f"{name:32} {value:6.1%}")
    if args.show:
        for row in rows:
            got = {k: sorted(v) for k, v in found(row["text"]).items() if v}
            want = {k: sorted(v) if isinstance(v, list) else [v]
                    for k, v in row["expect"].items()}
            if got != want:
                print(f"{row['text']}\n    want {want}\n    got  {got}")


if __name__ == "__main__":
    main()
