"""The command line as scripts use it: real database (SQLite and PostgreSQL), real
gazetteer, demo directory loaded on first run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, tzinfo
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters import cli
from adapters.cli import app
from directory.schedule import LONDON

runner = CliRunner()

JSON_FIELDS = {"id", "name", "organisation", "kind", "needs", "distance_km", "attendance",
               "next_meeting", "address", "postcode", "phone", "website", "conference_url",
               "last_verified"}


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_search_everyday_words_with_misspelt_town(env: dict[str, str]) -> None:
    code, out, _ = run(env, "directory", "search", "booze help near Donacster", "--json")
    assert code == 0
    results = json.loads(out)
    assert results and set(results[0]) >= JSON_FIELDS
    first = results[0]
    assert "Doncaster" in first["name"] and first["distance_km"] < 5
    assert "alcohol" in first["needs"] or "recovery_community" in first["needs"]
    assert first["is_demo"] is True  # the demo groups never pass as real


def test_search_near_option_and_online(env: dict[str, str]) -> None:
    code, out, _ = run(env, "directory", "search", "gambling", "--near", "LS1 4AP",
                       "--json", "--limit", "3")
    assert code == 0
    results = json.loads(out)
    assert 1 <= len(results) <= 3
    code, out, _ = run(env, "directory", "search", "alcohol", "--online", "--json")
    assert code == 0
    assert all(r["attendance"] in ("online", "hybrid") for r in json.loads(out))


def test_next_meeting_is_iso_8601(env: dict[str, str]) -> None:
    _, out, _ = run(env, "directory", "search", "aa meeting leeds", "--json", "--limit", "10")
    meetings = [r for r in json.loads(out) if r["next_meeting"]]
    assert meetings
    from datetime import datetime
    assert datetime.fromisoformat(meetings[0]["next_meeting"]).tzinfo is not None


def test_ambiguous_place_lists_candidates(env: dict[str, str]) -> None:
    code, _, err = run(env, "directory", "search", "alcohol", "--near", "Newport")
    assert code == 2
    assert "Newport, Wales" in err and "Isle of Wight" in err


def test_unknown_place_is_a_kind_error(env: dict[str, str]) -> None:
    code, _, err = run(env, "directory", "search", "alcohol", "--near", "Qwxzzy")
    assert code == 2 and "could not find" in err


def test_human_output_marks_examples(env: dict[str, str]) -> None:
    code, out, _ = run(env, "directory", "search", "recovery cafe", "--near", "Cardiff")
    assert code == 0 and "Cardiff" in out and "[EXAMPLE]" in out


def search_json(env: dict[str, str], *args: str) -> list[dict]:
    code, out, err = run(env, "directory", "search", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_search_filters_as_options_say_what_each_result_matches(env: dict[str, str]) -> None:
    results = search_json(env, "group", "--near", "Manchester", "--audience", "women",
                          "--access", "step-free")
    assert [r["slug"] for r in results] == ["demo-manchester-women"]
    assert results[0]["matches"] == ["women", "step_free"]
    # Repeated options and comma lists are the same; a hybrid meeting meets in person.
    results = search_json(env, "smart", "--near", "Leeds", "--attendance", "in_person",
                          "--attendance", "hybrid", "--access", "hearing_loop,")
    assert results[0]["slug"] == "demo-leeds-smart"
    assert results[0]["matches"] == ["hearing_loop", "in_person", "hybrid"]
    results = search_json(env, "recovery cafe", "--near", "Cardiff", "--language", "cy")
    assert results and all("cy" in r["languages"] and "cy" in r["matches"] for r in results)
    # Without filters every result still has `matches`, empty.
    assert search_json(env, "recovery cafe", "--near", "Cardiff")[0]["matches"] == []


def test_search_text_output_says_why_it_matches(env: dict[str, str]) -> None:
    code, out, _ = run(env, "directory", "search", "group near Manchester", "--audience",
                       "women", "--access", "step_free")
    assert code == 0 and "Women's Recovery Circle" in out
    assert " · women only · step-free [EXAMPLE]" in out


def test_filters_said_in_the_text_are_applied(env: dict[str, str]) -> None:
    results = search_json(env, "a women's group near Manchester", "--limit", "10")
    assert results and all("women" in r["audience"] for r in results)
    assert results[0]["slug"] == "demo-manchester-women"
    assert results[0]["matches"] == ["women"]
    # "women leeds" has no word such as "meeting", yet a search is always a request.
    results = search_json(env, "women leeds", "--radius-km", "60")
    assert results and all(r["matches"] == ["women"] for r in results)


class Clock:
    """The command line's clock (adapters/cli.py reads `datetime.now`), set by a test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)  # a Monday
        clock = self

        class Fixed(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
                return clock.at.astimezone(tz)

        monkeypatch.setattr(cli, "datetime", Fixed)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def test_when_in_words_or_as_a_code(env: dict[str, str], clock: Clock) -> None:
    words = search_json(env, "recovery cafe", "--near", "Leeds", "--when", "saturday morning")
    code = search_json(env, "recovery cafe", "--near", "Leeds", "--when", "sat_morning")
    assert [r["slug"] for r in words] == [r["slug"] for r in code]
    assert words[0]["slug"] == "demo-leeds-recovery-cafe"  # Saturdays 10:00-13:00
    assert words[0]["matches"][-1].startswith("starts ")
    # Sundays: the café never meets then.
    sunday = search_json(env, "recovery cafe", "--near", "Leeds", "--when", "sunday")
    assert "demo-leeds-recovery-cafe" not in [r["slug"] for r in sunday]


def test_open_now_finds_what_is_open_whatever_the_time(env: dict[str, str]) -> None:
    """On the real clock: a helpline open any time is open now, and everything found
    says why."""
    results = search_json(env, "gambling", "--open-now", "--limit", "20")
    slugs = [r["slug"] for r in results]
    assert "national-gambling-helpline-line" in slugs
    phrase = re.compile(r"open now|on now|starts in \d+ min")
    assert all(phrase.fullmatch(r["matches"][-1]) for r in results)


def test_open_now_at_a_fixed_time(env: dict[str, str], clock: Clock) -> None:
    """Women in Recovery Online meets on Thursdays, 12:00-13:00 (UK time); "women" in
    the text is a filter too."""
    women = "demo-online-women"

    def found(*args: str) -> dict[str, list[str]]:
        return {r["slug"]: r["matches"] for r in search_json(
            env, "women", "--online", "--limit", "20", *args)}

    clock.at = datetime(2026, 11, 26, 12, 20, tzinfo=LONDON)  # under way
    assert found("--open-now")[women] == ["women", "on now"]
    assert found("--when", "now") == found("--when", "in progress") == found("--open-now")
    clock.at = datetime(2026, 11, 26, 11, 30, tzinfo=LONDON)  # starts in 30 minutes
    assert found("--open-now")[women] == ["women", "starts in 30 min"]
    assert found("--when", "soon")[women] == ["women", "starts in 30 min"]
    clock.at = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)  # an hour to go
    assert women not in found("--open-now")
    assert found("--when", "soon")[women] == ["women", "starts 12:00"]
    clock.at = datetime(2026, 11, 25, 12, 20, tzinfo=LONDON)  # Wednesday: tomorrow
    assert women not in found("--open-now")
    assert found("--when", "tomorrow")[women] == ["women", "starts Thu 12:00"]
    code, out, _ = run(env, "directory", "search", "women", "--online", "--when", "tomorrow")
    assert code == 0 and " · women only · starts Thu 12:00 [EXAMPLE]" in out


