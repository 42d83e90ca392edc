"""Load test: several `recovery-bot run telegram` processes in webhook mode on one
PostgreSQL database, serving simulated users through the fake Bot API
(tests/fake_telegram.py). Loopback only; bounded in users, turns and time.

    python benchmarks/load.py [--users 120] [--processes 4] [--time-limit 180]

Each simulated user has a private chat and says, one turn at a time with a short think
time between turns (people type slower than the bot's pacing of a message a second per
chat): /start, "alcohol in Leeds", /privacy, /help. Updates are POSTed to the processes'
webhooks in turn (a load balancer's round robin); a POST that fails because its process
is gone is sent again to the next process, as Telegram retries a webhook that did not
answer 200.

Printed, for one process (the baseline, in the same run) and for N processes with one
killed (SIGKILL) midway: turns a second, p50/p95 time from an update's first POST to
the first message of its reply, and lost and duplicated replies (messages expected from
a calibration run of the same script, against messages received per chat).

Needs PostgreSQL (RC_TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test);
a database is created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bot_process import SECRET, BotProcess  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_URL = os.environ.get("RC_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCRIPT = ("/start", "alcohol in Leeds", "/privacy", "/help")
THINK = 1.2  # seconds between a reply and the user's next message
TURN_TIMEOUT = 20.0


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    turns: int = 0
    retried_posts: int = 0
    expected: dict[int, int] = field(default_factory=dict)  # chat -> messages expected
    elapsed: float = 0.0
    in_flight: dict[int, int] = field(default_factory=dict)  # process -> posts awaiting
    killed_with: int | None = None  # posts in flight to the process when it was killed


RETRY_FOR = 60.0


class Balancer:
    """Round robin over live processes; a failed POST goes to the next one."""

    def __init__(self, tg: FakeTelegram, bots: list[BotProcess]) -> None:
        self.tg = tg
        self.bots = bots
        self.dead: set[int] = set()
        self._next = itertools.count()

    async def post(self, update: dict, run: Run) -> None:
        # Like Telegram: a webhook POST that fails or is not answered 2xx is sent again,
        # with growing pauses (here up to 2 s, for up to RETRY_FOR seconds).
        deadline = time.monotonic() + RETRY_FOR
        attempt = 0
        while time.monotonic() < deadline:
            n = next(self._next) % len(self.bots)
            if n in self.dead:
                continue
            run.in_flight[n] = run.in_flight.get(n, 0) + 1
            try:
                status = await self.tg.post_webhook(update, SECRET, self.bots[n].url)
            except (aiohttp.ClientError, OSError):
                status = 0
            finally:
                run.in_flight[n] -= 1
            if status == 200:
                return
            run.retried_posts += 1
            attempt += 1
            await asyncio.sleep(min(0.05 * 2 ** attempt, 2.0))
        raise RuntimeError("no process accepted an update")


def message(chat: int, text_: str, update_id: int) -> dict:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text_.split()[0])}] \
        if text_.startswith("/") else []
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text_,
        "entities": entities,
        "chat": {"id": chat, "type": "private", "first_name": "Sam"},
        "from": {"id": chat, "is_bot": False, "first_name": "Sam", "language_code": "en"}}}


async def user(tg: FakeTelegram, lb: Balancer, run: Run, chat: int, counts: list[int],
               ids: itertools.count) -> None:
    expected = 0
    for step, said in enumerate(SCRIPT):
        expected += counts[step]
        run.expected[chat] = expected
        before = len(tg.messages(chat))
        start = time.monotonic()
        await lb.post(message(chat, said, next(ids)), run)
        try:
            await tg.wait_for(lambda b=before: len(tg.messages(chat)) > b, TURN_TIMEOUT)
        except AssertionError:
            continue  # counted as lost at the end
        first = next(m for m in tg.messages(chat)[before:])
        run.latencies.append(first["_at"] - start)
        run.turns += 1
        with contextlib.suppress(AssertionError):
            await tg.wait_for(lambda e=expected: len(tg.messages(chat)) >= e, TURN_TIMEOUT)
        await asyncio.sleep(THINK)


class TimedTelegram(FakeTelegram):
    """Stamps each sent message with when it arrived, and indexes them by chat (the
    users' waits look at their own chat on every request the bots make)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[dict]] = {}

    def _message(self, p: dict, **content: object) -> dict:
        msg = super()._message(p, **content)
        self.sent[-1]["_at"] = time.monotonic()
        self.by_chat.setdefault(self.sent[-1]["chat"]["id"], []).append(self.sent[-1])
        return msg

    def messages(self, chat_id: int | None = None) -> list[dict]:
        return self.by_chat.get(chat_id or self.user_id, [])


async def calibrate(tg: FakeTelegram, lb: Balancer, ids: itertools.count) -> list[int]:
    """Messages each step of the script gets, from one user alone (settled)."""
    chat, counts = 4_000_000, []
    for said in SCRIPT:
        before = len(tg.messages(chat))
        await lb.post(message(chat, said, next(ids)), Run("calibration"))
        await tg.wait_for(lambda b=before: len(tg.messages(chat)) > b, TURN_TIMEOUT)
        await asyncio.sleep(2.5)  # pacing: a message a second; let the turn finish
        counts.append(len(tg.messages(chat)) - before)
    return counts


async def scenario(tg: FakeTelegram, db_url: str, workdir: Path, processes: int,
                   users: int, first_chat: int, counts: list[int] | None,
                   ids: itertools.count, kill: bool, time_limit: float
                   ) -> tuple[Run, list[int]]:
    bots = [BotProcess(tg.url, tg.token, db_url, workdir, name=f"p{processes}-{n}",
                       log_level="WARNING") for n in range(processes)]
    run = Run(f"{processes} process{'es' if processes > 1 else ''}"
              + (", one killed midway" if kill else ""))
    try:
        for bot in bots:
            bot.start()
        await asyncio.gather(*(bot.ready() for bot in bots))
        lb = Balancer(tg, bots)
        if counts is None:
            counts = await calibrate(tg, lb, ids)
        chats = [first_chat + i for i in range(users)]
        start = time.monotonic()
        tasks = [asyncio.create_task(user(tg, lb, run, chat, counts, ids)) for chat in chats]

        async def killer() -> None:
            # Midway: half the turns answered, at a moment the process has updates in
            # hand (on a quiet machine it is often idle between them; a kill then would
            # test nothing). SIGKILL: no graceful stop at all.
            while run.turns < users * len(SCRIPT) // 2:
                await asyncio.sleep(0.05)
            deadline = time.monotonic() + 10
            while run.in_flight.get(0, 0) < 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            lb.dead.add(0)
            bots[0].signal(signal.SIGKILL)
            run.killed_with = run.in_flight.get(0, 0)
        kill_task = asyncio.create_task(killer()) if kill else None
        done, pending = await asyncio.wait(tasks, timeout=time_limit)
        for t in pending:
            t.cancel()
        if kill_task is not None:
            kill_task.cancel()
        run.elapsed = time.monotonic() - start
        await asyncio.sleep(3)  # anything late or repeated arrives now
        for n, bot in enumerate(bots):
            if n in lb.dead:
                continue
            bot.signal(signal.SIGTERM)
            code = await bot.wait(30)
            if code != 0:
                print(f"  warning: {bot.name} exited {code}", file=sys.stderr)
        run.expected = {c: run.expected.get(c, 0) for c in chats}
        return run, counts
    finally:
        for bot in bots:
            bot.stop()


def report(run: Run, tg: FakeTelegram, explain: bool = False) -> tuple[float, float]:
    lost = dup = 0
    for chat, expected in run.expected.items():
        got = len(tg.messages(chat))
        lost += max(0, expected - got)
        dup += max(0, got - expected)
        if explain and got != expected:
            seen = [(m.get("text") or "")[:24] for m in tg.messages(chat)]
            print(f"  chat {chat}: expected {expected} messages, got {got}: {seen}")
    lat = sorted(run.latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    p95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
    rate = run.turns / run.elapsed if run.elapsed else 0.0
    print(f"{run.name}: {run.turns} turns in {run.elapsed:.1f} s = {rate:.1f} turns/s; "
          f"first reply p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
          f"lost messages {lost}, duplicated messages {dup}; "
          f"webhook posts retried {run.retried_posts}"
          + ("" if run.killed_with is None else
             f"; {run.killed_with} updates were in the killed process's hands"))
    return rate, p95


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=180.0)
    parser.add_argument("--explain", action="store_true",
                        help="list the messages of each chat with lost or repeated ones")
    args = parser.parse_args()
    users = max(1, min(args.users, 1000))
    name = f"rc_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    ids = itertools.count(1)
    print(f"{users} users x {len(SCRIPT)} turns each, think time {THINK} s; PostgreSQL")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with TimedTelegram() as tg:
                base, counts = await scenario(tg, db_url, Path(tmp), 1, users, 1_000_000,
                                              None, ids, False, args.time_limit)
                print(f"messages per turn (calibrated): {dict(zip(SCRIPT, counts, strict=True))}")
                rate1, p95_1 = report(base, tg, args.explain)
                multi, _ = await scenario(tg, db_url, Path(tmp), args.processes, users,
                                          2_000_000, counts, ids, True, args.time_limit)
                rate_n, p95_n = report(multi, tg, args.explain)
                print(f"ratio {args.processes} processes / 1: throughput x{rate_n / rate1:.2f}, "
                      f"p95 x{p95_n / p95_1:.2f}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
