"""The command line, `recovery-bot` (Typer). Its commands and --json output are stable:
tests and scripts depend on them (see README.md, "Command line")."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError

from adapters.settings import Settings, settings_problem

# Each command imports what it uses (issue 13, fast start): `safety check` and --help
# need no database, `directory search` no conversation, nothing here a chat platform.
if TYPE_CHECKING:
    from adapters.operations import Operations
    from adapters.wiring import App
    from bot.types import Adapter, Responder
    from directory.filters import Filters
    from directory.finder import ListingView
    from directory.geography import GeoResult
    from directory.schedule import Schedule
    from directory.validation import Problem

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Recovery Connector: find local recovery support in the UK.")
directory_app = typer.Typer(no_args_is_help=True, help="Load, export and search the directory.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
safety_app = typer.Typer(no_args_is_help=True, help="The crisis check.")
privacy_app = typer.Typer(no_args_is_help=True, help="What is kept about people.")
app.add_typer(directory_app, name="directory")
app.add_typer(db_app, name="db")
app.add_typer(safety_app, name="safety")
app.add_typer(privacy_app, name="privacy")

FORMATS_OUT = ("csv", "meeting-guide", "oruk")


def build_app(settings: Settings | None = None, **options: Any) -> App:
    """adapters.wiring.build_app (same arguments), imported only by the commands that
    use the database."""
    from adapters.wiring import build_app as build

    return build(settings, **options)


def _app() -> App:
    return build_app(Settings())


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _place_problem(result: GeoResult) -> str:
    if result.status == "ambiguous":
        names = "; ".join(c.name for c in result.candidates)
        return f"'{result.query}' could be more than one place: {names}. Please say which."
    hint = f" Did you mean {', '.join(result.suggestions)}?" if result.suggestions else ""
    return f"Sorry, I could not find a place called '{result.query}'.{hint}"


@safety_app.command("check")
def safety_check(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    nation: Annotated[str | None, typer.Option(
        help="England, Wales, Scotland or Northern Ireland: that nation's numbers only "
             "(default: every nation's).")] = None,
) -> None:
    """Read messages from stdin, one a line, and say for each whether the crisis check
    would answer it with crisis contacts, which kinds of danger it saw, and which
    contacts it would give. Nothing is stored or logged; no database is needed."""
    from bot.crisis import NATIONS, crisis_contacts, detect_crisis

    if nation is not None and nation.casefold() not in {n.casefold() for n in NATIONS}:
        _fail(f"--nation must be one of: {', '.join(NATIONS)}.")
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        signal = detect_crisis(text)
        categories = list(signal.categories) if signal else []
        contacts = [c.number for c in crisis_contacts(signal.categories, nation,
                                                      welsh=signal.welsh)] if signal else []
        if as_json:
            typer.echo(json.dumps({"text": text, "crisis": signal is not None,
                                   "categories": categories, "contacts": contacts},
                                  ensure_ascii=False))
        elif signal is None:
            typer.echo(f"ok      {text}")
        else:
            typer.echo(f"CRISIS  {text}\n        {', '.join(categories)}: "
                       f"{'; '.join(contacts)}")


@privacy_app.command("report")
def privacy_report(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    markdown: Annotated[bool, typer.Option(
        "--markdown", help="docs/privacy.md, with the settings' default values.")] = False,
) -> None:
    """What is kept about people, why, how long, and how it is erased.

    The data map, from the live schema: every table and column that can hold something
    about a person. No database is needed."""
    from adapters import privacy_report as pr

    try:
        report = pr.build(configured=not markdown)
    except ValueError as exc:
        _fail(str(exc), code=1)
        raise
    typer.echo(pr.markdown(report) if markdown else pr.as_json(report) if as_json
               else pr.text(report), nl=False)


@app.command()
def chat(user: Annotated[str, typer.Option(help="Who you are in this chat.")] = "you") -> None:
    """Chat with the bot in the terminal (one message per line when input is piped)."""
    import asyncio

    from adapters.terminal import TerminalAdapter
    from adapters.wiring import build_conversation, keep_database_ready

    try:
        settings = Settings()
    except ValidationError as exc:
        _fail(settings_problem(exc))
        raise
    # Logs go to stderr and never hold what people write. Unless LOG_LEVEL or LOG_FORMAT
    # say otherwise, only warnings, as plain lines, so the chat itself stays readable.
    chosen = settings.model_fields_set
    _configure_logging(settings.log_level if "log_level" in chosen else "WARNING",
                       settings.log_format if "log_format" in chosen else "text")
    # A database that is down or unreadable does not stop the chat: crisis contacts
    # need none, and searching resumes when it is back.
    a = build_app(settings, database_may_be_down=True)

    async def talk() -> None:
        keeper = asyncio.create_task(keep_database_ready(a))
        try:
            await TerminalAdapter(user=user).start(build_conversation(a))
        finally:
            keeper.cancel()
    asyncio.run(talk())


@dataclass
class RunOptions:
    """Options of `recovery-bot run`, for whichever platforms use them."""

    webhook_url: str | None = None
    listen: str = "127.0.0.1:8080"
    secret_token: str | None = None
    web_listen: str | None = None  # the web chat's HOST:PORT (default: WEB_LISTEN)


def _telegram_adapter(a: App, opts: RunOptions) -> Adapter:
    from adapters.telegram import TelegramAdapter

    token = a.settings.telegram_bot_token
    if not token:
        _fail("TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, "
              "then put its token in the environment or in .env.")
    try:
        return TelegramAdapter(token or "", a.sessions,
                               api_base_url=a.settings.telegram_api_base_url,
                               webhook_url=opts.webhook_url, listen=opts.listen,
                               secret_token=opts.secret_token,
                               update_lease=timedelta(
                                   seconds=a.settings.telegram_update_lease_seconds))
    except ValueError as exc:
        _fail(str(exc))
        raise


def _discord_adapter(a: App, opts: RunOptions) -> Adapter:
    from adapters.discord_adapter import DiscordAdapter

    if not a.settings.discord_bot_token:
        _fail("DISCORD_BOT_TOKEN is not set. Create an application with a bot at "
              "https://discord.com/developers/applications, then put its token in the "
              "environment or in .env.")
    return DiscordAdapter.from_settings(a.settings, a.sessions)


def _web_adapter(a: App, opts: RunOptions) -> Adapter:
    from adapters.web import WebAdapter

    s = a.settings
    listen = opts.web_listen or s.web_listen
    if opts.webhook_url is not None and listen.strip() == opts.listen.strip():
        _fail(f"The Telegram webhook and the web chat would both listen on {listen}: set "
              "WEB_LISTEN to another HOST:PORT for the web chat.")
    try:
        return WebAdapter(a.sessions, listen=listen, allowed_origins=s.web_allowed_origins,
                          exit_url=s.web_exit_url, trust_proxy=s.web_trust_proxy)
    except ValueError as exc:
        _fail(str(exc).replace("--listen", "--listen (or WEB_LISTEN)"))
        raise


# The platforms `run` can start, each built from the app and the options: one line each.
PLATFORMS: dict[str, Callable[[App, RunOptions], Adapter]] = {
    "telegram": _telegram_adapter,
    "discord": _discord_adapter,
    "web": _web_adapter,
}


@app.command()
def run(
    platforms: Annotated[list[str], typer.Argument(
        help=f"Platforms to run on: {', '.join(PLATFORMS)}.", show_default=False)],
    webhook_url: Annotated[str | None, typer.Option(
        "--webhook-url", help="Telegram: receive updates at this public https URL instead "
        "of long polling.")] = None,
    listen: Annotated[str | None, typer.Option(
        "--listen", help="HOST:PORT to listen on, behind your TLS proxy: the Telegram "
        "webhook's (default 127.0.0.1:8080), or the web chat's when there is no webhook "
        "(default WEB_LISTEN).", show_default=False)] = None,
    secret_token: Annotated[str | None, typer.Option(
        "--secret-token", envvar="TELEGRAM_WEBHOOK_SECRET", help="Telegram webhook: the "
        "secret Telegram sends with every update (prefer the environment variable).",
        show_default=False)] = None,
    health_listen: Annotated[str | None, typer.Option(
        "--health-listen", envvar="HEALTH_LISTEN", help="Serve /healthz, /readyz and "
        "/metrics on HOST:PORT (off unless given).", show_default=False)] = None,
) -> None:
    """Run the bot on chat platforms until stopped (Ctrl-C): `recovery-bot run telegram`,
    `recovery-bot run web --listen 127.0.0.1:8080` (the web chat, docs/web.md)."""
    import asyncio

    from adapters.operations import Operations
    from adapters.wiring import DELIVERY_PLATFORMS, build_conversation, delivery_platforms

    names, settings = _platforms(platforms)
    a = build_app(settings, database_may_be_down=True)
    # --listen is the webhook's when Telegram runs with one, else the web chat's.
    webhook = webhook_url is not None and "telegram" in names
    opts = RunOptions(webhook_url=webhook_url, listen=listen or "127.0.0.1:8080",
                      secret_token=secret_token, web_listen=None if webhook else listen)
    adapters = [PLATFORMS[name](a, opts) for name in names]
    try:
        ops = Operations.prepare(a, health_listen)  # before the conversation: times search
    except ValueError as exc:
        _fail(str(exc))
        raise
    try:
        # Broadcasts and notifications go to the platforms served that take them.
        delivered = {n: ad for n, ad in zip(names, adapters, strict=True)
                     if n in DELIVERY_PLATFORMS}
        asyncio.run(ops.serve(adapters, build_conversation(
            a, delivery_platforms(names) or DELIVERY_PLATFORMS),
            lambda responder: _serve(adapters, responder, delivered, a, ops)))
    except RuntimeError as exc:  # an adapter could not start (bad token, no network)
        _fail(f"Could not start: {exc}", 1)


def _platforms(platforms: list[str]) -> tuple[list[str], Settings]:
    """Known platform names, each once, and settings with logging configured."""
    names = list(dict.fromkeys(p.strip().lower() for p in platforms))
    for name in names:
        if name not in PLATFORMS:
            _fail(f"Unknown platform '{name}'. Choose from: {', '.join(PLATFORMS)}.")
    try:
        settings = Settings()
    except ValidationError as exc:  # a nonsense setting, e.g. DISCORD_SHARD_IDS=4 of 4
        _fail(settings_problem(exc))
        raise
    _configure_logging(settings.log_level, settings.log_format)
    return names, settings


@app.command()
def deliver(
    platforms: Annotated[list[str], typer.Argument(
        help=f"Platforms to deliver for: {', '.join(PLATFORMS)}.", show_default=False)],
    lease: Annotated[float, typer.Option(
        help="Seconds after which rows held by a dead worker are taken again.")] = 60.0,
    rate: Annotated[float | None, typer.Option(
        help="Messages a second for the bot token in all (default: the platform's, 25): "
        "on PostgreSQL every `run` and `deliver` process with the token shares this budget, "
        "so give them all the same; on SQLite it is this worker's.")] = None,
    health_listen: Annotated[str | None, typer.Option(
        "--health-listen", envvar="HEALTH_LISTEN", help="Serve /healthz, /readyz and "
        "/metrics on HOST:PORT (off unless given).", show_default=False)] = None,
) -> None:
    """Deliver broadcasts and notifications only, no chat (extra workers share the queue
    safely on PostgreSQL). `recovery-bot run` already delivers for what it serves."""
    import asyncio

    from adapters.operations import Operations
    from adapters.senders import deliver_only

    names, settings = _platforms(platforms)
    a = build_app(Settings(load_demo=False))
    try:
        ops = Operations.prepare(a, health_listen)
    except ValueError as exc:
        _fail(str(exc))
        raise
    try:
        asyncio.run(ops.serve_worker(lambda: deliver_only(
            settings, a.sessions, names, lease=lease, rate=rate, metrics=ops.metrics,
            on_stop=ops.shutting_down)))
    except RuntimeError as exc:
        _fail(f"Could not start: {exc}", 1)


def _configure_logging(level: str, fmt: str = "text") -> None:
    import logging

    from adapters.logs import configure_logging

    configure_logging(level, fmt)  # JSON lines by default for `run` (LOG_FORMAT)
    # httpx logs every request URL at INFO, and Telegram's URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates, message text included, at DEBUG.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
    # discord.py logs gateway events and request bodies, message text included, at DEBUG.
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.getLogger().level))


# A stop (SIGTERM, Ctrl-C) finishes the turns in hand; past this many seconds the
# process exits anyway: a hung database leaves worker threads blocked in reads that no
# timeout of ours can end (Kubernetes' default grace period is 30 s, systemd's 90 s;
# turns give up on the database after Config.turn_wait_seconds, 8 s).
STOP_DEADLINE = 9.5


def _exit_by(seconds: float) -> None:
    """Exit the process `seconds` from now if it has not exited by itself (a daemon
    timer: it keeps nothing alive)."""
    import os
    import threading

    def force() -> None:
        sys.stderr.write(f"stopping took over {seconds:g} s (database calls still "
                         f"hanging): exiting now\n")
        sys.stderr.flush()
        os._exit(0)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


async def _serve(adapters: list[Adapter], responder: Responder,
                 by_name: dict[str, Adapter] | None = None, a: App | None = None,
                 ops: Operations | None = None) -> None:
    """Run every adapter until Ctrl-C / SIGTERM or until one of them stops. Beside them
    a delivery worker sends broadcasts and notifications for the platforms served (its
    sends counted in `ops.metrics`); on stop /readyz turns 503 at once, then the worker
    claims nothing more and finishes what it holds before the adapters stop."""
    import asyncio
    import contextlib
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stopping() -> None:
        stop.set()
        _exit_by(STOP_DEADLINE)

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping)
    tasks = [asyncio.create_task(ad.start(responder)) for ad in adapters]
    keeper = None
    if a is not None and not a.database_ready:
        from adapters.wiring import keep_database_ready

        keeper = asyncio.create_task(keep_database_ready(a))
    worker = None
    if by_name and a is not None:
        from adapters.senders import delivery_worker

        worker = delivery_worker(a.sessions, by_name, ops.metrics if ops else None)
        delivering = asyncio.create_task(worker.run())
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    if ops is not None:
        ops.shutting_down()  # a load balancer sends nothing new while we finish
    if worker is not None:
        worker.stop()
        await asyncio.gather(delivering, return_exceptions=True)
    for ad in adapters:
        await ad.stop()
    waiter.cancel()
    if keeper is not None:
        keeper.cancel()
    for result in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(result, Exception):
            raise result


@app.command()
def geocode(place: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Resolve a postcode, postcode district or sector, or place name, offline."""
    from directory.geography import Gazetteer

    result = Gazetteer.default().resolve(place)
    if as_json:
        typer.echo(json.dumps(_geo_json(result), indent=2))
        raise typer.Exit(0 if result.status == "found" else 2)
    if result.status != "found" or result.place is None:
        _fail(_place_problem(result))
        return
    p = result.place
    approx = " (approximate)" if p.approximate else ""
    typer.echo(f"{p.name}: {p.latitude:.4f}, {p.longitude:.4f}{approx} [{p.kind}]")


