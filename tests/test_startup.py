"""Fast start (issue 13): each command imports only what it uses, and what can be worked
out once ships or waits for first use. Nothing here is timed (timings live in
benchmarks/startup.py); these are the behaviours whose loss an operator would notice as
a slow `recovery-bot`: a chat platform's library, Alembic or geopy imported by a command
that does not need it, or the crisis patterns all parsed again at every start."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from directory.db import head_revisions, is_current, make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
# What no ordinary start needs: the chat platforms' libraries (each a tenth of a second
# or more), Alembic (only when the schema is behind), geopy (only for an online
# geocoder), scikit-learn (only to refit the crisis model, offline).
HEAVY = ("telegram", "discord", "alembic", "geopy", "sklearn")

# Runs the command line in this process, then says which of HEAVY it imported.
PROBE = """
import json, sys
from adapters.cli import app
try:
    app(sys.argv[1:], prog_name="recovery-bot")
except SystemExit:
    pass
print("IMPORTED " + json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
""".replace("HEAVY", repr(HEAVY))


def _env(database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOMINATIM_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def imported_by(tmp_path: Path, *args: str, database_url: str | None = None,
                stdin: str = "") -> tuple[list[str], str]:
    """Which of HEAVY `recovery-bot ARGS` imports, run in a fresh process (outside the
    work tree, so no .env is read), and what it printed."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=tmp_path,
                          env=_env(database_url), input=stdin, capture_output=True,
                          text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert lines and lines[-1].startswith("IMPORTED "), done.stdout + done.stderr
    return json.loads(lines[-1].removeprefix("IMPORTED ")), "\n".join(lines[:-1])


def test_importing_the_command_line_imports_no_platform_migration_or_geocoder(
        tmp_path: Path) -> None:
    code = f"import adapters.cli, sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_search_and_chat_on_a_migrated_database_import_none_of_them(
        engine: Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    assert is_current(engine)  # the fixture's database is migrated
    found, out = imported_by(tmp_path, "directory", "search", "alcohol leeds",
                             database_url=url)
    assert "Leeds" in out  # it answered (the demo directory was loaded on this first run)
    assert found == []
    found, out = imported_by(tmp_path, "chat", "--user", "startup", database_url=url,
                             stdin="hi\n")
    assert out.strip()  # the first reply
    assert found == []


def test_a_new_database_is_still_migrated(tmp_path: Path) -> None:
    """Alembic is imported when the schema is behind, and brings it to the head."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    found, out = imported_by(tmp_path, "directory", "search", "alcohol leeds",
                             database_url=url)
    assert "alembic" in found and "Leeds" in out
    assert is_current(make_engine(url))


def test_a_database_behind_the_code_is_upgraded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0006")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
                   ) == head_revisions()


def test_the_head_is_read_as_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    from directory.db import MIGRATIONS, alembic_config

    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert MIGRATIONS.is_dir()
    assert head_revisions() == frozenset(script.get_heads())


def test_shipped_crisis_needles_are_current() -> None:
    """bot/crisis/needle_table.py holds every pattern's needles exactly as needles.py
    reads them; a pattern missing from it is parsed at every start."""
    from bot.crisis import detect, needles

    table = needles.shipped()
    stale = [key for key, src in detect.SOURCES.items()
             if needles.digest(src) not in table
             or (None if table[needles.digest(src)] is None
                 else frozenset(table[needles.digest(src)])) != needles.needles(src)]
    assert not stale, (f"{len(stale)} crisis patterns changed since the needle table was "
                       "written: run `python scripts/build_crisis_needles.py`")


def test_crisis_patterns_compile_on_first_use(tmp_path: Path) -> None:
    """Importing the crisis check compiles none of its ~500 patterns; a message compiles
    only those its needles call for. Accuracy is tests/test_crisis.py's."""
    code = ("from bot.crisis import detect, detect_crisis\n"
            "print(len(detect._RULES._compiled))\n"
            "assert detect_crisis('i want to kill myself tonight') is not None\n"
            "print(len(detect._RULES._compiled), len(detect._RULES))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=60, check=True)
    at_import, after_one = done.stdout.splitlines()
    assert at_import == "0"
    compiled, rules = map(int, after_one.split())
    assert 0 < compiled < rules / 4


@pytest.mark.filterwarnings("ignore:Latitude normalization:UserWarning")  # geopy's, |lat| > 90
@pytest.mark.parametrize("seed", range(3))
def test_distance_is_geopys_great_circle(seed: int) -> None:
    """directory.geography.distance_km is geopy's great_circle written out (importing
    geopy cost every start a sixth of a second): the same float, the same errors."""
    from geopy.distance import great_circle

    from directory.geography import distance_km

    rng = random.Random(seed)
    odd = [0.0, -0.0, 90.0, -90.0, 180.0, -180.0, 360.0, -540.0, 1e9, math.nan, math.inf]
    for _ in range(2_000):
        lat1, lon1, lat2, lon2 = (rng.choice(odd) if rng.random() < 0.1
                                  else rng.uniform(-95, 95) if i % 2 == 0
                                  else rng.uniform(-400, 400) for i in range(4))
        try:
            expected: float | type[Exception] = great_circle((lat1, lon1), (lat2, lon2)).km
        except ValueError:
            expected = ValueError
        try:
            got: float | type[Exception] = distance_km(lat1, lon1, lat2, lon2)
        except ValueError:
            got = ValueError
        assert got == expected or (got != got and expected != expected), (lat1, lon1, lat2,
                                                                          lon2)
