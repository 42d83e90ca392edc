"""`recovery-bot safety check`: an operator tries the crisis check on their own wording,
through the real installed console script (no database is touched)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).with_name("recovery-bot")


def check(lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    # A database URL that cannot work: the check needs none.
    env = {**os.environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    return subprocess.run([str(EXE), "safety", "check", *args], input="\n".join(lines) + "\n",
                          env=env, capture_output=True, text=True, timeout=120)


def test_json_one_object_a_line() -> None:
    out = check(["I want to die", "any AA meetings in Leeds tonight?",
                 "my ex is outside the house with a knife", "mae fy ngŵr yn fy nharo i"],
                "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [set(r) for r in rows] == [{"text", "crisis", "categories", "contacts"}] * 4
    die, meeting, knife, welsh = rows
    assert die == {"text": "I want to die", "crisis": True, "categories": ["suicide"],
                   "contacts": ["999", "116 123", "text SHOUT to 85258", "111",
                                "0800 83 85 87", "0808 808 8000", "0800 132 737"]}
    assert meeting == {"text": "any AA meetings in Leeds tonight?", "crisis": False,
                       "categories": [], "contacts": []}
    assert knife["categories"] == ["abuse"] and knife["contacts"][:2] == ["999", "116 123"]
    assert "0808 2000 247" in knife["contacts"] and "0808 80 10 800" in knife["contacts"]
    assert welsh["text"] == "mae fy ngŵr yn fy nharo i" and welsh["categories"] == ["abuse"]
    assert "0808 164 0123" in welsh["contacts"]  # the Welsh-language line


def test_nation_chooses_the_numbers() -> None:
    out = check(["he hits me when he's drunk"], "--json", "--nation", "Scotland")
    row = json.loads(out.stdout)
    assert "0800 027 1234" in row["contacts"] and "0808 2000 247" not in row["contacts"]


def test_plain_output_for_people() -> None:
    out = check(["I'm going to kill him", "hello"])
    assert out.returncode == 0
    assert out.stdout.splitlines() == [
        "CRISIS  I'm going to kill him",
        "        harm_to_others: 999; 116 123; 0808 802 4040; 111",
        "ok      hello",
    ]


def test_a_wrong_nation_is_a_kind_error() -> None:
    out = check(["hello"], "--nation", "Narnia")
    assert out.returncode == 2
    assert "England, Wales, Scotland, Northern Ireland" in out.stderr
    assert "Traceback" not in out.stderr
