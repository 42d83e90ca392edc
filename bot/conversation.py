"""The conversation: a small explicit state machine (diagram: conversation.mmd).

Every message goes through `Conversation.handle`:
1. the crisis check, on the raw text, before anything else and with no database; danger
   gets the contacts that fit it first (bot/crisis/reply.py), then only a message that
   asks for a search (a place, or online) goes on, and a turn that waits too long for
   the database is dropped so the contacts go out alone (docs/crisis-check.md);
2. global commands (/start, /help, /crisis, /privacy, /forget, /cancel);
3. a shared location, or words that already say what and where ("I'm in Leeds and
   drinking too much"), which go straight to results from any step;
4. the handler of the current step, from the STEPS table.
State is loaded from and saved to the database around each message; it holds need codes
and a coarse place, never what the person typed.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, sessionmaker

import bot.state
from bot import claims
from bot.catalogue import CATALOGUES, current_language, speak, speaking, t
from bot.crisis import CrisisSignal, Reading, read
from bot.crisis.reply import crisis_reply, fallback_replies, signpost_reply, unsafe_reply
from bot.features import Feature, Turn, b, payload_number
from bot.language_words import HOME_NATIONS, choice_number, detect_language, yes_no
from bot.state import PlaceMemo, State
from bot.types import MAX_REPLY_CHARS, Button, Incoming, PlaceCard, Reply
from bot.wording import describe_schedule, describe_when, distance, format_date
from directory.db import scrub
from directory.filters import DAYS, Filters, find_filters
from directory.finder import ListingView, Request, load_views, understand_request, view
from directory.freshness import DEFAULT_STALE_AFTER
from directory.geography import Gazetteer, GeoResult
from directory.models import REPORT_REASONS, Listing, ProblemReport
from directory.schedule import LONDON, Schedule, next_occurrence
from directory.search import DirectorySearch, Query

log = logging.getLogger(__name__)


PAGE = 5
# Words beyond this are not read for needs and places (the crisis check reads them all).
MAX_UNDERSTOOD_CHARS = 1000
# The need buttons, in order; their payloads are positions ("n0"), never the need itself,
# because button data travels through the platforms (UK GDPR Art. 9, REFERENCE.md).
NEED_BUTTONS = ("alcohol", "drugs", "gambling", "family", "mental_health")
# "online only", "on Zoom": the person wants meetings they can join from anywhere.
ONLINE_WORDS = re.compile(r"\b(?:online|on-line|zoom|virtual)\b", re.IGNORECASE)
NO_DANGER = Reading(None)
# The commands every platform menu shows; features add theirs per role (menu()).
CORE_MENU = ("start", "help", "crisis", "privacy", "forget", "language")
MENU_RANKS: dict[str | None, tuple[str, ...]] = {
    None: ("everyone",), "volunteer": ("everyone", "volunteer"),
    "admin": ("everyone", "volunteer", "admin"),
}
# How long first_aid waits for the stored place (to choose the nation's lines).
FIRST_AID_LOOKUP_SECONDS = 0.25
# National helplines shown with the online meetings when nothing meets nearby.
HELPLINES_SHOWN = 3


class Step(enum.StrEnum):
    NEW = "new"
    NEEDS = "needs"
    PLACE = "place"
    CHOOSE_PLACE = "choose_place"
    RESULTS = "results"
    DETAILS = "details"
    REPORT = "report"
    CONFIRM_FORGET = "confirm_forget"


@dataclass
class Config:
    ttl: timedelta = timedelta(hours=24)
    radius_km: float = 25.0
    # A danger message's turn (the contacts, then the search it asked for) waits at most
    # this long for the database; then the contacts go out alone (Conversation._handle).
    crisis_wait_seconds: float = 2.0
    # Any other turn: then "I can't search right now" and the contacts. Under the
    # platforms' patience (Discord: 15 minutes for a deferred answer) and well under a
    # SIGTERM's 10 s grace (adapters/cli.py STOP_DEADLINE), so a stop never waits on it.
    turn_wait_seconds: float = 8.0
    # A listing checked longer ago than this is "not checked recently" in its details
    # (STALE_AFTER_DAYS; search and /stale get the same value from adapters/wiring.py).
    stale_after: timedelta = DEFAULT_STALE_AFTER
    # Retention periods in days, as `recovery-bot jobs retention` applies them (shown
    # by /privacy; see bot/retention.py).
    report_days: int = 180
    notification_days: int = 30
    delivery_days: int = 30
    audit_days: int = 365


Handler = Callable[["Conversation", Turn], None]


def clean(text: str) -> str:
    """Text as the bot reads it: control characters dropped, spaces folded."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in text[:MAX_UNDERSTOOD_CHARS])
    return re.sub(r"\s+", " ", text).strip()


