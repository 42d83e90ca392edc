"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1 (aiohttp), so the
real python-telegram-bot client talks to it exactly as it would to api.telegram.org.

It plays the user's side too: inject a text, a location or a tap on an inline button of
a message the bot sent, and read back what the bot sent - texts, keyboards, venues,
documents (multipart uploads, kept with their file name, content type and bytes),
callback answers - as a person would see it. It can be told to answer the next calls
with 429 (retry after) or 403 (blocked), and in webhook mode it POSTs updates to the
bot's webhook with the secret token, like Telegram.

    async with FakeTelegram() as tg:
        adapter = TelegramAdapter(tg.token, sessions, api_base_url=tg.url, ...)
        ...
        await tg.send_text("/start")
        await tg.wait_for(lambda: len(tg.messages(tg.user_id)) >= 2)
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "reply_parameters",
               "link_preview_options", "entities", "caption_entities"}
INT_FIELDS = {"offset", "limit", "timeout", "message_id", "cache_time", "max_connections",
              "message_thread_id"}
FLOAT_FIELDS = {"latitude", "longitude"}
BOOL_FIELDS = {"drop_pending_updates", "show_alert", "disable_notification"}
SEND_METHODS = {"sendMessage", "sendVenue", "sendLocation", "sendDocument"}


