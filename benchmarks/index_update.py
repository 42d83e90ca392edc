"""Search index update after volunteer edits vs a full build, at 10k and 100k listings.

Fills a real database (SQLite file by default, or --url) with synthetic listings, builds
the index as a bot process does, then edits listings through the repository the way
volunteers do (each edit its own transaction) and times `DirectorySearch.index`, which
fetches only the changed rows and merges them into a new index. In the same process it
times a full build (`SearchIndex.build`: read every open listing and index it) and checks
the updated index answers like the fresh one. "update" is the whole of
`DirectorySearch.index` (version check, fetching the changed rows, merging); "fetch" is
the part spent fetching the changed rows. Medians over --repeat updates.

Target: an update after one edit at 100k listings well under 100 ms.

    python benchmarks/index_update.py [--sizes 10000 100000] [--repeat 5]
                                      [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from conversation import NOW, TOWNS, WORDS, fill_directory  # benchmarks/conversation.py
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from directory.db import make_engine, session_factory, upgrade
from directory.models import Base, Listing
from directory.repository import update_listing
from directory.search import DirectorySearch, Query, SearchIndex


def edit(sessions: sessionmaker, ids: list[int], rng: random.Random, count: int) -> None:
    """`count` volunteer edits, each its own transaction: renames, moves, pauses, needs."""
    done = 0
    while done < count:
        with sessions() as s:
            listing = s.get(Listing, rng.choice(ids))
            assert listing is not None
            town, lat, lon, *_ = rng.choice(TOWNS)
            values = rng.choice([
                {"name": f"{town} {' '.join(rng.sample(WORDS, 3))} {rng.randrange(10**6)}"},
                {"latitude": lat + rng.gauss(0, 0.1), "longitude": lon + rng.gauss(0, 0.1)},
                {"status": rng.choice(["active", "temporarily_closed", "closed"])},
                {"needs": rng.sample(["alcohol", "drugs", "gambling", "family"], 2)},
            ])
            if update_listing(s, listing, values, actor="bench"):  # not a no-op
                done += 1
            s.commit()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def same_answers(a: SearchIndex, b: SearchIndex, rng: random.Random) -> bool:
    qs = []
    for _ in range(30):
        _, lat, lon, *_ = rng.choice(TOWNS)
        qs.append(Query(latitude=lat, longitude=lon, needs=frozenset({"alcohol"}),
                        text=rng.choice(["", "hope circle", "recovery cafe"]), limit=20))
    qs += [Query(online_only=True, limit=50), Query(text="smart peer", limit=50)]
    return all(a.search(q, NOW) == b.search(q, NOW) for q in qs)


def empty(sessions: sessionmaker) -> None:
    """No rows, and ids from 1 again (fill_directory counts on it)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with sessions() as s:
        if s.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
            s.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                s.execute(text(f"DELETE FROM {table}"))
        s.commit()


class Timed(DirectorySearch):
    """Notes how long fetching the changed rows took, and whether it merged them."""

    fetch_s = 0.0
    merged = False

    def _changes(self, session: Session, current: SearchIndex
                 ) -> tuple[np.ndarray, list[tuple]] | None:
        t0 = time.perf_counter()
        delta = super()._changes(session, current)
        self.fetch_s, self.merged = time.perf_counter() - t0, delta is not None
        return delta


def run(sessions: sessionmaker, n: int, repeat: int) -> None:
    rng = random.Random(n)
    empty(sessions)
    fill_directory(sessions, n)
    with sessions() as s:
        ids = list(s.scalars(select(Listing.id)))
    search = Timed()
    with sessions() as s:
        search.index(s)  # as a process starts: one full build
    cells = []
    full_s = 0.0
    for edits, runs in ((1, repeat), (100, max(2, repeat // 2))):
        total, fetch = [], []
        for _ in range(runs):
            edit(sessions, ids, rng, edits)
            with sessions() as s:
                total.append(timed(lambda s=s: search.index(s))[0])
            assert search.merged, "fell back to a full build"
            fetch.append(search.fetch_s)
        if not full_s:
            with sessions() as s:
                full_s, fresh = timed(lambda s=s: SearchIndex.build(s))
                assert same_answers(search.index(s), fresh, rng), "update differs from build"
        t, f = statistics.median(total), statistics.median(fetch)
        cells.append(f"{t * 1000:>9.1f}ms {f * 1000:>7.1f}ms {full_s / t:>7.0f}x")
    print(f"{n:>9} {full_s:>9.2f}s  " + "  ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=5, help="updates timed per size (median)")
    ap.add_argument("--url", help="a database URL (default: a new SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(engine)
        sessions = session_factory(engine)
        print(f"database: {engine.dialect.name}")
        print(f"{'listings':>9} {'full build':>10}  {'1 edit: update':>14} {'fetch':>9} "
              f"{'ratio':>8}  {'100 edits: update':>17} {'fetch':>9} {'ratio':>8}")
        for n in args.sizes:
            run(sessions, n, args.repeat)
        engine.dispose()


if __name__ == "__main__":
    main()
