"""Health, readiness and metrics over HTTP for `recovery-bot run` and `recovery-bot deliver`
(`--health-listen HOST:PORT`).

    GET /healthz  200 {"status": "ok"} while the process's event loop answers
    GET /readyz   200 {"status": "ready"}; 503 {"status": "not ready", "reason": ...} from
                  the moment the process begins to shut down (SIGTERM: it finishes the
                  work in hand, and a load balancer should send it nothing new), when
                  the database does not answer `SELECT 1` within the timeout or its
                  schema could not be prepared yet (it was down at start: the process
                  answers with crisis contacts meanwhile, and becomes ready by itself
                  once the database is back), or when an adapter (Telegram, Discord) has
                  not started (yet) or has stopped
    GET /metrics  Prometheus text format (adapters/metrics.py)

Why aiohttp in the bot's own event loop, rather than prometheus_client's threaded server:
/healthz is then answered by the same loop that handles messages, so a wedged loop fails
the health check instead of a side thread saying all is well; /readyz needs our own
routes anyway; and aiohttp is already installed (discord.py and the tests use it).
Blocking work (the database check, a scrape that counts queue rows) runs in a thread, so
neither can stall the conversation.

Off by default (several processes on one machine would collide on a fixed port); the
container image turns it on at 0.0.0.0:9090 (Dockerfile, compose.yaml). Listen on a
private interface: /metrics is not secret, but it is for operators, not the public.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from adapters.metrics import Metrics

log = logging.getLogger(__name__)

DB_TIMEOUT = 2.0


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdecimal() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--health-listen must look like HOST:PORT (for example "
                         f"127.0.0.1:9090), not '{value}'.")
    return host, int(port)


class HealthServer:
    def __init__(self, engine: Engine, metrics: Metrics | None, listen: str, *,
                 adapters: Sequence[object] = (), db_timeout: float = DB_TIMEOUT,
                 database_ready: Callable[[], bool] = lambda: True) -> None:
        self.engine = engine
        self.metrics = metrics or Metrics()
        self.host, self.wanted_port = parse_listen(listen)
        self.adapters = list(adapters)
        self.db_timeout = db_timeout
        # False while the schema could not be prepared (adapters/wiring.py App).
        self.database_ready = database_ready
        self.port: int | None = None  # the port bound (listen port 0 picks one)
        self._runner: web.AppRunner | None = None
        self._db_check: asyncio.Future[str | None] | None = None
        self.draining = False  # set by `shutting_down()`; /readyz says 503 from then on

    async def open(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.wanted_port)
        await site.start()
        self._runner = runner
        server = site._server  # noqa: SLF001 - aiohttp keeps the bound sockets here
        self.port = server.sockets[0].getsockname()[1] if server else self.wanted_port  # type: ignore[union-attr]
        log.info("health endpoint on %s:%s", self.host, self.port)

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def shutting_down(self) -> None:
        """The process has begun to stop: /readyz answers 503 until the endpoint closes,
        while /healthz stays 200 (alive, finishing the work in hand)."""
        if not self.draining:
            self.draining = True
            log.info("shutting down: /readyz now answers 503")

    # -- checks ---------------------------------------------------------------------------

    def _select_one(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    async def database_problem(self) -> str | None:
        """None when the database answers SELECT 1 in time, else why not. One check at a
        time: while one is running (a connection attempt can hang), callers share it."""
        if self._db_check is None or self._db_check.done():
            self._db_check = asyncio.ensure_future(self._check_db())
        try:
            return await asyncio.wait_for(asyncio.shield(self._db_check), self.db_timeout)
        except TimeoutError:
            return f"database did not answer within {self.db_timeout:g} s"

    async def _check_db(self) -> str | None:
        try:
            await asyncio.to_thread(self._select_one)
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return f"database unreachable ({type(exc).__name__})"
        return None

    def adapter_problem(self) -> str | None:
        for adapter in self.adapters:
            started = getattr(adapter, "started", None)
            if isinstance(started, asyncio.Event) and not started.is_set():
                return f"{type(adapter).__name__} not running"
        return None

    # -- routes ---------------------------------------------------------------------------

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        problem = ("shutting down" if self.draining else
                   self.adapter_problem() or await self.database_problem()
                   or (None if self.database_ready() else "database not prepared yet"))
        if problem is not None:
            return web.json_response({"status": "not ready", "reason": problem}, status=503)
        return web.json_response({"status": "ready"})

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = await asyncio.to_thread(generate_latest, self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
