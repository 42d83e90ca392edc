"""The Telegram adapter: python-telegram-bot 22 on the outside, `bot.types` on the inside.

Long polling by default; webhook mode (one or many processes behind a load balancer) with
a required secret token. Replies are rendered natively: inline keyboards for buttons, a
"Share my location" reply keyboard when the bot asks where someone is, place cards as
venues (map pins), long texts split under Telegram's 4096 characters, files (a calendar
file) as documents after the reply's text, in private chats only.

Choices worth knowing (see ../shared/REFERENCE.md, Telegram):
- Plain text, no parse mode. Our replies carry no markup of their own, so HTML would
  only add risk: one unescaped "<" in a volunteer-written listing and Telegram rejects
  the whole message ("can't parse entities") - and that message could be the crisis
  reply. Without a parse mode nothing typed by anyone can inject markup or break a send,
  and Telegram still links URLs and phone numbers. Link previews are off (compact
  results; the venue pin already shows the map).
- Rate limits: PTB's AIORateLimiter (30/s overall, 20/min per group, and on a 429 it
  waits `retry_after` and retries) plus our own pacing of about 1 message a second per
  private chat, which AIORateLimiter does not do. Crisis replies are never held back by
  our pacing.
- Turns run on adapters/turns.py, as on every platform: a danger message's crisis
  contacts go first, before any lock, claim or database work; then one turn at a time
  per chat, in order (a slow paced reply never holds up someone else); each update id
  is claimed in the database, so a webhook retry or a second process does not answer
  twice; the turn's replies are journaled with the state they came from, and each
  message sent is recorded, so a process that dies mid-reply loses nothing: the webhook
  is answered only after the reply has gone out, Telegram retries, and the retry (in
  any process) takes the claim over once its lease has run out and sends only what had
  not gone out. The one message in flight at the moment of death may go twice: the Bot
  API has no idempotency key, and a repeat is better than a loss here. A 403 (the
  person blocked the bot) marks the conversation inactive and nothing more is sent to
  that chat until they write again.
- Which keyboard shows (our "Share my location" one) is the conversation's state
  (`Reply.dismiss_location`), so every process renders the same.
- Command menus come from the conversation's features (`Responder.menu`), per role.
- Groups: only commands and messages that mention the bot are answered, and only with
  an offer to continue in a private chat (/crisis and /help are answered in the group,
  and danger words addressed to the bot get the crisis contacts that fit them there).
  Nobody's needs are discussed in a group.
- Logs never hold message text or Telegram ids: only `ConversationRef.log_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApp
from tornado.web import RequestHandler

from adapters.turns import BLOCKED, FAILED, LOOKUP_TIMEOUT, SENT, UPDATE_LEASE, Turns
from bot import access, claims
from bot.catalogue import CATALOGUES, t
from bot.crisis import detect_crisis
from bot.types import (
    Attachment,
    Button,
    ConversationRef,
    Incoming,
    Location,
    PlaceCard,
    Reply,
    Responder,
)

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DEFAULT_API_BASE = "https://api.telegram.org"
MAX_MESSAGE_CHARS = 4096  # Telegram counts UTF-16 code units; so do we (see split_text)
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS = 100
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s|$)")
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Commands we answer in a group; everything else there gets the "continue privately" offer.
GROUP_SAFE_COMMANDS = ("crisis", "help")
KNOWN_COMMANDS = ("start", "help", "crisis", "privacy", "forget", "cancel")
# The parameter of the "continue privately" deep link: carries nothing about anyone.
GROUP_START_PARAMETER = "group"
PROCESSED_UPDATES_KEPT = timedelta(days=2)  # Telegram keeps undelivered updates 24 hours
WEBHOOK_MAX_BODY = 1 << 20
# How long a webhook request waits for its turn before answering 200 anyway (the turn
# goes on here; Telegram would otherwise send the update again).
WEBHOOK_ANSWER_TIMEOUT = 50.0

def bot_commands(keys: Sequence[str], lang: str = "en") -> list[BotCommand]:
    return [BotCommand(k, t(f"tg_cmd_{k}", lang)) for k in keys]


# -- pure helpers: configuration ----------------------------------------------------


def api_urls(base: str | None) -> tuple[str, str]:
    """The Bot API and file URLs PTB wants, from a server root such as
    "https://api.telegram.org" or "http://127.0.0.1:8081" (a trailing "/bot" is fine)."""
    root = (base or DEFAULT_API_BASE).strip().rstrip("/")
    if root.endswith("/bot"):
        root = root[: -len("/bot")]
    return f"{root}/bot", f"{root}/file/bot"


def parse_listen(value: str) -> tuple[str, int]:
    """"HOST:PORT" (or "[::1]:PORT") as (host, port); ValueError with a kind message."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdecimal() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen must look like HOST:PORT (for example 127.0.0.1:8080), "
                         f"not '{value}'.")
    return host, int(port)


