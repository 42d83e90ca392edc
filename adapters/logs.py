"""Log set-up for the long-running commands: one JSON object per line on stderr
(python-json-logger), or plain text lines for people at a terminal (LOG_FORMAT=text).

A JSON line holds the time, level, logger, message and whatever the code passed in
`extra` - by convention `conv`, the conversation's short hash (ConversationRef.log_id),
and `step`. Never what anyone typed: the code logs no message text, third-party loggers
that would (python-telegram-bot and discord.py at DEBUG, httpx's URLs holding the bot
token) are held at INFO or WARNING here, and SQL parameters are hidden by the engine.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def json_formatter() -> logging.Formatter:
    return JsonFormatter("{asctime}{levelname}{name}{message}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level",
                                        "name": "logger"},
                         json_ensure_ascii=False)


def configure_logging(level: str, fmt: str = "text",
                      extra_handlers: tuple[logging.Handler, ...] = ()) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_recovery", False):
            root.removeHandler(handler)
    if not root.handlers:  # as logging.basicConfig: leave a host's handlers (pytest) alone
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(json_formatter() if fmt.lower() == "json"
                            else logging.Formatter(TEXT_FORMAT))
        stream._recovery = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    for handler in extra_handlers:
        root.addHandler(handler)
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Telegram's URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot and discord.py log whole updates and gateway events, message
    # text included, at DEBUG.
    for name in ("telegram", "discord"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    # aiohttp's access log would name the webhook path and callers; we log none.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
