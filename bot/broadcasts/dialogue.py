"""Broadcasts: news for people who asked for it (events, new groups, venue changes).

A conversation Feature (bot/conversation.py): /subscribe and /unsubscribe for anyone,
/broadcast and /broadcasts for admins. Its guided steps are BStep ("b_..."), drawn in
bot/broadcasts/dialogue.mmd.

- Opt-in only: nobody is stored until they /subscribe, with at most a rounded area
  (about 1 km), a radius and topic codes. /unsubscribe and /forget delete all of it and
  every message still waiting for them.
- /broadcast (admins): write the message; see it exactly as recipients will (the text
  plus the unsubscribe line), refused there if it is too long for a platform being
  served; choose the audience (everyone, near a place, a topic, a platform) with the
  number of recipients (and of Discord announcement channels, for everyone or Discord:
  bot/broadcasts/store.py); send now or schedule; rows are written on confirmation
  (bot/broadcasts/store.py) and delivered by bot/broadcasts/worker.py.
- /broadcasts (admins): progress and the report of recent broadcasts, with a button to
  cancel one still sending or scheduled.
- Admin checks ask bot/access.py on every step; refusals are the volunteers' polite
  refusal, audited. Button payloads are short opaque ids ("ba1", "bt2", "bc17").
- The draft's text lives in its `broadcast` row (status draft), not in the conversation
  state; the state holds the row id, topic codes and a coarse place only.
- Languages: the text is the main version, in the admin's language. At the confirm step
  a button per other catalogue language (bot/catalogue.py CATALOGUES: a new catalogue
  brings its button with no code change) adds a version in it, previewed the same way.
  Each subscriber gets the version in the language they chose (kept on their
  subscription: set at /subscribe, changed by /language), else the main text; a Discord
  announcement channel, read by everyone, gets every version in one post, main first.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import access
from bot.access import Actor
from bot.broadcasts import store
from bot.catalogue import CATALOGUES, EN, current_language, t
from bot.features import Feature, Turn, b, payload_number
from bot.language_words import NUMBERS
from bot.types import MAX_REPLY_CHARS, Button, ConversationRef
from bot.wording import describe_when_year
from directory.finder import understand_request
from directory.geography import Gazetteer
from directory.schedule import LONDON
from directory.value_words import LANGUAGES as OTHER_LANGUAGES
from directory.value_words import compiled, phrase

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord"}
SHOWN_BROADCASTS = 5
MAX_RADIUS_KM = 200.0
# Markdown characters discord.utils.escape_markdown may put a backslash before: counting
# each as two never under-counts what Discord receives (wiring passes the exact measure).
_DISCORD_ESCAPED = set("*_`~|>#-[")
# Where a finished or cancelled flow leaves the person: the conversation's first step
# (bot/conversation.py Step.NEW; a feature does not import the conversation).
CONVERSATION_START = "new"


class BStep(enum.StrEnum):
    """The steps of /subscribe, /broadcast and /broadcasts, drawn in dialogue.mmd
    (tests/test_features.py keeps it true). The values are stored in people's saved
    conversation state: never change one."""

    SUB = "b_sub"  # topics and a place to subscribe to
    TEXT = "b_text"  # the broadcast's words, typed
    AUDIENCE = "b_aud"  # who gets it
    AREA = "b_area"  # near which place, typed
    TOPIC = "b_topic"  # which topic's subscribers
    PLATFORM = "b_platform"  # which platform's subscribers
    CONFIRM = "b_confirm"  # send now, schedule, another audience
    WHEN = "b_when"  # when to send it, typed
    VERSION = "b_version"  # the broadcast in another language, typed
    LIST = "b_list"  # recent broadcasts, with a button to cancel one


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _discord_upper_bound(text: str) -> int:
    return len(text) + sum(c in _DISCORD_ESCAPED for c in text)


Measure = Callable[[str], int]
# What a platform allows in one message, and how it counts. Telegram allows 4096 UTF-16
# units; broadcasts stay within MAX_REPLY_CHARS too, so the preview (a reply) is exact.
DEFAULT_LIMITS: dict[str, tuple[int, Measure]] = {
    "telegram": (min(4096, MAX_REPLY_CHARS), _utf16),
    "discord": (2000, _discord_upper_bound),
}

TOPIC_WORDS = {
    "events": r"\bevents?\b|\bsocials?\b|\bactivit(?:y|ies)\b",
    "new_groups": r"\bnew (?:groups?|meetings?)\b",
    "women": r"\bwom[ae]n(?:'?s)?\b|\bfemale\b|\bladies\b",
    "men": r"\bmen(?:'?s)?\b|\bmale\b",
    "lgbtq": r"\blgbt\w*|\bqueer\b",
    "family": r"\bfamil(?:y|ies)\b|\bcarers?\b|\bparents?\b",
}
RADIUS = re.compile(r"\b(\d{1,3})\s*(km|kms|kilomet(?:re|er)s?|miles?|mi)\b", re.IGNORECASE)
# Other languages' words (directory/value_words_cy.py): "digwyddiadau", "grwpiau menywod",
# "o fewn 10 milltir", "Caerdydd 20 km", read after the English ones.
_OTHER_TOPICS = {code: compiled(w for lang in OTHER_LANGUAGES.values()
                                for w in lang.topics.get(code, ()))
                 for code in TOPIC_WORDS}
_MILES = compiled(w for lang in OTHER_LANGUAGES.values() for w in lang.miles)
_OTHER_RADIUS = re.compile(
    r"(?:" + phrase(w for lang in OTHER_LANGUAGES.values() for w in lang.radius_leads)
    + r"\s+)?\b(\d{1,3})\s*(" + phrase(w for lang in OTHER_LANGUAGES.values()
                                    for w in (*lang.miles, *lang.kilometres)) + ")",
    re.IGNORECASE)
_RADIUS_LEADS = compiled(w for lang in OTHER_LANGUAGES.values() for w in lang.radius_leads)


_id = payload_number


def topics_in(text: str) -> list[str]:
    return [code for code, pattern in TOPIC_WORDS.items()
            if re.search(pattern, text, re.IGNORECASE) or _OTHER_TOPICS[code].search(text)]


def radius_in(text: str) -> float | None:
    m = RADIUS.search(text)
    if m is not None:
        km = float(m[1]) * (1.609 if m[2].lower().startswith("mi") else 1.0)
    elif (m := _OTHER_RADIUS.search(text)) is not None:
        km = float(m[1]) * (1.609 if _MILES.fullmatch(m[2]) else 1.0)
    else:
        return None
    return min(max(km, 1.0), MAX_RADIUS_KM)


def without_radius(text: str) -> str:
    """A place typed with a distance, the distance taken out: "Leeds within 10 miles",
    "o fewn 10 milltir i Gaerdydd", "ger Caerdydd" -> the place's words."""
    text = _OTHER_RADIUS.sub(" ", RADIUS.sub(" ", text)).replace(" within ", " ")
    return re.sub(r"\s+", " ", _RADIUS_LEADS.sub(" ", text)).strip()


