"""The web chat's server (adapters/web.py, docs/web.md): a real WebAdapter listening on
127.0.0.1 with the real conversation on the real database (SQLite and PostgreSQL, the
demo directory), driven by aiohttp's client as the page would drive it. The page itself
(adapters/web_static) is tested in a browser by its own tests; here it is only served.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from dialogue import Clock, make_conversation
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from adapters.web import STATIC_DIR, Limits, WebAdapter
from adapters.web_render import find_links, render
from bot.claims import ProcessedUpdate
from bot.crisis import detect_crisis
from bot.crisis.reply import crisis_reply
from bot.types import Button, PlaceCard, Reply
from directory.records import ListingRecord, OrganisationRecord
from directory.repository import upsert_listing, upsert_organisation

PAGE_DIR = STATIC_DIR  # the real page (adapters/web_static)
ALLOWED = "https://leeds-lero.example.org"
EXIT_URL = "https://www.example.com/weather?a=1&b=\"2\""
TIMEOUT = 20.0


def new_session() -> str:
    return secrets.token_hex(16)


@dataclass
class Server:
    adapter: WebAdapter
    http: aiohttp.ClientSession
    task: asyncio.Task

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}"

    @property
    def origin(self) -> str:
        return self.base  # the page is served by the bot: its own origin

    async def page(self, session: str | None = None, origin: str | None = None) -> Page:
        session = session or new_session()
        ws = await self.http.ws_connect(f"{self.base}/ws?session={session}",
                                        origin=origin or self.origin)
        return Page(ws, session)

    async def stop(self) -> None:
        await self.adapter.stop()
        await asyncio.wait_for(self.task, 15)


@dataclass
class Page:
    """One browser tab's socket: sends frames, collects what comes back."""

    ws: aiohttp.ClientWebSocketResponse
    session: str
    frames: list[dict] = field(default_factory=list)
    next_id: int = 1

    async def send(self, frame: dict) -> None:
        await self.ws.send_str(json.dumps(frame))

    async def receive(self) -> dict:
        msg = await asyncio.wait_for(self.ws.receive(), TIMEOUT)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        frame = json.loads(msg.data)
        self.frames.append(frame)
        return frame

    async def until_done(self, message_id: int) -> list[dict]:
        """The frames up to this message's "done", in the order they came."""
        got = []
        while True:
            frame = await self.receive()
            got.append(frame)
            if frame["type"] == "done" and frame["id"] == message_id:
                return got

    async def turn(self, frame: dict) -> list[dict]:
        """Send one message (numbered here); its reply frames."""
        frame = {"id": self.next_id, **frame}
        self.next_id = frame["id"] + 1
        await self.send(frame)
        got = await self.until_done(frame["id"])
        return [f for f in got if f["type"] == "reply" and f["id"] == frame["id"]]

    async def say(self, text: str) -> list[dict]:
        return await self.turn({"type": "message", "text": text})

    async def press(self, replies: list[dict], label: str) -> list[dict]:
        payload = next(b["payload"] for r in replies for row in r["buttons"] for b in row
                       if b["label"] == label)
        return await self.turn({"type": "button", "payload": payload})

    async def close(self) -> None:
        await self.ws.close()


ServerFactory = Callable[..., Any]


@pytest.fixture
async def serve(demo_sessions: sessionmaker, clock: Clock
                ) -> AsyncIterator[ServerFactory]:
    """Start web servers (each a WebAdapter on 127.0.0.1, a free port) on the demo
    directory; all stopped at the end."""
    servers: list[Server] = []
    http = aiohttp.ClientSession()

    async def start(**options: Any) -> Server:
        options.setdefault("allowed_origins", (ALLOWED,))
        options.setdefault("exit_url", EXIT_URL)
        adapter = WebAdapter(demo_sessions, listen="127.0.0.1:0", static_dir=PAGE_DIR,
                             **options)
        task = asyncio.create_task(adapter.start(make_conversation(demo_sessions,
                                                                   clock=clock)))
        await asyncio.wait_for(adapter.started.wait(), 10)
        server = Server(adapter, http, task)
        servers.append(server)
        return server

    yield start
    for server in servers:
        if not server.task.done():
            await server.stop()
    await http.close()


@pytest.fixture
async def server(serve: ServerFactory) -> Server:
    return await serve()


