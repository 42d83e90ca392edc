"""Volunteers keep their listings current; admins invite, review and watch freshness.

Platform-free like the rest of the conversation: Conversation hands over the commands
in `commands` and the steps of VStep ("v_...", drawn in bot/volunteers/dialogue.mmd).
Each privileged command asks `bot.access` on every call, never the platform; a refusal
is polite, the same whatever the reason (nothing is revealed about what exists), and
audited.

Guided flows keep their place in the conversation state (`State.flow`): ids (a
listing, a finder's matches, a batch of drafted changes), a page number, a field name,
and for /addgroup the new group's values; never words typed to find a listing. Nothing
is written until the person confirms, so /cancel at any step leaves no trace.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import access, outbox
from bot.access import Actor
from bot.catalogue import CATALOGUES, current_language, t
from bot.features import Feature, Turn, b, payload_number
from bot.types import Button, ConversationRef
from bot.wording import describe_schedule
from directory import curation
from directory.fields import FIELDS as LISTING_FIELDS
from directory.fields import (
    NONE_SHOWN,
    Invalid,
    example,
    parse_schedule,
    show,
    translation_fields,
)
from directory.freshness import DEFAULT_STALE_AFTER
from directory.geography import Gazetteer
from directory.models import Listing, Organisation
from directory.records import ListingRecord
from directory.repository import upsert_listing
from directory.schedule import Schedule

# Listings on one page of a picker or of /mylistings. With Previous, Next, the verify
# picker's "all" and Cancel that is 24 buttons: Discord allows 25 components a message.
MAX_LISTED = 20
# The picker's paging and "all of these" buttons (vl<id> picks one listing).
PAGE, ALL = "vw", "vall"

ATTENTION_ORGS = 3  # /review names the organisations with the most stale listings, this many

# What /edit offers: the listing's fields, then its name and description in each language
# the bot speaks besides English ("Welsh name"), last so that the buttons (vf<position>)
# of a picker already shown keep their meaning. A new catalogue brings its own.
FIELDS = LISTING_FIELDS + translation_fields(c for c in CATALOGUES if c != "en")
BY_KEY = {f.key: f for f in FIELDS}


_id = payload_number
# What a platform's command menu shows each role (bot/features.py `Feature.menus`).
VOLUNTEER_MENU = ("mylistings", "edit", "addgroup", "pause", "resume", "verify", "history",
                  "undo", "link")
ADMIN_MENU = VOLUNTEER_MENU + ("invite", "volunteers", "trust", "review", "stale")
# Where a finished or cancelled flow leaves the person: the conversation's first step
# (bot/conversation.py Step.NEW; a feature does not import the conversation).
CONVERSATION_START = "new"


class VStep(enum.StrEnum):
    """The steps of the volunteers' and admins' guided flows, drawn in dialogue.mmd
    (tests/test_features.py keeps it true). The values are stored in people's saved
    conversation state: never change one."""

    PICK = "v_pick"  # which listing (/edit, /pause, /resume, /verify, /history)
    FIELD = "v_field"  # which field to edit
    VALUE = "v_value"  # the field's new value, typed
    CONFIRM = "v_confirm"  # the drafted change, to confirm
    NOTE = "v_note"  # a pause's note, typed
    REVIEW = "v_review"  # an admin approves or rejects the next pending change
    REASON = "v_reason"  # why it was rejected, typed
    ADD = "v_add"  # /addgroup: organisation, then each value, then confirm
    MANAGE = "v_manage"  # /volunteers: remove or trust one
    ORG = "v_org"  # /invite, /volunteers: which of several organisations was meant
    LIST = "v_list"  # /mylistings, a page at a time (more than one page)
    BULK = "v_bulk"  # several listings changed as one (/verify all, a venue paused), to confirm


class Volunteering(Feature):
    def __init__(self, gazetteer: Gazetteer, stale_after: timedelta = DEFAULT_STALE_AFTER,
                 invite_link: str | None = None) -> None:
        self.gazetteer = gazetteer
        self.stale_after = stale_after
        # e.g. "https://t.me/SomeBot?start=volunteer-{code}" when Telegram is served
        self.invite_link = invite_link
        self.commands = {
            "volunteer": self.cmd_volunteer, "link": self.cmd_link,
            "mylistings": self.cmd_mylistings,
            "edit": self.cmd_edit, "pause": self.cmd_pause, "resume": self.cmd_resume,
            "verify": self.cmd_verify, "history": self.cmd_history, "undo": self.cmd_undo,
            "addgroup": self.cmd_addgroup, "invite": self.cmd_invite,
            "volunteers": self.cmd_volunteers, "trust": self.cmd_trust,
            "review": self.cmd_review, "stale": self.cmd_stale,
        }
        self.menus = {"volunteer": VOLUNTEER_MENU, "admin": ADMIN_MENU}
        # A listing's values, a new group's, a pause note, why a change was turned down.
        self.drafting = frozenset({VStep.VALUE, VStep.ADD, VStep.REASON, VStep.NOTE})
        self.steps = {
            VStep.PICK: self.step_pick, VStep.FIELD: self.step_field,
            VStep.VALUE: self.step_value, VStep.CONFIRM: self.step_confirm,
            VStep.NOTE: self.step_note, VStep.REVIEW: self.step_review,
            VStep.REASON: self.step_reason, VStep.ADD: self.step_add,
            VStep.MANAGE: self.step_manage, VStep.ORG: self.step_org,
            VStep.LIST: self.step_list, VStep.BULK: self.step_bulk,
        }

    # -- who is asking ------------------------------------------------------------

    def actor(self, turn: Turn) -> Actor:
        ref = turn.msg.ref
        return access.actor_for(turn.session, ref.platform, ref.user_id)

    def _refuse(self, turn: Turn, actor: Actor, command: str,
                organisation_id: int | None = None) -> None:
        access.audit(turn.session, actor, command, False, turn.now, organisation_id)
        # A refusal ends the flow: its step without its flow could not go on.
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say(t("v_refused"))

    def _allowed(self, turn: Turn, actor: Actor, command: str,
                 organisation_id: int | None = None) -> None:
        access.audit(turn.session, actor, command, True, turn.now, organisation_id)

    def _listing_for(self, turn: Turn, actor: Actor, command: str, listing_id: int
                     ) -> Listing | None:
        """The listing, if this actor may change it (else refused, audited)."""
        listing = turn.session.get(Listing, listing_id)
        if listing is None or not (actor.is_admin or
                                   actor.volunteers_for(listing.organisation_id)):
            self._refuse(turn, actor, command, listing.organisation_id if listing else None)
            return None
        return listing

    # -- redeeming an invite ------------------------------------------------------

    def cmd_volunteer(self, turn: Turn, arg: str) -> None:
        ref = turn.msg.ref
        code = arg.strip().removeprefix("volunteer-")
        if not code:
            turn.say(t("v_volunteer_usage"))
            return
        org = access.redeem_invite(turn.session, code, ref.platform, ref.user_id, turn.now)
        if org is None:
            actor = self.actor(turn)
            access.audit(turn.session, actor, "volunteer", False, turn.now)
            turn.say(t("v_invite_bad"))
            return
        turn.say(t("v_welcome", org=org.name))

    def cmd_link(self, turn: Turn, arg: str) -> None:
        """/link gives a code; /link CODE on another platform joins the two accounts."""
        ref = turn.msg.ref
        if arg.strip():
            if access.redeem_link_code(turn.session, arg, ref.platform, ref.user_id,
                                       turn.now):
                turn.say(t("v_linked"))
            else:
                access.audit(turn.session, self.actor(turn), "link", False, turn.now)
                turn.say(t("v_invite_bad"))
            return
        actor = self.actor(turn)
        if actor.person_id is None:
            self._refuse(turn, actor, "link")
            return
        code = access.create_link_code(turn.session, actor.person_id, turn.now)
        turn.say(t("v_link_code", code=code,
                   minutes=int(access.LINK_TTL.total_seconds() // 60)))

    # -- volunteers' own listings ---------------------------------------------------

    def _scope(self, actor: Actor) -> frozenset[int] | None:
        """Whose listings the actor looks after: their organisations' (None: an admin,
        every one)."""
        return None if actor.is_admin else actor.organisations

    def _volunteer(self, turn: Turn, command: str) -> Actor | None:
        actor = self.actor(turn)
        if not (actor.is_admin or actor.organisations):
            self._refuse(turn, actor, command)
            return None
        return actor

    def cmd_mylistings(self, turn: Turn, arg: str) -> None:
        """Their listings with how many are paused and stale, the stale ones first; a
        page at a time (step v_list) when there are more than fit on one."""
        actor = self._volunteer(turn, "mylistings")
        if actor is None:
            return
        self._allowed(turn, actor, "mylistings")
        scope = self._scope(actor)
        counts = curation.listing_counts(turn.session, scope, turn.now - self.stale_after)
        if not counts.total:
            turn.say(t("v_no_listings"))
            return
        if counts.total <= MAX_LISTED and not arg:
            # One page: shown as it is, and the step left as it was.
            listings, _ = curation.listing_page(turn.session, scope, 0, MAX_LISTED,
                                                stale_before=turn.now - self.stale_after)
            turn.say("\n".join([self._counts(counts)]
                               + [self._listing_line(x, turn.now) for x in listings]))
            return
        turn.state.flow, turn.state.step = {"cmd": "mylistings"}, VStep.LIST
        if arg:
            self._find(turn, actor, arg)
        else:
            self._show_page(turn, actor, 0)

    def _counts(self, counts: curation.Counts) -> str:
        return t("v_mylistings_counts", total=counts.total, paused=counts.paused,
                 stale=counts.stale, days=self.stale_after.days)

    def _listing_line(self, listing: Listing, now: datetime) -> str:
        checked = listing.last_verified_at
        stale = checked is None or now - checked > self.stale_after
        mark = " " + t("v_stale_mark") if stale else ""
        paused = " " + t("v_paused_mark") if listing.status == "temporarily_closed" else ""
        return f"• {listing.name} [{listing.slug}]{paused}{mark}"

    def _pick(self, turn: Turn, command: str, actor: Actor, arg: str) -> None:
        """Start a flow on one listing: the one the command's words name (_find), or
        picked from buttons a page at a time; /verify all: every one of theirs."""
        turn.state.flow = {"cmd": command}
        if command == "verify" and arg.casefold() == t("v_arg_all"):
            self._ask_verify_all(turn, actor)
        elif arg:
            self._find(turn, actor, arg)
        else:
            self._show_page(turn, actor, 0)

    def _near(self, words: str) -> list[tuple[float, float]]:
        """Where the words name a place ("Doncaster", "DN1"): its point, for the finder."""
        found = self.gazetteer.resolve(words[:100])
        place = found.place if found.status == "found" else None
        return [(place.latitude, place.longitude)] if place is not None else []

    def _find(self, turn: Turn, actor: Actor, words: str) -> None:
        """The listings the words name (directory/curation.py `find_listings`: slug or
        id, name, then like it, or in the town): one goes straight on (one that is not
        theirs is refused); several make a shorter picker; none, "I couldn't find" and
        the whole picker. The flow keeps the matches' ids, never the words."""
        flow = turn.state.flow
        command = flow.get("cmd", "edit")
        found = curation.find_listings(turn.session, self._scope(actor), words,
                                       self._near(words))
        flow.pop("ids", None)
        if len(found) == 1 and command != "mylistings":
            chosen = self._listing_for(turn, actor, command, found[0].id)
            if chosen is not None:
                self._picked(turn, actor, chosen)
            return
        found = [x for x in found if actor.is_admin or actor.volunteers_for(x.organisation_id)]
        if not found:
            self._show_page(turn, actor, 0, t("v_not_found", words=turn.quote(words)))
            return
        flow["ids"] = [x.id for x in found]
        many = len(found) >= curation.MAX_FOUND  # the closest MAX_FOUND, of more
        self._show_page(turn, actor, 0, t("v_found_many" if many else "v_found",
                                          n=len(found)))

    def _show_page(self, turn: Turn, actor: Actor, page: int, intro: str = "") -> None:
        """A page of the flow's listings (the finder's matches, or all of theirs): to
        pick one from (step v_pick), or for /mylistings to read (v_list); Previous and
        Next when there are more. The flow keeps the page number."""
        flow = turn.state.flow
        command = flow.get("cmd", "edit")
        reading = command == "mylistings"
        scope, ids = self._scope(actor), flow.get("ids")
        # /mylistings and /verify show the listings not checked for a while first.
        stale_before = turn.now - self.stale_after if command in ("mylistings", "verify") \
            else None
        listings, total = curation.listing_page(turn.session, scope, page, MAX_LISTED, ids,
                                                stale_before)
        pages = max(1, -(-total // MAX_LISTED))
        if not 0 <= page < pages:
            page = min(max(page, 0), pages - 1)
            listings, total = curation.listing_page(turn.session, scope, page, MAX_LISTED,
                                                    ids, stale_before)
        if not total:
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(t("v_no_listings"))
            return
        flow["page"] = page
        lines = [intro] if intro else []
        lines.append(self._counts(curation.listing_counts(
            turn.session, scope, turn.now - self.stale_after)) if reading else t("v_pick"))
        if pages > 1:
            lines.append(t("v_page", page=page + 1, pages=pages, total=total))
        lines += [self._listing_line(x, turn.now) for x in listings]
        rows: list[tuple[Button, ...]] = [] if reading else [
            (Button(x.name[:60], f"vl{x.id}"),) for x in listings]
        nav = ((b("v_b_previous", f"{PAGE}{page - 1}"),) if page > 0 else ()) + \
            ((b("v_b_next", f"{PAGE}{page + 1}"),) if page < pages - 1 else ())
        if nav:
            rows.append(nav)
        if command == "verify" and total > 1:
            rows.append((b("v_b_verify_all", ALL, n=total),))
        rows.append((b("v_b_done" if reading else "v_b_cancel", "vx"),))
        turn.state.step = VStep.LIST if reading else VStep.PICK
        turn.say("\n".join(lines), tuple(rows))

    def _paged(self, turn: Turn) -> bool:
        """Previous or Next, or typed words to narrow the listings down: True if it was
        one of these, and is answered."""
        payload = turn.msg.payload or ""
        page = _id(payload, PAGE, 4)
        if page is None and (payload or not turn.text):
            return False
        actor = self._volunteer(turn, turn.state.flow.get("cmd", "edit"))
        if actor is not None:
            if page is not None:
                self._show_page(turn, actor, page)
            else:
                self._find(turn, actor, turn.text)
        return True

    def step_list(self, turn: Turn) -> None:
        if not self._paged(turn):
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(t("v_list_done"))

    def step_pick(self, turn: Turn) -> None:
        if self._paged(turn):
            return
        command = turn.state.flow.get("cmd", "edit")
        if turn.msg.payload == ALL and command == "verify":
            actor = self._volunteer(turn, "verify")
            if actor is not None:
                self._ask_verify_all(turn, actor)
            return
        listing_id = _id(turn.msg.payload or "", "vl")
        actor = self.actor(turn)
        if listing_id is None:
            self._cancel(turn)
            return
        listing = self._listing_for(turn, actor, command, listing_id)
        if listing is not None:
            self._picked(turn, actor, listing)

    def _picked(self, turn: Turn, actor: Actor, listing: Listing) -> None:
        command = turn.state.flow.get("cmd")
        turn.state.flow["listing"] = listing.id
        if command == "edit":
            turn.state.step = VStep.FIELD
            rows = [tuple(Button(t("v_f_" + f.key), f"vf{i}")
                          for i, f in enumerate(FIELDS[k:k + 3], k))
                    for k in range(0, len(FIELDS), 3)]
            turn.say(t("v_which_field", name=listing.name),
                     tuple(rows) + ((b("v_b_cancel", "vx"),),))
        elif command == "pause":
            turn.state.step = VStep.NOTE
            rows: tuple[tuple[Button, ...], ...] = (
                (b("v_b_no_note", "vn0"), b("v_b_cancel", "vx")),)
            text = t("v_pause_note", name=listing.name)
            # Others of theirs meet at the same venue: it may be the venue that is closed.
            venue = curation.same_venue(turn.session, listing, self._scope(actor))
            if len(venue) > 1:
                text += "\n" + t("v_pause_venue_hint", n=len(venue) - 1, venue=_venue(listing))
                rows = ((b("v_b_pause_venue", ALL, n=len(venue)),),) + rows
            turn.say(text, rows)
        elif command == "resume":
            self._draft(turn, actor, listing, "resume", "status",
                        {"status": "active", "status_note": None})
        elif command == "verify":
            self._allowed(turn, actor, "verify", listing.organisation_id)
            curation.verify(turn.session, listing, actor.name, turn.now)
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(t("v_verified", name=listing.name))
        elif command == "history":
            self._allowed(turn, actor, "history", listing.organisation_id)
            self._history(turn, listing)

    def cmd_edit(self, turn: Turn, arg: str) -> None:
        if (actor := self._volunteer(turn, "edit")) is not None:
            self._pick(turn, "edit", actor, arg)

    def cmd_pause(self, turn: Turn, arg: str) -> None:
        if (actor := self._volunteer(turn, "pause")) is not None:
            self._pick(turn, "pause", actor, arg)

    def cmd_resume(self, turn: Turn, arg: str) -> None:
        if (actor := self._volunteer(turn, "resume")) is not None:
            self._pick(turn, "resume", actor, arg)

    def cmd_verify(self, turn: Turn, arg: str) -> None:
        if (actor := self._volunteer(turn, "verify")) is not None:
            self._pick(turn, "verify", actor, arg)

    def cmd_history(self, turn: Turn, arg: str) -> None:
        if (actor := self._volunteer(turn, "history")) is not None:
            self._pick(turn, "history", actor, arg)

    def _history(self, turn: Turn, listing: Listing) -> None:
        revisions = curation.history(turn.session, listing.id, 10)
        # Applied changes are revisions; proposals not (or not yet) applied are change
        # requests: both are shown, newest first, with who and when.
        proposals = curation.proposals_for(turn.session, listing.id, 10)
        # A revision credits its author, and the admin who approved it if someone did.
        entries = [(r.at, _who(r.actor) + (" " + t("v_history_approved", who=_who(
            r.approved_by)) if r.approved_by else "") + f" · {r.action}: " + ", ".join(
            sorted(r.after))[:120]) for r in revisions]
        entries += [(c.created_at, f"{_who(Actor('', c.person_id))} · {c.kind} "
                     f"{t('v_f_' + c.field).lower()}: {c.status}"
                     + (f" ({c.reason[:80]})" if c.reason else "")) for c in proposals]
        entries.sort(key=lambda e: e[0], reverse=True)  # type: ignore[arg-type, return-value]
        lines = [t("v_history", name=listing.name)]
        for when, what in entries[:12]:
            lines.append(f"• {when:%d %b %Y %H:%M} · {what}")
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say("\n".join(lines))

    # -- editing a field ------------------------------------------------------------

    def step_field(self, turn: Turn) -> None:
        i = _id(turn.msg.payload or "", "vf")
        if i is None or i >= len(FIELDS):
            self._cancel(turn)
            return
        field = FIELDS[i]
        turn.state.flow["field"] = field.key
        turn.state.step = VStep.VALUE
        turn.say(t("v_type_value", field=t("v_f_" + field.key),
                   example=example(field, current_language())), ((b("v_b_cancel", "vx"),),))

    def step_value(self, turn: Turn) -> None:
        flow = turn.state.flow
        if turn.msg.payload or not turn.text:
            self._cancel(turn)
            return
        field = BY_KEY[flow["field"]]
        try:
            values = field.parse(turn.text, self.gazetteer)
        except Invalid as exc:
            turn.say(t(exc.key, **exc.values) + "\n" + t("v_try_again"),
                     ((b("v_b_cancel", "vx"),),))
            return
        actor = self.actor(turn)
        listing = self._listing_for(turn, actor, "edit", flow["listing"])
        if listing is not None:
            self._draft(turn, actor, listing, "edit", field.key, values)

    def step_note(self, turn: Turn) -> None:
        if turn.msg.payload == "vx":
            self._cancel(turn)
            return
        actor = self.actor(turn)
        listing = self._listing_for(turn, actor, "pause", turn.state.flow.get("listing", -1))
        if listing is None:
            return
        if turn.msg.payload == ALL:  # every listing at its venue, then the note
            venue = curation.same_venue(turn.session, listing, self._scope(actor))
            turn.state.flow["venue"] = 1
            turn.say(t("v_pause_venue_note", n=len(venue), venue=_venue(listing)),
                     ((b("v_b_no_note", "vn0"), b("v_b_cancel", "vx")),))
            return
        note = None if turn.msg.payload == "vn0" else turn.text[:300] or None
        values = {"status": "temporarily_closed", "status_note": note}
        if turn.state.flow.get("venue"):
            self._draft_venue(turn, actor, listing, values)
        else:
            self._draft(turn, actor, listing, "pause", "status", values)

    # -- several listings at once ---------------------------------------------------------

    def _draft_venue(self, turn: Turn, actor: Actor, listing: Listing,
                     values: dict[str, Any]) -> None:
        """The pause of every listing of theirs at the listing's venue, drafted as one
        batch (one /undo), to confirm (step v_bulk)."""
        listings = curation.same_venue(turn.session, listing, self._scope(actor))
        batch = curation.draft_many(turn.session, listings, actor.person_id or 0, "pause",
                                    "status", values, turn.now)
        turn.state.flow, turn.state.step = {"cmd": "pause", "batch": batch}, VStep.BULK
        names = [f"• {x.name} [{x.slug}]" for x in listings[:MAX_LISTED]]
        if len(listings) > MAX_LISTED:
            names.append(t("v_and_more", n=len(listings) - MAX_LISTED))
        turn.say(t("v_preview_venue", n=len(listings), venue=_venue(listing),
                   names="\n".join(names), before=t("v_status_active"),
                   after=t("v_status_temporarily_closed")),
                 ((b("v_b_confirm", "vy"), b("v_b_cancel", "vx")),))

    def _ask_verify_all(self, turn: Turn, actor: Actor) -> None:
        """/verify all, or "All N" in the verify picker: mark them all checked? (v_bulk)"""
        ids = turn.state.flow.get("ids")
        _, n = curation.listing_page(turn.session, self._scope(actor), 0, 1, ids)
        if not n:
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(t("v_no_listings"))
            return
        turn.state.flow = {"cmd": "verify"} | ({"ids": ids} if ids is not None else {})
        turn.state.step = VStep.BULK
        turn.say(t("v_verify_all", n=n),
                 ((b("v_b_verify_confirm", "vy", n=n), b("v_b_cancel", "vx")),))

    def step_bulk(self, turn: Turn) -> None:
        """Confirm a change to several listings: /verify all's, or a venue's pause."""
        flow = turn.state.flow
        if turn.msg.payload != "vy":
            self._cancel(turn)
            return
        if flow.get("batch"):
            self._save_batch(turn, flow["batch"])
            return
        actor = self._volunteer(turn, "verify")
        if actor is None:
            return
        listings = curation.listings_among(turn.session, self._scope(actor), flow.get("ids"))
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if not listings:
            turn.say(t("v_no_listings"))
            return
        for org in sorted({x.organisation_id for x in listings}):
            self._allowed(turn, actor, "verify", org)
        curation.verify_many(turn.session, listings, actor.name, turn.now)
        turn.say(t("v_verified_many", n=len(listings)))

    def _save_batch(self, turn: Turn, batch: str) -> None:
        """Submit every drafted change of the batch: applied at once (trusted people),
        or waiting for review (admins told once); none if a listing is no longer theirs."""
        changes = curation.batch_drafts(turn.session, batch)
        if not changes:
            self._cancel(turn)
            return
        actor = self.actor(turn)
        listings = [turn.session.get(Listing, c.listing_id) for c in changes]
        barred = [x for x in listings if x is None
                  or not (actor.is_admin or actor.volunteers_for(x.organisation_id))]
        if barred:
            curation.cancel_batch(turn.session, batch)
            self._refuse(turn, actor, changes[0].kind,
                         barred[0].organisation_id if barred[0] else None)
            return
        for org in sorted({x.organisation_id for x in listings if x is not None}):
            self._allowed(turn, actor, changes[0].kind, org)
        trusted = actor.is_admin or actor.trusted
        outcomes = [curation.submit(turn.session, c, actor.name, trusted, turn.now).status
                    for c in changes]
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        applied = sum(o in ("applied", "unchanged") for o in outcomes)
        pending, conflicts = outcomes.count("pending"), outcomes.count("conflict")
        lines = [t("v_paused_many", n=applied)] if applied else []
        if pending:
            lines.append(t("v_pending_many", n=pending))
            notify(turn.session, access.admins(turn.session), turn.now,
                   "v_n_review_many", n=pending)
        if conflicts:
            lines.append(t("v_conflict_many", n=conflicts))
        turn.say("\n".join(lines))

    def _draft(self, turn: Turn, actor: Actor, listing: Listing, kind: str, field: str,
               values: dict[str, Any]) -> None:
        change = curation.draft(turn.session, listing, actor.person_id or 0, kind, field,
                                values, turn.now)
        turn.state.flow = {"change": change.id}
        turn.state.step = VStep.CONFIRM
        before = _show(curation.typed(change.before)) if kind == "edit" else \
            t("v_status_" + listing.status)
        after = _show(values) if kind == "edit" else t("v_status_" + values["status"])
        turn.say(t("v_preview", name=listing.name, field=t("v_f_" + field),
                   before=before, after=after),
                 ((b("v_b_confirm", "vy"), b("v_b_cancel", "vx")),))

    def step_confirm(self, turn: Turn) -> None:
        change = turn.session.get(curation.ChangeRequest, turn.state.flow.get("change", -1))
        if change is None or change.status != "draft":
            self._cancel(turn)
            return
        if turn.msg.payload != "vy":
            change.status = "cancelled"
            self._cancel(turn)
            return
        actor = self.actor(turn)
        listing = self._listing_for(turn, actor, change.kind, change.listing_id)
        if listing is None:
            change.status = "cancelled"
            return
        self._allowed(turn, actor, change.kind, listing.organisation_id)
        trusted = actor.is_admin or actor.trusted
        outcome = curation.submit(turn.session, change, actor.name, trusted, turn.now)
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if outcome.status == "conflict":
            turn.say(t("v_conflict", name=listing.name, now=_show(
                curation.typed(outcome.now_values)) if change.kind == "edit" else
                t("v_status_" + listing.status)))
        elif outcome.status == "pending":
            turn.say(t("v_pending"))
            notify(turn.session, access.admins(turn.session), turn.now,
                   "v_n_review", name=listing.name)
        else:
            turn.say(t("v_applied", name=listing.name))

    # -- undo -----------------------------------------------------------------------

    def cmd_undo(self, turn: Turn, _arg: str) -> None:
        actor = self._volunteer(turn, "undo")
        if actor is None:
            return
        # Undo belongs to a change's author, even once an admin approved it; an admin's
        # also reaches the last change they approved.
        revision = curation.last_revision_by(turn.session, actor.name,
                                             approved_too=actor.is_admin)
        if revision is None:
            turn.say(t("v_nothing_to_undo"))
            return
        if self._listing_for(turn, actor, "undo", revision.entity_id) is None:
            return
        self._allowed(turn, actor, "undo")
        outcome = curation.undo(turn.session, revision, actor.name)
        turn.say(t("v_undone") if outcome.status == "applied" else t("v_undo_conflict"))

    # -- adding a group -------------------------------------------------------------

    ADD_STEPS = ("name", "schedule", "times", "attendance", "where")

    def cmd_addgroup(self, turn: Turn, _arg: str) -> None:
        actor = self._volunteer(turn, "addgroup")
        if actor is None:
            return
        orgs = sorted(actor.organisations)
        if actor.is_admin and not orgs:
            turn.say(t("v_addgroup_admin"))
            return
        turn.state.flow = {"cmd": "addgroup", "org": orgs[0], "values": {}, "at": 0}
        turn.state.step = VStep.ADD
        if len(orgs) > 1:
            names = curation.organisation_names(turn.session, orgs)
            turn.state.flow["at"] = -1
            turn.say(t("v_add_which_org"),
                     tuple((Button(names[o][:60], f"vo{o}"),) for o in orgs)
                     + ((b("v_b_cancel", "vx"),),))
            return
        self._ask_add(turn)

    def _ask_add(self, turn: Turn) -> None:
        what = self.ADD_STEPS[turn.state.flow["at"]]
        if what == "attendance":
            turn.say(t("v_add_attendance"), ((b("v_b_in_person", "va0"),
                                               b("v_b_online", "va1"),
                                               b("v_b_hybrid", "va2")),
                                              (b("v_b_cancel", "vx"),)))
            return
        key = "v_add_where_online" if what == "where" and \
            turn.state.flow["values"].get("attendance") == "online" else f"v_add_{what}"
        turn.say(t(key), ((b("v_b_cancel", "vx"),),))

    def step_add(self, turn: Turn) -> None:
        flow, payload = turn.state.flow, turn.msg.payload or ""
        if payload == "vx":
            self._cancel(turn)
            return
        actor = self.actor(turn)
        if flow.get("at") == -1:
            org = _id(payload, "vo")
            if org is None or not actor.volunteers_for(org):
                self._refuse(turn, actor, "addgroup", org)
                return
            flow.update(org=org, at=0)
            self._ask_add(turn)
            return
        if flow.get("at") == len(self.ADD_STEPS):
            self._add_confirm(turn, actor, payload)
            return
        what = self.ADD_STEPS[flow["at"]]
        values: dict[str, Any] = flow["values"]
        try:
            values.update(self._add_value(what, turn, values))
        except Invalid as exc:
            turn.say(t(exc.key, **exc.values) + "\n" + t("v_try_again"),
                     ((b("v_b_cancel", "vx"),),))
            return
        flow["at"] += 1
        if flow["at"] < len(self.ADD_STEPS):
            self._ask_add(turn)
            return
        preview = "\n".join(f"{t('v_f_' + k)}: {_show(curation.typed(v))}"
                            for k, v in self._grouped(values).items())
        turn.say(t("v_add_preview", preview=preview),
                 ((b("v_b_confirm", "vy"), b("v_b_cancel", "vx")),))

    def _add_value(self, what: str, turn: Turn, values: dict[str, Any]) -> dict[str, Any]:
        payload = turn.msg.payload or ""
        if what == "attendance":
            i = _id(payload, "va")
            if i is None or i > 2:
                raise Invalid("v_add_attendance")
            return {"attendance": ("in_person", "online", "hybrid")[i]}
        if not turn.text:
            raise Invalid("v_empty")
        if what == "name":
            return curation.jsonable(BY_KEY["name"].parse(turn.text, self.gazetteer))
        if what == "schedule":
            return curation.jsonable(parse_schedule(turn.text, turn.now.date()))
        if what == "times":
            return curation.jsonable(BY_KEY["times"].parse(turn.text, self.gazetteer))
        key = "join" if values.get("attendance") == "online" else "postcode"
        return curation.jsonable(BY_KEY[key].parse(turn.text, self.gazetteer))

    @staticmethod
    def _grouped(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for f in FIELDS:
            picked = {c: values[c] for c in f.columns if c in values}
            if picked:
                out[f.key] = picked
        return out

    def _add_confirm(self, turn: Turn, actor: Actor, payload: str) -> None:
        flow = turn.state.flow
        if payload != "vy" or not actor.volunteers_for(flow["org"]):
            if payload == "vy":
                self._refuse(turn, actor, "addgroup", flow["org"])
            else:
                self._cancel(turn)
            return
        org = turn.session.get(Organisation, flow["org"])
        assert org is not None
        values = curation.typed(flow["values"])
        trusted = actor.is_admin or actor.trusted
        base = f"{org.slug}-{re.sub(r'[^a-z0-9]+', '-', values['name'].lower()).strip('-')}"
        slug = curation.free_slug(turn.session, base)
        # Untrusted volunteers' new groups wait, unseen (closed), until an admin approves.
        record = ListingRecord(
            slug=slug[:160], organisation_slug=org.slug, needs=["recovery_community"],
            status="active" if trusted else "closed",
            status_note=None if trusted else "Waiting for review",
            last_verified_at=turn.now, last_verified_by=actor.name, source="volunteer",
            **values)
        upsert_listing(turn.session, record, actor.name)
        self._allowed(turn, actor, "addgroup", org.id)
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if trusted:
            turn.say(t("v_applied", name=values["name"]))
            return
        listing = curation.listing_by_slug(turn.session, record.slug)
        assert listing is not None
        change = curation.draft(turn.session, listing, actor.person_id or 0, "add",
                                "status", {"status": "active", "status_note": None},
                                turn.now)
        change.status = "pending"
        turn.say(t("v_pending"))
        notify(turn.session, access.admins(turn.session), turn.now,
               "v_n_review", name=values["name"])

    # -- admins ---------------------------------------------------------------------

    def _admin(self, turn: Turn, command: str) -> Actor | None:
        actor = self.actor(turn)
        if not actor.is_admin:
            self._refuse(turn, actor, command)
            return None
        self._allowed(turn, actor, command)
        return actor

    def _organisation(self, turn: Turn, command: str, arg: str) -> Organisation | None:
        """The organisation the admin named (directory/curation.py `find_organisation`);
        else None, and they were asked which one they meant (buttons, step v_org), told
        none was found, or shown how the command is used."""
        if not arg.strip():
            turn.say(t(f"v_{command}_usage"))
            return None
        found = curation.find_organisation(turn.session, arg)
        if found.chosen is not None:
            return found.chosen
        typed = turn.quote(arg.strip())
        if not found.choices:
            turn.say(t("v_org_none", text=typed, command=command))
            return None
        text = t("v_org_which" if found.close else "v_org_maybe", text=typed)
        if found.more:
            text += "\n" + t("v_org_more", n=found.more)
        turn.state.flow, turn.state.step = {"cmd": command}, VStep.ORG
        turn.say(text, tuple((Button(o.name[:60], f"vg{o.id}"),) for o in found.choices)
                 + ((b("v_b_cancel", "vx"),),))
        return None

    def step_org(self, turn: Turn) -> None:
        command = turn.state.flow.get("cmd", "")
        org_id = _id(turn.msg.payload or "", "vg")
        org = turn.session.get(Organisation, org_id) if org_id is not None else None
        if org is None or command not in ("invite", "volunteers"):
            self._cancel(turn)
            return
        actor = self._admin(turn, command)
        if actor is None:
            return
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if command == "invite":
            self._invite(turn, actor, org)
        else:
            self._volunteers(turn, org)

    def cmd_invite(self, turn: Turn, arg: str) -> None:
        actor = self._admin(turn, "invite")
        if actor is None:
            return
        org = self._organisation(turn, "invite", arg)
        if org is not None:
            self._invite(turn, actor, org)

    def _invite(self, turn: Turn, actor: Actor, org: Organisation) -> None:
        code = access.create_invite(turn.session, org.id, actor.person_id or 0, turn.now)
        text = t("v_invite", org=org.name, code=code, days=access.INVITE_TTL.days)
        if self.invite_link:
            text += "\n" + self.invite_link.format(code=code.replace("-", ""))
        turn.say(text)

    def cmd_volunteers(self, turn: Turn, arg: str) -> None:
        if self._admin(turn, "volunteers") is None:
            return
        org = self._organisation(turn, "volunteers", arg)
        if org is not None:
            self._volunteers(turn, org)

    def _volunteers(self, turn: Turn, org: Organisation) -> None:
        people = access.volunteers_of(turn.session, org.id)
        if not people:
            turn.say(t("v_volunteers_none", org=org.name))
            return
        lines = [t("v_volunteers", org=org.name)]
        rows = []
        for person_id, trusted in people:
            lines.append(f"• #{person_id}" + (" " + t("v_trusted_mark") if trusted else ""))
            rows.append((Button(t("v_b_remove", n=person_id), f"vr{person_id}"),)
                        + (() if trusted else (Button(t("v_b_trust", n=person_id),
                                                      f"vt{person_id}"),)))
        turn.state.flow, turn.state.step = {"org": org.id}, VStep.MANAGE
        turn.say("\n".join(lines), tuple(rows) + ((b("v_b_cancel", "vx"),),))

    def step_manage(self, turn: Turn) -> None:
        actor = self._admin(turn, "volunteers")
        if actor is None:
            return
        payload, org = turn.msg.payload or "", turn.state.flow.get("org")
        if (person := _id(payload, "vr")) is not None and org is not None:
            access.remove_volunteer(turn.session, person, org)
            turn.say(t("v_removed", n=person))
        elif (person := _id(payload, "vt")) is not None:
            row = turn.session.get(access.Person, person)
            if row is not None:
                row.trusted = True
            turn.say(t("v_now_trusted", n=person))
        turn.state.flow, turn.state.step = {}, CONVERSATION_START

    def cmd_trust(self, turn: Turn, arg: str) -> None:
        if self._admin(turn, "trust") is None:
            return
        person = turn.session.get(access.Person, int(arg)) if arg.strip().isdigit() else None
        if person is None:
            turn.say(t("v_trust_usage"))
            return
        person.trusted = True
        turn.say(t("v_now_trusted", n=person.id))

    def cmd_review(self, turn: Turn, _arg: str) -> None:
        if self._admin(turn, "review") is not None:
            self._next_review(turn, self._attention(turn) + "\n\n")

    def _attention(self, turn: Turn) -> str:
        """What waits for the admins, at a glance: counts, and the organisations with
        the most listings not checked for a while."""
        waiting = curation.attention(turn.session, turn.now, self.stale_after)
        lines = [t("v_attention", changes=waiting.changes, reports=waiting.reports)]
        if waiting.stale:
            orgs = "; ".join(f"{name}: {n}" for name, n in waiting.stale[:ATTENTION_ORGS])
            if len(waiting.stale) > ATTENTION_ORGS:
                orgs = t("v_attention_more", orgs=orgs,
                         n=len(waiting.stale) - ATTENTION_ORGS)
            lines.append(t("v_attention_stale", days=self.stale_after.days, orgs=orgs))
        return "\n".join(lines)

    def _next_review(self, turn: Turn, head: str = "") -> None:
        queue = curation.pending(turn.session)
        if not queue:
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(head + t("v_review_empty"))
            return
        change = queue[0]
        listing = turn.session.get(Listing, change.listing_id)
        assert listing is not None
        if change.kind == "edit":
            what = t("v_review_edit", field=t("v_f_" + change.field),
                     before=_show(curation.typed(change.before)),
                     after=_show(curation.typed(change.after)))
        else:
            what = t("v_review_" + change.kind)
        turn.state.flow, turn.state.step = {"change": change.id}, VStep.REVIEW
        turn.say(head + t("v_review", n=len(queue), name=listing.name,
                          who=change.person_id, what=what),
                 ((b("v_b_approve", f"vp{change.id}"), b("v_b_reject", f"vj{change.id}")),
                  (b("v_b_cancel", "vx"),)))

    def step_review(self, turn: Turn) -> None:
        actor = self._admin(turn, "review")
        if actor is None:
            return
        payload = turn.msg.payload or ""
        approve, reject = _id(payload, "vp"), _id(payload, "vj")
        change = turn.session.get(curation.ChangeRequest, approve or reject or -1)
        if change is None or change.status != "pending":
            self._cancel(turn)
            return
        listing = turn.session.get(Listing, change.listing_id)
        assert listing is not None
        if reject is not None:
            turn.state.flow, turn.state.step = {"change": change.id}, VStep.REASON
            turn.say(t("v_reject_reason"), ((b("v_b_cancel", "vx"),),))
            return
        # The revision credits the volunteer who proposed it, and the admin as approver.
        outcome = curation.apply(turn.session, change, Actor("", change.person_id).name,
                                 turn.now, actor.person_id, approved_by=actor.name)
        key = "v_n_approved" if outcome.status != "conflict" else "v_n_conflict"
        notify(turn.session, [change.person_id], turn.now, key, name=listing.name)
        turn.say(t("v_approved") if outcome.status != "conflict" else t("v_review_conflict"))
        self._next_review(turn)

    def step_reason(self, turn: Turn) -> None:
        actor = self._admin(turn, "review")
        if actor is None:
            return
        change = turn.session.get(curation.ChangeRequest, turn.state.flow.get("change", -1))
        if turn.msg.payload == "vx" or change is None or change.status != "pending":
            self._cancel(turn)
            return
        reason = turn.text[:500] or t("v_no_reason")
        curation.reject(change, reason, actor.person_id or 0, turn.now)
        listing = turn.session.get(Listing, change.listing_id)
        name = listing.name if listing else ""
        notify(turn.session, [change.person_id], turn.now, "v_n_rejected", name=name,
               reason=reason)
        turn.say(t("v_rejected"))
        self._next_review(turn)

    def cmd_stale(self, turn: Turn, _arg: str) -> None:
        if self._admin(turn, "stale") is None:
            return
        listings = curation.stale(turn.session, turn.now, self.stale_after)
        if not listings:
            turn.say(t("v_stale_none"))
            return
        lines = [t("v_stale", n=len(listings), days=self.stale_after.days)]
        lines += [self._listing_line(x, turn.now) for x in listings[:MAX_LISTED]]
        turn.say("\n".join(lines))

    # -- shared -----------------------------------------------------------------------

    def _drop_change(self, turn: Turn) -> None:
        change_id = turn.state.flow.get("change")
        if change_id is not None:
            change = turn.session.get(curation.ChangeRequest, change_id)
            if change is not None and change.status == "draft":
                change.status = "cancelled"
        if turn.state.flow.get("batch"):
            curation.cancel_batch(turn.session, turn.state.flow["batch"])

    def _cancel(self, turn: Turn) -> None:
        self._drop_change(turn)
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say(t("v_cancelled"))

    def deep_link(self, turn: Turn, arg: str) -> bool:
        if not arg.startswith("volunteer-"):  # an invite's link, /start volunteer-CODE
            return False
        self.cmd_volunteer(turn, arg)
        return True

    def left(self, turn: Turn, step: str, flow: dict) -> None:
        """A change drafted in the flow left and never confirmed is cancelled."""
        batch = flow.get("batch")  # several drafted as one (a venue's pauses)
        if batch and not (turn.state.step in self.steps
                          and turn.state.flow.get("batch") == batch):
            curation.cancel_batch(turn.session, batch)
        change = flow.get("change")
        if change is None or (turn.state.step in self.steps
                              and turn.state.flow.get("change") == change):
            return
        row = turn.session.get(curation.ChangeRequest, change)
        if row is not None and row.status == "draft":
            row.status = "cancelled"

    def forget(self, session: Session, ref: ConversationRef) -> None:
        access.forget(session, ref.platform, ref.user_id)

    def language_changed(self, turn: Turn) -> None:
        """A volunteer or admin chose a language: their notifications come in it."""
        ref = turn.msg.ref
        access.set_language(turn.session, ref.platform, ref.user_id, turn.state.language)

    def listing_reported(self, session: Session, listing: Listing, now: datetime) -> None:
        """A problem report reaches the organisation's volunteers and the admins; it says
        nothing about who reported it."""
        people = [p for p, _ in access.volunteers_of(session, listing.organisation_id)]
        notify(session, people + access.admins(session), now, "v_n_report",
               name=listing.name)


def notify(session: Session, person_ids: list[int], now: datetime, key: str,
           **values: object) -> None:
    """A notification to these people (bot/outbox.py), each written in their own
    language (bot/access.py `Person.language`), not in the language of whoever's turn
    caused it."""
    for language, targets in access.contacts_by_language(session, person_ids).items():
        outbox.enqueue(session, targets, t(key, language, **values), now)


def _venue(listing: Listing) -> str:
    """Where a listing meets, as its volunteers know it."""
    return listing.venue_name or listing.address or listing.postcode or listing.name


def _who(actor: str | Actor) -> str:
    """Who a listing's history says made a change (a revision's actor, or the person
    who proposed it): "a former volunteer" once they have sent /forget (bot/access.py
    `forget` leaves FORMER_ACTOR and FORMER_PERSON)."""
    if isinstance(actor, Actor):
        if actor.person_id == curation.FORMER_PERSON:
            return t("v_former_volunteer")
        actor = actor.name
    return t("v_former_volunteer") if actor == curation.FORMER_ACTOR else actor


def remind_stale(session: Session, now: datetime, after: timedelta) -> int:
    """Remind volunteers of listings not checked for `after`, at most once per period.
    Returns how many listings were reminded about."""
    count = 0
    for listing in curation.stale(session, now, after):
        last = listing.stale_reminded_at
        if last is not None and now - last < after:
            continue
        people = [p for p, _ in access.volunteers_of(session, listing.organisation_id)]
        if not people:
            continue
        notify(session, people, now, "v_n_stale", name=listing.name, slug=listing.slug)
        curation.mark_stale_reminded(session, listing.id, now)
        count += 1
    return count


def _show(values: dict[str, Any]) -> str:
    """A value as the volunteer reads it in a preview, in the turn's language: a schedule
    worded by the catalogue (bot/wording.py), "(none)" translated; other values as
    directory/fields.py shows them."""
    lang = current_language()
    if "schedule_kind" in values:
        return describe_schedule(Schedule(values["schedule_kind"],
                                          tuple(values.get("days") or ()),
                                          tuple(values.get("month_weeks") or ())), lang)
    text = show(values)
    return t("v_none_value") if text == NONE_SHOWN else text