def message_text(raw: str) -> str:
    """An admin's message as typed, line breaks kept; control characters dropped."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in raw if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf"))
    return "\n".join(line.rstrip() for line in kept.strip().split("\n"))


def compose(text: str, lang: str | None = None) -> str:
    """Exactly what recipients get (the footer in `lang`, default the turn's)."""
    return f"{text}\n\n{t('bc_footer', lang)}"


def for_channel(full: str, lang: str | None = None) -> str:
    """A broadcast as a Discord server's announcement channel shows it: nobody there
    subscribed, so the footer says how the server's admins stop them instead. (Never
    longer than the direct-message footer: the preview's length check holds for both.)"""
    return full.removesuffix(t("bc_footer", lang)) + t("bc_channel_footer", lang)


def channel_post(versions: Sequence[tuple[str, str]]) -> str:
    """Every version of a broadcast in one post, main first, then the channel footer in
    each of their languages: an announcement channel is read by everyone. A post longer
    than Discord allows is split by the sender (adapters/senders.py), as replies are."""
    if len(versions) == 1:
        return for_channel(versions[0][1], versions[0][0])
    bodies = [full.removesuffix(t("bc_footer", lang)).rstrip("\n")
              for lang, full in versions]
    footers = dict.fromkeys(t("bc_channel_footer", lang) for lang, _ in versions)
    return "\n\n".join(bodies) + "\n\n" + "\n".join(footers)


def language_label(code: str) -> str:
    """A catalogue language's name in the turn's language ("Welsh"), or its own name
    ("Cymraeg") where the catalogue has no name for it: a new catalogue needs no code."""
    return t(f"lang_{code}") if f"lang_{code}" in EN else t("lang_name", code)


def parse_when(text: str, now: datetime) -> datetime | None:
    """"18:30" (today, or tomorrow if past), "tomorrow 9:00", "25/12 10:00",
    "2026-12-01 09:30", "in 2 hours", "in 30 minutes"; UK time."""
    text = text.strip().lower()
    local = now.astimezone(LONDON)
    m = re.fullmatch(r"in (\d{1,3}) ?(minutes?|mins?|hours?|hrs?|days?)", text)
    if m:
        n, unit = int(m[1]), m[2]
        delta = timedelta(days=n) if unit.startswith("d") else \
            timedelta(hours=n) if unit.startswith("h") else timedelta(minutes=n)
        return now + delta
    hm = r"(\d{1,2})[:.](\d{2})"
    try:
        if m := re.fullmatch(hm, text):
            when = local.replace(hour=int(m[1]), minute=int(m[2]), second=0, microsecond=0)
            return when if when > local else when + timedelta(days=1)
        if m := re.fullmatch(r"tomorrow(?: at)? " + hm, text):
            day = local.date() + timedelta(days=1)
            return datetime(day.year, day.month, day.day, int(m[1]), int(m[2]), tzinfo=LONDON)
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))? " + hm, text):
            year = int(m[3]) if m[3] else local.year
            when = datetime(year, int(m[2]), int(m[1]), int(m[4]), int(m[5]), tzinfo=LONDON)
            if not m[3] and when < local:
                when = when.replace(year=year + 1)
            return when
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[ t]" + hm, text):
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]),
                            tzinfo=LONDON)
        for code in OTHER_LANGUAGES:
            if (when := _when_in(code, text, now)) is not None:
                return when
    except ValueError:  # 31/02, 25:00
        return None
    return None