def check_webhook(webhook_url: str, secret_token: str | None) -> None:
    """ValueError with a kind message when webhook settings cannot work."""
    parts = urlsplit(webhook_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The webhook URL must be a full https:// address, not "
                         f"'{webhook_url}'.")
    if not secret_token:
        raise ValueError("Webhook mode needs a secret token (--secret-token or "
                         "TELEGRAM_WEBHOOK_SECRET), so nobody else can post updates to "
                         "the bot. Use 1-256 letters, digits, _ or -.")
    if not SECRET_TOKEN.match(secret_token):
        raise ValueError("The secret token may only hold 1-256 letters, digits, _ or -.")


# -- pure helpers: rendering ---------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> list[str]:
    """A line longer than `limit` in pieces, at spaces where possible."""
    pieces = []
    while utf16_len(line) > limit:
        # Largest prefix within the limit (code points, never splitting a character).
        end, used = 0, 0
        for ch in line:
            w = 2 if ord(ch) > 0xFFFF else 1
            if used + w > limit:
                break
            used += w
            end += 1
        space = line.rfind(" ", 0, end)
        cut = space if space > end // 2 else end
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Text in messages of at most `limit` UTF-16 units, split at line boundaries (a
    single line longer than that is split at spaces). No empty pieces."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for part in _cut(line, limit):
            candidate = f"{current}\n{part}" if current else part
            if utf16_len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    chunks.append(current)
                current = part
    if current.strip():
        chunks.append(current)
    return chunks