class Conversation:
    def __init__(self, sessions: sessionmaker, gazetteer: Gazetteer,
                 search: DirectorySearch, config: Config | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 features: Sequence[Feature] = ()) -> None:
        self.sessions = sessions
        self.gazetteer = gazetteer
        self.search = search
        self.config = config or Config()
        self.clock = clock
        # Features add commands and the steps of their own guided flows (the steps'
        # names are theirs, e.g. "v_..."), handled before the search conversation's.
        # They come from the composition root (adapters/wiring.py) only.
        self.features: list[Feature] = list(features)
        self.feature_commands = {k: f for f in self.features for k in f.commands}
        self.feature_steps = {k: f for f in self.features for k in f.steps}
        self.drafting_steps = frozenset().union(*(f.drafting for f in self.features))
        # Longest prefix first, so "rmx" is not taken by a feature answering "rm".
        self.feature_payloads = sorted(
            ((prefix, handler) for f in self.features for prefix, handler in f.payloads.items()),
            key=lambda item: -len(item[0]))

    def menu(self, role: str | None = None) -> tuple[str, ...]:
        """The commands a platform's menu shows someone with `role` ("volunteer",
        "admin"; None: everyone), built from the features (bot/access.py `role_of`)."""
        ranks = MENU_RANKS.get(role, MENU_RANKS[None])
        extra = [c for rank in ranks for f in self.features for c in f.menus.get(rank, ())]
        return tuple(dict.fromkeys((*CORE_MENU, *extra)))

    # -- entry point --------------------------------------------------------------

    async def handle(self, msg: Incoming) -> list[Reply]:
        """The replies to one message. With `msg.contacts_sent` (the turn runner,
        adapters/turns.py, sent `first_aid`'s contacts already) a danger message's turn
        leaves them out; called alone (tests, benchmarks) it puts them first."""
        reading = read(msg.text) if msg.text else NO_DANGER
        if reading.signal is not None and not msg.contacts_sent:
            # Logged without the text or the kind: only that a signal was seen, for whom
            # (hashed).
            log.warning("crisis signal", extra={"conv": msg.ref.log_id})
        return await self._handle(msg, reading)

    async def first_aid(self, msg: Incoming) -> Reply | None:
        """The crisis contacts for a danger message, or None: what the turn runner sends
        before any lock, claim or database work. Needs no database: the nation comes from
        a place the message names, else from the stored state if the database answers
        within FIRST_AID_LOOKUP_SECONDS, else every nation's lines are shown."""
        if not msg.text:
            return None
        signal = read(msg.text).signal
        if signal is None:
            return None
        log.warning("crisis signal", extra={"conv": msg.ref.log_id})
        nation, lang = await self._nation_for(msg)
        with speaking(lang):
            return replace(crisis_reply(signal, nation), lang=current_language())

    async def _nation_for(self, msg: Incoming) -> tuple[str | None, str]:
        """The nation (for its lines) and the language to answer in: from the message
        itself, else from the stored state if the database answers in time."""
        text = clean(msg.text or "")
        found = understand_request(text, self.gazetteer).place
        nation = None
        if found is not None and found.status == "found" and found.place is not None:
            nation = self._nation_at(found.place.latitude, found.place.longitude)
        said = detect_language(text)

        def stored() -> State:
            with self.sessions() as session:
                return bot.state.load(session, msg.ref.key, self.clock())
        try:
            state = await asyncio.wait_for(asyncio.to_thread(stored),
                                           FIRST_AID_LOOKUP_SECONDS)
        except Exception:  # noqa: BLE001 - without it the contacts go out all the same
            state = State()
        lang = said or state.language or _hinted(msg)
        return nation or self._nation(state), lang

    async def _handle(self, msg: Incoming, reading: Reading) -> list[Reply]:
        """Run the turn in a worker thread, for at most `turn_wait_seconds` (a danger
        message's: `crisis_wait_seconds`): a hung or slow database never leaves anyone
        unanswered, and never holds contacts back (a late turn is rolled back, so
        nothing of it is kept or replayed)."""
        with speaking(detect_language(clean(msg.text or "")) or _hinted(msg)):
            # Answers made without the database speak the message's language.
            return await self._handle_in_thread(msg, reading)

    async def _handle_in_thread(self, msg: Incoming, reading: Reading) -> list[Reply]:
        abandoned = threading.Event()
        signal = reading.signal
        sent = msg.contacts_sent
        wait = self.config.turn_wait_seconds if signal is None else \
            self.config.crisis_wait_seconds
        try:
            work = asyncio.to_thread(self._handle_stored, msg, reading, abandoned)
            try:
                return await asyncio.wait_for(work, wait)
            except TimeoutError:
                abandoned.set()
                log.error("turn too slow: answered without it", extra={"conv": msg.ref.log_id})
                return _spoken(fallback_replies("db_down", signal, contacts_sent=sent))
        except SQLAlchemyError as exc:
            # The exception's type only: its message can hold SQL and values.
            log.error("database error: %s", type(exc).__name__,
                      extra={"conv": msg.ref.log_id})
            return _spoken(fallback_replies("db_down", signal, contacts_sent=sent))
        except Exception as exc:  # noqa: BLE001 - a bug must not leave anyone unanswered
            log.error("turn failed: %s", type(exc).__name__, extra={"conv": msg.ref.log_id},
                      exc_info=False)
            return _spoken(fallback_replies("went_wrong", signal, contacts_sent=sent))

    def _greeting(self) -> str:
        return t("greeting", ttl_hours=int(self.config.ttl.total_seconds() // 3600))

    def _nation(self, state: State) -> str | None:
        """The nation of the person's coarse place, if they gave one."""
        if state.place is None:
            return None
        return self._nation_at(state.place.latitude, state.place.longitude)

    def _nation_at(self, latitude: float, longitude: float) -> str | None:
        near = self.gazetteer.nearest_place(latitude, longitude)
        return near.country if near is not None and near.country else None

    def _crisis_turn(self, turn: Turn, signal: CrisisSignal) -> bool:
        """Contacts first, in a message of their own; then what the message asked for,
        so a false alarm costs one message, not the search ("support for people bereaved
        by suicide in Bristol" still finds Bristol's groups). A feature's guided step
        takes a danger message as a value only where people write for others. True if
        the message was handled beyond the contacts (the state may have moved)."""
        at = turn.replies
        step = turn.state.step
        handled = False
        if step in self.drafting_steps:
            self._dispatch(turn)
            handled = True
        elif step not in self.feature_steps and not turn.text.startswith("/"):
            req = understand_request(turn.text, self.gazetteer)
            # Only a message that asks for a search (it names a place, or online) goes
            # on: a lone "I want to die" is not followed by "What would you like help
            # with?", and the "pills" in "took too many pills" is not a need to search.
            if req.place is not None or ONLINE_WORDS.search(turn.text) is not None:
                handled = self._understood(turn, req)
        if not turn.msg.contacts_sent:
            # The nation comes from the place just given, or the one from before.
            at.insert(0, crisis_reply(signal, self._nation(turn.state)))
        return handled

    def _handle_stored(self, msg: Incoming, reading: Reading = NO_DANGER,
                       abandoned: threading.Event | None = None) -> list[Reply]:
        now = self.clock()
        with self.sessions() as session:
            state = bot.state.load(session, msg.ref.key, now)
            step, flow = state.step, dict(state.flow)
            turn = Turn(msg, state, session, now, text=clean(msg.text or ""))
            # A new conversation speaks the language of its first message (or of the
            # person's app); /language changes it (speak() within the turn).
            state.language = state.language or current_language()
            with speaking(state.language):
                keep = self._run(turn, reading, step, flow)
                # However the state was replaced (/cancel, Start again), the language
                # stays the one spoken; replies carry it for the adapters' own words.
                turn.state.language = current_language()
                replies = [replace(_fit(r), lang=turn.state.language) for r in turn.replies]
            if abandoned is not None and abandoned.is_set():
                session.rollback()  # the contacts went out without this turn
                return []
            if keep:
                _location_asked(replies, state.location_asked, turn.state)
            if turn.erase:
                bot.state.forget(session, msg.ref.key)
                for feature in self.features:  # roles, subscriptions, ...
                    feature.forget(session, msg.ref)
            elif keep:
                bot.state.save(session, msg.ref.key, turn.state, now, self.config.ttl)
            if msg.update_id is not None:
                # Committed with the state: a retry of this update replays these replies
                # rather than running the turn again on the state it moved to (without
                # the person's own words, which are never written).
                claims.record_replies(session, msg.ref.platform, msg.update_id,
                                      turn.journal(replies))
            session.commit()
        if turn.erase and not scrub(session.get_bind()):  # type: ignore[arg-type]
            log.warning("erased, but the database log is still in use: the next "
                        "checkpoint empties it", extra={"conv": msg.ref.log_id})
        log.info("turn", extra={"conv": msg.ref.log_id, "step": turn.state.step})
        return replies

    def _run(self, turn: Turn, reading: Reading, step: str, flow: dict) -> bool:
        """The turn's work; False if nothing of it is to be saved (contacts alone)."""
        keep = True
        if reading.signal is not None:
            # Contacts alone change nothing: nothing is written for them.
            keep = self._crisis_turn(turn, reading.signal)
        else:
            self._dispatch(turn)
            if reading.mentioned and turn.state.step not in self.drafting_steps:
                turn.replies.insert(0, signpost_reply(reading.mentioned,
                                                      self._nation(turn.state)))
        if step in self.feature_steps:
            # However the person moved on, what the flow they left drafted goes.
            self.feature_steps[step].left(turn, step, flow)
        return keep

    def _dispatch(self, turn: Turn) -> None:
        msg, text = turn.msg, turn.text
        if text.startswith("/"):
            command, _, arg = text[1:].partition(" ")
            command = command.split("@", 1)[0].lower()  # Telegram: /start@SomeBot
            handler = COMMANDS.get(command)
            if handler is not None:
                handler(self, turn, arg.strip())
                return
            if command in self.feature_commands:
                self.feature_commands[command].commands[command](turn, arg.strip())
                return
        if msg.payload == "restart":
            self._restart(turn, greet=False)
            return
        if msg.payload == "resume":
            self._resume(turn)
            return
        if msg.payload == "unsafe":
            turn.replies.append(unsafe_reply(self._nation(turn.state)))
            return
        if msg.payload and msg.payload.startswith(LANGUAGE_PAYLOAD):
            self._switch_language(turn, msg.payload[len(LANGUAGE_PAYLOAD):])
            return
        if msg.payload:
            for prefix, handler in self.feature_payloads:
                if msg.payload.startswith(prefix):
                    handler(turn)  # a button a feature added (Feature.payloads)
                    return
        if msg.location is not None:
            loc = msg.location
            if not _valid_location(loc.latitude, loc.longitude):
                self._ask_place(turn, "location_invalid")
                return
            near = self.gazetteer.nearest_place(loc.latitude, loc.longitude)
            label = near.name if near else "you"
            turn.state.place = _coarse(label, loc.latitude, loc.longitude)
            turn.state.online_only = False
            self._show_results(turn, fresh=True)
            return
        if turn.state.step in self.feature_steps:
            # A feature's guided flow: what they type is a value, not a search.
            self.feature_steps[turn.state.step].steps[turn.state.step](turn)
            return
        if msg.text is not None and len(msg.text) > MAX_UNDERSTOOD_CHARS:
            turn.say(t("too_long"))
            return
        step = Step(turn.state.step) if turn.state.step in Step.__members__.values() \
            else Step.NEW
        if text and not msg.payload and (payload := self._typed_choice(turn, step)):
            # "2", "dau", "yes", "ie": what a button would have said.
            turn.msg = replace(msg, payload=payload)
        elif text and not msg.payload and step != Step.CONFIRM_FORGET and \
                self._understood(turn):
            return
        STEPS[step](self, turn)

    def _typed_choice(self, turn: Turn, step: Step) -> str | None:
        """The payload of the button that a typed answer names: a number of a result or
        a place (in words too: "dau"), or yes/no to deleting, in the turn's language."""
        lang, state = current_language(), turn.state
        if step == Step.CONFIRM_FORGET:
            answer = yes_no(turn.text, lang)
            return None if answer is None else ("fy" if answer else "fn")
        n = choice_number(turn.text, lang)
        if n is None:
            return None
        if step == Step.CHOOSE_PLACE and 1 <= n <= len(state.choices):
            return f"c{n - 1}"
        if step in (Step.RESULTS, Step.DETAILS) and \
                0 <= n - 1 - state.offset < len(state.results):
            return f"d{n - 1 - state.offset}"
        return None

    # -- global commands ----------------------------------------------------------

    def _cmd_start(self, turn: Turn, arg: str) -> None:
        if arg and any(f.deep_link(turn, arg) for f in self.features):  # an invite's link
            return
        self._restart(turn, greet=True, quiet=bool(arg))
        if arg:
            # A deep link such as /start leeds: search from the words given.
            turn.text = clean(arg.replace("-", " ").replace("_", " "))
            if not self._understood(turn):
                self._ask_needs(turn)

    def _cmd_help(self, turn: Turn, _arg: str) -> None:
        turn.say(t("help"))

    def _cmd_crisis(self, turn: Turn, _arg: str) -> None:
        turn.replies.append(crisis_reply(None, self._nation(turn.state)))

    def _cmd_privacy(self, turn: Turn, _arg: str) -> None:
        c = self.config
        turn.say(t("privacy", ttl_hours=int(c.ttl.total_seconds() // 3600)) + "\n"
                 + t("privacy_retention", report_days=c.report_days,
                     notification_days=c.notification_days, delivery_days=c.delivery_days,
                     audit_days=c.audit_days) + "\n" + t("privacy_forget"))

    def _cmd_forget(self, turn: Turn, _arg: str) -> None:
        turn.state.step = Step.CONFIRM_FORGET
        turn.say(t("forget_confirm"), ((b("b_yes_delete", "fy"), b("b_no_keep", "fn")),))

    def _cmd_cancel(self, turn: Turn, _arg: str) -> None:
        turn.state = State()
        turn.say(t("cancelled"))

    def _cmd_language(self, turn: Turn, arg: str) -> None:
        """/language, /iaith: switch at any step; with a name ("cymraeg", "en"), at once."""
        chosen = _language_named(arg) if arg else None
        if chosen is not None:
            self._switch_language(turn, chosen)
            return
        turn.say(t("language_ask"), (tuple(Button(t("lang_name", code), LANGUAGE_PAYLOAD + code)
                                           for code in CATALOGUES),))

    def _switch_language(self, turn: Turn, code: str) -> None:
        """Speak `code` from now on, and ask again what the step was asking."""
        if code not in CATALOGUES:
            return
        speak(code)
        turn.state.language = code
        for feature in self.features:  # subscriptions, volunteers' notifications
            feature.language_changed(turn)
        turn.say(t("language_set"))
        if turn.state.step in self.feature_steps:
            return  # a guided flow's next question comes in the new language
        if turn.state.step == Step.NEW:
            self._restart(turn, greet=True)
        else:
            self._resume(turn)

    def _resume(self, turn: Turn) -> None:
        """Carry on after the crisis reply: ask the current step's question again."""
        state = turn.state
        if state.step == Step.CONFIRM_FORGET:  # not the moment to ask about deleting
            state.step = _step_reached(state)
        step = state.step
        if step in (Step.RESULTS, Step.DETAILS, Step.REPORT):
            self._show_results(turn)
        elif step == Step.CHOOSE_PLACE and state.choices:
            turn.say(t("place_which"), self._choice_buttons(turn))
        elif step in (Step.PLACE, Step.CHOOSE_PLACE):
            self._ask_place(turn)
        elif step == Step.NEEDS:
            self._ask_needs(turn)
        else:
            state.step = Step.NEW
            self.step_new(turn)

    def _restart(self, turn: Turn, greet: bool, quiet: bool = False) -> None:
        turn.state = State(step=Step.NEEDS)
        if greet:
            turn.say(self._greeting())
        if not quiet:
            self._ask_needs(turn)

    # -- understanding free text --------------------------------------------------

    def _understood(self, turn: Turn, req: Request | None = None) -> bool:
        """Act on words that say what and/or where; False if they said neither."""
        if req is None:
            req = understand_request(turn.text, self.gazetteer)
        online = req.place is None and ONLINE_WORDS.search(turn.text) is not None
        state = turn.state
        # How it is held "online" is the online-only search; the rest narrow results.
        searching = bool(req.needs or req.place or online) or state.step in (
            Step.NEEDS, Step.PLACE, Step.RESULTS, Step.DETAILS)
        asked = find_filters(turn.text, asking=searching)
        asked = replace(asked, attendance=asked.attendance - {"online"})
        if not req.needs and req.place is None and not online:
            if not asked:
                return False
            # "Tonight?", "women only": narrow the search so far, or keep for it.
            state.filters = Filters.from_json(state.filters).merged(asked).to_json()
            if state.place is None and not state.online_only:
                return False
            self._show_results(turn, fresh=True)
            return True
        state.today_only = False  # new words, a new search: no filter left from before
        state.filters = asked.to_json()
        if req.needs:
            state.needs = sorted(req.needs)
        if online:
            state.online_only = True
        if req.place is not None and not self._take_place(turn, req.place):
            return True
        if state.place is None and not state.online_only:
            if state.step == Step.NEW:
                turn.say(self._greeting())
            self._ask_place(turn)
            return True
        self._show_results(turn, fresh=True)
        return True

    def _take_place(self, turn: Turn, result: GeoResult) -> bool:
        """Remember a found place; for an ambiguous one ask which. True if found."""
        if result.status == "found" and result.place is not None:
            p = result.place
            turn.state.place = _coarse(p.name, p.latitude, p.longitude)
            turn.state.online_only = False
            return True
        home = HOME_NATIONS.get(current_language())
        ours = [c for c in result.candidates if home and c.country == home]
        if result.status == "ambiguous" and len(ours) == 1:
            # "Bangor" in a Welsh conversation: Bangor, Wales (bot/language_words.py).
            p = ours[0]
            turn.state.place = _coarse(p.name, p.latitude, p.longitude)
            turn.state.online_only = False
            return True
        if result.status == "ambiguous":
            turn.state.choices = [_coarse(c.name, c.latitude, c.longitude)
                                  for c in result.candidates[:8]]
            turn.state.step = Step.CHOOSE_PLACE
            turn.say(t("place_ambiguous", query=turn.quote(result.query)),
                     self._choice_buttons(turn))
            return False
        suggestions = []
        for name in result.suggestions[:5]:
            found = self.gazetteer.resolve(name)
            if found.status == "found" and found.place is not None:
                suggestions.append(_coarse(found.place.name, found.place.latitude,
                                           found.place.longitude))
        turn.state.choices = suggestions
        turn.state.step = Step.CHOOSE_PLACE if suggestions else Step.PLACE
        if suggestions:
            turn.say(t("place_suggest", query=turn.quote(result.query)),
                     self._choice_buttons(turn))
        else:
            turn.say(t("ask_place_again"), ((b("b_online", "online"),),),
                     request_location=True)
        return False

    def _choice_buttons(self, turn: Turn) -> tuple[tuple[Button, ...], ...]:
        rows = tuple((Button(c.label, f"c{i}"),) for i, c in enumerate(turn.state.choices))
        return rows + ((b("b_online", "online"),),)

    # -- steps --------------------------------------------------------------------

    def _ask_needs(self, turn: Turn) -> None:
        turn.state.step = Step.NEEDS
        turn.say(t("ask_needs"), _need_buttons())

    def _ask_place(self, turn: Turn, key: str = "ask_place") -> None:
        turn.state.step = Step.PLACE
        turn.say(t(key), ((b("b_online", "online"),),), request_location=True)

    def step_new(self, turn: Turn) -> None:
        turn.say(self._greeting())
        self._ask_needs(turn)

    def step_needs(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        if payload == "n*":
            turn.state.needs = []
        elif (i := payload_index(payload, "n", len(NEED_BUTTONS))) is not None:
            turn.state.needs = [NEED_BUTTONS[i]]
        elif payload == "online":
            turn.state.online_only = True
            self._show_results(turn, fresh=True)
            return
        else:
            turn.say(t("ask_needs_again"), _need_buttons())
            return
        if turn.state.place is not None:
            self._show_results(turn, fresh=True)
        else:
            self._ask_place(turn)

    def step_place(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        if payload == "online":
            turn.state.online_only = True
            self._show_results(turn, fresh=True)
            return
        if (i := payload_index(payload, "c", len(turn.state.choices))) is not None:
            turn.state.place = turn.state.choices[i]
            turn.state.choices = []
            turn.state.online_only = False
            self._show_results(turn, fresh=True)
            return
        if turn.text and not payload:
            # Not spotted inside a sentence: try the whole message as a place name.
            if self._take_place(turn, self.gazetteer.resolve(turn.text)):
                self._show_results(turn, fresh=True)
            return
        self._ask_place(turn)

    def step_results(self, turn: Turn) -> None:
        state, payload = turn.state, turn.msg.payload or ""
        if (i := payload_index(payload, "d", len(state.results))) is not None:
            self._show_details(turn, state.results[i])
            return
        if payload == "more":
            state.offset += PAGE
            self._show_results(turn)
            return
        elif payload == "online":
            state.online_only = True
            self._show_results(turn, fresh=True)
            return
        elif payload == "today":
            state.today_only = True
            self._show_results(turn, fresh=True)
            return
        elif payload == "area":
            state.online_only = False
            self._ask_place(turn)
            return
        elif payload == "back":
            self._show_results(turn)
            return
        elif payload == "flt":
            self._ask_filters(turn)
            return
        elif payload == "f-":
            state.filters = {}
            self._show_results(turn, fresh=True)
            return
        elif (i := payload_index(payload, "f", len(FILTER_CHOICES))) is not None:
            state.filters = _toggled(Filters.from_json(state.filters),
                                     *FILTER_CHOICES[i]).to_json()
            self._show_results(turn, fresh=True)
            return
        turn.say(t("not_understood"), self._results_buttons(turn, more=False))

    def _ask_filters(self, turn: Turn) -> None:
        """The filters as buttons, a tick on those in use; a tap narrows the results."""
        active = Filters.from_json(turn.state.filters)
        rows: list[tuple[Button, ...]] = []
        for kind in ("when", "audience", "access", "attendance"):
            row = []
            for i, (k, code) in enumerate(FILTER_CHOICES):
                if k != kind:
                    continue
                on = active.when == code if k == "when" else code in getattr(active, k)
                row.append(Button(("✓ " if on else "") + t(f"fb_{code}"), f"f{i}"))
            rows.append(tuple(row))
        rows.append((b("b_filters_clear", "f-"), b("b_back", "back")))
        turn.say(t("filter_ask"), tuple(rows))

    def step_details(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        if payload == "report" and turn.state.listing is not None:
            turn.state.step = Step.REPORT
            rows = tuple((b(f"r_{r}", f"r{i}"),) for i, r in enumerate(REPORT_REASONS))
            turn.say(t("report_ask"), rows + ((b("b_back", "back"),),))
            return
        self.step_results(turn)

    def step_report(self, turn: Turn) -> None:
        payload = turn.msg.payload or ""
        listing = turn.state.listing
        i = payload_index(payload, "r", len(REPORT_REASONS))
        row = turn.session.get(Listing, listing) if listing is not None else None
        if i is not None and row is not None:
            turn.session.add(ProblemReport(listing_id=row.id, reason=REPORT_REASONS[i],
                                           created_at=turn.now))
            for feature in self.features:
                feature.listing_reported(turn.session, row, turn.now)
            turn.state.step = Step.DETAILS
            turn.say(t("report_thanks"), ((b("b_back", "back"),
                                           b("b_restart", "restart")),))
            return
        self.step_results(turn)

    def step_confirm_forget(self, turn: Turn) -> None:
        if turn.msg.payload == "fy":
            turn.erase = True
            turn.state = State()
            turn.say(t("forgotten"))
            return
        # Kept means kept: carry on from what the state says the person had got to.
        turn.state.step = _step_reached(turn.state)
        turn.say(t("forget_kept"))
        self._resume(turn)

    # -- results and details ------------------------------------------------------

    def _query(self, state: State) -> Query:
        q = Query(needs=frozenset(state.needs), radius_km=self.config.radius_km,
                  online_only=state.online_only, limit=PAGE, offset=state.offset)
        if state.place is not None and not state.online_only:
            q.latitude, q.longitude = state.place.latitude, state.place.longitude
        f = Filters.from_json(state.filters)
        q.audience, q.accessibility, q.languages = f.audience, f.access, f.languages
        q.attendance, q.when = f.attendance, f.when
        if state.today_only:
            # Meetings still to come (or under way) before midnight in the UK; a weekday
            # filter would also list this morning's meeting and next month's.
            local = self.clock().astimezone(LONDON)
            midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                        LONDON)
            q.within_hours = (midnight - local).total_seconds() / 3600
        return q

    def _show_results(self, turn: Turn, fresh: bool = False) -> None:
        state = turn.state
        if fresh:
            state.offset = 0
        state.step = Step.RESULTS
        state.choices = []
        results = self.search.search(turn.session, self._query(state), turn.now)
        if not results.hits and state.offset:
            turn.say(t("results_no_more"), self._results_buttons(turn, more=False))
            state.offset = max(0, state.offset - PAGE)
            return
        filters = Filters.from_json(state.filters)
        relaxed = False
        if not results.hits and filters:
            # Nothing matches all of it: say so, and show the nearest without the filters.
            q = self._query(state)
            q.audience = q.accessibility = q.attendance = q.languages = frozenset()
            q.when = None
            results, relaxed = self.search.search(turn.session, q, turn.now), True
        views = load_views(turn.session, results.hits, self.search.view_cache)
        state.results = [v.id for v in views]
        outro: list[str] = []
        if relaxed and views:
            where = t("filter_near", place=state.place.label) \
                if state.place is not None and not state.online_only else t("filter_online")
            intro = t("results_filter_none", what=self._filters_label(filters), where=where)
        elif not views:
            national = self.search.search(turn.session, Query(limit=PAGE), turn.now)
            views = load_views(turn.session, national.hits, self.search.view_cache)
            state.results = [v.id for v in views]
            intro = t("results_none")
        elif results.online_fallback and state.place is not None:
            intro = t("results_nothing_near", radius=int(self.config.radius_km),
                      place=state.place.label)
            if not state.offset:
                outro = self._helpline_lines(turn)
        elif state.online_only:
            intro = t("results_intro_online")
        elif state.place is not None:
            intro = t("results_intro", place=state.place.label)
        else:
            intro = t("results_intro_anywhere")
        if filters and not relaxed:
            intro += "\n" + t("results_filtered", what=self._filters_label(filters))
        shown = None if relaxed else filters
        lines = [intro] + [self._result_line(n, v, turn.now, shown)
                           for n, v in enumerate(views, state.offset + 1)] + outro
        turn.say("\n".join(lines), self._results_buttons(turn, more=results.more,
                                                         count=len(views)))

    def _helpline_lines(self, turn: Turn) -> list[str]:
        """National phone lines for the needs asked about, for when nothing is near."""
        q = Query(needs=frozenset(turn.state.needs), limit=50)
        hits = [h for h in self.search.search(turn.session, q, turn.now).hits
                if not h.online and h.distance_km is None]
        views = [v for v in load_views(turn.session, hits, self.search.view_cache)
                 if v.attendance == "phone" and v.phone][:HELPLINES_SHOWN]
        if not views:
            return []
        return [t("results_helplines")] + [
            t("helpline_line", name=v.localised(current_language()).name, phone=v.phone)
            for v in views]

    def _results_buttons(self, turn: Turn, more: bool, count: int = 0
                         ) -> tuple[tuple[Button, ...], ...]:
        state = turn.state
        rows: list[tuple[Button, ...]] = []
        if count:
            rows.append(tuple(Button(str(state.offset + i + 1), f"d{i}") for i in range(count)))
        options = []
        if more:
            options.append(b("b_more", "more"))
        if not state.online_only:
            options.append(b("b_online_only", "online"))
        if not state.today_only:
            options.append(b("b_today", "today"))
        options.append(b("b_filter", "flt"))
        if options:
            rows.append(tuple(options))
        rows.append((b("b_area", "area"), b("b_restart", "restart")))
        return tuple(rows)

    def _filters_label(self, f: Filters) -> str:
        """What the results are narrowed to, in words: "women only · step-free · tonight"."""
        parts = [t(f"fm_{code}") for code in (*sorted(f.audience), *sorted(f.access),
                                              *sorted(f.attendance))]
        parts += [t("fm_language", language=t(f"lang_{c}")) for c in sorted(f.languages)]
        if f.when:
            parts.append(_when_words(f.when))
        return " · ".join(parts)

    def _matches(self, v: ListingView, f: Filters, now: datetime) -> str:
        """Why a result matches what was asked: "women only · step-free · starts in 40
        min"."""
        parts = [t(f"fm_{code}") for code in sorted(f.audience) if code in v.audience]
        parts += [t(f"fm_{code}") for code in sorted(f.access) if code in v.accessibility]
        parts += [t(f"fm_{v.attendance}")] if f.attendance else []
        parts += [t("fm_language", language=t(f"lang_{c}")) for c in sorted(f.languages)
                  if c in v.languages]
        if f.when in ("now", "soon") and v.next_meeting is not None:
            minutes = int((v.next_meeting - now).total_seconds() // 60)
            parts.append(t("fm_under_way") if minutes <= 0 else
                         t("fm_starts_in", minutes=minutes))
        return " · ".join(parts)

    def _result_line(self, n: int, v: ListingView, now: datetime,
                     filters: Filters | None = None) -> str:
        v = v.localised(current_language())  # the Welsh name in a Welsh conversation
        lang = current_language()
        if v.attendance == "phone":
            where = t("where_phone")
        elif v.distance_km is not None:
            where = distance(v.distance_km, lang)
        else:
            where = t("where_online")
        when = (t("when_next", when=describe_when(v.next_meeting, now, lang)) if v.next_meeting
                else t("when_unknown", schedule=_schedule(v, lang)))
        line = t("result_line", n=n, name=v.name, kind=t(f"k_{v.kind}"), where=where,
                 when=when)
        if filters and (matches := self._matches(v, filters, now)):
            line += "\n" + t("result_matches", what=matches)
        if v.status == "temporarily_closed":
            line += "\n" + t("result_closed", note=v.status_note or "")
        if v.is_demo:
            line += "\n" + t("result_example")
        return line

    def _show_details(self, turn: Turn, listing_id: int) -> None:
        row = turn.session.get(Listing, listing_id, options=[joinedload(Listing.organisation)])
        if row is None or row.status == "closed":
            self._show_results(turn)
            return
        v = view(row).localised(current_language())
        turn.state.step = Step.DETAILS
        turn.state.listing = listing_id
        lines = [v.name, f"{t('o_' + v.organisation_kind)}: {v.organisation}"]
        if v.description:
            lines.append(v.description[:600])
        if v.status == "temporarily_closed":
            lines.append(t("details_closed", note=v.status_note or ""))
        lang = current_language()
        lines.append(t("details_schedule", schedule=_schedule(v, lang)))
        nxt = next_occurrence(Schedule(row.schedule_kind, tuple(row.days or ()),
                                       tuple(row.month_weeks or ()), row.anchor_date,
                                       row.start_time, row.end_time), turn.now)
        if nxt:
            lines.append(t("details_next", when=describe_when(nxt, turn.now, lang)))
        card = None
        address = ", ".join(x for x in (v.venue_name, v.address, v.postcode) if x)
        if address:
            lines.append(t("details_address", address=address))
        if v.latitude is not None and v.longitude is not None and v.attendance != "online":
            url = osm_url(v.latitude, v.longitude)
            lines.append(t("details_map", url=url))
            card = PlaceCard(v.name, address, v.latitude, v.longitude, url)
        if v.phone:
            lines.append(t("details_phone", phone=v.phone))
        if v.conference_url:
            lines.append(t("details_join", url=v.conference_url))
        if v.website:
            lines.append(t("details_website", url=v.website))
        if v.audience:
            lines.append(t("details_for", audience=", ".join(_code_words(v.audience))))
        if v.accessibility:
            lines.append(t("details_access", access=", ".join(_code_words(v.accessibility))))
        if v.last_verified and turn.now - v.last_verified <= self.config.stale_after:
            lines.append(t("details_checked",
                           date=format_date(v.last_verified.astimezone(LONDON).date(), lang)))
        else:
            lines.append(t("details_not_checked"))
        if v.is_demo:
            lines.append(t("details_example"))
        extra = tuple(button for f in self.features
                      for button in f.detail_buttons(turn, listing_id))
        rows = ((b("b_back", "back"), b("b_report", "report")),) + \
            ((extra,) if extra else ()) + ((b("b_restart", "restart"),),)
        turn.say("\n".join(lines), rows, card=card)


STEPS: dict[Step, Handler] = {
    Step.NEW: Conversation.step_new,
    Step.NEEDS: Conversation.step_needs,
    Step.PLACE: Conversation.step_place,
    Step.CHOOSE_PLACE: Conversation.step_place,
    Step.RESULTS: Conversation.step_results,
    Step.DETAILS: Conversation.step_details,
    Step.REPORT: Conversation.step_report,
    Step.CONFIRM_FORGET: Conversation.step_confirm_forget,
}

COMMANDS: dict[str, Callable[[Conversation, Turn, str], None]] = {
    "start": Conversation._cmd_start,
    "help": Conversation._cmd_help,
    "crisis": Conversation._cmd_crisis,
    "privacy": Conversation._cmd_privacy,
    "forget": Conversation._cmd_forget,
    "cancel": Conversation._cmd_cancel,
    "language": Conversation._cmd_language,
    "iaith": Conversation._cmd_language,  # Welsh for "language"
}
# A language button's payload: this and the code ("lang-cy").
LANGUAGE_PAYLOAD = "lang-"


def _hinted(msg: Incoming) -> str:
    """The language of the person's app, if we speak it ("cy-GB" -> "cy"), else English."""
    code = (msg.language_hint or "").lower().split("-")[0].split("_")[0]
    return code if code in CATALOGUES else "en"


def _language_named(words: str) -> str | None:
    """The language code `words` names in any catalogue: its code, its own name
    ("Cymraeg") or its name in another language ("Welsh", "Saesneg")."""
    wanted = words.strip().lower()
    for code in CATALOGUES:
        names = {code, t("lang_name", code).lower()}
        names |= {t(f"lang_{code}", other).lower() for other in CATALOGUES}
        if wanted in names:
            return code
    return None


def _spoken(replies: list[Reply]) -> list[Reply]:
    return [replace(r, lang=current_language()) for r in replies]


def _need_buttons() -> tuple[tuple[Button, ...], ...]:
    needs = [b(f"b_{code}", f"n{i}") for i, code in enumerate(NEED_BUTTONS)]
    return (tuple(needs[:3]), tuple(needs[3:]), (b("b_anything", "n*"),))


def _step_reached(state: State) -> Step:
    """Where someone was, judged from what they had told us (for after /forget)."""
    if state.place is not None or state.online_only:
        return Step.RESULTS
    return Step.PLACE if state.needs else Step.NEEDS


def payload_index(payload: str, prefix: str, size: int) -> int | None:
    """The position in a payload such as "d3", if it is one below `size`."""
    i = payload_number(payload, prefix, digits=3)
    return i if i is not None and i < size else None


def _valid_location(lat: object, lon: object) -> bool:
    """A shared location we can search near: finite numbers on the globe."""
    try:
        la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(la) and math.isfinite(lo) and abs(la) <= 90 and abs(lo) <= 180


def _coarse(label: str, lat: float, lon: float) -> PlaceMemo:
    # About 1 km: enough to find groups, too coarse to find a home.
    return PlaceMemo(label, round(lat, 2), round(lon, 2))


def _schedule(v: ListingView, lang: str) -> str:
    """A listing's schedule in words, in `lang`."""
    return describe_schedule(v.timetable, lang) if v.timetable is not None else v.schedule


def _code_words(codes: Sequence[str]) -> list[str]:
    """Who a listing is for, or its access, in words ("women only", "step-free")."""
    return [t(f"fm_{c}") if f"fm_{c}" in CATALOGUES["en"] else c.replace("_", " ")
            for c in codes]


def osm_url(lat: float, lon: float) -> str:
    return (f"https://www.openstreetmap.org/?mlat={lat:.4f}&mlon={lon:.4f}"
            f"#map=16/{lat:.4f}/{lon:.4f}")


# The filters offered as buttons (payload "f" + position): what meeting finders offer
# (the Meeting Guide app, tsml-ui) that our directory records.
FILTER_CHOICES: tuple[tuple[str, str], ...] = (
    ("when", "now"), ("when", "soon"), ("when", "tonight"), ("when", "tomorrow"),
    ("when", "weekend"),
    ("audience", "women"), ("audience", "men"), ("audience", "lgbtq"),
    ("audience", "young_people"), ("audience", "newcomers"),
    ("access", "step_free"), ("access", "wheelchair"), ("access", "hearing_loop"),
    ("attendance", "in_person"), ("attendance", "phone"),
)


def _toggled(f: Filters, kind: str, code: str) -> Filters:
    """`f` with one filter switched on, or off if it was on."""
    if kind == "when":
        return replace(f, when=None if f.when == code else code)
    return replace(f, **{kind: getattr(f, kind) ^ {code}})


def _when_words(code: str) -> str:
    """A When code (directory/filters.py) in words: "tonight", "on Saturday morning",
    "after 18:00"."""
    kind, _, hour = code.partition(":")
    if kind in ("after", "before") and hour.isdigit():
        return t(f"fw_{kind}", hour=f"{int(hour):02d}:00")
    day, _, part = code.partition("_")
    if day in DAYS:
        name = t(f"sch_day_{DAYS.index(day)}")
        return t("fw_day_part", day=name, part=t(f"fw_part_{part}")) if part else \
            t("fw_day", day=name)
    return t(f"fw_{code}")


def _location_asked(replies: list[Reply], asked_before: bool, state: State) -> None:
    """Whether a request for the person's location is open, kept in the state; the
    first reply of a turn that ends one says so (Reply.dismiss_location), except on a
    crisis reply, which never waits for that."""
    if any(r.request_location for r in replies):
        state.location_asked = True
    elif asked_before and replies and not any(r.crisis for r in replies):
        replies[0] = replace(replies[0], dismiss_location=True)
        state.location_asked = False
    else:
        state.location_asked = asked_before


def _fit(reply: Reply) -> Reply:
    """Never more than MAX_REPLY_CHARS, whatever a listing holds."""
    if len(reply.text) <= MAX_REPLY_CHARS:
        return reply
    return replace(reply, text=reply.text[: MAX_REPLY_CHARS - 1] + "…")
