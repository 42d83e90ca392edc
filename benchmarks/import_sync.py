"""Import and sync of a 5,000-meeting Meeting Guide feed, and search after it.

Generates a Meeting Guide feed of real UK places (postcode sectors and their coordinates
from the shipped gazetteer data, directory/data/postcode_sectors.csv.gz, weighted by how
many postcodes each has, so meetings cluster where people live), serves it over HTTP on
127.0.0.1, and times, through directory.sources (what `recovery-bot directory sync` runs):

1. the first sync: every meeting new (an import), into a database holding the demo
   directory, whose made-up examples it closes;
2. a re-sync answered 304 Not Modified (the conditional request);
3. a re-sync with the feed unchanged, fetched and applied in full (no ETag this time);
4. a sync with 10% of the meetings changed (their time, or their name).

For each: seconds, records a second, and the process's peak memory so far (ru_maxrss;
with --tracemalloc also the Python heap's peak during the step, which slows every step).
Then the search figures: p50/p95 of the queries `recovery-bot directory search` runs
(directory.finder understand_request -> DirectorySearch -> load_views), on the demo
directory alone before the sync (the baseline, in the same process) and on the directory
after it.

    python benchmarks/import_sync.py [--meetings 5000] [--queries 200] [--postgres]
                                     [--tracemalloc]

It prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from adapters.settings import Settings  # noqa: E402
from adapters.wiring import App, build_app  # noqa: E402
from directory.fetching import FetchLimits  # noqa: E402
from directory.finder import load_views, understand_request  # noqa: E402
from directory.geography import DATA_DIR, Gazetteer  # noqa: E402
from directory.search import Query  # noqa: E402
from directory.sources import SyncResult, add_source, sync_source  # noqa: E402

GROUP_WORDS = ["Hope", "Serenity", "Freedom", "Big Book", "Step", "New Beginnings",
               "Promises", "Keep It Simple", "Just For Today", "Living Sober", "Unity",
               "Daily Reflections", "Tradition", "Gratitude", "Courage"]
DAY_TYPES = [["O"], ["C"], ["O", "B"], ["C", "ST"], ["O", "D"], ["W"], ["M"], ["O", "X"],
             ["C", "BE"], ["O", "LGBTQ"]]
QUERIES = ["alcohol near Leeds", "AA meeting in Manchester", "drinking help Birmingham",
           "aa near Bristol", "women's meeting near London", "step meeting Glasgow",
           "alcohol support Cardiff", "meeting tonight near Sheffield", "AA Liverpool",
           "booze help near Newcastle", "alcohol Norwich", "AA near Belfast",
           "big book meeting Edinburgh", "drink problem Plymouth", "sober Hull",
           "alcohol near Doncaster", "AA meeting Swansea", "alcohol Inverness",
           "gambling near Leeds", "recovery cafe Cardiff"]


def sectors() -> list[tuple[str, float, float, int]]:
    with gzip.open(DATA_DIR / "postcode_sectors.csv.gz", "rt", encoding="utf-8") as f:
        return [(r["sector"], float(r["lat"]), float(r["lon"]), int(r["count"]))
                for r in csv.DictReader(f) if int(r["count"]) > 0]


def make_feed(n: int, gazetteer: Gazetteer, seed: int = 14) -> list[dict[str, Any]]:
    """`n` weekly AA-style meetings across UK postcode sectors."""
    rng = random.Random(seed)
    rows = sectors()
    chosen = rng.choices(rows, weights=[r[3] for r in rows], k=n)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    meetings = []
    for i, (sector, lat, lon, _) in enumerate(chosen):
        town = gazetteer.nearest_place(lat, lon)
        city = town.name if town is not None else sector.split()[0]
        word = rng.choice(GROUP_WORDS)
        hour = rng.choice([7, 10, 12, 18, 19, 19, 20])
        meetings.append({
            "name": f"{city} {word} Group", "slug": f"bench-{i:05d}",
            "day": rng.randrange(7), "time": f"{hour:02d}:{rng.choice(['00', '30'])}",
            "end_time": f"{hour + 1:02d}:30", "location": f"{rng.choice(['St', 'Holy'])} "
            f"{rng.choice(['Mary', 'John', 'Paul', 'Anne'])}'s Church Hall",
            "address": f"{rng.randint(1, 200)} {rng.choice(['High', 'Church', 'Station'])} "
                       "Street", "city": city,
            "postal_code": f"{sector}{rng.choice(letters)}{rng.choice(letters)}",
            "country": "UK", "latitude": round(lat + rng.uniform(-0.004, 0.004), 5),
            "longitude": round(lon + rng.uniform(-0.004, 0.004), 5),
            "types": rng.choice(DAY_TYPES), "group": f"{city} {word} Group",
        })
    return meetings


class Server:
    """The feed on 127.0.0.1, with an ETag (304 to a request that has it) unless
    `etag` is off."""

    def __init__(self) -> None:
        self.body = b"[]"
        self.etag = True
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                tag = f'"{hash(server.body) & 0xFFFFFFFF:x}"'
                if server.etag and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.body)))
                if server.etag:
                    self.send_header("ETag", tag)
                self.end_headers()
                self.wfile.write(server.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/meetings.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def step(name: str, run: Callable[[], SyncResult], heap: bool) -> SyncResult:
    if heap:
        tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    heap_mb = tracemalloc.get_traced_memory()[1] / 1e6 if heap else None
    if heap:
        tracemalloc.stop()
    s = result.as_json()
    assert result.status in ("ok", "not_modified"), result.error
    records = s["created"] + s["updated"] + s["unchanged"]  # organisations and listings
    rate = f"{records / seconds:8.0f} records/s" if result.status == "ok" else " " * 17
    print(f"{name:34} {seconds:7.2f} s {rate}  peak RSS {peak_rss_mb():6.0f} MB"
          + (f"  heap peak {heap_mb:6.1f} MB" if heap_mb is not None else "")
          + f"  [{s['status']}: {s['created']} created, {s['updated']} updated, "
            f"{s['unchanged']} unchanged, {s['closed']} closed, "
            f"{s['examples_closed']} examples closed]")
    return result


def search_times(a: App, queries: list[str]) -> tuple[list[float], float]:
    """Each query as `recovery-bot directory search TEXT` runs it (adapters/cli.py
    search), in ms; and the share of queries whose first result is a real listing."""
    out = []
    real = 0
    with a.sessions() as session:
        for text in queries:
            started = time.perf_counter()
            request = understand_request(text, a.gazetteer)
            q = Query(needs=request.needs, text=request.text, limit=5,
                      radius_km=a.settings.default_radius_km)
            place = request.place
            if place is not None and place.place is not None:
                q.latitude, q.longitude = place.place.latitude, place.place.longitude
            results = a.search.search(session, q, datetime.now(UTC))
            views = load_views(session, results.hits)
            out.append((time.perf_counter() - started) * 1000)
            real += bool(views) and not views[0].is_demo
            session.rollback()
    return out, real / len(queries)


def figures(label: str, timed: tuple[list[float], float]) -> str:
    ms = sorted(timed[0])
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (f"{label:34} p50 {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   "
            f"first result real: {timed[1]:.0%}")


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    if postgres:
        from pg import pg_database

        with pg_database("rc_bench") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/bench.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", action="store_true",
                        help="on a throwaway PostgreSQL database (tests/pg.py)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also the Python heap's peak per step (slows every step)")
    args = parser.parse_args()
    rng = random.Random(3)
    queries = [rng.choice(QUERIES) for _ in range(args.queries)]
    server = Server()
    limits = FetchLimits(read_timeout=120)
    with database(args.postgres) as url:
        a = build_app(Settings(database_url=url, load_demo=True))
        search_times(a, queries[:20])  # warm: the index is built on first use
        baseline = search_times(a, queries)
        meetings = make_feed(args.meetings, a.gazetteer)
        server.body = json.dumps(meetings).encode()
        print(f"{args.meetings} meetings, {len(server.body) / 1e6:.1f} MB of Meeting Guide "
              f"JSON, {'PostgreSQL' if args.postgres else 'SQLite'}\n")
        with a.sessions() as session:
            add_source(session, "bench", server.url, "meeting-guide", fellowship="AA")
            session.commit()

        def sync(**options: Any) -> Callable[[], SyncResult]:
            def run() -> SyncResult:
                with a.sessions() as session:
                    return sync_source(session, "bench", limits=limits, **options)
            return run

        n = len(meetings)
        step("first sync (an import)", sync(), args.tracemalloc)
        step("re-sync, unchanged (304)", sync(), args.tracemalloc)
        server.etag = False  # the same feed, fetched and applied in full
        step("re-sync, unchanged (fetched)", sync(), args.tracemalloc)
        for i in rng.sample(range(n), n // 10):
            m = meetings[i]
            if i % 2:
                m["time"] = "21:15"
                m["end_time"] = "22:15"
            else:
                m["name"] = m["name"].replace("Group", "Fellowship")
        server.body = json.dumps(meetings).encode()
        step("sync, 10% changed", sync(), args.tracemalloc)

        time.sleep(a.search.recheck_seconds + 0.1)  # the index rechecks the version
        search_times(a, queries[:20])  # and takes in the new listings
        after = search_times(a, queries)
        print()
        print(figures("search, demo directory alone", baseline))
        print(figures(f"search, after the sync (+{n})", after))
        a.engine.dispose()
    server.httpd.shutdown()


if __name__ == "__main__":
    main()
