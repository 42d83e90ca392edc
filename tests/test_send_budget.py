"""One bot token's send budget shared by every process that sends with it
(bot/broadcasts/budget.py): several workers, in one process or as real `recovery-bot
deliver` processes, deliver one broadcast through the fake Bot API that answers 429 above
its rate (tests/fake_telegram_limited.py), on real PostgreSQL; the SQLite path keeps its
in-process limiter; and a database that fails or hangs mid-broadcast does not stop
delivery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from bot_process import free_port
from fake_telegram_limited import LimitedTelegram
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import sessionmaker
from test_broadcasts import finished, queue_broadcast, wait_until

from adapters.senders import TelegramSender, budgets
from bot.broadcasts import (
    Limits,
    LocalBudget,
    SendBudgetRow,
    SharedBudget,
    Worker,
    budget_for,
    budget_name,
    store,
)
from directory.db import make_engine, session_factory

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = Path(os.environ.get("TMPDIR", "/tmp"))
RATE, LIMIT = 20.0, 24  # the token's budget, and the fake's 429 threshold (sends a second)


def sends_at(tg: LimitedTelegram) -> list[float]:
    return [c.at for c in tg.calls if c.method == "sendMessage" and c.status == 200]


def busiest_second(times: list[float]) -> int:
    """The most sends the fake accepted within any one second."""
    return max((sum(1 for u in times if t - 1.0 < u <= t) for t in times), default=0)


@pytest.fixture
def pg_sessions(pg_engine: Engine) -> sessionmaker:
    from conftest import _empty

    _empty(pg_engine)
    return session_factory(pg_engine)


class Workers:
    """Several delivery workers with clients of their own in this event loop: what
    several processes are to the database and the Bot API."""

    def __init__(self, sessions: sessionmaker, tg: LimitedTelegram, count: int, *,
                 shared: bool = True, **budget: float) -> None:
        limits = {"telegram": Limits(rate=RATE)}
        self.bots = []
        self.workers = []
        for _ in range(count):
            sender, bot = TelegramSender.standalone(tg.token, tg.url, sessions)
            self.bots.append(bot)
            budget_ = (budget_for(sessions, "telegram", tg.token, RATE, **budget)
                       if shared else LocalBudget(RATE))
            self.workers.append(Worker(sessions, {"telegram": sender}, limits=limits,
                                       idle=0.1, budgets={"telegram": budget_}))
        self.tasks: list[asyncio.Task] = []

    @property
    def budgets(self) -> list:
        return [w.platforms["telegram"].budget for w in self.workers]

    async def __aenter__(self) -> Workers:
        for bot in self.bots:
            await bot.initialize()
        self.tasks = [asyncio.create_task(w.run()) for w in self.workers]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for w in self.workers:
            w.stop()
        await asyncio.wait_for(asyncio.gather(*self.tasks), 30)
        for bot in self.bots:
            await bot.shutdown()


# -- which budget ---------------------------------------------------------------------------


async def test_shared_on_postgresql_in_process_on_sqlite(engine: Engine) -> None:
    sessions = session_factory(engine)
    token = "123456:secret-token-ABC"
    [budget] = budgets(sessions, {"telegram": token}).values()
    if engine.dialect.name == "sqlite":
        # One process serves a town: the in-process limiter, as before; no table rows.
        assert isinstance(budget, LocalBudget) and budget.rate == 25.0
        started = time.monotonic()
        for _ in range(6):
            assert await budget.acquire() == 0.0
        assert time.monotonic() - started >= 5 / 25.0 * 0.9  # capacity 1 at 25/s
    else:
        assert isinstance(budget, SharedBudget) and budget.rate == 25.0
        assert await budget.acquire() == 0.0
        assert budget.reserved == 1 and budget.fallen_back == 0
    with sessions() as s:
        names = list(s.scalars(select(SendBudgetRow.name)))
    # Keyed by the platform and a hash of the token; the token itself is never stored.
    assert names == ([] if engine.dialect.name == "sqlite" else [budget.name])
    assert all(n.startswith("telegram:") and "secret" not in n and "123456" not in n
               for n in names)
    assert budget_name("telegram", token) != budget_name("telegram", token + "x")
    assert budget_name("telegram", token) != budget_name("discord", token)


# -- several workers, one token ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("shared", [True, False], ids=["shared", "each-its-own"])
async def test_workers_with_one_token_stay_within_its_rate(pg_sessions: sessionmaker,
                                                           shared: bool) -> None:
    """Three workers at the token's rate: sharing the budget, 0 x 429 and no more than
    the rate in all; each with a limiter of its own (as before), three times the rate
    and 429s (the control: this set-up does catch the fault)."""
    n = 75
    async with LimitedTelegram(per_second=LIMIT, per_chat=1.0) as tg:
        broadcast = queue_broadcast(pg_sessions, n, first=40_000)
        async with Workers(pg_sessions, tg, 3, shared=shared) as ws:
            await wait_until(lambda: finished(pg_sessions, broadcast), 40)
        received = tg.received()
        assert set(received) == {40_000 + i for i in range(n)}
        assert set(received.values()) == {1}  # once each
        with pg_sessions() as s:
            assert len(set(s.scalars(select(store.Delivery.claimed_by)))) == 3  # all took part
        times = sends_at(tg)
        if not shared:
            assert tg.too_many > 0
            return
        assert tg.too_many == 0
        assert busiest_second(times) <= LIMIT
        achieved = (len(times) - 1) / (times[-1] - times[0])
        assert RATE * 0.6 <= achieved <= RATE * 1.05  # the budget is used, not exceeded
        assert all(b.fallen_back == 0 for b in ws.budgets)
        assert sum(b.reserved for b in ws.budgets) >= n


def start_deliver(engine: Engine, tg: LimitedTelegram, rate: float, health_port: int
                  ) -> subprocess.Popen:
    log = open(LOG_DIR / f"budget-worker-{time.monotonic_ns()}.log", "w")  # noqa: SIM115
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("HEALTH_")}
    env.update({"DATABASE_URL": engine.url.render_as_string(hide_password=False),
                "TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.url,
                "LOAD_DEMO": "false", "LOG_LEVEL": "WARNING"})
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "deliver", "telegram", "--rate", str(rate),
         "--health-listen", f"127.0.0.1:{health_port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)


async def ready(proc: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as client:
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "worker not ready"
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(f"http://127.0.0.1:{port}/readyz") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.1)


@pytest.mark.postgres
async def test_deliver_processes_share_the_tokens_budget(pg_engine: Engine,
                                                         pg_sessions: sessionmaker) -> None:
    """Real `recovery-bot deliver --rate 20` processes, each given the token's rate:
    together within it, 0 x 429."""
    n = 60
    ports = [free_port() for _ in range(3)]
    async with LimitedTelegram(per_second=LIMIT, per_chat=1.0) as tg:
        procs = [start_deliver(pg_engine, tg, RATE, port) for port in ports]
        try:
            for proc, port in zip(procs, ports, strict=True):  # all up before the broadcast
                await ready(proc, port)
            broadcast = queue_broadcast(pg_sessions, n, first=50_000)
            await wait_until(lambda: finished(pg_sessions, broadcast), 60)
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            codes = [p.wait(15) for p in procs]
        assert codes == [0, 0, 0]
        received = tg.received()
        assert set(received) == {50_000 + i for i in range(n)}
        assert set(received.values()) == {1}
        assert tg.too_many == 0
        times = sends_at(tg)
        assert (len(times) - 1) / (times[-1] - times[0]) <= RATE * 1.05
        with pg_sessions() as s:
            assert len(set(s.scalars(select(store.Delivery.claimed_by)))) == 3


# -- the database failing mid-broadcast -----------------------------------------------------


@contextlib.contextmanager
def table_locked(engine: Engine) -> Iterator[None]:
    """Reservations block (as on a hung server) until the lock goes."""
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE send_budget IN ACCESS EXCLUSIVE MODE"))
        yield
        conn.rollback()


@contextlib.contextmanager
def table_gone(engine: Engine) -> Iterator[None]:
    """Reservations fail with an error until the table is back."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE send_budget RENAME TO send_budget_away"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE send_budget_away RENAME TO send_budget"))


