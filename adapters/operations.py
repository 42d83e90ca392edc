"""What `recovery-bot run` adds around the adapters in production: metrics on the
conversation and search, the health/readiness/metrics endpoint, and an orderly exit.

On SIGTERM (or Ctrl-C) `adapters.cli._serve` stops each adapter, which stops receiving
and finishes the updates in hand (Telegram: its webhook server closes first, then every
turn already received is answered); then the health endpoint closes and the database
pool is disposed, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
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

    async def serve(self, adapters: Sequence[Adapter], handler: Handler,
                    run: Callable[[Handler], Awaitable[None]]) -> None:
        """`run(handler)` (adapters.cli._serve) with the handler measured, the health
        endpoint open around it, and the database pool closed after it."""
        if self.health is not None:
            self.health.adapters = list(adapters)
            await self.health.open()
        try:
            await run(self.metrics.measure(handler))
        finally:
            if self.health is not None:
                await self.health.close()
            await asyncio.to_thread(self.app.engine.dispose)
            log.info("stopped")