def _geo_json(result: GeoResult) -> dict:
    def place(p):  # type: ignore[no-untyped-def]
        return None if p is None else {
            "name": p.name, "latitude": p.latitude, "longitude": p.longitude, "kind": p.kind,
            "country": p.country, "approximate": p.approximate,
        }
    return {"status": result.status, "query": result.query, "place": place(result.place),
            "candidates": [place(c) for c in result.candidates],
            "suggestions": list(result.suggestions)}


@directory_app.command("search")
def search_cmd(
    text: Annotated[str, typer.Argument(help="Needs, names and a place in everyday words.")],
    near: Annotated[str | None, typer.Option(help="A postcode, district or town.")] = None,
    radius_km: Annotated[float | None, typer.Option("--radius-km")] = None,
    online: Annotated[bool, typer.Option("--online", help="Online meetings only.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    when: Annotated[str | None, typer.Option(
        help="When, in UK time: a code (now, soon, today, tonight, tomorrow, weekend, sat, "
             "sat_morning, this_evening, after:18, before:12) or words (\"saturday "
             "morning\", \"after 6\").")] = None,
    audience: Annotated[list[str] | None, typer.Option(
        help="Who it is for (repeat, or a comma list): women, men, lgbtq, young_people, "
             "newcomers...")] = None,
    access: Annotated[list[str] | None, typer.Option(
        help="Access (repeat, or a comma list): step_free, wheelchair, hearing_loop, "
             "bsl...")] = None,
    attendance: Annotated[list[str] | None, typer.Option(
        help="How it meets: in_person, online, hybrid, phone (a hybrid meeting is in "
             "person and online).")] = None,
    language: Annotated[list[str] | None, typer.Option(
        help="Held in (ISO 639-1, any of them): cy, en, pl...")] = None,
    open_now: Annotated[bool, typer.Option(
        "--open-now", help="Under way now, or starting within 30 minutes (= --when now).")
    ] = False,
) -> None:
    """Search the directory: `recovery-bot directory search "alcohol support near Leeds"`.
    Filters said in the text ("a women's meeting tonight", "step-free") count too."""
    from directory.filters import find_filters
    from directory.finder import load_views, understand_request
    from directory.models import Listing
    from directory.schedule import Schedule
    from directory.search import Query

    asked = _asked_filters(when, open_now, audience, access, attendance, language)
    # A search is always a request: "women leeds" asks for women's groups, though a chat
    # message would need a word such as "meeting" (find_filters' guard against "I'm a
    # woman in Leeds").
    said = find_filters(text[:500], asking=True)
    wanted = said.merged(asked)
    a = _app()
    request = understand_request(text, a.gazetteer)
    place = a.gazetteer.resolve(near) if near else request.place
    if place is not None and place.status != "found":
        _fail(_place_problem(place))
    # The filter words are not words of a name to look for.
    filter_words = {w for start, end in said.spans
                    for w in re.findall(r"[\w'&-]+", text[start:end].casefold())}
    words = " ".join(w for w in request.text.split() if w not in filter_words)
    q = Query(needs=request.needs, text=words, online_only=online, limit=limit,
              radius_km=radius_km or a.settings.default_radius_km,
              audience=wanted.audience, accessibility=wanted.access,
              attendance=wanted.attendance, languages=wanted.languages, when=wanted.when)
    if place is not None and place.place is not None:
        q.latitude, q.longitude = place.place.latitude, place.place.longitude
    now = datetime.now(UTC)
    with a.sessions() as session:
        results = a.search.search(session, q, now)
        views = load_views(session, results.hits)
        schedules = {}
        for v in views:
            row = session.get(Listing, v.id)
            if row is not None:
                schedules[v.id] = Schedule(row.schedule_kind, tuple(row.days or ()),
                                           tuple(row.month_weeks or ()), row.anchor_date,
                                           row.start_time, row.end_time)
    matches = {v.id: _matches(v, schedules.get(v.id), wanted, now) for v in views}
    if as_json:
        typer.echo(json.dumps([v.as_json() | {"matches": matches[v.id]} for v in views],
                              indent=2, ensure_ascii=False))
        return
    if not views:
        fewer = " fewer filters," if wanted else ""
        typer.echo(f"Nothing matched. Try a wider --radius-km, fewer words,{fewer} or "
                   "--online.")
        return
    if results.online_fallback:
        typer.echo("Nothing in person nearby; these meet online or by phone:")
    for n, v in enumerate(views, 1):
        typer.echo(_line(n, v, matches[v.id]))