@dataclass
class Call:
    """One request the bot made, and how the fake answered it."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None


def _decode(name: str, value: str) -> Any:
    try:
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in INT_FIELDS:
            return int(value)
        if name in FLOAT_FIELDS:
            return float(value)
        if name in BOOL_FIELDS:
            return value.lower() in ("true", "1")
        if name in ("chat_id", "user_id"):
            return int(value) if re.fullmatch(r"-?\d+", value) else value
    except ValueError:
        pass
    return value


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(params: dict[str, Any]) -> str:
    """What a person sees of a sent text, whatever the parse mode."""
    text = params.get("text", "")
    if params.get("parse_mode") == "HTML":
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


class FakeTelegram:
    token = "123456:TEST-token"
    bot_user = {"id": 123456, "is_bot": True, "first_name": "Recovery Connector",
                "username": "RecoveryTestBot", "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def __init__(self, user_id: int = 1001) -> None:
        self.user_id = user_id
        self.language_code = "en"  # what the user's app is set to (User.language_code)
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []  # messages the bot sent (as Telegram returns)
        self.uploads: list[Upload] = []  # files the bot sent as documents
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_posts: list[int] = []  # HTTP statuses the bot's webhook answered
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._failures: dict[str, list[Failure]] = {}
        self._stalls: list[Stall] = []
        self.stalled: list[Stall] = []  # stalls holding a request right now
        self._chats: dict[int, dict[str, Any]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""

    # -- server lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                     shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._client = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the Bot API -------------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return await self._record(method, params, self._error(404, "Not Found"))
        stall = self._take_stall(method, params)
        if stall is not None and not await self._hold(request, stall):
            # The bot went away while its request was held: Telegram never saw it.
            return await self._record(method, params, self._error(499, "Client gone"))
        failure = self._take_failure(method, params)
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.status,
                                    "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return await self._record(method, params, web.json_response(
                body, status=failure.status))
        try:
            result = await handler(params)
        except _ApiError as exc:
            return await self._record(method, params, self._error(exc.status, exc.description))
        return await self._record(method, params, web.json_response({"ok": True,
                                                                       "result": result}))

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data or {})
        form = await request.post()
        params: dict[str, Any] = {}
        for k, v in form.items():
            if isinstance(v, str):
                params[k] = _decode(k, v)
            elif isinstance(v, web.FileField):  # an upload: sendDocument's document
                params[k] = Upload(v.filename, v.content_type, v.file.read())
        return params

    async def _record(self, method: str, params: dict[str, Any],
                      response: web.Response) -> web.Response:
        async with self._changed:
            self.calls.append(Call(method, params, response.status))
            self._changed.notify_all()
        return response

    @staticmethod
    def _error(status: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": status,
                                  "description": description}, status=status)

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        queue = self._failures.get(method, [])
        for i, f in enumerate(queue):
            if f.chat_id is None or f.chat_id == params.get("chat_id"):
                return queue.pop(i)
        return None

    async def _api_getMe(self, _p: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                 "active; use deleteWebhook to delete the webhook first")
        offset = int(p.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        async with self._changed:
            while not self._updates and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        allowed = p.get("allowed_updates")
        return [u for u in self._updates
                if not allowed or any(k in u for k in allowed)][: int(p.get("limit") or 100)]

    async def _api_setWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = p
        return True

    async def _api_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, _p: dict[str, Any]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    @staticmethod
    def _scope(p: dict[str, Any]) -> str:
        """"default", "all_group_chats", or "chat:<id>" for a per-chat menu; with a
        language_code (the menu for people whose app is in that language), "@<code>"
        after it ("default@cy"), as the Bot API keeps one menu per scope and language."""
        scope = p.get("scope") or {"type": "default"}
        key = f"chat:{scope['chat_id']}" if scope["type"] == "chat" else scope["type"]
        return f"{key}@{p['language_code']}" if p.get("language_code") else key

    async def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        self.commands[self._scope(p)] = p["commands"]
        return True

    async def _api_deleteMyCommands(self, p: dict[str, Any]) -> bool:
        self.commands.pop(self._scope(p), None)
        return True

    async def _api_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._scope(p), [])

    def _message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = p["chat_id"]
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private",
                                                 "first_name": "Sam"}),
               "from": self.bot_user, **content}
        markup = p.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        # What the fake keeps: the message, plus the parameters it was sent with.
        self.sent.append({**msg, "method_params": p})
        return msg

    async def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("text"):
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16(p["text"]) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._message(p, text=p["text"])

    async def _api_sendVenue(self, p: dict[str, Any]) -> dict[str, Any]:
        location = {"latitude": p["latitude"], "longitude": p["longitude"]}
        return self._message(p, location=location, venue={
            "location": location, "title": p["title"], "address": p["address"]})

    async def _api_sendLocation(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._message(p, location={"latitude": p["latitude"],
                                          "longitude": p["longitude"]})

    async def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        upload = p.get("document")
        if not isinstance(upload, Upload) or not upload.data:
            # The Bot API also takes a file_id or URL; the bot only ever uploads.
            raise _ApiError(400, "Bad Request: there is no document in the request")
        if len(upload.data) > 50 << 20:  # the Bot API's limit for uploads by bots
            raise _ApiError(400, "Bad Request: file is too big")
        self.uploads.append(upload)
        return self._message(p, document={
            "file_id": f"doc{len(self.uploads)}", "file_unique_id": f"u{len(self.uploads)}",
            "file_name": upload.filename, "mime_type": upload.content_type,
            "file_size": len(upload.data)})

    async def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        for msg in self.sent:
            if msg["message_id"] == p.get("message_id") and msg["chat"]["id"] == p.get(
                    "chat_id"):
                msg["text"] = p["text"]
                if p.get("reply_markup"):
                    msg["reply_markup"] = p["reply_markup"]
                return {k: v for k, v in msg.items() if k != "method_params"}
        raise _ApiError(400, "Bad Request: message to edit not found")

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        self.callback_answers[str(p["callback_query_id"])] = p
        return True

    # -- the user's side -----------------------------------------------------------------

    def user(self, user_id: int | None = None) -> dict[str, Any]:
        uid = user_id or self.user_id
        return {"id": uid, "is_bot": False, "first_name": "Sam",
                "language_code": self.language_code}

    def group(self, chat_id: int = -100200300, title: str = "Recovery friends"
              ) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self._chats[chat_id] = chat
        return chat

    def _chat(self, user_id: int | None, chat: dict[str, Any] | None) -> dict[str, Any]:
        if chat is not None:
            return chat
        u = self.user(user_id)
        return {"id": u["id"], "type": "private", "first_name": u["first_name"]}

    async def send_text(self, text: str, *, user_id: int | None = None,
                        chat: dict[str, Any] | None = None, update_id: int | None = None,
                        reply_to: dict[str, Any] | None = None) -> int:
        """The user sends `text`; commands and @mentions get entities as Telegram
        gives them. Returns the update id."""
        entities = []
        m = re.match(r"/\w+(@\w+)?", text)
        if m:
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16(m[0])})
        for m in re.finditer(r"(?<![\w/])@\w+", text):
            entities.append({"type": "mention", "offset": _utf16(text[:m.start()]),
                             "length": _utf16(m[0])})
        message = self._new_message(user_id, chat, text=text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items()
                                           if k != "method_params"}
        return await self.inject({"message": message}, update_id)

    async def share_location(self, latitude: float, longitude: float, *,
                             user_id: int | None = None) -> int:
        message = self._new_message(user_id, None,
                                    location={"latitude": latitude, "longitude": longitude})
        return await self.inject({"message": message})

    async def press(self, label: str, *, user_id: int | None = None,
                    chat_id: int | None = None) -> str:
        """Tap the button labelled `label` on the latest bot message that has one.
        Returns the callback query id (see `callback_answers`)."""
        chat_id = chat_id or user_id or self.user_id
        for msg in reversed(self.sent):
            if msg["chat"]["id"] != chat_id:
                continue
            for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label and "callback_data" in button:
                        query_id = str(next(self._query_ids))
                        await self.inject({"callback_query": {
                            "id": query_id, "from": self.user(user_id),
                            "chat_instance": f"ci{chat_id}", "data": button["callback_data"],
                            "message": {k: v for k, v in msg.items() if k != "method_params"},
                        }})
                        return query_id
        raise AssertionError(f"no button {label!r} in chat {chat_id}; labels seen: "
                             f"{self.inline_labels(chat_id)}")

    def _new_message(self, user_id: int | None, chat: dict[str, Any] | None,
                     **content: Any) -> dict[str, Any]:
        c = self._chat(user_id, chat)
        self._chats.setdefault(c["id"], c)
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": c, "from": self.user(user_id), **content}

    async def inject(self, update: dict[str, Any], update_id: int | None = None) -> int:
        """Deliver an update: to the webhook when one is set, else to getUpdates."""
        update = {"update_id": update_id or next(self._update_ids), **update}
        if self.webhook is not None:
            status = await self.post_webhook(update, self.webhook.get("secret_token"))
            self.webhook_posts.append(status)
        else:
            async with self._changed:
                self._updates.append(update)
                self._changed.notify_all()
        return update["update_id"]

    async def post_webhook(self, update: dict[str, Any], secret: str | None,
                           url: str | None = None) -> int:
        """POST an update as Telegram would; the HTTP status the bot answered."""
        assert self._client is not None
        target = url or (self.webhook or {}).get("url")
        assert target, "no webhook set"
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._client.post(target, data=json.dumps(update),
                                     headers=headers) as resp:
            return resp.status

    # -- failures ------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, count: int = 1, *,
                  retry_after: int | None = None, chat_id: int | None = None) -> None:
        """Answer the next `count` calls of `method` (to `chat_id`, if given) with an
        error: 429 gives retry_after (default 1), 403 "bot was blocked by the user"."""
        if status == 429:
            retry_after = retry_after or 1
            description = f"Too Many Requests: retry after {retry_after}"
        elif status == 403:
            description = "Forbidden: bot was blocked by the user"
        else:
            description = "Bad Request"
        self._failures.setdefault(method, []).extend(
            Failure(status, description, retry_after, chat_id) for _ in range(count))

    def stall(self, method: str, chat_id: int, *, after: int = 0) -> Stall:
        """Hold the bot's next call of `method` to `chat_id`, after letting `after` such
        calls through: the request hangs unanswered (and nothing is sent) until
        `release()`, or until the bot's connection drops - say, its process is killed -
        in which case the message never arrived."""
        stall = Stall(method, chat_id, after)
        self._stalls.append(stall)
        return stall

    def _take_stall(self, method: str, params: dict[str, Any]) -> Stall | None:
        for i, stall in enumerate(self._stalls):
            if stall.method == method and stall.chat_id == params.get("chat_id"):
                if stall.after > 0:
                    stall.after -= 1
                    return None
                return self._stalls.pop(i)
        return None

    async def _hold(self, request: web.Request, stall: Stall) -> bool:
        """True once released; False if the client went away first."""
        async with self._changed:
            self.stalled.append(stall)
            self._changed.notify_all()
        try:
            while not stall.released.is_set():
                transport = request.transport
                if transport is None or transport.is_closing():
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stall.released.wait(), 0.05)
            return True
        finally:
            self.stalled.remove(stall)

    # -- what the user saw ---------------------------------------------------------------

    def messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        chat_id = chat_id or self.user_id
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [visible_text(m["method_params"]) for m in self.messages(chat_id)
                if "text" in m]

    def inline_labels(self, chat_id: int | None = None) -> list[str]:
        """Labels of the inline buttons on the latest message that has some."""
        for msg in reversed(self.messages(chat_id)):
            rows = msg.get("reply_markup", {}).get("inline_keyboard")
            if rows:
                return [b["text"] for row in rows for b in row]
        return []

    def send_attempts(self, chat_id: int | None = None) -> list[Call]:
        chat_id = chat_id or self.user_id
        return [c for c in self.calls
                if c.method in SEND_METHODS and c.params.get("chat_id") == chat_id]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds (checked after every request the bot makes)."""
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)
        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out; the bot sent: {self.texts_all()}") from None

    async def wait_sent(self, count: int, chat_id: int | None = None,
                        timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` messages in all to the chat."""
        await self.wait_for(lambda: len(self.messages(chat_id)) >= count, timeout)
        return self.messages(chat_id)

    def documents(self, chat_id: int | None = None) -> list[Upload]:
        """The files the bot sent to the chat as documents, in order."""
        return [m["method_params"]["document"] for m in self.messages(chat_id)
                if "document" in m]

    def texts_all(self) -> list[str]:
        return [str(m.get("text", m.get("venue", m.get("location"))))[:80] for m in self.sent]


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded, as the multipart request carried it."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Stall:
    method: str
    chat_id: int
    after: int
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
