"""Sources and sync, as a deployer's cron job meets them: the real command line against a
feed served over HTTP on 127.0.0.1 that changes, breaks, times out, answers 304 and
sends too much, on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, select
from test_cli import run

from directory import curation
from directory.db import session_factory
from directory.models import Listing, Source

# Fast limits for tests: a read that waits over half a second is a timeout, no retries
# unless a test asks for them.
FAST = ("--read-timeout", "0.5", "--connect-timeout", "2", "--retries", "0")


def meeting(n: int, **changes: Any) -> dict[str, Any]:
    """A Meeting Guide meeting in Leeds (code4recovery/spec README field definitions)."""
    m = {
        "name": f"Leeds Sync Group {n}", "slug": f"leeds-sync-{n}", "day": n % 7,
        "time": f"{18 + n % 3}:30", "end_time": f"{19 + n % 3}:30",
        "location": "Civic Quarter Community Room", "address": "12 Park Row",
        "city": "Leeds", "postal_code": "LS1 5DL", "country": "UK",
        "latitude": 53.79536, "longitude": -1.54511, "types": ["O", "EN"],
        "group": "Leeds Sync Intergroup",
    }
    m.update(changes)
    return m


class FeedServer:
    """A feed on 127.0.0.1 whose content and behaviour a test sets: `meetings` (served
    with an ETag, and 304 to a request that has it), or a `mode`: bad_json, status
    (answers `status`), slow (waits before answering), huge (a body over the cap, with
    or without Content-Length), fail_once (503 to the next request, then the feed)."""

    def __init__(self) -> None:
        self.meetings: list[dict[str, Any]] = [meeting(n) for n in range(1, 7)]
        self.mode = "ok"
        self.status = 500
        self.pages: dict[int, dict[str, Any]] = {}  # mode "pages": page number -> page
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append({k.lower(): v for k, v in self.headers.items()})
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/meetings.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def body(self) -> bytes:
        return json.dumps(self.meetings).encode()

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        mode = self.mode
        if mode == "fail_once":
            self.mode = "ok"
            h.send_response(503)
            h.send_header("Retry-After", "0")
            h.end_headers()
            return
        if mode == "status":
            h.send_response(self.status)
            h.end_headers()
            h.wfile.write(b"<html>Internal Server Error</html>")
            return
        if mode == "pages":  # an Open Referral API: /services?page=N
            number = int(parse_qs(urlsplit(h.path).query).get("page", ["1"])[0])
            page = self.pages.get(number)
            h.send_response(200 if page is not None else 404)
            h.send_header("Content-Type", "application/json")
            h.end_headers()
            h.wfile.write(json.dumps(page).encode() if page is not None else b"{}")
            return
        if mode == "slow":
            time.sleep(2.0)
        if mode in ("huge", "huge_stream"):
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            chunk = b" " * 65536
            if mode == "huge":
                h.send_header("Content-Length", str(len(chunk) * 40))
            h.end_headers()
            try:
                for _ in range(40):
                    h.wfile.write(chunk)
            except OSError:
                pass  # the client gave up, as it should
            return
        body = b'[{"name": "Leeds Sync Group 1", "slug": ' if mode == "bad_json" else self.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.send_header("ETag", etag)
        h.end_headers()
        h.wfile.write(body)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


# The command line against the test's database, as tests/test_cli.py runs it.
cli = run


def sync(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = cli(env, "directory", "sync", "leeds", "--json", *FAST, *args)
    results = json.loads(out)
    assert len(results) == 1, out + err
    return code, results[0]


def listings(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """Every listing of the sync's feed: what a person would see of it."""
    with session_factory(engine)() as s:
        return {li.slug: (li.name, li.status, li.status_note, li.start_time, li.needs,
                          li.version)
                for li in s.scalars(select(Listing).where(Listing.slug.like("leeds-sync-%")))}


def add_leeds(env: dict[str, str], url: str, *extra: str) -> None:
    code, out, err = cli(env, "directory", "sources", "add", "leeds", url, "--format",
                         "meeting-guide", *extra)
    assert code == 0, out + err