# `--when` codes (directory/filters.py When codes); anything else is read as words.
WHEN_CODE = re.compile(
    r"now|soon|today|tonight|weekend|tomorrow(?:_(?:morning|afternoon|evening|night))?|"
    r"this_(?:morning|afternoon|evening|night)|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)(?:_(?:morning|afternoon|evening|night))?|"
    r"(?:after|before):(?:[01]?[0-9]|2[0-3])")
WHEN_HELP = ("now, soon, today, tonight, tomorrow, tomorrow_morning, weekend, this_evening, "
             "a day (sat, sat_morning, sun_evening), after:18, before:12, or words such as "
             "\"tonight\", \"saturday morning\", \"after 6pm\" or \"in progress\"")
SHOWN = {"in_person": "in person", "online": "online", "hybrid": "hybrid",
         "phone": "by phone"}


def _asked_filters(when: str | None, open_now: bool, audience: list[str] | None,
                   access: list[str] | None, attendance: list[str] | None,
                   language: list[str] | None) -> Filters:
    """The filters asked for by options, or a kind error (exit 2) naming what is valid."""
    from directory.fields import LANGUAGE_LABELS
    from directory.filters import Filters, find_filters
    from directory.models import ACCESSIBILITY, AUDIENCES
    from directory.search import HELD

    code = None
    if when is not None:
        said = when.strip().lower()
        code = said if WHEN_CODE.fullmatch(said) else find_filters(said, asking=True).when
        if code is None:
            _fail(f"Sorry, I couldn't tell a time from --when '{when}'. Try {WHEN_HELP}.")
    if open_now:
        if code not in (None, "now"):
            _fail(f"--open-now and --when '{when}' ask for different times: use one.")
        code = "now"
    by_name = {name.lower(): c for c, name in LANGUAGE_LABELS.items()}
    languages = [by_name.get(c, c) for c in _codes(language)]
    return Filters(
        audience=_checked(_codes(audience), AUDIENCES, "--audience"),
        access=_checked(_codes(access), ACCESSIBILITY, "--access"),
        attendance=_checked(_codes(attendance), tuple(HELD), "--attendance"),
        languages=_checked(languages, tuple(LANGUAGE_LABELS), "--language",
                           [f"{c} ({name})" for c, name in LANGUAGE_LABELS.items()]),
        when=code)


