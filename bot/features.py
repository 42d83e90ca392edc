"""What the conversation is extended with, and the turn every part of it works on.

A feature (volunteering, broadcasts) is the only way to add to the conversation: it
brings commands, the named steps of its own guided flows, and hooks the conversation
calls at fixed moments. The conversation never imports a feature by name; the
composition root (adapters/wiring.py) hands it the features it runs with. So this module
holds what both sides share - `Turn`, `Feature`, payload helpers - and imports neither.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.catalogue import t
from bot.state import State
from bot.types import Button, ConversationRef, Incoming, Reply

if TYPE_CHECKING:
    from directory.models import Listing


@dataclass
class Turn:
    """One message being handled: what came in, the state, and the replies so far."""

    msg: Incoming
    state: State
    session: Session
    now: datetime
    text: str = ""
    replies: list[Reply] = field(default_factory=list)
    erase: bool = False  # /forget confirmed: delete, do not save
    # Pieces of what the person typed that a reply quotes ("I couldn't find X"): sent,
    # but never written anywhere - the reply journal gets "…" in their place.
    quoted: list[str] = field(default_factory=list)

    def quote(self, text: str, limit: int = 40) -> str:
        """A short, safe piece of what someone typed, for "I couldn't find X"."""
        text = re.sub(r"[<>`*_\[\]@#|~]", "", text)
        piece = text[:limit] + ("…" if len(text) > limit else "")
        self.quoted.append(piece)
        return piece

    def journal(self, replies: list[Reply]) -> list[dict]:
        """The replies as the journal keeps them: without what the person typed."""
        out = []
        for reply in replies:
            data = reply.to_json()
            for piece in self.quoted:
                if piece:
                    data["text"] = data["text"].replace(piece, "…")
            out.append(data)
        return out

    def say(self, text: str, buttons: tuple[tuple[Button, ...], ...] = (), **kw: object) -> None:
        self.replies.append(Reply(text, buttons, **kw))  # type: ignore[arg-type]


def b(key: str, payload: str, **values: object) -> Button:
    """A button whose label comes from the catalogue."""
    return Button(t(key, **values), payload)


def payload_number(payload: str | None, prefix: str, digits: int = 9) -> int | None:
    """The number in a payload such as "d3" or "vl12" (at most `digits` digits)."""
    m = re.fullmatch(re.escape(prefix) + rf"([0-9]{{1,{digits}}})", payload or "")
    return int(m[1]) if m else None


class Feature:
    """A part of the conversation with its own commands and guided steps.

    - `commands`: command name -> handler(turn, argument);
    - `steps`: step name -> handler(turn); names are the feature's own (a StrEnum whose
      values carry its prefix, e.g. "v_..."), drawn in a diagram beside its module;
    - `drafting`: steps where someone writes for others to read (a broadcast, a
      listing's description): danger words there still get the crisis contacts first,
      then the step goes on, so "suicide prevention walk" can be announced. At a
      feature's other steps a danger message gets the contacts only;
    - `menus`: role ("volunteer", "admin") -> the commands a platform's menu shows to
      people who hold it (every call is still checked in bot/access.py);
    - `payloads`: the prefixes of the button payloads the feature answers from any step
      (the buttons it adds under a listing's details, `detail_buttons`) -> handler(turn);
      a prefix is the feature's own (such as "rm"), and the conversation hands the whole
      payload to the handler in `turn.msg.payload`.

    The hooks below do nothing unless a feature overrides them.
    """

    commands: Mapping[str, Callable[[Turn, str], None]] = {}
    steps: Mapping[str, Callable[[Turn], None]] = {}
    drafting: frozenset[str] = frozenset()
    menus: Mapping[str, tuple[str, ...]] = {}
    payloads: Mapping[str, Callable[[Turn], None]] = {}

    def deep_link(self, turn: Turn, arg: str) -> bool:
        """/start ARG from a link (an invite's "volunteer-CODE"): True if handled."""
        return False

    def left(self, turn: Turn, step: str, flow: dict) -> None:
        """The message in `turn` moved the person on from `step` (one of this
        feature's), whose flow was `flow`: to another part of the conversation (/cancel,
        /start, /forget, Start again, a shared location...) or to a new flow of this
        feature. Drop what `flow` had drafted unless `turn.state` still carries it, so
        no draft is left behind for ever."""

    def forget(self, session: Session, ref: ConversationRef) -> None:
        """/forget confirmed: erase what this feature holds about the person."""

    def detail_buttons(self, turn: Turn, listing_id: int) -> tuple[Button, ...]:
        """Buttons this feature adds under a listing's details (their payloads start
        with one of `payloads`' prefixes); none by default."""
        return ()

    def language_changed(self, turn: Turn) -> None:
        """The person chose a language (/language, /iaith; `turn.state.language`): what
        this feature keeps to write to them later (a subscription, a volunteer's
        notifications) follows it."""

    def listing_reported(self, session: Session, listing: Listing, now: datetime) -> None:
        """Someone reported a problem with a listing (nothing about who)."""
