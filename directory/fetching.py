"""Fetching a feed over HTTP(S) for `recovery-bot directory sync` and `directory import URL`:
timeouts, a size cap, conditional requests and retries, streamed to a file.

- Timeouts: connecting, and waiting for the next bytes, each have their own limit, and the
  whole download a deadline, so a server that trickles bytes cannot hold a cron job.
- Size: a Content-Length over the cap is refused before reading; without one the body is
  counted as it arrives (after decompression, so a small gzip bomb is caught too) and the
  download abandoned as soon as it passes the cap.
- Conditional requests (RFC 9110 section 13.1): the ETag and Last-Modified of the copy last
  applied go out as If-None-Match / If-Modified-Since; a 304 means nothing to do.
- Retries: connection failures are retried by httpx's transport (`retries`, its own
  back-off); a timeout, a dropped connection or a 5xx/429 answer - failures that pass - are
  retried here, a few times with exponential back-off, honouring a short Retry-After
  (RFC 9110 section 10.2.3). A 4xx is the server's answer and is not retried.

Nothing here knows what a feed holds: it is bytes to a file. Errors are FetchError, whose
message is written for the operator ("timed out after 30 s waiting for data").
"""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from tqdm import tqdm

log = logging.getLogger(__name__)

USER_AGENT = "recovery-connector/0.1 (directory sync)"
# Answers worth asking again: the server is overloaded, restarting or behind a proxy that
# lost it. (500 too: WordPress feeds - the 12 Step Meeting List plugin - answer 500 when a
# PHP worker dies, and the next request usually succeeds.)
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is not waited for
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much a fetch may take (`directory sync` options, env SYNC_*)."""

    connect_timeout: float = 10.0  # seconds to connect
    read_timeout: float = 30.0  # seconds waiting for the next bytes
    total_timeout: float = 300.0  # seconds for the whole download, retries included
    max_bytes: int = 50 * 1024 * 1024  # the body, decompressed
    retries: int = 2  # tries after the first, for failures that pass
    backoff: float = 1.0  # seconds before the first retry; doubled each time


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a fetch got: a file, or nothing new (`not_modified`)."""

    url: str  # after redirects
    path: Path | None  # None when not modified
    not_modified: bool
    etag: str | None
    last_modified: str | None
    size: int  # bytes written
    content_type: str | None


class FetchError(Exception):
    """The feed could not be fetched; the message says why, for the operator."""


def is_url(value: str) -> bool:
    return bool(re.match(r"https?://", value.strip(), re.I))


def _filename(url: str, content_type: str | None) -> str:
    """A file name for the body: the URL's last path segment when it has a known
    extension (formats are told by extension, directory.exchange.detect_format), else
    one from the content type."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.-]+", "_", name)[:80].strip("._")
    if name.lower().endswith((".json", ".csv")):
        return name
    kind = (content_type or "").lower()
    suffix = ".csv" if "csv" in kind else ".json"
    return f"{name or 'feed'}{suffix}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() and float(value) <= MAX_RETRY_AFTER else None


def fetch(url: str, dest_dir: Path, *, etag: str | None = None,
          last_modified: str | None = None, limits: FetchLimits | None = None,
          progress: bool = False) -> Fetched:
    """Download `url` into a file in `dest_dir` (or learn it has not changed since the
    copy with this `etag` / `last_modified`). Raises FetchError."""
    limits = limits or FetchLimits()
    if not is_url(url):
        raise FetchError(f"'{url}' is not an http:// or https:// address")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=limits.connect_timeout)
    deadline = time.monotonic() + limits.total_timeout
    transport = httpx.HTTPTransport(retries=limits.retries)  # connection failures only
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True,
                      max_redirects=5, headers=headers) as client:
        attempt = 0
        while True:
            try:
                return _get(client, url, dest_dir, limits, deadline, progress)
            except _Transient as exc:
                attempt += 1
                wait = exc.wait if exc.wait is not None else limits.backoff * 2 ** (attempt - 1)
                if attempt > limits.retries or time.monotonic() + wait >= deadline:
                    raise FetchError(exc.message) from None
                log.info("fetching %s failed (%s); trying again in %.1f s", url,
                         exc.message, wait)
                time.sleep(wait)


class _Transient(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


def _get(client: httpx.Client, url: str, dest_dir: Path, limits: FetchLimits,
         deadline: float, progress: bool) -> Fetched:
    host = urlsplit(url).hostname or url
    try:
        with client.stream("GET", url) as response:
            if response.status_code == 304:
                return Fetched(str(response.url), None, True,
                               response.headers.get("etag"),
                               response.headers.get("last-modified"), 0,
                               response.headers.get("content-type"))
            if response.status_code in TRANSIENT_STATUS:
                raise _Transient(f"the server answered HTTP {response.status_code} "
                                 f"{response.reason_phrase}".rstrip(),
                                 _retry_after(response))
            if response.status_code >= 400:
                raise FetchError(f"the server answered HTTP {response.status_code} "
                                 f"{response.reason_phrase}".rstrip())
            if response.status_code != 200:
                raise FetchError(f"the server answered HTTP {response.status_code}, not "
                                 "200 with the feed")
            return _save(response, dest_dir, limits, deadline, progress)
    except httpx.ConnectTimeout:
        raise _Transient(f"timed out after {limits.connect_timeout:g} s connecting to "
                         f"{host}") from None
    except httpx.ReadTimeout:
        raise _Transient(f"timed out after {limits.read_timeout:g} s waiting for data from "
                         f"{host}") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"could not connect to {host}: {exc}") from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects (more than 5)") from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise _Transient(f"the connection to {host} broke off: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"could not fetch from {host}: {exc}") from None


def _too_big(limits: FetchLimits) -> FetchError:
    return FetchError(f"the feed is larger than the {limits.max_bytes / 1e6:g} MB limit "
                      "(SYNC_MAX_BYTES); nothing was read")


def _save(response: httpx.Response, dest_dir: Path, limits: FetchLimits, deadline: float,
          progress: bool) -> Fetched:
    declared = response.headers.get("content-length", "")
    encoded = response.headers.get("content-encoding", "identity") != "identity"
    total = int(declared) if declared.isdigit() and not encoded else None
    if total is not None and total > limits.max_bytes:
        raise _too_big(limits)
    content_type = response.headers.get("content-type")
    path = dest_dir / _filename(str(response.url), content_type)
    size = 0
    bar = tqdm(total=total, unit="B", unit_scale=True, desc="Downloading", leave=False,
               disable=not (progress and sys.stderr.isatty()))
    try:
        with path.open("wb") as out:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise _too_big(limits)
                if time.monotonic() > deadline:
                    raise FetchError(f"the download took longer than "
                                     f"{limits.total_timeout:g} s; abandoned")
                out.write(chunk)
                bar.update(len(chunk))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    return Fetched(str(response.url), path, False, response.headers.get("etag"),
                   response.headers.get("last-modified"), size, content_type)


__all__ = ["FetchError", "FetchLimits", "Fetched", "fetch", "is_url"]