def _codes(values: list[str] | None) -> list[str]:
    """Codes given as repeated options and comma lists, tidied: "Step-free" is step_free."""
    return [re.sub(r"[\s-]+", "_", v.strip().lower()) for value in values or ()
            for v in value.split(",") if v.strip()]


def _checked(codes: list[str], valid: tuple[str, ...], option: str,
             shown: list[str] | None = None) -> frozenset[str]:
    unknown = [c for c in codes if c not in valid]
    if unknown:
        _fail(f"Sorry, {', '.join(repr(c) for c in unknown)} "
              f"{'is not a code' if len(unknown) == 1 else 'are not codes'} for {option}. "
              f"Use any of: {', '.join(shown or valid)} (repeat the option, or separate "
              "them with commas).")
    return frozenset(codes)


def _matches(v: ListingView, schedule: Schedule | None, wanted: Filters,
             now: datetime) -> list[str]:
    """Which of the filters asked for a result meets: codes, then a time phrase
    ("on now", "starts in 40 min")."""
    from directory.search import HELD

    out = [c for c in v.audience if c in wanted.audience]
    out += [c for c in v.accessibility if c in wanted.access]
    out += [c for c, met_by in HELD.items() if c in wanted.attendance
            and v.attendance in met_by]
    out += [c for c in v.languages if c in wanted.languages]
    if wanted.when and schedule is not None:
        phrase = _time_phrase(schedule, wanted.when, now)
        if phrase:
            out.append(phrase)
    return out


