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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_telegram_limited import LimitedTelegram  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot import broadcast_store as store  # noqa: E402
from bot.broadcasting import compose  # noqa: E402
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


def worker(url: str, tg: LimitedTelegram, lease: float, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": tg.token,
           "TELEGRAM_API_BASE_URL": tg.url, "LOAD_DEMO": "false", "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "deliver", "telegram", "--rate", str(RATE),
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--lease", type=float, default=10.0,
                        help="seconds before a dead worker's rows are taken again")
    parser.add_argument("--skip-clean", action="store_true")
    args = parser.parse_args()
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
