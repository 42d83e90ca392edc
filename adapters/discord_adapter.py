"""Discord (discord.py 2.x): the whole conversation in direct messages; in servers, slash
commands answered ephemerally, so nobody else ever sees what someone asked for.

- Direct messages: every message goes to the conversation; replies come back as messages
  with buttons, a select menu for lists of choices, and place cards as embeds.
- Servers: /find (optional need and place), /help, /crisis, /privacy, /forget. Answers
  are ephemeral (only the person sees them) and carry a "Continue in DMs" button that
  copies the answer into a direct message. Ordinary server messages are not even
  received (no guild message intent) and would be ignored.
- Components survive restarts: a button's custom_id is "rc:" plus the conversation's
  short payload, and `DynamicItem` classes registered on the client match it by regex,
  so a button on a message sent before a restart still works (state is in the database).
- A reply's file (a calendar file) is an attachment on its last message.
- Every send uses `AllowedMentions.none()`; text is split under 2000 characters at line
  boundaries; reply text is markdown-escaped, so listing text cannot hide links.
- Interactions are always deferred first (Discord allows 3 seconds), then answered with
  follow-ups. discord.py handles 429s; nothing here sends in parallel bursts. A person
  whose DMs are closed (403, code 50007) is marked unreachable and not retried until they
  write again.
- Logs carry `ref.log_id`, never message text or Discord ids.
- Discord cannot share a location: a reply's request for one is left out (the same
  question always accepts a town or postcode).
- Server admins choose where broadcasts go: `/announcements set channel:#news` and
  `/announcements off`, for members with Manage Server only. Discord's
  default_permissions is only a hint (server admins can override it), so the member's
  permissions in the interaction are checked here. The setting lives in
  bot/broadcasts/store.py; adapters/senders.py posts the broadcasts.
- `send` is for people who opted in (reminders, replies to their own requests): Discord's
  anti-spam (error 40003) stops bots that DM many people who never wrote to them.

Sharding, for several processes (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS): Discord's
gateway docs ("Sharding", docs/events/gateway.mdx) route a server's events to the shard
`shard_id = (guild_id >> 22) % num_shards`, and events without a guild_id, direct
messages and buttons pressed in them included, to shard 0 only. So each process names the
total count and the shards it serves (4 shards: "0,1" in one process, "2,3" in another),
and exactly one process must serve shard 0, or nobody's DMs are answered. Any process can
answer anyone: state is in the database, and replies go over REST, not the gateway. The
process with shard 0 registers the slash commands; the others leave them as they are.
Unset, the count is what Discord recommends and this process serves every shard.

One conversation per person: DMs and server commands share it (both are private to that
person), which is what lets "Continue in DMs" carry on where the server answer left off.

The client is used by composition (no subclass): `start` does what `Client.start` does,
login then connect, with our set-up in between, which is what `setup_hook` is for.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands, ui
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from adapters.settings import Settings, check_shards
from adapters.turns import BLOCKED, FAILED, SENT, Turns
from bot.broadcasts import store
from bot.catalogue import speaking, t
from bot.conversation import NEED_BUTTONS
from bot.types import (
    Attachment,
    Button,
    ConversationRef,
    Incoming,
    PlaceCard,
    Reply,
    Responder,
)

log = logging.getLogger(__name__)

PLATFORM = "discord"
# Discord's limits (../shared/REFERENCE.md).
MAX_CHARS = 2000
MAX_ROWS = 5
MAX_PER_ROW = 5
MAX_OPTIONS = 25
MAX_LABEL = 80
MAX_OPTION_LABEL = 100
UNREACHABLE = 50007  # "Cannot send messages to this user": DMs closed, or blocked
# More choices than this in one list become a select menu instead of buttons.
SELECT_AFTER = 4

NO_MENTIONS = discord.AllowedMentions.none()

# custom_ids: "rc:" + payload for buttons (at most 3 + 64 characters, under Discord's 100),
# one select menu whose option values are payloads, and the "Continue in DMs" button.
PAYLOAD = r"[A-Za-z0-9_*.:-]{1,64}"
PAYLOAD_RE = re.compile(PAYLOAD)
BUTTON_ID = "rc:{payload}"
BUTTON_TEMPLATE = rf"rc:(?P<payload>{PAYLOAD})"
SELECT_ID = "rc-pick"
DM_ID = "rc-dm"
# Payloads that pick one item from a list (needs n0.., places c0.., report reasons r0..):
# the conversation's payload scheme (bot/conversation.py). Long lists of these become a
# select menu; other buttons stay buttons.
CHOICE_RE = re.compile(r"[ncr](?:\d{1,2}|\*)")
_DM_MARK = "\x00dm"  # stands for the "Continue in DMs" button while laying out

# Custom client events the dynamic items raise; the adapter listens for them.
PAYLOAD_EVENT = "recovery_payload"
DM_EVENT = "recovery_dm"

# Channels that can take announcements (text and announcement channels).
ANNOUNCEMENT_CHANNELS = (discord.ChannelType.text, discord.ChannelType.news)


# -- components that survive restarts ----------------------------------------------------

class PayloadButton(ui.DynamicItem[ui.Button], template=BUTTON_TEMPLATE):
    """A button carrying one of the conversation's payloads. Matched by regex, so any
    such button works whenever it is pressed, whichever process sent it."""

    def __init__(self, payload: str, label: str = "",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(ui.Button(label=(label or payload)[:MAX_LABEL], style=style,
                                   custom_id=BUTTON_ID.format(payload=payload)))
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> PayloadButton:
        return cls(match["payload"], getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        interaction.client.dispatch(PAYLOAD_EVENT, interaction, self.payload)


class PayloadSelect(ui.DynamicItem[ui.Select], template=SELECT_ID):
    """A select menu whose option values are payloads."""

    def __init__(self, options: Sequence[discord.SelectOption]) -> None:
        super().__init__(ui.Select(custom_id=SELECT_ID, placeholder=t("dc_choose"),
                                   min_values=1, max_values=1, options=list(options)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> PayloadSelect:
        return cls(getattr(item, "options", None) or [])

    async def callback(self, interaction: discord.Interaction) -> None:
        values = self.item.values
        if values and PAYLOAD_RE.fullmatch(values[0]):
            interaction.client.dispatch(PAYLOAD_EVENT, interaction, values[0])


class ContinueInDms(ui.DynamicItem[ui.Button], template=DM_ID):
    """On a server answer: copy that answer into a direct message."""

    def __init__(self) -> None:
        super().__init__(ui.Button(label=t("dc_dm_button"), style=discord.ButtonStyle.primary,
                                   custom_id=DM_ID))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item[Any],
                             match: re.Match[str], /) -> ContinueInDms:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        interaction.client.dispatch(DM_EVENT, interaction)


DYNAMIC_ITEMS = (PayloadButton, PayloadSelect, ContinueInDms)


class _AnnouncementChannel(app_commands.Transformer):
    """A channel option offering only text and announcement channels, taken as Discord
    resolved it (no cache needed)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return list(ANNOUNCEMENT_CHANNELS)

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        return value