def texts(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def labels(replies: list[dict]) -> list[str]:
    return [b["label"] for r in replies for row in r["buttons"] for b in row]


async def search_leeds(page: Page) -> list[dict]:
    await page.send({"type": "hello", "lang": "en-GB"})
    await page.say("/start")
    replies = await page.say("alcohol support in Leeds")
    assert "near Leeds" in texts(replies)
    return replies


# -- the chat over the WebSocket -----------------------------------------------------------


async def test_search_flow_over_the_websocket(server: Server) -> None:
    page = await server.page()
    greeting = await page.say("/start")
    assert "Recovery Connector" in greeting[0]["text"]
    assert [r["index"] for r in greeting] == list(range(len(greeting)))
    assert all(r["id"] == 1 and r["crisis"] is False and r["lang"] == "en"
               for r in greeting)
    assert "Alcohol" in labels(greeting)
    asked = await page.press(greeting, "Alcohol")
    assert "Where are you?" in texts(asked)
    assert any(r["request_location"] for r in asked)  # the page's "Share my location"
    results = await page.turn({"type": "location", "latitude": 53.7997,
                               "longitude": -1.5492})
    assert re.search(r"^1\. .+", texts(results), re.MULTILINE), texts(results)
    assert "More results" in labels(results)
    details = await page.press(results, "1")
    card = next(r["card"] for r in details if r["card"])
    assert card["map_url"].startswith("https://") and card["title"]
    assert isinstance(card["latitude"], float)


async def test_one_sentence_search_and_a_welsh_page(server: Server) -> None:
    page = await server.page()
    replies = await search_leeds(page)
    assert "More results" in labels(replies)
    cy = await server.page()
    await cy.send({"type": "hello", "lang": "cy"})
    greeting = await cy.say("helo")
    assert greeting[0]["lang"] == "cy", greeting[0]["text"]


async def test_a_danger_message_gets_the_crisis_contacts_first_with_links(
        server: Server) -> None:
    page = await server.page()
    replies = await page.say("I want to end my life, I'm in Leeds")
    first = replies[0]
    assert first["crisis"] is True and first["index"] == 0
    hrefs = [link["href"] for link in first["links"]]
    assert "tel:999" in hrefs and "tel:116123" in hrefs
    assert "sms:85258?body=SHOUT" in hrefs
    # The rest of the turn follows without repeating the contacts.
    assert [r["index"] for r in replies] == list(range(len(replies)))
    assert sum("116 123" in r["text"] for r in replies) == 1


async def test_a_resend_after_reconnecting_replays_and_does_not_run_again(
        server: Server, demo_sessions: sessionmaker) -> None:
    page = await server.page()
    results = await search_leeds(page)
    payload = next(b["payload"] for r in results for row in r["buttons"] for b in row
                   if b["label"] == "More results")
    more = await page.turn({"type": "button", "payload": payload})
    more_id = page.next_id - 1
    await page.close()
    # The page did not see "done" (say): it reconnects and sends the message again.
    again = await server.page(page.session)
    await again.send({"type": "button", "id": more_id, "payload": payload})
    replayed = [f for f in await again.until_done(more_id) if f["type"] == "reply"]
    assert [(r["index"], r["text"]) for r in replayed] == \
        [(r["index"], r["text"]) for r in more]
    # Had it run twice, the next "More results" would skip a page.
    again.next_id = more_id + 1
    page3 = await again.press(more, "More results")
    first_of = [int(m) for m in re.findall(r"^(\d+)\. ", texts(more), re.MULTILINE)]
    next_of = [int(m) for m in re.findall(r"^(\d+)\. ", texts(page3), re.MULTILINE)]
    assert next_of and next_of[0] == first_of[-1] + 1
    # And a restarted server (its memory gone) does not run it again either: the
    # claim in the database says it was answered.
    await server.stop()
    with demo_sessions() as s:
        # Messages 1 to 4, each claimed once, all finished (their journals cleared).
        claims = s.scalar(select(func.count()).select_from(ProcessedUpdate))
        assert claims == 4 and not s.scalar(
            select(func.count()).select_from(ProcessedUpdate)
            .where(ProcessedUpdate.done.is_(False)))


async def test_a_restarted_server_answers_a_resend_once(serve: ServerFactory) -> None:
    first = await serve()
    page = await first.page()
    results = await search_leeds(page)
    await first.stop()
    second = await serve()
    again = await second.page(page.session)
    await again.send({"type": "message", "id": 2, "text": "alcohol support in Leeds"})
    frames = await again.until_done(2)
    assert frames == [{"type": "done", "id": 2}]  # answered before: not run again
    # The conversation carried on where it was, in the database.
    again.next_id = 3
    replies = await again.press(results, "More results")
    assert re.search(r"^\d+\. ", texts(replies), re.MULTILINE)


async def test_two_tabs_of_one_session_both_see_the_replies(server: Server) -> None:
    one = await server.page()
    two = await server.page(one.session)
    replies = await one.say("/start")
    seen = [f for f in await two.until_done(1) if f["type"] == "reply"]
    assert [r["text"] for r in seen] == [r["text"] for r in replies]


# -- the polling fallback --------------------------------------------------------------------


async def test_the_polling_fallback(serve: ServerFactory) -> None:
    server = await serve(limits=Limits(poll_seconds=0.5))
    session = new_session()
    headers = {"Origin": server.origin}

    async def send(frame: dict) -> aiohttp.ClientResponse:
        return await server.http.post(f"{server.base}/api/send?session={session}",
                                      json=frame, headers=headers)

    hello = await send({"type": "hello", "lang": "en"})
    assert hello.status == 202 and await hello.json() == {"accepted": None}
    sent = await send({"type": "message", "id": 1, "text": "/start"})
    assert sent.status == 202 and await sent.json() == {"accepted": 1}
    events: list[dict] = []
    after = 0
    for _ in range(20):
        # A same-origin GET comes without an Origin header from a browser.
        poll = await server.http.get(f"{server.base}/api/poll?session={session}"
                                     f"&after={after}")
        assert poll.status == 200
        body = await poll.json()
        events += body["events"]
        after = body["next"]
        if any(e["type"] == "done" for e in events):
            break
    assert events[-1] == {"type": "done", "id": 1}
    assert "Recovery Connector" in events[0]["text"] and events[0]["id"] == 1
    # Nothing new: the long poll ends empty after its time, at the same number.
    poll = await server.http.get(f"{server.base}/api/poll?session={session}&after={after}")
    assert await poll.json() == {"events": [], "next": after}
    # A page that knew a higher number (the server restarted) gets everything at once.
    poll = await server.http.get(f"{server.base}/api/poll?session={session}&after=999")
    body = await poll.json()
    assert body["next"] == after and len(body["events"]) == after
    # The same checks as the socket's.
    bad = await server.http.post(f"{server.base}/api/send?session={session}",
                                 data="type=message&id=2&text=hi",
                                 headers={**headers, "Content-Type":
                                          "application/x-www-form-urlencoded"})
    assert bad.status == 415
    long = await send({"type": "message", "id": 2, "text": "x" * 2001})
    assert long.status == 413 and (await long.json())["code"] == "too_long"


# -- security ----------------------------------------------------------------------------------


async def test_origins_not_allowed_are_refused(server: Server) -> None:
    session = new_session()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await server.http.ws_connect(f"{server.base}/ws?session={session}",
                                     origin="https://evil.example")
    assert refused.value.status == 403
    for headers in ({"Origin": "https://evil.example"}, {}):  # no Origin on a POST: refused
        r = await server.http.post(f"{server.base}/api/send?session={session}",
                                   json={"type": "message", "id": 1, "text": "hi"},
                                   headers=headers)
        assert r.status == 403
        assert (await r.json())["type"] == "error"
    r = await server.http.get(f"{server.base}/api/poll?session={session}",
                              headers={"Origin": "https://evil.example"})
    assert r.status == 403
    # An allowed site (WEB_ALLOWED_ORIGINS) may.
    page = await server.page(origin=ALLOWED)
    assert (await page.say("/start"))[0]["text"]
    r = await server.http.post(f"{server.base}/api/send?session={session}",
                               json={"type": "hello"}, headers={"Origin": ALLOWED})
    assert r.status == 202 and r.headers["Access-Control-Allow-Origin"] == ALLOWED


async def test_bad_session_ids_are_refused(server: Server) -> None:
    for sid in ("", "abc", "A" * 32, "g" * 32, "0" * 31, "0" * 33, "../" + "0" * 29):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await server.http.ws_connect(f"{server.base}/ws?session={sid}",
                                         origin=server.origin)
        assert refused.value.status == 400
        r = await server.http.post(f"{server.base}/api/send?session={sid}",
                                   json={"type": "hello"}, headers={"Origin": server.origin})
        assert r.status == 400


async def test_too_long_text_and_frames_get_an_error_frame(server: Server) -> None:
    page = await server.page()
    await page.send({"type": "message", "id": 1, "text": "x" * 2001})
    error = await page.receive()
    assert error["type"] == "error" and error["code"] == "too_long" and error["id"] == 1
    assert "too long" in error["text"]
    await page.send({"type": "message", "id": 2, "text": "y" * 9000})  # over 8 KB
    error = await page.receive()
    assert error["code"] == "too_long" and error["id"] is None
    # Between the conversation's 1,000 and the server's 2,000 the bot answers itself.
    page.next_id = 3
    replies = await page.say("I drink too much and " * 60)
    assert replies and replies[0]["type"] == "reply"
    # Nonsense gets a word, never a silently dropped socket.
    for bad in ("not json", json.dumps([1]), json.dumps({"type": "message", "id": "x"}),
                json.dumps({"type": "location", "id": 9, "latitude": 91, "longitude": 0}),
                json.dumps({"type": "button", "id": 9, "payload": "p" * 65})):
        await page.ws.send_str(bad)
        error = await page.receive()
        assert error["type"] == "error" and error["code"] == "bad_request", bad
    await page.ws.send_bytes(b"\x00")
    assert (await page.receive())["code"] == "bad_request"
    assert not page.ws.closed


async def test_rate_limits_per_session_and_per_address(serve: ServerFactory) -> None:
    server = await serve(limits=Limits(session_per_minute=3, address_per_minute=5))
    page = await server.page()
    for _ in range(3):
        await page.say("/help")
    await page.send({"type": "message", "id": 4, "text": "/help"})
    error = await page.receive()
    assert error == {"type": "error", "id": 4, "code": "rate_limited",
                     "text": error["text"]} and "wait a minute" in error["text"]
    # Another session from the same address has its own bucket, but the address's is
    # nearly spent (5 a minute): two more, then refused.
    other = await server.page()
    await other.say("/help")
    await other.say("/help")
    await other.send({"type": "message", "id": 3, "text": "/help"})
    assert (await other.receive())["code"] == "rate_limited"
    r = await server.http.post(f"{server.base}/api/send?session={new_session()}",
                               json={"type": "message", "id": 1, "text": "/help"},
                               headers={"Origin": server.origin})
    assert r.status == 429 and (await r.json())["code"] == "rate_limited"


async def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(
        serve: ServerFactory) -> None:
    server = await serve(limits=Limits(address_per_minute=1), trust_proxy=True)

    async def post(address: str) -> int:
        r = await server.http.post(
            f"{server.base}/api/send?session={new_session()}",
            json={"type": "message", "id": 1, "text": "/help"},
            headers={"Origin": server.origin,
                     "X-Forwarded-For": f"203.0.113.9, {address}"})
        return r.status
    assert await post("198.51.100.1") == 202
    assert await post("198.51.100.1") == 429
    assert await post("198.51.100.2") == 202  # another person behind the same proxy


async def test_security_headers_on_every_response(server: Server) -> None:
    r = await server.http.get(f"{server.base}/?embed=1&org=leeds")
    assert r.status == 200
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert f"frame-ancestors 'self' {ALLOWED}" in csp and "'unsafe-inline'" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in r.headers
    page = await r.text()
    exit_tags = re.findall(r'<meta name="rc-exit" content="([^"]*)">', page)
    assert exit_tags == ["https://www.example.com/weather?a=1&amp;b=&quot;2&quot;"]
    assert "<script>" not in page  # no inline script
    widget = await server.http.get(f"{server.base}/widget.js")
    assert widget.status == 200
    assert widget.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert widget.headers["Content-Type"].startswith("text/javascript")
    for name, kind in (("chat.js", "text/javascript"), ("chat.css", "text/css")):
        r = await server.http.get(f"{server.base}/static/{name}")
        assert r.status == 200 and r.headers["Content-Type"].startswith(kind)
        assert r.headers["Content-Security-Policy"] == csp
    for path in ("/static/../web.py", "/static/%2e%2e%2fweb.py", "/static/nothing.js",
                 "/static/index.html"):
        r = await server.http.get(f"{server.base}{path}")
        assert r.status == 404, path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    refused = await server.http.post(f"{server.base}/api/send?session={new_session()}",
                                     json={}, headers={"Origin": "https://evil.example"})
    assert refused.headers["Content-Security-Policy"] == csp


async def test_a_listing_named_with_a_script_tag_comes_back_as_plain_text(
        server: Server, demo_sessions: sessionmaker) -> None:
    name = "<script>alert('x')</script> Recovery Café"
    with demo_sessions() as s:
        upsert_organisation(s, OrganisationRecord(slug="t-org", name="<b>Test</b> Org"),
                            actor="test")
        upsert_listing(s, ListingRecord(
            slug="t-script", organisation_slug="t-org", name=name, kind="group",
            needs=["alcohol"], days=[0], start_time=None, latitude=53.7997,
            longitude=-1.5492, phone="0113 496 0000"), actor="test")
        s.commit()
    page = await server.page()
    await page.say("/start")
    results = await page.say("alcohol support in Leeds")
    assert name in texts(results)  # as it was written: the page shows it as text
    n = next(r for r in re.findall(r"^(\d+)\. (.+)$", texts(results), re.MULTILINE)
             if r[1] == name)[0]
    details = await page.press(results, n)
    assert name in texts(details)
    assert {"label": "0113 496 0000", "href": "tel:01134960000"} in [
        link for r in details for link in r["links"]]


async def test_a_calendar_file_comes_as_a_link_for_this_session_only(
        server: Server) -> None:
    page = await server.page()
    results = await search_leeds(page)
    details = await page.press(results, "1")
    asked = await page.press(details, "Add to calendar")
    sent = await page.press(asked, 'Just "Meeting"')
    attachment = next(r["attachment"] for r in sent if r.get("attachment"))
    assert attachment["filename"].endswith(".ics") and attachment["mime"] == "text/calendar"
    assert attachment["url"].startswith(f"/files/{page.session}/")
    r = await server.http.get(server.base + attachment["url"])
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/calendar")
    assert r.headers["Cache-Control"] == "no-store"
    assert "attachment;" in r.headers["Content-Disposition"]
    assert (await r.text()).startswith("BEGIN:VCALENDAR")
    other = attachment["url"].replace(page.session, new_session())
    assert (await server.http.get(server.base + other)).status == 404


async def test_stopping_finishes_the_turn_in_hand_then_closes_sockets(
        server: Server) -> None:
    page = await server.page()
    await page.send({"type": "message", "id": 1, "text": "alcohol support in Leeds"})
    await asyncio.sleep(0.05)
    stopping = asyncio.create_task(server.stop())
    frames = await page.until_done(1)
    assert any(f["type"] == "reply" for f in frames)
    msg = await asyncio.wait_for(page.ws.receive(), TIMEOUT)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    await stopping


# -- render(), offline --------------------------------------------------------------------------


def test_render_gives_the_contract_frame() -> None:
    reply = Reply("Pick one", buttons=((Button("Alcohol", "n0"), Button("Drugs", "n1")),),
                  request_location=True, lang="cy",
                  card=PlaceCard("Hall", "1 Road, LS1", 53.8, -1.55,
                                 "https://www.openstreetmap.org/?mlat=53.8&mlon=-1.55"))
    frames = render([reply, Reply("Call 0113 496 0000")], 7)
    assert frames[0] == {
        "type": "reply", "id": 7, "index": 0, "text": "Pick one",
        "buttons": [[{"label": "Alcohol", "payload": "n0"},
                     {"label": "Drugs", "payload": "n1"}]],
        "request_location": True, "crisis": False, "lang": "cy",
        "card": {"title": "Hall", "address": "1 Road, LS1", "latitude": 53.8,
                 "longitude": -1.55,
                 "map_url": "https://www.openstreetmap.org/?mlat=53.8&mlon=-1.55"},
        "links": []}
    assert frames[1]["index"] == 1 and frames[1]["links"] == [
        {"label": "0113 496 0000", "href": "tel:01134960000"}]
    assert render([reply], 7) == render([reply], 7)[:1]  # pure
    json.dumps(frames)  # JSON as it stands


def test_render_names_a_file_without_its_contents() -> None:
    from bot.types import Attachment

    frame = render([Reply("Here", attachment=Attachment("meeting.ics", "text/calendar",
                                                         b"BEGIN:VCALENDAR"))], 1)[0]
    assert frame["attachment"] == {"filename": "meeting.ics", "mime": "text/calendar"}
    assert "attachment" not in render([Reply("Here")])[0]


def test_render_drops_a_map_link_that_is_not_http() -> None:
    card = PlaceCard("<img src=x>", "", 0.0, 0.0, "javascript:alert(1)")
    frame = render([Reply("<script>x</script>", card=card)])[0]
    assert frame["card"]["map_url"] is None
    assert frame["text"] == "<script>x</script>"  # text stays text: the page escapes


@pytest.mark.parametrize("words, lang", [("I want to kill myself", "en"),
                                         ("dw i eisiau lladd fy hun", "cy")])
def test_crisis_replies_carry_call_and_text_links(words: str, lang: str) -> None:
    signal = detect_crisis(words)
    assert signal is not None
    from bot.catalogue import speaking
    with speaking(lang):
        reply = crisis_reply(signal)
    links = render([reply])[0]["links"]
    hrefs = [link["href"] for link in links]
    assert hrefs[0] == "tel:999"
    assert {"tel:116123", "sms:85258?body=SHOUT", "tel:111"} <= set(hrefs)
    assert len(hrefs) == len(set(hrefs))
    shout = next(link for link in links if link["href"].startswith("sms:85258"))
    assert shout["label"] == ("text SHOUT to 85258" if lang == "en"
                              else "tecstia SHOUT i 85258")


@pytest.mark.parametrize("text, hrefs", [
    ("call 116 123 (free, 24/7)", ["tel:116123"]),
    ("call 0808 164 0123 (7pm to 11pm)", ["tel:08081640123"]),
    ("call 999 (112 also works)", ["tel:999", "tel:112"]),
    ("NHS 111: call 111", ["tel:111"]),
    ("text SHOUT to 85258 (24/7)", ["sms:85258?body=SHOUT"]),
    ("call 0800 132 737 or text \"help\" to 81066", ["tel:0800132737",
                                                    "sms:81066?body=help"]),
    ("Childline: call 0800 1111", ["tel:08001111"]),
    ("Phone: +44 (0)113 496 0000", ["tel:+441134960000"]),
    ("Phone: 0800 83 85 87", ["tel:0800838587"]),
    # Not numbers to call: a house number, a postcode, a time, a date, a short number.
    ("111 Briggate, LS1 6HE", []),
    ("Meets 19:30 on 23/11/2026, room 0112", []),
    ("Since 2019 we have met 52 weeks a year at 1 Park Row", []),
])
def test_find_links(text: str, hrefs: list[str]) -> None:
    assert [link["href"] for link in find_links(text)] == hrefs


# -- `recovery-bot run web`, a real process ---------------------------------------------------


async def test_run_web_serves_the_chat_health_and_exits_on_sigterm(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from bot_process import free_port

    port, health = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("DATABASE_", "WEB_", "LOG_", "HEALTH_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "LOAD_DEMO": "true",
                "WEB_ALLOWED_ORIGINS": ALLOWED, "LOG_LEVEL": "INFO"})
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("recovery-bot")), "run", "web",
             "--listen", f"127.0.0.1:{port}", "--health-listen", f"127.0.0.1:{health}"],
            env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=log_file)
        try:
            async with aiohttp.ClientSession() as http:
                deadline = time.monotonic() + 60
                while True:
                    assert proc.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, log_path.read_text()
                    try:
                        async with http.get(f"http://127.0.0.1:{health}/readyz") as r:
                            if r.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)
                async with http.get(f"http://127.0.0.1:{port}/") as r:
                    assert r.status == 200
                    assert ALLOWED in r.headers["Content-Security-Policy"]
                ws = await http.ws_connect(f"http://127.0.0.1:{port}/ws?session="
                                           f"{new_session()}", origin=ALLOWED)
                page = Page(ws, "")
                replies = await page.say("I want to end my life")
                assert replies[0]["crisis"] and replies[0]["links"]
                await ws.close()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(15) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
    logs = log_path.read_text()
    assert "end my life" not in logs  # never what anyone wrote
