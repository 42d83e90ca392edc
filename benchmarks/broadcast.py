"""Broadcast delivery against a local fake Telegram that enforces its rates.

    .venv/bin/python benchmarks/broadcast.py                    # 10,000 recipients
    .venv/bin/python benchmarks/broadcast.py --recipients 2000  # about 80 s a run

The fake Bot API server (tests/fake_telegram_limited.py, on 127.0.0.1) answers 429 with
retry_after to more than 30 sends within any one second, or a second message to one chat
within a second. A real worker process (`recovery-bot deliver telegram`, configured for
25 messages a second) delivers one broadcast; then a second broadcast with the worker
killed (SIGKILL) halfway and restarted. Printed for each run: the achieved rate as a
fraction of the configured 25/s (target >= 0.9), 429s (target 0), duplicates (0 for the
clean run; for the killed run, at most the few in flight at the kill) and lost (0).
Each run is bounded: it gives up after twice its expected time plus a minute.

    .venv/bin/python benchmarks/broadcast.py --processes 1,3 --recipients 150

instead compares several processes sharing one bot token on PostgreSQL (a database is
created for the run and dropped after it; RC_TEST_POSTGRES_URL, default the local
server): for each count, that many `recovery-bot run telegram` processes in webhook
mode (the README's production set-up; `--command deliver` for delivery-only workers at
`--rate 25` each) deliver one broadcast. Printed for each: the achieved rate in all,
429s (target 0) and duplicates; then what one reservation of the shared budget costs.
The token's send budget is shared through PostgreSQL (bot/broadcasts/budget.py), so N
processes together keep within the one token's rate. Measured here (2 cores, shared):
before it, 1 process 24.4 msg/s and 0 x 429, 3 processes 23.1 to 23.9 msg/s and 12 x 429
(`--command deliver --rate 8 --limit 10`: 3 processes 47 x 429); with it, 25.0 msg/s and
0 x 429 for 1 and for 3 processes (scaled down: 8.0 msg/s, 0 x 429), a reservation
about 1 ms (p95 4 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_telegram_limited import LimitedTelegram  # noqa: E402
from pg import pg_database  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot.broadcasts import compose, store  # noqa: E402
from directory.db import make_engine, session_factory, upgrade  # noqa: E402

RATE = 25.0


def queue(sessions, n: int, first: int) -> int:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with sessions() as s:
        s.execute(store.Subscription.__table__.insert(), [
            {"platform": "telegram", "user_id": str(first + i), "topics": [],
             "created_at": now} for i in range(n)])
        b = store.Broadcast(text=compose(f"Benchmark from {first}"), created_at=now,
                            status="draft", audience={"kind": "everyone"}, recipients=0)
        s.add(b)
        s.flush()
        s.execute(store.Delivery.__table__.insert(), [
            {"broadcast_id": b.id, "platform": "telegram", "user_id": str(first + i),
             "status": "pending", "not_before": now, "attempts": 0} for i in range(n)])
        b.status, b.recipients = "queued", n
        s.commit()
        return b.id


def worker(url: str, tg: LimitedTelegram, lease: float, log: Path, rate: float = RATE
           ) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": tg.token,
           "TELEGRAM_API_BASE_URL": tg.url, "LOAD_DEMO": "false", "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "deliver", "telegram", "--rate", str(rate),
         "--lease", str(lease)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=log.open("a"))


def finished(sessions, broadcast_id: int) -> bool:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return store.report(s, broadcast_id).finished


async def run(label: str, url: str, sessions, tg: LimitedTelegram, n: int, first: int,  # type: ignore[no-untyped-def]
              kill: bool, lease: float, log: Path) -> None:
    broadcast = queue(sessions, n, first)
    before_calls, before_429 = len(tg.calls), tg.too_many
    deadline = time.monotonic() + 2 * n / RATE + 60
    proc = worker(url, tg, lease, log)
    in_flight = 0
    if kill:
        while sum(c for u, c in tg.received().items() if first <= u < first + n) < n // 2:
            await asyncio.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with sessions() as s:
            in_flight = len(list(s.scalars(select(store.Delivery.id).where(
                store.Delivery.broadcast_id == broadcast,
                store.Delivery.status == "sending"))))
        proc = worker(url, tg, lease, log)
    while not finished(sessions, broadcast):
        if time.monotonic() > deadline:
            print(f"{label}: gave up at the time bound")
            break
        await asyncio.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    calls = [c for c in tg.calls[before_calls:] if c.method == "sendMessage"]
    ok = [c for c in calls if c.status == 200]
    received = tg.received()
    mine = {u: received.get(u, 0) for u in range(first, first + n)}
    span = ok[-1].at - ok[0].at if len(ok) > 1 else float("nan")
    rate = (len(ok) - 1) / span if span else float("nan")
    got_429 = sum(c.status == 429 for c in calls)
    dupes = sum(c - 1 for c in mine.values() if c > 1)
    lost = sum(c == 0 for c in mine.values())
    with sessions() as s:
        report = store.report(s, broadcast)
    print(f"{label}: {n} recipients in {span:.1f} s: {rate:.2f} msg/s = "
          f"{rate / RATE:.3f} of the configured {RATE:.0f}/s; 429s: {got_429} "
          f"(fake counted {tg.too_many - before_429}); duplicates: {dupes}; lost: {lost}; "
          f"report: {report.counts['sent']} sent, {report.counts['failed']} failed"
          + (f"; rows in flight at the kill: {in_flight}, lease {lease:.0f} s" if kill else ""))


async def processes_run(url: str, sessions, tg: LimitedTelegram, n: int, first: int,  # type: ignore[no-untyped-def]
                        count: int, command: str, workdir: Path, rate: float) -> None:
    """`count` processes deliver one broadcast of `n` together: rate in all and 429s."""
    from bot_process import BotProcess

    quiet = {"LOAD_DEMO": "false", "LOG_LEVEL": "WARNING"}
    procs: list[subprocess.Popen] = []
    bots: list[BotProcess] = []
    try:
        if command == "run":
            bots = [BotProcess(tg.url, tg.token, url, workdir, name=f"bot{i}",
                               extra_env=quiet).start() for i in range(count)]
            for bot in bots:
                await bot.ready()
        else:
            procs = [worker(url, tg, 60.0, workdir / "worker.log", rate)
                     for _ in range(count)]
            await asyncio.sleep(3.0)  # started and idle before the broadcast is queued
        before_calls, before_429 = len(tg.calls), tg.too_many
        broadcast = queue(sessions, n, first)
        deadline = time.monotonic() + 2 * n / rate + 60
        while not finished(sessions, broadcast):
            if time.monotonic() > deadline:
                print(f"{count} x {command}: gave up at the time bound")
                break
            await asyncio.sleep(0.1)
    finally:
        for bot in bots:
            bot.stop()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    calls = [c for c in tg.calls[before_calls:] if c.method == "sendMessage"
             and first <= int(c.params.get("chat_id", 0)) < first + n]
    ok = [c for c in calls if c.status == 200]
    span = ok[-1].at - ok[0].at if len(ok) > 1 else float("nan")
    achieved = (len(ok) - 1) / span if span else float("nan")
    received = tg.received()
    dupes = sum(received.get(u, 0) - 1 for u in range(first, first + n)
                if received.get(u, 0) > 1)
    lost = sum(received.get(u, 0) == 0 for u in range(first, first + n))
    with sessions() as s:
        shares = sorted(Counter(s.scalars(select(store.Delivery.claimed_by).where(
            store.Delivery.broadcast_id == broadcast))).values(), reverse=True)
    busiest = max((sum(1 for c in ok if t - 1.0 < c.at <= t) for t in (c.at for c in ok)),
                  default=0)
    print(f"{count} x `recovery-bot {command}`: {n} recipients in {span:.1f} s: "
          f"{achieved:.1f} msg/s in all (token limit {tg.per_second}/s, budget {rate:g}/s); "
          f"429s: {tg.too_many - before_429}; busiest second: {busiest} sends; "
          f"duplicates: {dupes}; lost: {lost}; sent per process: "
          f"{'/'.join(map(str, shares))}")


async def reservation_cost(sessions, count: int = 300) -> None:  # type: ignore[no-untyped-def]
    """What one slot of the shared budget costs: a round trip to PostgreSQL."""
    from bot.broadcasts import SharedBudget, budget_for

    budget = budget_for(sessions, "telegram", "benchmark", 1e6)  # never waits for a slot
    assert isinstance(budget, SharedBudget)
    took = []
    cpu = time.process_time()
    for _ in range(count):
        start = time.perf_counter()
        await budget.acquire()
        took.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu
    took.sort()
    print(f"one shared-budget slot (reserved from PostgreSQL, {count} in a row): p50 "
          f"{took[count // 2] * 1000:.2f} ms, p95 {took[count * 95 // 100] * 1000:.2f} ms, "
          f"{cpu / count * 1000:.2f} ms CPU in this process; at 25/s about "
          f"{25 * took[count // 2] * 100:.1f}% of one thread")


async def compare_processes(counts: list[int], n: int, command: str, rate: float,
                            limit: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rc-bench-"))
    with pg_database("rc_bench") as url:
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        print(f"One bot token, PostgreSQL, {n} recipients a broadcast; fake Telegram "
              f"answers 429 above {limit} sends in any second or 1 a second per chat")
        async with LimitedTelegram(per_second=limit, per_chat=1.0) as tg:
            for i, count in enumerate(counts):
                await processes_run(url, sessions, tg, n, 100_000 * (i + 1), count, command,
                                    tmp, rate)
        await reservation_cost(sessions)
        engine.dispose()
    print(f"(logs: {tmp})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--processes", help="compare these process counts on PostgreSQL "
                        "(e.g. 1,3) instead of the SQLite runs")
    parser.add_argument("--command", choices=("run", "deliver"), default="run",
                        help="with --processes: the processes to start")
    parser.add_argument("--rate", type=float, default=RATE, help="with --processes and "
                        "--command deliver: each worker's --rate (the token's budget)")
    parser.add_argument("--limit", type=int, default=30, help="with --processes: the fake "
                        "Telegram's limit, sends in any one second")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--lease", type=float, default=10.0,
                        help="seconds before a dead worker's rows are taken again")
    parser.add_argument("--skip-clean", action="store_true")
    args = parser.parse_args()
    if args.processes:
        if args.command == "run" and args.rate != RATE:
            parser.error("--rate applies to --command deliver (`run` uses the platform's)")
        await compare_processes([int(c) for c in args.processes.split(",")],
                                args.recipients, args.command, args.rate, args.limit)
        return
    tmp = Path(tempfile.mkdtemp(prefix="rc-bench-"))
    url = args.database or f"sqlite:///{tmp / 'broadcast.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    log = tmp / "worker.log"
    async with LimitedTelegram(per_second=30, per_chat=1.0) as tg:
        n = args.recipients
        if not args.skip_clean:
            await run("clean run", url, sessions, tg, n, 100_000, False, args.lease, log)
        await run("killed halfway and restarted", url, sessions, tg, n, 500_000, True,
                  args.lease, log)
    print(f"(worker logs: {log})")


if __name__ == "__main__":
    asyncio.run(main())