# -- rendering (pure, testable) -------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One action row: buttons, or one select menu holding these buttons as options."""

    buttons: tuple[Button, ...]
    select: bool = False


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split at line boundaries into pieces of at most `limit` characters; a single line
    longer than that is split at spaces (or, failing that, anywhere)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            head, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if not current:
            current = line
        elif len(current) + 1 + len(line) <= limit:
            current += "\n" + line
        else:
            pieces.append(current)
            current = line
    pieces.append(current)
    return [p for p in pieces if p.strip()] or [""]


def layout(rows: Sequence[Sequence[Button]], *, dm_button: bool = False) -> list[Row]:
    """Discord rows for a reply's buttons: at most 5 rows of 5, long choice lists as a
    select menu, unusable or repeated payloads dropped, the DM button last."""
    seen: set[str] = set()
    usable: list[tuple[Button, ...]] = []
    for row in rows:
        kept = []
        for b in row:
            if not PAYLOAD_RE.fullmatch(b.payload) or b.payload in seen:
                log.warning("button left out", extra={"reason": "payload unusable or repeated"})
                continue
            seen.add(b.payload)
            kept.append(b)
        if kept:
            usable.append(tuple(kept))

    def is_choice(row: tuple[Button, ...]) -> bool:
        return all(CHOICE_RE.fullmatch(b.payload) for b in row)

    choices = [b for row in usable if is_choice(row) for b in row]
    as_select = SELECT_AFTER < len(choices) <= MAX_OPTIONS
    out: list[Row] = []
    for row in usable:
        if as_select and is_choice(row):
            if not any(r.select for r in out):
                out.append(Row(tuple(choices), select=True))
            continue
        out += [Row(row[i:i + MAX_PER_ROW]) for i in range(0, len(row), MAX_PER_ROW)]
    extra = (Button(t("dc_dm_button"), _DM_MARK),) if dm_button else ()
    if extra:
        out.append(Row(extra))
    if len(out) <= MAX_ROWS:
        return out
    # Too many rows: keep selects, pack the buttons densely, never lose the DM button.
    selects = [r for r in out if r.select][:MAX_ROWS - 1]
    buttons = [b for r in out if not r.select for b in r.buttons if b.payload != _DM_MARK]
    room = (MAX_ROWS - len(selects)) * MAX_PER_ROW - len(extra)
    if len(buttons) > room:
        log.warning("buttons left out", extra={"count": len(buttons) - room})
    packed = buttons[:room] + list(extra)
    return selects + [Row(tuple(packed[i:i + MAX_PER_ROW]))
                      for i in range(0, len(packed), MAX_PER_ROW)]


