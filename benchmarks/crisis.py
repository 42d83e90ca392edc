"""Crisis check speed: every message pays for it, so it must stay cheap.

Prints the time of `detect_crisis` per message on typical messages (the held-out and
training sets: what people write to the bot), p50 and p95, against the same check with
the substring prefilter ("needles") switched off, run in the same process as the
baseline; then the time for messages of growing length (it should grow linearly) and
for 5,000,000 characters (cut to the scan limit).

    python benchmarks/crisis.py

Target (issue 12): p95 <= 0.2 ms for a typical message, linear in length.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.crisis import detect_crisis  # noqa: E402


def typical_messages() -> list[str]:
    texts = []
    for f in sorted((ROOT / "tests").glob("crisis_*/**/*_*.t*")):
        for line in f.read_text("utf-8").splitlines():
            texts.append(line.split("\t")[-1])
    return [t for t in texts if t.strip()]


def per_call_ms(fn, texts: list[str], rounds: int = 3) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for text in texts:
        t0 = time.perf_counter()
        for _ in range(rounds):
            fn(text)
        out.append((time.perf_counter() - t0) / rounds * 1000)
    return out


def main() -> None:
    texts = typical_messages()
    detect_crisis("warm up")
    ours = per_call_ms(detect_crisis, texts)
    base = per_call_ms(lambda s: detect_crisis(s, use_needles=False), texts[::10], rounds=1)
    q = statistics.quantiles
    p50, p95 = q(ours, n=100)[49], q(ours, n=100)[94]
    b50, b95 = q(base, n=100)[49], q(base, n=100)[94]
    words = statistics.median(len(t.split()) for t in texts)
    print(f"typical messages ({len(texts)}, median {words:.0f} words): p50 {p50:.3f} ms, "
          f"p95 {p95:.3f} ms; without the prefilter p50 {b50:.3f} ms, p95 {b95:.3f} ms "
          f"(p95 ratio {b95 / p95:.1f}x)")
    unit = "I'm three weeks sober and struggling with cravings, any meetings near Leeds? "
    for n in (1, 4, 16, 64):
        t = statistics.median(per_call_ms(detect_crisis, [unit * n], rounds=5) * 1)
        print(f"{len(unit * n):>6} chars: {t:.2f} ms ({t / n:.3f} ms per {len(unit)} chars)")
    t = per_call_ms(detect_crisis, ["a" * 5_000_000 + " I want to die"], rounds=1)[0]
    print(f"5,000,000 chars (read as its first and last 50,000): {t:.1f} ms")


if __name__ == "__main__":
    main()
