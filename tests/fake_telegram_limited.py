"""tests/fake_telegram.py's fake Bot API server, enforcing Telegram's rates the way the
real one does: more than `per_second` send calls within any one second in all, or a
second message to one chat within `per_chat` seconds, is answered 429 with retry_after.
Used by tests/test_broadcasts.py and benchmarks/broadcast.py."""

from __future__ import annotations

import time
from collections import Counter, deque

from aiohttp import web
from fake_telegram import SEND_METHODS, FakeTelegram


class LimitedTelegram(FakeTelegram):
    def __init__(self, per_second: int = 30, per_chat: float = 1.0, retry_after: int = 1,
                 **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.per_second = per_second
        self.per_chat = per_chat
        self.retry_after = retry_after
        self.too_many = 0  # 429s answered for exceeding a rate
        self._window: deque[float] = deque()
        self._last: dict[object, float] = {}

    async def _endpoint(self, request: web.Request) -> web.Response:
        if request.match_info["method"] in SEND_METHODS and self.per_second:
            params = await self._params(request)
            now = time.monotonic()
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            chat = params.get("chat_id")
            last = self._last.get(chat)
            if len(self._window) >= self.per_second or (
                    last is not None and now - last < self.per_chat):
                self.too_many += 1
                return web.json_response(
                    {"ok": False, "error_code": 429,
                     "description": f"Too Many Requests: retry after {self.retry_after}",
                     "parameters": {"retry_after": self.retry_after}}, status=429)
            self._window.append(now)
            self._last[chat] = now
        return await super()._endpoint(request)

    def received(self) -> Counter:
        """Messages delivered per chat id."""
        return Counter(m["chat"]["id"] for m in self.sent if "text" in m)
