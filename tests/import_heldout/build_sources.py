# ruff: noqa: E501  (data tables: one record a line reads better than wrapped)
"""Rebuild the held-out import feeds from public peer repositories (one-off, kept for audit).

Run with the mirrors fetched (see each sub-folder's README.md):
    python tests/import_heldout/build_sources.py

What it does, and nothing more: copies public test/sample data, moves addresses to real UK
places (postcodes checked as real), sets `timezone` to Europe/London where the source gave one
(except a few foreign-timezone ONLINE meetings, kept), and otherwise keeps every value exactly
as the source wrote it. It also writes expected.json from a model of what the PEERS do
(tsml-ui src/helpers/load-meeting-data.ts, 12-step-meeting-list includes/functions_import.php
tsml_import_sanitize_meetings, bmlt-server TsmlMeetingResource / MeetingResource), never from
what our importer does.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIRROR = Path("/work/.mirror")

# Real UK town-centre postcodes with coordinates near them (checked with `recovery-bot geocode`,
# which only reads the offline gazetteer; figures from public postcode centroids).
UK = [
    ("Park Row", "Leeds", "West Yorkshire", "LS1 4DY", 53.7997, -1.5492),
    ("Piccadilly", "Manchester", "Greater Manchester", "M1 1AE", 53.4808, -2.2426),
    ("Queen Street", "Cardiff", "Cardiff", "CF10 1EP", 51.4816, -3.1791),
    ("George Square", "Glasgow", "Glasgow City", "G1 1XQ", 55.8609, -4.2514),
    ("Broad Quay", "Bristol", "City of Bristol", "BS1 4DJ", 51.4545, -2.5879),
    ("High Street", "Doncaster", "South Yorkshire", "DN1 1BN", 53.5228, -1.1285),
    ("Grey Street", "Newcastle upon Tyne", "Tyne and Wear", "NE1 7RU", 54.9738, -1.6132),
    ("Gentleman's Walk", "Norwich", "Norfolk", "NR2 1NH", 52.6309, 1.2974),
    ("Oxford Street", "Swansea", "Swansea", "SA1 3SN", 51.6214, -3.9436),
    ("Donegall Place", "Belfast", "County Antrim", "BT1 5GS", 54.5973, -5.9301),
    ("New Street", "Birmingham", "West Midlands", "B2 4QA", 52.4796, -1.8985),
    ("Paradise Street", "Liverpool", "Merseyside", "L1 8JQ", 53.4034, -2.9846),
    ("Fargate", "Sheffield", "South Yorkshire", "S1 2HH", 53.3811, -1.4701),
    ("Waverley Bridge", "Edinburgh", "City of Edinburgh", "EH1 1YZ", 55.9517, -3.1904),
    ("Long Row", "Nottingham", "Nottinghamshire", "NG1 2DR", 52.9536, -1.1505),
    ("Parliament Street", "York", "North Yorkshire", "YO1 7HH", 53.9600, -1.0810),
    ("North Street", "Brighton", "East Sussex", "BN1 1GE", 50.8225, -0.1372),
    ("Royal Parade", "Plymouth", "Devon", "PL1 1EA", 50.3713, -4.1422),
    ("High Street", "Exeter", "Devon", "EX1 1GA", 50.7256, -3.5269),
    ("Whitefriargate", "Hull", "East Riding of Yorkshire", "HU1 2AA", 53.7446, -0.3352),
    ("Granby Street", "Leicester", "Leicestershire", "LE1 5YA", 52.6347, -1.1310),
    ("Union Street", "Aberdeen", "Aberdeen City", "AB10 1AF", 57.1469, -2.0955),
    ("Reform Street", "Dundee", "Dundee City", "DD1 1DB", 56.4606, -2.9707),
    ("Academy Street", "Inverness", "Highland", "IV1 1HT", 57.4791, -4.2254),
    ("Shipquay Street", "Derry", "County Londonderry", "BT48 6DQ", 54.9966, -7.3086),
    ("Cornmarket Street", "Oxford", "Oxfordshire", "OX1 1DP", 51.7520, -1.2577),
    ("Trumpington Street", "Cambridge", "Cambridgeshire", "CB2 3QZ", 52.2053, 0.1218),
    ("Above Bar Street", "Southampton", "Hampshire", "SO14 7DW", 50.9039, -1.4041),
    ("Stafford Street", "Stoke-on-Trent", "Staffordshire", "ST1 1HT", 53.0250, -2.1760),
    ("Regent Street", "Wrexham", "Wrexham", "LL11 1AR", 53.0462, -2.9925),
    ("Market Street", "Bradford", "West Yorkshire", "BD1 1HY", 53.7950, -1.7520),
]

DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

# spec data/types.json language types -> ISO 639-1
LANG_TYPES = {
    "AF": "af", "AM": "am", "AR": "ar", "BG": "bg", "DA": "da", "DE": "de", "EL": "el",
    "EN": "en", "FA": "fa", "FI": "fi", "FR": "fr", "HE": "he", "HI": "hi", "HR": "hr",
    "HU": "hu", "IS": "is", "ITA": "it", "JA": "ja", "KA": "ka", "KOR": "ko", "LT": "lt",
    "ML": "ml", "MT": "mt", "NE": "ne", "NL": "nl", "NO": "no", "POL": "pl", "POR": "pt",
    "PUN": "pa", "RUS": "ru", "S": "es", "SK": "sk", "SL": "sl", "SV": "sv", "TH": "th",
    "TL": "tl", "TUR": "tr", "UK": "uk",
}
# plugin: full type names are accepted and turned into codes (tsml_import_sanitize_meetings)
TYPE_NAMES = {"OPEN": "O", "CLOSED": "C", "WOMEN": "W", "MEN": "M", "WHEELCHAIR ACCESS": "X",
              "SPANISH": "S", "ENGLISH": "EN", "POLISH": "POL", "FRENCH": "FR", "GERMAN": "DE",
              "SPEAKER": "SP", "DISCUSSION": "D", "BIG BOOK": "B", "STEP STUDY": "ST",
              "GAY": "G", "LESBIAN": "L", "ONLINE MEETING": "ONL",
              "LOCATION TEMPORARILY CLOSED": "TC", "YOUNG PEOPLE": "Y", "WELSH": None}
PROVIDERS = ("bluejeans.com", "discord.gg", "freeconference.com", "freeconferencecall.com",
             "goto.com", "gotomeet.me", "gotomeeting.com", "horizon.meta.com",
             "maps.secondlife.com", "meet.google.com", "meet.jit.si", "meetings.dialpad.com",
             "signal.group", "skype.com", "slurl.com", "teams.live.com", "teams.microsoft.com",
             "vrchat.com", "webex.com", "zoho.com", "zoom.us")

W_TSML = "tsml-ui src/helpers/load-meeting-data.ts loadMeetingData"
W_PLUG = "12-step-meeting-list includes/functions_import.php tsml_import_sanitize_meetings"


def git_show(repo: str, path: str, commit: str = "HEAD") -> str:
    return subprocess.run(["git", f"--git-dir={MIRROR / repo / 'repo'}", "show", f"{commit}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def needs_from_name(*texts: str | None) -> list[str] | None:
    t = " ".join(x for x in texts if x)
    rules = [
        (r"\bAl-?Anon\b|\bAlateen\b|\bNar-?Anon\b|\bGam-?Anon\b|\bFamilies Anonymous\b", "family"),
        (r"\bCocaine Anonymous\b|\bCA\b", "cocaine"),
        (r"\bGamblers Anonymous\b|\bGA\b", "gambling"),
        (r"\bNarcotics Anonymous\b|\bNA\b", "drugs"),
        (r"\bAlcoholics Anonymous\b|\bA\.?A\.?\b", "alcohol"),
    ]
    for pat, need in rules:
        if re.search(pat, t):
            return [need]
    return None


def norm_types(types) -> list[str]:
    """The plugin's reading: list or comma string; codes or full names (case-insensitive)."""
    if not types:
        return []
    if isinstance(types, str):
        types = types.split(",")
    out = []
    for t in types:
        t = str(t).strip()
        u = t.upper()
        if u in LANG_TYPES or u in {"O", "C", "W", "M", "X", "TC", "ONL", "D", "SP", "ST", "B",
                                     "LGBTQ", "T", "G", "L", "BE", "Y", "XB", "BA", "AL-AN", "11"}:
            out.append(u)
        elif TYPE_NAMES.get(u):
            out.append(TYPE_NAMES[u])
    return out


