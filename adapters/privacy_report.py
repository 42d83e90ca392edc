"""The data map: every table and column that can hold something about a person, why,
for how long and how it is erased, read from the models' own declarations, and the
documents built from it (`recovery-bot privacy report`, docs/privacy.md).

Each table says what it holds in `info["privacy"]` on the table itself (set through the
model's `__table_args__`), so the decision sits next to the columns it is about:

- a table holding nothing about anyone: a string starting with "none:" and why, e.g.
  `{"privacy": "none: directory data about organisations"}`;
- any other table: a dict with
  `subjects` (whose data), `purpose` (why it is kept), `retention` (how long: name the
  setting, e.g. RETENTION_DELIVERY_DAYS), `erasure` (how it goes: /forget, the retention
  job `recovery-bot jobs retention`, expiry), `columns` (column name -> "KIND: what it
  holds", KIND one of KINDS; or a dict with `holds` and its own `purpose`, `retention`,
  `erasure`), `not_personal` (the other columns, by name: they say nothing about a
  person), and optionally `gaps` (what is not erased yet, said plainly).

Every column of a table must be in `columns` or `not_personal`, so a new table or a new
column cannot ship without a decision: tests/test_privacy_report.py checks the whole
metadata with `problems()`, and that docs/privacy.md is what `markdown()` prints now.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table

from adapters.settings import Settings

# Every module that defines tables (as directory/migrations/env.py's MODEL_MODULES; a
# test keeps the two equal).
MODEL_MODULES = ("directory.models", "directory.curation", "bot.state", "bot.claims",
                 "bot.access", "bot.outbox", "bot.broadcasts.store", "bot.broadcasts.budget",
                 "bot.reminders.store")

# What a column holds, from the most to the least direct.
KINDS = {
    "identifier": "a platform's id of a person: enough to contact them",
    "special": "special category data (UK GDPR Article 9): it reveals health, or sex life "
               "or sexual orientation",
    "pseudonym": "refers to a person without naming them (a keyed hash, an internal id)",
    "personal": "other information about a person",
}
SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


@dataclass(frozen=True)
class ColumnEntry:
    name: str
    kind: str
    holds: str
    purpose: str
    retention: str
    erasure: str


@dataclass(frozen=True)
class TableEntry:
    name: str
    personal: bool
    reason: str = ""  # a table holding nothing about anyone: why
    subjects: str = ""
    purpose: str = ""
    retention: str = ""
    erasure: str = ""
    columns: list[ColumnEntry] = field(default_factory=list)
    not_personal: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    tables: list[TableEntry]
    settings: dict[str, Any]  # every setting the retention rules name, and its value

    def as_dict(self) -> dict[str, Any]:
        return {"tables": [asdict(t) for t in self.tables], "settings": self.settings,
                "kinds": KINDS}


def load_metadata() -> MetaData:
    """The full schema: every model module imported, as the migrations see it."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    from directory.models import Base

    return Base.metadata


def _names(value: Any) -> list[str]:
    return value.split() if isinstance(value, str) else list(value or [])


