"""A local fake Discord for tests: the REST API and the gateway websocket on 127.0.0.1.

The unmodified discord.py client talks to it as it would to Discord: it logs in
(`GET /users/@me`, `GET /oauth2/applications/@me`), syncs slash commands
(`PUT /applications/{id}/commands`), asks where the gateway is (`GET /gateway/bot`),
connects to the websocket (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, zlib-stream
compression when the URL asks for it) and then answers the events the test dispatches:
MESSAGE_CREATE for direct messages and INTERACTION_CREATE for buttons, selects and slash
commands.

Everything the bot sends is recorded as a `Sent` (content, components, embeds, flags,
allowed_mentions, and uploaded files: a multipart request's `payload_json` and
`files[n]`, as discord.py sends attachments), and checked the way Discord checks it
(2000 characters, 5 rows of 5 buttons, 25 options, custom_id up to 100 characters and
unique, 10 files of 10 MiB): a message Discord would refuse is refused here too, with
the same 400 error, and listed in `rejected`. A user's
direct messages can be closed (`close_dms`), so sending to them answers 403 with code
50007, as Discord does. Server channels can be added (`add_channel`, for announcements)
and made to refuse the bot (`refuse_channel`: 403 50013 / 50001, or 404 when deleted);
members get permissions with `grant` (none by default), sent with their interactions as
Discord sends them (the member's permissions in the channel).

Sharding as Discord does it (developer docs, "Sharding" in docs/events/gateway.mdx): each
connection identifies with `shard` [shard_id, num_shards]; an event with a guild_id goes
to the connections whose shard_id is (guild_id >> 22) % num_shards, and one without (a
direct message, a button pressed in one) to shard 0 only. More servers can be added on a
chosen shard (`add_guild`); READY and GUILD_CREATE on a connection list only its servers.
Several connections may identify as the same shard (Discord allows that): each gets the
events. An event no connection is there for is lost, as on Discord, and listed in
`undelivered`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
EPHEMERAL = 64
LOADING = 128

# Gateway opcodes (Discord developer docs, "Opcodes and Status Codes").
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 10, 11


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class User:
    id: str
    username: str

    def payload(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "discriminator": "0",
                "global_name": self.username, "avatar": None, "bot": False,
                "public_flags": 0}


@dataclass
class Sent:
    """One thing the bot sent: a message, an edit, or an interaction callback."""

    kind: str  # "message", "edit", "callback", "followup", "edit_original"
    body: dict[str, Any]
    channel_id: str | None = None
    message_id: str | None = None
    interaction_id: str | None = None
    guild_id: str | None = None
    ephemeral: bool = False

    @property
    def content(self) -> str:
        return self.body.get("content") or ""

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.body.get("components") or []

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.body.get("embeds") or []

    @property
    def flags(self) -> int:
        return int(self.body.get("flags") or 0)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.body.get("allowed_mentions")

    @property
    def files(self) -> list[Upload]:
        """The files uploaded with it (attachments)."""
        return self.body.get(UPLOADS) or []

    @property
    def is_message(self) -> bool:
        """A message the person sees (not a callback, not a refused send)."""
        return self.kind in ("message", "followup", "edit", "edit_original")

    def items(self) -> list[dict[str, Any]]:
        """Every component inside the action rows."""
        return [c for row in self.components for c in row.get("components", [])]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.items() if "custom_id" in c]

    def buttons(self) -> dict[str, str]:
        """Button label -> custom_id (link buttons: label -> url)."""
        return {c.get("label", ""): c.get("custom_id") or c.get("url", "")
                for c in self.items() if c.get("type") == 2}

    def select(self) -> dict[str, Any] | None:
        return next((c for c in self.items() if c.get("type") == 3), None)


@dataclass(frozen=True)
class Upload:
    """A file the bot attached, as the multipart request carried it."""

    filename: str
    content_type: str
    data: bytes


UPLOADS = "_uploads"  # where a request's files are kept in its recorded body


@dataclass
class _Interaction:
    id: str
    token: str
    channel_id: str
    guild_id: str | None
    message_id: str | None  # the message a component sits on
    response_type: int | None = None
    ephemeral: bool = False
    original_id: str | None = None  # the deferred "thinking" message
    original_filled: bool = False


def shard_of(guild_id: str, num_shards: int) -> int:
    """Discord's sharding formula: the shard that gets a server's events."""
    return (int(guild_id) >> 22) % num_shards


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    compressor: Any | None  # zlib.compressobj for zlib-stream, else text frames
    seq: int = 0
    identified: bool = False
    shard: tuple[int, int] = (0, 1)  # [shard_id, num_shards] from IDENTIFY

    def receives(self, guild_id: str | None) -> bool:
        """Whether Discord sends this connection an event of that server (None: no
        server, as for direct messages, which go to shard 0 only)."""
        shard_id, num_shards = self.shard
        if guild_id is None:
            return shard_id == 0
        return shard_of(guild_id, num_shards) == shard_id

    async def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload)
        if self.compressor is None:
            await self.ws.send_str(data)
            return
        # zlib-stream: one shared zlib context per connection, every message ends with
        # a Z_SYNC_FLUSH (00 00 ff ff), which is how discord.py knows a message ended.
        raw = self.compressor.compress(data.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        await self.ws.send_bytes(raw)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await self.send({"op": DISPATCH, "t": event, "s": self.seq, "d": data})


class DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class _Limits:
    content: int = 2000
    rows: int = 5
    per_row: int = 5
    options: int = 25
    custom_id: int = 100
    label: int = 80
    embeds: int = 10
    files: int = 10
    file_bytes: int = 10 << 20  # what interactions say: attachment_size_limit


class FakeDiscord:
    """Start with `await fake.start()`; point discord.py at `api_base`."""

    def __init__(self, *, with_guild: bool = True, token: str = "fake-token") -> None:
        self.token = token
        self.with_guild = with_guild
        self._ids = itertools.count(1_200_000_000_000_000_001)
        self.app_id = self.new_id()
        self.bot = {"id": self.app_id, "username": "RecoveryConnector", "discriminator": "0",
                    "global_name": None, "avatar": None, "bot": True, "flags": 0,
                    "verified": True, "mfa_enabled": False}
        self.owner = User(self.new_id(), "owner")
        self.guild_id = self.new_id()
        self.guild_channel_id = self.new_id()
        self._guild_names = {self.guild_id: "Recovery Café"}
        self._general = {self.guild_id: self.guild_channel_id}  # guild -> its text channel
        self._extra_guilds: list[str] = []  # added with add_guild
        self.undelivered: list[tuple[str, str | None]] = []  # (event, guild_id) nobody got
        self.limits = _Limits()
        self.sent: list[Sent] = []
        self.rejected: list[tuple[str, dict[str, Any], str]] = []  # (path, body, why)
        self.requests: list[tuple[str, str]] = []  # (method, path) of every REST call
        self.unhandled: list[tuple[str, str]] = []
        self.commands: list[dict[str, Any]] = []  # the last command sync
        self.identifies = 0
        self.advertised_gateway: str | None = None  # what GET /gateway/bot says, if not us
        self.compressions: list[str | None] = []  # the gateway URL's compress=, per connection
        self.messages: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}  # DM channels by id
        self._dm_by_user: dict[str, str] = {}
        self._closed_dms: set[str] = set()
        self.guild_channels: dict[str, dict[str, Any]] = {}  # added server channels by id
        self._refused_channels: dict[str, tuple[int, int, str]] = {}
        self._permissions: dict[str, int] = {}  # user id -> permission bits
        self._interactions: dict[str, _Interaction] = {}
        self._connections: list[_Connection] = []
        self._ready = asyncio.Event()
        self._last_activity = 0.0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        for conn in list(self._connections):
            await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_identified(self, timeout: float = 10) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    def disconnected(self) -> None:
        self._ready.clear()

    # -- what the test does as a person ------------------------------------------------

    def user(self, name: str = "alex") -> User:
        return User(self.new_id(), name)

    def dm_channel(self, user: User) -> str:
        cid = self._dm_by_user.get(user.id)
        if cid is None:
            cid = self._dm_by_user[user.id] = self.new_id()
            self.channels[cid] = {"id": cid, "type": 1, "recipients": [user.payload()],
                                  "last_message_id": None, "user": user.id}
        return cid

    def close_dms(self, user: User) -> None:
        """The person does not accept direct messages: sends answer 403, code 50007."""
        self._closed_dms.add(user.id)

    def open_dms(self, user: User) -> None:
        self._closed_dms.discard(user.id)

    def grant(self, user: User, permissions: int) -> None:
        """The member's permissions in the server (bits, e.g. 1 << 5 Manage Server)."""
        self._permissions[user.id] = permissions

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> str:
        """Another server the bot is in, with a #general channel; `shard` (shard_id,
        num_shards) picks an id whose events Discord sends to that shard."""
        guild_id = int(self.new_id())
        if shard is not None:
            shard_id, num_shards = shard
            high = guild_id >> 22
            high += (shard_id - high) % num_shards
            guild_id = (high << 22) | (guild_id & ((1 << 22) - 1))
        gid = str(guild_id)
        self._guild_names[gid] = name
        self._extra_guilds.append(gid)
        self._general[gid] = self.add_channel("general", guild_id=gid)
        return gid

    def general_channel(self, guild_id: str) -> str:
        return self._general[guild_id]

    def connected_shards(self) -> list[tuple[int, int]]:
        """The [shard_id, num_shards] of every connection that has identified."""
        return sorted(c.shard for c in self._connections if c.identified)

    def add_channel(self, name: str, *, guild_id: str | None = None, kind: int = 0) -> str:
        """A server channel (text: 0, announcement: 5, voice: 2) the bot can post in."""
        cid = self.new_id()
        self.guild_channels[cid] = {"id": cid, "type": kind, "name": name,
                                    "guild_id": guild_id or self.guild_id, "position": 0,
                                    "permission_overwrites": [], "nsfw": False,
                                    "parent_id": None}
        return cid

    def refuse_channel(self, channel_id: str, status: int = 403, code: int = 50013) -> None:
        """Posting there now fails: 403 50013 (Missing Permissions), 403 50001 (Missing
        Access) or 404 10003 (the channel was deleted)."""
        why = {50013: "Missing Permissions", 50001: "Missing Access",
               10003: "Unknown Channel"}.get(code, "Refused")
        self._refused_channels[channel_id] = (status, code, why)

    def channel_messages(self, channel_id: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == "message" and s.channel_id == channel_id]

    async def send_dm(self, user: User, text: str) -> dict[str, Any]:
        """The person writes to the bot in a direct message."""
        cid = self.dm_channel(user)
        message = self._message(cid, user.payload(), {"content": text})
        await self._dispatch("MESSAGE_CREATE", message)
        return message

    async def send_guild_message(self, user: User, text: str, *, guild: str | None = None
                                 ) -> dict[str, Any]:
        guild = guild or self.guild_id
        message = self._message(self._general[guild], user.payload(), {"content": text},
                                guild_id=guild)
        message["member"] = self._member(user)
        await self._dispatch("MESSAGE_CREATE", message)
        return message

    async def press(self, user: User, sent: Sent, custom_id: str) -> str:
        """Press the button `custom_id` on a message the bot sent; returns the id."""
        assert custom_id in sent.custom_ids(), (custom_id, sent.custom_ids())
        return await self._component(user, sent, {"custom_id": custom_id,
                                                  "component_type": 2})

    async def choose(self, user: User, sent: Sent, value: str) -> str:
        """Pick `value` in the select menu on a message the bot sent."""
        select = sent.select()
        assert select is not None, "no select menu on that message"
        assert value in [o["value"] for o in select["options"]], value
        return await self._component(user, sent, {"custom_id": select["custom_id"],
                                                  "component_type": 3, "values": [value]})

    async def slash(self, user: User, name: str, *, in_guild: bool = True,
                    guild: str | None = None, subcommand: str | None = None,
                    **options: str) -> str:
        """Use the slash command `/name` (`/name subcommand`) in the server (`guild`, or
        the first one), or in the bot's DMs. Options are typed as the command was synced;
        a channel option's value is a channel id, sent with its resolved channel as
        Discord does."""
        command = next((c for c in self.commands if c["name"] == name), None)
        assert command is not None, f"/{name} was never synced"
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1}
        declared = command.get("options") or []
        if subcommand is not None:
            sub = next((o for o in declared if o["name"] == subcommand and o["type"] == 1),
                       None)
            assert sub is not None, f"/{name} {subcommand} was never synced"
            declared = sub.get("options") or []
        types = {o["name"]: o["type"] for o in declared}
        given = [{"name": k, "type": types.get(k, 3), "value": v} for k, v in options.items()]
        channels = {v: self.guild_channels[v] for k, v in options.items() if types.get(k) == 7}
        if channels:
            data["resolved"] = {"channels": {
                cid: {**{k: c[k] for k in ("id", "type", "name", "parent_id", "nsfw")},
                      "permissions": str(self._permissions.get(user.id, 0))}
                for cid, c in channels.items()}}
        if subcommand is not None:
            data["options"] = [{"name": subcommand, "type": 1, "options": given}]
        elif given:
            data["options"] = given
        guild_id = (guild or self.guild_id) if in_guild else None
        channel = self._general[guild_id] if guild_id else self.dm_channel(user)
        return await self._interact(user, 2, data, channel, guild_id, None)

    async def settle(self, since: int, *, min_new: int = 1, quiet: float = 0.3,
                     timeout: float = 15) -> list[Sent]:
        """What the bot sent after `since` (an index into `sent`), once it has sent at
        least `min_new` things and then been quiet for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            if len(self.sent) - since >= min_new and now - self._last_activity >= quiet:
                return self.sent[since:]
            if now > deadline:
                raise TimeoutError(f"the bot sent {len(self.sent) - since} things, "
                                   f"wanted {min_new}: {self.sent[since:]}")
            await asyncio.sleep(0.02)

    def messages_since(self, since: int) -> list[Sent]:
        return [s for s in self.sent[since:] if s.is_message]

    # -- gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.compressions.append(request.query.get("compress"))
        # discord.py asks for zlib-stream (zstd-stream when zstandard is installed); it also
        # reads plain text frames, which is what any other request gets here.
        compressed = request.query.get("compress") == "zlib-stream"
        conn = _Connection(ws, zlib.compressobj() if compressed else None)
        self._connections.append(conn)
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": 41_250}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == HEARTBEAT:
                    await conn.send({"op": HEARTBEAT_ACK})
                elif op == IDENTIFY:
                    if payload["d"].get("token") != self.token:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    await self._identify(conn, payload["d"])
                elif op == RESUME:
                    await conn.dispatch("RESUMED", {})
        finally:
            self._connections.remove(conn)
            if not any(c.identified for c in self._connections):
                self._ready.clear()
        return ws

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        self.identifies += 1
        shard = data.get("shard") or [0, 1]
        conn.shard = (int(shard[0]), int(shard[1]))
        ours = [g for g in ([self.guild_id] if self.with_guild else []) + self._extra_guilds
                if conn.receives(g)]
        await conn.dispatch("READY", {
            "v": 10, "user": self.bot, "guilds": [{"id": g, "unavailable": True} for g in ours],
            "session_id": f"s{self.identifies}",
            "resume_gateway_url": self.gateway_url, "shard": shard,
            "application": {"id": self.app_id, "flags": 0}, "private_channels": [],
            "relationships": [], "user_settings": {},
        })
        for guild_id in ours:
            await conn.dispatch("GUILD_CREATE", self._guild(guild_id))
        conn.identified = True
        self._ready.set()

    async def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.wait_identified()
        live = [c for c in self._connections if c.identified and not c.ws.closed]
        assert live, "the bot is not connected"
        self._last_activity = asyncio.get_running_loop().time()
        guild_id = data.get("guild_id")
        targets = [c for c in live if c.receives(guild_id)]
        if not targets:
            self.undelivered.append((event, guild_id))
        for conn in targets:
            await conn.dispatch(event, data)

    def _guild(self, guild_id: str) -> dict[str, Any]:
        return {
            "id": guild_id, "name": self._guild_names[guild_id], "icon": None,
            "owner_id": self.owner.id, "unavailable": False, "large": False,
            "member_count": 3, "joined_at": _now(), "features": [], "emojis": [],
            "stickers": [], "roles": [{"id": guild_id, "name": "@everyone",
                                       "permissions": "0", "position": 0, "color": 0,
                                       "hoist": False, "managed": False,
                                       "mentionable": False}],
            "channels": [{"id": self._general[guild_id], "type": 0, "name": "general",
                          "position": 0, "permission_overwrites": [], "nsfw": False}],
            "members": [], "threads": [], "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "premium_tier": 0, "preferred_locale": "en-GB", "system_channel_flags": 0,
            "verification_level": 0, "explicit_content_filter": 0,
            "default_message_notifications": 0, "mfa_level": 0, "nsfw_level": 0,
            "afk_timeout": 300,
        }

    def _member(self, user: User) -> dict[str, Any]:
        return {"user": user.payload(), "roles": [], "joined_at": _now(), "deaf": False,
                "mute": False, "flags": 0, "pending": False,
                "permissions": str(self._permissions.get(user.id, 0))}

    async def _component(self, user: User, sent: Sent, data: dict[str, Any]) -> str:
        assert sent.message_id is not None, "that was not a message"
        message = self.messages[sent.message_id]
        return await self._interact(user, 3, data, message["channel_id"],
                                    message.get("guild_id"), message)

    async def _interact(self, user: User, kind: int, data: dict[str, Any], channel_id: str,
                        guild_id: str | None, message: dict[str, Any] | None) -> str:
        iid, token = self.new_id(), f"tok{self.new_id()}"
        payload: dict[str, Any] = {
            "id": iid, "application_id": self.app_id, "type": kind, "token": token,
            "version": 1, "data": data, "channel_id": channel_id, "locale": "en-GB",
            "app_permissions": "0", "entitlements": [], "attachment_size_limit": 10 << 20,
        }
        if guild_id is not None:
            payload.update(guild_id=guild_id, guild_locale="en-GB",
                           member=self._member(user), context=0,
                           channel={"id": channel_id, "type": 0, "name": "general",
                                    "guild_id": guild_id, "position": 0,
                                    "permission_overwrites": [], "nsfw": False},
                           authorizing_integration_owners={"0": guild_id})
        else:
            payload.update(user=user.payload(), context=1,
                           channel={"id": channel_id, "type": 1,
                                    "recipients": [user.payload()]},
                           authorizing_integration_owners={"1": user.id})
        if message is not None:
            payload["message"] = message
        self._interactions[token] = _Interaction(iid, token, channel_id, guild_id,
                                                 message["id"] if message else None)
        await self._dispatch("INTERACTION_CREATE", payload)
        return iid

    # -- REST ---------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self._last_activity = asyncio.get_running_loop().time()
        try:
            return await handler(request)
        finally:
            self._last_activity = asyncio.get_running_loop().time()

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        self.requests.append((request.method, path))
        body: Any = None
        if request.can_read_body and request.content_type.startswith("multipart/"):
            # discord.py sends files as multipart: the JSON in "payload_json", the files
            # in "files[0]", "files[1]"... (Discord developer docs, "Uploading Files").
            form = await request.post()
            body = json.loads(str(form.get("payload_json") or "{}"))
            body[UPLOADS] = [Upload(v.filename, v.content_type, v.file.read())
                             for k, v in form.items() if isinstance(v, web.FileField)]
        elif request.can_read_body:
            body = await request.json()
        webhook = path.startswith(("/webhooks/", "/interactions/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        for method, pattern, handler in self._routes():
            m = re.fullmatch(pattern, path)
            if m and method == request.method:
                try:
                    result = handler(request, body, *m.groups())
                except DiscordError as exc:
                    if exc.status == 400:
                        self.rejected.append((path, body, exc.message))
                    return _error(exc.status, exc.code, exc.message)
                if result is None:
                    return web.Response(status=204)
                return _json(200, result)
        self.unhandled.append((request.method, path))
        return _error(404, 0, f"404: Not Found ({request.method} {path})")

    def _routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("GET", r"/users/@me", lambda r, b: self.bot),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", lambda r, b: {
                "url": self.advertised_gateway or self.gateway_url, "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999,
                                        "reset_after": 0, "max_concurrency": 1}}),
            ("GET", r"/gateway", lambda r, b: {"url": self.gateway_url}),
            ("PUT", r"/applications/(\d+)/commands", self._sync_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands",
             lambda r, b, app, guild: self._sync_commands(r, b, app)),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("POST", r"/channels/(\d+)/typing", lambda r, b, c: None),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
             self._edit_webhook_message),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
             lambda r, b, app, tok, mid: self.messages[self._resolve(tok, mid)]),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
             lambda r, b, app, tok, mid: None),
        ]

    def _application(self, request: web.Request, body: Any) -> dict[str, Any]:
        return {"id": self.app_id, "name": "Recovery Connector", "icon": None,
                "description": "", "summary": "", "rpc_origins": [], "bot_public": True,
                "bot_require_code_grant": False, "owner": self.owner.payload(),
                "team": None, "verify_key": "0" * 64, "flags": 0,
                "interactions_endpoint_url": None, "bot": self.bot}

    def _sync_commands(self, request: web.Request, body: Any, app: str) -> list[dict]:
        if app != self.app_id:
            raise DiscordError(403, 50001, "Missing Access")
        synced = []
        for command in body:
            _check_command(command)
            synced.append({"id": self.new_id(), "application_id": self.app_id,
                           "version": self.new_id(), "type": 1, "description": "",
                           "options": [], "default_member_permissions": None,
                           "dm_permission": True, "nsfw": False, **command})
        self.commands = synced
        return synced

    def _open_dm(self, request: web.Request, body: Any) -> dict[str, Any]:
        recipient = str(body["recipient_id"])
        cid = self._dm_by_user.get(recipient)
        if cid is None:
            cid = self.dm_channel(User(recipient, "someone"))
        channel = dict(self.channels[cid])
        channel.pop("user", None)
        return channel

    def _create_message(self, request: web.Request, body: Any, channel_id: str
                        ) -> dict[str, Any]:
        channel = self.channels.get(channel_id)
        guild_id = None
        if channel_id in self._refused_channels:
            status, code, why = self._refused_channels[channel_id]
            self.sent.append(Sent("refused", body, channel_id))
            raise DiscordError(status, code, why)
        if channel is None:
            if channel_id in self.guild_channels:
                guild_id = self.guild_channels[channel_id]["guild_id"]
            elif channel_id != self.guild_channel_id:
                raise DiscordError(404, 10003, "Unknown Channel")
            else:
                guild_id = self.guild_id
        elif channel["user"] in self._closed_dms:
            self.sent.append(Sent("refused", body, channel_id))
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        self._validate(body, request.path)
        message = self._message(channel_id, self.bot, body, guild_id=guild_id)
        self.sent.append(Sent("message", body, channel_id, message["id"], guild_id=guild_id,
                              ephemeral=bool(message["flags"] & EPHEMERAL)))
        return message

    def _edit_message(self, request: web.Request, body: Any, channel_id: str,
                      message_id: str) -> dict[str, Any]:
        message = self.messages.get(message_id)
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return self._apply_edit("edit", message, body, None)

    def _callback(self, request: web.Request, body: Any, iid: str, token: str
                  ) -> dict[str, Any] | None:
        inter = self._interactions.get(token)
        if inter is None or inter.id != iid:
            raise DiscordError(404, 10062, "Unknown interaction")
        if inter.response_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        kind = body["type"]
        data = body.get("data") or {}
        inter.response_type = kind
        inter.ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        self.sent.append(Sent("callback", body, inter.channel_id, None, inter.id,
                              inter.guild_id, inter.ephemeral))
        message = None
        if kind == 4:  # a message straight away
            self._validate(data, request.path)
            message = self._message(inter.channel_id, self.bot, data, guild_id=inter.guild_id)
            inter.original_id, inter.original_filled = message["id"], True
            self.sent[-1].message_id = message["id"]
        elif kind == 5:  # "thinking": the first follow-up fills this message
            message = self._message(inter.channel_id, self.bot,
                                    {"content": "", "flags": int(data.get("flags") or 0)
                                     | LOADING}, guild_id=inter.guild_id)
            inter.original_id = message["id"]
        elif kind == 7 and inter.message_id:  # update the message the component is on
            self._apply_edit("edit", self.messages[inter.message_id], data, inter)
        elif kind not in (6,):
            raise DiscordError(400, 50035, f"Invalid Form Body (callback type {kind})")
        if "with_response" not in request.query:
            return None
        result: dict[str, Any] = {"interaction": {
            "id": inter.id, "type": 2, "response_message_loading": kind == 5,
            "response_message_ephemeral": inter.ephemeral,
            "response_message_id": inter.original_id}}
        if message is not None:
            result["resource"] = {"type": kind, "message": message}
        return result

    def _followup(self, request: web.Request, body: Any, app: str, token: str
                  ) -> dict[str, Any] | None:
        inter = self._interactions.get(token)
        if app != self.app_id or inter is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if inter.response_type is None:
            raise DiscordError(400, 40060, "Interaction has not been acknowledged.")
        self._validate(body, request.path)
        if inter.response_type == 5 and not inter.original_filled and inter.original_id:
            # Discord: after a deferred "thinking" response the first follow-up replaces
            # the thinking message, keeping its (ephemeral) flags.
            inter.original_filled = True
            message = self.messages[inter.original_id]
            flags = message["flags"] & ~LOADING
            message.update(_message_fields(body), flags=flags)
            self.sent.append(Sent("followup", {**body, "flags": flags}, inter.channel_id,
                                  message["id"], inter.id, inter.guild_id,
                                  bool(flags & EPHEMERAL)))
        else:
            message = self._message(inter.channel_id, self.bot, body, guild_id=inter.guild_id)
            message["webhook_id"] = self.app_id
            self.sent.append(Sent("followup", body, inter.channel_id, message["id"], inter.id,
                                  inter.guild_id, bool(message["flags"] & EPHEMERAL)))
        return message if request.query.get("wait") in ("true", "1", "True") else None

    def _edit_webhook_message(self, request: web.Request, body: Any, app: str, token: str,
                              mid: str) -> dict[str, Any]:
        inter = self._interactions.get(token)
        if inter is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        message = self.messages[self._resolve(token, mid)]
        if mid == "@original":
            inter.original_filled = True
        return self._apply_edit("edit_original" if mid == "@original" else "edit", message,
                                body, inter)

    def _resolve(self, token: str, mid: str) -> str:
        if mid != "@original":
            return mid
        inter = self._interactions[token]
        if inter.original_id is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return inter.original_id

    def _apply_edit(self, kind: str, message: dict[str, Any], body: dict[str, Any],
                    inter: _Interaction | None) -> dict[str, Any]:
        merged = {**{k: message.get(k) for k in ("content", "embeds", "components")}, **body}
        self._validate(merged, kind)
        message.update(_message_fields(body))
        message["flags"] &= ~LOADING
        self.sent.append(Sent(kind, body, message["channel_id"], message["id"],
                              inter.id if inter else None, message.get("guild_id"),
                              bool(message["flags"] & EPHEMERAL)))
        return message

    def _message(self, channel_id: str, author: dict[str, Any], body: dict[str, Any], *,
                 guild_id: str | None = None) -> dict[str, Any]:
        message = {
            "id": self.new_id(), "channel_id": channel_id, "author": author,
            "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "pinned": False, "type": 0, "content": "", "embeds": [],
            "components": [], "flags": 0,
        }
        message.update(_message_fields(body))
        message["flags"] = int(body.get("flags") or 0)
        message["attachments"] = [
            {"id": self.new_id(), "filename": f.filename, "size": len(f.data),
             "content_type": f.content_type,
             "url": f"https://cdn.example.invalid/attachments/{channel_id}/{f.filename}",
             "proxy_url": f"https://media.example.invalid/attachments/{channel_id}/{f.filename}"}
            for f in body.get(UPLOADS) or []]
        if guild_id is not None:
            message["guild_id"] = guild_id
        self.messages[message["id"]] = message
        return message

    # -- Discord's own checks -------------------------------------------------------------

    def _validate(self, body: dict[str, Any], where: str) -> None:
        lim = self.limits
        content = body.get("content") or ""
        embeds = body.get("embeds") or []
        rows = body.get("components") or []
        files = body.get(UPLOADS) or []
        problems = []
        if not content and not embeds and not rows and not files:
            problems.append("empty message")
        if len(files) > lim.files or any(len(f.data) > lim.file_bytes for f in files):
            problems.append("too many or too large files")
        if len(content) > lim.content:
            problems.append(f"content is {len(content)} characters")
        if len(embeds) > lim.embeds:
            problems.append("too many embeds")
        for embed in embeds:
            if len(embed.get("title") or "") > 256 or len(embed.get("description") or "") > 4096:
                problems.append("embed too long")
        if len(rows) > lim.rows:
            problems.append(f"{len(rows)} action rows")
        ids: list[str] = []
        for row in rows:
            items = row.get("components") or []
            if row.get("type") != 1 or not items:
                problems.append("not an action row")
            selects = [c for c in items if c.get("type") == 3]
            if selects and len(items) > 1:
                problems.append("a select shares its row")
            if len(items) > lim.per_row:
                problems.append(f"{len(items)} buttons in a row")
            for item in items:
                cid = item.get("custom_id")
                if item.get("type") == 2 and item.get("style") == 5:
                    if cid or not item.get("url"):
                        problems.append("link button with custom_id or without url")
                elif not cid or len(cid) > lim.custom_id:
                    problems.append(f"custom_id {cid!r}")
                if cid:
                    ids.append(cid)
                if len(item.get("label") or "") > lim.label:
                    problems.append("label too long")
                for option in item.get("options") or []:
                    if len(option.get("label", "")) > 100 or len(option.get("value", "")) > 100:
                        problems.append("option too long")
                if len(item.get("options") or []) > lim.options:
                    problems.append("too many options")
        if len(ids) != len(set(ids)):
            problems.append("duplicate custom_id")
        if problems:
            raise DiscordError(400, 50035, f"Invalid Form Body at {where}: {problems}")


def _message_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in ("content", "embeds", "components") if k in body}


def _check_command(command: dict[str, Any]) -> None:
    if not re.fullmatch(r"[-_\w]{1,32}", command.get("name", "")) or \
            not 1 <= len(command.get("description", "")) <= 100:
        raise DiscordError(400, 50035, f"Invalid command {command.get('name')!r}")
    for option in command.get("options", []):
        if not 1 <= len(option.get("description", "")) <= 100 or \
                len(option.get("choices") or []) > 25:
            raise DiscordError(400, 50035, f"Invalid option {option.get('name')!r}")


def _json(status: int, data: Any) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header
    # with == and would treat "application/json; charset=utf-8" as plain text.
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json(status, {"message": message, "code": code})