def card_embed(card: PlaceCard) -> discord.Embed:
    """A place card: the name links to the OpenStreetMap pin."""
    embed = discord.Embed(title=card.title[:256], url=card.map_url,
                          description=discord.utils.escape_markdown(card.address)[:4096]
                          or None)
    embed.add_field(name=t("dc_map"), value=f"[OpenStreetMap]({card.map_url})", inline=False)
    embed.set_footer(text="© OpenStreetMap contributors")
    return embed


def build_view(rows: Sequence[Row]) -> ui.View | None:
    """A view of dynamic items only: discord.py keeps nothing per message for it."""
    if not rows:
        return None
    view = ui.View(timeout=None)
    for index, row in enumerate(rows):
        if row.select:
            options = [discord.SelectOption(label=b.label[:MAX_OPTION_LABEL], value=b.payload)
                       for b in row.buttons]
            item: ui.Item[Any] = PayloadSelect(options)
            item.row = index
            view.add_item(item)
            continue
        for b in row.buttons:
            item = ContinueInDms() if b.payload == _DM_MARK else PayloadButton(b.payload,
                                                                               b.label)
            item.row = index
            view.add_item(item)
    return view


@dataclass
class Part:
    """One Discord message."""

    content: str
    embeds: list[discord.Embed] = field(default_factory=list)
    view: ui.View | None = None
    files: list[Attachment] = field(default_factory=list)

    def discord_files(self) -> list[discord.File]:
        """The files as discord.py sends them: new each time, since a discord.File is
        read once (a retry after a failure needs fresh ones)."""
        return [discord.File(io.BytesIO(f.data), filename=f.filename) for f in self.files]


def render(reply: Reply, *, dm_button: bool = False) -> list[Part]:
    """A reply as Discord messages: text in pieces under 2000 characters, the embed and
    the components on the last piece; our own words (a map, "Choose") in its language."""
    pieces = split_text(discord.utils.escape_markdown(reply.text))
    with speaking(reply.lang):
        embeds = [card_embed(reply.card)] if reply.card else []
        view = build_view(layout(reply.buttons, dm_button=dm_button))
    parts = [Part(p) for p in pieces[:-1]]
    files = [reply.attachment] if reply.attachment is not None else []
    parts.append(Part(pieces[-1], embeds, view, files))
    return [p for p in parts if p.content or p.embeds or p.view or p.files]


def copy_view(message: discord.Message) -> ui.View | None:
    """The components of one of our messages, rebuilt without the DM button."""
    view = ui.View(timeout=None)
    for index, action_row in enumerate(message.components):
        for child in getattr(action_row, "children", ()):
            custom_id = getattr(child, "custom_id", None)
            item: ui.Item[Any] | None = None
            if isinstance(child, discord.Button):
                m = re.fullmatch(BUTTON_TEMPLATE, custom_id or "")
                if m:
                    item = PayloadButton(m["payload"], child.label or "", child.style)
                elif child.url:
                    item = ui.Button(label=child.label, url=child.url)
            elif isinstance(child, discord.SelectMenu) and custom_id == SELECT_ID:
                item = PayloadSelect(child.options)
            if item is not None:
                item.row = index
                view.add_item(item)
    return view if view.children else None


# -- pointing discord.py at another server ---------------------------------------------------