@pytest.mark.parametrize(("args", "valid"), [
    (("--audience", "women,womens"), "women, men, lgbtq, young_people"),
    (("--access", "stairs"), "wheelchair, hearing_loop, step_free"),
    (("--attendance", "zoom"), "in_person, online, hybrid, phone"),
    (("--language", "klingon"), "cy (Welsh)"),
    (("--when", "whenever"), "tonight"),
])
def test_unknown_filter_is_a_kind_error_naming_the_valid_ones(
        env: dict[str, str], args: tuple[str, str], valid: str) -> None:
    code, out, err = run(env, "directory", "search", "alcohol", *args)
    assert code == 2 and not out
    assert err.startswith("Sorry") and valid in err
    assert "'women'" not in err  # only the unknown one is named


def test_open_now_and_another_time_conflict(env: dict[str, str]) -> None:
    code, _, err = run(env, "directory", "search", "alcohol", "--open-now", "--when",
                       "tomorrow")
    assert code == 2 and "use one" in err


def test_stats(env: dict[str, str]) -> None:
    code, out, _ = run(env, "directory", "stats")
    assert code == 0
    assert "organisations: 34" in out and "listings: 116" in out


@pytest.mark.parametrize(("place", "expected"), [
    ("Donacster", "Doncaster"), ("Caerdydd", "Cardiff"), ("dn13ab", "DN1 3"),
    ("Edinburough", "Edinburgh"), ("Middlesborough", "Middlesbrough"),
])
def test_geocode(place: str, expected: str) -> None:
    result = runner.invoke(app, ["geocode", place, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["status"] == "found" and data["place"]["name"] == expected


def test_geocode_ambiguous_json() -> None:
    result = runner.invoke(app, ["geocode", "Richmond", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and data["status"] == "ambiguous"
    assert len(data["candidates"]) >= 2


def test_db_upgrade_is_idempotent(env: dict[str, str]) -> None:
    assert run(env, "db", "upgrade")[0] == 0
    assert run(env, "db", "upgrade")[0] == 0


def test_console_script_first_run_loads_demo(tmp_path: Path) -> None:
    """The installed `recovery-bot` on an empty SQLite file: migrates, loads the demo."""
    exe = Path(sys.executable).with_name("recovery-bot")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    out = subprocess.run([str(exe), "directory", "search", "alcohol", "--near", "Glasgow"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Glasgow" in out.stdout


FIXTURES = Path(__file__).with_name("fixtures")


def test_import_dry_run_then_real_then_reimport(env: dict[str, str]) -> None:
    feed = str(FIXTURES / "meeting_guide.json")
    code, out, _ = run(env, "directory", "import", feed, "--dry-run")
    assert code == 0 and "would be created" in out
    code, out, _ = run(env, "directory", "stats")
    assert "listings: 116" in out  # the dry run wrote nothing
    code, out, _ = run(env, "directory", "import", feed)
    assert code == 0 and " 0 problems" in out
    code, again, _ = run(env, "directory", "import", feed, "--format", "meeting-guide")
    assert code == 0 and again.startswith("0 were created, 0 were updated")


def test_import_bad_file_writes_nothing_and_names_each_problem(env: dict[str, str]) -> None:
    code, _, err = run(env, "directory", "import", str(FIXTURES / "bad_meeting_guide.json"))
    assert code == 1
    assert "latitude" in err and "Nothing was written" in err
    _, out, _ = run(env, "directory", "stats")
    assert "listings: 116" in out


def test_export_each_format(env: dict[str, str], tmp_path: Path) -> None:
    for fmt, name in (("csv", "d.csv"), ("meeting-guide", "d.json"), ("oruk", "o.json")):
        code, out, _ = run(env, "directory", "export", str(tmp_path / name), "--format", fmt)
        assert code == 0 and "Exported" in out
        assert (tmp_path / name).stat().st_size > 1000


def test_admin_grant_and_revoke(env: dict[str, str]) -> None:
    run(env, "directory", "stats")  # first run: loads the demo organisations
    code, out, _ = run(env, "admin", "grant", "telegram:12345", "admin")
    assert code == 0 and "is now admin" in out
    code, out, _ = run(env, "admin", "grant", "discord:777", "volunteer", "--org",
                       "demo-leeds-recovery-community")
    assert code == 0 and "is now volunteer" in out
    code, _, err = run(env, "admin", "grant", "discord:777", "volunteer", "--org", "nope")
    assert code == 2 and "no organisation" in err
    code, _, err = run(env, "admin", "grant", "no-colon", "admin")
    assert code == 2 and "PLATFORM:USER_ID" in err
    code, out, _ = run(env, "admin", "revoke", "telegram:12345", "admin")
    assert code == 0 and "no longer admin" in out
    code, out, _ = run(env, "admin", "revoke", "telegram:12345", "admin")
    assert "nothing changed" in out


def test_jobs_remind_stale_runs(env: dict[str, str]) -> None:
    code, out, _ = run(env, "jobs", "remind-stale")
    assert code == 0 and "Reminders queued for 0 listings" in out  # demo checked today


REAL_FEED = (
    "organisation_slug,organisation_name,organisation_kind,slug,name,kind,needs,days,"
    "start_time,end_time,postcode,attendance\n"
    "leeds-intergroup,Leeds Intergroup,fellowship,leeds-tuesday-aa,Leeds Tuesday Step "
    "Group,meeting,alcohol,tuesday,19:30,21:00,LS6 1AA,in_person\n")


@pytest.mark.parametrize("keep", [False, True])
def test_importing_real_listings_closes_the_made_up_examples(env: dict[str, str],
                                                              tmp_path: Path,
                                                              keep: bool) -> None:
    """Examples never stand beside real groups: the first real import closes them
    (the demo's real national helplines stay), unless --keep-examples."""
    before = search_json(env, "alcohol near Leeds", "--limit", "10")
    assert before[0]["is_demo"] is True  # a fresh directory: the examples
    feed = tmp_path / "real.csv"
    feed.write_text(REAL_FEED)
    code, out, err = run(env, "directory", "import", str(feed),
                         *(["--keep-examples"] if keep else []))
    assert code == 0, out + err
    results = search_json(env, "alcohol near Leeds", "--limit", "10")
    if keep:
        assert "example listings" not in out and any(r["is_demo"] for r in results)
        return
    assert "made-up example listings were closed" in out
    assert results[0]["slug"] == "leeds-tuesday-aa"
    assert not any(r["is_demo"] for r in results)
    helplines = search_json(env, "gambling helpline")
    assert helplines and not helplines[0]["is_demo"]
