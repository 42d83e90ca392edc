"""Meeting reminders: "Remind me" under a meeting's details, /reminders, and the
messages the delivery worker sends (rendered here, in the person's language).

A conversation Feature (bot/features.py). Its one guided step is RStep ("rm_..."),
drawn in bot/reminders/dialogue.mmd; everything else is a button answered from any step
(`payloads`, prefix "rm"), so a reminder's own buttons work whatever the person was
doing when it came:

- "rm{listing}": Remind me - the three choices, for that meeting;
- "rmh{listing}" / "rmm{listing}" / "rmw{listing}": an hour before the next meeting, the
  morning of it (08:00 UK time), or before every meeting for up to 12 weeks;
- "rmc{listing}": Can't make it - the next few meetings like it (its needs), near its
  place or online, each with its own Remind me;
- "rms{reminder}": Stop reminders (from a reminder, or from /reminders).

Payloads carry ids only, never what a meeting is for (tests/dialogue.py checks).

Reminders come as direct messages, so "Remind me" is offered only on the platforms the
delivery worker serves (Telegram, Discord); the rows are bot/reminders/store.py's and
the sending bot/reminders/worker.py's.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, joinedload

from bot.catalogue import current_language, speaking, t
from bot.features import Feature, Turn, b, payload_number
from bot.reminders import store
from bot.types import Button, ConversationRef, PlaceCard, Reply
from bot.wording import describe_schedule, describe_when, distance
from directory.finder import view
from directory.models import Listing
from directory.search import DirectorySearch, Query

# Where a flow ends: the conversation's first step (bot/conversation.py Step.NEW).
CONVERSATION_START = "new"
CHOICE_LETTERS = {"h": "hour", "m": "morning", "w": "weekly"}
ALTERNATIVES = 3  # "Can't make it": how many other meetings are offered
ALTERNATIVES_WITHIN = timedelta(days=8)


class RStep(enum.StrEnum):
    """The reminders' steps, drawn in dialogue.mmd (tests/test_features.py keeps it
    true). Values are stored in saved conversation state: never change one."""

    LIST = "rm_list"  # /reminders: the list, a number typed stops one


def osm_url(lat: float, lon: float) -> str:
    # As bot/conversation.py's details show it (a feature does not import the
    # conversation).
    return (f"https://www.openstreetmap.org/?mlat={lat:.4f}&mlon={lon:.4f}"
            f"#map=16/{lat:.4f}/{lon:.4f}")


def _name(listing: Listing, lang: str) -> str:
    own = (listing.translations or {}).get(lang) or {}
    return own.get("name") or listing.name


def crisis_line(lang: str) -> str:
    """Samaritans, from the crisis contacts' own words in the catalogue."""
    line = t("cc_line", lang, name=t("cc_name_samaritans", lang), where="",
             how=t("cc_how_samaritans", lang))
    return t("rm_crisis", lang, line=line.lstrip("• "))


def _where(listing: Listing, lang: str) -> tuple[list[str], PlaceCard | None]:
    """Lines saying where it is and how to join, and the map pin of an in-person one."""
    lines, card = [], None
    address = ", ".join(x for x in (listing.venue_name, listing.address, listing.postcode)
                        if x)
    if address and listing.attendance != "online":
        lines.append(t("details_address", lang, address=address))
    if listing.latitude is not None and listing.longitude is not None \
            and listing.attendance != "online":
        url = osm_url(listing.latitude, listing.longitude)
        lines.append(t("details_map", lang, url=url))
        card = PlaceCard(_name(listing, lang), address, listing.latitude,
                         listing.longitude, url)
    if listing.online_url and listing.attendance in ("online", "hybrid"):
        lines.append(t("details_join", lang, url=listing.online_url))
    return lines, card


def _buttons(listing_id: int, reminder_id: int, lang: str
             ) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t("b_rm_cant", lang), f"rmc{listing_id}"),
             Button(t("b_rm_stop", lang), f"rms{reminder_id}")),)


