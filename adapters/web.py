"""The web chat: the bot on any website, over a WebSocket (or HTTP polling), served by
aiohttp in the bot's own event loop. docs/web.md is the protocol and how to run it.

    GET  /              the full-page chat (adapters/web_static/index.html); ?embed=1 is
                        the same page, laid out by itself as the widget's panel
    GET  /static/*      the page's script and style (no inline script or style: CSP)
    GET  /widget.js     the one line a site adds: a launcher button and an iframe to /
    GET  /ws            the chat, JSON frames both ways
    POST /api/send      the polling fallback: one message
    GET  /api/poll      the polling fallback: the frames since `after` (long poll)

Every turn runs on adapters/turns.py like every platform's: a danger message's crisis
contacts go out first; one turn at a time per session; each message's id is claimed in
the database with its replies journaled, so a message the page sends again after a
reconnect is answered once. Replies of this process are also kept in memory per session
(10 minutes, the last 200 frames): a resend of an answered message is replayed from
there, and the polling fallback reads from there.

Security (issue 18): sessions are anonymous (a random id the page keeps in
sessionStorage; no cookies, so no CSRF); /ws and /api/* take only the bot's own origin
or WEB_ALLOWED_ORIGINS, /api/send only JSON bodies (a form on another site cannot send
one without a CORS preflight, which only allowed origins pass); frames and bodies at
most 8 KB, text at most 2,000 characters; per-session and per-address token buckets;
Content-Security-Policy and the other headers on every response. Nothing anyone writes
is logged: logs carry ConversationRef.log_id only.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from sqlalchemy.orm import sessionmaker

from adapters.telegram import parse_listen
from adapters.turns import SENT, UPDATE_LEASE, Turns
from adapters.web_render import render
from bot.catalogue import t
from bot.pseudonyms import pseudonym
from bot.types import ConversationRef, Incoming, Location, Reply, Responder

log = logging.getLogger(__name__)

PLATFORM = "web"
STATIC_DIR = Path(__file__).with_name("web_static")
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"

# The page's session id: 128 random bits in lowercase hex (docs/web.md, "Session").
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
# A navigator.language such as "cy", "en-GB" (BCP 47, short).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
MAX_MESSAGE_ID = 2**53 - 1  # the largest integer JavaScript counts exactly
MAX_PAYLOAD_BYTES = 64  # bot/types.py Button.payload
# A frame bigger than aiohttp reads at all closes the socket (1009): far above any
# legitimate frame, so everything between FRAME_BYTES and this gets an error frame.
HARD_FRAME_BYTES = 64 * 1024
FILES_KEPT = 10  # per session


@dataclass(frozen=True)
class Limits:
    """What one process allows (docs/web.md). The text limit is twice what the
    conversation reads (bot/conversation.py MAX_UNDERSTOOD_CHARS, 1,000): between the
    two the bot answers "that's a long message" itself; beyond it the server refuses."""

    frame_bytes: int = 8 * 1024
    text_chars: int = 2000
    session_per_minute: float = 20
    address_per_minute: float = 120
    new_sessions_per_minute: float = 30  # per address: each session costs memory
    sockets_per_session: int = 4  # a page reconnecting leaves at most a few half-open
    events_kept: int = 200
    events_seconds: float = 600.0
    poll_seconds: float = 25.0
    send_timeout: float = 5.0  # a socket that does not take a frame in this is dropped


class Bucket:
    """A token bucket: `per_minute` tokens a minute, holding at most that many."""

    __slots__ = ("capacity", "rate", "tokens", "at")

    def __init__(self, per_minute: float, now: float) -> None:
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self.tokens = per_minute
        self.at = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.at) * self.rate >= self.capacity


class Refused(Exception):
    """A message the server will not take: its error frame (and HTTP status)."""

    def __init__(self, code: str, status: int, message_id: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.message_id = message_id


@dataclass
class _Session:
    """One page's session in this process: its live sockets, its recent frames (the
    polling fallback reads them; a resend is replayed from them) and its bucket."""

    id: str
    bucket: Bucket
    seen: float
    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    events: deque[tuple[int, float, dict]] = field(default_factory=deque)
    last: int = 0  # the number of the last frame published
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    running: set[int] = field(default_factory=set)  # message ids being answered
    lang: str = "en"  # of the last reply: error frames use it
    hint: str | None = None  # the page's navigator.language ("hello")
    polls: int = 0
    # Files sent with replies (calendar files), by a random token, for /files/: kept
    # while the session is (10 minutes idle at most), the last FILES_KEPT only.
    files: dict[str, Any] = field(default_factory=dict)

    def keep_file(self, attachment: Any) -> str:
        """Keep a reply's file for the page to fetch; the address to fetch it at."""
        token = secrets.token_urlsafe(16)
        self.files[token] = attachment
        while len(self.files) > FILES_KEPT:
            del self.files[next(iter(self.files))]
        return f"/files/{self.id}/{token}"

    @property
    def ref(self) -> ConversationRef:
        return ConversationRef(PLATFORM, self.id, self.id)

    def idle(self) -> bool:
        return not self.sockets and not self.running and not self.polls


