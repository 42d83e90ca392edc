"""The web chat in a real browser (issue 18): headless Chromium (Debian's `chromium`, never
a downloaded build) driven by Playwright's Python API, against the real WebAdapter
(adapters/web.py) serving a real Conversation on a real SQLite database holding the demo
directory, on 127.0.0.1. Pages of "other organisations" that embed the widget, and the
neutral page Quick exit goes to, are served by a second and third local HTTP server on
other ports (other origins).

Skipped, with the reason, only where the browser or Playwright cannot be had; under CI=true
they fail instead. Screenshots of the widget go to test-artifacts/ (git-ignored), or to
$RC_TEST_ARTIFACTS.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from dialogue import load_demo, make_conversation
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from adapters.web import WebAdapter
from directory.db import make_engine, session_factory, upgrade
from directory.models import Listing

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("RC_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("RC_TEST_ARTIFACTS", ROOT / "test-artifacts"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# A listing whose name is markup: the page must show these characters, never run them.
SCRIPT_NAME = "<script>alert(1)</script>"
RENAMED = "Leeds Recovery Café (example)"
WAIT_MS = 15_000  # one turn on 2 busy cores stays well under this
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core's tags, doc/API.md "Axe-core Tags").
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests could not run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests need {reason} (see docs/web.md, 'Browser tests')")


try:
    from playwright.sync_api import Browser, BrowserContext, Frame, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - only without the dev extra
    sync_playwright = None  # type: ignore[assignment]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the bot: the real WebAdapter in an event loop of its own ------------------------------


class BotServer:
    """The real WebAdapter and Conversation, on a thread with its own event loop (the
    test's thread drives the browser with Playwright's synchronous API). `restart`
    stops it and starts a new adapter on the same port: another process, the same
    database."""

    def __init__(self, sessions: sessionmaker, **options: Any) -> None:
        self.sessions = sessions
        self.options = options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.adapter: WebAdapter | None = None
        self.task: asyncio.Task | None = None

    def _call(self, coro: Any, timeout: float = 30) -> Any:
        future: Future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    async def _start(self) -> None:
        adapter = WebAdapter(self.sessions, listen=f"127.0.0.1:{self.port}", **self.options)
        task = asyncio.ensure_future(adapter.start(make_conversation(self.sessions)))
        ready = asyncio.ensure_future(adapter.started.wait())
        done, _ = await asyncio.wait({task, ready}, timeout=15,
                                     return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # raises what went wrong
        assert ready in done, "the web adapter did not start"
        self.adapter, self.task = adapter, task

    async def _stop(self) -> None:
        assert self.adapter is not None and self.task is not None
        await self.adapter.stop()
        await asyncio.wait_for(self.task, 15)
        self.adapter = self.task = None

    def start(self) -> BotServer:
        self._call(self._start())
        return self

    def stop(self) -> None:
        if self.adapter is not None:
            self._call(self._stop())

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


# -- other organisations' sites: plain local HTTP servers ---------------------------------


class Site:
    """A local web site on its own port (its own origin): `/` embeds the widget with the
    one line of HTML the issue promises; `/weather` is the neutral page of Quick exit;
    `/before` is somewhere the person was before opening the chat."""

    def __init__(self, widget_src: str, name: str, port: int = 0) -> None:
        pages = {
            "/": f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{name}</h1><p>Drop-in Tuesdays and Thursdays, 10am to 2pm.</p></main>
<script src="{widget_src}" data-org="leeds-lero"></script>
</body></html>""",
            "/weather": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Weather</title></head><body><main><h1>Weather</h1><p>Sunny intervals.</p></main>
