"""Erasure that is complete and provable: after "/forget" and "Yes, delete", no row of
any table refers to the person - on SQLite and PostgreSQL.

A small world is built through the real conversation: a help-seeker who searched, opened
a listing and reported a problem (and tried a volunteer command); a subscriber who got a
broadcast and set a meeting reminder; a volunteer with a draft, pending proposals (an
edit, a new group), a rejected one, an approved one, a published check and a link code;
an admin who invited (one invite used, one not), reviewed and broadcast (one sent, one
still a draft). Then one of them sends /forget, and every table of the schema is walked
- every table the migrations know (directory/migrations/env.py MODEL_MODULES, read from
the file so a new model module is walked the day it is listed there) - for anything
naming them:

- in any column: their platform user id, their chat id, their conversation's pseudonym
  (bot.state.key_hash) or their account's (bot.access.account_hash), and the name
  revisions give them ("person:N", bot.access.Actor.name);
- in a column that holds a person (PERSON_COLUMNS, a foreign key to person.id, the
  person table's id): their person id.

Pseudonyms are computed by the functions the bot uses, so the check holds however they
are made. A new table that refers to people is walked without a change here; one whose
person column has a new name needs that name in PERSON_COLUMNS.

Before /forget the same walk must find the person in the tables listed in EXPECTED
(so it is known to see them there), and after it, everybody else's rows are as they were.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from dialogue import Chat
from sqlalchemy import Column, Engine, inspect, select

from bot import access
from bot.access import Actor, account_hash
from bot.state import key_hash
from directory.models import Base, Listing

ENV = Path(__file__).resolve().parents[1] / "directory" / "migrations" / "env.py"
LEEDS_ORG = "demo-leeds-recovery-community"
LEEDS_CAFE = "demo-leeds-recovery-cafe"
LEEDS_AA = "demo-leeds-aa"
# Columns that hold a person id, whatever table they are in.
PERSON_COLUMNS = frozenset({"person_id", "created_by", "used_by", "decided_by",
                            "granted_by", "actor"})
# Where the walk must see each kind of person before /forget.
EXPECTED = {
    "seeker": {"conversation", "audit_event"},
    "subscriber": {"conversation", "subscription", "delivery", "reminder"},
    "volunteer": {"conversation", "account", "person", "membership", "invite",
                  "audit_event", "change_request", "revision", "listing", "notification"},
    "admin": {"conversation", "account", "person", "membership", "invite", "audit_event",
              "change_request", "revision", "broadcast", "notification"},
}

# Rows that name the person being forgotten and someone else: they go (or lose the
# other's name) with the person.
SHARED = {"volunteer": {("membership", "granted_by")}}


def model_modules() -> tuple[str, ...]:
    """MODEL_MODULES as directory/migrations/env.py lists them, without running it."""
    for node in ast.parse(ENV.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "MODEL_MODULES" for t in targets):
            assert node.value is not None
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"no MODEL_MODULES in {ENV}")


for _module in model_modules():
    importlib.import_module(_module)


@dataclass
class Person:
    kind: str
    chat: Chat
    person_id: int | None = None

    def needles(self) -> list[str]:
        ref = self.chat.ref
        return [ref.user_id, ref.chat_id, key_hash(ref.key),
                account_hash(ref.platform, ref.user_id)]

    def actor_name(self) -> str | None:
        """How revisions name them ("person:N")."""
        return None if self.person_id is None else Actor("", self.person_id).name


def refers_to_person(column: Column) -> bool:
    return (column.name in PERSON_COLUMNS
            or any(fk.column.table.name == "person" for fk in column.foreign_keys)
            or (column.table.name == "person" and column.primary_key))


def as_text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


Trace = tuple[str, str, str]  # table, column, what was found there


def traces(engine: Engine, who: Person) -> list[Trace]:
    """Every place in every table that still names `who`."""
    found: list[Trace] = []
    needles, name = who.needles(), who.actor_name()
    actor = re.compile(re.escape(name) + "(?![0-9])") if name else None  # not person:12
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            people = {c.name for c in table.columns if refers_to_person(c)}
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is None or isinstance(value, bool):
                        continue
                    if column in people and who.person_id is not None and \
                            value == who.person_id and isinstance(value, int):
                        found.append((table.name, column, f"person id {value}"))
                        continue
                    text = as_text(value)
                    found += [(table.name, column, n) for n in needles if n in text]
                    if actor is not None and actor.search(text):
                        found.append((table.name, column, str(name)))
    return sorted(found)


def tables(found: list[Trace]) -> set[str]:
    return {table for table, _, _ in found}


# -- the world ------------------------------------------------------------------------


def person(chat: Chat, kind: str, user: str) -> Person:
    return Person(kind, Chat(chat.sessions, chat.clock, user=user, platform="telegram"))


def person_id(p: Person) -> int | None:
    with p.chat.sessions() as s:
        return s.scalar(select(access.Account.person_id).where(
            access.Account.platform == p.chat.platform,
            access.Account.user_id == p.chat.user))


async def invite(admin: Chat) -> str:
    await admin.say(f"/invite {LEEDS_ORG}")
    m = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", admin.text)
    assert m, admin.text
    return m[1]


async def propose(volunteer: Chat, field: str, value: str) -> None:
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap(field)
    await volunteer.say(value)
    await volunteer.tap("Save")
    volunteer.expect("An admin will check")


@pytest.fixture
async def world(chat: Chat) -> dict[str, Person]:
    people = {"seeker": person(chat, "seeker", "7700900404"),
              "subscriber": person(chat, "subscriber", "7700900303"),
              "volunteer": person(chat, "volunteer", "7700900202"),
              "admin": person(chat, "admin", "7700900101")}
    seeker, subscriber = people["seeker"].chat, people["subscriber"].chat
    volunteer, admin = people["volunteer"].chat, people["admin"].chat
    with admin.sessions() as s:
        access.grant(s, admin.platform, admin.user, "admin", admin.clock())
        s.commit()

    # The admin invites (one code used, one not); the volunteer joins, asks for a link
    # code (never used).
    await volunteer.say(f"/volunteer {await invite(admin)}")
    volunteer.expect("Welcome")
    await invite(admin)
    await volunteer.say("/link")
    volunteer.expect("minutes")

    # Someone looking for help: a search, a listing's details, a problem report (to
    # the organisation's volunteers and the admins), a volunteer command refused.
    await seeker.say("recovery cafe in Leeds")
    await seeker.open_result(seeker.results().index("Leeds Recovery Café (example)") + 1)
    await seeker.tap("Report a problem")
    await seeker.tap("Wrong day or time")
    seeker.expect("Thank")
    await seeker.say("/mylistings")
    seeker.expect("isn't something I can do")

    await subscriber.say("/subscribe")
    await subscriber.tap("Subscribe")
    subscriber.expect("You're subscribed")
    # ... who also asked to be reminded of a meeting (bot/reminders/).
    with subscriber.sessions() as s:
        aa = s.scalar(select(Listing.id).where(Listing.slug == LEEDS_AA))
    await subscriber.press(f"rmw{aa}")
    subscriber.expect("I'll remind you")

    # The volunteer: one change rejected, one approved, a listing checked (published
    # under their name), an edit and a new group waiting for review.
    await propose(volunteer, "Phone", "0113 496 0000")
    await admin.say("/review")
    await admin.tap("Reject")
    await admin.say("That's the council's number")
    admin.expect("Rejected")
    await propose(volunteer, "Times", "7pm to 8.30pm")
    await admin.say("/review")
    await admin.tap("Approve")
    admin.expect("Approved")
    await volunteer.say(f"/verify {LEEDS_CAFE}")
    volunteer.expect("marked it as checked today")
    # A check of theirs that someone else's later check replaced: their name is in
    # that revision's "before".
    await volunteer.say(f"/verify {LEEDS_AA}")
    await admin.say(f"/verify {LEEDS_AA}")
    admin.expect("marked it as checked today")
    await propose(volunteer, "Name", "Leeds Café Renamed")
    await volunteer.say("/addgroup")
    for value in ("Headingley Hope Group", "every Wednesday", "18:00-19:00"):
        await volunteer.say(value)
    await volunteer.tap("In person")
    await volunteer.say("LS6 3HN")
    await volunteer.tap("Save")
    volunteer.expect("An admin will check")
    # ... and a draft, left at its preview.
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Notes")
    await volunteer.say("Bring a friend if you like")
    volunteer.expect("Save")

    # The admin broadcasts to the subscriber, then leaves another broadcast as a draft.
    await admin.say("/broadcast")
    await admin.say("Recovery walk on Saturday")
    await admin.tap("Everyone (1)")
    await admin.tap("Send now to 1")
    await admin.say("/broadcast")
    await admin.say("A draft never sent")
    admin.expect("Who should get it?")

    for p in people.values():
        p.person_id = person_id(p)
    assert people["volunteer"].person_id and people["admin"].person_id
    return people


async def forget(chat: Chat) -> None:
    await chat.say("/forget")
    await chat.tap("Yes, delete")
    chat.expect("deleted everything")


@pytest.mark.parametrize("kind", list(EXPECTED))
async def test_forget_leaves_nothing_that_names_the_person(
        engine: Engine, world: dict[str, Person], kind: str) -> None:
    who = world[kind]
    others = [p for p in world.values() if p is not who]
    before = traces(engine, who)
    missing = EXPECTED[kind] - tables(before)
    assert not missing, f"the walk did not see the {kind} in {sorted(missing)}"
    others_before = {p.kind: traces(engine, p) for p in others}

    await forget(who.chat)

    left = traces(engine, who)
    assert not left, f"after /forget, the {kind} is still named in:\n" + \
        "\n".join(f"  {t}.{c}: {what}" for t, c, what in left)
    # Everybody else's rows are as they were, but for rows about both (the volunteer's
    # membership names the admin who granted it).
    for p in others:
        now = traces(engine, p)
        lost = [t for t in others_before[p.kind] if t not in now]
        gained = [t for t in now if t not in others_before[p.kind]]
        assert not gained, f"the {p.kind} is named in new places: {gained}"
        assert {(t, c) for t, c, _ in lost} <= SHARED.get(kind, set()), \
            f"the {p.kind} lost rows: {lost}"


def test_the_walk_sees_every_table_of_the_database(engine: Engine) -> None:
    """The models walked are the whole schema the migrations made: a table without a
    model module in MODEL_MODULES would be missed, so it fails here."""
    in_database = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert in_database == set(Base.metadata.tables)


async def test_published_work_stays_under_a_former_volunteer(
        world: dict[str, Person]) -> None:
    volunteer, admin = world["volunteer"].chat, world["admin"].chat
    await forget(volunteer)
    await admin.say(f"/history {LEEDS_CAFE}")
    # The approved times and the check stay, as do the rejected phone number and its
    # reason; the renaming waiting for review and the draft are gone.
    admin.expect("a former volunteer · verify", "start_time", "edit phone: rejected")
    admin.expect_not("person:" + str(world["volunteer"].person_id), "edit name")
    await admin.say("/review")
    admin.expect("Nothing waiting")  # the pending edit and new group went with them
    with admin.sessions() as s:  # the new group was never approved: it goes too
        assert s.scalar(select(Listing.id).where(
            Listing.name == "Headingley Hope Group")) is None
        cafe = s.scalar(select(Listing).where(Listing.slug == LEEDS_CAFE))
        assert cafe is not None and cafe.start_time is not None
        assert cafe.start_time.hour == 19  # what they published stays published
    # A new person who happens to get the same id inherits nothing: nothing to undo.
    newcomer = Chat(volunteer.sessions, volunteer.clock, user="7700900505",
                    platform="telegram")
    await newcomer.say(f"/volunteer {await invite(admin)}")
    await newcomer.say("/undo")
    newcomer.expect("no change to undo")


async def test_forget_from_one_of_two_linked_accounts_keeps_the_person(
        engine: Engine, world: dict[str, Person]) -> None:
    """A volunteer with a Telegram and a Discord account: /forget on one removes that
    account and everything made from it; the person, their roles and their work stay
    with the other account until it sends /forget too."""
    volunteer = world["volunteer"]
    await volunteer.chat.say("/link")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", volunteer.chat.text)
    assert code, volunteer.chat.text
    discord = Person("volunteer", Chat(volunteer.chat.sessions, volunteer.chat.clock,
                                       user="81234567890123", platform="discord"))
    await discord.chat.say(f"/link {code[0]}")
    discord.chat.expect("linked")
    discord.person_id = volunteer.person_id

    await forget(volunteer.chat)
    telegram_only = Person("volunteer", volunteer.chat)  # its ids, not the person's
    assert not traces(engine, telegram_only)
    await discord.chat.say("/mylistings")
    discord.chat.expect(LEEDS_CAFE)

    await forget(discord.chat)
    assert not traces(engine, discord)