class _Outlet:
    """Where one turn's replies go (adapters/turns.py Outlet): the session's frames.
    First aid and the turn's own replies are rendered separately; `index` numbers them
    across both, so the page's (id, index) names each reply of a turn once."""

    def __init__(self, adapter: WebAdapter, session: _Session, message_id: int | None) -> None:
        self.adapter = adapter
        self.session = session
        self.message_id = message_id
        self._base = 0
        self._next = 0
        self._replies: list[Reply] = []

    def render(self, replies: Sequence[Reply]) -> list[dict]:
        frames = render(replies, self.message_id)
        self._base, self._next = self._next, self._next + len(frames)
        self._replies = list(replies)  # one frame a reply: their files, by index
        return frames

    async def send(self, message: dict, index: int) -> str:
        frame = {**message, "index": self._base + index}
        attachment = getattr(self._replies[index], "attachment", None)
        if attachment is not None and "attachment" in frame:
            frame["attachment"] = {**frame["attachment"],
                                   "url": self.session.keep_file(attachment)}
        self.session.lang = str(frame.get("lang") or self.session.lang)
        await self.adapter.publish(self.session, frame)
        return SENT  # kept for the session even if no socket is open right now


def update_id(session: str, message_id: int) -> str:
    """The claim's id of one message (bot/claims.py): unique across sessions, and a
    keyed pseudonym, so the processed_update table holds no session id."""
    return pseudonym("web-update", session, str(message_id))


