"""Conversation speed: simulated people talking to the core against a 10k-listing directory.

Drives `Conversation.handle` (crisis check, stored state, understanding, search, results
and details) on a real SQLite file, through the same mix of turns people make: /start,
a need button, a town or postcode or everything in one sentence, a shared location, more
results, today only, online only, details, back, a problem report. Prints turns per second
and p50/p95/p99 per turn, and, in the same process, two baselines so the figures have a
ratio: the bare minimum of a turn (the crisis check plus loading and saving the state, in
the same worker thread) and the directory search alone.

Target (issue 3): at least 500 turns/s on one core, p95 at most 10 ms. "turns/s" is by
the wall clock, one turn after another; "per CPU" is turns per CPU second of this process
(the database work runs in a worker thread), which other load on the machine disturbs less.

    python benchmarks/conversation.py [--listings 10000] [--turns 2000] [--repeat 3]
                                      [--synchronous normal] [--profile]

--synchronous normal shows what SQLite's PRAGMA synchronous=NORMAL (safe with WAL; a power
cut may lose the last commits, never corrupt the file) would change: the app leaves
SQLite's default (FULL), which waits for the disk on every commit. --profile prints a
cProfile of the same turns run in the main thread.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.orm import sessionmaker

import bot.state
from bot.conversation import Config, Conversation
from bot.crisis import detect_crisis
from bot.types import ConversationRef, Incoming, Location
from directory.db import make_engine, session_factory, upgrade
from directory.geography import Gazetteer
from directory.models import Listing, Organisation
from directory.repository import bump_version
from directory.search import DirectorySearch, Query

# (name people type, latitude, longitude, weight ~ population, a postcode district there)
TOWNS = [
    ("London", 51.507, -0.128, 15, "SE1"), ("Birmingham", 52.486, -1.890, 12, "B1"),
    ("Leeds", 53.800, -1.549, 8, "LS1"), ("Glasgow", 55.864, -4.252, 7, "G1"),
    ("Sheffield", 53.381, -1.470, 6, "S1"), ("Manchester", 53.481, -2.243, 6, "M1"),
    ("Liverpool", 53.408, -2.992, 5, "L1"), ("Bristol", 51.455, -2.588, 5, "BS1"),
    ("Edinburgh", 55.953, -3.188, 5, "EH1"), ("Cardiff", 51.482, -3.179, 4, "CF10"),
    ("Belfast", 54.597, -5.930, 3, "BT1"), ("Doncaster", 53.523, -1.128, 2, "DN1"),
    ("Plymouth", 50.376, -4.143, 2, "PL1"), ("Norwich", 52.631, 1.297, 2, "NR2"),
    ("Inverness", 57.478, -4.225, 1, "IV1"), ("Swansea", 51.621, -3.944, 2, "SA1"),
    ("Hull", 53.768, -0.327, 2, "HU1"), ("Nottingham", 52.954, -1.158, 3, "NG1"),
]
NEEDS = ["alcohol", "drugs", "cocaine", "opioids", "gambling", "family", "mental_health",
         "recovery_community", "cannabis", "housing"]
WORDS = ["Recovery", "Café", "AA", "NA", "SMART", "Hope", "Community", "Family", "Women's",
         "Circle", "Group", "Meeting", "Peer", "Support", "Living", "Free", "Together"]
SENTENCES = ["I'm in {town} and drinking too much", "gambling help near {town}",
             "my son's using, we live in {town}", "coke {town}", "{town} booze"]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday


# -- the directory ----------------------------------------------------------------------------


def fill_directory(sessions: sessionmaker, listings: int, seed: int = 7) -> None:
    """Synthetic organisations and listings clustered around real towns, bulk inserted."""
    rng = random.Random(seed)
    weights = [t[3] for t in TOWNS]
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    orgs = max(1, listings // 4)
    with sessions() as s:
        # Core inserts bypass the ORM's change stamps: stamp the rows with the version.
        version = bump_version(s)
        s.execute(insert(Organisation), [
            {"slug": f"org-{i}", "kind": "lero", "name": f"Recovery Org {i}",
             "phones": [], "created_at": stamp, "updated_at": stamp, "status": "active",
             "is_demo": False, "clero_member": False, "changed_in": version}
            for i in range(orgs)])
        rows = []
        for i in range(listings):
            town, lat, lon, _, district = rng.choices(TOWNS, weights)[0]
            online = rng.random() < 0.08
            attendance = "online" if online else rng.choice(["in_person", "in_person",
                                                              "hybrid"])
            rows.append({
                "slug": f"l-{i}", "organisation_id": 1 + i % orgs, "kind": "meeting",
                "name": f"{town} {' '.join(rng.sample(WORDS, 3))} {i}",
                "description": "A peer-led group: everyone welcome, no need to book.",
                "needs": rng.sample(NEEDS, rng.randint(1, 3)), "schedule_kind": "weekly",
                "days": [rng.randrange(7)], "month_weeks": [],
                "anchor_date": date(2026, 1, 5),
                "start_time": dtime(rng.randrange(8, 21), 0), "end_time": dtime(21, 30),
                "attendance": attendance,
                "venue_name": None if online else f"{town} Community Hall",
                "address": None if online else f"{rng.randint(1, 200)} High Street, {town}",
                "postcode": None if online else f"{district} 1AA",
                "latitude": None if online else lat + rng.gauss(0, 0.12),
                "longitude": None if online else lon + rng.gauss(0, 0.18),
                "location_approximate": False,
                "online_url": "https://example.org/join" if attendance != "in_person" else None,
                "website": "https://example.org", "accessibility": ["wheelchair"],
                "audience": [], "languages": ["en"], "status": "active", "is_demo": False,
                "last_verified_at": datetime(2026, rng.randint(6, 11), 1, tzinfo=UTC),
                "created_at": stamp, "updated_at": stamp, "changed_in": version,
            })
        s.execute(insert(Listing), rows)
        s.commit()


# -- the people -------------------------------------------------------------------------------


def conversations(rng: random.Random) -> Iterator[list[Incoming]]:
    """Simulated people, each a list of messages, in the mix of steps people make."""
    n = 0
    while True:
        n += 1
        ref = ConversationRef("bench", f"chat{n}", f"user{n}")
        town, lat, lon, _, district = rng.choice(TOWNS)
        def say(text: str, ref: ConversationRef = ref) -> Incoming:
            return Incoming(ref, text=text)
        def tap(payload: str, ref: ConversationRef = ref) -> Incoming:
            return Incoming(ref, payload=payload)
        kind = rng.randrange(4)
        if kind == 0:  # step by step
            yield [say("/start"), tap(f"n{rng.randrange(5)}"), say(town), tap("more"),
                   tap(f"d{rng.randrange(3)}"), tap("back"), tap("today"), say("thanks")]
        elif kind == 1:  # everything at once
            yield [say(rng.choice(SENTENCES).format(town=town)), tap("d0"), tap("report"),
                   tap("r0"), tap("back"), tap("more"), tap("d1")]
        elif kind == 2:  # a postcode district, then online only
            yield [say("/start"), tap("n*"), say(district), tap("online"), tap("d2"),
                   say("/privacy")]
        else:  # a shared location
            yield [say("/start"), tap(f"n{rng.randrange(5)}"),
                   Incoming(ref, location=Location(lat + rng.gauss(0, 0.05),
                                                   lon + rng.gauss(0, 0.05))),
                   tap("more"), tap("area"), say(rng.choice(TOWNS)[0]), tap("d0")]


def turns(count: int, seed: int = 11) -> list[Incoming]:
    rng = random.Random(seed)
    out: list[Incoming] = []
    for script in conversations(rng):
        out.extend(script)
        if len(out) >= count:
            return out[:count]
    return out


# -- timing -----------------------------------------------------------------------------------


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def report(name: str, ms: list[float], wall: float, cpu: float) -> None:
    print(f"{name:<34} {len(ms) / wall:>9.0f} {len(ms) / cpu:>9.0f} {pct(ms, 50):>8.2f}ms "
          f"{pct(ms, 95):>8.2f}ms {pct(ms, 99):>8.2f}ms {max(ms):>8.2f}ms")


Timing = tuple[list[float], float, float]  # per-turn ms, wall seconds, CPU seconds


async def run_core(conversation: Conversation, msgs: list[Incoming]) -> Timing:
    out = []
    cpu = time.process_time()
    start = time.perf_counter()
    for msg in msgs:
        t0 = time.perf_counter()
        replies = await conversation.handle(msg)
        out.append((time.perf_counter() - t0) * 1000)
        assert replies and "went wrong" not in replies[0].text, replies[0].text
    return out, time.perf_counter() - start, time.process_time() - cpu


async def run_state_only(sessions: sessionmaker, msgs: list[Incoming]) -> Timing:
    """The least a turn can do: crisis check, then load and save the state in a worker."""
    def stored(key: str) -> None:
        with sessions() as s:
            state = bot.state.load(s, key, NOW)
            bot.state.save(s, key, state, NOW, timedelta(hours=24))
            s.commit()

    out = []
    cpu = time.process_time()
    start = time.perf_counter()
    for msg in msgs:
        t0 = time.perf_counter()
        detect_crisis(msg.text or "")
        await asyncio.to_thread(stored, "base:" + msg.ref.key)
        out.append((time.perf_counter() - t0) * 1000)
    return out, time.perf_counter() - start, time.process_time() - cpu


def run_search_only(sessions: sessionmaker, search: DirectorySearch, count: int) -> Timing:
    rng = random.Random(5)
    out = []
    with sessions() as s:
        index = search.index(s)
        cpu = time.process_time()
        start = time.perf_counter()
        for _ in range(count):
            _, lat, lon, _, _ = rng.choice(TOWNS)
            q = Query(needs=frozenset(rng.sample(NEEDS[:5], 1)), latitude=lat,
                      longitude=lon, radius_km=25.0, limit=5, offset=rng.choice([0, 5]))
            t0 = time.perf_counter()
            index.search(q, NOW)
            out.append((time.perf_counter() - t0) * 1000)
    return out, time.perf_counter() - start, time.process_time() - cpu


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listings", type=int, default=10_000)
    ap.add_argument("--turns", type=int, default=2_000)
    ap.add_argument("--database", type=Path, help="SQLite file (default: a temporary one)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    ap.add_argument("--profile", action="store_true", help="cProfile the core's turns")
    ap.add_argument("--synchronous", choices=["full", "normal"], default=None,
                    help="SQLite PRAGMA synchronous (default: as the app sets it)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.database or Path(tmp) / "bench.sqlite3"
        if path.exists():
            path.unlink()
        engine = make_engine(f"sqlite:///{path}")
        if args.synchronous:
            event.listen(engine, "connect", lambda conn, _rec: conn.execute(
                f"PRAGMA synchronous={args.synchronous.upper()}"))
        upgrade(engine)
        sessions = session_factory(engine)
        t0 = time.perf_counter()
        fill_directory(sessions, args.listings)
        print(f"directory: {args.listings} listings written in "
              f"{time.perf_counter() - t0:.1f}s to {path}")
        gazetteer = Gazetteer.default()
        search = DirectorySearch(recheck_seconds=1.0)  # as adapters/wiring.py runs it
        conversation = Conversation(sessions, gazetteer, search, Config(), clock=lambda: NOW)
        t0 = time.perf_counter()
        with sessions() as s:
            search.index(s)
        print(f"search index built in {time.perf_counter() - t0:.2f}s (once per process "
              "and directory version)")
        msgs = turns(args.turns)
        await run_core(conversation, turns(200, seed=99))  # warm up: caches, pool, JIT-free

        print(f"\n{'best of ' + str(args.repeat) + ' runs':<34} {'turns/s':>9} {'per CPU':>9} "
              f"{'p50':>10} {'p95':>10} {'p99':>10} {'max':>10}")
        # Best of several runs: other processes on the machine only ever slow a run down.
        core = min([await run_core(conversation, msgs) for _ in range(args.repeat)],
                   key=lambda r: r[1])
        report(f"conversation core ({len(msgs)} turns)", *core)
        base = min([await run_state_only(sessions, msgs) for _ in range(args.repeat)],
                   key=lambda r: r[1])
        report("baseline: crisis check + state", *base)
        alone = min([run_search_only(sessions, search, len(msgs)) for _ in range(args.repeat)],
                    key=lambda r: r[1])
        report("baseline: directory search alone", *alone)

        core_ms, base_ms = core[0], base[0]
        rate, per_cpu, p95 = len(core_ms) / core[1], len(core_ms) / core[2], pct(core_ms, 95)
        print(f"\ncore / (crisis check + state): {pct(core_ms, 50) / pct(base_ms, 50):.1f}x "
              f"the p50, {p95 / pct(base_ms, 95):.1f}x the p95, "
              f"{base[2] / core[2]:.2f}x the turns per CPU second")
        ok = min(rate, per_cpu) >= 500 and p95 <= 10
        print(f"target >= 500 turns/s on one core and p95 <= 10 ms: "
              f"{'met' if ok else 'MISSED'} ({rate:.0f} turns/s wall clock, {per_cpu:.0f} per "
              f"CPU second, p95 {p95:.2f} ms)")
        if args.profile:
            # The database work runs in a worker thread, which cProfile does not see from
            # the event loop: profile the same turns called in this thread instead.
            profiler = cProfile.Profile()
            profiler.enable()
            for msg in msgs:
                if not (msg.text and detect_crisis(msg.text)):
                    conversation._handle_stored(msg)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
            print(out.getvalue())
        engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
