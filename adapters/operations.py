"""What `recovery-bot run` adds around the adapters in production: metrics on the
conversation and search, the health/readiness/metrics endpoint, and an orderly exit.

On SIGTERM (or Ctrl-C) `adapters.cli._serve` first calls `shutting_down()`, so /readyz
answers 503 ("shutting down") at once and a load balancer sends nothing new, while
/healthz stays 200; then it stops each adapter, which stops receiving and finishes the
updates in hand (Telegram: its webhook server takes no new connections, every turn
already received is answered, and only then are its connections closed). Then the
health endpoint closes, the database pool is disposed, and the process exits 0.
`recovery-bot deliver` does the same around its delivery worker (`serve_worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from adapters.health import HealthServer
from adapters.metrics import Metrics
from adapters.wiring import App
from bot.types import Adapter, Responder

log = logging.getLogger(__name__)


@dataclass
class Operations:
    app: App
    metrics: Metrics
    health: HealthServer | None = None

    @classmethod
    def prepare(cls, app: App, health_listen: str | None) -> Operations:
        """Call before building the conversation: its searches are then timed."""
        metrics = Metrics()
        # The app's own search, timed: its settings (recheck, stale_after) unchanged.
        app.search = metrics.search(app.search)  # type: ignore[assignment]
        metrics.watch_queues(app.sessions)
        logging.getLogger().addHandler(metrics.log_handler())
        health = HealthServer(app.engine, metrics, health_listen,
                              database_ready=lambda: app.database_ready) \
            if health_listen else None
        return cls(app, metrics, health)

    def shutting_down(self) -> None:
        """A stop has begun (SIGTERM, Ctrl-C, an adapter ending): /readyz answers 503
        from now until the endpoint closes, while the work in hand finishes."""
        if self.health is not None:
            self.health.shutting_down()

    async def serve(self, adapters: Sequence[Adapter], responder: Responder,
                    run: Callable[[Responder], Awaitable[None]]) -> None:
        """`run(responder)` (adapters.cli._serve) with the conversation measured, the
        health endpoint open around it, and the database pool closed after it."""
        async with self._endpoint(adapters):
            await run(self.metrics.measure(responder))

    async def serve_worker(self, run: Callable[[], Awaitable[None]]) -> None:
        """`run()` (`recovery-bot deliver`: adapters.senders.deliver_only) with the
        health endpoint open around it (ready while the database answers)."""
        async with self._endpoint(()):
            await run()

    @contextlib.asynccontextmanager
    async def _endpoint(self, adapters: Sequence[object]) -> AsyncIterator[None]:
        if self.health is not None:
            self.health.adapters = list(adapters)
            await self.health.open()
        try:
            yield
        finally:
            if self.health is not None:
                await self.health.close()
            # Bounded: with a hung database every worker thread may be stuck.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.to_thread(self.app.engine.dispose), 2.0)
            log.info("stopped")