def test_sync_follows_the_feed_closing_and_reopening(env: dict[str, str], engine: Engine,
                                                     feed: FeedServer) -> None:
    add_leeds(env, feed.url, "--fellowship", "AA")
    code, first = sync(env)
    assert code == 0, first
    assert first["status"] == "ok" and first["not_modified"] is False
    assert first["created"] == 7  # the intergroup and its 6 meetings
    assert first["examples_closed"] > 0  # a fresh directory's made-up examples
    assert all(row[1] == "active" and row[4] == ["alcohol"] for row in
               listings(engine).values())  # the source's fellowship gives the needs
    code, out, _ = cli(env, "directory", "search", "alcohol near Leeds", "--json",
                       "--limit", "3")
    assert code == 0 and not any(r["is_demo"] for r in json.loads(out))

    # Unchanged: a conditional request, answered 304, changes nothing.
    code, again = sync(env)
    assert code == 0 and again["status"] == "not_modified" and again["not_modified"]
    assert feed.requests[-1].get("if-none-match")
    assert again["created"] == again["updated"] == again["closed"] == 0

    # The feed changes: one meeting moves, one goes, one is new.
    before = listings(engine)
    feed.meetings[0] = meeting(1, time="07:15")
    gone = feed.meetings.pop(1)
    feed.meetings.append(meeting(9))
    code, changed = sync(env)
    assert code == 0, changed
    assert (changed["created"], changed["updated"], changed["closed"],
            changed["reopened"]) == (1, 1, 1, 0)
    after = listings(engine)
    assert str(after["leeds-sync-1"][3]) == "07:15:00"
    status, note = after[gone["slug"]][1:3]
    assert status == "closed" and "leeds" in note  # closed, not deleted, and says why
    assert after["leeds-sync-3"] == before["leeds-sync-3"]

    # It comes back: reopened, not duplicated.
    feed.meetings.append(gone)
    code, back = sync(env)
    assert code == 0 and back["reopened"] == 1 and back["created"] == 0
    assert listings(engine)[gone["slug"]][1] == "active"

    code, out, _ = cli(env, "directory", "sources", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["listings"] == 7 and listed["last_status"] == "ok"
    assert listed["last_summary"]["reopened"] == 1


def test_a_volunteers_edit_survives_the_next_sync(env: dict[str, str], engine: Engine,
                                                  feed: FeedServer) -> None:
    add_leeds(env, feed.url)
    assert sync(env)[0] == 0
    now = datetime.now(UTC)
    with session_factory(engine)() as s:  # a trusted volunteer renames a meeting
        listing = curation.listing_by_slug(s, "leeds-sync-2")
        assert listing is not None
        change = curation.draft(s, listing, 1, "edit", "name",
                                {"name": "Leeds Friday Big Book"}, now)
        assert curation.submit(s, change, "person:1", True, now).status == "applied"
        s.commit()
        assert listing.curated_fields == ["name"]
    # The feed changes the same meeting's name and its time.
    feed.meetings[1] = meeting(2, name="Leeds Sync Group Two", time="08:00")
    code, result = sync(env)
    assert code == 0 and result["updated"] == 1 and result["curated_kept"] == 1
    name, _, _, start, _, _ = listings(engine)["leeds-sync-2"]
    assert name == "Leeds Friday Big Book"  # the volunteer's
    assert str(start) == "08:00:00"  # the feed's

    # A venue closed for repairs: its meetings paused at once (one batch). The feed still
    # says they meet; they stay paused, with the volunteer's note.
    with session_factory(engine)() as s:
        paused = [curation.listing_by_slug(s, f"leeds-sync-{n}") for n in (3, 4)]
        batch = curation.draft_many(s, paused, 1, "pause", "status",  # type: ignore[arg-type]
                                    {"status": "temporarily_closed",
                                     "status_note": "Hall closed for repairs"}, now)
        for change in curation.batch_drafts(s, batch):
            curation.submit(s, change, "person:1", True, now)
        s.commit()
    feed.meetings[2] = meeting(3, end_time="21:00")
    code, result = sync(env)
    # Kept: the renamed meeting's name, and each paused meeting's status and note.
    assert code == 0 and result["updated"] == 1 and result["curated_kept"] == 1 + 2 * 2
    after = listings(engine)
    for slug in ("leeds-sync-3", "leeds-sync-4"):
        assert after[slug][1:3] == ("temporarily_closed", "Hall closed for repairs")


def snapshot(engine: Engine) -> tuple[dict[str, tuple[Any, ...]], tuple[Any, ...]]:
    with session_factory(engine)() as s:
        src = s.scalar(select(Source))
        assert src is not None
        return listings(engine), (src.etag, src.last_modified)


@pytest.mark.parametrize("mode", ["bad_json", "status", "slow", "huge", "huge_stream",
                                  "half_gone", "emptied"])
def test_a_broken_feed_changes_nothing_and_says_why(env: dict[str, str], engine: Engine,
                                                    feed: FeedServer, mode: str) -> None:
    add_leeds(env, feed.url)
    assert sync(env)[0] == 0
    before, validators = snapshot(engine)
    good = copy.deepcopy(feed.meetings)
    if mode == "half_gone":
        feed.meetings = feed.meetings[:2]  # 4 of 6 gone at once
    elif mode == "emptied":
        feed.meetings = []
    else:
        feed.mode = mode
    code, result = sync(env, "--max-mb", "1")
    assert code == 1 and result["status"] == "failed"
    expected = {"bad_json": "not valid JSON", "status": "HTTP 500", "slow": "timed out",
                "huge": "larger than the 1 MB limit", "huge_stream": "larger than the 1 MB",
                "half_gone": "4 of its 6 open listings", "emptied": "6 of its 6"}[mode]
    assert expected in result["error"] and "nothing was changed" in result["error"]
    assert result["created"] == result["updated"] == result["closed"] == 0
    assert snapshot(engine) == (before, validators)  # the ETag too: refetched next time
    code, out, _ = cli(env, "directory", "sources", "list")
    assert "failed" in out and expected in out

    # Text output for cron's mail: one line saying so.
    code, out, _ = cli(env, "directory", "sync", *FAST, "--max-mb", "1")
    assert code == 1 and out.startswith("leeds: FAILED: ")

    if mode in ("half_gone", "emptied"):  # the operator says it is right
        code, forced = sync(env, "--force")
        assert code == 0 and forced["closed"] == (4 if mode == "half_gone" else 6)
    else:  # the feed is mended: the copy last applied is still current, so a 304
        feed.mode, feed.meetings = "ok", good
        code, mended = sync(env)
        assert code == 0 and mended["status"] == "not_modified"
        assert listings(engine) == before


def test_a_passing_failure_is_retried(env: dict[str, str], feed: FeedServer,
                                      engine: Engine) -> None:
    add_leeds(env, feed.url)
    feed.mode = "fail_once"
    code, result = sync(env, "--retries", "2")
    assert code == 0 and result["status"] == "ok" and result["created"] == 7
    assert len(feed.requests) == 2
    assert len(listings(engine)) == 6


def test_import_reads_a_url(env: dict[str, str], engine: Engine, feed: FeedServer) -> None:
    code, out, err = cli(env, "directory", "import", feed.url, "--fellowship", "GA")
    assert code == 0, out + err
    assert "7 were created" in out and "made-up example listings were closed" in out
    assert {row[4][0] for row in listings(engine).values()} == {"gambling"}
    feed.mode = "status"
    code, _, err = cli(env, "directory", "import", feed.url, *FAST)
    assert code == 1 and "HTTP 500" in err and "Nothing was written" in err
    code, _, err = cli(env, "directory", "import", "no/such/file.json")
    assert code == 2 and "not a file" in err


def test_sources_add_list_remove(env: dict[str, str], engine: Engine,
                                 feed: FeedServer) -> None:
    add_leeds(env, feed.url, "--needs", "alcohol,family")
    for args, says in [
        (("leeds", feed.url), "already a source called 'leeds'"),
        (("Leeds Two", feed.url), "cannot be a source's name"),
        (("two", "ftp://example.org/x.json"), "not an http:// or https:// address"),
        (("two", feed.url, "--format", "xml"), "unknown format 'xml'"),
        (("two", feed.url, "--needs", "chocolate"), "'chocolate' is not a need"),
        (("two", feed.url, "--fellowship", "Knitters Anonymous"), "not a fellowship"),
    ]:
        code, _, err = cli(env, "directory", "sources", "add", *args)
        assert code == 2 and says in err, (args, err)
    code, out, _ = cli(env, "directory", "sources", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["needs"] == ["alcohol", "family"] and listed["last_status"] is None
    assert sync(env)[0] == 0
    code, out, _ = cli(env, "directory", "sources", "remove", "leeds")
    assert code == 0 and "its 6 listings stay" in out
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(Listing).where(Listing.slug.like("leeds-sync-%"))))
        assert len(rows) == 6 and all(li.source_id is None and li.status == "active"
                                      for li in rows)
    code, _, err = cli(env, "directory", "sync", "leeds")
    assert code == 2 and "no source called 'leeds'" in err