def parse_time(s) -> str | None:
    """Plugin tsml_format_time_reverse (date_parse): '6:00 PM' -> '18:00', '19:30' -> '19:30'."""
    if s in (None, "", False):
        return None
    s = str(s).strip()
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp]\.?[Mm]\.?)?", s)
    if not m:
        m2 = re.fullmatch(r"(\d{1,2})\s*([AaPp]\.?[Mm]\.?)", s)
        if not m2:
            return None
        h, mi, ap = int(m2.group(1)), 0, m2.group(2)
    else:
        h, mi, ap = int(m.group(1)), int(m.group(2)), m.group(3)
    if ap:
        ap = ap[0].lower()
        if h == 12:
            h = 0
        if ap == "p":
            h += 12
    if h > 23 or mi > 59:
        return None
    return f"{h:02d}:{mi:02d}"


def parse_days(day) -> list[int] | None:
    """0=Sunday ints, numeric strings, day names (plugin), or a list of them (both peers)."""
    if day is None or day == "":
        return None
    items = day if isinstance(day, list) else [day]
    out = []
    for d in items:
        if isinstance(d, int):
            out.append(d)
        elif isinstance(d, str) and d.strip().isdigit():
            out.append(int(d))
        elif isinstance(d, str) and d.strip().upper() in [x.upper() for x in DAYS]:
            out.append([x.upper() for x in DAYS].index(d.strip().upper()))
        else:
            return None
    return out if all(0 <= x <= 6 for x in out) else None


def formatted_address(m: dict) -> str:
    if m.get("formatted_address"):
        return m["formatted_address"]
    parts = [m.get("address"), m.get("city"),
             " ".join(x for x in [m.get("state"), m.get("postal_code")] if x).strip(), m.get("country")]
    return ", ".join(p.strip() for p in parts if p and str(p).strip())


def expect_mg(m: dict, *, uk: bool = True, feed_tz: str | None = "Europe/London",
              tz_shift: dict | None = None) -> dict:
    """Expectation for one Meeting Guide record, from the peers' code."""
    e: dict = {"why": {}}
    fa = formatted_address(m)
    if not fa:
        e.update(accept=False)
        e["why"]["accept"] = f"{W_TSML}: 'no address information' -> skipped; {W_PLUG} + tsml_import_buffer_next: 'No location information provided'"
        return e
    if not uk:
        e.update(accept=False)
        e["why"]["accept"] = "in-person meeting outside the UK (brief: a UK directory refuses it; peers would show it at its foreign place)"
        return e
    e["accept"] = True
    e["why"]["accept"] = f"{W_TSML} shows it (slug, address info, day/time readable or appointment); {W_PLUG} imports it"
    days = parse_days(m.get("day"))
    t = parse_time(m.get("time") or m.get("start_time"))
    if days is not None and t:
        if tz_shift:
            e["days"] = list(tz_shift["day_names"])
            e["time"] = tz_shift["time"]
            e["why"]["time"] = f"{W_TSML}: start built in meeting.timezone then setZone(display timezone Europe/London)"
        else:
            e["days"] = [DAYS[d] for d in days]
            e["time"] = t
            why_t = "24h HH:MM as written (spec README 'time')"
            if not re.fullmatch(r"\d{2}:\d{2}", str(m.get("time"))):
                why_t = "plugin functions_format.php tsml_format_time_reverse (date_parse) turns '6:00 PM' into 18:00"
            e["why"]["time"] = why_t
            e["why"]["days"] = "spec: day 0=Sunday..6=Saturday, integer or list; plugin also takes day names (upper_days lookup); tsml-ui flattenDays for lists"
    elif t is None and not m.get("time"):
        e["days"] = None
        e["time"] = None
        e["why"]["time"] = f"no time -> 'by appointment' ({W_TSML} appointment index; {W_PLUG} 'by appointment')"
    types = norm_types(m.get("types"))
    url = m.get("conference_url") or ""
    host = url.split("/")[2] if url.count("/") >= 2 else ""
    online = bool(host and any(host.endswith(p) for p in PROVIDERS))
    phone = re.sub(r"[^\d,+#]", "", m.get("conference_phone") or "")
    online = online or len(phone) >= 10
    appr = m.get("approximate")
    if isinstance(appr, str):
        approximate = appr.lower() == "yes"
    elif isinstance(appr, bool):
        approximate = appr
    elif m.get("coordinates"):
        approximate = m["coordinates"].count(",") != 1
    else:
        approximate = len(fa.split(",")) < 4
    tc = "TC" in types
    in_person = not tc and not approximate
    e["attendance"] = "hybrid" if online and in_person else "online" if online else "in_person" if in_person else None
    e["active"] = online or in_person
    e["why"]["attendance"] = (f"{W_TSML}: isOnline = known conference provider or conference_phone >= 10 digits; "
                              "isInPerson = not TC and not approximate (approximate field, else formatted_address < 4 parts)")
    e["why"]["active"] = f"{W_TSML}: isActive = isOnline || isInPerson (TC without join details is inactive)"
    if e["attendance"] is None:
        del e["attendance"]
    if "C" in types:
        e["open_closed"] = "closed"
    elif "O" in types:
        e["open_closed"] = "open"
    else:
        e["open_closed"] = None
    e["why"]["open_closed"] = f"types O/C ({W_PLUG}: 'if a meeting is both open and closed, make it closed'; full names 'Open'/'Closed' mapped to codes)"
    langs = sorted({LANG_TYPES[t_] for t_ in types if t_ in LANG_TYPES})
    if langs:
        e["languages"] = langs
        e["why"]["languages"] = "spec data/types.json language types (EN, FR, POL, S, ...) -> ISO 639-1"
    n = needs_from_name(m.get("name"), m.get("group"), m.get("entity"))
    if n:
        e["needs"] = n
        e["why"]["needs"] = "fellowship named in name/group/entity (AA->alcohol, NA->drugs, CA->cocaine, GA->gambling, Al-Anon->family)"
    return e


def move(m: dict, place: tuple, *, keep_parts: bool = True) -> None:
    street, town, county, pc, lat, lng = place
    if "formatted_address" in m and m["formatted_address"]:
        n = len(m["formatted_address"].split(","))
        if n >= 4:
            m["formatted_address"] = f"{street}, {town}, {pc}, UK"
        elif n == 3:
            m["formatted_address"] = f"{town}, {pc}, UK"
        else:
            m["formatted_address"] = f"{town}, UK"
    if "address" in m and m["address"]:
        if "," in m["address"] and len(m["address"].split(",")) >= 4:
            m["address"] = f"1 {street}, {town}, {pc}, UK"
        else:
            m["address"] = f"1 {street}"
    if "city" in m:
        m["city"] = town
    if "state" in m:
        m["state"] = county
    if "postal_code" in m:
        m["postal_code"] = pc
    if "country" in m:
        m["country"] = "UK"
    if "latitude" in m:
        m["latitude"] = lat if not isinstance(m["latitude"], str) else str(lat)
    if "longitude" in m:
        m["longitude"] = lng if not isinstance(m["longitude"], str) else str(lng)
    if "coordinates" in m and m["coordinates"]:
        m["coordinates"] = f"{lat},{lng}"
    if m.get("timezone"):
        m["timezone"] = "Europe/London"


