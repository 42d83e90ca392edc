"""Search speed and memory at 1k, 10k and 100k listings, against a naive baseline.

Builds synthetic directories (listings clustered around real UK towns, like the real
thing), runs the same queries through our index (grid prefilter, then ranking a small
candidate set) and through a naive baseline (geopy distance to every row plus rapidfuzz
over every name), in the same process, and prints p50/p95 per query, peak memory of the
index and the speed-up. Target (issue 2): p95 <= 5 ms at 100k and >= 20x the baseline.

Then the same queries again with each filter of issue 20 added (who it is for, access,
when, how it meets, language), on listings that carry them in realistic shares (about
10% women only, 5% men only, 3% LGBTQ+, 30% wheelchair access, 2% Welsh), with p50/p95
and the results found per query. Target (issue 20): p95 at 100k no worse than unfiltered.

    python benchmarks/search.py [--sizes 1000 10000 100000] [--queries 200] [--no-filters]
"""

from __future__ import annotations

import argparse
import dataclasses
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


def meeting_times(hour: int) -> tuple[dtime, dtime]:
    """A meeting an hour and a half long."""
    return dtime(hour, 0), dtime(hour + 1, 30)


def attributes(rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Who a listing is for, its access and languages, in about the shares of a real
    directory: 10% women only, 5% men only, 3% LGBTQ+, 8% for newcomers; 30% wheelchair
    access, 20% step-free, 5% a hearing loop; 2% in Welsh too."""
    r = rng.random()
    audience = ["women"] if r < 0.10 else ["men"] if r < 0.15 else ["lgbtq"] if r < 0.18 else []
    if rng.random() < 0.08:
        audience.append("newcomers")
    access = [code for code, share in (("wheelchair", 0.30), ("step_free", 0.20),
                                       ("hearing_loop", 0.05)) if rng.random() < share]
    return audience, access, ["en", "cy"] if rng.random() < 0.02 else ["en"]


def synthetic_rows(n: int, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # its own stream: the other columns stay as they were
    streets = pseudo_words(10_000, rng)
    weights = [t[3] for t in TOWNS]
    rows = []
    for i in range(n):
        audience, access, languages = attributes(extra)
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
            *meeting_times(rng.randrange(8, 21)), audience, access,
            datetime(2026, rng.randint(1, 11), 1, tzinfo=UTC), languages, {}, False,
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


# Each filter added to the same queries; the last two are the slowest kinds together.
FILTERS: dict[str, dict] = {
    "audience=women": {"audience": frozenset({"women"})},
    "audience=lgbtq": {"audience": frozenset({"lgbtq"})},
    "access=wheelchair": {"accessibility": frozenset({"wheelchair"})},
    "when=tonight": {"when": "tonight"},
    "when=now": {"when": "now"},
    "attendance=in_person": {"attendance": frozenset({"in_person"})},
    "attendance=online": {"attendance": frozenset({"online"})},
    "language=cy": {"languages": frozenset({"cy"})},
    "women+tonight": {"audience": frozenset({"women"}), "when": "tonight"},
    "lgbtq+now": {"audience": frozenset({"lgbtq"}), "when": "now"},
}


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
    ap.add_argument("--no-filters", action="store_true", help="Unfiltered queries only.")
    args = ap.parse_args()
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)  # a Monday, noon
    print(f"{'listings':>9} {'ours p50':>9} {'ours p95':>9} {'naive p50':>10} "
          f"{'naive p95':>10} {'speed-up p95':>12} {'index MB':>9} {'build s':>8}")
    filtered: list[str] = []
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
        if not args.no_filters:
            filtered += filtered_lines(index, qs, now, n, pct(ours, 95))
    if filtered:
        print(f"\n{'listings':>9} {'filter':<21} {'p50':>8} {'p95':>8} {'p95/unfiltered':>14} "
              f"{'results/query':>13}")
        print("\n".join(filtered))


def filtered_lines(index: SearchIndex, qs: list[Query], now: datetime, n: int,
                   unfiltered_p95: float) -> list[str]:
    """p50/p95 of the same queries with each filter added, and results per query."""
    lines = []
    for name, fields in FILTERS.items():
        fq = [dataclasses.replace(q, **fields) for q in qs]
        for q in fq[:10]:  # warm up
            index.search(q, now)
        found: list[int] = []
        times = timed(lambda q, found=found: found.append(len(index.search(q, now).hits)), fq)
        lines.append(f"{n:>9} {name:<21} {pct(times, 50):>6.2f}ms {pct(times, 95):>6.2f}ms "
                     f"{pct(times, 95) / unfiltered_p95:>13.1f}x "
                     f"{statistics.mean(found):>13.1f}")
    return lines


if __name__ == "__main__":
    main()
