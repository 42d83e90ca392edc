"""How well the bot understands Welsh, on messages it was never written against:
tests/welsh_heldout (written by a helper who never read the code; measure only, never
edit them to make a rule pass).

    python scripts/welsh_eval.py [--show]

Prints, for messages.jsonl, the share whose needs were read exactly (and whose first
need was found), and whose place was found (a place right; or an ambiguous place whose
choices hold the right one, which the bot then asks about); for language.jsonl, the
share of clear first messages whose language was told right (and how many were left
undecided); for replies.jsonl, the share of yes/no and number answers read right.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from directory.finder import understand_request  # noqa: E402
from directory.geography import Gazetteer  # noqa: E402

HELDOUT = ROOT / "tests" / "welsh_heldout"


def rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HELDOUT / name).read_text(encoding="utf-8")
            .splitlines() if line.strip()]


def _same_place(name: str, wanted: str) -> bool:
    """ "Newport, Wales" is "Newport"; a postcode sector "CF10 1" is "CF10 1EP"."""
    got, want = name.split(",")[0].strip().casefold(), wanted.strip().casefold()
    if got == want:
        return True
    return bool(got) and got[0].isalpha() and any(c.isdigit() for c in got) and (
        want.replace(" ", "").startswith(got.replace(" ", "")))


def place_outcome(result: Any, row: dict[str, Any]) -> str:
    """right, asked (ambiguous, the right one among the choices), wrong or missed."""
    wanted = [w for w in (row.get("place"), *(row.get("place_alt") or [])) if w] \
        if isinstance(row.get("place_alt"), list) else \
        [w for w in (row.get("place"), row.get("place_alt")) if w]
    if not wanted:
        return "right" if result is None or result.status != "found" else "wrong"
    if result is None:
        return "missed"
    if result.status == "found" and result.place is not None:
        return "right" if any(_same_place(result.place.name, w) for w in wanted) else "wrong"
    if result.status == "ambiguous":
        return "asked" if any(_same_place(c.name, w) for c in result.candidates
                              for w in wanted) else "wrong"
    return "missed"


def messages(show: bool) -> dict[str, float]:
    gazetteer = Gazetteer.default()
    data = rows("messages.jsonl")
    exact = first = 0
    places = {"right": 0, "asked": 0, "wrong": 0, "missed": 0}
    with_place = 0
    for row in data:
        req = understand_request(row["text"], gazetteer)
        want = set(row["needs"])
        got = set(req.needs)
        exact += got == want
        first += (not want and not got) or (bool(want) and row["needs"][0] in got)
        outcome = place_outcome(req.place, row)
        if row.get("place"):
            with_place += 1
            places[outcome] += 1
        elif outcome != "right":
            places["wrong"] += 1
        if show and (got != want or outcome not in ("right", "asked")):
            found = req.place.place.name if req.place is not None and \
                req.place.place is not None else (req.place.status if req.place else None)
            print(f"  {row['text']!r}: needs {sorted(got)} (want {sorted(want)}), "
                  f"place {found} (want {row.get('place')}) -> {outcome}")
    n = len(data)
    return {"needs exact": exact / n, "first need found": first / n,
            "place right": places["right"] / max(1, with_place),
            "place right or asked with it": (places["right"] + places["asked"])
            / max(1, with_place),
            "false places (none said)": places["wrong"] / max(1, n - with_place)}


def _reader(name: str) -> Callable[..., Any] | None:
    try:
        import bot.language_words as words
    except ImportError:  # before the language issue: nothing reads Welsh replies
        return None
    return getattr(words, name, None)


def language(show: bool) -> dict[str, float]:
    detect = _reader("detect_language")
    clear = [r for r in rows("language.jsonl") if not r.get("ambiguous")]
    right = undecided = 0
    for row in clear:
        got = detect(row["text"]) if detect else None
        # Undecided starts the conversation in English (or the app's language).
        said = got or "en"
        right += said == row["lang"]
        undecided += got is None
        if show and said != row["lang"]:
            print(f"  {row['text']!r}: {got} (want {row['lang']})")
    n = len(clear)
    return {"language right": right / n, "undecided": undecided / n}


def replies(show: bool) -> dict[str, float]:
    yes_no, number = _reader("yes_no"), _reader("choice_number")
    data = rows("replies.jsonl")
    right = {"yes": 0, "no": 0, "number": 0}
    total = {"yes": 0, "no": 0, "number": 0}
    for row in data:
        kind = row["kind"]
        total[kind] += 1
        if kind == "number":
            got = number(row["text"], "cy") if number else None
            ok = got == row["value"]
        else:
            got = yes_no(row["text"], "cy") if yes_no else None
            ok = got is (kind == "yes")
        right[kind] += ok
        if show and not ok:
            print(f"  {row['text']!r}: {got} (want {row.get('value', kind)})")
    return {f"{k} read right": right[k] / max(1, total[k]) for k in total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="List every miss.")
    args = ap.parse_args()
    for title, run in (("messages", messages), ("first messages", language),
                       ("replies", replies)):
        print(f"{title}:")
        for name, value in run(args.show).items():
            print(f"  {name:32} {value:6.1%}")


if __name__ == "__main__":
    main()