def _when_patterns(code: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A language's "mewn 2 awr" / "mewn dwy awr", "yfory am 9:00" / "heno 8yh", and
    "24/12 am 10:00"."""
    w = OTHER_LANGUAGES[code]
    numbers = phrase(n for n, v in NUMBERS.get(code, {}).items() if v > 0)
    units = "|".join(f"(?P<{unit}>{phrase(words)})" for unit, words in w.units.items())
    at = rf"(?:\s+{phrase(w.at)})?"
    hm = (r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<half>"
          + phrase((*w.am, *w.pm)).replace(r"(?<![\w'])", "") + ")?")
    return (re.compile(rf"{phrase(w.in_)}\s+(?P<n>\d{{1,3}}|{numbers})\s*(?:{units})",
                       re.IGNORECASE),
            re.compile(rf"(?P<day>{phrase(w.day_offsets)}){at}\s+{hm}", re.IGNORECASE),
            re.compile(rf"(?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})(?:/(?P<y>\d{{4}}))?{at}\s+{hm}",
                       re.IGNORECASE))


_WHEN_PATTERNS = {code: _when_patterns(code) for code in OTHER_LANGUAGES}


def _when_in(code: str, text: str, now: datetime) -> datetime | None:
    """`parse_when` in one other language's words; None if they are not."""
    w, (within, on_day, on_date) = OTHER_LANGUAGES[code], _WHEN_PATTERNS[code]
    local = now.astimezone(LONDON)
    if m := within.fullmatch(text):
        n = int(m["n"]) if m["n"].isdigit() else NUMBERS[code][m["n"].lower()]
        return now + (timedelta(days=n) if m["days"] else timedelta(hours=n) if m["hours"]
                      else timedelta(minutes=n))
    m = on_day.fullmatch(text) or on_date.fullmatch(text)
    if m is None:
        return None
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["half"]:
        pm = compiled(w.pm).fullmatch(m["half"]) is not None
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if pm else 0)
    elif m["m"] is None:
        return None  # "yfory 9": morning or evening?
    if "day" in m.groupdict():
        offset = next(n for word, n in w.day_offsets.items()
                      if compiled((word,)).fullmatch(m["day"]))
        day = local.date() + timedelta(days=offset)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    year = int(m["y"]) if m["y"] else local.year
    when = datetime(year, int(m["mo"]), int(m["d"]), hour, minute, tzinfo=LONDON)
    return when.replace(year=year + 1) if not m["y"] and when < local else when


