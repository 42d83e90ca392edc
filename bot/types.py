"""The conversation's own types: what comes in, what goes out. Platform-free: adapters
turn these into Telegram keyboards, Discord components or numbered terminal lines, and
any reply degrades to plain text."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Protocol

from bot.catalogue import t
from bot.pseudonyms import pseudonym

# Replies stay under this so every platform can show them (Discord allows 2000 per
# message and Telegram 4096: adapters split further; see ../shared/REFERENCE.md).
MAX_REPLY_CHARS = 4000


@dataclass(frozen=True, slots=True)
class ConversationRef:
    platform: str  # "terminal", "telegram", "discord"
    chat_id: str
    user_id: str

    @property
    def key(self) -> str:
        """Names the conversation in storage."""
        return f"{self.platform}:{self.chat_id}:{self.user_id}"

    @property
    def log_id(self) -> str:
        """A short keyed pseudonym for logs (bot/pseudonyms.py): never the platform's
        ids, and not matchable to them - nor to a database row - without the key."""
        return pseudonym("log", self.key)[:12]


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Incoming:
    ref: ConversationRef
    text: str | None = None
    payload: str | None = None  # a button's short id
    location: Location | None = None
    # The platform's id of the update that carried this message (Telegram's update_id),
    # when the adapter claimed it: the conversation then journals its replies with the
    # state it saves, so a retry of the update replays them instead of running again.
    update_id: str | None = None
    # The crisis contacts for this message's text went out already: the turn runner
    # (adapters/turns.py) sends `Responder.first_aid` before anything else, so the turn
    # leaves them out.
    contacts_sent: bool = False
    # The language the platform says the person's app is set to (Telegram's
    # language_code, such as "cy" or "en-GB"): a hint for a new conversation's language,
    # never stored.
    language_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str  # short opaque id, at most 64 bytes (Telegram callback_data limit)


@dataclass(frozen=True, slots=True)
class PlaceCard:
    """A place an adapter can show as a map pin (Telegram venue, Discord embed)."""

    title: str
    address: str
    latitude: float
    longitude: float
    map_url: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (a calendar file): a document on Telegram, an attachment
    on Discord, a file in the current directory in the terminal. It travels through the
    reply journal (base64), so it must hold nothing about the person."""

    filename: str  # what the person's app shows and saves it as
    mime: str  # "text/calendar"
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    request_location: bool = False  # offer a "share my location" control
    card: PlaceCard | None = None
    crisis: bool = False  # crisis contacts: adapters must never drop or delay these
    # The location asked for in an earlier turn is no longer wanted: an adapter that
    # shows a lasting control for it (Telegram's reply keyboard) removes it now. Part of
    # the conversation's state, so every process renders the same.
    dismiss_location: bool = False
    # The language it is written in, so that an adapter's own words around it (a map
    # link, "share my location") are in the same one.
    lang: str = "en"
    attachment: Attachment | None = None

    def plain_text(self) -> str:
        """The reply as plain text, with buttons as numbered choices."""
        lines = [self.text]
        if self.card and self.card.map_url not in self.text:
            lines.append(t("plain_map", self.lang, url=self.card.map_url))
        n = 0
        for row in self.buttons:
            for b in row:
                n += 1
                lines.append(f"  [{n}] {b.label}")
        if self.request_location:
            lines.append(t("plain_location", self.lang))
        return "\n".join(lines)

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]

    def to_json(self) -> dict:
        card = self.card
        return {"text": self.text,
                "buttons": [[[b.label, b.payload] for b in row] for row in self.buttons],
                "request_location": self.request_location, "crisis": self.crisis,
                "dismiss_location": self.dismiss_location, "lang": self.lang,
                "card": None if card is None else {
                    "title": card.title, "address": card.address, "latitude": card.latitude,
                    "longitude": card.longitude, "map_url": card.map_url},
                "attachment": None if self.attachment is None else {
                    "filename": self.attachment.filename, "mime": self.attachment.mime,
                    "data": base64.b64encode(self.attachment.data).decode("ascii")}}

    @classmethod
    def from_json(cls, data: dict) -> Reply:
        card = data.get("card")
        file = data.get("attachment")
        return cls(text=data["text"],
                   buttons=tuple(tuple(Button(label, payload) for label, payload in row)
                                 for row in data.get("buttons", [])),
                   request_location=bool(data.get("request_location")),
                   card=PlaceCard(**card) if card else None,
                   crisis=bool(data.get("crisis")),
                   dismiss_location=bool(data.get("dismiss_location")),
                   lang=str(data.get("lang") or "en"),
                   attachment=None if not file else Attachment(
                       file["filename"], file["mime"], base64.b64decode(file["data"])))


class Responder(Protocol):
    """What adapters talk to: the conversation (bot/conversation.py), or a wrapper of it
    that measures it (adapters/metrics.py)."""

    async def handle(self, message: Incoming) -> list[Reply]: ...

    async def first_aid(self, message: Incoming) -> Reply | None:
        """The crisis contacts for a danger message (None otherwise), needing no
        database: sent before anything else is done with the message."""
        ...

    def menu(self, role: str | None = None) -> tuple[str, ...]:
        """The commands a platform's menu shows someone with this role."""
        ...


class Adapter(Protocol):
    """What every platform adapter provides."""

    async def start(self, responder: Responder) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, ref: ConversationRef, reply: Reply) -> None: ...
