"""Crisis check speed: every message pays for it, so it must stay cheap.

Prints per-message time of `detect_crisis` on the test phrase sets, on a Telegram-sized
message, on 100,000 characters and on 5,000,000 (cut to the scan limit), and the same
with the substring prefilter ("needles") switched off as the in-process baseline.

    python benchmarks/crisis.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from crisis_phrases import DANGER_PHRASES, ORDINARY_MESSAGES  # noqa: E402

from bot.crisis import _match, _normalise, detect_crisis  # noqa: E402


def per_call_ms(fn, texts: list[str], rounds: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for text in texts:
        t0 = time.perf_counter()
        for _ in range(rounds):
            fn(text)
        out.append((time.perf_counter() - t0) / rounds * 1000)
    return out


def main() -> None:
    phrases = DANGER_PHRASES + ORDINARY_MESSAGES
    ours = per_call_ms(detect_crisis, phrases)
    base = per_call_ms(lambda s: _match(_normalise(s), use_needles=False), phrases)
    q = statistics.quantiles
    print(f"phrase set ({len(phrases)} messages): p50 {q(ours, n=100)[49]:.3f} ms, "
          f"p95 {q(ours, n=100)[94]:.3f} ms; without prefilter p50 "
          f"{q(base, n=100)[49]:.3f} ms, p95 {q(base, n=100)[94]:.3f} ms "
          f"(ratio p95 {q(base, n=100)[94] / q(ours, n=100)[94]:.1f}x)")
    for label, text in (
        ("4,096 chars", ("I'm three weeks sober and struggling with cravings. " * 80)[:4096]),
        ("100,000 chars", "recovery is hard some days " * 3704),
        ("5,000,000 chars", "a" * 5_000_000 + " I want to die"),
    ):
        t = per_call_ms(detect_crisis, [text], rounds=3)[0]
        print(f"{label}: {t:.1f} ms")


if __name__ == "__main__":
    main()
