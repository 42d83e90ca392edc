"""Search speed and memory at 1k, 10k and 100k listings, against a naive baseline.

Builds synthetic directories (listings clustered around real UK towns, like the real
thing), runs the same queries through our index (grid prefilter, then ranking a small
candidate set) and through a naive baseline (geopy distance to every row plus rapidfuzz
over every name), in the same process, and prints p50/p95 per query, peak memory of the
index and the speed-up. Target (issue 2): p95 <= 5 ms at 100k and >= 20x the baseline.

    python benchmarks/search.py [--sizes 1000 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime
from datetime import time as dtime

from geopy.distance import great_circle
from rapidfuzz import fuzz, utils

from directory.search import Query, SearchIndex

TOWNS = [  # (name, lat, lon, weight ~ population)
    ("London", 51.507, -0.128, 15), ("Birmingham", 52.486, -1.890, 12),
    ("Leeds", 53.800, -1.549, 8), ("Glasgow", 55.864, -4.252, 7),
    ("Sheffield", 53.381, -1.470, 6), ("Manchester", 53.481, -2.243, 6),
    ("Liverpool", 53.408, -2.992, 5), ("Bristol", 51.455, -2.588, 5),
    ("Edinburgh", 55.953, -3.188, 5), ("Cardiff", 51.482, -3.179, 4),
    ("Belfast", 54.597, -5.930, 3), ("Newcastle", 54.978, -1.618, 3),
    ("Doncaster", 53.523, -1.128, 2), ("Plymouth", 50.376, -4.143, 2),
    ("Norwich", 52.631, 1.297, 2), ("Inverness", 57.478, -4.225, 1),
    ("Swansea", 51.621, -3.944, 2), ("Hull", 53.768, -0.327, 2),
]
NEEDS = ["alcohol", "drugs", "cocaine", "opioids", "gambling", "family", "mental_health",
         "recovery_community", "cannabis", "housing"]
WORDS = ["Recovery", "Café", "AA", "NA", "SMART", "Hope", "Community", "Family", "Women's",
         "Circle", "Group", "Meeting", "Peer", "Support", "Living", "Free", "Together"]


def pseudo_words(k: int, rng: random.Random) -> list[str]:
    """Made-up street and venue words, for a realistic vocabulary size."""
    syll = ["ash", "brook", "ton", "ley", "ford", "ham", "wick", "mere", "field", "gate",
            "hill", "dale", "wood", "stan", "mor", "bury", "chester", "well", "ridge", "thorp"]
    return [("".join(rng.sample(syll, rng.randint(2, 3)))).title() for _ in range(k)]


def synthetic_rows(n: int, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    streets = pseudo_words(10_000, rng)
    weights = [t[3] for t in TOWNS]
    rows = []
    for i in range(n):
        town, lat, lon, _ = rng.choices(TOWNS, weights)[0]
        online = rng.random() < 0.08
        name = f"{town} {rng.choice(streets)} {' '.join(rng.sample(WORDS, 3))}"
        rows.append((
            i + 1, f"l{i}", name, f"Org {i // 4}", "lero", "meeting",
            rng.sample(NEEDS, rng.randint(1, 3)),
            None if online else lat + rng.gauss(0, 0.12),
            None if online else lon + rng.gauss(0, 0.18),
            "online" if online else rng.choice(["in_person", "in_person", "hybrid"]),
            "active", "weekly", [rng.randrange(7)], [], date(2026, 1, 5),
            dtime(rng.randrange(8, 21), 0), dtime(21, 30), [], [],
            datetime(2026, rng.randint(1, 11), 1, tzinfo=UTC),
        ))
    return rows


def queries(k: int, seed: int = 11) -> list[Query]:
    rng = random.Random(seed)
    out = []
    for _ in range(k):
        _, lat, lon, _ = rng.choice(TOWNS)
        out.append(Query(
            needs=frozenset(rng.sample(NEEDS, rng.randint(1, 2))),
            text=rng.choice(["", "", "", "recovery cafe", "smart"]),
            latitude=lat + rng.gauss(0, 0.05), longitude=lon + rng.gauss(0, 0.05),
            radius_km=rng.choice([10.0, 25.0]), limit=5,
        ))
    return out


def naive(rows: list[tuple], q: Query) -> list[int]:
    """The baseline a first version would write: every row, exact distance, fuzzy name."""
    scored = []
    qt = utils.default_process(q.text) if q.text else ""
    for row in rows:
        if row[7] is None or not (q.needs & set(row[6])):
            continue
        d = great_circle((q.latitude, q.longitude), (row[7], row[8])).km
        if d > q.radius_km:
            continue
        text = fuzz.partial_ratio(qt, utils.default_process(row[2])) / 100 if qt else 1.0
        scored.append((0.45 + 0.3 * (1 - d / q.radius_km) + 0.15 * text, row[0]))
    scored.sort(reverse=True)
    return [i for _, i in scored[:5]]


def timed(fn, qs: list[Query]) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for q in qs:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    print(f"{'listings':>9} {'ours p50':>9} {'ours p95':>9} {'naive p50':>10} "
          f"{'naive p95':>10} {'speed-up p95':>12} {'index MB':>9} {'build s':>8}")
    for n in args.sizes:
        rows = synthetic_rows(n)
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        index = SearchIndex.from_rows(1, rows)
        build = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        qs = queries(args.queries)
        for q in qs[:10]:  # warm up
            index.search(q, now)
        ours = timed(lambda q, index=index: index.search(q, now), qs)
        base_qs = qs[: max(10, args.queries // (10 if n >= 100_000 else 2))]
        base = timed(lambda q, rows=rows: naive(rows, q), base_qs)
        print(f"{n:>9} {pct(ours, 50):>8.2f}ms {pct(ours, 95):>8.2f}ms {pct(base, 50):>9.2f}ms "
              f"{pct(base, 95):>9.2f}ms {pct(base, 95) / pct(ours, 95):>11.0f}x "
              f"{peak / 2**20:>9.1f} {build:>8.2f}")


if __name__ == "__main__":
    main()
