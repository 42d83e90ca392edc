"""Load on the web chat (adapters/web.py): one process serving, many WebSocket sessions.

    python benchmarks/web_load.py [--sessions 200] [--baseline 10] [--seconds 30]
                                  [--hold 2000] [--database-url URL]

The server is one process (`--serve`, started by this script: the app `recovery-bot run
web` builds, on a fresh database with the demo directory), the clients aiohttp sockets
in this one. Each session sends a message a second, open loop (the next goes on time
whether or not the last was answered), cycling through a short script of searches and
commands. Printed, for the baseline and for --sessions, each run the same way against
the same server: sessions held, turns answered a second, p50/p95 time from sending a
message to its first reply and to its "done", and the server's resident memory. Then
--hold idle sessions (each sent /start once) are opened and kept: how many one process
holds, and its memory per session.

The server's rate limits are raised for this: a message a second is three times what
one person may send (20 a minute), and every session here comes from 127.0.0.1.
SQLite by default (a temporary file); --database-url postgresql+psycopg://... measures
PostgreSQL (the database must exist and be empty, or hold this benchmark's last run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

SCRIPT = ("/start", "alcohol support in Leeds", "/help", "drugs in Sheffield", "/privacy",
          "gambling near Manchester")
WARMUP = 3.0  # seconds of each run not measured (connections opening, caches filling)


def raise_file_limit() -> int:
    """Sockets are files: as many as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- the server process ---------------------------------------------------------------------


def serve(port: int, database_url: str) -> None:
    """The app `recovery-bot run web` runs, with the benchmark's limits."""
    from adapters.settings import Settings
    from adapters.web import Limits, WebAdapter
    from adapters.wiring import build_app, build_conversation

    raise_file_limit()
    app = build_app(Settings(database_url=database_url, load_demo=True))
    limits = Limits(session_per_minute=600, address_per_minute=10**9,
                    new_sessions_per_minute=10**9, poll_seconds=25)
    adapter = WebAdapter(app.sessions, listen=f"127.0.0.1:{port}", limits=limits)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(adapter.stop()))
        await adapter.start(build_conversation(app, ("telegram", "discord")))
    asyncio.run(run())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- the clients ------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    sessions: int
    first: list[float] = field(default_factory=list)  # to the first reply
    done: list[float] = field(default_factory=list)  # to "done"
    sent: int = 0
    answered: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    held: int = 0
    measuring: bool = False


async def session(http: aiohttp.ClientSession, base: str, run: Run, stop: asyncio.Event,
                  start_at: float) -> None:
    sid = secrets.token_hex(16)
    ws = await http.ws_connect(f"{base}/ws?session={sid}", origin=base, max_msg_size=0)
    run.held += 1
    sent_at: dict[int, tuple[float, bool]] = {}
    got_first: set[int] = set()

    async def receive() -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            mid = frame.get("id")
            if mid not in sent_at:
                continue
            at, measured = sent_at[mid]
            if frame["type"] == "reply" and mid not in got_first:
                got_first.add(mid)
                if measured:
                    run.first.append(time.monotonic() - at)
            elif frame["type"] == "done":
                del sent_at[mid]
                if measured:
                    run.done.append(time.monotonic() - at)
                    run.answered += 1
            elif frame["type"] == "error":
                run.errors[frame["code"]] = run.errors.get(frame["code"], 0) + 1
                sent_at.pop(mid, None)

    reader = asyncio.create_task(receive())
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))  # all start together,
    await asyncio.sleep(secrets.randbelow(1000) / 1000)  # spread over the second
    try:
        for n in itertools.count(1):
            if stop.is_set():
                break
            sent_at[n] = (time.monotonic(), run.measuring)
            if run.measuring:
                run.sent += 1
            await ws.send_str(json.dumps({"type": "message", "id": n,
                                          "text": SCRIPT[(n - 1) % len(SCRIPT)]}))
            await asyncio.sleep(1.0)
        await asyncio.sleep(2.0)  # the last answers
    finally:
        reader.cancel()
        await ws.close()