def problems(metadata: MetaData) -> list[str]:
    """Everything wrong with the tables' privacy declarations: a table or column with no
    decision, a column named that does not exist, a personal column without a retention
    rule or a way to be erased, a retention rule naming a setting that does not exist."""
    out: list[str] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        decl = table.info.get("privacy")
        where = f"table {table.name}"
        if isinstance(decl, str):
            if not decl.startswith("none:") or not decl.removeprefix("none:").strip():
                out.append(f"{where}: a string declaration must read 'none: why'")
            out += _unknown_settings(where, [decl])
            continue
        if not isinstance(decl, dict):
            out.append(f"{where}: no privacy decision (info={{'privacy': ...}})")
            continue
        for key in ("subjects", "purpose", "retention", "erasure"):
            if not str(decl.get(key, "")).strip():
                out.append(f"{where}: says no {key}")
        unknown = set(decl) - {"subjects", "purpose", "retention", "erasure", "columns",
                               "not_personal", "gaps"}
        if unknown:
            out.append(f"{where}: unknown keys {sorted(unknown)}")
        columns = decl.get("columns") or {}
        plain = _names(decl.get("not_personal"))
        if not columns:
            out.append(f"{where}: no personal column: declare it 'none: why' instead")
        for name in sorted(set(columns) & set(plain)):
            out.append(f"{where}: column {name} is both personal and not")
        names = [c.name for c in table.columns]
        for name in sorted((set(columns) | set(plain)) - set(names)):
            out.append(f"{where}: names column {name}, which it does not have")
        for name in names:
            if name not in columns and name not in plain:
                out.append(f"{where}: column {name} has no privacy decision")
        for name, spec in columns.items():
            spec = spec if isinstance(spec, dict) else {"holds": spec}
            kind, _, holds = str(spec.get("holds", "")).partition(":")
            if kind not in KINDS or not holds.strip():
                out.append(f"{where}: column {name} must hold 'KIND: what', KIND one of "
                           f"{', '.join(KINDS)}")
            unknown = set(spec) - {"holds", "purpose", "retention", "erasure"}
            if unknown:
                out.append(f"{where}: column {name}: unknown keys {sorted(unknown)}")
        out += _unknown_settings(where, [decl.get("retention", "")] + [
            s.get("retention", "") for s in columns.values() if isinstance(s, dict)])
    return out


def _unknown_settings(where: str, rules: list[Any]) -> list[str]:
    """A retention rule naming a setting (RETENTION_AUDIT_DAYS) that does not exist."""
    return [f"{where}: names the setting {setting}, which does not exist"
            for rule in rules for setting in SETTING.findall(str(rule))
            if setting.lower() not in Settings.model_fields]


def _entry(table: Table) -> TableEntry:
    decl = table.info["privacy"]
    if isinstance(decl, str):
        return TableEntry(table.name, personal=False, reason=decl.removeprefix("none:").strip())
    columns = []
    names = [c.name for c in table.columns]
    for name in names:  # in the table's own order
        spec = decl["columns"].get(name)
        if spec is None:
            continue
        spec = spec if isinstance(spec, dict) else {"holds": spec}
        kind, _, holds = spec["holds"].partition(":")
        columns.append(ColumnEntry(
            name, kind.strip(), holds.strip(), spec.get("purpose", decl["purpose"]),
            spec.get("retention", decl["retention"]), spec.get("erasure", decl["erasure"])))
    gaps = decl.get("gaps") or []
    return TableEntry(
        table.name, personal=True, subjects=decl["subjects"], purpose=decl["purpose"],
        retention=decl["retention"], erasure=decl["erasure"], columns=columns,
        not_personal=[n for n in names if n in _names(decl.get("not_personal"))],
        gaps=[gaps] if isinstance(gaps, str) else list(gaps))


def setting_values(configured: bool) -> dict[str, Any]:
    """Every setting's value by its environment name: as configured here (the
    environment and .env), or the defaults (for docs/privacy.md, the same everywhere)."""
    values: dict[str, Any] = {}
    if configured:
        try:
            values = Settings().model_dump()
        except Exception:  # noqa: BLE001 - a broken setting elsewhere: show the defaults
            values = {}
    return {name.upper(): values.get(name, f.default)
            for name, f in Settings.model_fields.items()}


def build(metadata: MetaData | None = None, configured: bool = False) -> Report:
    """The data map of every table (those holding something about people first), with the
    values of the settings their retention rules name. Raises ValueError if any
    declaration is missing or wrong (see problems)."""
    metadata = metadata if metadata is not None else load_metadata()
    wrong = problems(metadata)
    if wrong:
        raise ValueError("the data map is incomplete:\n" + "\n".join(wrong))
    tables = sorted((_entry(t) for t in metadata.tables.values()),
                    key=lambda t: (not t.personal, t.name))
    values = setting_values(configured)
    named = sorted({s for t in tables for c in t.columns for s in SETTING.findall(c.retention)}
                   | {s for t in tables for s in SETTING.findall(t.retention + t.reason)})
    return Report(tables, {s: values[s] for s in named if s in values})


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- text (`recovery-bot privacy report`) ------------------------------------------------


