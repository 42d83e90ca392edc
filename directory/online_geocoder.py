"""An optional online geocoder behind the offline gazetteer.

Never used by default: only when NOMINATIM_USER_AGENT is set (OpenStreetMap's Nominatim
usage policy requires an identifying user agent and at most 1 request per second:
https://operations.osmfoundation.org/policies/nominatim/). It is asked only about names
the offline data does not know, restricted to the UK, and its answers are coarsened to
the same ~1 km the rest of the bot keeps. Any failure falls back to the offline answer.
"""

from __future__ import annotations

import logging
import time

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from directory.geography import Gazetteer, GeoResult, Place

log = logging.getLogger(__name__)
MIN_INTERVAL_S = 1.0  # Nominatim usage policy: an absolute maximum of 1 request per second


class OnlineFallbackGazetteer:
    """Looks like a Gazetteer; asks Nominatim when the offline data finds nothing."""

    def __init__(self, offline: Gazetteer, user_agent: str,
                 domain: str = "nominatim.openstreetmap.org", scheme: str = "https",
                 timeout: float = 3.0) -> None:
        self.offline = offline
        self.geocoder = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme,
                                  timeout=timeout)
        self._last = 0.0

    def resolve(self, text: str) -> GeoResult:
        result = self.offline.resolve(text)
        if result.status != "not_found" or not result.query:
            return result
        wait = self._last + MIN_INTERVAL_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        try:
            found = self.geocoder.geocode(result.query, exactly_one=True, country_codes="gb")
        except GeopyError:
            log.warning("online geocoder unavailable; using offline answer")
            return result
        if found is None:
            return result
        name = str(found.address).split(",")[0].strip() or result.query
        place = Place(name=name, latitude=round(found.latitude, 2),
                      longitude=round(found.longitude, 2), kind="place", country="",
                      approximate=True)
        return GeoResult(status="found", query=result.query, place=place)

    def find_in_text(self, text: str) -> GeoResult | None:
        return self.offline.find_in_text(text)

    def nearest_place(self, latitude: float, longitude: float) -> Place | None:
        return self.offline.nearest_place(latitude, longitude)
