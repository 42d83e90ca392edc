"""Senders for the delivery worker (bot/broadcasts/worker.py): one direct message to a
user id, rendered exactly as the platform's adapter renders a reply, with an outcome the
worker can act on (the adapters' own `send` swallows outcomes: right for a chat turn,
not for a queue that must report delivered / failed / blocked).

- Telegram: plain text, no parse mode, link previews off, split under 4096 UTF-16 units
  by adapters/telegram.py's own `split_text` - the same as every chat reply, so nothing
  anyone typed can inject markup (REFERENCE.md, Telegram HTML). 403 / "chat not found"
  mean the person blocked the bot or never started it: unsubscribed, and their
  conversation marked inactive (bot/state.py), as the adapter does. 429 gives
  retry_after to the worker. No idempotency key exists in the Bot API.
- Discord: a DM, markdown-escaped and split by adapters/discord_adapter.py's `render`,
  no mentions (AllowedMentions.none()), with a nonce per piece and enforce_nonce (what
  discord.py sends with any nonce): Discord drops a repeat with the same nonce. 403 with
  code 50007 means DMs closed or blocked. discord.py itself waits out 429s.
  `send_channel` posts the same way to a server's announcement channel
  (POST /channels/{id}/messages); 404, or 403 (50001 Missing Access, 50013 Missing
  Permissions), means the channel is gone or closed to us: "blocked", so the worker
  marks the row failed and removes the server's setting.

Each sender takes a function that returns the client to use, so `recovery-bot run`
shares the running adapter's client (one connection, and for Telegram one PTB rate
limiter for chat replies and broadcasts together) while `recovery-bot deliver` and tests
use a client of their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot import state
from bot.broadcasts import Budget, Limits, Outcome, Sender, Worker, budget_for
from bot.broadcasts.worker import DEFAULT_LIMITS
from bot.types import ConversationRef, Reply

if TYPE_CHECKING:
    from adapters.metrics import Metrics

log = logging.getLogger(__name__)


def _mark_inactive(sessions: sessionmaker | None, ref: ConversationRef) -> None:
    if sessions is None:
        return
    try:
        with sessions() as session:
            state.mark_inactive(session, ref.key)
            session.commit()
    except SQLAlchemyError:
        log.warning("could not mark conversation inactive", extra={"conv": ref.log_id})


class TelegramSender:
    platform = "telegram"

    def __init__(self, bot: Callable[[], object | None], sessions: sessionmaker | None = None
                 ) -> None:
        self._bot = bot
        self.sessions = sessions

    @classmethod
    def standalone(cls, token: str, api_base_url: str | None,
                   sessions: sessionmaker | None = None) -> tuple[TelegramSender, object]:
        """A sender with its own Bot API client (no PTB rate limiter: the worker paces
        and handles 429 itself). Returns the sender and the bot, to initialize and shut
        down (`async with bot:`)."""
        from telegram import Bot
        from telegram.request import HTTPXRequest

        from adapters.telegram import api_urls

        api, files = api_urls(api_base_url)
        bot = Bot(token, base_url=api, base_file_url=files,
                  request=HTTPXRequest(connection_pool_size=16))
        return cls(lambda: bot, sessions), bot

    async def send(self, user_id: str, text: str, nonce: str | None) -> Outcome:
        from telegram import LinkPreviewOptions
        from telegram.error import (
            BadRequest,
            Forbidden,
            NetworkError,
            RetryAfter,
            TelegramError,
            TimedOut,
        )

        from adapters.telegram import split_text

        bot = self._bot()
        if bot is None:
            return Outcome("retry", retry_after=5.0, error="not running")
        message_id = None
        try:
            for piece in split_text(text):
                msg = await bot.send_message(  # type: ignore[attr-defined]
                    int(user_id), piece,
                    link_preview_options=LinkPreviewOptions(is_disabled=True))
                message_id = message_id or str(msg.message_id)
        except Forbidden:
            await self._unreachable(user_id)
            return Outcome("blocked", error="403")
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return Outcome("retry", retry_after=seconds, error="429")
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self._unreachable(user_id)
                return Outcome("blocked", error="chat not found")
            return Outcome("failed", error=exc.message.split(":")[0][:64])
        except TimedOut:
            # The request may have reached Telegram: trying again may send it twice.
            return Outcome("retry", retry_after=2.0, error="timed out")
        except NetworkError:
            return Outcome("retry", retry_after=2.0, error="network")
        except TelegramError as exc:
            return Outcome("failed", error=type(exc).__name__)
        return Outcome("sent", message_id=message_id)

    async def send_reply(self, user_id: str, reply: Reply, nonce: str | None) -> Outcome:
        """A whole reply as the adapter renders it in a private chat (adapters/telegram.py
        `render`): its text with inline buttons, then its place card as a venue (a map
        pin). Meeting reminders (bot/reminders/worker.py) go this way. The outcome is the
        first call's: once the text is out, a refused venue does not make it fail."""
        from telegram import LinkPreviewOptions
        from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

        from adapters.telegram import render

        bot = self._bot()
        if bot is None:
            return Outcome("retry", retry_after=5.0, error="not running")
        message_id = None
        for out in render([reply], private=True):
            try:
                if out.kind == "message":
                    msg = await bot.send_message(  # type: ignore[attr-defined]
                        int(user_id), out.text, reply_markup=out.markup,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
                elif out.card is not None and out.kind == "venue":
                    msg = await bot.send_venue(  # type: ignore[attr-defined]
                        int(user_id), latitude=out.card.latitude,
                        longitude=out.card.longitude, title=out.card.title[:256],
                        address=out.card.address[:256])
                elif out.card is not None:
                    msg = await bot.send_location(  # type: ignore[attr-defined]
                        int(user_id), latitude=out.card.latitude,
                        longitude=out.card.longitude)
                else:
                    continue
                message_id = message_id or str(msg.message_id)
            except (BadRequest, RetryAfter, TelegramError) as exc:
                if message_id is None or isinstance(exc, Forbidden):
                    return await self._outcome(user_id, exc)
                log.warning("reminder: its map pin was refused: %s", type(exc).__name__)
        return Outcome("sent", message_id=message_id)

    async def _outcome(self, user_id: str, exc: Exception) -> Outcome:
        """What a Bot API error means for a queue row (as `send` reads it)."""
        from telegram.error import (
            BadRequest,
            Forbidden,
            NetworkError,
            RetryAfter,
            TimedOut,
        )

        if isinstance(exc, Forbidden):
            await self._unreachable(user_id)
            return Outcome("blocked", error="403")
        if isinstance(exc, RetryAfter):
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return Outcome("retry", retry_after=seconds, error="429")
        if isinstance(exc, BadRequest):
            if "chat not found" in exc.message.lower():
                await self._unreachable(user_id)
                return Outcome("blocked", error="chat not found")
            return Outcome("failed", error=exc.message.split(":")[0][:64])
        if isinstance(exc, TimedOut):
            return Outcome("retry", retry_after=2.0, error="timed out")
        if isinstance(exc, NetworkError):
            return Outcome("retry", retry_after=2.0, error="network")
        return Outcome("failed", error=type(exc).__name__)

    async def _unreachable(self, user_id: str) -> None:
        # A private chat's id is the user's id: the conversation the adapter keeps.
        ref = ConversationRef(self.platform, user_id, user_id)
        await asyncio.to_thread(_mark_inactive, self.sessions, ref)


def telegram_length(text: str) -> int:
    from adapters.telegram import utf16_len

    return utf16_len(text)


def discord_length(text: str) -> int:
    import discord

    return len(discord.utils.escape_markdown(text))


class DiscordSender:
    platform = "discord"

    def __init__(self, client: Callable[[], object | None],
                 sessions: sessionmaker | None = None) -> None:
        self._client = client
        self.sessions = sessions

    async def send(self, user_id: str, text: str, nonce: str | None) -> Outcome:
        """A text as a DM (a broadcast, a notification)."""
        return await self.send_reply(user_id, Reply(text), nonce)

    async def send_reply(self, user_id: str, reply: Reply, nonce: str | None) -> Outcome:
        """A whole reply as a DM, as the adapter renders it: its buttons as components
        (answered by whichever process runs the gateway) and its place card as an embed.
        Meeting reminders (bot/reminders/worker.py) go this way."""
        import discord

        from adapters.discord_adapter import UNREACHABLE

        async def dm(client: discord.Client) -> discord.abc.Messageable:
            return await client.create_dm(discord.Object(int(user_id)))

        try:
            return await self._post(dm, reply.text, nonce, reply)
        except discord.Forbidden as exc:
            if exc.code == UNREACHABLE:
                ref = ConversationRef(self.platform, user_id, user_id)
                await asyncio.to_thread(_mark_inactive, self.sessions, ref)
                return Outcome("blocked", error="50007")
            return Outcome("failed", error=f"403 {exc.code}")
        except discord.NotFound as exc:
            return Outcome("failed", error=f"404 {exc.code}")

    async def send_channel(self, channel_id: str, text: str, nonce: str | None) -> Outcome:
        """A server's announcement channel: gone (404) or forbidden (403) is "blocked"."""
        import discord

        async def channel(client: discord.Client) -> discord.abc.Messageable:
            return client.get_partial_messageable(int(channel_id))

        try:
            return await self._post(channel, text, nonce)
        except (discord.Forbidden, discord.NotFound) as exc:
            return Outcome("blocked", error=f"{exc.status} {exc.code}")

    async def _post(self, where: Callable[[Any], Awaitable[Any]], text: str,
                    nonce: str | None, reply: Reply | None = None) -> Outcome:
        """Render as the adapter does (markdown escaped, split under 2000), no mentions,
        a nonce per piece. Forbidden and NotFound are left to the caller."""
        import aiohttp
        import discord

        from adapters.discord_adapter import NO_MENTIONS, render

        client = self._client()
        if client is None:
            return Outcome("retry", retry_after=5.0, error="not running")
        message_id = None
        try:
            channel = await where(client)
            for i, part in enumerate(render(reply or Reply(text))):
                extra: dict[str, Any] = {}  # a reply's embed and buttons, if it has them
                if part.embeds:
                    extra["embeds"] = part.embeds
                if part.view is not None:
                    extra["view"] = part.view
                msg = await channel.send(content=part.content or None,
                                         allowed_mentions=NO_MENTIONS,
                                         nonce=f"{nonce}.{i}" if nonce else None, **extra)
                message_id = message_id or str(msg.id)
        except (discord.Forbidden, discord.NotFound):
            raise
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:
                return Outcome("retry", retry_after=5.0, error=str(exc.status))
            return Outcome("failed", error=f"{exc.status} {exc.code}")
        except (aiohttp.ClientError, OSError, TimeoutError):
            return Outcome("retry", retry_after=2.0, error="network")
        return Outcome("sent", message_id=message_id)


# -- wiring: senders for running adapters, and a worker of their own --------------------


def sender_for(name: str, adapter: object, sessions: sessionmaker) -> Sender:
    """A sender that uses a running adapter's client (the adapters keep it private; it
    exists only between start and stop, and the sender answers "retry" meanwhile)."""
    if name == "telegram":
        return TelegramSender(lambda: adapter._app.bot if adapter._app else None,  # type: ignore[attr-defined]
                              sessions)
    if name == "discord":
        return DiscordSender(lambda: adapter._client, sessions)  # type: ignore[attr-defined]
    raise ValueError(f"no sender for {name}")


def _counted(senders: dict[str, Sender], metrics: Metrics | None) -> dict[str, Sender]:
    """Each sender's outcomes counted on /metrics (recovery_deliveries_total), if on."""
    if metrics is None:
        return senders
    return {name: metrics.count_sender(sender) for name, sender in senders.items()}


def budgets(sessions: sessionmaker, tokens: Mapping[str, str | None],
            limits: Mapping[str, Limits] | None = None) -> dict[str, Budget]:
    """Each platform's send budget, keyed by a hash of its bot token: on PostgreSQL
    shared by every `run` and `deliver` process with that token, so together they keep
    within the token's rate (bot/broadcasts/budget.py); in-process on SQLite."""
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    return {name: budget_for(sessions, name, token, limits.get(name, Limits()).rate)
            for name, token in tokens.items()}


def delivery_worker(sessions: sessionmaker, adapters: Mapping[str, object],
                    metrics: Metrics | None = None) -> Worker:
    """The worker `recovery-bot run` starts beside its adapters: each process delivers
    the broadcast rows and notifications of the platforms it serves, within the bot
    token's send budget shared with every other process (`budgets`)."""
    # The adapters keep their tokens private: read here only to name the shared budget.
    tokens = {name: getattr(a, "_token", None) or getattr(a, "token", None)
              for name, a in adapters.items()}
    from adapters.wiring import standard_queues

    return Worker(sessions, _counted({name: sender_for(name, a, sessions)
                                      for name, a in adapters.items()}, metrics),
                  budgets=budgets(sessions, tokens), queues=standard_queues())


async def deliver_only(settings: object, sessions: sessionmaker, platforms: list[str], *,
                       lease: float = 60.0, rate: float | None = None,
                       stop: asyncio.Event | None = None, metrics: Metrics | None = None,
                       on_stop: Callable[[], object] | None = None) -> None:
    """`recovery-bot deliver`: a worker with clients of its own, no chat (more workers
    for a big broadcast, or a worker beside webhook processes). `rate`: the bot token's
    budget, shared with every process that sends with the token (default: the
    platform's, DEFAULT_LIMITS); give every process the same. SIGTERM/SIGINT (or
    `stop`) stop it gracefully: `on_stop()` is called at once (the health endpoint
    turns not ready), then no more claims, rows in hand finished. With `metrics`, every
    send's outcome is counted."""
    import contextlib
    import signal

    senders: dict[str, Sender] = {}
    tokens: dict[str, str | None] = {}
    closers = []
    if "telegram" in platforms:
        token = getattr(settings, "telegram_bot_token", None)
        if not token:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        sender, bot = TelegramSender.standalone(
            token, getattr(settings, "telegram_api_base_url", None), sessions)
        await bot.initialize()  # type: ignore[attr-defined]
        closers.append(bot.shutdown)  # type: ignore[attr-defined]
        senders["telegram"], tokens["telegram"] = sender, token
    if "discord" in platforms:
        import discord
        from discord.http import Route

        base = getattr(settings, "discord_api_base_url", None)
        if base:
            Route.BASE = base.rstrip("/")
        client = discord.Client(intents=discord.Intents.none())
        await client.login(getattr(settings, "discord_bot_token", None) or "")
        closers.append(client.close)
        senders["discord"] = DiscordSender(lambda: client, sessions)
        tokens["discord"] = getattr(settings, "discord_bot_token", None)
    limits = {n: Limits(rate=rate, per_chat_interval=DEFAULT_LIMITS[n].per_chat_interval)
              for n in senders} if rate else None
    from adapters.wiring import standard_queues

    worker = Worker(sessions, _counted(senders, metrics), limits=limits,
                    lease=timedelta(seconds=lease), budgets=budgets(sessions, tokens, limits),
                    queues=standard_queues())

    def stopping() -> None:
        if on_stop is not None:
            on_stop()
        worker.stop()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping)
    if stop is not None:
        loop.create_task(stop.wait()).add_done_callback(lambda _t: stopping())
    try:
        await worker.run()
    finally:
        for close in closers:
            await close()