def _time_phrase(schedule: Schedule, when: str, now: datetime) -> str | None:
    from directory.filters import window
    from directory.schedule import LONDON, starts_between, under_way

    w = window(when, now)
    if w is None:
        return None
    if w.in_progress and under_way(schedule, now):
        return "open now" if schedule.kind == "always_open" else "on now"
    if schedule.kind == "always_open":
        return "open any time"
    # The first start in the window, its end included: "now" takes in a meeting starting
    # exactly NOW_GRACE from now (directory/filters.py Window.matches).
    begins = starts_between(schedule, w.start, w.end + timedelta(seconds=1))
    if begins is None:
        return None
    minutes = max(0, round((begins - now).total_seconds() / 60))
    local = begins.astimezone(LONDON)
    if minutes < 60:
        return f"starts in {minutes} min"
    if local.date() == now.astimezone(LONDON).date():
        return f"starts {local:%H:%M}"
    return f"starts {local:%a %H:%M}"


def _shown(code: str) -> str:
    """A code in `matches` as the text output says it: "women only", "in Welsh"."""
    from directory.fields import LABELS, LANGUAGE_LABELS

    shown = LABELS.get(code) or SHOWN.get(code)
    if shown is None and code in LANGUAGE_LABELS:
        shown = f"in {LANGUAGE_LABELS[code]}"
    return shown or code


def _line(n: int, v: ListingView, matches: Sequence[str] = ()) -> str:
    where = f"{v.distance_km:.1f} km" if v.distance_km is not None else v.attendance.replace(
        "_", " ")
    when = v.next_meeting.strftime("%a %d %b %H:%M") if v.next_meeting else v.schedule
    why = "".join(f" · {_shown(m)}" for m in matches)
    extra = " [EXAMPLE]" if v.is_demo else ""
    if v.status == "temporarily_closed":
        extra += f" [temporarily closed: {v.status_note or 'check before going'}]"
    contact = v.phone or v.website or v.conference_url or ""
    return f"{n}. {v.name} ({v.organisation}) - {where} - {when}{why}{extra}\n   {contact}"


@directory_app.command("stats")
def stats() -> None:
    """How many organisations and listings the directory holds."""
    from sqlalchemy import func, select

    from directory.models import Listing, Organisation, Revision

    a = _app()
    with a.sessions() as session:
        orgs = session.scalar(select(func.count()).select_from(Organisation))
        rows = session.execute(select(Listing.status, Listing.attendance, func.count())
                               .group_by(Listing.status, Listing.attendance)).all()
        demo = session.scalar(select(func.count()).select_from(Listing)
                              .where(Listing.is_demo.is_(True)))
        revisions = session.scalar(select(func.count()).select_from(Revision))
    total = sum(r[2] for r in rows)
    typer.echo(f"organisations: {orgs}\nlistings: {total} (examples: {demo})")
    for status, attendance, count in sorted(rows):
        typer.echo(f"  {status:20} {attendance:10} {count}")
    typer.echo(f"revisions: {revisions}")


def _formats_in() -> tuple[str, ...]:
    """The formats imports read: "auto" and every format directory.exchange knows."""
    from directory.exchange import FORMATS

    return ("auto", *FORMATS)


