"""Meeting reminders on time: many due at the same moment, sent by the delivery worker
(bot/broadcasts/worker.py with bot/reminders/worker.py's queue) through the real
python-telegram-bot client to a local fake Bot API server that enforces Telegram's
rates (tests/fake_telegram_limited.py: 429 to more than 30 sends within any one second,
or a second message to one chat within a second).

    .venv/bin/python benchmarks/reminders.py                 # 100, then 1,000 due at once
    .venv/bin/python benchmarks/reminders.py --due 100,2000 --postgres

Each run writes N reminders (N people) of one meeting, all due at the same instant a few
seconds ahead, in a fresh database holding the demo directory (SQLite; `--postgres`: a
database created on RC_TEST_POSTGRES_URL and dropped after), and runs one worker at
`--rate` messages a second (default 30, Telegram's bulk limit; production runs at 25,
DEFAULT_LIMITS) until every reminder is out. Lateness is when the reminder's text reached
the fake server minus when it was due. Printed for each run: p50, p95 and max lateness
(target: p95 <= 60 s for 1,000), the rate achieved, 429s, and duplicates (0). Two
meetings are measured: an online one (one message a reminder) and an in-person one (the
text, then the venue - the map pin - two Bot API calls, each taking a slot of the budget).

The worker's clock is the real one shifted so the reminders fall due `--lead` seconds
after the worker starts: the planning pass (one row per reminder, written up to 10
minutes ahead) has run by then, as it has in production.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_telegram_limited import LimitedTelegram  # noqa: E402
from pg import pg_database  # noqa: E402
from sqlalchemy import select  # noqa: E402

from adapters.senders import TelegramSender  # noqa: E402
from bot.broadcasts import Limits, Worker  # noqa: E402
from bot.pseudonyms import use_key  # noqa: E402
from bot.reminders import ReminderQueue, store  # noqa: E402
from directory.db import make_engine, session_factory, upgrade  # noqa: E402
from directory.demo import load_demo_if_empty  # noqa: E402
from directory.models import Listing  # noqa: E402

MEETINGS = {"online": "demo-online-women", "in person": "demo-leeds-aa"}


def write_reminders(sessions, slug: str, n: int, first: int  # type: ignore[no-untyped-def]
                    ) -> tuple[datetime, int]:
    """N reminders of the meeting's next occurrence, due at its "hour before" time.
    Returns that time (the meeting's clock) and the listing id."""
    now = datetime.now(UTC)
    with sessions() as s:
        listing = s.scalar(select(Listing).where(Listing.slug == slug))
        assert listing is not None, slug
        due, start = store.next_reminder(listing, "hour", now, now + timedelta(weeks=2))
        s.execute(store.Reminder.__table__.insert(), [
            {"owner": store.owner_of("telegram", str(first + i)), "platform": "telegram",
             "user_id": str(first + i), "listing_id": listing.id, "choice": "hour",
             "language": "en", "created_at": now, "ends_at": start + timedelta(minutes=1),
             "next_at": due, "occurrence": start, "fingerprint": store.fingerprint(listing),
             "checked_in": listing.changed_in} for i in range(n)])
        s.commit()
        return due, listing.id


async def run(label: str, sessions, tg: LimitedTelegram, n: int, first: int,  # type: ignore[no-untyped-def]
              slug: str, rate: float, lead: float) -> None:
    due, _ = write_reminders(sessions, slug, n, first)
    # The worker's clock: real time, shifted so `due` comes `lead` seconds from now.
    started = time.monotonic()
    shift = due - datetime.now(UTC) - timedelta(seconds=lead)
    due_at = started + lead  # the due moment on the monotonic clock (the fake's)

    def clock() -> datetime:
        return datetime.now(UTC) + shift

    sender, bot = TelegramSender.standalone(tg.token, tg.url, sessions)
    calls_before = len(tg.calls)
    too_many_before = tg.too_many
    async with bot:  # type: ignore[attr-defined]
        worker = Worker(sessions, {"telegram": sender}, clock=clock,
                        limits={"telegram": Limits(rate=rate, per_chat_interval=1.0)},
                        queues=[ReminderQueue()], notifications=False)
        task = asyncio.create_task(worker.run())
        users = {first + i for i in range(n)}
        deadline = time.monotonic() + lead + 2 * n / rate + 60
        try:
            while time.monotonic() < deadline:
                got = {c.params.get("chat_id") for c in tg.calls[calls_before:]
                       if c.method == "sendMessage" and c.status == 200}
                if users <= got:
                    break
                await asyncio.sleep(0.2)
        finally:
            worker.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 30)
    first_text: dict[int, float] = {}
    texts: dict[int, int] = {}
    for c in tg.calls[calls_before:]:
        user = c.params.get("chat_id")
        if c.method != "sendMessage" or c.status != 200 or user not in users:
            continue
        texts[user] = texts.get(user, 0) + 1
        first_text.setdefault(user, c.at)
    late = sorted(max(0.0, at - due_at) for at in first_text.values())
    lost = n - len(first_text)
    calls = [c for c in tg.calls[calls_before:] if c.status == 200]
    span = (max(c.at for c in calls) - min(c.at for c in calls)) if calls else 0.0
    p95 = late[min(len(late) - 1, int(0.95 * len(late)))] if late else float("nan")
    print(f"{label:<32} p50 {statistics.median(late):5.1f} s   p95 {p95:5.1f} s   "
          f"max {late[-1]:5.1f} s   {len(calls) / max(span, 1e-9):5.1f} calls/s   "
          f"429s {tg.too_many - too_many_before}   duplicates "
          f"{sum(v - 1 for v in texts.values())}   lost {lost}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--due", default="100,1000", help="reminders due at once, per run")
    parser.add_argument("--rate", type=float, default=30.0, help="the worker's messages/s")
    parser.add_argument("--lead", type=float, default=5.0,
                        help="seconds from the worker's start to the reminders' time")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    counts = [int(x) for x in args.due.split(",")]
    use_key(secrets.token_bytes(32))  # a throwaway key: the rows are dropped after
    with contextlib.ExitStack() as stack:
        if args.postgres:
            url = stack.enter_context(pg_database("rc_bench_reminders"))
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{folder}/bench.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        with sessions() as s:
            load_demo_if_empty(s)
        print(f"{engine.dialect.name}; worker at {args.rate:g} messages/s; the fake Bot API "
              "answers 429 above 30 a second or 1 a second per chat")
        first = 100_000
        async with LimitedTelegram(per_second=30, per_chat=1.0) as tg:
            for kind, slug in MEETINGS.items():
                for n in counts:
                    await run(f"{n:>5} due at once, {kind}", sessions, tg, n, first, slug,
                              args.rate, args.lead)
                    first += n
        engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