def test_source_needs_go_to_listings_that_have_none(env: dict[str, str], engine: Engine,
                                                    feed: FeedServer) -> None:
    feed.meetings = [meeting(n, name=f"Tuesday Hope Group {n}", group="Hope Group")
                     for n in range(1, 4)]
    add_leeds(env, feed.url, "--needs", "gambling")
    assert sync(env)[0] == 0
    assert {tuple(row[4]) for row in listings(engine).values()} == {("gambling",)}


def test_a_listing_another_source_brings_is_left_alone(env: dict[str, str], engine: Engine,
                                                       feed: FeedServer) -> None:
    add_leeds(env, feed.url)
    assert sync(env)[0] == 0
    code, out, err = cli(env, "directory", "sources", "add", "copy", feed.url)
    assert code == 0, out + err
    code, out, err = cli(env, "directory", "sync", "copy", "--json", *FAST)
    (copied,) = json.loads(out)
    assert code == 1 and copied["invalid"] == 6 and copied["created"] == 0
    assert "none of its 6 listings could be used" in copied["error"]
    assert "already comes from source 'leeds'" in err
    code, out, _ = cli(env, "directory", "sources", "list", "--json")
    assert {s["name"]: s["listings"] for s in json.loads(out)} == {"copy": 0, "leeds": 6}