@dataclass
class _Endpoints:
    """discord.py keeps its REST base (`Route.BASE`, also used by interaction webhooks) and
    its gateway (`DiscordWebSocket.DEFAULT_GATEWAY`) as class attributes, so pointing it at a
    proxy or a local fake is process-wide. This records what was there to put it back."""

    rest: str
    gateway: yarl.URL

    @classmethod
    def current(cls) -> _Endpoints:
        return cls(Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)

    def install(self) -> None:
        Route.BASE = self.rest
        DiscordWebSocket.DEFAULT_GATEWAY = self.gateway


Sender = Callable[[Part], Awaitable[None]]


class DiscordAdapter:
    """The Adapter protocol for Discord. `start` runs until `stop`."""

    def __init__(self, token: str, sessions: sessionmaker, *,
                 api_base_url: str | None = None, gateway_url: str | None = None,
                 sync_commands: bool = True, guild_ready_timeout: float = 2.0,
                 drain_seconds: float = 10.0, shard_count: int | None = None,
                 shard_ids: Sequence[int] | None = None) -> None:
        if not token:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        check_shards(shard_count, shard_ids)
        self.shard_count = shard_count
        self.shard_ids = list(shard_ids) if shard_ids is not None else None
        self.token = token
        self.sessions = sessions
        self.api_base_url = api_base_url.rstrip("/") if api_base_url else None
        self.gateway_url = gateway_url
        self.sync_commands = sync_commands
        self.guild_ready_timeout = guild_ready_timeout
        self.drain_seconds = drain_seconds
        self._client: discord.AutoShardedClient | None = None
        self._tree: app_commands.CommandTree | None = None
        self._saved_endpoints: _Endpoints | None = None
        self._installed: _Endpoints | None = None
        self._ready = asyncio.Event()
        # Lock, claim, journal, blocked people and the fallback: adapters/turns.py.
        self.turns = Turns(PLATFORM, sessions)
        # Set while connected and ready: /readyz (adapters/health.py) reads it.
        self.started = self._ready

    @classmethod
    def from_settings(cls, settings: Settings, sessions: sessionmaker) -> DiscordAdapter:
        """DISCORD_BOT_TOKEN; DISCORD_API_BASE_URL is a REST base including the API version,
        like discord.py's default https://discord.com/api/v10; DISCORD_GATEWAY_URL a
        ws(s):// URL; DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS for several processes."""
        return cls(settings.discord_bot_token or "", sessions,
                   api_base_url=settings.discord_api_base_url,
                   gateway_url=settings.discord_gateway_url,
                   shard_count=settings.discord_shard_count,
                   shard_ids=settings.discord_shard_ids)

    # -- the Adapter protocol -----------------------------------------------------------------

    async def start(self, responder: Responder) -> None:
        """Log in, sync slash commands, connect, and serve until `stop`. Raises
        RuntimeError when Discord cannot be reached or refuses the token."""
        if self._client is not None:
            raise RuntimeError("The Discord adapter is already running.")
        self.turns.open(responder)
        self._ready.clear()
        client = self._client = self._make_client()
        self._point_at_endpoints()
        try:
            try:
                await client.login(self.token)
                await self._prepare(client)
            except discord.LoginFailure as exc:
                raise RuntimeError("Discord did not accept the bot token "
                                   "(DISCORD_BOT_TOKEN).") from exc
            except discord.HTTPException as exc:
                raise RuntimeError(f"Discord refused the set-up: {exc}") from exc
            except (aiohttp.ClientError, OSError) as exc:
                raise RuntimeError(f"could not reach Discord at {Route.BASE}") from exc
            try:
                await client.connect()
            except discord.DiscordException as exc:
                raise RuntimeError(f"the Discord gateway closed: {exc}") from exc
        finally:
            if not client.is_closed():
                await client.close()
            if self._client is client:
                self._client = None
                self._release_endpoints()
            self._ready.clear()
            await self.turns.close()

    async def stop(self) -> None:
        """Let turns in progress finish (up to `drain_seconds`), then disconnect."""
        client, self._client = self._client, None
        if client is not None:
            await self.turns.idle(self.drain_seconds)
            await client.close()
        self._ready.clear()
        self._release_endpoints()

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        """Send to a person's DMs (broadcasts, reminders). Skipped for someone known to be
        unreachable; a 403/50007 marks them so."""
        client = self._client
        if client is None:
            raise RuntimeError("not started")
        if ref.key in self.turns.blocked:
            log.info("not sent: unreachable", extra={"conv": ref.log_id})
            return
        try:
            channel = await client.create_dm(discord.Object(int(ref.user_id)))
        except discord.Forbidden as exc:
            await self._unreachable(ref, exc)
            return
        await self.turns.send(ref, _Outlet(ref, _channel_sender(channel)), [reply])

    async def wait_until_ready(self, timeout: float = 30) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    # -- set-up -----------------------------------------------------------------------------

    def _make_client(self) -> discord.AutoShardedClient:
        intents = discord.Intents.none()
        intents.guilds = True  # slash commands and ephemeral answers in servers
        intents.dm_messages = True  # DMs carry their text without the message content intent
        # shard_count None: discord.py asks Discord for it; shard_ids None: every shard.
        client = discord.AutoShardedClient(
            intents=intents, allowed_mentions=NO_MENTIONS, max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(), chunk_guilds_at_startup=False,
            guild_ready_timeout=self.guild_ready_timeout, shard_count=self.shard_count,
            shard_ids=self.shard_ids)
        tree = self._tree = app_commands.CommandTree(client)
        for command in self._commands():
            tree.add_command(command)
        client.add_dynamic_items(*DYNAMIC_ITEMS)
        for listener in (self.on_ready, self.on_message, self.on_recovery_payload,
                         self.on_recovery_dm):
            client.event(listener)
        return client

    def _point_at_endpoints(self) -> None:
        if not (self.api_base_url or self.gateway_url):
            return
        self._saved_endpoints = _Endpoints.current()
        if self.api_base_url:
            Route.BASE = self.api_base_url
        if self.gateway_url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        self._installed = _Endpoints.current()

    def _release_endpoints(self) -> None:
        """Put discord.py's endpoints back, unless someone else has changed them since."""
        if self._saved_endpoints is not None and self._installed == _Endpoints.current():
            self._saved_endpoints.install()
        self._saved_endpoints = self._installed = None

    @property
    def serves_dms(self) -> bool:
        """Whether this process serves shard 0, the only one Discord sends DMs to."""
        return self.shard_ids is None or 0 in self.shard_ids

    async def _prepare(self, client: discord.AutoShardedClient) -> None:
        """What `setup_hook` would do: runs after login, before the gateway connects."""
        if self.api_base_url or self.gateway_url:
            # Fresh connections (and reconnects) go to DEFAULT_GATEWAY once the shard count
            # is known, so a custom REST base's own gateway, or DISCORD_GATEWAY_URL, is used
            # every time, never the real Discord's. A configured count is kept.
            shards, url, _ = await client.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url or url)
            client.shard_count = self.shard_count or shards
            self._installed = _Endpoints.current()
        if self.shard_count is not None:
            shard_ids = self.shard_ids or list(range(self.shard_count))
            log.info("discord shards %s of %d", ",".join(map(str, shard_ids)),
                     self.shard_count)
        if not self.serves_dms:
            log.info("this process does not serve shard 0: direct messages (and buttons "
                     "in them) reach only the process that does")
        # One process registers the commands, not every one at every start.
        if self.sync_commands and self.serves_dms and self._tree is not None:
            synced = await self._tree.sync()
            log.info("slash commands synced", extra={"count": len(synced)})

    def _commands(self) -> list[app_commands.Command[Any, Any, Any] | app_commands.Group]:
        needs = [app_commands.Choice(name=t(f"b_{code}"), value=code) for code in NEED_BUTTONS]

        @app_commands.command(name="find", description=t("dc_cmd_find"))
        @app_commands.describe(need=t("dc_opt_need"), place=t("dc_opt_place"))
        @app_commands.choices(need=needs)
        async def find(interaction: discord.Interaction, need: str | None = None,
                       place: app_commands.Range[str, 1, 100] | None = None) -> None:
            words = " ".join(w for w in ((need or "").replace("_", " "),
                                         (place or "").strip()) if w)
            # "/start words" starts afresh and acts on the words, as a deep link does.
            await self._command(interaction, f"/start {words}".strip())

        def simple(name: str) -> app_commands.Command[Any, Any, Any]:
            async def callback(interaction: discord.Interaction) -> None:
                await self._command(interaction, f"/{name}")

            return app_commands.Command(name=name, description=t(f"dc_cmd_{name}"),
                                        callback=callback)

        announcements = app_commands.Group(
            name="announcements", description=t("dc_cmd_announcements"), guild_only=True,
            default_permissions=discord.Permissions(manage_guild=True))

        @announcements.command(name="set", description=t("dc_cmd_ann_set"))
        @app_commands.describe(channel=t("dc_opt_channel"))
        async def set_channel(
                interaction: discord.Interaction,
                channel: app_commands.Transform[app_commands.AppCommandChannel,
                                                _AnnouncementChannel]) -> None:
            await self._announcements(interaction, channel)

        @announcements.command(name="off", description=t("dc_cmd_ann_off"))
        async def off(interaction: discord.Interaction) -> None:
            await self._announcements(interaction, None)

        return [find, *(simple(n) for n in ("help", "crisis", "privacy", "forget")),
                announcements]

    # -- events -----------------------------------------------------------------------------

    async def on_ready(self) -> None:
        self._ready.set()
        log.info("discord ready")

    async def on_message(self, message: discord.Message) -> None:
        client = self._client
        if message.guild is not None or message.author.bot or client is None or \
                (client.user is not None and message.author.id == client.user.id):
            return  # never read or answer what people say in a server
        ref = self._ref(message.author)
        log.info("direct message", extra={"conv": ref.log_id})
        # Claimed by the message's id: a gateway replay, or a second process, does not
        # answer twice.
        await self.turns.run(Incoming(ref, text=message.content),
                             _Outlet(ref, _channel_sender(message.channel)),
                             update_id=f"m{message.id}")

    async def on_recovery_payload(self, interaction: discord.Interaction, payload: str) -> None:
        """A button or a select choice, on any of our messages, from any time."""
        if not await _defer(interaction):
            return
        ref = self._ref(interaction.user)
        in_server = interaction.guild_id is not None
        log.info("component", extra={"conv": ref.log_id, "server": in_server})
        await self.turns.run(Incoming(ref, payload=payload),
                             _Outlet(ref, _followup_sender(interaction, in_server), in_server))

    async def _command(self, interaction: discord.Interaction, text: str) -> None:
        in_server = interaction.guild_id is not None
        if not await _defer(interaction, ephemeral=in_server, thinking=True):
            return
        ref = self._ref(interaction.user)
        log.info("slash command", extra={"conv": ref.log_id, "server": in_server})
        await self.turns.run(Incoming(ref, text=text),
                             _Outlet(ref, _followup_sender(interaction, in_server), in_server))

    async def on_recovery_dm(self, interaction: discord.Interaction) -> None:
        """"Continue in DMs": copy the server answer it sits on into a direct message."""
        if not await _defer(interaction):
            return
        ref = self._ref(interaction.user)
        followup = _followup_sender(interaction, True)
        try:
            dm = await interaction.user.create_dm()
            message = interaction.message
            view = copy_view(message) if message is not None else None
            if message is not None and (message.content or message.embeds or view):
                async with self.turns.locks.hold(ref.key):
                    await dm.send(content=message.content or None, embeds=message.embeds,
                                  view=view or discord.utils.MISSING,
                                  allowed_mentions=NO_MENTIONS)
            else:
                await self.turns.run(Incoming(ref, text="/start"),
                                     _Outlet(ref, _channel_sender(dm)))
                if ref.key in self.turns.blocked:
                    raise _Unreachable
        except (discord.Forbidden, _Unreachable) as exc:
            if isinstance(exc, discord.Forbidden):
                await self._unreachable(ref, exc)
            await followup(Part(t("dc_dm_closed")))
            return
        except discord.HTTPException:
            log.exception("could not open DMs", extra={"conv": ref.log_id})
            return
        link = ui.View(timeout=None)
        link.add_item(ui.Button(label=t("dc_dm_open"), url=dm.jump_url))
        await followup(Part(t("dc_dm_sent"), view=link))

    async def _announcements(self, interaction: discord.Interaction,
                             channel: app_commands.AppCommandChannel | None) -> None:
        """/announcements set|off: only for members who may manage the server, checked
        here from the permissions Discord sent with the interaction."""
        if not await _defer(interaction, ephemeral=True, thinking=True):
            return
        reply = _followup_sender(interaction, True)
        perms = interaction.permissions
        guild_id = interaction.guild_id
        if guild_id is None or not (perms.manage_guild or perms.administrator):
            log.info("announcements: refused", extra={"server": guild_id is not None})
            await reply(Part(t("dc_ann_refused")))
            return
        if channel is not None and (channel.type not in ANNOUNCEMENT_CHANNELS
                                    or channel.guild_id != guild_id):
            await reply(Part(t("dc_ann_wrong_channel")))
            return

        def save() -> bool:
            with self.sessions() as session:
                if channel is None:
                    changed = store.clear_announcement_channel(session, str(guild_id))
                else:
                    store.set_announcement_channel(
                        session, str(guild_id), str(channel.id), datetime.now(UTC))
                    changed = True
                session.commit()
                return changed

        try:
            changed = await asyncio.to_thread(save)
        except SQLAlchemyError:
            log.exception("announcements: could not save")
            await reply(Part(t("dc_ann_failed")))
            return
        log.info("announcements: %s", "set" if channel else "off")
        if channel is not None:
            await reply(Part(t("dc_ann_set").format(channel=channel.mention)))
        else:
            await reply(Part(t("dc_ann_off") if changed else t("dc_ann_was_off")))

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _ref(user: discord.abc.User) -> ConversationRef:
        return ConversationRef(PLATFORM, str(user.id), str(user.id))

    async def _unreachable(self, ref: ConversationRef, exc: discord.Forbidden) -> None:
        if exc.code == UNREACHABLE:
            await self.turns.unreachable(ref)
        else:
            log.warning("forbidden", extra={"conv": ref.log_id, "code": exc.code})


