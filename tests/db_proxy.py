"""A TCP relay in front of the real PostgreSQL, for the tests of a database that is down
or hangs: `down` (nothing listens: connections are refused), `up` (bytes are relayed
both ways), `hang` (connections stay open and new ones are accepted, but nothing is
relayed any more: a database that takes queries and never answers, as an overloaded
server or a network black hole does). Runs on the test's event loop; the code under
test reaches it from its own threads and processes like any database server."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from sqlalchemy.engine import make_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DbProxy:
    def __init__(self, target_url: str) -> None:
        url = make_url(target_url)
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.port = free_port()
        self.url = url.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)
        self.hanging = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def up(self) -> None:
        self.hanging.clear()
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    def hang(self) -> None:
        self.hanging.set()

    async def down(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        if self.hanging.is_set():
            await self._hold(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.ensure_future(self._pipe(src, dst))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await src.read(65536)
                if not data:
                    break
                if self.hanging.is_set():
                    await self._hold(dst)  # swallow it, and everything after
                    return
                dst.write(data)
                await dst.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                dst.close()

    async def _hold(self, writer: asyncio.StreamWriter) -> None:
        """Keep the connection open, answering nothing, until the proxy goes down."""
        task = asyncio.current_task()
        if task is not None:
            self._pipes.add(task)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def __aenter__(self) -> DbProxy:
        await self.up()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.down()