def test_a_feed_of_bad_records_only_fails_and_bad_records_are_skipped(
        env: dict[str, str], engine: Engine, feed: FeedServer) -> None:
    add_leeds(env, feed.url)
    assert sync(env)[0] == 0
    before = listings(engine)
    feed.meetings = [meeting(n, day=9) for n in range(1, 7)]  # no day of the week
    code, result = sync(env)
    assert code == 1 and "none of its 6 listings could be used" in result["error"]
    assert result["invalid"] >= 6 and listings(engine) == before
    # One bad record among good ones: skipped and named; its listing neither changed
    # nor closed; the others applied.
    feed.meetings = [meeting(1, day=9), *(meeting(n, time="06:45") for n in range(2, 7))]
    code, out, err = cli(env, "directory", "sync", "--json", *FAST)
    (result,) = json.loads(out)
    assert code == 0 and result["updated"] == 5 and result["closed"] == 0
    assert result["invalid"] >= 1 and "leeds-sync-1" in err and "day" in err
    assert listings(engine)["leeds-sync-1"] == before["leeds-sync-1"]


def test_a_server_that_is_not_there(env: dict[str, str], engine: Engine) -> None:
    server = FeedServer()
    url = server.url
    server.close()  # nothing listens there now
    add_leeds(env, url)
    code, result = sync(env)
    assert code == 1 and "could not connect to 127.0.0.1" in result["error"]


def oruk_pages(total: int) -> dict[int, dict[str, Any]]:
    """A real Open Referral UK 1.0 record (Salford's Central Family Hub, tests/data/oruk),
    one service a page, as a paginated API gives them (Spring pages: totalPages, number)."""
    base = json.loads((Path(__file__).parent / "data" / "oruk" /
                       "oruk1_salford_page.json").read_text())
    hub = base["content"][0]
    pages = {}
    for n in range(1, total + 1):
        one = {**copy.deepcopy(hub), "id": f"{hub['id']}-{n}", "name": f"Family Hub {n}"}
        pages[n] = {"content": [one], "totalElements": total, "totalPages": total,
                    "number": n, "size": 1, "first": n == 1, "last": n == total}
    return pages


def test_an_api_source_is_read_page_by_page(env: dict[str, str], engine: Engine,
                                            feed: FeedServer) -> None:
    """A source that is one page of an Open Referral API: every page is fetched and the
    whole applied; a page the API fails to give changes nothing."""
    feed.mode, feed.pages = "pages", oruk_pages(3)
    url = feed.url.replace("meetings.json", "services?page=1")
    assert cli(env, "directory", "sources", "add", "salford", url, "--format", "oruk")[0] == 0
    code, out, err = cli(env, "directory", "sync", "salford", "--json", *FAST)
    assert code == 0, out + err
    (result,) = json.loads(out)
    assert result["status"] == "ok" and result["created"] >= 3, result
    with session_factory(engine)() as s:
        names = set(s.scalars(select(Listing.name).where(Listing.source_id.is_not(None))))
    assert {"Family Hub 1", "Family Hub 2", "Family Hub 3"} <= names
    del feed.pages[2]  # the API loses a page: nothing closes
    code, out, err = cli(env, "directory", "sync", "salford", "--json", "--force", *FAST)
    (result,) = json.loads(out)
    assert code != 0 and result["status"] == "failed", result
    assert "page" in result["error"]
    with session_factory(engine)() as s:
        open_ = set(s.scalars(select(Listing.name).where(Listing.status != "closed")))
    assert {"Family Hub 1", "Family Hub 2", "Family Hub 3"} <= open_
