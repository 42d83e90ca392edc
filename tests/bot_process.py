"""`recovery-bot run telegram` as a real subprocess in webhook mode, against the fake
Bot API server (tests/fake_telegram.py), with its health endpoint: for the tests of
several processes and graceful shutdown, and for benchmarks/load.py."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

SECRET = "multi-Process_secret"
EXE = Path(sys.executable).with_name("recovery-bot")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BotProcess:
    """One bot process: webhook on 127.0.0.1:`port`, health on 127.0.0.1:`health_port`;
    stderr (JSON log lines) kept in a file."""

    def __init__(self, api_url: str, token: str, database_url: str, workdir: Path, *,
                 name: str = "bot", log_level: str = "DEBUG",
                 extra_env: dict[str, str] | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.health_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram/hook"
        self.health = f"http://127.0.0.1:{self.health_port}"
        env = {k: v for k, v in os.environ.items()
               if not k.upper().startswith(("DATABASE_", "TELEGRAM_", "DISCORD_", "LOG_",
                                            "HEALTH_", "RETENTION_"))}
        env.update({"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": token,
                    "TELEGRAM_API_BASE_URL": api_url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                    "LOG_LEVEL": log_level, "LOG_FORMAT": "json", "LOAD_DEMO": "true",
                    "PYTHONUNBUFFERED": "1", **(extra_env or {})})
        self.env = env
        self.workdir = workdir  # no .env from the project
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix=f"{name}-", suffix=".log", dir=workdir, delete=False)
        self.log_path = Path(self._log.name)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        self.proc = subprocess.Popen(
            [str(EXE), "run", "telegram", "--webhook-url", self.url,
             "--listen", f"127.0.0.1:{self.port}",
             "--health-listen", f"127.0.0.1:{self.health_port}"],
            env=self.env, cwd=self.workdir, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._log)
        return self

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def ready(self, timeout: float = 60.0) -> None:
        """Wait until /readyz answers 200 (database reachable, adapter running)."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"{self.name} exited {self.proc.returncode}:\n"
                                         f"{self.logs()[-3000:]}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with client.get(f"{self.health}/readyz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not ready after {timeout} s:\n"
                             f"{self.logs()[-3000:]}")

    def signal(self, sig: int = signal.SIGTERM) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def wait(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.proc.poll() is None:
            raise AssertionError(f"{self.name} still running after {timeout} s")
        return self.proc.returncode

    def stop(self) -> None:
        """Make sure the process is gone (SIGTERM, then SIGKILL)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
