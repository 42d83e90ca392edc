"""Replies as the web chat's JSON frames (docs/web.md, "Server -> page"): pure functions,
no aiohttp, so they are tested offline.

Text stays plain text: the page puts it in the DOM with `textContent` only, so a listing
holding `<script>` shows as those characters. What the page turns into links is decided
here, never by the page parsing text: `tel:` and `sms:` links for the phone and text
numbers in a reply (the crisis contacts above all: one tap to call), and a card's map
link only when it is an http(s) address.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from bot.types import Reply

# "text SHOUT to 85258", "text \"help\" to 81066" and the Welsh "tecstia SHOUT i 85258"
# (bot/catalogue.py and catalogue_cy.py, cc_how_*). UK short codes are 5 or 6 digits
# (Ofcom's numbering plan, "short codes for SMS").
_SMS = re.compile(
    r"\b(?:text|tecstia|tecstiwch)\s+([\"'“‘]?)([A-Za-z0-9]{1,20})\1[”’]?\s+(?:to|i)\s+"
    r"(\d{5,6})\b", re.IGNORECASE)
# UK numbers as people write them (Ofcom's National Telephone Numbering Plan): 0 and 9
# or 10 more digits in groups ("0808 164 0123", "0800 83 85 87", "0113 245 0000"), the
# same after +44, Childline's 0800 1111, and the harmonised 116 xxx numbers ("116 123").
_PHONE = re.compile(
    r"(?<![\d+])(?:\+44\s?\(?0?\)?\s?\d[\d ]{7,12}\d|0\d[\d ]{6,13}\d|116\s?\d{3})(?![\d])")
# 999, 112 and 111 only where the text says to ring them: a bare "111" is as likely a
# house number ("111 Briggate"). "NHS 111" counts (it is what the service is called).
_SHORT = re.compile(
    r"\b(?:call|ring|dial|phone|ffonia|ffoniwch|NHS)\s+(999|112|111)\b"
    r"|\b(999|112)\b(?=\s*\((?:112|999)|\s+(?:also works|yn gweithio))"
    r"|\((?:mae\s+)?(112|999)\b", re.IGNORECASE)


def _uk_digits(written: str) -> str | None:
    """The number to dial for a UK number as written, or None if it is not one."""
    digits = re.sub(r"\D", "", written)
    if written.lstrip().startswith("+"):
        digits = digits[2:].removeprefix("0")  # +44 (0)113... -> 113...
        return f"+44{digits}" if len(digits) in (9, 10) else None
    if digits.startswith("116") and len(digits) == 6:
        return digits
    if len(digits) in (10, 11) or digits in ("08001111",):
        return digits
    return None


def find_links(text: str) -> list[dict[str, str]]:
    """The phone and text numbers in `text` as links, in the order they appear, each
    once: [{"label": "116 123", "href": "tel:116123"}, {"label": "text SHOUT to 85258",
    "href": "sms:85258?body=SHOUT"}]. `sms:` with a body as RFC 5724 writes it."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _SMS.finditer(text):
        word, number = m[2], m[3]
        found.append((m.start(), m[0], f"sms:{number}?body={quote(word, safe='')}"))
        taken.append(m.span())
    for m in _PHONE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        label = m[0].strip()
        dial = _uk_digits(label)
        if dial is not None:
            found.append((m.start(), label, f"tel:{dial}"))
            taken.append(m.span())
    for m in _SHORT.finditer(text):
        number = m[1] or m[2] or m[3]
        found.append((m.start(), number, f"tel:{number}"))
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for _, label, href in sorted(found, key=lambda f: f[0]):
        if href not in seen:
            seen.add(href)
            links.append({"label": label, "href": href})
    return links


def _safe_url(url: str) -> str | None:
    """Only http(s) addresses reach the page as links (never javascript: or data:)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _attachment(reply: Reply) -> dict[str, Any] | None:
    """A reply's file (Reply.attachment: a calendar file) as its name and type; the
    server adds the address it can be fetched from (adapters/web.py, /files/)."""
    item = getattr(reply, "attachment", None)
    if item is None:
        return None
    return {"filename": str(item.filename), "mime": str(item.mime)}


def render_reply(reply: Reply) -> dict[str, Any]:
    """One reply as a "reply" frame, without the message id and index (render)."""
    card = reply.card
    frame: dict[str, Any] = {
        "type": "reply",
        "text": reply.text,
        "buttons": [[{"label": b.label, "payload": b.payload} for b in row]
                    for row in reply.buttons if row],
        "request_location": reply.request_location,
        "crisis": reply.crisis,
        "lang": reply.lang,
        "card": None if card is None else {
            "title": card.title, "address": card.address, "latitude": card.latitude,
            "longitude": card.longitude, "map_url": _safe_url(card.map_url)},
        "links": find_links(reply.text),
    }
    attachment = _attachment(reply)
    if attachment is not None:
        frame["attachment"] = attachment
    return frame


def render(replies: Sequence[Reply], message_id: int | None = None) -> list[dict[str, Any]]:
    """A turn's replies as "reply" frames, one per reply, numbered from 0 (`index`) and
    carrying the id of the message they answer. The same replies always give the same
    frames (adapters/turns.py Outlet.render)."""
    return [{**render_reply(r), "id": message_id, "index": i} for i, r in enumerate(replies)]
