"""The crisis reply: what to do first, the helplines that fit, and "Are you safe?".

One function builds it for every path (a danger message, /crisis, the fallback when
the database or a turn fails, Telegram groups and Discord), so none can lose the
contacts. Payloads: "resume" (I'm safe, carry on: the person's step is asked again)
and "unsafe" (I need help now).
"""

from __future__ import annotations

from bot.catalogue import current_language, t
from bot.crisis.contacts import crisis_contacts
from bot.crisis.detect import CrisisSignal
from bot.types import Button, Reply

# Categories with words of their own before the helplines ("call 999 now", first aid).
_FIRST = ("overdose", "medical", "child_at_risk", "abuse", "harm_to_others")
# The catalogue whose speakers get the Welsh-language lines (contacts.py `welsh`).
WELSH = "cy"


def crisis_reply(signal: CrisisSignal | None = None, nation: str | None = None,
                 intro: str = "crisis_intro", ask_safe: bool = True) -> Reply:
    """Contacts for what was seen (all of them for /crisis, `signal` None) in `nation`
    (every nation's, labelled, when None), most urgent first."""
    categories = signal.categories if signal else ()
    lines = [t(f"crisis_first_{c}") for c in categories if c in _FIRST]
    lines.append(t("crisis_lines") if lines else t(intro))
    contacts = crisis_contacts(categories, nation, welsh=_welsh(signal))
    lines += [c.line(label_nation=nation is None) for c in contacts]
    lines.append(t("crisis_outro"))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if ask_safe:
        lines.append(t("crisis_safe_question"))
        buttons = ((Button(t("b_safe"), "resume"), Button(t("b_unsafe"), "unsafe")),)
    return Reply("\n".join(lines), buttons, crisis=True)


def signpost_reply(mentioned: tuple[str, ...], nation: str | None = None) -> Reply:
    """Danger words about the past, a loss or a topic ("support for people bereaved by
    suicide"): no alarm and no question, a gentle line with the lines that fit."""
    lines = [t("crisis_signpost")]
    contacts = crisis_contacts(mentioned, nation, welsh=_welsh(None))
    lines += [c.line(label_nation=nation is None) for c in contacts if c.key != "emergency"]
    return Reply("\n".join(lines), crisis=True)


def unsafe_reply(nation: str | None = None) -> Reply:
    """After "I need help now": 999 first, and every line again."""
    lines = [t("crisis_unsafe")]
    lines += [c.line(label_nation=nation is None)
              for c in crisis_contacts((), nation, welsh=_welsh(None))]
    return Reply("\n".join(lines), crisis=True)


def _welsh(signal: CrisisSignal | None) -> bool:
    """Whether the Welsh-language lines go in: the message was Welsh, or the
    conversation is (the catalogue it speaks)."""
    return bool(signal and signal.welsh) or current_language() == WELSH


def fallback_replies(apology: str, signal: CrisisSignal | None = None, *,
                     contacts_sent: bool = False) -> list[Reply]:
    """When a turn cannot be answered (the database is down or hung, a bug): the apology
    and the contacts; for a danger message, the contacts that fit it and nothing else
    (nothing at all when the turn runner sent them already: `contacts_sent`).
    Needs nothing but the text already read, so it always works."""
    if signal is not None:
        return [] if contacts_sent else [crisis_reply(signal)]
    return [Reply(t(apology)), crisis_reply(intro="crisis_contacts_only", ask_safe=False)]