def write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def readme(folder: Path, text: str) -> None:
    (folder / "README.md").write_text(text.strip() + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
def build_tsml_ui(expected: dict) -> None:
    """tsml-ui unit-test fixtures (MIT). JS object literals transcribed to JSON, values unchanged."""
    feed = [
        # tests/unit/__fixtures__/json.ts -- 'in-person' kept as written: a Texas meeting (refuse)
        {"slug": "in-person", "name": "In-Person Meeting", "time": "08:00", "day": 0,
         "types": ["O", "M", "X"], "formatted_address": "123 Test St, Test City, TX 12345, USA",
         "timezone": "America/Chicago", "regions": ["Texas"]},
        # 'online': foreign-timezone ONLINE meeting kept with its timezone (peers convert it)
        {"slug": "online", "name": "Online Meeting", "time": "09:00", "formatted_address": "New York, NY, USA",
         "conference_url": "https://zoom.us/j/123456789", "conference_url_notes": "Meeting ID: 123456789",
         "day": 1, "types": ["O", "M"], "timezone": "America/New_York", "regions": ["New York"]},
        {"slug": "inactive", "name": "Inactive Meeting", "time": "10:00", "formatted_address": "New York, NY, USA",
         "day": 2, "types": [], "timezone": "America/New_York", "regions": ["New York"]},
        # tests/unit/__tests__/load-meeting-data.spec.ts 'loads data correctly'
        {"name": "Test Meeting", "slug": "test-meeting", "time": "09:00", "end_time": "10:00",
         "address": "123 Main St", "city": "Anytown", "state": "OK", "country": "USA",
         "latitude": 37, "longitude": -122, "day": "0"},
        {"name": "Other Meeting", "slug": "other-meeting", "time": "09:00", "end_time": "10:00",
         "address": "123 Main St", "city": "Anytown", "state": "OK", "country": "USA",
         "latitude": 38, "longitude": -121, "day": "0"},
        {"name": "Inactive Meeting", "slug": "inactive-meeting", "formatted_address": "Anytown, OK, USA",
         "latitude": 38, "longitude": -121},
        # 'loads meetings with Zoom registration URLs correctly'
        {"name": "Zoom Registration Meeting", "slug": "zoom-reg-meeting", "formatted_address": "Online, USA",
         "conference_url": "https://us02web.zoom.us/meeting/register/tZAucu2pqjIpHtCNCNQ_R3OM7r6m6poOxArr#/registration",
         "day": "1"},
        {"name": "Zoom Join Meeting", "slug": "zoom-join-meeting", "formatted_address": "Online, USA",
         "conference_url": "https://us02web.zoom.us/j/388499177", "day": "1"},
    ]
    recs = []
    # 'online' stays in New York time; others moved to the UK
    move(feed[2], UK[0])
    feed[2]["timezone"] = "Europe/London"
    move(feed[3], UK[1])
    move(feed[5], UK[2])
    for i in (6, 7):
        feed[i]["formatted_address"] = "Online, UK"
    shift = {"day_names": ["Monday"], "time": "14:00"}
    for m in feed:
        if m["slug"] in ("in-person", "other-meeting"):
            e = expect_mg(m, uk=False)
        elif m["slug"] == "online":
            e = expect_mg(m, tz_shift=shift)
            e["why"]["time"] += " (09:00 America/New_York = 14:00 Europe/London outside the DST-gap weeks)"
        else:
            e = expect_mg(m)
        e["key"] = m["slug"]
        recs.append(e)
    write(HERE / "tsml_ui" / "feed.json", feed)
    expected["tsml_ui/feed.json"] = {"format": None, "match": "slug", "records": recs}
    readme(HERE / "tsml_ui", """
# tsml-ui unit-test fixtures

- Repository: https://github.com/code4recovery/tsml-ui (MIT licence, (c) 2023 Code for Recovery)
- Files: `tests/unit/__fixtures__/json.ts`, `tests/unit/__tests__/load-meeting-data.spec.ts`
  at commit da2d204c8cc6f0132f89971c673186a473165ce7 (mirror HEAD fef58db87ded610e1660fa246d48e374f11b54b5)
- Transcribed from JS object literals to JSON; values unchanged except: `inactive`, `test-meeting`,
  `inactive-meeting` moved to real UK places (Leeds, Manchester, Cardiff) with timezone
  Europe/London where a timezone was given; the two Zoom meetings' `formatted_address`
  `Online, USA` became `Online, UK`. Kept as written on purpose: `online` (an online meeting in
  America/New_York: peers convert its time), `in-person` (Texas) and `other-meeting` (Oklahoma,
  no timezone): genuinely non-UK in-person meetings a UK directory should refuse.
""")


def build_plugin_template(expected: dict) -> None:
    """12 Step Meeting List plugin template.csv (GPL-2.0) as the plugin reads it, as JSON."""
    text = git_show("code4recovery+12-step-meeting-list", "template.csv")
    rows = list(csv.reader(io.StringIO(text)))
    header = [re.sub(r"[^a-z0-9]+", "_", h.strip().lower()).strip("_") for h in rows[0]]
    feed, recs = [], []
    for i, row in enumerate(rows[1:]):
        if not any(row):
            continue
        m = {k: v for k, v in zip(header, row, strict=False) if v != ""}
        place = UK[i % len(UK)]
        street, town, county, pc, lat, lng = place
        m["address"] = f"{10 + i} {street}, {town}, {pc}, UK"
        if m.get("mailing_address"):
            m["mailing_address"] = m["address"]
        m["region"] = town
        m.pop("sub_region", None)
        m["timezone"] = "Europe/London"
        if m.get("phone"):
            m["phone"] = "0113 496 0000"  # Ofcom drama number in place of the US (800) 555-1212
        feed.append(m)
        e = expect_mg({**m, "formatted_address": m["address"]})
        e["key"] = m.get("slug") or m.get("name")
        recs.append(e)
    write(HERE / "tsml_plugin_template" / "feed.json", feed)
    expected["tsml_plugin_template/feed.json"] = {"format": None, "match": "slug", "records": recs}
    readme(HERE / "tsml_plugin_template", """
# 12 Step Meeting List plugin: sample import sheet

- Repository: https://github.com/code4recovery/12-step-meeting-list (GPL-2.0)
- File: `template.csv` at commit 8d4bc14d62b1af2b557cf213438b02695da678b5
  (mirror HEAD 58ae0c0c8b077ef09cbe7615b7d4a4508206eb53)
- The plugin reads CSV and JSON imports through the same function
  (`includes/functions_import.php` `tsml_import_sanitize_meetings`), with CSV headers turned
  into keys by `sanitize_title_with_dashes` + `-`->`_` (`includes/admin_import.php`). This file
  is those rows as the JSON objects the plugin would see: same keys, same values
  (`"6:00 PM"`, `"Monday"`, `"Open, Wheelchair Access"`, `"2020-04-0416:50:58"`, ...).
- Changed: each `address` (and `mailing_address`) is a real UK place, `region` is that town,
  `sub_region` dropped, `timezone` America/Los_Angeles -> Europe/London, the US sample phone
  number -> an Ofcom drama number.
""")


def build_spec_example(expected: dict) -> None:
    m = {"name": "Sunday Serenity", "slug": "sunday-serenity-14", "day": 0, "time": "18:00",
         "end_time": "19:30", "location": "Alano Club", "group": "The Serenity Group",
         "notes": "Ring buzzer. Meeting is on the 2nd floor.", "updated": "2014-05-31 14:32:23",
         "url": "https://district123.org/meetings/sunday-serenity", "types": ["O", "T", "LGBTQ"],
         "address": "123 Main Street", "city": "Anytown", "state": "CA", "postal_code": "98765",
         "country": "US", "approximate": "no", "entity": "District 123",
         "entity_email": "info@district123.org", "entity_location": "Example County, California",
         "entity_logo": "https://district123.org/images/logo.svg", "entity_phone": "+1-123-456-7890",
         "entity_url": "https://district123.org", "feedback_emails": ["meetingupdates@district123.org"]}
    move(m, UK[12])
    m["entity_location"] = "Sheffield, South Yorkshire"
    m["entity_phone"] = "0114 496 0000"
    e = expect_mg(m)
    e["key"] = m["slug"]
    write(HERE / "spec_example" / "feed.json", [m])
    expected["spec_example/feed.json"] = {"format": None, "match": "slug", "records": [e]}
    readme(HERE / "spec_example", """
# Meeting Guide spec: the README's example meeting

- Repository: https://github.com/code4recovery/spec (MIT licence)
- File: `README.md` ("Specification" example) at commit 404117ad6059f9b1cf85e57124367c3223afc255
- The example as printed ends with a trailing comma and `...`; those were removed to make it
  valid JSON. Address, city, state, postal code, country moved to Sheffield (S1 2HH, UK),
  `entity_location`/`entity_phone` to UK values. Everything else as written (no timezone).
""")


# ---- BMLT --------------------------------------------------------------------------------
def sql_tuples(line: str):
    i = line.index("VALUES") + 6
    n = len(line)
    while i < n:
        if line[i] != "(":
            i += 1
            continue
        i += 1
        vals, cur = [], None
        while True:
            c = line[i]
            if c == "'":
                i += 1
                buf = []
                while True:
                    c = line[i]
                    if c == "\\":
                        nxt = line[i + 1]
                        buf.append({"n": "\n", "r": "\r", "t": "\t", "0": "\0"}.get(nxt, nxt))
                        i += 2
                        continue
                    if c == "'":
                        if line[i + 1] == "'":
                            buf.append("'")
                            i += 2
                            continue
                        i += 1
                        break
                    buf.append(c)
                    i += 1
                cur = "".join(buf)
            elif c in ",)":
                vals.append(cur)
                cur = None
                i += 1
                if c == ")":
                    yield vals
                    break
            else:
                j = i
                while line[j] not in ",)":
                    j += 1
                tok = line[i:j].strip()
                cur = None if tok == "NULL" else (float(tok) if "." in tok or "e" in tok.lower() else int(tok))
                i = j


def build_bmlt(expected: dict) -> None:
    sql = git_show("bmlt-enabled+bmlt-server", "docker/sample-bmlt-schema.sql")
    formats, main, data, bodies = {}, [], {}, {}
    for line in sql.splitlines():
        if line.startswith("INSERT INTO `na_comdef_formats`"):
            for v in sql_tuples(line):
                if v[4] == "en":
                    formats[v[0]] = {"key": v[1], "world": v[3], "name": v[5]}
        elif line.startswith("INSERT INTO `na_comdef_meetings_main`"):
            main.extend(sql_tuples(line))
        elif line.startswith("INSERT INTO `na_comdef_meetings_data`"):
            for v in sql_tuples(line):
                if v[0] != 0:
                    data.setdefault(v[0], {})[v[1]] = v[5]
        elif line.startswith("INSERT INTO `na_comdef_service_bodies`"):
            for v in sql_tuples(line):
                bodies[v[0]] = v[1]
    main = [r for r in main if r[11] == 1 and r[0] in data and r[4] is not None and r[5]]
    main.sort(key=lambda r: r[0])
    main = main[:400]
    keep_us = {r[0] for r in main[::80]}  # 5 kept unchanged (New York State): must be refused
    gsr, tsml, rec_b, rec_t = [], [], [], []
    for k, r in enumerate(main):
        (mid, world, shared, sb, wd, start, dur, fmts, lang, lng, lat, _pub, email) = r
        d = dict(data[mid])
        fl = [int(x) for x in (fmts or "").split(",") if x.strip().isdigit()]
        fkeys = [formats[x]["key"] for x in fl if x in formats]
        worlds = [formats[x]["world"] for x in fl if x in formats and formats[x]["world"]]
        uk = mid not in keep_us
        if uk:
            street, town, county, pc, plat, plng = UK[k % len(UK)]
            if d.get("location_street"):
                d["location_street"] = f"{(mid % 90) + 1} {street}"
            d["location_municipality"] = town
            d["location_province"] = county
            d["location_sub_province"] = county if d.get("location_sub_province") else d.get("location_sub_province")
            d["location_postal_code_1"] = pc
            if "location_nation" in d:
                d["location_nation"] = "UK"
            d.pop("location_city_subsection", None)
            d.pop("location_neighborhood", None)
            d.pop("bus_lines", None)
            d.pop("train_lines", None)
            lat, lng = plat, plng
        venue = 2 if ("VM" in worlds and "HY" not in worlds) else 3 if "HY" in worlds else 1
        name = d.get("meeting_name", "")
        g = {"id_bigint": str(mid), "worldid_mixed": world or "", "shared_group_id_bigint": str(shared or ""),
             "service_body_bigint": str(sb), "service_body_name": bodies.get(sb, ""),
             "weekday_tinyint": str(wd + 1), "venue_type": str(venue), "start_time": start,
             "duration_time": dur, "time_zone": "", "formats": ",".join(fkeys), "lang_enum": lang or "",
             "longitude": str(lng), "latitude": str(lat), "email_contact": "", "published": "1",
             "format_shared_id_list": fmts or ""}
        for key in ("meeting_name", "location_text", "location_info", "location_street",
                    "location_city_subsection", "location_neighborhood", "location_municipality",
                    "location_sub_province", "location_province", "location_postal_code_1",
                    "location_nation", "comments", "train_lines", "bus_lines",
                    "virtual_meeting_link", "phone_meeting_number", "virtual_meeting_additional_info"):
            g[key] = d.get(key) or ""
        gsr.append(g)
        w2t = {"CLOSED": "C", "OPEN": "O", "WCHR": "X", "W": "W", "M": "M", "Y": "Y", "VM": "ONL",
               "TC": "TC", "BEG": "BEG", "BT": "BT", "JFT": "JFT", "SPK": "SPK", "STEP": "STEP",
               "TOP": "TOP", "TRAD": "TRAD", "DISC": "DISC", "LIT": "LIT", "NS": "NS", "GL": "GL",
               "QA": "QA", "CAN": "CAN", "MED": "MED", "SMOK": "SMOK", "IP": "IP", "IW": "IW",
               "CW": "CW", "CPT": "CPT", "LC": "LC", "RA": "RA", "SPAD": "SPAD", "SWG": "SWG", "VAR": "VAR"}
        h, mi, s = (int(x) for x in start.split(":"))
        dh, dm, ds = (int(x) for x in (dur or "01:00:00").split(":"))
        end_min = (h * 60 + mi + dh * 60 + dm) % 1440
        fa = ", ".join(d[key] for key in ("location_street", "location_municipality", "location_province",
                                          "location_postal_code_1", "location_nation") if d.get(key))
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + f"-{mid}"
        t = {"day": wd, "time": start[:5], "end_time": f"{end_min // 60:02d}:{end_min % 60:02d}",
             "name": name, "location": d.get("location_text", ""), "formatted_address": fa,
             "address": d.get("location_street", ""), "city": d.get("location_municipality", ""),
             "state": d.get("location_province", ""), "postal_code": d.get("location_postal_code_1", ""),
             "country": d.get("location_nation", ""),
             "types": [w2t[w] for w in worlds if w in w2t],
             "location_notes": d.get("location_info", ""), "notes": d.get("comments", ""),
             "coordinates": None if venue == 2 else f"{lat},{lng}", "slug": slug, "updated": None,
             "region": bodies.get(sb, ""), "regions": [bodies.get(sb, "")],
             "conference_url": d.get("virtual_meeting_link"), "conference_url_notes": None,
             "conference_phone": d.get("phone_meeting_number"), "conference_phone_notes": None}
        tsml.append(t)
        et = expect_mg(t, uk=uk)
        et["key"] = slug
        if et.get("accept"):
            et["why"]["accept"] += "; no timezone in bmlt-server's TSML output: the page/site timezone (Europe/London) applies"
        rec_t.append(et)
        eb = {k_: v for k_, v in et.items() if k_ not in ("key",)}
        if eb.get("accept"):
            # GetSearchResults comes from a BMLT root server, which lists NA meetings; the TSML
            # rendering carries no fellowship, so needs are expected there only from the name.
            eb["needs"] = ["drugs"]
        eb["key"] = str(mid)
        eb["name"] = name
        eb["why"] = dict(et["why"])
        if eb.get("accept"):
            eb["why"]["needs"] = "a BMLT root server lists Narcotics Anonymous meetings (bmlt-server README); NA -> drugs"
            eb["why"]["days"] = "bmlt-server MeetingResource: weekday_tinyint 1=Sunday..7=Saturday"
            eb["why"]["time"] = "bmlt-server MeetingResource: start_time H:i:s"
        rec_b.append(eb)
    write(HERE / "bmlt_sample" / "get_search_results.json", gsr)
    write(HERE / "bmlt_sample" / "tsml_feed.json", tsml)
    expected["bmlt_sample/get_search_results.json"] = {"format": "bmlt", "match": "id", "records": rec_b}
    expected["bmlt_sample/tsml_feed.json"] = {"format": None, "match": "slug", "records": rec_t}
    readme(HERE / "bmlt_sample", f"""
# BMLT sample server data (Greater New York Region NA), moved to the UK

- Repository: https://github.com/bmlt-enabled/bmlt-server (MIT licence, (c) 2018-present The BMLT Enabled Community)
- Data: `docker/sample-bmlt-schema.sql` at commit d150aa4d44d86f729761778684f700320e40fbb4
  (mirror HEAD 524b5e8c88374015647617c0bb0c0df3ad584129): the first 400 published meetings
  (by id) with a weekday and start time.
- Rendered two ways, following the server's own code (not ours):
  - `get_search_results.json`: `switcher=GetSearchResults` JSON as
    `src/app/Http/Resources/Query/MeetingResource.php` writes it (all strings,
    `weekday_tinyint` 1=Sunday, `start_time` `HH:MM:SS`, `formats` as key strings). The old
    schema has no `venue_type`/`time_zone`: `venue_type` is derived from the VM/HY formats as the
    server's migration does, `time_zone` is empty as the server writes a missing one.
  - `tsml_feed.json`: the server's Meeting Guide (`client_interface/tsml`) output as
    `src/app/Http/Resources/Query/TsmlMeetingResource.php` (commit 6732f299619101f54f09c72cc741d0e5c2ee34e2)
    writes it: `day` 0=Sunday, `coordinates` "lat,lng", no `timezone`, `updated` null,
    types mapped from format world ids.
- Moved to real UK places: street (number + real street), town, county, postcode,
  nation "UK", coordinates. Neighbourhood, city subsection, bus and train lines dropped.
  Kept unchanged (New York State, must be refused): ids {sorted(keep_us)}.
""")


# ---- HSDS / ORUK -------------------------------------------------------------------------
def uk_location(loc: dict, place: tuple) -> None:
    street, town, county, pc, lat, lng = place
    if "latitude" in loc:
        loc["latitude"] = lat
    if "longitude" in loc:
        loc["longitude"] = lng
    for a in loc.get("addresses", []) or []:
        a["address_1"] = f"1 {street}"
        if "address_2" in a:
            a["address_2"] = ""
        a["city"] = town
        if "region" in a:
            a["region"] = county
        if "state_province" in a:
            a["state_province"] = county
        a["postal_code"] = pc
        a["country"] = "GB"


def build_hsds(expected: dict) -> None:
    repo = "openreferral+specification"
    out = HERE / "hsds_examples"
    recs = {}
    full = json.loads(git_show(repo, "examples/service_full.json"))
    for sal in full.get("service_at_locations", []):
        if sal.get("location"):
            uk_location(sal["location"], UK[0])
    write(out / "service_full.json", full)
    sch = full.get("schedules", [{}])[0]
    recs["hsds_examples/service_full.json"] = {"format": None, "match": "name", "records": [{
        "key": full["name"], "accept": True, "days": ["Thursday", "Friday"], "time": sch.get("opens_at", "")[:5],
        "languages": sorted({lg["code"][:2] for lg in full.get("languages", []) if lg.get("code")}),
        "why": {"accept": "HSDS 3.0 example service, valid against schema/compiled/service.json once moved to Leeds",
                "days": "HSDS schedule.byday 'TH,FR' (iCal RRULE BYDAY) with freq WEEKLY",
                "time": "HSDS schedule.opens_at '10:00:00'",
                "languages": "HSDS language.code 'ur' (ISO 639)"}}]}
    lst = json.loads(git_show(repo, "examples/service_list.json"))
    write(out / "service_list.json", lst)
    recs["hsds_examples/service_list.json"] = {"format": None, "match": "name", "records": [
        {"key": s["name"], "accept": True,
         "why": {"accept": "HSDS 3.0 /services page example: a service with no location (delivered by referral/phone); nothing non-UK in it"}}
        for s in lst["contents"]]}
    sal = json.loads(git_show(repo, "examples/service_at_location_list.json"))
    for c in sal["contents"]:
        uk_location(c["location"], UK[1])
    write(out / "service_at_location_list.json", sal)
    recs["hsds_examples/service_at_location_list.json"] = {"format": None, "match": "name", "records": [
        {"key": c["service"]["name"], "accept": True,
         "why": {"accept": "HSDS 3.0 /service_at_locations page example, location moved to Manchester"}}
        for c in sal["contents"]]}
    # unchanged copy: latitude 100, longitude 101, postal code 'ABC 1234' -> refused
    write(out / "service_full_unmoved.json", json.loads(git_show(repo, "examples/service_full.json")))
    recs["hsds_examples/service_full_unmoved.json"] = {"format": None, "match": "name", "records": [
        {"key": full["name"], "accept": False,
         "why": {"accept": "location latitude 100 / longitude 101 is no place on Earth (HSDS schema: WGS84 decimal degrees) and postal code 'ABC 1234' is not a UK postcode"}}]}
    expected.update(recs)
    readme(out, """
# Open Referral HSDS 3.0 examples

- Repository: https://github.com/openreferral/specification (CC BY-SA 4.0, the Open Referral project)
- Files: `examples/service_full.json`, `examples/service_list.json`,
  `examples/service_at_location_list.json` at commit bada00424568bd51c8c69ee22f02e208fa928dfd
  (also in /work/shared/fixtures/openreferral).
- `service_full.json` and `service_at_location_list.json`: the example location moved to Leeds
  / Manchester (real postcode, coordinates, country GB); everything else unchanged.
  `service_full_unmoved.json` is the original, unchanged (latitude 100, longitude 101,
  postal code `ABC 1234`): it must be refused, clearly.
- The OpenReferralUK repositories fetched (human-services, uk-profile) hold schemas, not
  service data; no ORUK 1.0 service feed with `regular_schedules` was found with a licence,
  so ORUK 1.0 shapes appear only in ../peer_cases.json.
""")


def main() -> None:
    expected: dict = {}
    build_tsml_ui(expected)
    build_plugin_template(expected)
    build_spec_example(expected)
    build_bmlt(expected)
    build_hsds(expected)
    build_peer_cases()
    path = HERE / "expected.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old["feeds"] = expected
    write(path, old)
    print({k: len(v["records"]) for k, v in expected.items()})
    build_uk_meetings()



# ---- peer behaviour cases -----------------------------------------------------------------
def base(slug, **kw) -> dict:
    m = {"slug": slug, "name": "Park Row Group of AA", "group": "Park Row Group", "day": 1,
         "time": "19:30", "location": "St Anne's Cathedral Hall", "address": "Cookridge Street",
         "city": "Leeds", "postal_code": "LS1 4DY", "country": "UK", "latitude": 53.7997,
         "longitude": -1.5492, "timezone": "Europe/London", "types": ["O"]}
    m.update(kw)
    return {k: v for k, v in m.items() if v is not None}


def build_peer_cases() -> None:
    P, TU = W_PLUG, W_TSML
    cases: list[dict] = []

    def case(cid: str, desc: str, rec: dict | list, exp: dict, why: str, tsml_ui: str, plugin: str,
             fmt: str | None = None, isolated: bool = False) -> None:
        cases.append({"id": cid, "description": desc, "format": fmt, "isolated": isolated,
                      "records": rec if isinstance(rec, list) else [rec],
                      "peers": {"tsml-ui": tsml_ui, "12-step-meeting-list": plugin},
                      "expected": exp, "why": why})

    ok = {"accept": True}
    case("pc01-12h-pm", "12-hour time '7:30 PM'", base("pc01", time="7:30 PM"),
         {**ok, "time": "19:30", "days": ["Monday"]}, f"{P} -> functions_format.php tsml_format_time_reverse: date_parse('7:30 PM') = 19:30",
         "reads hour 7 (split(':')/parseInt) -- misreads", "imports 19:30")
    case("pc02-12h-am-noon", "12-hour '12:00 PM' is noon", base("pc02", time="12:00 PM"),
         {**ok, "time": "12:00"}, f"{P} tsml_format_time_reverse: date_parse('12:00 PM') = 12:00", "12:00", "12:00")
    case("pc03-12h-midnight", "'12:00 AM' is midnight", base("pc03", time="12:00 AM"),
         {**ok, "time": "00:00"}, f"{P} tsml_format_time_reverse: date_parse('12:00 AM') = 00:00", "12:00 (misread)", "00:00")
    case("pc04-12h-lower-nospace", "'7pm'", base("pc04", time="7pm"),
         {**ok, "time": "19:00"}, f"{P} tsml_format_time_reverse: date_parse('7pm') hour 19", "invalid (minute NaN) -> dropped", "19:00")
    case("pc05-seconds", "time with seconds '19:30:00' (BMLT style)", base("pc05", time="19:30:00"),
         {**ok, "time": "19:30"}, f"{TU}: split(':') takes hour and minute; {P} date_parse", "19:30", "19:30")
    case("pc06-day-list", "day as a list [1,3,5]", base("pc06", day=[1, 3, 5]),
         {**ok, "days": ["Monday", "Wednesday", "Friday"]}, f"{TU} flattenDays; {P} 'arrays of days' loop",
         "three meetings pc06-1, pc06-3, pc06-5", "three meetings")
    case("pc07-day-string-list", "day as list of strings ['0','6']", base("pc07", day=["0", "6"]),
         {**ok, "days": ["Sunday", "Saturday"]}, f"{TU} flattenDays parseInt", "two meetings", "two meetings")
    case("pc08-day-name", "day as a name 'Tuesday'", base("pc08", day="Tuesday"),
         {**ok, "days": ["Tuesday"]}, f"{P}: 'day can either be 0, 1, 2, 3 or Sunday, Monday' (array_search in upper_days)",
         "parseInt('Tuesday') = NaN -> invalid start, dropped", "Tuesday")
    case("pc09-day-string-digit", "day '3' as a string", base("pc09", day="3"),
         {**ok, "days": ["Wednesday"]}, f"{TU} flattenDays parseInt", "Wednesday", "Wednesday")
    case("pc10-types-comma-string", "types as a comma string 'O, W, X'", base("pc10", types="C, W, X"),
         {**ok, "open_closed": "closed"}, f"{P}: 'if (is_string($types)) $types = explode(',', $types)'",
         "not an array -> types ignored", "C, W, X")
    case("pc11-types-full-names", "types as full names ['Open','Women']", base("pc11", types=["Open", "Women"]),
         {**ok, "open_closed": "open"}, f"{P}: 'sanitize types (they can be Closed or C)' array_search in upper_types",
         "unknown keys ignored", "O, W")
    case("pc12-open-and-closed", "both O and C", base("pc12", types=["O", "C"]),
         {**ok, "open_closed": "closed"}, f"{P}: 'if a meeting is both open and closed, make it closed'", "both shown", "C")
    case("pc13-unknown-type", "unknown type code 'ZZZ' only", base("pc13", types=["ZZZ", "O"]),
         {**ok, "open_closed": "open"}, f"{TU}: types filtered to known keys; {P}: unused_types dropped, meeting kept",
         "O kept", "O kept")
    case("pc14-updated-odd", "updated '2020-04-0416:50:58' (template.csv)", base("pc14", updated="2020-04-0416:50:58"),
         ok, f"{TU}: invalid updated only warns ('invalid updated'); {P}: strtotime fails -> time()", "shown, no date", "imported, updated=now")
    case("pc15-updated-iso", "updated ISO 8601 with T and Z", base("pc15", updated="2024-03-01T10:00:00Z"),
         ok, f"{TU}: DateTime.fromSQL fails -> warning only", "shown", "imported")
    case("pc16-onl-no-link", "ONL type but no conference_url/phone, with a street address", base("pc16", types=["O", "ONL"]),
         {**ok, "attendance": "in_person", "active": True}, f"{P}: ONL removed then re-added only with a valid conference_url/phone; {TU}: ONL filtered, isOnline from join details",
         "in person", "in person (ONL dropped)")
    case("pc17-onl-no-link-approx", "ONL, no link, approximate address -> inactive",
         base("pc17", types=["ONL"], address=None, postal_code=None, latitude=None, longitude=None, approximate="yes"),
         {**ok, "active": False}, f"{TU}: not online (no join details), not in person (approximate) -> inactive",
         "inactive", "imported, not online")
    case("pc18-online-only", "zoom link and approximate location -> online", base(
        "pc18", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        conference_url="https://us02web.zoom.us/j/85512345678?pwd=abc", types=["O", "ONL"]),
        {**ok, "attendance": "online", "active": True}, f"{TU}: isOnline (zoom.us provider), approximate -> not in person", "online", "online")
    case("pc19-hybrid", "zoom link and a specific address -> hybrid", base(
        "pc19", conference_url="https://meet.google.com/abc-defg-hij"),
        {**ok, "attendance": "hybrid", "active": True}, f"{TU}: isOnline and isInPerson", "hybrid", "hybrid")
    case("pc20-unknown-provider", "conference_url of an unknown provider, no phone, approximate address", base(
        "pc20", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        conference_url="https://example.org/join/123"),
        {**ok, "active": False}, f"{TU}: 'unknown conference_url' warning, url dropped -> not online; {P}: tsml_conference_provider fails -> url nulled",
        "inactive", "url dropped")
    case("pc21-tc-no-join", "TC without join details", base("pc21", types=["C", "TC"]),
        {**ok, "active": False, "open_closed": "closed"}, f"{TU}: isTempClosed -> not in person; not online -> inactive", "inactive", "imported as TC")
    case("pc22-tc-with-zoom", "TC with a zoom link -> online, active", base(
        "pc22", types=["TC", "O"], conference_url="https://zoom.us/j/123456789"),
        {**ok, "active": True, "attendance": "online"}, f"{TU}: TC removes in-person; online keeps it active", "online", "online")
    case("pc23-phone-only", "conference_phone only (UK number)", base(
        "pc23", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        conference_phone="+44 20 3481 5240"),
        {**ok, "attendance": "online", "active": True}, f"{TU} validateConferencePhone: >=10 digits -> isOnline; {P}: conference_phone forces ONL", "online", "online")
    case("pc24-long-dialin", "very long one-tap dial-in string", base(
        "pc24", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        conference_phone="+442034815240,,85512345678#,,,,*123456# " + "x" * 10 + " (UK toll) / +13126266799,,85512345678# US"),
        {**ok, "attendance": "online", "active": True}, f"{TU} validateConferencePhone keeps [\\d,+#] (length >= 10)", "online", "online")
    case("pc25-short-phone", "conference_phone too short '123'", base(
        "pc25", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        conference_phone="123"),
        {**ok, "active": False}, f"{TU} validateConferencePhone: < 10 digits -> 'invalid conference_phone', not online", "inactive", "ONL added")
    langs = sorted(LANG_TYPES.items())
    case("pc26-every-language", "every spec language type on one meeting", base("pc26", types=["O"] + [c for c, _ in langs]),
         {**ok, "languages": sorted({v for _, v in langs})}, "spec data/types.json language types -> ISO 639-1",
         "all shown as types", "all kept")
    case("pc27-welsh-name", "Welsh-language meeting named in words only (no type code exists)",
         base("pc27", name="Cyfarfod Cymraeg AA Caerdydd", city="Cardiff", address="Heol y Frenhines",
              postal_code="CF10 1EP", latitude=51.4816, longitude=-3.1791),
         {**ok, "needs": ["alcohol"]}, "spec has no Welsh type; meeting shown", "shown", "imported")
    case("pc28-no-timezone-feed-default", "no timezone: feed/page default applies", base("pc28", timezone=None),
         {**ok, "time": "19:30", "days": ["Monday"]}, f"{TU}: 'if (!meeting.timezone) meeting.timezone = timezone' (data-timezone setting)",
         "shown in page timezone", "site timezone")
    case("pc29-foreign-tz-online", "online meeting in America/Los_Angeles 17:00 Sunday", base(
        "pc29", address=None, postal_code=None, latitude=None, longitude=None, approximate="yes",
        timezone="America/Los_Angeles", time="17:00", day=0, conference_url="https://zoom.us/j/999",
        city="Los Angeles", country=None),
        {**ok, "attendance": "online", "days": ["Monday"], "time": "01:00"},
        f"{TU}: DateTime.fromObject in meeting tz, setZone(display tz): 17:00 PST Sunday = 01:00 GMT Monday", "01:00 Monday", "stored 17:00 with tz")
    case("pc30-foreign-tz-inperson", "in-person meeting in Edmonton, Alberta, Canada (no country field)",
         {"slug": "pc30", "name": "Edmonton Downtown AA", "day": 3, "time": "20:00", "location": "Grace Church",
          "address": "10050 Jasper Ave NW", "city": "Edmonton", "state": "AB", "postal_code": "T5J 1V7",
          "latitude": 53.5409, "longitude": -113.4937, "timezone": "America/Edmonton", "types": ["O"]},
         {"accept": False}, "in person outside the UK (brief: refuse); tsml-ui infers country Canada from state AB (states.canada)",
         "shown in Canada", "imported in Canada")
    case("pc31-us-no-country", "in-person US meeting, state only, no timezone",
         {"slug": "pc31", "name": "Sunrise Group", "day": 2, "time": "07:00", "address": "2634 Union Ave",
          "city": "San Jose", "state": "CA", "postal_code": "95124", "types": ["O"]},
         {"accept": False}, "in person outside the UK (brief: refuse)", "shown in USA", "imported in USA")
    case("pc32-missing-group", "no group, no entity", base("pc32", group=None),
         {**ok}, f"{TU} and {P}: group optional ('can't have a group if group name not specified' -> group_id null)", "shown", "imported")
    case("pc33-entity-only", "entity but no group", base("pc33", group=None, entity="Leeds Intergroup of AA",
         entity_url="https://aaleeds.org.uk"), {**ok, "needs": ["alcohol"]}, "spec: entity fields optional", "shown", "imported")
    case("pc34-missing-slug", "no slug", {k: v for k, v in base("pc34", name="Missing Slug Group AA").items() if k != "slug"},
         {**ok}, f"{P}: slug derived from name via sanitize_title ('figure out a singular slug'); tsml-ui drops it ('no slug')",
         "dropped ('no slug')", "imported as missing-slug-group-aa")
    case("pc35-integer-slug", "integer slug", base(12345, name="Integer Slug AA"), {**ok},
         "spec README: 'integer IDs are fine too'", "shown", "imported")
    case("pc36-no-address", "no address information at all", {"slug": "pc36", "name": "Nowhere AA", "day": 1,
         "time": "19:00", "timezone": "Europe/London", "conference_url": "https://zoom.us/j/1"},
         {"accept": False}, f"{TU}: 'no address information' -> skipped; {P}: 'No location information provided'", "dropped", "error")
    case("pc37-appointment", "no day and no time: by appointment", base("pc37", day=None, time=None),
         {**ok, "time": None, "days": None}, f"{TU}: appointment index; {P}: time/day false = by appointment", "appointment", "appointment")
    case("pc38-day-without-time", "day given but no time", base("pc38", time=None),
         {**ok, "time": None}, f"{P}: empty time -> by appointment", "appointment", "appointment")
    case("pc39-end-2400", "end_time '24:00'", base("pc39", time="22:30", end_time="24:00"),
         {**ok, "time": "22:30"}, f"{TU}: luxon hour 24 invalid end -> dropped ('invalid end'); {P}: date_parse('24:00') imports",
         "dropped", "imported")
    case("pc40-approximate-bool", "approximate as JSON boolean true", base("pc40", approximate=True, conference_url="https://zoom.us/j/42"),
         {**ok, "attendance": "online"}, f"{TU}: typeof approximate === 'boolean'", "online", "online")
    case("pc41-coordinates-field", "coordinates 'lat,lng' string instead of latitude/longitude (BMLT TSML output)",
         base("pc41", latitude=None, longitude=None, coordinates="53.7997,-1.5492"),
         {**ok, "attendance": "in_person"}, f"{TU}: coordinates with one comma -> latitude/longitude, not approximate", "in person", "geocoded")
    case("pc42-string-latlng", "latitude/longitude as strings", base("pc42", latitude="53.7997", longitude="-1.5492"),
         {**ok}, f"{TU}: parseFloat when typeof string", "shown", "imported")
    case("pc43-duplicate-slug", "two records with the same slug", [base("pc43", name="First AA"), base("pc43", name="Second AA", day=2)],
         {"accept": True, "count": 1}, f"{TU}: 'duplicate slug' -> second dropped; {P}: second renamed pc43-1",
         "first kept", "both kept (pc43, pc43-1)", isolated=True)
    case("pc44-zip-alias", "'zip' instead of postal_code", base("pc44", postal_code=None, zip="LS1 4DY"),
         {**ok}, f"{P}: 'column aliases' zip -> postal_code", "zip ignored, shown", "imported")
    case("pc45-na-needs", "NA meeting", base("pc45", name="Just for Today NA", group="Leeds NA"),
         {**ok, "needs": ["drugs"]}, "Narcotics Anonymous -> drugs", "shown", "imported")
    case("pc46-ca-needs", "CA meeting", base("pc46", name="Cocaine Anonymous Manchester Tuesday", group=None, city="Manchester",
         address="Piccadilly", postal_code="M1 1AE", latitude=53.4808, longitude=-2.2426),
         {**ok, "needs": ["cocaine"]}, "Cocaine Anonymous -> cocaine", "shown", "imported")
    case("pc47-alanon-needs", "Al-Anon meeting", base("pc47", name="Al-Anon Family Group Cardiff", group=None, city="Cardiff",
         address="Queen Street", postal_code="CF10 1EP", latitude=51.4816, longitude=-3.1791),
         {**ok, "needs": ["family"]}, "Al-Anon -> family", "shown", "imported")
    case("pc48-oruk1-regular-schedules", "ORUK 1.0 service with regular_schedules / physical_addresses / service_taxonomys",
         [{"id": "oruk-pc48", "name": "Doncaster Recovery Cafe", "description": "Drop-in recovery cafe",
           "status": "active", "url": "https://example.org.uk/cafe",
           "organization": {"id": "org-pc48", "name": "Doncaster Recovery Network"},
           "regular_schedules": [{"id": "rs1", "weekday": "Wednesday", "opens_at": "18:00:00", "closes_at": "20:00:00", "freq": 1}],
           "service_at_locations": [{"id": "sal1", "location": {"id": "loc1", "name": "Central Library",
              "latitude": 53.5228, "longitude": -1.1285,
              "physical_addresses": [{"id": "pa1", "address_1": "Waterdale", "city": "Doncaster",
                                      "postal_code": "DN1 1BN", "country": "GB"}]}}],
           "service_taxonomys": [{"id": "st1", "taxonomy": {"id": "tx1", "name": "Substance misuse", "vocabulary": "esdCategories"}}]}],
         {**ok, "days": ["Wednesday"], "time": "18:00"}, "ORUK 1.0 (docs.openreferraluk.org) regular_schedules.weekday / opens_at",
         "n/a", "n/a", fmt="oruk")
    case("pc49-hsds3-byday", "HSDS 3.0 schedule byday 'MO,WE'",
         [{"id": "hsds-pc49", "name": "Swansea SMART Recovery", "description": "SMART Recovery meeting",
           "status": "active", "organization": {"id": "org-pc49", "name": "SMART Recovery UK"},
           "schedules": [{"id": "s1", "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "18:30:00", "closes_at": "20:00:00"}],
           "service_at_locations": [{"id": "sal2", "location": {"id": "loc2", "name": "YMCA", "latitude": 51.6214, "longitude": -3.9436,
              "addresses": [{"id": "a2", "address_1": "1 The Kingsway", "city": "Swansea", "postal_code": "SA1 3SN",
                             "country": "GB", "address_type": "physical"}]}}]}],
         {**ok, "days": ["Monday", "Wednesday"], "time": "18:30"}, "HSDS 3.0 schedule.byday is an iCal BYDAY list",
         "n/a", "n/a", fmt="oruk")
    write(HERE / "peer_cases.json", {"note": "Each case: small records, what each peer does, and the expectation with its source. "
                                             "Meeting Guide unless 'format' says otherwise. 'isolated' cases import alone.",
                                     "cases": cases})
    print("peer cases:", len(cases))



# ---- ranking check ------------------------------------------------------------------------
def build_uk_meetings() -> None:
    T = {p[1].split()[0]: p for p in UK}
    rows = [
        # slug, name, group, town, day, time, types, extra
        ("leeds-aa-park-row-mon", "Park Row Monday", "Park Row Group of Alcoholics Anonymous", "Leeds", 1, "19:30", ["O", "D"], {}),
        ("leeds-aa-headingley-sat", "Headingley Saturday Morning AA", "Headingley Group", "Leeds", 6, "10:00", ["C", "B"], {}),
        ("leeds-na-just-for-today", "Just for Today NA Leeds", "Leeds Area NA", "Leeds", 3, "19:00", ["O"], {}),
        ("leeds-ga-thursday", "Leeds Gamblers Anonymous", "Gamblers Anonymous Leeds", "Leeds", 4, "19:30", ["C"], {}),
        ("leeds-alateen-sunday", "Leeds Alateen", "Alateen Leeds", "Leeds", 0, "14:00", ["C", "Y"], {}),
        ("bradford-ga-tuesday", "Bradford Gamblers Anonymous", "Gamblers Anonymous Bradford", "Bradford", 2, "19:00", ["C"], {}),
        ("bradford-aa-friday", "Bradford Friday Night AA", "Bradford Central Group AA", "Bradford", 5, "20:00", ["O"], {}),
        ("manchester-ca-tuesday", "Cocaine Anonymous Manchester Tuesday", "CA Manchester", "Manchester", 2, "19:00", ["O"], {}),
        ("manchester-aa-piccadilly", "Piccadilly Lunchtime AA", "Piccadilly Group", "Manchester", 3, "12:30", ["O"], {}),
        ("manchester-na-hope", "Hope NA Manchester", "Manchester Area of Narcotics Anonymous", "Manchester", 0, "18:00", ["O"], {}),
        ("manchester-alanon-thursday", "Al-Anon Manchester Thursday", "Al-Anon Family Groups Manchester", "Manchester", 4, "19:30", ["C"], {}),
        ("manchester-smart-monday", "SMART Recovery Manchester", "SMART Recovery UK", "Manchester", 1, "18:00", ["O"], {}),
        ("cardiff-alanon-wednesday", "Al-Anon Cardiff", "Al-Anon Family Groups Cardiff", "Cardiff", 3, "19:30", ["C"], {}),
        ("cardiff-aa-queen-street", "Queen Street AA Cardiff", "Cardiff Central Group AA", "Cardiff", 1, "19:00", ["O", "EN"], {}),
        ("cardiff-na-friday", "Cardiff NA Friday", "Cardiff Narcotics Anonymous", "Cardiff", 5, "19:30", ["O"], {}),
        ("cardiff-ga-monday", "Cardiff Gamblers Anonymous", "GA Cardiff", "Cardiff", 1, "19:00", ["C"], {}),
        ("glasgow-aa-george-square", "George Square AA", "George Square Group of Alcoholics Anonymous", "Glasgow", 2, "19:30", ["O"], {}),
        ("glasgow-ga-wednesday", "Glasgow Gamblers Anonymous", "Gamblers Anonymous Glasgow", "Glasgow", 3, "19:00", ["C"], {}),
        ("glasgow-na-saturday", "Glasgow NA Saturday", "Glasgow Area NA", "Glasgow", 6, "15:00", ["O"], {}),
        ("glasgow-ca-sunday", "Cocaine Anonymous Glasgow", "CA Scotland", "Glasgow", 0, "19:00", ["O"], {}),
        ("bristol-na-tuesday", "Bristol NA Tuesday", "Bristol Narcotics Anonymous", "Bristol", 2, "19:30", ["O"], {}),
        ("bristol-aa-broad-quay", "Broad Quay AA", "Broad Quay Group AA", "Bristol", 4, "13:00", ["O"], {}),
        ("bristol-smart-thursday", "SMART Recovery Bristol", "SMART Recovery UK", "Bristol", 4, "18:30", ["O"], {}),
        ("bristol-alanon-monday", "Al-Anon Bristol", "Al-Anon Family Groups Bristol", "Bristol", 1, "19:30", ["C"], {}),
        ("doncaster-aa-high-street", "Doncaster High Street AA", "Doncaster Group of AA", "Doncaster", 4, "19:30", ["O"], {}),
        ("doncaster-na-sunday", "Doncaster NA", "Doncaster Narcotics Anonymous", "Doncaster", 0, "18:30", ["O"], {}),
        ("doncaster-ga-wednesday", "Doncaster GA", "Gamblers Anonymous Doncaster", "Doncaster", 3, "19:00", ["C"], {}),
        ("newcastle-ga-monday", "Newcastle Gamblers Anonymous", "GA Newcastle", "Newcastle", 1, "19:00", ["C"], {}),
        ("newcastle-aa-grey-street", "Grey Street AA", "Newcastle Central AA", "Newcastle", 5, "12:30", ["O"], {}),
        ("newcastle-na-thursday", "Newcastle NA", "Tyneside Narcotics Anonymous", "Newcastle", 4, "19:30", ["O"], {}),
        ("norwich-na-wednesday", "Norwich Narcotics Anonymous", "Norwich NA", "Norwich", 3, "19:30", ["O"], {}),
        ("norwich-aa-saturday", "Norwich Saturday AA", "Norwich Group AA", "Norwich", 6, "11:00", ["O"], {}),
        ("swansea-naranon-tuesday", "Nar-Anon Swansea", "Nar-Anon Family Groups Swansea", "Swansea", 2, "19:00", ["C"], {}),
        ("swansea-aa-oxford-street", "Oxford Street AA Swansea", "Swansea Group AA", "Swansea", 4, "19:30", ["O"], {}),
        ("swansea-na-monday", "Swansea NA", "Swansea Narcotics Anonymous", "Swansea", 1, "19:30", ["O"], {}),
        ("belfast-aa-donegall", "Donegall Place AA", "Belfast Central Group of Alcoholics Anonymous", "Belfast", 3, "20:00", ["O"], {}),
        ("belfast-ga-friday", "Belfast Gamblers Anonymous", "GA Belfast", "Belfast", 5, "19:30", ["C"], {}),
        ("birmingham-ca-wednesday", "Cocaine Anonymous Birmingham", "CA Birmingham", "Birmingham", 3, "19:30", ["O"], {}),
        ("birmingham-aa-new-street", "New Street AA", "Birmingham Central AA", "Birmingham", 2, "13:00", ["O"], {}),
        ("birmingham-na-sunday", "Birmingham NA", "Birmingham Narcotics Anonymous", "Birmingham", 0, "17:00", ["O"], {}),
        ("liverpool-smart-tuesday", "SMART Recovery Liverpool", "SMART Recovery UK", "Liverpool", 2, "18:00", ["O"], {}),
        ("liverpool-aa-paradise", "Paradise Street AA", "Liverpool Central AA", "Liverpool", 1, "19:30", ["O"], {}),
        ("liverpool-ca-friday", "Cocaine Anonymous Liverpool", "CA Merseyside", "Liverpool", 5, "19:00", ["O"], {}),
        ("sheffield-gamanon-thursday", "Gam-Anon Sheffield", "Gam-Anon Sheffield", "Sheffield", 4, "19:30", ["C"], {}),
        ("sheffield-ga-thursday", "Sheffield Gamblers Anonymous", "GA Sheffield", "Sheffield", 4, "19:30", ["C"], {}),
        ("sheffield-aa-fargate", "Fargate AA", "Sheffield Central AA", "Sheffield", 6, "10:30", ["O"], {}),
        ("edinburgh-aa-women", "Edinburgh Women's AA", "Edinburgh Women's Group of AA", "Edinburgh", 1, "19:00", ["C", "W"], {}),
        ("edinburgh-aa-waverley", "Waverley AA", "Waverley Group AA", "Edinburgh", 3, "19:30", ["O"], {}),
        ("edinburgh-na-tuesday", "Edinburgh NA", "Edinburgh Narcotics Anonymous", "Edinburgh", 2, "19:30", ["O"], {}),
        ("nottingham-aa-long-row", "Long Row AA", "Nottingham Central AA", "Nottingham", 4, "19:30", ["O"], {}),
        ("nottingham-ga-monday", "Nottingham GA", "Gamblers Anonymous Nottingham", "Nottingham", 1, "19:00", ["C"], {}),
        ("york-aa-parliament", "Parliament Street AA York", "York Group AA", "York", 2, "19:30", ["O"], {}),
        ("york-alanon-saturday", "Al-Anon York", "Al-Anon Family Groups York", "York", 6, "11:00", ["C"], {}),
        ("brighton-na-friday", "Brighton NA", "Brighton Narcotics Anonymous", "Brighton", 5, "19:30", ["O"], {}),
        ("brighton-ca-thursday", "Cocaine Anonymous Brighton", "CA Sussex", "Brighton", 4, "19:30", ["O"], {}),
        ("hull-aa-whitefriargate", "Whitefriargate AA", "Hull Group AA", "Hull", 3, "19:30", ["O"], {}),
        ("leicester-smart-wednesday", "SMART Recovery Leicester", "SMART Recovery UK", "Leicester", 3, "18:00", ["O"], {}),
        ("aberdeen-aa-union-street", "Union Street AA", "Aberdeen Group AA", "Aberdeen", 5, "19:30", ["O"], {}),
        ("ca-online-uk-sunday", "Cocaine Anonymous UK Online", "CA UK Online", None, 0, "20:00", ["O", "ONL"],
         {"conference_url": "https://zoom.us/j/81234567890", "conference_phone": "+44 20 3481 5240,,81234567890#"}),
        ("aa-online-uk-daily", "AA Great Britain Online Lunchtime", "AA GB Online Group", None, [1, 2, 3, 4, 5], "12:00", ["O", "ONL"],
         {"conference_url": "https://zoom.us/j/80012345678"}),
        ("ga-online-uk-tuesday", "Gamblers Anonymous UK Online", "GA UK Online", None, 2, "20:00", ["C", "ONL"],
         {"conference_url": "https://zoom.us/j/80087654321"}),
    ]
    feed = []
    for k, (slug, name, group, town, day, time, types, extra) in enumerate(rows):
        m = {"slug": slug, "name": name, "group": group, "day": day, "time": time, "types": types,
             "timezone": "Europe/London", "updated": "2026-10-01 12:00:00"}
        if town:
            street, city, county, pc, lat, lng = T[town]
            off = (k % 5) * 0.0015
            m.update(location=f"{city} Community Hall", address=f"{(k % 40) + 1} {street}", city=city,
                     postal_code=pc, country="UK", latitude=round(lat + off, 4), longitude=round(lng - off, 4))
        else:
            m.update(location="Online", formatted_address="Online, UK", approximate="yes")
        m.update(extra)
        feed.append(m)
    write(HERE / "uk_meetings.json", feed)
    queries = [
        ("gambling near Leeds", "leeds-ga-thursday", "the only GA meeting in Leeds; Bradford GA is 14 km away"),
        ("cocaine Manchester", "manchester-ca-tuesday", "the only Cocaine Anonymous meeting in Manchester"),
        ("my husband drinks, Cardiff", "cardiff-alanon-wednesday", "a partner's drinking = family need; Al-Anon is the family group in Cardiff"),
        ("AA Glasgow", "glasgow-aa-george-square", "the only AA meeting in Glasgow"),
        ("narcotics anonymous Bristol", "bristol-na-tuesday", "the only NA meeting in Bristol"),
        ("drink problem Doncaster", "doncaster-aa-high-street", "alcohol need; the only AA meeting in Doncaster"),
        ("gambling Newcastle upon Tyne", "newcastle-ga-monday", "the only GA meeting in Newcastle upon Tyne (plain 'Newcastle' is ambiguous with Newcastle-under-Lyme)"),
        ("heroin help Norwich", "norwich-na-wednesday", "heroin = drugs; the only NA meeting in Norwich"),
        ("my son uses drugs, Swansea", "swansea-naranon-tuesday", "a child's drug use = family need; Nar-Anon in Swansea"),
        ("alcohol Belfast", "belfast-aa-donegall", "the only AA meeting in Belfast"),
        ("crack cocaine Birmingham", "birmingham-ca-wednesday", "the only CA meeting in Birmingham"),
        ("SMART Recovery Liverpool", "liverpool-smart-tuesday", "named programme, the only SMART meeting in Liverpool"),
        ("my wife gambles, Sheffield", "sheffield-gamanon-thursday", "a partner's gambling = family need; Gam-Anon in Sheffield (GA Sheffield is for the gambler)"),
        ("women's AA meeting Edinburgh", "edinburgh-aa-women", "the Edinburgh AA meeting with type W"),
        ("my dad drinks and I'm 15, Leeds", "leeds-alateen-sunday", "a teenager affected by a parent's drinking: Alateen in Leeds"),
        ("online cocaine anonymous meeting", "ca-online-uk-sunday", "the only online CA meeting"),
        ("gambling Glasgow", "glasgow-ga-wednesday", "the only GA meeting in Glasgow"),
        ("NA meeting in Cardiff", "cardiff-na-friday", "the only NA meeting in Cardiff"),
    ]
    path = HERE / "expected.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old["ranking"] = {"feed": "uk_meetings.json", "queries": [{"query": q, "first": f, "why": w} for q, f, w in queries]}
    write(path, old)
    print("uk meetings:", len(feed), "queries:", len(queries))


if __name__ == "__main__":
    main()