async def measure(base: str, pid: int, name: str, count: int, seconds: float) -> Run:
    run = Run(name, count)
    stop = asyncio.Event()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        start_at = time.monotonic() + 1.0 + count / 200
        tasks = [asyncio.create_task(session(http, base, run, stop, start_at))
                 for _ in range(count)]
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + WARMUP)
        run.measuring = True
        await asyncio.sleep(seconds)
        memory = rss_mb(pid)
        run.measuring = False
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    ms = sorted(x * 1000 for x in run.done)
    first = sorted(x * 1000 for x in run.first)

    def pct(values: list[float], q: float) -> str:
        if not values:
            return "-"
        return f"{values[min(len(values) - 1, int(q * len(values)))]:.0f}"
    print(f"{name}: {run.held}/{count} sessions held; {run.answered} of {run.sent} messages "
          f"answered in {seconds:.0f} s ({run.answered / seconds:.1f} turns/s); "
          f"first reply p50 {pct(first, .5)} ms, p95 {pct(first, .95)} ms; done p50 "
          f"{pct(ms, .5)} ms, p95 {pct(ms, .95)} ms"
          + (f", mean {statistics.fmean(ms):.0f} ms" if ms else "")
          + f"; server RSS {memory:.0f} MB"
          + (f"; errors {run.errors}" if run.errors else ""), flush=True)
    run.done = ms
    return run


async def hold(base: str, pid: int, count: int) -> None:
    """Open `count` sessions, each answered once, and keep them open."""
    before = rss_mb(pid)
    connector = aiohttp.TCPConnector(limit=0)
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        try:
            for batch in range(0, count, 100):
                opened = await asyncio.gather(*(
                    http.ws_connect(f"{base}/ws?session={secrets.token_hex(16)}",
                                    origin=base) for _ in range(min(100, count - batch))))
                sockets += opened
                for ws in opened:
                    await ws.send_str(json.dumps({"type": "message", "id": 1,
                                                  "text": "/start"}))

                async def done(ws: aiohttp.ClientWebSocketResponse) -> None:
                    async for msg in ws:
                        if json.loads(msg.data)["type"] == "done":
                            return
                await asyncio.wait_for(asyncio.gather(*(done(ws) for ws in opened)), 120)
        except (OSError, aiohttp.ClientError, TimeoutError) as exc:
            print(f"hold: stopped at {len(sockets)} sessions ({type(exc).__name__}: {exc})")
        took = time.monotonic() - started
        after = rss_mb(pid)
        alive = sum(not ws.closed for ws in sockets)
        print(f"hold: {alive} idle sessions open at once (each answered /start once, "
              f"{took:.1f} s to open them all); server RSS {before:.0f} -> {after:.0f} MB, "
              f"{(after - before) * 1024 / max(1, alive):.1f} KB a session", flush=True)
        for ws in sockets:
            await ws.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--hold", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    files = raise_file_limit()
    if args.hold + args.sessions + 50 > files:
        print(f"note: the file limit is {files}: --hold lowered")
        args.hold = max(0, files - args.sessions - 50)
    with tempfile.TemporaryDirectory(prefix="rc-web-load-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'web.sqlite3'}"
        port = free_port()
        env = {**os.environ, "PSEUDONYM_KEY": "benchmark only: not a real key",
               "LOG_LEVEL": "WARNING", "LOG_FORMAT": "text"}
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), url],
                                  env=env, cwd=tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:
                for _ in range(600):
                    if server.poll() is not None:
                        raise SystemExit(f"the server exited ({server.returncode})")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(f"{base}/widget.js") as r:
                            if r.status in (200, 404):
                                break
                    await asyncio.sleep(0.1)
            database = url.split(":", 1)[0]
            print(f"web chat load: one server process on {database}, {os.cpu_count()} CPUs; "
                  f"server RSS idle {rss_mb(server.pid):.0f} MB", flush=True)
            low = await measure(base, server.pid, f"baseline {args.baseline} sessions",
                                args.baseline, args.seconds)
            high = await measure(base, server.pid, f"{args.sessions} sessions",
                                 args.sessions, args.seconds)
            if low.done and high.done:
                p95 = high.done[int(.95 * len(high.done))] / max(
                    1e-9, low.done[int(.95 * len(low.done))])
                print(f"p95 to done, {args.sessions} sessions / baseline: {p95:.1f}x")
            if args.hold:
                await hold(base, server.pid, args.hold)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        serve(int(sys.argv[2]), sys.argv[3])
    else:
        asyncio.run(main())