@pytest.mark.postgres
@pytest.mark.parametrize("trouble", [table_locked, table_gone], ids=["hangs", "fails"])
async def test_budget_database_trouble_does_not_stop_delivery(
        pg_engine: Engine, pg_sessions: sessionmaker, trouble, caplog: pytest.LogCaptureFixture
        ) -> None:
    """Mid-broadcast the budget's table stops answering (locked: statements hang; or
    gone: they fail). Sends go on under the in-process fallback at a share of the rate,
    with a warning; when the table is back the shared budget is used again."""
    caplog.set_level(logging.WARNING, "bot.broadcasts.budget")
    n = 60
    async with LimitedTelegram(per_second=LIMIT, per_chat=1.0) as tg:
        broadcast = queue_broadcast(pg_sessions, n, first=60_000)
        async with Workers(pg_sessions, tg, 1, timeout=0.3, retry_after=0.3,
                           fallback_share=0.5) as ws:
            [budget] = ws.budgets
            await wait_until(lambda: len(sends_at(tg)) >= 10, 20)
            with trouble(pg_engine):
                during = len(sends_at(tg))
                await asyncio.sleep(2.0)
                during = len(sends_at(tg)) - during
            fallen_back, reserved = budget.fallen_back, budget.reserved
            await wait_until(lambda: finished(pg_sessions, broadcast), 40)
        assert set(tg.received()) == {60_000 + i for i in range(n)}
        assert set(tg.received().values()) == {1}
        assert tg.too_many == 0
        assert during >= 5  # delivery went on while the budget's database did not answer
        assert fallen_back > 0 and fallen_back >= during - 2
        assert budget.reserved > reserved  # and the shared budget again after it
        words = " ".join(r.getMessage() for r in caplog.records)
        assert "did not answer" in words and "answers again" in words


