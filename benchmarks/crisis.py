"""Crisis check speed: every message pays for it, so it must stay cheap.

Prints the time of `detect_crisis` per message (the fastest of five calls) on what
people write to the bot (the held-out and training sets), p50 and p95: ordinary messages
of up to 15 words (the typical message), danger messages of up to 15 words, and all,
against the same check with the needle prefilter switched off (every rule runs), run in
the same process as the baseline; then the time for messages of growing length (it
should grow linearly) and for 5,000,000 characters (cut to the scan limit).

    python benchmarks/crisis.py

Target (issue 12): p95 <= 0.2 ms for a typical message, linear in length.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crisis_sets import read_set  # noqa: E402

from bot.crisis import detect_crisis  # noqa: E402


def typical_messages(kind: str = "") -> list[str]:
    """Messages from the sets: `kind` "danger" or "ordinary", or both."""
    texts = []
    for folder in sorted({f.parent for f in (ROOT / "tests").glob("crisis_*/**/*_*.t*")}):
        for danger, ordinary in read_set(folder).values():
            if kind in ("", "danger"):
                texts += [text for _, text in danger]
            if kind in ("", "ordinary"):
                texts += ordinary
    return texts


def per_call_ms(fn, texts: list[str], rounds: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    """Each text's time: the fastest of `rounds` calls (the usual way to take out this
    machine's noise), with the garbage collector paused while timing."""
    out = []
    gc.disable()
    try:
        for text in texts:
            best = float("inf")
            for _ in range(rounds):
                t0 = time.perf_counter()
                fn(text)
                best = min(best, time.perf_counter() - t0)
            out.append(best * 1000)
    finally:
        gc.enable()
    return out


def main() -> None:
    texts = typical_messages()
    detect_crisis("warm up")
    q = statistics.quantiles
    words = statistics.median(len(t.split()) for t in texts)
    print(f"{len(texts)} messages from the held-out and training sets (median {words:.0f} "
          f"words), per message:")
    for kind in ("ordinary", "danger"):
        short = [t for t in typical_messages(kind) if len(t.split()) <= 15]
        times = per_call_ms(detect_crisis, short)
        print(f"  {kind}, up to 15 words ({len(short)}): p50 {q(times, n=100)[49]:.3f} ms, "
              f"p95 {q(times, n=100)[94]:.3f} ms")
    ours = per_call_ms(detect_crisis, texts)
    base = per_call_ms(lambda s: detect_crisis(s, use_needles=False), texts[::10], rounds=2)
    print(f"  all: p50 {q(ours, n=100)[49]:.3f} ms, p95 {q(ours, n=100)[94]:.3f} ms; "
          f"without the prefilter (every rule runs) p50 {q(base, n=100)[49]:.3f} ms, "
          f"p95 {q(base, n=100)[94]:.3f} ms "
          f"(p95 ratio {q(base, n=100)[94] / q(ours, n=100)[94]:.1f}x)")
    unit = "I'm three weeks sober and struggling with cravings, any meetings near Leeds? "
    for n in (1, 4, 16, 64):
        t = statistics.median(per_call_ms(detect_crisis, [unit * n] * 5, rounds=3))
        print(f"{len(unit * n):>6} chars: {t:.2f} ms ({t / n:.3f} ms per {len(unit)} chars)")
    t = per_call_ms(detect_crisis, ["a" * 5_000_000 + " I want to die"], rounds=1)[0]
    print(f"5,000,000 chars (read as its first and last 50,000): {t:.1f} ms")


if __name__ == "__main__":
    main()
