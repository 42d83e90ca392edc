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
from bot.types import Adapter, Handler

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
        app.search = metrics.search()
        metrics.watch_queues(app.sessions)
        logging.getLogger().addHandler(metrics.log_handler())
        health = HealthServer(app.engine, metrics, health_listen) if health_listen else None
        return cls(app, metrics, health)

    def shutting_down(self) -> None:
        """A stop has begun (SIGTERM, Ctrl-C, an adapter ending): /readyz answers 503
        from now until the endpoint closes, while the work in hand finishes."""
        if self.health is not None:
            self.health.shutting_down()

    async def serve(self, adapters: Sequence[Adapter], handler: Handler,
                    run: Callable[[Handler], Awaitable[None]]) -> None:
        """`run(handler)` (adapters.cli._serve) with the handler measured, the health
        endpoint open around it, and the database pool closed after it."""
        async with self._endpoint(adapters):
            await run(self.metrics.measure(handler))

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
            await asyncio.to_thread(self.app.engine.dispose)
            log.info("stopped")