def render(session: Session, row: store.Claimed, now: datetime) -> Reply | None:
    """The message a queue row carries, in the reminder's language, from the listing as
    it is now; None if it is not to be sent (the reminder or listing is gone, or the
    meeting is paused, or no longer meets at that time)."""
    reminder = session.get(store.Reminder, row.reminder_id)
    listing = session.get(Listing, reminder.listing_id) if reminder is not None else None
    if reminder is None or listing is None:
        return None
    lang = reminder.language
    with speaking(lang):
        name = _name(listing, lang)
        where, card = _where(listing, lang)
        if row.kind == "change":
            if listing.status == "closed":
                text = [t("rm_n_closed", lang, name=name)]
                card, where = None, []
            elif listing.status == "temporarily_closed":
                note = listing.status_note or ""
                text = [t("rm_n_paused", lang, name=name)] + ([note] if note else [])
                card, where = None, []
            else:
                schedule = describe_schedule(store.schedule_of(listing), lang)
                text = [t("rm_n_changed", lang, name=name, schedule=schedule)]
                if reminder.occurrence is not None:
                    text.append(t("details_next", lang,
                                  when=describe_when(reminder.occurrence, now, lang)))
        else:
            start = datetime.fromisoformat(row.key)
            if listing.status != "active" or start not in _starts(listing, start):
                return None
            if row.kind == "pin":  # the pin alone, after its text (store.add_pin)
                return Reply("", card=card, lang=lang) if card is not None else None
            text = [t("rm_msg", lang, name=name, when=describe_when(start, now, lang))]
        body = "\n".join([*text, *where, "", crisis_line(lang)])
        return Reply(body, _buttons(listing.id, reminder.id, lang), card=card, lang=lang)


def _starts(listing: Listing, start: datetime) -> set[datetime]:
    """The meeting's start near `start`, if it still meets then (its time may have
    changed since the row was written)."""
    from directory.schedule import starts_between

    found = starts_between(store.schedule_of(listing), start - timedelta(minutes=1),
                           start + timedelta(minutes=1))
    return {found} if found is not None else set()


