"""Start-up time of the command line: what someone trying the bot waits for first.

Prints, in one run, the median wall time of fresh processes (after one warm-up each,
then taken in turns):
(a) `python -c "import sqlalchemy"`, the floor no command can go below (every command
reads the database through SQLAlchemy), (b) `python -c "import adapters.cli"`, (c) the
first reply of `recovery-bot chat` fed one line ("hi") through a pipe, (d) a whole
`recovery-bot directory search "alcohol leeds"`; each with its ratio to the floor. The
commands use a temporary SQLite database, migrated and loaded with the demo directory
beforehand, so the figures are for a second run, as a person sees them after the first.

    python benchmarks/startup.py [--runs 5]

Target (issue 13): (c) and (d) within 1 s on a warm disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON = sys.executable
CLI = str(BIN / "recovery-bot")


def environment(tmp: Path) -> dict[str, str]:
    """This machine's environment with a throw-away database, and without an online
    geocoder or platform tokens (the commands then do what a newcomer's would). Bytecode
    is cached (in `tmp`, not the work tree) even where PYTHONDONTWRITEBYTECODE is set, as
    in an installed copy: otherwise every run would compile every module again."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NOMINATIM_", "TELEGRAM_", "DISCORD_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'startup.sqlite3'}"
    env.pop("LOAD_DEMO", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def whole(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    """Seconds from starting `cmd` until it exits (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0


def first_reply(env: dict[str, str], cwd: str) -> float:
    """Seconds from starting `recovery-bot chat` until the first line of its reply to
    "hi" arrives on the pipe (piped input: no banner, so that line is the reply)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([CLI, "chat", "--user", "bench"], env=env, cwd=cwd,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("hi\n")
    proc.stdin.close()
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.stdout.read()
    if proc.wait() != 0 or not line.strip():
        raise RuntimeError("recovery-bot chat gave no reply")
    return elapsed


def medians(measures: list[Callable[[], float]], runs: int) -> list[float]:
    """Each measure's median over `runs`, taken in turns (one of each, then again), so
    that other work on the machine weighs on all of them alike."""
    for measure in measures:
        measure()  # warm-up: the disk cache and Python's bytecode cache
    times: list[list[float]] = [[] for _ in measures]
    for _ in range(runs):
        for out, measure in zip(times, measures, strict=True):
            out.append(measure())
    return [statistics.median(t) for t in times]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp))
        # Migrate and load the demo directory first: a first run's work is not timed.
        subprocess.run([CLI, "directory", "stats"], env=env, cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        rows = [
            ('python -c "import sqlalchemy" (floor)',
             lambda: whole([PYTHON, "-c", "import sqlalchemy"], env, tmp)),
            ('python -c "import adapters.cli"',
             lambda: whole([PYTHON, "-c", "import adapters.cli"], env, tmp)),
            ("recovery-bot chat: first reply to 'hi'", lambda: first_reply(env, tmp)),
            ('recovery-bot directory search "alcohol leeds"',
             lambda: whole([CLI, "directory", "search", "alcohol leeds"], env, tmp)),
        ]
        results = medians([measure for _, measure in rows], args.runs)
        print(f"median of {args.runs} runs after one warm-up")
        for (name, _), seconds in zip(rows, results, strict=True):
            print(f"{name:48} {seconds * 1000:7.0f} ms  {seconds / results[0]:5.1f}x floor")


if __name__ == "__main__":
    main()
