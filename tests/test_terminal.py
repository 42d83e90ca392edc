"""The terminal chat: the adapter scripted through real text streams, and the installed
`recovery-bot chat` console script with piped input on a fresh database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dialogue import Clock, make_conversation
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from adapters.terminal import TerminalAdapter
from bot.catalogue import t
from bot.types import Button, ConversationRef, Reply


async def run_terminal(sessions: sessionmaker, lines: list[str], *, interactive: bool = False,
                       user: str = "tester") -> str:
    conversation = make_conversation(sessions, clock=Clock())
    stdout = io.StringIO()
    adapter = TerminalAdapter(user=user, stdin=io.StringIO("".join(f"{x}\n" for x in lines)),
                              stdout=stdout, interactive=interactive)
    await adapter.start(conversation)
    return stdout.getvalue()


def after(output: str, marker: str) -> str:
    assert marker in output, output
    return output.split(marker, 1)[1]


async def test_piped_lines_and_numbered_buttons(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["/start", "1", "Leeds", "2"])
    assert "I'm Recovery Connector" in out
    assert "[1] Alcohol   [2] Drugs   [3] Gambling" in out
    # "1" pressed Alcohol: asked where, then alcohol groups in Leeds.
    rest = after(out, "Where are you?")
    assert "(/location LAT,LON shares a location)" in rest
    rest = after(rest, "Here's what I found near Leeds:\n1. Leeds AA meeting (example)")
    assert "[6] More results" in rest
    # "2" opened the second result.
    rest = after(rest, "Leeds SMART Recovery group (example)\nLived experience")
    assert "Map: https://www.openstreetmap.org/?mlat=53.8057" in rest
    assert rest.count("Map: https://") == 1  # the place card is not printed twice
    assert "[1] Back to results   [2] Report a problem" in rest


async def test_numbers_count_across_every_reply_of_a_turn(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["Leeds", "7"])
    # Results: five numbers, then More results (6), Online only (7).
    assert "[7] Online only" in out
    rest = after(out, "[7] Online only")
    assert "Here are online meetings" in rest


async def test_location_command(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["/start", "2", "/location 53.52, -1.13"])
    assert "Here's what I found near Doncaster:\n1. Doncaster NA meeting (example)" in out


async def test_a_number_that_is_no_button_is_just_text(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["/start", "42", "²", "0"])
    assert out.count("Sorry, I didn't catch that") == 3


async def test_quit_stops_reading(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["/start", "/quit", "Leeds"])
    assert "I'm Recovery Connector" in out and "near Leeds" not in out


async def test_crisis_words_in_the_terminal(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["/start", "i cant go on", "1"])
    rest = after(out, "You deserve help right now")
    assert rest.index("999") < rest.index("116 123") < rest.index("85258")
    assert "Are you safe right now?\n  [1] I'm safe, carry on   [2] I need help now" in rest
    assert "What would you like support with?" in after(rest, "[2] I need help now")


async def test_interactive_mode_greets_and_prompts(demo_sessions: sessionmaker) -> None:
    out = await run_terminal(demo_sessions, ["3"], interactive=True)
    assert out.startswith("Recovery Connector (terminal).")
    assert "I'm Recovery Connector" in out  # /start is sent for you
    assert "> " in out
    assert "Where are you?" in after(out, "[3] Gambling")  # 3 pressed Gambling


async def test_send_prints_a_reply(demo_sessions: sessionmaker) -> None:
    stdout = io.StringIO()
    adapter = TerminalAdapter(stdin=io.StringIO(""), stdout=stdout, interactive=False)
    ref = ConversationRef("terminal", "you", "you")
    await adapter.send(ref, Reply("A new group opens in Leeds on Monday.",
                                  ((Button("Tell me more", "x1"),),)))
    assert "A new group opens in Leeds on Monday.\n  [1] Tell me more" in stdout.getvalue()
    assert adapter.parse("1").payload == "x1"  # its button can be pressed


# -- the console script ---------------------------------------------------------------------

EXE = Path(sys.executable).with_name("recovery-bot")


def chat_process(database_url: str, lines: list[str], cwd: Path, *extra: str
                 ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOAD_"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run([str(EXE), "chat", *extra], input="".join(f"{x}\n" for x in lines),
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=180)


def test_console_script_on_a_fresh_machine(tmp_path: Path) -> None:
    """The README's main job: no database yet, its folder not there either."""
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'rc.sqlite3'}"
    done = chat_process(url, ["/start", "1", "Leeds", "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "I'm Recovery Connector" in out and "[1] Alcohol" in out
    assert "Here's what I found near Leeds:\n1. Leeds AA meeting (example)" in out
    assert "When: Mondays and Thursdays, 19:30-21:00" in out
    assert "Leeds AA meeting (example)\nLived experience recovery organisation" in out
    assert "Leeds" not in done.stderr  # logs never repeat what was typed


def test_console_script_logs_as_configured_and_never_what_was_typed(tmp_path: Path) -> None:
    """LOG_LEVEL and LOG_FORMAT reach `recovery-bot chat` too, so its logs can be audited
    at DEBUG: every line is JSON, and none holds a word the person typed."""
    url = f"sqlite:///{tmp_path / 'rc.sqlite3'}"
    typed = ["/start", "Harrowgait", "I want to end my life", "zebra crossing"]
    done = subprocess.run(
        [str(EXE), "chat"], input="".join(f"{x}\n" for x in typed), cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOG_"))},
             "DATABASE_URL": url, "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"},
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert {"crisis signal", "turn"} <= {r["message"] for r in records}
    for word in ("Harrowgait", "end my life", "zebra"):
        assert word not in done.stderr


def test_console_script_keeps_the_conversation_between_runs(
        engine: Engine, tmp_path: Path) -> None:
    """Two processes, one database (SQLite or PostgreSQL): the second carries on."""
    url = engine.url.render_as_string(hide_password=False)
    first = chat_process(url, ["/start", "3"], tmp_path)  # Gambling
    assert first.returncode == 0, first.stderr
    assert first.stdout.rstrip().endswith("(/location LAT,LON shares a location)")
    second = chat_process(url, ["Liverpool"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert "1. Liverpool Gamblers Anonymous meeting (example)" in second.stdout
    someone_else = chat_process(url, ["Liverpool"], tmp_path, "--user", "sam")
    assert "1. Liverpool Gamblers Anonymous meeting (example)" not in someone_else.stdout
    assert "Liverpool" in someone_else.stdout


@pytest.mark.parametrize("lines", [["", "   ", "/", "\x00\x1b[2J", "😀" * 3000]])
def test_console_script_survives_odd_lines(tmp_path: Path, lines: list[str]) -> None:
    done = chat_process(f"sqlite:///{tmp_path / 'rc.sqlite3'}", [*lines, "/help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "/forget - delete everything I hold about you" in done.stdout


async def test_a_welsh_conversation_in_the_terminal(demo_sessions: sessionmaker) -> None:
    """Welsh from the first words; the terminal's own lines (how to share a location,
    the map link) in Welsh too."""
    out = await run_terminal(demo_sessions, ["shwmae", "1", "Abertawe", "1"])
    assert t("ask_needs", "cy") in out and f"[1] {t('b_alcohol', 'cy')}" in out
    rest = after(out, t("ask_place", "cy"))
    assert t("term_location", "cy") in rest
    rest = after(rest, t("results_intro", "cy", place="Swansea"))
    assert t("plain_map", "cy", url="https://www.openstreetmap.org/").split("https")[0] in rest