class Reminding(Feature):
    def __init__(self, platforms: Sequence[str] = ("telegram", "discord"),
                 search: DirectorySearch | None = None, radius_km: float = 25.0) -> None:
        self.platforms = tuple(platforms)
        self._search = search
        self.radius_km = radius_km
        self.commands = {"reminders": self.cmd_reminders}
        self.menus = {"everyone": ("reminders",)}  # anyone may have reminders
        self.steps = {RStep.LIST: self.step_list}
        self.payloads = {"rm": self.on_button}

    @property
    def search(self) -> DirectorySearch:
        """The app's search (adapters/wiring.py), or one of its own when built alone."""
        if self._search is None:
            self._search = DirectorySearch(recheck_seconds=1.0)
        return self._search

    # -- hooks ---------------------------------------------------------------------------

    def detail_buttons(self, turn: Turn, listing_id: int) -> tuple[Button, ...]:
        """"Remind me" under a meeting's details, where reminders can reach the person.
        (bot/reminders/calendar.py's "Add to calendar" comes from its own feature.)"""
        if turn.msg.ref.platform not in self.platforms:
            return ()
        return (b("b_remind_me", f"rm{listing_id}"),)

    def forget(self, session: Session, ref: ConversationRef) -> None:
        store.forget(session, ref.platform, ref.user_id)

    def language_changed(self, turn: Turn) -> None:
        """/language: reminders come in the new language from now on."""
        ref = turn.msg.ref
        store.set_language(turn.session, ref.platform, ref.user_id, turn.state.language)

    # -- buttons from any step -------------------------------------------------------------

    def on_button(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        if (rid := payload_number(payload, "rms")) is not None:
            self._stop(turn, rid)
        elif (lid := payload_number(payload, "rmc")) is not None:
            self._alternatives(turn, lid)
        elif len(payload) > 2 and payload[2] in CHOICE_LETTERS \
                and (lid := payload_number(payload, payload[:3])) is not None:
            self._set(turn, lid, CHOICE_LETTERS[payload[2]])
        elif (lid := payload_number(payload, "rm")) is not None:
            self._ask(turn, lid)
        else:
            turn.say(t("rm_gone"))

    def _listing(self, turn: Turn, listing_id: int) -> Listing | None:
        row = turn.session.get(Listing, listing_id)
        if row is None or row.status == "closed":
            turn.say(t("rm_gone"))
            return None
        return row

    def _ask(self, turn: Turn, listing_id: int) -> None:
        listing = self._listing(turn, listing_id)
        if listing is None:
            return
        if turn.msg.ref.platform not in self.platforms:
            turn.say(t("rm_not_here"))
            return
        lang = current_language()
        nxt = store.next_reminder(listing, "hour", turn.now, turn.now + store.MAX_LIFETIME)
        if nxt is None:
            turn.say(t("rm_no_dates", name=_name(listing, lang)))
            return
        text = t("rm_ask", name=_name(listing, lang),
                 when=describe_when(nxt[1], turn.now, lang))
        if listing.status == "temporarily_closed":
            text += "\n" + t("rm_paused_now")
        turn.say(text, ((b("b_rm_hour", f"rmh{listing_id}"),),
                        (b("b_rm_morning", f"rmm{listing_id}"),),
                        (b("b_rm_weekly", f"rmw{listing_id}"),)))

    def _set(self, turn: Turn, listing_id: int, choice: str) -> None:
        listing = self._listing(turn, listing_id)
        if listing is None:
            return
        ref, lang = turn.msg.ref, current_language()
        if ref.platform not in self.platforms:
            turn.say(t("rm_not_here"))
            return
        row = store.set_reminder(turn.session, ref.platform, ref.user_id, listing, choice,
                                 lang, turn.now)
        if row is None or row.next_at is None:
            turn.say(t("rm_no_dates", name=_name(listing, lang)))
            return
        turn.say(t("rm_set", name=_name(listing, lang), how=t(f"rm_how_{choice}"),
                   at=describe_when(row.next_at, turn.now, lang)))

    def _stop(self, turn: Turn, reminder_id: int) -> None:
        ref = turn.msg.ref
        row = store.stop(turn.session, ref.platform, ref.user_id, reminder_id)
        if turn.state.step == RStep.LIST:
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if row is None:
            turn.say(t("rm_already_stopped"))
            return
        listing = turn.session.get(Listing, row.listing_id)
        name = _name(listing, current_language()) if listing is not None else "…"
        turn.say(t("rm_stopped", name=name))

    def _alternatives(self, turn: Turn, listing_id: int) -> None:
        """The next few meetings for the same needs, near its place (or online for an
        online one), soonest first; each with its own Remind me."""
        listing = turn.session.get(Listing, listing_id)
        lang = current_language()
        if listing is None:
            turn.say(t("rm_alts_none"))
            return
        q = Query(needs=frozenset(listing.needs or ()), limit=25,
                  within_hours=ALTERNATIVES_WITHIN.total_seconds() / 3600)
        if listing.latitude is not None and listing.attendance != "online":
            q.latitude, q.longitude = listing.latitude, listing.longitude
            q.radius_km, q.include_online = self.radius_km, True
        else:
            q.online_only = True
        hits = [h for h in self.search.search(turn.session, q, turn.now).hits
                if h.id != listing_id and not h.temporarily_closed
                and h.next_meeting is not None]
        hits.sort(key=lambda h: (h.next_meeting, h.id))
        hits = hits[:ALTERNATIVES]
        if not hits:
            turn.say(t("rm_alts_none"))
            return
        rows = {r.id: r for r in turn.session.query(Listing)
                .options(joinedload(Listing.organisation))
                .filter(Listing.id.in_([h.id for h in hits]))}
        lines, buttons = [t("rm_alts", name=_name(listing, lang))], []
        for n, h in enumerate(hits, 1):
            row = rows.get(h.id)
            if row is None:
                continue
            v = view(row, h).localised(lang)
            where = distance(h.distance_km, lang) if h.distance_km is not None \
                else t("where_online")
            assert h.next_meeting is not None
            lines.append(t("result_line", n=n, name=v.name, kind=t(f"k_{v.kind}"),
                           where=where, when=t("when_next", when=describe_when(
                               h.next_meeting, turn.now, lang))))
            buttons.append(b("b_rm_alt", f"rm{h.id}", n=n))
        turn.say("\n".join(lines), (tuple(buttons),))

    # -- /reminders ------------------------------------------------------------------------

    def cmd_reminders(self, turn: Turn, _arg: str) -> None:
        ref, lang = turn.msg.ref, current_language()
        mine = store.reminders(turn.session, ref.platform, ref.user_id)
        if not mine:
            turn.say(t("rm_none"))
            return
        lines, buttons, ids = [t("rm_list")], [], []
        for n, r in enumerate(mine, 1):
            listing = turn.session.get(Listing, r.listing_id)
            name = _name(listing, lang) if listing is not None else "…"
            nxt = describe_when(r.next_at, turn.now, lang) if r.next_at is not None \
                else t("rm_line_none")
            lines.append(t("rm_line", n=n, name=name, how=t(f"rm_how_{r.choice}"), next=nxt))
            buttons.append((b("b_rm_stop_one", f"rms{r.id}", n=n),))
            ids.append(r.id)
        turn.state.flow, turn.state.step = {"ids": ids}, RStep.LIST
        turn.say("\n".join(lines), tuple(buttons))

    def step_list(self, turn: Turn) -> None:
        """A number typed stops that reminder; anything else closes the list."""
        ids = turn.state.flow.get("ids") or []
        text = turn.text.strip()
        if text.isdigit() and 1 <= int(text) <= len(ids):
            self._stop(turn, ids[int(text) - 1])
            return
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say(t("rm_list_closed"))