def _needs_option(needs: str | None) -> list[str]:
    return [n.strip().lower() for n in (needs or "").split(",") if n.strip()]


def _fetch_limits(connect_timeout: float, read_timeout: float, total_timeout: float,
                  max_mb: float, retries: int) -> Any:
    from directory.fetching import FetchLimits

    if min(connect_timeout, read_timeout, total_timeout, max_mb) <= 0 or retries < 0:
        _fail("Timeouts and --max-mb must be above 0, and --retries 0 or more.")
    return FetchLimits(connect_timeout=connect_timeout, read_timeout=read_timeout,
                       total_timeout=total_timeout, max_bytes=int(max_mb * 1_000_000),
                       retries=retries)


# Fetch limits of `directory import URL` and `directory sync` (directory/fetching.py),
# also settable in the environment for cron jobs.
ConnectTimeout = Annotated[float, typer.Option(
    "--connect-timeout", envvar="SYNC_CONNECT_TIMEOUT", help="Seconds to connect.")]
ReadTimeout = Annotated[float, typer.Option(
    "--read-timeout", envvar="SYNC_READ_TIMEOUT", help="Seconds waiting for data.")]
TotalTimeout = Annotated[float, typer.Option(
    "--total-timeout", envvar="SYNC_TOTAL_TIMEOUT", help="Seconds for a whole download.")]
MaxMb = Annotated[float, typer.Option(
    "--max-mb", envvar="SYNC_MAX_MB", help="Largest feed, in MB; a larger one is refused.")]
Retries = Annotated[int, typer.Option(
    "--retries", envvar="SYNC_RETRIES", help="Tries again after a timeout, a dropped "
    "connection or a 5xx answer.")]


@directory_app.command("import")
def import_cmd(
    file: Annotated[str, typer.Argument(help="A file, or an http(s):// address.")],
    fmt: Annotated[str, typer.Option("--format")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid")] = False,
    keep_examples: Annotated[bool, typer.Option(
        "--keep-examples", help="Keep the demo directory's made-up example listings open "
        "(by default real listings coming in close them).")] = False,
    fellowship: Annotated[str | None, typer.Option(
        help="Who runs meetings that do not say (AA, NA, GA...): their needs.")] = None,
    needs: Annotated[str | None, typer.Option(
        help="Needs (comma list) for listings that come with none.")] = None,
    connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 30.0,
    total_timeout: TotalTimeout = 300.0,
    max_mb: MaxMb = 50.0,
    retries: Retries = 2,
) -> None:
    """Import CSV, Meeting Guide JSON or Open Referral UK JSON, from a file or an
    http(s) address; all or nothing by default."""
    import tempfile

    from directory.fetching import FetchError, fetch, is_url
    from directory.importer import import_file

    if fmt not in _formats_in():
        _fail(f"Unknown format '{fmt}'. Choose one of: {', '.join(_formats_in())}.")
    codes = _needs_option(needs)
    _check_needs_and_fellowship(codes, fellowship)
    with tempfile.TemporaryDirectory(prefix="rc-import-") as tmp:
        if is_url(file):
            limits = _fetch_limits(connect_timeout, read_timeout, total_timeout, max_mb,
                                   retries)
            try:
                path = fetch(file, Path(tmp), limits=limits,
                             progress=sys.stderr.isatty()).path
            except FetchError as exc:
                _fail(f"Could not fetch {file}: {exc}. Nothing was written.", 1)
                return
            assert path is not None
        else:
            path = Path(file)
            if not path.is_file():
                _fail(f"'{file}' is not a file (nor an http:// or https:// address).")
        a = _app()
        with a.sessions() as session:
            report = import_file(session, path, fmt, dry_run=dry_run,
                                 skip_invalid=skip_invalid, actor="cli-import",
                                 progress=sys.stderr.isatty(), keep_examples=keep_examples,
                                 fellowship=fellowship, needs=codes)
    for p in report.invalid:
        typer.echo(f"{p.item}: {p.field}: {p.reason}", err=True)
    _echo_notes(report.notes)
    verb = "would be" if dry_run else "were"
    typer.echo(f"{report.created} {verb} created, {report.updated} {verb} updated, "
               f"{report.unchanged} unchanged, {len(report.invalid)} problems.")
    if report.examples_closed:
        typer.echo(f"{report.examples_closed} made-up example listings {verb} closed, now "
                   f"that real ones are in (--keep-examples keeps them).")
    if report.invalid and not report.written and not dry_run:
        _fail("Nothing was written. Fix the problems above, or use --skip-invalid.", 1)


# Notes beyond this many are counted, not listed: a feed of thousands can have one a
# record, and the problems above them matter more.
NOTES_SHOWN = 20


def _echo_notes(notes: Sequence[Problem]) -> None:
    """What was left out without refusing a record, on stderr (docs/import-formats.md)."""
    for p in notes[:NOTES_SHOWN]:
        typer.echo(f"note: {p.item}: {p.field}: {p.reason}", err=True)
    if len(notes) > NOTES_SHOWN:
        typer.echo(f"note: and {len(notes) - NOTES_SHOWN} more like these.", err=True)


def _check_needs_and_fellowship(needs: list[str], fellowship: str | None) -> None:
    from directory.fellowships import lookup
    from directory.needs import NEED_CODES

    unknown = [n for n in needs if n not in NEED_CODES]
    if unknown:
        _fail(f"Sorry, {', '.join(repr(n) for n in unknown)} "
              f"{'is not a need' if len(unknown) == 1 else 'are not needs'} we know. Use "
              f"any of: {', '.join(sorted(NEED_CODES))}.")
    if fellowship and lookup(fellowship) is None:
        _fail(f"Sorry, '{fellowship}' is not a fellowship we know (such as AA, NA, CA, GA, "
              "Al-Anon, SMART).")


sources_app = typer.Typer(no_args_is_help=True,
                          help="The feeds `directory sync` keeps the directory in step with.")
directory_app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="A short name: lower-case, digits, - and _.")],
    url: Annotated[str, typer.Argument(help="The feed's http(s):// address.")],
    fmt: Annotated[str, typer.Option("--format", help="The feed's format (auto: told "
                                     "from the content).")] = "auto",
    fellowship: Annotated[str | None, typer.Option(
        help="Who runs meetings that do not say (AA, NA, GA...): their needs.")] = None,
    needs: Annotated[str | None, typer.Option(
        help="Needs (comma list) for listings that come with none.")] = None,
) -> None:
    """Add a feed to keep in sync: `recovery-bot directory sync NAME` fetches it."""
    from directory.sources import SourceError, add_source

    codes = _needs_option(needs)
    _check_needs_and_fellowship(codes, fellowship)
    a = build_app(Settings(load_demo=False))
    with a.sessions() as session:
        try:
            add_source(session, name, url, fmt, fellowship=fellowship, needs=codes)
        except SourceError as exc:
            _fail(f"Sorry, {exc}.")
        session.commit()
    typer.echo(f"Source '{name}' added. `recovery-bot directory sync {name}` fetches it.")