def _channels(k: int) -> str:
    """" and 3 Discord announcement channels" (nothing for none)."""
    return t("bc_and_channels", k=k, s="" if k == 1 else "s") if k else ""


def _when(when: datetime) -> str:
    return describe_when_year(when, current_language())


class Broadcasting(Feature):
    def __init__(self, gazetteer: Gazetteer, platforms: Sequence[str] = ("telegram", "discord"),
                 limits: Mapping[str, tuple[int, Measure]] | None = None,
                 radius_km: float = 25.0) -> None:
        self.gazetteer = gazetteer
        self.platforms = tuple(platforms)
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.radius_km = radius_km
        self.commands = {"subscribe": self.cmd_subscribe, "unsubscribe": self.cmd_unsubscribe,
                         "broadcast": self.cmd_broadcast, "broadcasts": self.cmd_broadcasts}
        self.drafting = frozenset({BStep.TEXT, BStep.VERSION})  # the broadcast's words
        # Anyone may opt in; admins send (bot/features.py `Feature.menus`).
        self.menus = {"everyone": ("subscribe",), "admin": ("broadcast", "broadcasts")}
        self.steps = {BStep.SUB: self.step_sub, BStep.TEXT: self.step_text,
                      BStep.AUDIENCE: self.step_audience, BStep.AREA: self.step_area,
                      BStep.TOPIC: self.step_topic, BStep.PLATFORM: self.step_platform,
                      BStep.CONFIRM: self.step_confirm, BStep.WHEN: self.step_when,
                      BStep.VERSION: self.step_version, BStep.LIST: self.step_list}

    # -- subscribing (anyone) ------------------------------------------------------------

    def cmd_subscribe(self, turn: Turn, arg: str) -> None:
        if arg:
            found = self._understand(turn, arg, {"topics": [], "area": None, "radius": None})
            if found is not None:
                self._save_subscription(turn, found)
            return
        turn.state.flow, turn.state.step = {"topics": [], "area": None, "radius": None}, BStep.SUB
        self._ask_subscription(turn, t("bc_sub_ask"))

    def _understand(self, turn: Turn, words: str, flow: dict) -> dict | None:
        """Topics, a place and a radius from words; None (and said why) when a place was
        named that could not be found."""
        flow = {**flow, "topics": sorted(set(flow["topics"]) | set(topics_in(words)))}
        flow["radius"] = radius_in(words) or flow.get("radius")
        place = understand_request(words, self.gazetteer).place
        if place is not None:
            if place.status != "found" or place.place is None:
                turn.say(t("bc_sub_place_unknown"))
                return None
            p = place.place
            flow["area"] = [p.name, round(p.latitude, 2), round(p.longitude, 2)]
        return flow

    def _summary(self, flow: dict) -> str:
        what = ", ".join(t(f"bc_topic_{c}") for c in flow["topics"]) or t("bc_sub_all_topics")
        if flow.get("area"):
            radius = flow.get("radius") or self.radius_km
            return t("bc_sub_summary_area", what=what, km=int(radius), place=flow["area"][0])
        return t("bc_sub_summary", what=what)

    def _ask_subscription(self, turn: Turn, intro: str) -> None:
        flow = turn.state.flow
        rows = [tuple(Button(("✓ " if c in flow["topics"] else "") + t(f"bc_topic_{c}"),
                             f"bt{i}") for i, c in enumerate(store.TOPICS[k:k + 3], k))
                for k in range(0, len(store.TOPICS), 3)]
        turn.say(f"{intro}\n{t('bc_sub_so_far', summary=self._summary(flow))}",
                 (*rows, (b("bc_b_subscribe", "bsy"), b("bc_b_cancel", "bx"))))

    def step_sub(self, turn: Turn) -> None:
        flow, payload = turn.state.flow, turn.msg.payload
        if payload == "bx":
            self._done(turn, "bc_sub_cancelled")
            return
        if payload == "bsy":
            self._save_subscription(turn, flow)
            return
        if (i := _id(payload, "bt")) is not None and i < len(store.TOPICS):
            code = store.TOPICS[i]
            topics = set(flow["topics"]) ^ {code}
            flow["topics"] = sorted(topics)
            self._ask_subscription(turn, t("bc_sub_more"))
            return
        if turn.text and not payload:
            found = self._understand(turn, turn.text, flow)
            if found is not None:
                turn.state.flow = found
                self._ask_subscription(turn, t("bc_sub_more"))
            return
        self._ask_subscription(turn, t("bc_sub_ask"))

    def _save_subscription(self, turn: Turn, flow: dict) -> None:
        ref = turn.msg.ref
        area = tuple(flow["area"]) if flow.get("area") else None
        radius = (flow.get("radius") or self.radius_km) if area else None
        _, new = store.subscribe(turn.session, ref.platform, ref.user_id, turn.now,
                                 topics=flow["topics"], area=area,  # type: ignore[arg-type]
                                 radius_km=radius, language=current_language())
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say(t("bc_subscribed" if new else "bc_sub_updated",
                   summary=self._summary({**flow, "radius": radius})))

    def cmd_unsubscribe(self, turn: Turn, _arg: str) -> None:
        ref = turn.msg.ref
        gone = store.unsubscribe(turn.session, ref.platform, ref.user_id)
        turn.say(t("bc_unsubscribed" if gone else "bc_not_subscribed"))

    def left(self, turn: Turn, step: str, flow: dict) -> None:
        """An unsent broadcast drafted in the flow left is deleted."""
        draft = flow.get("b")
        if draft is None or (turn.state.step in self.steps
                             and turn.state.flow.get("b") == draft):
            return
        turn.session.execute(delete(store.Broadcast).where(
            store.Broadcast.id == draft, store.Broadcast.status == "draft"))

    def forget(self, session: Session, ref: ConversationRef) -> None:
        store.forget(session, ref.platform, ref.user_id)

    def language_changed(self, turn: Turn) -> None:
        """/language: a subscriber's news comes in the new language from now on."""
        ref = turn.msg.ref
        store.set_language(turn.session, ref.platform, ref.user_id, turn.state.language)

    # -- admins: who is asking -------------------------------------------------------------

    def _admin(self, turn: Turn, command: str) -> Actor | None:
        """The admin behind this message, or None after a polite, audited refusal (the
        volunteers' refusal: nothing is revealed about what exists)."""
        ref = turn.msg.ref
        actor = access.actor_for(turn.session, ref.platform, ref.user_id)
        if not actor.is_admin:
            access.audit(turn.session, actor, command, False, turn.now)
            self._drop_draft(turn)
            turn.state.flow, turn.state.step = {}, CONVERSATION_START
            turn.say(t("v_refused"))
            return None
        return actor

    def _draft(self, turn: Turn) -> store.Broadcast | None:
        row = turn.session.get(store.Broadcast, turn.state.flow.get("b", -1))
        return row if row is not None and row.status == "draft" else None

    def _drop_draft(self, turn: Turn) -> None:
        draft = self._draft(turn)
        if draft is not None:
            turn.session.execute(delete(store.Broadcast).where(store.Broadcast.id == draft.id))

    def _done(self, turn: Turn, key: str, **values: object) -> None:
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        turn.say(t(key, **values))

    def _cancel(self, turn: Turn) -> None:
        self._drop_draft(turn)
        self._done(turn, "bc_cancelled")

    # -- /broadcast ----------------------------------------------------------------------------

    def cmd_broadcast(self, turn: Turn, arg: str) -> None:
        actor = self._admin(turn, "broadcast")
        if actor is None:
            return
        access.audit(turn.session, actor, "broadcast", True, turn.now)
        self._drop_draft(turn)
        turn.state.flow, turn.state.step = {}, BStep.TEXT
        raw = (turn.msg.text or "").split(None, 1)
        if arg and len(raw) == 2:
            self._take_text(turn, actor, message_text(raw[1]))
            return
        turn.say(t("bc_write"), ((b("bc_b_cancel", "bx"),),))

    def step_text(self, turn: Turn) -> None:
        actor = self._admin(turn, "broadcast")
        if actor is None:
            return
        if turn.msg.payload == "bx":
            self._cancel(turn)
            return
        text = message_text(turn.msg.text or "")
        if turn.msg.payload or not text:
            turn.say(t("bc_write"), ((b("bc_b_cancel", "bx"),),))
            return
        self._take_text(turn, actor, text)

    def _too_long(self, turn: Turn, full: str) -> bool:
        """Refused (and said why) if `full` is too long for a platform being served."""
        for platform in self.platforms:
            limit, measure = self.limits.get(platform, (MAX_REPLY_CHARS, len))
            if (n := measure(full)) > limit:
                turn.say(t("bc_too_long", platform=PLATFORM_NAMES.get(platform, platform),
                           n=n, limit=limit), ((b("bc_b_cancel", "bx"),),))
                return True
        return False

    def _take_text(self, turn: Turn, actor: Actor, text: str) -> None:
        full = compose(text)
        if self._too_long(turn, full):
            return
        draft = self._draft(turn)
        if draft is None:
            draft = store.Broadcast(text=full, created_by=actor.person_id, created_at=turn.now,
                                    status="draft", audience={}, recipients=0,
                                    translations={})
            turn.session.add(draft)
        draft.text, draft.language = full, current_language()
        if draft.language in (draft.translations or {}):  # rewritten in that language
            draft.translations = {k: v for k, v in draft.translations.items()
                                  if k != draft.language}
        turn.session.flush()
        turn.state.flow, turn.state.step = {"b": draft.id}, BStep.AUDIENCE
        turn.say(t("bc_preview"))
        turn.say(full)  # exactly what recipients will see
        self._ask_audience(turn)

    def _ask_audience(self, turn: Turn) -> None:
        turn.state.step = BStep.AUDIENCE
        everyone = len(store.audience(turn.session, {"kind": "everyone",
                                                     "platforms": list(self.platforms)}))
        turn.say(t("bc_audience", n=everyone),
                 ((b("bc_b_everyone", "ba0", n=everyone), b("bc_b_area", "ba1")),
                  (b("bc_b_topic", "ba2"), b("bc_b_platform", "ba3")),
                  (b("bc_b_rewrite", "be"), b("bc_b_cancel", "bx"))))

    def step_audience(self, turn: Turn) -> None:
        if self._admin(turn, "broadcast") is None:
            return
        payload = turn.msg.payload
        if payload == "ba0":
            self._confirm(turn, {"kind": "everyone"})
        elif payload == "ba1":
            turn.state.step = BStep.AREA
            turn.say(t("bc_ask_area", km=int(self.radius_km)), ((b("bc_b_cancel", "bx"),),))
        elif payload == "ba2":
            turn.state.step = BStep.TOPIC
            rows = tuple((b(f"bc_topic_{c}", f"bt{i}"),) for i, c in enumerate(store.TOPICS))
            turn.say(t("bc_ask_topic"), (*rows, (b("bc_b_cancel", "bx"),)))
        elif payload == "ba3":
            turn.state.step = BStep.PLATFORM
            rows = tuple((Button(PLATFORM_NAMES.get(p, p), f"bp{i}"),)
                         for i, p in enumerate(self.platforms))
            turn.say(t("bc_ask_platform"), (*rows, (b("bc_b_cancel", "bx"),)))
        elif payload == "be":
            turn.state.step = BStep.TEXT
            turn.say(t("bc_write"), ((b("bc_b_cancel", "bx"),),))
        elif payload == "bx":
            self._cancel(turn)
        else:
            self._ask_audience(turn)

    def step_area(self, turn: Turn) -> None:
        if self._admin(turn, "broadcast") is None:
            return
        if turn.msg.payload == "bx":
            self._cancel(turn)
            return
        words = turn.text
        place = self.gazetteer.resolve(without_radius(words))
        if place.status != "found" or place.place is None:
            spotted = understand_request(words, self.gazetteer).place
            place = spotted if spotted is not None else place
        if place.status != "found" or place.place is None:
            turn.say(t("bc_area_unknown"), ((b("bc_b_cancel", "bx"),),))
            return
        p = place.place
        self._confirm(turn, {"kind": "area", "label": p.name, "lat": round(p.latitude, 2),
                             "lon": round(p.longitude, 2),
                             "radius_km": radius_in(words) or self.radius_km})

    def step_topic(self, turn: Turn) -> None:
        if self._admin(turn, "broadcast") is None:
            return
        i = _id(turn.msg.payload, "bt")
        if i is None or i >= len(store.TOPICS):
            self._cancel(turn)
            return
        self._confirm(turn, {"kind": "topic", "topic": store.TOPICS[i]})

    def step_platform(self, turn: Turn) -> None:
        if self._admin(turn, "broadcast") is None:
            return
        i = _id(turn.msg.payload, "bp")
        if i is None or i >= len(self.platforms):
            self._cancel(turn)
            return
        self._confirm(turn, {"kind": "platform", "platform": self.platforms[i]})

    def _describe(self, spec: dict) -> str:
        kind = spec.get("kind")
        if kind == "area":
            return t("bc_aud_area", km=int(spec["radius_km"]), place=spec["label"])
        if kind == "topic":
            return t("bc_aud_topic", topic=t(f"bc_topic_{spec['topic']}"))
        if kind == "platform":
            return t("bc_aud_platform", platform=PLATFORM_NAMES.get(spec["platform"],
                                                                    spec["platform"]))
        return t("bc_aud_everyone")

    def _confirm(self, turn: Turn, spec: dict) -> None:
        draft = self._draft(turn)
        if draft is None:
            self._cancel(turn)
            return
        spec = {**spec, "platforms": list(self.platforms)}
        draft.audience = spec
        n = len(store.audience(turn.session, spec))
        k = len(store.announcement_channels(turn.session, spec))
        if n + k == 0:
            turn.state.step = BStep.CONFIRM
            turn.say(t("bc_nobody", audience=self._describe(spec)),
                     ((b("bc_b_other_audience", "ba"), b("bc_b_cancel", "bx")),))
            return
        turn.state.step = BStep.CONFIRM
        add = tuple((b("bc_b_change_version" if code in (draft.translations or {})
                       else "bc_b_add_version", f"bl{i}", language=language_label(code)),)
                    for i, code in enumerate(CATALOGUES) if code != draft.language)
        turn.say(t("bc_confirm", n=n, channels=_channels(k), audience=self._describe(spec))
                 + "\n" + self._versions(draft),
                 ((b("bc_b_now", "bn", n=n + k), b("bc_b_schedule", "bs")), *add,
                  (b("bc_b_other_audience", "ba"), b("bc_b_cancel", "bx"))))

    def _versions(self, draft: store.Broadcast) -> str:
        """The summary's versions: each language with the start of its text."""
        lines = []
        for lang, full in store.versions(draft.text, draft.language, draft.translations):
            first = full.split("\n", 1)[0]
            lines.append(t("bc_version_line", language=language_label(lang),
                           snippet=first[:40] + ("…" if len(first) > 40 else "")))
        lines[0] += " " + t("bc_version_main")
        return t("bc_versions") + "\n" + "\n".join(lines)

    def step_confirm(self, turn: Turn) -> None:
        actor = self._admin(turn, "broadcast")
        if actor is None:
            return
        payload, draft = turn.msg.payload, self._draft(turn)
        if draft is None or payload == "bx" or not draft.audience:
            self._cancel(turn)
        elif payload == "ba":
            self._ask_audience(turn)
        elif payload == "bn":
            self._queue(turn, actor, draft, None)
        elif payload == "bs":
            turn.state.step = BStep.WHEN
            turn.say(t("bc_ask_when"), ((b("bc_b_cancel", "bx"),),))
        elif (code := self._language_of(payload)) is not None and code != draft.language:
            turn.state.flow["v"], turn.state.step = code, BStep.VERSION
            turn.say(t("bc_write_version", language=language_label(code)),
                     ((b("bc_b_back", "bb"), b("bc_b_cancel", "bx")),))
        else:
            self._confirm(turn, draft.audience)

    @staticmethod
    def _language_of(payload: str | None) -> str | None:
        """The catalogue language a "bl<i>" button names (its position, never the code)."""
        i = _id(payload, "bl", digits=2)
        codes = list(CATALOGUES)
        return codes[i] if i is not None and i < len(codes) else None

    def step_version(self, turn: Turn) -> None:
        """The broadcast in another language, typed: previewed, then back to confirm."""
        if self._admin(turn, "broadcast") is None:
            return
        draft, code = self._draft(turn), turn.state.flow.get("v")
        if draft is None or turn.msg.payload == "bx" or code not in CATALOGUES:
            self._cancel(turn)
            return
        if turn.msg.payload == "bb":
            turn.state.flow.pop("v", None)
            self._confirm(turn, draft.audience)
            return
        text = message_text(turn.msg.text or "")
        if turn.msg.payload or not text:
            turn.say(t("bc_write_version", language=language_label(code)),
                     ((b("bc_b_back", "bb"), b("bc_b_cancel", "bx")),))
            return
        full = compose(text, code)
        if self._too_long(turn, full):
            return
        draft.translations = {**(draft.translations or {}), code: full}
        turn.state.flow.pop("v", None)
        turn.say(t("bc_version_preview", language=language_label(code)))
        turn.say(full)  # exactly what people who chose that language will see
        self._confirm(turn, draft.audience)

    def step_when(self, turn: Turn) -> None:
        actor = self._admin(turn, "broadcast")
        if actor is None:
            return
        draft = self._draft(turn)
        if draft is None or turn.msg.payload == "bx":
            self._cancel(turn)
            return
        when = parse_when(turn.text, turn.now)
        if when is None or when <= turn.now:
            turn.say(t("bc_when_unknown"), ((b("bc_b_cancel", "bx"),),))
            return
        self._queue(turn, actor, draft, when)

    def _queue(self, turn: Turn, actor: Actor, draft: store.Broadcast,
               when: datetime | None) -> None:
        access.audit(turn.session, actor, "broadcast_send", True, turn.now)
        n = store.queue(turn.session, draft, turn.now, when)
        channels = _channels(draft.recipients - n)
        turn.state.flow, turn.state.step = {}, CONVERSATION_START
        if when is None:
            turn.say(t("bc_queued", id=draft.id, n=n, channels=channels))
        else:
            turn.say(t("bc_scheduled", id=draft.id, n=n, channels=channels, when=_when(when)))

    # -- /broadcasts --------------------------------------------------------------------------

    def cmd_broadcasts(self, turn: Turn, _arg: str) -> None:
        actor = self._admin(turn, "broadcasts")
        if actor is None:
            return
        access.audit(turn.session, actor, "broadcasts", True, turn.now)
        rows = list(turn.session.scalars(
            select(store.Broadcast).where(store.Broadcast.status != "draft")
            .order_by(store.Broadcast.id.desc()).limit(SHOWN_BROADCASTS)))
        if not rows:
            self._done(turn, "bc_none")
            return
        lines, buttons = [t("bc_list")], []
        for row in rows:
            report = store.report(turn.session, row.id)
            lines.append(self._report_line(row, report, turn.now))
            if row.status == "queued" and not report.finished:
                buttons.append((b("bc_b_cancel_one", f"bc{row.id}", id=row.id),))
        turn.state.flow, turn.state.step = {}, BStep.LIST
        turn.say("\n".join(lines), tuple(buttons))

    def _report_line(self, row: store.Broadcast, report: store.Report, now: datetime) -> str:
        c = report.counts
        send_at = row.send_at
        if row.status == "cancelled":
            state = t("bc_state_cancelled")
        elif report.finished:
            state = t("bc_state_finished")
        elif send_at is not None and send_at > now and not c["sent"]:
            state = t("bc_state_scheduled", when=_when(send_at))
        else:
            state = t("bc_state_sending")
        first = row.text.split("\n", 1)[0]
        snippet = first[:40] + ("…" if len(first) > 40 else "")
        return t("bc_report", id=row.id, snippet=snippet, state=state, total=report.total,
                 sent=c["sent"], failed=c["failed"], blocked=c["unsubscribed"],
                 waiting=report.waiting, cancelled=c["cancelled"])

    def step_list(self, turn: Turn) -> None:
        if self._admin(turn, "broadcasts") is None:
            return
        broadcast_id = _id(turn.msg.payload, "bc")
        row = turn.session.get(store.Broadcast, broadcast_id) if broadcast_id else None
        if row is None or row.status != "queued":
            self._done(turn, "bc_list_closed")
            return
        store.cancel(turn.session, row.id, turn.now)
        turn.session.flush()
        report = store.report(turn.session, row.id)
        self._done(turn, "bc_cancelled_one", line=self._report_line(row, report, turn.now))