class WebAdapter:
    """Implements bot.types.Adapter for the web. `start` serves until `stop`."""

    def __init__(self, sessions: sessionmaker | None, *, listen: str = "127.0.0.1:8080",
                 allowed_origins: Sequence[str] = (), exit_url: str = DEFAULT_EXIT_URL,
                 trust_proxy: bool = False, static_dir: Path = STATIC_DIR,
                 limits: Limits | None = None, update_lease: timedelta = UPDATE_LEASE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.host, self.wanted_port = parse_listen(listen)
        self.allowed_origins = frozenset(o.rstrip("/").lower() for o in allowed_origins)
        self.exit_url = exit_url
        self.trust_proxy = trust_proxy
        self.static_dir = static_dir
        self.limits = limits or Limits()
        self.update_lease = update_lease
        self.clock = clock
        self.turns = Turns(PLATFORM, sessions, update_lease=update_lease)
        self.started = asyncio.Event()  # set once the server is listening (/readyz)
        self.port: int | None = None  # the port bound (listen port 0 picks one)
        self.csp = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'"
                    + "".join(f" {o}" for o in sorted(self.allowed_origins))
                    + "; base-uri 'none'; form-action 'none'")
        self._sessions: dict[str, _Session] = {}
        self._addresses: dict[str, Bucket] = {}
        self._creations: dict[str, Bucket] = {}
        self._tasks: set[asyncio.Task] = set()
        self._runner: web.AppRunner | None = None
        self._stop = asyncio.Event()
        self._finished = asyncio.Event()
        self._stopping = False

    # -- lifecycle ------------------------------------------------------------------------

    def app(self) -> web.Application:
        """The aiohttp application (also what tests serve)."""
        app = web.Application(client_max_size=self.limits.frame_bytes)
        app.router.add_get("/", self._index)
        app.router.add_get("/widget.js", self._widget)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/ws", self._ws)
        app.router.add_post("/api/send", self._api_send)
        app.router.add_route("OPTIONS", "/api/send", self._api_preflight)
        app.router.add_get("/api/poll", self._api_poll)
        app.router.add_get("/files/{session}/{token}", self._file_download)
        app.on_response_prepare.append(self._headers)
        return app

    async def start(self, responder: Responder) -> None:
        """Serve until `stop()`; then finish the turns in hand before closing."""
        if self._runner is not None:
            raise RuntimeError("The web adapter is already running.")
        self.turns.open(responder)
        self._stop.clear()
        self._finished.clear()
        self._stopping = False
        runner = web.AppRunner(self.app(), handle_signals=False, access_log=None,
                               shutdown_timeout=1.0)
        try:
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.wanted_port)
            try:
                await site.start()
            except OSError as exc:
                raise RuntimeError(f"the web chat could not listen on {self.host}:"
                                   f"{self.wanted_port} ({exc.strerror})") from exc
            self._runner = runner
            server = site._server  # noqa: SLF001 - aiohttp keeps the bound sockets here
            self.port = server.sockets[0].getsockname()[1] if server else self.wanted_port  # type: ignore[union-attr]
            sweeper = asyncio.ensure_future(self._sweep())
            log.info("web chat on %s:%s", self.host, self.port)
            self.started.set()
            try:
                await self._stop.wait()
            finally:
                sweeper.cancel()
                self.started.clear()
                await self._drain()
        finally:
            self._runner = None
            await runner.cleanup()
            await self.turns.close()
            self._finished.set()

    async def stop(self) -> None:
        """Take no new messages, finish the turns in hand, then close."""
        self._stop.set()
        if self._runner is not None:
            await self._finished.wait()

    async def _drain(self) -> None:
        """Turns in hand finish and their replies go out; then sockets close with "going
        away" (the page reconnects, to this process's successor) and polls answer."""
        self._stopping = True
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=9.0)
        for session in list(self._sessions.values()):
            session.changed.set()
            for ws in list(session.sockets):
                with contextlib.suppress(Exception):
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"restarting")

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        """A reply outside a turn (a reminder): to the session's page if it is open."""
        session = self._sessions.get(ref.chat_id)
        if session is None:
            log.info("not sent: web session closed", extra={"conv": ref.log_id})
            return
        await self.turns.send(ref, _Outlet(self, session, None), [reply], chat=session.id)

    # -- sessions and limits -------------------------------------------------------------

    def _address(self, request: web.Request) -> str:
        """The client's address: the socket's, or behind a proxy we trust (WEB_TRUST_PROXY)
        the last X-Forwarded-For entry, the one that proxy added (the ones before it are
        whatever the client sent)."""
        if self.trust_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                return last[:64]
        return request.remote or "?"

    def _session(self, request: web.Request, create: bool = True) -> _Session | None:
        """The request's session (checked shape); made on first use, at most
        new_sessions_per_minute per address."""
        sid = request.query.get("session", "")
        if not SESSION_ID.match(sid):
            raise Refused("bad_request", 400)
        session = self._sessions.get(sid)
        now = self.clock()
        if session is None:
            if not create:
                return None
            address = self._address(request)
            bucket = self._creations.setdefault(
                address, Bucket(self.limits.new_sessions_per_minute, now))
            if not bucket.take(now):
                raise Refused("rate_limited", 429)
            session = self._sessions[sid] = _Session(
                sid, Bucket(self.limits.session_per_minute, now), now)
        session.seen = now
        return session

    def _origin_ok(self, request: web.Request, required: bool) -> bool:
        """The bot's own origin (the Host it was asked under, either scheme: TLS may end
        at a proxy) or one of WEB_ALLOWED_ORIGINS. Browsers send Origin with every
        WebSocket and POST; a same-origin GET may come without one (`required`)."""
        origin = request.headers.get("Origin")
        if origin is None or origin == "null":
            return not required and origin is None
        origin = origin.rstrip("/").lower()
        if origin in self.allowed_origins:
            return True
        scheme, _, host = origin.partition("://")
        return scheme in ("http", "https") and host == request.host.lower()

    def _admit(self, request: web.Request, session: _Session, message_id: int | None) -> None:
        """A message's rate limits: the session's, then its address's."""
        now = self.clock()
        if not session.bucket.take(now):
            raise Refused("rate_limited", 429, message_id)
        address = self._address(request)
        bucket = self._addresses.setdefault(address, Bucket(self.limits.address_per_minute,
                                                            now))
        if not bucket.take(now):
            raise Refused("rate_limited", 429, message_id)

    async def _sweep(self) -> None:
        """Forget idle sessions and full buckets now and then (memory stays bounded)."""
        while True:
            await asyncio.sleep(min(60.0, self.limits.events_seconds / 4))
            self.sweep()

    def sweep(self) -> None:
        now = self.clock()
        for sid, session in list(self._sessions.items()):
            self._trim(session, now)
            if session.idle() and now - session.seen > self.limits.events_seconds:
                del self._sessions[sid]
        for buckets in (self._addresses, self._creations):
            for address, bucket in list(buckets.items()):
                if bucket.full(now):
                    del buckets[address]

    def _trim(self, session: _Session, now: float) -> None:
        events = session.events
        while events and (len(events) > self.limits.events_kept
                          or now - events[0][1] > self.limits.events_seconds):
            events.popleft()

    # -- frames -----------------------------------------------------------------------------

    async def publish(self, session: _Session, frame: dict) -> None:
        """A frame for the session: numbered and kept (polling, replays), and sent to
        every socket it has open. A socket that cannot take it in time is dropped; the
        page reconnects and sends again what was not answered."""
        now = self.clock()
        session.last += 1
        session.events.append((session.last, now, frame))
        self._trim(session, now)
        session.changed.set()
        session.changed = asyncio.Event()
        for ws in list(session.sockets):
            try:
                await asyncio.wait_for(ws.send_json(frame), self.limits.send_timeout)
            except (ConnectionError, RuntimeError, TimeoutError):
                session.sockets.discard(ws)
                with contextlib.suppress(Exception):
                    await ws.close(code=WSCloseCode.GOING_AWAY)

    def error_frame(self, code: str, message_id: int | None, lang: str) -> dict:
        return {"type": "error", "id": message_id, "code": code,
                "text": t(f"web_{code}", lang)}

    # -- messages ---------------------------------------------------------------------------

    def parse(self, raw: str | bytes) -> dict:
        """A page->server frame as a dict, checked; Refused if it is not one."""
        size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
        if size > self.limits.frame_bytes:
            raise Refused("too_long", 413)
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Refused("bad_request", 400) from None
        if not isinstance(data, dict) or data.get("type") not in (
                "hello", "message", "button", "location"):
            raise Refused("bad_request", 400)
        if data["type"] == "hello":
            return data
        message_id = data.get("id")
        if isinstance(message_id, bool) or not isinstance(message_id, int) or \
                not 0 <= message_id <= MAX_MESSAGE_ID:
            raise Refused("bad_request", 400)
        kind = data["type"]
        if kind == "message":
            text = data.get("text")
            if not isinstance(text, str) or not text.strip():
                raise Refused("bad_request", 400, message_id)
            if len(text) > self.limits.text_chars:
                raise Refused("too_long", 413, message_id)
        elif kind == "button":
            payload = data.get("payload")
            if not isinstance(payload, str) or \
                    not 1 <= len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES:
                raise Refused("bad_request", 400, message_id)
        else:
            lat, lon = data.get("latitude"), data.get("longitude")
            if not all(isinstance(v, int | float) and not isinstance(v, bool)
                       and math.isfinite(v) for v in (lat, lon)) or \
                    not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
                raise Refused("bad_request", 400, message_id)
        return data

    def accept(self, request: web.Request, session: _Session, data: dict) -> int | None:
        """Take a checked frame: a hello sets the language hint; a message is admitted
        by the rate limits and its turn started. Its id (None for hello)."""
        if data["type"] == "hello":
            lang = data.get("lang")
            if isinstance(lang, str) and LANGUAGE_TAG.match(lang):
                session.hint = lang
                if lang.lower().startswith("cy") and not session.last:
                    session.lang = "cy"
            return None
        message_id: int = data["id"]
        if self._stopping:
            raise Refused("bad_request", 503, message_id)
        self._admit(request, session, message_id)
        ref = session.ref
        kind = data["type"]
        if kind == "message":
            msg = Incoming(ref, text=data["text"], language_hint=session.hint)
        elif kind == "button":
            msg = Incoming(ref, payload=data["payload"], language_hint=session.hint)
        else:
            msg = Incoming(ref, location=Location(float(data["latitude"]),
                                                  float(data["longitude"])),
                           language_hint=session.hint)
        # A task, created now: tasks start in the order created, and a turn joins its
        # session's queue before its first await, so a session's turns keep their order.
        task = asyncio.ensure_future(self._turn(session, message_id, msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return message_id

    async def _turn(self, session: _Session, message_id: int, msg: Incoming) -> None:
        """Answer one message, once. A message answered here already (the page sent it
        again after a reconnect) is replayed from the session's frames; one being answered
        right now is left to finish (its frames reach every socket of the session); any
        other goes to the turn runner, whose claim answers it once across processes and
        restarts ("busy": another process holds it; wait for its lease to run out)."""
        if message_id in session.running:
            return
        done = [f for _, _, f in session.events if f.get("id") == message_id]
        if any(f["type"] == "done" for f in done):
            log.info("message sent again: replayed", extra={"conv": session.ref.log_id})
            for frame in done:
                await self.publish(session, frame)
            return
        session.running.add(message_id)
        try:
            outlet = _Outlet(self, session, message_id)
            uid = update_id(session.id, message_id)
            deadline = self.clock() + self.update_lease.total_seconds() + 5
            while True:
                status = await self.turns.run(msg, outlet, chat=session.id, update_id=uid)
                if status != "busy" or self.clock() > deadline or self._stopping:
                    break
                await asyncio.sleep(1.0)
            await self.publish(session, {"type": "done", "id": message_id})
        except Exception:
            log.exception("web turn failed", extra={"conv": session.ref.log_id})
        finally:
            session.running.discard(message_id)

    # -- routes: the page ------------------------------------------------------------------

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every response (the WebSocket handshake and errors too) gets these."""
        h = response.headers
        h["Content-Security-Policy"] = self.csp
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
        h["Cross-Origin-Resource-Policy"] = (
            "cross-origin" if request.path == "/widget.js" else "same-origin")
        if request.path.startswith("/static/") or request.path == "/widget.js":
            h.setdefault("Cache-Control", "no-cache")
        else:
            h["Cache-Control"] = "no-store"

    def _file(self, name: str) -> Path:
        path = self.static_dir / name
        if not path.is_file():
            raise web.HTTPNotFound()
        return path

    async def _index(self, request: web.Request) -> web.Response:
        """index.html with the quick-exit address written into its
        <meta name="rc-exit">. ?embed=1 and &org= are the page's to read."""
        page = self._file("index.html").read_text(encoding="utf-8")
        tag = f'<meta name="rc-exit" content="{html.escape(self.exit_url, quote=True)}">'
        page, found = re.subn(r'<meta\s+name=["\']rc-exit["\'][^>]*>', lambda _m: tag, page,
                              count=1, flags=re.IGNORECASE)
        if not found:
            page = re.sub(r"(<head[^>]*>)", lambda m: m[1] + tag, page, count=1,
                          flags=re.IGNORECASE)
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def _widget(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(self._file("widget.js"),
                                headers={"Content-Type": "text/javascript; charset=utf-8"})

    async def _static(self, request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}", name):
            raise web.HTTPNotFound()
        types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
                 ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json"}
        kind = types.get(Path(name).suffix.lower())
        if kind is None:
            raise web.HTTPNotFound()
        charset = "; charset=utf-8" if kind.startswith("text/") else ""
        return web.FileResponse(self._file(name), headers={"Content-Type": kind + charset})

    async def _file_download(self, request: web.Request) -> web.Response:
        """A file sent with a reply (a calendar file), to its own session's page only:
        the address holds the session id and a random token; nothing is cached."""
        session = self._sessions.get(request.match_info["session"])
        item = session.files.get(request.match_info["token"]) if session else None
        if item is None:
            raise web.HTTPNotFound()
        name = re.sub(r"[^A-Za-z0-9._-]", "_", str(item.filename))[:100] or "file"
        return web.Response(body=item.data, headers={
            "Content-Type": str(item.mime) or "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{name}"'})

    # -- routes: the chat ------------------------------------------------------------------

    def _refusal(self, refused: Refused, lang: str = "en") -> web.Response:
        return web.json_response(self.error_frame(refused.code, refused.message_id, lang),
                                 status=refused.status)

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_ok(request, required=True):
            log.info("web socket refused: origin not allowed")
            return self._refusal(Refused("bad_request", 403))
        if self._stopping:
            return self._refusal(Refused("bad_request", 503))
        try:
            session = self._session(request)
        except Refused as refused:
            return self._refusal(refused)
        assert session is not None
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=HARD_FRAME_BYTES)
        await ws.prepare(request)
        if len(session.sockets) >= self.limits.sockets_per_session:
            oldest = next(iter(session.sockets))
            session.sockets.discard(oldest)
            await oldest.close(code=WSCloseCode.POLICY_VIOLATION, message=b"replaced")
        session.sockets.add(ws)
        try:
            async for msg in ws:
                session.seen = self.clock()
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                try:
                    if msg.type == WSMsgType.BINARY:
                        raise Refused("bad_request", 400)
                    self.accept(request, session, self.parse(msg.data))
                except Refused as refused:
                    await ws.send_json(self.error_frame(refused.code, refused.message_id,
                                                        session.lang))
        except (ConnectionError, RuntimeError):
            pass
        finally:
            session.sockets.discard(ws)
            session.seen = self.clock()
        return ws

    def _cors(self, request: web.Request, response: web.StreamResponse) -> None:
        """Another allowed origin calling the API directly may read the answer."""
        origin = request.headers.get("Origin", "").rstrip("/").lower()
        if origin in self.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"

    async def _api_preflight(self, request: web.Request) -> web.Response:
        if not self._origin_ok(request, required=True):
            return self._refusal(Refused("bad_request", 403))
        response = web.Response(status=204, headers={
            "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers":
            "Content-Type", "Access-Control-Max-Age": "600"})
        self._cors(request, response)
        return response

    async def _api_send(self, request: web.Request) -> web.Response:
        lang = "en"
        try:
            if not self._origin_ok(request, required=True):
                log.info("web send refused: origin not allowed")
                raise Refused("bad_request", 403)
            if request.content_type != "application/json":
                raise Refused("bad_request", 415)
            if (request.content_length or 0) > self.limits.frame_bytes:
                raise Refused("too_long", 413)
            session = self._session(request)
            assert session is not None
            lang = session.lang
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                raise Refused("too_long", 413) from None
            accepted = self.accept(request, session, self.parse(body))
        except Refused as refused:
            response = self._refusal(refused, lang)
        else:
            response = web.json_response({"accepted": accepted}, status=202)
        self._cors(request, response)
        return response

    async def _api_poll(self, request: web.Request) -> web.Response:
        """The frames after `after`, waiting up to poll_seconds for the first. A page
        asking beyond the last frame (this process restarted: numbers begin again) gets
        what there is at once, and the number to go on from."""
        try:
            if not self._origin_ok(request, required=False):
                raise Refused("bad_request", 403)
            try:
                after = int(request.query.get("after", "0"))
            except ValueError:
                raise Refused("bad_request", 400) from None
            session = self._session(request)
        except Refused as refused:
            response = self._refusal(refused)
            self._cors(request, response)
            return response
        assert session is not None
        session.polls += 1
        try:
            if after > session.last:
                after = -1
            elif after == session.last and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(session.changed.wait(), self.limits.poll_seconds)
        finally:
            session.polls -= 1
            session.seen = self.clock()
        events = [f for n, _, f in session.events if n > after]
        response = web.json_response({"events": events, "next": session.last})
        self._cors(request, response)
        return response