def text(report: Report) -> str:
    lines = ["What this bot keeps about people (from the live schema). Retention settings:"]
    lines += [f"  {name} = {_number(value)}" for name, value in report.settings.items()]
    for t in report.tables:
        lines.append("")
        if not t.personal:
            lines.append(f"{t.name}: nothing about anyone: {t.reason}")
            continue
        lines += [f"{t.name}: {t.subjects}", f"  why:       {t.purpose}",
                  f"  kept:      {t.retention}", f"  erased:    {t.erasure}"]
        for c in t.columns:
            lines.append(f"  - {c.name} [{c.kind}] {c.holds}")
            for label, value, default in (("why", c.purpose, t.purpose),
                                          ("kept", c.retention, t.retention),
                                          ("erased", c.erasure, t.erasure)):
                if value != default:
                    lines.append(f"      {label}: {value}")
        if t.not_personal:
            lines.append(f"  nothing about a person: {', '.join(t.not_personal)}")
        lines += [f"  GAP: {gap}" for gap in t.gaps]
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


# -- Markdown (docs/privacy.md) ----------------------------------------------------------


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _differs(t: TableEntry, c: ColumnEntry) -> str:
    """Where a column's rule is not its table's."""
    return "; ".join(f"{label}: {value}" for label, value, default in (
        ("why", c.purpose, t.purpose), ("how long", c.retention, t.retention),
        ("erased by", c.erasure, t.erasure)) if value != default)


def _data_map(report: Report) -> list[str]:
    personal = [t for t in report.tables if t.personal]
    out = ["", "| table | whose | holds | how long |", "|---|---|---|---|"]
    for t in personal:
        kinds = ", ".join(k for k in KINDS if any(c.kind == k for c in t.columns))
        out.append(f"| [`{t.name}`](#{t.name}) | {_cell(t.subjects)} | {kinds} "
                   f"| {_cell(t.retention)} |")
    for t in personal:
        out += ["", f"### {t.name}", "",
                f"- **Whose:** {t.subjects}", f"- **Why:** {t.purpose}",
                f"- **How long:** {t.retention}", f"- **Erased by:** {t.erasure}"]
        if t.not_personal:
            out.append("- **Nothing about a person:** "
                       + ", ".join(f"`{n}`" for n in t.not_personal))
        out += [f"- **Gap:** {gap}" for gap in t.gaps]
        if any(_differs(t, c) for c in t.columns):
            out += ["", "| column | kind | holds | unlike the table |", "|---|---|---|---|"]
            out += [f"| `{c.name}` | {c.kind} | {_cell(c.holds)} | {_cell(_differs(t, c))} |"
                    for c in t.columns]
        else:
            out += ["", "| column | kind | holds |", "|---|---|---|"]
            out += [f"| `{c.name}` | {c.kind} | {_cell(c.holds)} |" for c in t.columns]
    out += ["", "### Tables that hold nothing about anyone", "", "| table | why |", "|---|---|"]
    out += [f"| `{t.name}` | {_cell(t.reason)} |" for t in report.tables if not t.personal]
    return out


def markdown(report: Report) -> str:
    """docs/privacy.md: the hand-written notes below around the generated data map."""
    settings = [f"| `{name}` | {_number(value)} |" for name, value in report.settings.items()]
    kinds = [f"- **{kind}**: {meaning}" for kind, meaning in KINDS.items()]
    gaps = [f"- `{t.name}`: {gap}" for t in report.tables for gap in t.gaps]
    doc = [
        *HEAD, "",
        "## Data map", "",
        "Generated from the models (each table's `info[\"privacy\"]`). Kinds of column:", "",
        *kinds, "",
        "Retention settings named below, with their default values (an operator may set "
        "others: `recovery-bot privacy report` prints the values in force):", "",
        "| setting | default |", "|---|---|", *settings,
        *_data_map(report), "",
        "## Known gaps", "",
        *(gaps or ["None known."]), "",
        *TAIL,
    ]
    return "\n".join(doc).rstrip("\n") + "\n"