@sources_app.command("list")
def sources_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The sources, with their listings and how their last sync went."""
    from directory.sources import list_sources, source_json

    a = build_app(Settings(load_demo=False))
    with a.sessions() as session:
        rows = [source_json(*row) for row in list_sources(session)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No sources yet. Add one with `recovery-bot directory sources add`.")
    for r in rows:
        extra = f", fellowship {r['fellowship']}" if r["fellowship"] else ""
        extra += f", needs {','.join(r['needs'])}" if r["needs"] else ""
        last = (f"last sync {r['last_synced_at'][:16].replace('T', ' ')} UTC: "
                f"{r['last_status']}" if r["last_synced_at"] else "never synced")
        error = (r["last_summary"] or {}).get("error")
        typer.echo(f"{r['name']}: {r['url']} ({r['format']}{extra})\n"
                   f"   {r['listings']} open listings, {r['closed_listings']} closed; {last}"
                   + (f" ({error})" if error else ""))


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument()]) -> None:
    """Forget a source. Its listings stay in the directory as they are, no longer
    synced."""
    from directory.sources import SourceError, remove_source

    a = build_app(Settings(load_demo=False))
    with a.sessions() as session:
        try:
            count = remove_source(session, name)
        except SourceError as exc:
            _fail(f"Sorry, {exc}")
            return
        session.commit()
    typer.echo(f"Source '{name}' removed; its {count} listings stay, no longer synced.")


@directory_app.command("sync")
def sync_cmd(
    names: Annotated[list[str] | None, typer.Argument(
        help="Sources to sync (default: every source).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list, an object a "
                                          "source.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Fetch in full (no conditional request), and apply even if more "
        "than half of a source's listings would close.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    keep_examples: Annotated[bool, typer.Option(
        "--keep-examples", help="Keep the demo directory's made-up example listings open.")
    ] = False,
    connect_timeout: ConnectTimeout = 10.0,
    read_timeout: ReadTimeout = 30.0,
    total_timeout: TotalTimeout = 300.0,
    max_mb: MaxMb = 50.0,
    retries: Retries = 2,
) -> None:
    """Fetch each source's feed and bring its listings up to date, a source at a time,
    each as one transaction (run it from cron). Exits 1 if any source failed; a failed
    source changes nothing."""
    from directory.sources import SourceError, sync_all

    limits = _fetch_limits(connect_timeout, read_timeout, total_timeout, max_mb, retries)
    a = _app()
    with a.sessions() as session:
        try:
            results = sync_all(session, names or (), limits=limits,
                               progress=sys.stderr.isatty() and not as_json, force=force,
                               dry_run=dry_run, keep_examples=keep_examples)
        except SourceError as exc:
            _fail(f"Sorry, {exc}")
            return
    if as_json:
        typer.echo(json.dumps([r.as_json() for r in results], indent=2))
    elif not results:
        typer.echo("No sources yet. Add one with `recovery-bot directory sources add`.")
    verb = "would be" if dry_run else "were"
    for r in results:
        for p in r.problems:
            typer.echo(f"{r.source}: {p.item}: {p.field}: {p.reason}", err=True)
        if r.report is not None:
            _echo_notes(r.report.notes)
        if as_json:
            continue
        s = r.as_json()
        if r.status == "not_modified":
            typer.echo(f"{r.source}: not modified since the last sync; nothing to do.")
        elif r.failed:
            typer.echo(f"{r.source}: FAILED: {r.error}.")
        else:
            typer.echo(f"{r.source}: {s['created']} created, {s['updated']} updated, "
                       f"{s['unchanged']} unchanged, {s['closed']} closed (gone from the "
                       f"feed), {s['reopened']} reopened, {s['invalid']} problems"
                       + (f", {s['curated_kept']} volunteer edits kept" if s["curated_kept"]
                          else "") + ("" if not dry_run else " (dry run)") + ".")
            if s["examples_closed"]:
                typer.echo(f"{r.source}: {s['examples_closed']} made-up example listings "
                           f"{verb} closed, now that real ones are in (--keep-examples "
                           "keeps them).")
    if any(r.failed for r in results):
        raise typer.Exit(1)


@directory_app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(dir_okay=False)],
    fmt: Annotated[str, typer.Option("--format")] = "csv",
) -> None:
    """Export the directory as CSV, Meeting Guide JSON or Open Referral UK JSON."""
    from directory.importer import export_file

    if fmt not in FORMATS_OUT:
        _fail(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS_OUT)}.")
    a = _app()
    with a.sessions() as session:
        count = export_file(session, file, fmt)
    typer.echo(f"Exported {count} listings to {file}.")


admin_app = typer.Typer(no_args_is_help=True,
                        help="Roles: bootstrap admins, trust or add volunteers.")
jobs_app = typer.Typer(no_args_is_help=True, help="Periodic jobs (run them from cron).")
app.add_typer(admin_app, name="admin")
app.add_typer(jobs_app, name="jobs")
ROLES = ("admin", "trusted", "volunteer")


def _role_change(account: str, role: str) -> tuple[str, str, App]:
    """Check a PLATFORM:USER_ID and a role; the platform, user id and a migrated app."""
    platform, sep, user_id = account.partition(":")
    if not sep or not platform or not user_id:
        _fail(f"'{account}' is not PLATFORM:USER_ID, for example telegram:123456789.")
    if role not in ROLES:
        _fail(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    return platform.lower(), user_id, build_app(Settings(load_demo=False))


@admin_app.command("grant")
def admin_grant(
    account: Annotated[str, typer.Argument(help="PLATFORM:USER_ID, e.g. telegram:12345")],
    role: Annotated[str, typer.Argument(help="admin, trusted or volunteer")],
    organisation: Annotated[str | None, typer.Option(
        "--org", help="The organisation's id (slug), for volunteer")] = None,
) -> None:
    """Give an account a role. The first admin is made here; admins then work in chat."""
    from datetime import UTC, datetime

    from bot import access

    platform, user_id, a = _role_change(account, role)
    with a.sessions() as session:
        try:
            person = access.grant(session, platform, user_id, role, datetime.now(UTC),
                                  organisation)
        except LookupError as exc:
            _fail(f"{exc}. `recovery-bot directory search` shows organisations' ids.")
            return
        session.commit()
        typer.echo(f"{account} is now {role} (person #{person.id}).")


@admin_app.command("revoke")
def admin_revoke(
    account: Annotated[str, typer.Argument(help="PLATFORM:USER_ID")],
    role: Annotated[str, typer.Argument(help="admin, trusted or volunteer")],
    organisation: Annotated[str | None, typer.Option("--org")] = None,
) -> None:
    """Take a role away from an account."""
    from bot import access

    platform, user_id, a = _role_change(account, role)
    with a.sessions() as session:
        try:
            changed = access.revoke(session, platform, user_id, role, organisation)
        except LookupError as exc:
            _fail(str(exc))
            return
        session.commit()
    typer.echo(f"{account} is no longer {role}." if changed else
               f"{account} did not have that role; nothing changed.")


@jobs_app.command("remind-stale")
def jobs_remind_stale() -> None:
    """Queue reminders to volunteers about listings not checked for STALE_AFTER_DAYS."""
    from datetime import UTC, datetime

    from adapters.wiring import stale_after
    from bot.volunteers import remind_stale

    a = build_app(Settings(load_demo=False))
    with a.sessions() as session:
        count = remind_stale(session, datetime.now(UTC), stale_after(a.settings))
        session.commit()
    typer.echo(f"Reminders queued for {count} listings.")


@jobs_app.command("retention")
def jobs_retention(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Delete what is past its retention period (README, "Privacy"); run it daily."""
    from datetime import UTC, datetime

    from bot import retention

    a = build_app(Settings(load_demo=False))
    s = a.settings
    periods = retention.Periods.days(s.retention_report_days, s.retention_notification_days,
                                     s.retention_delivery_days, audit=s.retention_audit_days,
                                     drafts_hours=s.conversation_ttl_hours)
    with a.sessions() as session:
        deleted = retention.apply(session, datetime.now(UTC), periods)
        session.commit()
    if as_json:
        typer.echo(json.dumps(deleted.as_dict()))
    else:
        typer.echo("Deleted: " + ", ".join(f"{n} {k.replace('_', ' ')}"
                                            for k, n in deleted.as_dict().items()) + ".")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (safe to run from several processes)."""
    build_app(Settings(load_demo=False))
    typer.echo("Database is up to date.")


def main() -> None:
    import gc

    # Start-up makes a few hundred thousand long-lived objects (modules, SQLAlchemy's
    # mappers, the gazetteer): at the default threshold of 700 allocations the cyclic
    # collector ran ~300 times over them, a sixth of the time to a first answer. Every
    # 10,000 still collects a running bot's garbage promptly.
    gc.set_threshold(10_000, 10, 10)
    app()


if __name__ == "__main__":
    main()
