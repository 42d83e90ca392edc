""""Add to calendar" under a meeting's details: the conversation's side of
bot/reminders/calendar.py.

Three buttons, answered from any step (Feature.payloads), so the conversation stays
where it was: "Add to calendar" ("ics<id>") asks what the entry should be called,
"Just 'Meeting'" ("icsm<id>") or "Use its name" ("icsn<id>"), since phones show calendar
entries on lock screens; either answer is a reply carrying the file (`Reply.attachment`).
Payloads hold the listing's id only, never a word about what it is. Nothing is stored:
the file is made from the listing when asked for (and kept, with the turn's other
replies, in the reply journal for two days: bot/claims.py).
"""

from __future__ import annotations

import enum

from bot.catalogue import t
from bot.features import Feature, Turn, b, payload_number
from bot.reminders.calendar import calendar_attachment, offers_file
from bot.types import Button
from directory.models import Listing, Status

PREFIX = "ics"
ASK, PLAIN, NAMED = "ics", "icsm", "icsn"


class CalStep(enum.StrEnum):
    """None: every button is answered from whatever step the person is at
    (calendar_feature.mmd)."""


class CalendarFiles(Feature):
    def __init__(self) -> None:
        self.payloads = {PREFIX: self.answer}

    def detail_buttons(self, turn: Turn, listing_id: int) -> tuple[Button, ...]:
        listing = turn.session.get(Listing, listing_id)
        if listing is None or not offers_file(listing):
            return ()
        return (b("b_cal_add", f"{ASK}{listing_id}"),)

    def answer(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        for prefix, title in ((PLAIN, "meeting"), (NAMED, "name")):
            listing_id = payload_number(payload, prefix)
            if listing_id is not None:
                self._send_file(turn, listing_id, title)
                return
        listing_id = payload_number(payload, ASK)
        listing = turn.session.get(Listing, listing_id) if listing_id is not None else None
        if listing is None or not offers_file(listing):
            self._gone(turn)
            return
        turn.say(t("cal_ask"), ((b("b_cal_plain", f"{PLAIN}{listing.id}"),
                                 b("b_cal_name", f"{NAMED}{listing.id}")),))

    def _send_file(self, turn: Turn, listing_id: int, title: str) -> None:
        listing = turn.session.get(Listing, listing_id)
        if listing is None or not offers_file(listing):
            self._gone(turn)
            return
        lang = turn.state.language or "en"
        file = calendar_attachment(listing, title=title, now=turn.now, lang=lang)
        text = t("cal_ready")
        if listing.status == Status.TEMPORARILY_CLOSED.value:
            text += "\n" + t("cal_paused")
        turn.say(text, self._onward(turn, listing_id), attachment=file)

    def _gone(self, turn: Turn) -> None:
        turn.say(t("cal_gone"), ((b("b_restart", "restart"),),))

    def _onward(self, turn: Turn, listing_id: int) -> tuple[tuple[Button, ...], ...]:
        """Back to the results when the details of this listing are what the person was
        looking at (the conversation's "back" works from there); else start again."""
        if turn.state.step == "details" and turn.state.listing == listing_id:
            return ((b("b_back", "back"), b("b_restart", "restart")),)
        return ((b("b_restart", "restart"),),)