HEAD = """\
# Privacy: the data map, and notes for a data protection impact assessment

<!-- Generated by `recovery-bot privacy report --markdown > docs/privacy.md`
     (adapters/privacy_report.py): edit the generator or the models' info["privacy"],
     never this file. tests/test_privacy_report.py fails when the two differ. -->

What Recovery Connector keeps about people, why, for how long and how it is erased: the
material an operator needs for a data protection impact assessment (DPIA). What people
tell this bot is health data, special category data under UK GDPR Article 9: collect the
minimum, keep it no longer than a written retention rule says, honour erasure requests,
and do a DPIA before large-scale use (`../shared/REFERENCE.md`, "Privacy (UK GDPR)").
Whoever runs the bot is the controller and makes the decisions marked **Operator**
below; this document is not legal advice.

## Who and what

- **People seeking help** tell the bot what they want help with (alcohol, drugs,
  gambling, a family member's drinking, ...) and roughly where they are. That reveals
  their health: it is special category data even when no name is attached.
- **Subscribers** (`/subscribe`) are on a list for recovery news: being on it at all
  links their account to recovery support. The topic `lgbtq` reveals sexual orientation.
- **Volunteers and admins** take a role by their own choice (an invite code, or an
  admin's grant). Volunteering for a lived experience recovery organisation can itself
  reveal a volunteer's own recovery.
- **Contacts of groups** in the directory: a group's phone, email or notes may be a
  person's own.

## What is never stored

- The words people seeking help type. Messages are read, turned into need codes and a
  coarse place, and dropped; logs never carry message text, and SQL parameters are
  hidden from them. A reply that quotes the person ("I couldn't find ...") is sent, but
  the reply journal (`processed_update.replies`) keeps it with "…" in place of their
  words. (What volunteers and admins write for the directory or a broadcast is kept:
  that is its purpose.)
- Exact places: a full postcode becomes its sector's centre (a few hundred homes), and
  every place kept is rounded to 0.01 degree (about 1 km).
- Names, phone numbers or emails of people seeking help, and their platform ids: their
  conversation is stored under a pseudonym. Platform ids are stored only for people the
  bot contacts of their own choice: subscribers, volunteers and admins.
- Health details in button data (`callback_data`, `custom_id`): those travel through the
  platforms, so buttons carry short positions, never codes (`../shared/REFERENCE.md`).

## Lawful basis

**Operator:** record an Article 6 lawful basis for each purpose, and for the special
category data an Article 9 condition as well. The bot cannot choose these for you; the
usual candidates, and what each would ask of you:

- **Article 9(2)(a), explicit consent.** The person must make a clear, specific
  statement of consent, recorded, and be able to withdraw it as easily (`/forget` does
  that at once). The bot today does *not* ask for consent before it keeps need codes for
  `CONVERSATION_TTL_HOURS`: relying on (a) means adding a consent step to the start of
  the conversation (crisis contacts must still never wait for it).
- **Article 9(2)(d), a not-for-profit body.** Only for a foundation, association or other
  not-for-profit body with a political, philosophical, religious or trade union aim, in
  the course of its legitimate activities, about its members, former members or people
  in regular contact with it for its purposes, and not disclosed outside the body
  without consent. Many recovery organisations do not have such an aim, and people who
  write to a public bot once are hardly "in regular contact": take advice before relying
  on it.
- **Article 9(2)(h) and the Data Protection Act 2018, Schedule 1.** Health or social care
  purposes (Schedule 1, paragraph 2) can fit a commissioned treatment service working
  under a duty of confidentiality; the substantial public interest conditions in
  Schedule 1, Part 2 (for example confidential counselling, advice or support) need an
  appropriate policy document. Check the current text on legislation.gov.uk and the
  ICO's guidance on special category data.

Whatever the basis, tell people: `/privacy` says what is kept and for how long, and
your privacy notice should name you, your basis and the processors below.

## Processors and others who see the data

- **Telegram and Discord see every message**, both ways: what people type, every reply
  (listings, places, crisis contacts), which buttons they press, and who is talking to
  the bot. They run their platforms under their own terms and privacy policies: you
  cannot give them instructions as you would a processor. **Operator:** say so in your
  privacy notice, and point people who would rather not use a platform at the helplines
  directly.
- **The hosting provider** (servers, the database, its backups, log storage) is a
  processor: you need an Article 28 contract with it, and to know where it keeps the
  data and for how long it keeps backups and logs.
- **OpenStreetMap Nominatim**, only if `NOMINATIM_USER_AGENT` is set: a place name the
  offline data does not know is sent to it (a word the person typed, with the server's
  address). Off by default; leave it off unless the DPIA covers it.
- **Logs and metrics** go wherever the operator sends stderr and `/metrics`: log lines
  carry a keyed pseudonym of the conversation (`conv`), never ids or text; metric
  labels never hold an id or text.

## Pseudonyms

Every stored or logged reference to a person who is not being contacted is an
HMAC-SHA256 keyed with `PSEUDONYM_KEY` (or a key generated once into a 0600 file in the
data folder): the conversation's key, the `conv` field of log lines, an account in the
audit trail. Without the key nobody can match a pseudonym to a platform id by hashing
candidate ids. The key is never stored in the database or logged. **Operator:** keep the
key as secret as the database, give every process that shares a database the same key,
and back it up (a restored database needs it), but not beside the database's backups:
whoever holds a backup and its key can match pseudonyms to ids. Changing it (rotation)
makes every saved conversation start afresh and detaches old audit rows and log lines
from their accounts: `/forget` can no longer find audit rows made under the old key by
someone without a role (they go after `RETENTION_AUDIT_DAYS`).

Pseudonymised data is still personal data: every row of a table below relates to the
person its pseudonym stands for.

## Erasure and retention

- **`/forget`** (after a confirmation) erases, in one transaction with the turn: the
  state of the conversation it was sent in, the person's subscription and every
  broadcast delivery naming them, messages to them, audit rows made from their account,
  and, for a volunteer or admin, their account and (with their last account) their
  person record, memberships, audit rows, undecided changes, unused invites and draft
  broadcasts. What a volunteer published stays published, credited to "a former
  volunteer": nothing left names them. The data map says, for each table, how it is
  erased.
- **`recovery-bot jobs retention`** deletes what is past its period: run it daily (cron,
  or `docker compose run --rm retention`). Expired conversation state goes with it.
- **Backups** keep whatever they copied until they expire: **Operator:** keep backups no
  longer than the longest retention period you promise, or say how long they are kept.

## Deleted data in the database files

- **SQLite** runs with `PRAGMA secure_delete` on, so deleted rows are overwritten with
  zeros in the database file, and after `/forget` the bot checkpoints the write-ahead log
  (WAL) into the main file and truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`; if a
  reader holds the log at that moment, the next checkpoint does it). Without that, the
  erased rows' old pages would stay in the `-wal` file until the next checkpoint:
  secure_delete zeroes the database file, not the log
  (https://www.sqlite.org/pragma.html#pragma_secure_delete,
  https://www.sqlite.org/pragma.html#pragma_wal_checkpoint).
- **PostgreSQL** promises less. A `DELETE` does not remove the row: its old version (a
  dead tuple) stays in the table's and its indexes' data files until `VACUUM` (or
  autovacuum) finds it visible to no transaction; plain `VACUUM` then marks the space
  free for reuse within the table, and does not promise to overwrite the bytes: they can
  stay in the file until new rows reuse the space. `VACUUM FULL` rewrites the table into
  a new file and gives the old one back to the operating system, which does not erase
  the disk blocks either
  (https://www.postgresql.org/docs/current/sql-vacuum.html,
  https://www.postgresql.org/docs/current/routine-vacuuming.html, "Recovering Disk
  Space"). The write-ahead log keeps every inserted row until its segment is recycled
  after a checkpoint, and longer when WAL is archived or kept for replicas
  (https://www.postgresql.org/docs/current/wal-configuration.html); base backups and
  archived WAL keep old versions for as long as they are kept. **Operator:** keep
  autovacuum on, encrypt the disks and the backups, and set backup and WAL-archive
  retention with the periods below in mind.
- Neither database can erase what the filesystem or the disk keeps of freed blocks
  (snapshots, SSD wear levelling): disk encryption is the answer to that.
""".splitlines()

TAIL = """\
## Keeping this document true

`recovery-bot privacy report` prints the same data map from the running code (`--json`
for machines; the values of the settings in force). A table or column added without a
decision in its model's `info["privacy"]` fails tests/test_privacy_report.py; after
changing a declaration, run `recovery-bot privacy report --markdown > docs/privacy.md`.
""".splitlines()