@pytest.mark.postgres
async def test_silent_database_server_does_not_stop_delivery(pg_sessions: sessionmaker
                                                             ) -> None:
    """The budget's server accepts connections and never answers: every reservation is
    given up after its timeout, and the in-process fallback paces the sends."""
    hung: list[asyncio.StreamWriter] = []

    async def never_answer(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        hung.append(w)

    port = free_port()
    server = await asyncio.start_server(never_answer, "127.0.0.1", port)
    silent = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/none",
                         connect_args={"connect_timeout": 2})
    budget = SharedBudget(silent, "telegram:silent", RATE, timeout=0.3, retry_after=0.3,
                          fallback_share=0.5)
    n = 20
    try:
        async with LimitedTelegram(per_second=LIMIT, per_chat=1.0) as tg:
            broadcast = queue_broadcast(pg_sessions, n, first=70_000)
            sender, bot = TelegramSender.standalone(tg.token, tg.url, pg_sessions)
            worker = Worker(pg_sessions, {"telegram": sender}, idle=0.1,
                            limits={"telegram": Limits(rate=RATE)},
                            budgets={"telegram": budget})
            async with bot:  # type: ignore[attr-defined]
                started = time.monotonic()
                task = asyncio.create_task(worker.run())
                await wait_until(lambda: finished(pg_sessions, broadcast), 30)
                worker.stop()
                await asyncio.wait_for(task, 10)
            assert set(tg.received()) == {70_000 + i for i in range(n)}
            assert budget.reserved == 0 and budget.fallen_back >= n
            # At the fallback's pace (half the rate), not stalled for connect timeouts.
            assert time.monotonic() - started < n / (RATE * 0.5) + 5
    finally:
        server.close()
        for w in hung:
            w.close()
        silent.dispose()
