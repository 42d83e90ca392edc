"""The terminal chat: try the bot without any platform.

Buttons show as numbered choices; type the number to press one. `/location LAT,LON`
shares a location. A file a reply carries (a calendar file) is written to the current
directory, and a line says where. When standard input is not a terminal, each line is
one message and the replies are printed, so a conversation can be scripted:

    printf '/start\\n1\\nLeeds\\n' | recovery-bot chat
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from adapters.turns import SENT, Turns
from bot.catalogue import t
from bot.types import Attachment, Button, ConversationRef, Incoming, Location, Reply, Responder

LOCATION = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class TerminalAdapter:
    def __init__(self, user: str = "you", stdin: TextIO | None = None,
                 stdout: TextIO | None = None, interactive: bool | None = None,
                 files_dir: Path | None = None) -> None:
        self.ref = ConversationRef("terminal", user, user)
        self.files_dir = files_dir  # where files are saved; None: the current directory
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.buttons: list[Button] = []  # the buttons shown since the last line typed
        self.turns = Turns("terminal")  # crisis first, then the turn (adapters/turns.py)
        self._stopped = False

    async def start(self, responder: Responder) -> None:
        """Run the chat until end of input (Ctrl-D) or /quit."""
        self.turns.open(responder)
        try:
            if self.interactive:
                self._print(t("term_intro"))
                await self._turn(Incoming(self.ref, text="/start"))
            while not self._stopped:
                line = await asyncio.to_thread(self._read)
                if line is None or line.strip() == "/quit":
                    break
                await self._turn(self.parse(line.rstrip("\n")))
        finally:
            await self.turns.close()

    async def _turn(self, msg: Incoming) -> None:
        self.buttons = []  # numbers count from 1 again for each line typed
        await self.turns.run(msg, _Screen(self))

    async def stop(self) -> None:
        self._stopped = True

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        await self.turns.send(ref, _Screen(self), [reply])

    def parse(self, line: str) -> Incoming:
        """A typed line as a message: a button number, a location, or text."""
        stripped = line.strip()
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        if stripped.isdecimal() and 1 <= int(stripped) <= len(self.buttons):
            return Incoming(self.ref, payload=self.buttons[int(stripped) - 1].payload)
        m = LOCATION.match(stripped)
        if m:
            return Incoming(self.ref, location=Location(float(m[1]), float(m[2])))
        return Incoming(self.ref, text=line)

    def show(self, reply: Reply) -> None:
        """One reply, its buttons numbered on from those already shown for this line."""
        text = [reply.text]
        if reply.card and reply.card.map_url not in reply.text:
            text.append(t("plain_map", reply.lang, url=reply.card.map_url))
        for row in reply.buttons:
            labels = []
            for btn in row:
                self.buttons.append(btn)
                labels.append(f"[{len(self.buttons)}] {btn.label}")
            text.append("  " + "   ".join(labels))
        if reply.request_location:
            text.append(t("term_location", reply.lang))
        if reply.attachment is not None:
            text.append(t("term_saved", reply.lang, path=self.save(reply.attachment)))
        self._print("\n".join(text) + "\n")

    def save(self, file: Attachment) -> Path:
        """Write the file into `files_dir` under its own name, never over another file
        ("meeting.ics", then "meeting-2.ics"...). Only its base name is used, so a name
        cannot point anywhere else."""
        folder = self.files_dir or Path.cwd()
        name = Path(Path(file.filename).name or "file")
        for n in range(1, 1000):
            path = folder / (name.name if n == 1 else f"{name.stem}-{n}{name.suffix}")
            try:
                with open(path, "xb") as f:
                    f.write(file.data)
                return path.resolve()
            except FileExistsError:
                continue
        raise FileExistsError(f"{folder}: no free name for {name}")

    def _read(self) -> str | None:
        if self.interactive and self.stdin is sys.stdin:
            try:
                return input("> ")  # line editing on a real terminal
            except EOFError:
                return None
        if self.interactive:
            self.stdout.write("> ")
            self.stdout.flush()
        line = self.stdin.readline()
        return line if line else None

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


class _Screen:
    """The terminal as an adapters/turns.py Outlet: each reply printed as it comes."""

    def __init__(self, adapter: TerminalAdapter) -> None:
        self.adapter = adapter

    def render(self, replies: Sequence[Reply]) -> list[Reply]:
        return list(replies)

    async def send(self, message: Reply, index: int) -> str:
        self.adapter.show(message)
        return SENT
