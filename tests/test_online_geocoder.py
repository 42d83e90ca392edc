"""The optional online geocoder, against a local fake Nominatim on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.settings import Settings
from adapters.wiring import build_app
from directory.geography import Gazetteer
from directory.online_geocoder import OnlineFallbackGazetteer


class FakeNominatim(BaseHTTPRequestHandler):
    queries: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        query = parse_qs(urlparse(self.path).query)
        FakeNominatim.queries.append(query)
        body = []
        if query.get("q") == ["Tiny Hamlet Farm"]:
            body = [{"lat": "54.12345", "lon": "-2.54321",
                     "display_name": "Tiny Hamlet Farm, Cumbria, England, United Kingdom"}]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nominatim() -> Iterator[str]:
    FakeNominatim.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_not_used_by_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = build_app(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", load_demo=False))
    assert isinstance(app.gazetteer, Gazetteer)


def test_asks_only_about_unknown_places_and_coarsens(nominatim: str) -> None:
    geo = OnlineFallbackGazetteer(Gazetteer.default(), "recovery-connector-tests",
                                  domain=nominatim, scheme="http")
    assert geo.resolve("Leeds").place.name == "Leeds"  # type: ignore[union-attr]
    assert FakeNominatim.queries == []  # known offline: nobody else asked
    found = geo.resolve("Tiny Hamlet Farm")
    assert found.status == "found" and found.place is not None
    assert (found.place.latitude, found.place.longitude) == (54.12, -2.54)
    assert FakeNominatim.queries[0]["countrycodes"] == ["gb"]


def test_falls_back_to_offline_answer_when_unreachable() -> None:
    geo = OnlineFallbackGazetteer(Gazetteer.default(), "recovery-connector-tests",
                                  domain="127.0.0.1:1", scheme="http", timeout=1)
    assert geo.resolve("Qwxzzy Qwxzzy").status == "not_found"