@dataclass
class _Outlet:
    """Where a turn's replies go on Discord: a DM channel or an interaction's follow-ups
    (an adapters/turns.py Outlet). `dm_button`: a server answer, whose last message
    offers "Continue in DMs"."""

    ref: ConversationRef
    sender: Sender
    dm_button: bool = False

    def render(self, replies: Sequence[Reply]) -> list[tuple[Part, Reply]]:
        last = len(replies) - 1
        return [(part, reply) for i, reply in enumerate(replies)
                for part in render(reply, dm_button=self.dm_button and i == last)]

    async def send(self, message: tuple[Part, Reply], index: int) -> str:
        part, reply = message
        try:
            await self.sender(part)
        except discord.Forbidden as exc:
            if exc.code == UNREACHABLE:
                return BLOCKED
            log.warning("forbidden", extra={"conv": self.ref.log_id, "code": exc.code})
            return FAILED
        except discord.HTTPException as exc:
            if exc.status != 400 or not (part.view or part.embeds):
                log.exception("send failed", extra={"conv": self.ref.log_id})
                return FAILED
            # Any reply degrades to plain text: Discord refused the components.
            log.warning("components refused, sent as text",
                        extra={"conv": self.ref.log_id, "code": exc.code})
            text = part.content
            if reply.card:
                text = f"{text}\n{reply.card.map_url}".strip()
            for piece in split_text(text):
                await self.sender(Part(piece))
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError):
            log.exception("send failed", extra={"conv": self.ref.log_id})
            return FAILED
        return SENT


class _Unreachable(Exception):
    pass


async def _defer(interaction: discord.Interaction, *, ephemeral: bool = False,
                 thinking: bool = False) -> bool:
    """Acknowledge at once (Discord allows 3 seconds); answers follow as follow-ups."""
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
    except discord.HTTPException:
        log.warning("interaction expired or already answered")
        return False
    return True


def _channel_sender(channel: discord.abc.Messageable) -> Sender:
    async def send(part: Part) -> None:
        await channel.send(content=part.content or None, embeds=part.embeds,
                           view=part.view or discord.utils.MISSING,
                           files=part.discord_files() or discord.utils.MISSING,
                           allowed_mentions=NO_MENTIONS)
    return send


def _followup_sender(interaction: discord.Interaction, ephemeral: bool) -> Sender:
    async def send(part: Part) -> None:
        # wait=True: the message id keys any view state, so none is shared between messages.
        await interaction.followup.send(content=part.content or discord.utils.MISSING,
                                        embeds=part.embeds, ephemeral=ephemeral,
                                        view=part.view or discord.utils.MISSING,
                                        files=part.discord_files() or discord.utils.MISSING,
                                        allowed_mentions=NO_MENTIONS, wait=True)
    return send