</body></html>""",
            "/before": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>News</title></head><body><main><h1>News</h1></main></body></html>""",
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- fixtures: one browser, one database, one bot per module ------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        _unavailable("the Python package playwright (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        _unavailable(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as pw:
        try:
            launched = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        except Exception as exc:  # noqa: BLE001 - any reason the browser cannot start
            _unavailable(f"a Chromium that starts ({str(exc).splitlines()[0]})")
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker]:
    """A migrated SQLite database with the demo directory, one listing of it renamed to
    markup (the test that it renders as text)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite3'}")
    upgrade(engine)
    load_demo(engine)
    factory = session_factory(engine)
    with factory() as s:
        found = s.execute(update(Listing).where(Listing.name == RENAMED)
                          .values(name=SCRIPT_NAME)).rowcount
        s.commit()
    assert found == 1, f"the demo directory has no {RENAMED!r}"
    yield factory
    engine.dispose()


@pytest.fixture(scope="module")
def exit_site() -> Iterator[Site]:
    site = Site("about:blank", "Neutral")
    yield site
    site.close()


@pytest.fixture(scope="module")
def allowed_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot(browser: Browser, sessions: sessionmaker, exit_site: Site,
        allowed_port: int) -> Iterator[BotServer]:
    server = BotServer(sessions, allowed_origins=[f"http://127.0.0.1:{allowed_port}"],
                       exit_url=f"{exit_site.origin}/weather").start()
    yield server
    server.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# -- what the person sees ------------------------------------------------------------------


def open_chat(page: Page, bot: BotServer) -> None:
    """The full-page chat, greeted, with its first choices."""
    page.goto(bot.url + "/")
    expect(bot_messages(page).first).to_contain_text("I'm Recovery Connector")
    expect(page.get_by_role("button", name="Alcohol")).to_be_visible()


def bot_messages(where: Page | Frame) -> Any:
    return where.locator("#log > li.msg.bot")


def last_bot(where: Page | Frame) -> Any:
    return bot_messages(where).last


def say(where: Page | Frame, text: str) -> None:
    where.get_by_label("Your message").fill(text)
    where.get_by_role("button", name="Send", exact=True).click()


def settled(where: Page | Frame) -> None:
    """Every message sent has been answered in full (the "One moment" line is gone)."""
    expect(where.locator("#working")).to_be_hidden()


def sent_frames(page: Page) -> list[dict]:
    """Every frame the page sends over its WebSockets, as they go."""
    import json

    frames: list[dict] = []
    page.on("websocket", lambda ws: ws.on(
        "framesent", lambda payload: frames.append(json.loads(payload))))
    return frames


def axe_violations(where: Page | Frame) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations (the script was added to every frame of the
    context with add_init_script, which the pages' CSP does not stop)."""
    found = where.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    iframes: false});
             return result.violations.map((v) => v.id + ": " + v.help + " -> " +
               v.nodes.map((n) => n.target.join(" ")).join(", "));
           }""", WCAG_TAGS)
    return list(found)


def needs_axe(context: BrowserContext) -> None:
    if not AXE.is_file():
        _unavailable(f"axe-core at {AXE.relative_to(ROOT)} (npm ci)")
    context.add_init_script(path=str(AXE))


# -- the search ----------------------------------------------------------------------------


def test_search_with_buttons_by_keyboard_alone(page: Page, context: BrowserContext,
                                               bot: BotServer) -> None:
    open_chat(page, bot)
    # Focus order: the always-there Urgent help and Quick exit come first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Urgent help")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Quick exit")).to_be_focused()
    focused_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_outline != "none", "no visible focus"
    for _ in range(12):  # on through the conversation to the first choice
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Alcohol":
            break
    expect(page.get_by_role("button", name="Alcohol")).to_be_focused()
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text("Where are you?")
    expect(last_bot(page).get_by_role("button", name="Share my location")).to_be_visible()
    expect(last_bot(page).get_by_role("button", name="Online meetings")).to_be_visible()

    page.get_by_label("Your message").focus()
    page.keyboard.type("Leeds")
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text("near Leeds")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    last_bot(page).get_by_role("button", name="1", exact=True).click()
    card = last_bot(page).locator(".card")
    expect(card.get_by_role("heading")).to_have_text("Leeds AA meeting (example)")
    link = card.get_by_role("link", name="Open map (OpenStreetMap)")
    assert (link.get_attribute("href") or "").startswith("https://www.openstreetmap.org/")
    settled(page)

    # Nothing of the chat kept anywhere but the two sessionStorage keys, none in the URL.
    assert context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    keys = page.evaluate("Object.keys(sessionStorage).sort()")
    assert keys == ["rc-counter", "rc-session"]
    assert page.url == bot.url + "/"


def test_search_in_one_sentence(page: Page, bot: BotServer) -> None:
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    expect(last_bot(page)).to_contain_text("near Leeds")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    settled(page)
    # One reply for one sentence: no question about the need or the place in between.
    mine = page.locator("#log > li.msg.me")
    expect(mine).to_have_count(1)
    assert bot_messages(page).count() == 3  # greeting, need question, results


def test_a_reload_carries_on_where_the_tab_was(page: Page, bot: BotServer) -> None:
    """The next page of a site with the widget, or a reload: the same tab's session goes
    on, and the question it was at comes again (not the greeting)."""
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    settled(page)
    page.reload()
    expect(last_bot(page)).to_contain_text("near Leeds")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    settled(page)
    expect(page.locator("#log > li.msg.bot").filter(has_text="I'm Recovery Connector")
           ).to_have_count(0)


def test_a_calendar_file_is_a_download(page: Page, bot: BotServer) -> None:
    """Add to calendar on the web: the file comes as a download from the bot's own
    origin, called only "Meeting" by default."""
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    page.get_by_role("button", name="1", exact=True).click()
    page.get_by_role("button", name="Add to calendar").click()
    page.get_by_role("button", name='Just "Meeting"').click()
    link = page.locator("a.file")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    body = Path(info.value.path()).read_text()
    assert body.startswith("BEGIN:VCALENDAR") and "SUMMARY:Meeting" in body
    assert "Leeds AA" not in body


def test_a_welsh_browser_gets_the_page_in_welsh(browser: Browser, bot: BotServer) -> None:
    ctx = browser.new_context(locale="cy-GB")
    try:
        page = ctx.new_page()
        page.goto(bot.url + "/")
        expect(bot_messages(page).first).to_contain_text("Recovery Connector")
        expect(page.get_by_role("button", name="Anfon", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Help brys")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "cy")
    finally:
        ctx.close()


# -- sharing a location --------------------------------------------------------------------


def test_share_location_granted(browser: Browser, bot: BotServer) -> None:
    ctx = browser.new_context(permissions=["geolocation"],
                              geolocation={"latitude": 53.5228, "longitude": -1.1285})
    try:
        page = ctx.new_page()
        open_chat(page, bot)
        page.get_by_role("button", name="Drugs").click()
        last_bot(page).get_by_role("button", name="Share my location").click()
        prompt = page.get_by_role("group", name="Your browser will now ask")
        expect(prompt).to_contain_text("only to find groups near you")
        expect(prompt.get_by_role("button", name="Share it")).to_be_focused()
        prompt.get_by_role("button", name="Share it").click()
        expect(page.locator("#log > li.msg.me").last).to_have_text("My location")
        expect(last_bot(page)).to_contain_text("near Doncaster")
        expect(last_bot(page)).to_contain_text("1. Doncaster NA meeting (example)")
    finally:
        ctx.close()


def test_share_location_denied_sends_nothing(page: Page, bot: BotServer) -> None:
    frames = sent_frames(page)
    open_chat(page, bot)
    page.get_by_role("button", name="Alcohol").click()
    last_bot(page).get_by_role("button", name="Share my location").click()
    # The browser says no (this context was granted nothing).
    page.get_by_role("button", name="Share it").click()
    expect(page.locator("#log > li.msg.note").last).to_have_text(
        "No problem: type a town or postcode instead.")
    expect(page.get_by_label("Your message")).to_be_focused()
    settled(page)
    time.sleep(0.3)
    assert [f["type"] for f in frames if f["type"] != "hello"] == ["message", "button"]
    assert page.locator("#log > li.msg.me").all_text_contents() == ["Alcohol"]


# -- danger ----------------------------------------------------------------------------------


def test_danger_message_gets_crisis_contacts_first_as_links(page: Page, bot: BotServer) -> None:
    open_chat(page, bot)
    before = bot_messages(page).count()
    say(page, "I'm in Leeds and I want to kill myself")
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("999")
    settled(page)
    answer = bot_messages(page).nth(before)  # the first reply to the message
    expect(answer.get_by_role("alert")).to_have_count(1)
    calls = answer.get_by_role("link")
    hrefs = [calls.nth(i).get_attribute("href") for i in range(calls.count())]
    assert "tel:999" in hrefs and "tel:116123" in hrefs, hrefs
    assert "sms:85258?body=SHOUT" in hrefs, hrefs
    box = answer.get_by_role("link", name="116 123").bounding_box()
    assert box is not None and box["height"] >= 44, "a crisis number is not a big button"

    # Urgent help, always there, gets them again in one press.
    alerts = page.get_by_role("alert").count()
    page.get_by_role("button", name="Urgent help").click()
    expect(page.get_by_role("alert")).to_have_count(alerts + 1)
    expect(page.get_by_role("alert").last.get_by_role("link", name="116 123")).to_be_visible()


# -- quick exit --------------------------------------------------------------------------------


def test_quick_exit_leaves_no_trace(page: Page, bot: BotServer, exit_site: Site) -> None:
    page.goto(exit_site.origin + "/before")
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    expect(last_bot(page)).to_contain_text("near Leeds")
    session = page.evaluate("sessionStorage.getItem('rc-session')")
    entries = page.evaluate("history.length")
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(exit_site.origin + "/weather")
    # replace(): the exit page took the chat's place in the history, and Back goes to
    # where the person was before the chat.
    assert page.evaluate("history.length") == entries
    page.go_back()
    assert page.url == exit_site.origin + "/before"
    # The session went with it: opening the chat again in this tab starts a new one.
    open_chat(page, bot)
    assert page.evaluate("sessionStorage.getItem('rc-session')") not in (None, session)
    expect(page.locator("#log > li.msg.me")).to_have_count(0)
    # The Escape key does the same, from anywhere on the page.
    page.get_by_role("button", name="Alcohol").focus()
    page.keyboard.press("Escape")
    page.wait_for_url(exit_site.origin + "/weather")


# -- reconnecting --------------------------------------------------------------------------------


def test_reconnect_after_the_server_restarts_loses_nothing(
        page: Page, sessions: sessionmaker, exit_site: Site) -> None:
    server = BotServer(sessions, exit_url=f"{exit_site.origin}/weather").start()
    try:
        open_chat(page, server)
        page.get_by_role("button", name="Alcohol").click()
        expect(last_bot(page)).to_contain_text("Where are you?")
        settled(page)

        server.stop()  # the process goes away mid-conversation
        expect(page.locator("#status")).to_have_text("Connection lost. Trying again…")
        say(page, "Leeds")  # written while the server is down
        expect(page.locator("#log > li.msg.me").last).to_have_text("Leeds")
        time.sleep(1.0)
        server.start()  # a new process on the same port, the same database

        expect(last_bot(page)).to_contain_text("near Leeds")
        expect(page.locator("#status")).to_have_text("")
        settled(page)
        time.sleep(1.0)  # a duplicate would arrive now
        answers = bot_messages(page).filter(has_text="near Leeds")
        expect(answers).to_have_count(1)
        # The need chosen before the restart still counted: alcohol groups first.
        expect(answers).to_contain_text("1. Leeds AA meeting (example)")
    finally:
        server.close()


def test_polling_when_a_websocket_cannot_open(page: Page, bot: BotServer) -> None:
    """Behind a proxy that does not pass WebSockets: every socket the page opens fails
    (here: sent to another port, which the browser blocks), so after two tries it sends
    and polls over HTTP."""
    page.add_init_script("""
        const Real = window.WebSocket;
        window.WebSocket = function () { return new Real("ws://127.0.0.1:9/"); };
        window.WebSocket.OPEN = Real.OPEN;
    """)
    paths: list[str] = []
    page.on("request", lambda r: paths.append(r.url.split("?")[0].removeprefix(bot.url)))
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    expect(last_bot(page)).to_contain_text("1. Leeds AA meeting (example)")
    settled(page)
    assert "/api/send" in paths and "/api/poll" in paths
    assert "/ws" not in paths  # the real server's socket was never reached


# -- the widget on other organisations' sites ----------------------------------------------------


def test_widget_on_an_allowed_site(browser: Browser, bot: BotServer, allowed_port: int,
                                   exit_site: Site) -> None:
    site = Site(f"{bot.url}/widget.js", "Leeds LERO", port=allowed_port)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        for name, viewport in (("desktop", {"width": 1280, "height": 800}),
                               ("phone", {"width": 390, "height": 844})):
            ctx = browser.new_context(viewport=viewport, locale="en-GB",
                                      is_mobile=name == "phone", has_touch=name == "phone")
            ctx.set_default_timeout(WAIT_MS)
            needs_axe(ctx)
            try:
                page = ctx.new_page()
                requested: list[str] = []
                page.on("request", lambda r, seen=requested: seen.append(r.url))
                page.goto(site.origin + "/")
                launcher = page.get_by_role("button", name="Find support")
                expect(launcher).to_have_attribute("aria-expanded", "false")
                launcher.click()
                expect(launcher).to_have_attribute("aria-expanded", "true")
                frame = page.frame_locator("iframe[title='Recovery support chat']")
                expect(frame.locator("#log > li.msg.bot").first).to_contain_text(
                    "I'm Recovery Connector")
                chat = next(f for f in page.frames if f.url.startswith(bot.url))
                assert "org=leeds-lero" in chat.url and "embed=1" in chat.url
                # Focus moved into the chat, on its message box.
                expect(chat.get_by_label("Your message")).to_be_focused()
                if name == "desktop":
                    say(chat, "I'm in Leeds and drinking too much")
                    expect(last_bot(chat)).to_contain_text("1. Leeds AA meeting (example)")
                settled(chat)
                page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))
                assert axe_violations(page) == []
                assert axe_violations(chat) == []
                # Close, from inside the frame: the panel hides, focus back on the launcher.
                chat.get_by_role("button", name="Close").click()
                expect(page.locator("iframe")).to_be_hidden()
                expect(launcher).to_be_focused()
                expect(launcher).to_have_attribute("aria-expanded", "false")
                # No third-party requests: only the host site and the bot were asked.
                assert all(u.startswith((site.origin, bot.url)) for u in requested), requested
                if name == "phone":
                    # Escape inside the panel is Quick exit for the whole page around it.
                    launcher.click()
                    expect(chat.get_by_label("Your message")).to_be_focused()
                    page.keyboard.press("Escape")
                    page.wait_for_url(exit_site.origin + "/weather")
            finally:
                ctx.close()
    finally:
        site.close()


def test_widget_on_a_site_not_allowed_is_refused(page: Page, bot: BotServer) -> None:
    site = Site(f"{bot.url}/widget.js", "Somewhere else")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
    try:
        page.goto(site.origin + "/")
        page.get_by_role("button", name="Find support").click()
        expect(page.locator("iframe")).to_be_visible()
        deadline = time.monotonic() + 10
        while not refused and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert refused, "no frame-ancestors refusal"
        page.wait_for_timeout(500)
        chats = [f for f in page.frames if f is not page.main_frame]
        assert all(f.locator("#log").count() == 0 for f in chats), "the chat was framed"
    finally:
        site.close()


# -- markup in the directory -------------------------------------------------------------------


def test_a_listing_named_script_renders_as_text(page: Page, bot: BotServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_chat(page, bot)
    say(page, "I'm in Leeds and drinking too much")
    results = last_bot(page)
    expect(results).to_contain_text(SCRIPT_NAME)
    number = next(line.split(".")[0] for line in results.inner_text().splitlines()
                  if SCRIPT_NAME in line)
    results.get_by_role("button", name=number, exact=True).click()
    expect(last_bot(page).locator(".card h3")).to_have_text(SCRIPT_NAME)
    settled(page)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("#log script").count() == 0


# -- accessibility -------------------------------------------------------------------------------


def test_full_page_has_no_axe_violations(browser: Browser, bot: BotServer) -> None:
    """Every kind of thing the page shows at once: choices, results, a card with its map
    link, crisis contacts, the location prompt and a note; then at 320 px wide."""
    ctx = browser.new_context(locale="en-GB", reduced_motion="reduce",
                              viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    needs_axe(ctx)
    try:
        page = ctx.new_page()
        open_chat(page, bot)
        say(page, "I'm in Leeds and I want to kill myself")
        expect(page.get_by_role("alert").first).to_be_visible()
        settled(page)
        say(page, "I'm in Leeds and drinking too much")
        expect(last_bot(page)).to_contain_text("near Leeds")
        last_bot(page).get_by_role("button", name="1", exact=True).click()
        expect(last_bot(page).locator(".card")).to_be_visible()
        settled(page)
        page.get_by_role("button", name="Start again").last.click()
        page.get_by_role("button", name="Alcohol").last.click()
        last_bot(page).get_by_role("button", name="Share my location").click()
        page.get_by_role("button", name="Not now").click()
        expect(page.locator("#log > li.msg.note")).to_have_count(1)
        assert axe_violations(page) == []
        # Reduced motion: the "one moment" pulse does not move.
        animation = page.evaluate(
            "getComputedStyle(document.querySelector('.dots'), '::before').animationName")
        assert animation == "none"

        # 200% zoom of a 1280x800 window (640x400 CSS px), then 320 CSS px wide (WCAG
        # 1.4.10): no sideways scrolling, and Quick exit in view at the newest message.
        for width, height in ((640, 400), (320, 640)):
            page.set_viewport_size({"width": width, "height": height})
            page.locator("#log > li").last.scroll_into_view_if_needed()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            for button in ("#exit", "#urgent"):
                top, bottom = page.evaluate(
                    "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
                    " return [r.top, r.bottom]; }", button)
                assert top >= 0 and bottom <= height, f"{button} out of view at {width}px"
        assert axe_violations(page) == []
    finally:
        ctx.close()