def inline_keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Our buttons as an inline keyboard: at most 8 a row and 100 in all; a button whose
    payload does not fit Telegram's 64 bytes of callback data is left out (and logged)."""
    out: list[list[InlineKeyboardButton]] = []
    count = 0
    for row in rows:
        buttons = []
        for b in row:
            if not 1 <= len(b.payload.encode("utf-8")) <= MAX_CALLBACK_BYTES:
                log.error("button left out: payload longer than 64 bytes")
                continue
            if count == MAX_BUTTONS:
                break
            buttons.append(InlineKeyboardButton(b.label, callback_data=b.payload))
            count += 1
        out += [buttons[i:i + MAX_BUTTONS_PER_ROW]
                for i in range(0, len(buttons), MAX_BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(out) if out else None


def location_keyboard(lang: str = "en") -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[KeyboardButton(t("tg_share_location", lang),
                                                request_location=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


def private_link(username: str) -> InlineKeyboardMarkup:
    url = f"https://t.me/{username}?start={GROUP_START_PARAMETER}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("tg_group_button"), url=url)]])


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Outbound:
    """One Bot API call to make: a text message, a place card as a venue/location, or a
    file as a document."""

    kind: str  # "message", "venue", "location" or "document"
    text: str = ""
    markup: Markup | None = None
    card: PlaceCard | None = None
    urgent: bool = False  # crisis contacts: never held back by our pacing
    attachment: Attachment | None = None


def render(replies: Sequence[Reply], *, private: bool,
           group_link: InlineKeyboardMarkup | None = None) -> list[Outbound]:
    """Replies as Telegram messages.

    A message has one reply markup: inline buttons or a reply keyboard. A reply that has
    buttons and asks for a location gets its buttons on its text and the "Share my
    location" keyboard on a short prompt after it. The keyboard is removed
    (ReplyKeyboardRemove) when the conversation says the location is no longer wanted
    (`Reply.dismiss_location`, on the first reply of the turn after), with the first
    message that has no markup of its own, or on a short "Thanks." when every message
    carries buttons; a crisis turn never waits for that.
    """
    out: list[Outbound] = []
    wants_location = private and any(r.request_location for r in replies)
    crisis = any(r.crisis for r in replies)
    for reply in replies:
        markup: Markup | None = inline_keyboard(reply.buttons) if private else None
        after: list[Outbound] = []
        if private and reply.request_location:
            if markup is None:
                markup = location_keyboard(reply.lang)
            else:
                after.append(Outbound("message", t("tg_location_prompt", reply.lang),
                                      location_keyboard(reply.lang), urgent=reply.crisis))
        pieces = split_text(reply.text) or (["…"] if markup is not None else [])
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            out.append(Outbound("message", piece, markup if last else None,
                                urgent=reply.crisis))
        out += after
        if private and reply.card is not None:
            kind = "venue" if reply.card.address.strip() else "location"
            out.append(Outbound(kind, card=reply.card, urgent=reply.crisis))
        if private and reply.attachment is not None:  # a calendar file: never in a group
            out.append(Outbound("document", attachment=reply.attachment, urgent=reply.crisis))
    if not private and group_link is not None:
        for i in range(len(out) - 1, -1, -1):
            if out[i].kind == "message":
                out[i] = replace(out[i], markup=group_link)
                break
    dismiss = any(r.dismiss_location for r in replies)
    if private and dismiss and not wants_location and not crisis:
        for i, o in enumerate(out):
            if o.kind == "message" and o.markup is None:
                out[i] = replace(o, markup=ReplyKeyboardRemove())
                break
        else:
            out.insert(0, Outbound("message", t("tg_location_done", replies[0].lang),
                                   ReplyKeyboardRemove()))
    return out


# -- small machinery -----------------------------------------------------------------


class Pacer:
    """About one message a second per chat (Telegram bots FAQ). Each send reserves the
    next free slot; an urgent send goes now but still moves the slot on."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._next: dict[int, float] = {}

    async def wait(self, chat_id: int, urgent: bool = False) -> None:
        now = self.clock()
        if len(self._next) > 10_000:
            self._next = {k: v for k, v in self._next.items() if v > now}
        slot = now if urgent else max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class _Chat:
    """Where a turn's replies go: one Telegram chat (an adapters/turns.py Outlet)."""

    adapter: TelegramAdapter
    ref: ConversationRef
    chat_id: int
    private: bool
    reply_to: int | None = None  # in groups, answer as a reply to the message
    thread_id: int | None = None  # forum topic of that message

    def render(self, replies: Sequence[Reply]) -> list[Outbound]:
        link = None if self.private else private_link(self.adapter.username or "")
        return render(replies, private=self.private, group_link=link)

    async def send(self, message: Outbound, index: int) -> str:
        return await self.adapter._send(self, message,
                                        reply_to=self.reply_to if index == 0 else None)


# -- the adapter -----------------------------------------------------------------------


class TelegramAdapter:
    """Implements bot.types.Adapter for Telegram. `start` runs until `stop`."""

    def __init__(self, token: str, sessions: sessionmaker, *,
                 api_base_url: str | None = None,
                 webhook_url: str | None = None, listen: str = "127.0.0.1:8080",
                 secret_token: str | None = None,
                 poll_timeout: float = 10.0, per_chat_interval: float = 1.0,
                 max_retries: int = 5, update_lease: timedelta = UPDATE_LEASE) -> None:
        if not token:
            raise ValueError("A Telegram bot token is needed (TELEGRAM_BOT_TOKEN).")
        if webhook_url is not None:
            check_webhook(webhook_url, secret_token)
        self.listen = parse_listen(listen)
        self._token = token
        self.sessions = sessions
        self.api_base_url = api_base_url
        self.webhook_url = webhook_url
        self._secret = secret_token
        self.poll_timeout = poll_timeout
        self.max_retries = max_retries
        self.update_lease = update_lease
        self.pacer = Pacer(per_chat_interval)
        self.started = asyncio.Event()  # set once updates are being received
        self.webhook_port: int | None = None  # the port actually bound (listen port 0)
        self.username: str | None = None
        self._app: Application | None = None
        self._stop = asyncio.Event()
        self._finished = asyncio.Event()
        # Lock, claim, journal, progress, blocked chats and the fallback: adapters/turns.py.
        self.turns = Turns(PLATFORM, sessions, update_lease=update_lease)
        self._menus: dict[int, tuple[str, ...]] = {}  # private chat -> menu it was given
        self._update_tasks: dict[int, asyncio.Task] = {}  # update id -> its turn
        self._server: HTTPServer | None = None
        self._turns: set[asyncio.Task] = set()  # turns being handled
        self._background: set[asyncio.Task] = set()  # callback answers, housekeeping
        self._posts = 0  # webhook requests being answered
        self._answered = asyncio.Event()  # set while none are
        self._answered.set()

    # -- lifecycle --------------------------------------------------------------------

    def _build(self) -> Application:
        api, files = api_urls(self.api_base_url)
        builder = (ApplicationBuilder().token(self._token).base_url(api).base_file_url(files)
                   .rate_limiter(AIORateLimiter(max_retries=self.max_retries)))
        if self.webhook_url is not None:
            builder = builder.updater(None)  # our own webhook server feeds the queue
        app = builder.build()
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app

    async def start(self, responder: Responder) -> None:
        """Connect, set the command menu, then receive updates until `stop()`."""
        if self._app is not None:
            raise RuntimeError("The Telegram adapter is already running.")
        self.turns.open(responder)
        self._stop.clear()
        self._finished.clear()
        app = self._app = self._build()
        try:
            try:
                await app.initialize()  # getMe: checks the token and the server
            except InvalidToken as exc:
                raise RuntimeError("Telegram did not accept the bot token "
                                   "(TELEGRAM_BOT_TOKEN).") from exc
            except NetworkError as exc:
                raise RuntimeError(f"could not reach the Telegram Bot API at "
                                   f"{api_urls(self.api_base_url)[0]}") from exc
            async with app:  # shuts down on the way out
                self.username = app.bot.username
                await self._set_commands(app, responder)
                await app.start()
                try:
                    if self.webhook_url is not None:
                        await self._start_webhook(app)
                    else:
                        assert app.updater is not None
                        await app.updater.start_polling(
                            timeout=self.poll_timeout, allowed_updates=list(ALLOWED_UPDATES),
                            drop_pending_updates=False)
                    self._spawn(self._housekeeping(), self._background)
                    log.info("telegram adapter running (%s)",
                             "webhook" if self.webhook_url else "long polling")
                    self.started.set()
                    await self._stop.wait()
                finally:
                    if app.updater is not None and app.updater.running:
                        await app.updater.stop()
                    server = self._stop_listening()
                    await app.stop()  # every update received has been dispatched
                    await asyncio.gather(*self._turns, return_exceptions=True)
                    if server is not None:
                        # Only now, once each webhook POST in hand has been answered
                        # after its turn: Telegram then does not send those again.
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._answered.wait(), 5)
                        await server.close_all_connections()
                    for task in list(self._background):
                        task.cancel()
                    await asyncio.gather(*self._background, return_exceptions=True)
        finally:
            self._app = None
            self.started.clear()
            self._finished.set()
            await self.turns.close()

    async def stop(self) -> None:
        """Stop receiving and return once in-flight turns have finished."""
        self._stop.set()
        if self._app is not None:
            await self._finished.wait()

    async def _set_commands(self, app: Application, responder: Responder) -> None:
        try:
            await app.bot.set_my_commands(bot_commands(responder.menu(None)),
                                          scope=BotCommandScopeDefault())
            await app.bot.set_my_commands(bot_commands(GROUP_SAFE_COMMANDS),
                                          scope=BotCommandScopeAllGroupChats())
            for lang in CATALOGUES:
                if lang != "en":
                    # Shown to people whose app is set to that language (Bot API
                    # setMyCommands, language_code: two-letter ISO 639-1).
                    await app.bot.set_my_commands(bot_commands(responder.menu(None), lang),
                                                  scope=BotCommandScopeDefault(),
                                                  language_code=lang)
        except TelegramError as exc:  # the menu is a nicety: run without it
            log.warning("could not set the command menu: %s", type(exc).__name__)

    def _spawn(self, coro: Coroutine[object, object, object], tasks: set[asyncio.Task]
               ) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        task.add_done_callback(_log_failure)
        return task

    async def _housekeeping(self) -> None:
        """Forget processed update ids once Telegram can no longer redeliver them."""
        while True:
            try:
                await asyncio.to_thread(self._prune_updates)
            except SQLAlchemyError:
                log.warning("could not prune processed updates")
            await asyncio.sleep(3600)

    def _prune_updates(self) -> None:
        with self.sessions() as session:
            claims.delete_processed_before(session, datetime.now(UTC) - PROCESSED_UPDATES_KEPT)
            session.commit()

    # -- webhook ----------------------------------------------------------------------
    # tornado comes with python-telegram-bot[webhooks] (our `telegram` extra).
    # PTB's own webhook server (telegram/ext/_utils/webhookhandler.py, 22.8) answers 403
    # to a missing or wrong secret, but compares it with `!=` (not constant time) and
    # logs the wrong token and, at debug level, every update's full JSON - message text
    # included. So we run our own small server on the same tornado PTB uses: the secret
    # is compared with hmac.compare_digest, nothing of the request is logged, and the
    # update goes on the Application's queue exactly as PTB's server would put it.

    async def _start_webhook(self, app: Application) -> None:
        assert self.webhook_url is not None and self._secret is not None
        path = urlsplit(self.webhook_url).path.rstrip("/") or ""
        web = WebApp([(rf"{re.escape(path)}/?", _WebhookRequest, {"adapter": self})],
                     log_function=lambda _handler: None)
        server = HTTPServer(web, max_body_size=WEBHOOK_MAX_BODY)
        host, port = self.listen
        sockets = bind_sockets(port, address=host)
        server.add_sockets(sockets)
        self._server = server
        self.webhook_port = sockets[0].getsockname()[1]
        try:
            await app.bot.set_webhook(url=self.webhook_url, secret_token=self._secret,
                                      allowed_updates=list(ALLOWED_UPDATES),
                                      drop_pending_updates=False)
        except BadRequest as exc:  # e.g. not https, or a port Telegram does not call
            raise RuntimeError(f"Telegram refused the webhook URL: {exc.message}") from exc

    def _stop_listening(self) -> HTTPServer | None:
        """Accept no new webhook connections; the server, to close once the requests
        in hand are answered. The webhook itself stays set: other processes may still
        be serving it."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        return server

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Around each webhook request: a stop closes the connections only once none
        is being answered."""
        self._posts += 1
        self._answered.clear()
        try:
            yield
        finally:
            self._posts -= 1
            if not self._posts:
                self._answered.set()

    def secret_ok(self, given: str | None) -> bool:
        """Constant-time check of the X-Telegram-Bot-Api-Secret-Token header."""
        if self._secret is None:
            return False
        return hmac.compare_digest((given or "").encode("utf-8"), self._secret.encode("utf-8"))

    async def accept_webhook(self, secret: str | None, body: bytes) -> int:
        """One POST from Telegram: the HTTP status to answer."""
        if not self.secret_ok(secret):
            log.warning("webhook request refused: missing or wrong secret token")
            return 403
        app = self._app
        if app is None:
            return 503
        try:
            update = Update.de_json(json.loads(body), app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return 400
        if update is None:
            return 400
        # Answer Telegram only once the update has been handled and its reply sent: if
        # this process dies first, Telegram retries (to any process) and nothing is lost.
        # "busy": another process is answering it this moment; 503 asks Telegram to try
        # again later, when that process has finished it or its lease has run out.
        await app.process_update(update)
        task = self._update_tasks.get(update.update_id)
        if task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                claim = await asyncio.wait_for(asyncio.shield(task), WEBHOOK_ANSWER_TIMEOUT)
                if claim == "busy":
                    return 503
        return 200

    # -- incoming -----------------------------------------------------------------------

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed: %s", type(context.error).__name__)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.my_chat_member is not None:
            await self._on_member(update)
        elif update.callback_query is not None:
            await self._on_callback(update, update.callback_query)
        elif update.message is not None:
            await self._on_message(update, update.message)

    async def _on_member(self, update: Update) -> None:
        change = update.my_chat_member
        assert change is not None
        if change.chat.type != ChatType.PRIVATE:
            return
        ref = ConversationRef(PLATFORM, str(change.chat.id), str(change.from_user.id))
        status = change.new_chat_member.status
        if status == ChatMemberStatus.BANNED:  # "kicked": the person blocked the bot
            await self.turns.unreachable(ref)
        elif status == ChatMemberStatus.MEMBER:
            self.turns.reachable(ref)

    async def _on_callback(self, update: Update, query: CallbackQuery) -> None:
        message = query.message
        private = message is not None and message.chat.type == ChatType.PRIVATE
        # Answer at once, so the button stops spinning - in its own task, so that this
        # update reaches its chat's queue (the lock in _turn) before any later one.
        self._spawn(self._answer(query, None if private or message is None
                                 else t("tg_group_tap")), self._background)
        if not private or message is None or not query.data:
            return
        ref = ConversationRef(PLATFORM, str(message.chat.id), str(query.from_user.id))
        self._turn(update, _Chat(self, ref, message.chat.id, True),
                   Incoming(ref, payload=query.data))

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        with contextlib.suppress(TelegramError):
            await query.answer(text)

    async def _on_message(self, update: Update, message: Message) -> None:
        user = message.from_user
        if user is None:
            return
        ref = ConversationRef(PLATFORM, str(message.chat.id), str(user.id))
        if message.chat.type == ChatType.PRIVATE:
            if message.location is not None:
                loc = message.location
                msg = Incoming(ref, location=Location(loc.latitude, loc.longitude))
            else:
                # Anything else (a sticker, a voice note) still gets the step's prompt.
                # The app's language is a hint for a new conversation's (never kept).
                hint = message.from_user.language_code if message.from_user else None
                msg = Incoming(ref, text=message.text or message.caption or "",
                               language_hint=hint)
            self._turn(update, _Chat(self, ref, message.chat.id, True), msg)
        elif message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            await self._on_group_message(update, message, ref)

    async def _on_group_message(self, update: Update, message: Message,
                                ref: ConversationRef) -> None:
        text = message.text or message.caption or ""
        command = self._command(text)
        if command is None and not self._addressed(message):
            return
        assert self.turns.responder is not None
        # Ours: any command of any menu (someone may try /subscribe in a group), and
        # /cancel.
        if command is not None and command not in {*self.turns.responder.menu("admin"),
                                                   "cancel"}:
            return
        thread = message.message_thread_id if message.is_topic_message else None
        chat = _Chat(self, ref, message.chat.id, False, reply_to=message.message_id,
                     thread_id=thread)
        if command in GROUP_SAFE_COMMANDS:
            self._turn(update, chat, Incoming(ref, text=f"/{command}"))
        elif command is None and detect_crisis(text) is not None:
            # Danger words addressed to the bot: the contacts that fit them, in the group,
            # at once (the runner's first aid); no conversation is kept for a group.
            self._turn(update, chat, Incoming(ref, text=text), preset=[])
        else:
            self._turn(update, chat, Incoming(ref), preset=[Reply(t("tg_group_private"))])

    def _command(self, text: str) -> str | None:
        """The command a message starts with: None if it is not a command, "" if it is
        one meant for another bot ("/start@OtherBot")."""
        if not text.startswith("/"):
            return None
        m = COMMAND.match(text)
        if m is None or (m[2] and m[2].lower() != (self.username or "").lower()):
            return ""
        return m[1].lower()

    def _addressed(self, message: Message) -> bool:
        """A mention of the bot, or a reply to one of its messages."""
        assert self._app is not None
        me = self._app.bot
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == me.id:
            return True
        entities = (message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
                    or message.parse_caption_entities([MessageEntity.MENTION,
                                                       MessageEntity.TEXT_MENTION]))
        handle = f"@{(self.username or '').lower()}"
        for entity, value in entities.items():
            if entity.type == MessageEntity.MENTION and value.lower() == handle:
                return True
            if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and \
                    entity.user.id == me.id:
                return True
        return False

    def _turn(self, update: Update, chat: _Chat, msg: Incoming,
              preset: list[Reply] | None = None) -> None:
        """Start handling one message of one chat, as a task: PTB hands us updates in
        order and one at a time, and each turn joins its chat's queue before its first
        await (adapters/turns.py), so turns stay in order within a chat and run side by
        side across chats (a slow, paced chat never holds up anyone else, nor does a
        flood from one chat). `preset`: a group's replies, without the conversation."""
        task = self._spawn(self._run_turn(update.update_id, chat, msg, preset), self._turns)
        self._update_tasks[update.update_id] = task
        task.add_done_callback(lambda _t, uid=update.update_id: self._update_tasks.pop(uid, None))

    async def _run_turn(self, update_id: int, chat: _Chat, msg: Incoming,
                        preset: list[Reply] | None) -> str:
        """Answer one update; returns its claim: "first" (answered here), "done" (a
        repeat, ignored) or "busy" (another process is answering it now)."""
        status = await self.turns.run(msg, chat, chat=str(chat.chat_id),
                                      update_id=str(update_id), preset=preset)
        if status == "first" and chat.private:
            await self._sync_menu(chat)
        return status

    async def _sync_menu(self, chat: _Chat) -> None:
        """Give this chat the command menu of the person's role, after any turn that
        may have changed it (an invite redeemed, /forget, an admin's grant)."""
        responder = self.turns.responder
        assert responder is not None and self._app is not None

        def role() -> str | None:
            with self.sessions() as session:
                return access.role_of(session, PLATFORM, chat.ref.user_id)
        try:
            wanted = await asyncio.wait_for(asyncio.to_thread(role), LOOKUP_TIMEOUT)
        except (SQLAlchemyError, TimeoutError):
            return
        menu = responder.menu(wanted)
        if self._menus.get(chat.chat_id, responder.menu(None)) == menu:
            return
        scope = BotCommandScopeChat(chat.chat_id)
        try:
            if wanted is None:
                await self._app.bot.delete_my_commands(scope=scope)
            else:
                await self._app.bot.set_my_commands(bot_commands(menu), scope=scope)
            self._menus[chat.chat_id] = menu
        except TelegramError as exc:  # the menu is a nicety
            log.warning("could not set a role menu: %s", type(exc).__name__)

    # -- outgoing -----------------------------------------------------------------------

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        """Send one reply outside a turn (reminders, broadcasts). Nothing is sent to a
        conversation marked inactive (the person blocked the bot)."""
        if self._app is None:
            raise RuntimeError("The Telegram adapter is not running.")
        chat_id = int(ref.chat_id)
        await self.turns.send(ref, _Chat(self, ref, chat_id, chat_id > 0), [reply],
                              chat=str(chat_id))

    async def _send(self, turn: _Chat, out: Outbound, reply_to: int | None) -> str:
        """One Bot API call: SENT, BLOCKED (403: the person blocked the bot) or FAILED."""
        assert self._app is not None
        bot = self._app.bot
        if turn.private:
            await self.pacer.wait(turn.chat_id, urgent=out.urgent)
        extra: dict[str, object] = {}
        if reply_to is not None:
            extra["reply_parameters"] = ReplyParameters(reply_to,
                                                        allow_sending_without_reply=True)
        if turn.thread_id is not None:
            extra["message_thread_id"] = turn.thread_id
        for attempt in range(3):
            try:
                if out.kind == "message":
                    await bot.send_message(turn.chat_id, out.text, reply_markup=out.markup,
                                           link_preview_options=LinkPreviewOptions(is_disabled=True),
                                           **extra)  # type: ignore[arg-type]
                elif out.card is not None and out.kind == "venue":
                    await bot.send_venue(turn.chat_id, latitude=out.card.latitude,
                                         longitude=out.card.longitude,
                                         title=out.card.title[:256],
                                         address=out.card.address[:256],
                                         reply_markup=out.markup,
                                         **extra)  # type: ignore[arg-type]
                elif out.card is not None:
                    await bot.send_location(turn.chat_id, latitude=out.card.latitude,
                                            longitude=out.card.longitude,
                                            reply_markup=out.markup,
                                            **extra)  # type: ignore[arg-type]
                elif out.attachment is not None:
                    await bot.send_document(turn.chat_id, _input_file(out.attachment),
                                            reply_markup=out.markup,
                                            **extra)  # type: ignore[arg-type]
                return SENT
            except Forbidden:
                return BLOCKED
            except RetryAfter as exc:  # AIORateLimiter already retried max_retries times
                wait = exc.retry_after
                delay = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("rate limited", extra={"conv": turn.ref.log_id})
                await asyncio.sleep(delay)
            except BadRequest as exc:
                log.error("telegram refused a %s: %s", out.kind, exc.message.split(":")[0],
                          extra={"conv": turn.ref.log_id})
                return FAILED
            except NetworkError:  # includes TimedOut: try again shortly
                log.warning("network error sending (attempt %d)", attempt + 1,
                            extra={"conv": turn.ref.log_id})
                await asyncio.sleep(1 + attempt)
            except TelegramError as exc:
                log.error("telegram error sending: %s", type(exc).__name__,
                          extra={"conv": turn.ref.log_id})
                return FAILED
        log.error("gave up sending a %s", out.kind, extra={"conv": turn.ref.log_id})
        return FAILED


def _input_file(file: Attachment) -> InputFile:
    """A file for sendDocument (a multipart upload), with our content type: PTB guesses
    one from the name, which depends on the machine's mime.types."""
    upload = InputFile(file.data, filename=file.filename)
    upload.mimetype = file.mime
    return upload


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        log.error("telegram task failed: %s", type(exc).__name__, exc_info=exc)


# tornado's idiom is a subclass of its RequestHandler: the web framework's class, not the
# Telegram client's. All the logic is in TelegramAdapter.accept_webhook.
class _WebhookRequest(RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, adapter: TelegramAdapter) -> None:
        self.adapter = adapter

    async def post(self) -> None:
        with self.adapter.answering():
            status = await self.adapter.accept_webhook(
                self.request.headers.get(SECRET_HEADER), self.request.body)
            self.set_status(status)
            await self.finish()
