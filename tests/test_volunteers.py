"""Volunteers keep their listings current, admins invite, review and watch freshness:
conversation tests on SQLite and PostgreSQL, through the real Conversation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dialogue import Chat
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot import access
from bot.access import AuditEvent
from bot.outbox import Notification
from bot.volunteers import remind_stale
from directory.curation import ChangeRequest
from directory.models import Listing, Revision
from directory.search import Query, SearchIndex

LEEDS_ORG = "demo-leeds-recovery-community"
LEEDS_CAFE = "demo-leeds-recovery-cafe"
CARDIFF_CAFE = "demo-cardiff-recovery-cafe"


def grant(chat: Chat, role: str, org: str | None = None) -> None:
    with chat.sessions() as s:
        access.grant(s, chat.platform, chat.user, role, chat.clock(), org)
        s.commit()


def listing(sessions: sessionmaker, slug: str) -> Listing:
    with sessions() as s:
        row = s.scalar(select(Listing).where(Listing.slug == slug))
        assert row is not None
        return row


def notes_for(chat: Chat) -> list[str]:
    with chat.sessions() as s:
        return [n.text for n in s.scalars(select(Notification).where(
            Notification.platform == chat.platform, Notification.user_id == chat.user))]


def count(sessions: sessionmaker, model: type, *where: object) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def admin(chat: Chat) -> Chat:
    a = chat.someone_else("admin")
    grant(a, "admin")
    return a


async def invite(admin: Chat, org: str = LEEDS_ORG) -> str:
    await admin.say(f"/invite {org}")
    m = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", admin.text)
    assert m, admin.text
    return m[1]


@pytest.fixture
async def volunteer(chat: Chat, admin: Chat) -> Chat:
    v = chat.someone_else("vol")
    await v.say(f"/volunteer {await invite(admin)}")
    v.expect("Welcome", "Leeds Recovery Community")
    return v


# -- invites ------------------------------------------------------------------------------


async def test_invite_is_one_time_and_expires(chat: Chat, admin: Chat) -> None:
    code = await invite(admin)
    first, second = chat.someone_else("a"), chat.someone_else("b")
    await first.say(f"/volunteer {code.lower()}")  # codes are not case-sensitive
    first.expect("Welcome")
    await second.say(f"/volunteer {code}")
    second.expect("didn't work")
    late = chat.someone_else("late")
    old = await invite(admin)
    chat.clock.advance(days=8)
    await late.say(f"/volunteer {old}")
    late.expect("didn't work")
    await late.say("/volunteer NOPE-NOPE")
    late.expect("didn't work")


async def test_mylistings_shows_only_own_organisation(volunteer: Chat) -> None:
    await volunteer.say("/mylistings")
    volunteer.expect(LEEDS_CAFE)
    volunteer.expect_not(CARDIFF_CAFE)


# -- guided edit, review ---------------------------------------------------------------


async def test_untrusted_edit_waits_for_review_then_goes_live(
        volunteer: Chat, admin: Chat) -> None:
    await volunteer.say("/edit")
    await volunteer.tap("Leeds Recovery Café (example)")
    await volunteer.tap("Times")
    await volunteer.say("25:99")
    volunteer.expect("isn't a time of day", "try again")
    await volunteer.say("7pm to 8.30pm")
    volunteer.expect("10:00-13:00 → 19:00-20:30")
    await volunteer.tap("Save")
    volunteer.expect("An admin will check")
    assert listing(volunteer.sessions, LEEDS_CAFE).start_time.hour == 10  # not yet
    assert any("waiting for review" in n for n in notes_for(admin))

    await admin.say("/review")
    admin.expect("1 waiting", "Times: 10:00-13:00 → 19:00-20:30")
    await admin.tap("Approve")
    admin.expect("Approved", "Nothing waiting")
    row = listing(volunteer.sessions, LEEDS_CAFE)
    assert (row.start_time.hour, row.end_time.minute) == (19, 30)
    assert any("is live" in n for n in notes_for(volunteer))
    with volunteer.sessions() as s:
        rev = s.scalars(select(Revision).where(Revision.entity_slug == LEEDS_CAFE)
                        .order_by(Revision.id.desc())).first()
        assert rev is not None and rev.actor.startswith("person:")
        assert rev.after["start_time"] == "19:00:00"


async def test_rejected_with_reason_and_volunteer_told(volunteer: Chat, admin: Chat) -> None:
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Phone")
    await volunteer.say("not a number")
    volunteer.expect("doesn't look like a UK phone number")
    await volunteer.say("0113 496 0000")
    await volunteer.tap("Save")
    await admin.say("/review")
    await admin.tap("Reject")
    await admin.say("That's the council's number, not the café's")
    admin.expect("Rejected")
    assert listing(admin.sessions, LEEDS_CAFE).phone is None
    assert any("council's number" in n for n in notes_for(volunteer))
    assert count(admin.sessions, ChangeRequest, ChangeRequest.status == "rejected") == 1
    await volunteer.say(f"/history {LEEDS_CAFE}")
    volunteer.expect("edit phone: rejected (That's the council's number")


async def test_trusted_volunteer_edits_apply_at_once(volunteer: Chat) -> None:
    grant(volunteer, "trusted")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Days")
    await volunteer.say("2nd and last Saturday")
    volunteer.expect("Saturdays → 2nd and last Saturday of the month")
    await volunteer.tap("Save")
    volunteer.expect("Saved")
    row = listing(volunteer.sessions, LEEDS_CAFE)
    assert (row.schedule_kind, row.month_weeks) == ("monthly", [2, -1])


def women_step_free_in_leeds(sessions: sessionmaker) -> list[str]:
    """Slugs a filtered search finds near Leeds: women only, step-free."""
    with sessions() as s:
        hits = SearchIndex.build(s).search(Query(
            latitude=53.7997, longitude=-1.5492, audience=frozenset({"women"}),
            accessibility=frozenset({"step_free"}), limit=20)).hits
    return [h.slug for h in hits]


async def test_who_it_is_for_and_access_in_everyday_words_then_found_by_filters(
        volunteer: Chat, admin: Chat) -> None:
    assert LEEDS_CAFE not in women_step_free_in_leeds(volunteer.sessions)
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Who it's for")
    volunteer.expect("women only, newcomers")  # the example
    await volunteer.say("women and dogs")
    volunteer.expect("don't know \u201cdogs\u201d", "women only", "LGBTQ+", "try again")
    await volunteer.say("Women only, newcomers welcome")
    volunteer.expect("open meeting → women only, newcomers")
    await volunteer.tap("Save")
    volunteer.expect("An admin will check")
    await admin.say("/review")
    admin.expect("Who it's for: open meeting → women only, newcomers")
    await admin.tap("Approve")

    grant(volunteer, "trusted")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Access")
    await volunteer.say("not step-free")
    volunteer.expect("only what the group has")
    await volunteer.say("step-free, hearing loop")
    volunteer.expect("wheelchair access, accessible toilet → step-free, hearing loop")
    await volunteer.tap("Save")
    volunteer.expect("Saved")
    row = listing(volunteer.sessions, LEEDS_CAFE)
    assert (row.audience, row.accessibility) == (["women", "newcomers"],
                                                 ["step_free", "hearing_loop"])
    assert LEEDS_CAFE in women_step_free_in_leeds(volunteer.sessions)

    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Languages")
    await volunteer.say("English and Welsh")
    volunteer.expect("English → English, Welsh")
    await volunteer.tap("Save")
    assert listing(volunteer.sessions, LEEDS_CAFE).languages == ["en", "cy"]
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Who it's for")
    await volunteer.say("none")
    volunteer.expect("women only, newcomers → (none)")
    await volunteer.tap("Save")
    assert listing(volunteer.sessions, LEEDS_CAFE).audience == []
    assert LEEDS_CAFE not in women_step_free_in_leeds(volunteer.sessions)


async def test_a_listing_may_be_named_for_suicide_bereavement(volunteer: Chat) -> None:
    """A topic is not an alarm: the name is taken as it is, no contacts in the way (a
    value that signals danger now gets the contacts first: test_broadcasts.py)."""
    grant(volunteer, "trusted")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Name")
    await volunteer.say("Leeds Suicide Bereavement Peer Group")
    assert not any(r.crisis for r in volunteer.replies)
    await volunteer.tap("Save")
    volunteer.expect("Saved")
    assert listing(volunteer.sessions, LEEDS_CAFE).name == \
        "Leeds Suicide Bereavement Peer Group"


@pytest.mark.parametrize("where", ["pick", "field", "value", "preview"])
async def test_cancel_at_any_step_writes_nothing(volunteer: Chat, where: str) -> None:
    grant(volunteer, "trusted")
    before = listing(volunteer.sessions, LEEDS_CAFE)
    await volunteer.say("/edit")
    if where != "pick":
        await volunteer.tap("Leeds Recovery Café (example)")
    if where in ("value", "preview"):
        await volunteer.tap("Name")
    if where == "preview":
        await volunteer.say("Something Else Entirely")
    await volunteer.say("/cancel") if where == "value" else await volunteer.tap("Cancel")
    after = listing(volunteer.sessions, LEEDS_CAFE)
    assert (after.name, after.version) == (before.name, before.version)
    assert count(volunteer.sessions, ChangeRequest,
                 ChangeRequest.status.in_(("pending", "applied"))) == 0


LEAVING = {"/cancel": ["/cancel"], "/start": ["/start"],
           "/forget": ["/forget", "Tap:Yes, delete"],
           "/forget, kept": ["/forget", "Tap:No, keep it"],
           "another /edit": ["/edit"], "a shared location": ["Location"]}


async def leave(chat: Chat, how: str) -> None:
    for step in LEAVING[how]:
        if step == "Location":
            await chat.share_location(53.80, -1.55)  # Leeds: results, the flow left
        else:
            await (chat.tap(step[4:]) if step.startswith("Tap:") else chat.say(step))


@pytest.mark.parametrize("how", list(LEAVING))
async def test_leaving_a_change_unconfirmed_leaves_no_draft(volunteer: Chat, how: str) -> None:
    """Leaving the preview any way (/cancel, /start, /forget, another command's flow):
    the drafted change is cancelled, never left waiting in "draft" for ever."""
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Name")
    await volunteer.say("Something Else Entirely")
    volunteer.expect("Save")
    assert count(volunteer.sessions, ChangeRequest, ChangeRequest.status == "draft") == 1
    await leave(volunteer, how)
    assert count(volunteer.sessions, ChangeRequest, ChangeRequest.status == "draft") == 0
    assert listing(volunteer.sessions, LEEDS_CAFE).name != "Something Else Entirely"


async def test_two_people_editing_at_once_second_is_told(volunteer: Chat, admin: Chat) -> None:
    other = volunteer.someone_else("vol2")
    await other.say(f"/volunteer {await invite(admin)}")
    grant(volunteer, "trusted")
    grant(other, "trusted")
    for v in (volunteer, other):
        await v.say(f"/edit {LEEDS_CAFE}")
        await v.tap("Name")
    await volunteer.say("Leeds Café One")
    await other.say("Leeds Café Two")
    await volunteer.tap("Save")
    volunteer.expect("Saved")
    await other.tap("Save")
    other.expect("Someone else changed", "Leeds Café One")
    assert listing(volunteer.sessions, LEEDS_CAFE).name == "Leeds Café One"


async def test_pause_resume_verify_history_undo(volunteer: Chat, chat: Chat) -> None:
    grant(volunteer, "trusted")
    await volunteer.say(f"/pause {LEEDS_CAFE}")
    await volunteer.say("Closed over Christmas")
    volunteer.expect("open → paused")
    await volunteer.tap("Save")
    row = listing(volunteer.sessions, LEEDS_CAFE)
    assert (row.status, row.status_note) == ("temporarily_closed", "Closed over Christmas")
    await chat.say("recovery cafe in Leeds")
    chat.expect("Temporarily closed: Closed over Christmas")

    await volunteer.say(f"/resume {LEEDS_CAFE}")
    await volunteer.tap("Save")
    assert listing(volunteer.sessions, LEEDS_CAFE).status == "active"

    chat.clock.advance(days=3)
    await volunteer.say(f"/verify {LEEDS_CAFE}")
    volunteer.expect("marked it as checked today")
    checked = listing(volunteer.sessions, LEEDS_CAFE).last_verified_at
    assert checked is not None and checked.day == 26

    await volunteer.say(f"/history {LEEDS_CAFE}")
    volunteer.expect("Changes to Leeds Recovery Café", "verify", "resume", "pause")

    await volunteer.say("/undo")  # undoes the verify
    volunteer.expect("undone")
    assert listing(volunteer.sessions, LEEDS_CAFE).last_verified_at.day == 23
    await volunteer.say("/undo")  # one step back only, never further
    volunteer.expect("no change to undo")
    assert listing(volunteer.sessions, LEEDS_CAFE).status == "active"


async def test_undo_refused_when_someone_changed_it_since(volunteer: Chat,
                                                          admin: Chat) -> None:
    grant(volunteer, "trusted")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    await volunteer.tap("Name")
    await volunteer.say("Mine")
    await volunteer.tap("Save")
    await admin.say(f"/invite {LEEDS_ORG}")
    other = volunteer.someone_else("vol3")
    await other.say(f"/volunteer {re.search(r'[A-Z2-9]{4}-[A-Z2-9]{4}', admin.text)[0]}")
    grant(other, "trusted")
    await other.say(f"/edit {LEEDS_CAFE}")
    await other.tap("Name")
    await other.say("Theirs")
    await other.tap("Save")
    await volunteer.say("/undo")
    volunteer.expect("can't undo")
    assert listing(volunteer.sessions, LEEDS_CAFE).name == "Theirs"


async def test_addgroup_trusted_is_searchable_untrusted_waits(
        volunteer: Chat, admin: Chat, chat: Chat) -> None:
    await volunteer.say("/addgroup")
    await volunteer.say("Headingley Hope Group")
    await volunteer.say("every Wednesday")
    await volunteer.say("18:00-19:00")
    await volunteer.tap("In person")
    await volunteer.say("not a postcode")
    volunteer.expect("doesn't look like a UK postcode")
    await volunteer.say("LS6 3HN")
    volunteer.expect("New group", "Headingley Hope Group", "Wednesdays")
    await volunteer.tap("Save")
    volunteer.expect("An admin will check")
    await chat.say("Headingley Hope Group near Leeds")
    chat.expect_not("Headingley Hope Group")  # not live before review
    await admin.say("/review")
    admin.expect("A new group")
    await admin.tap("Approve")
    await chat.say("/start")
    await chat.say("Headingley Hope Group near Leeds")
    chat.expect("Headingley Hope Group")


# -- freshness and reports ---------------------------------------------------------------


async def test_stale_listings_remind_volunteers_once(volunteer: Chat, admin: Chat) -> None:
    volunteer.clock.advance(days=120)  # every demo listing is now unchecked for 120 days
    with volunteer.sessions() as s:
        sent = remind_stale(s, volunteer.clock(), timedelta(days=90))
        s.commit()
        again = remind_stale(s, volunteer.clock(), timedelta(days=90))
        s.commit()
    assert sent == 4 and again == 0  # the Leeds organisation's four listings
    assert sum("hasn't been checked" in n for n in notes_for(volunteer)) == 4
    await admin.say("/stale")
    admin.expect("116 listings not checked for 90 days", LEEDS_CAFE)


async def test_problem_report_reaches_volunteers_and_admins_anonymously(
        chat: Chat, volunteer: Chat, admin: Chat) -> None:
    await chat.say("recovery cafe in Leeds")
    n = chat.results().index("Leeds Recovery Café (example)") + 1
    await chat.open_result(n)
    await chat.tap("Report a problem")
    await chat.tap("Wrong day or time")
    for person in (volunteer, admin):
        notes = [x for x in notes_for(person) if "reported a problem" in x]
        assert notes and chat.user not in notes[0] and chat.ref.chat_id not in notes[0]


# -- authorisation matrix ------------------------------------------------------------------

LISTING_COMMANDS = ["edit", "pause", "resume", "verify", "history"]
ADMIN_COMMANDS = [f"invite {LEEDS_ORG}", f"volunteers {LEEDS_ORG}", "review", "stale",
                  "trust 1"]


@pytest.fixture
async def people(chat: Chat, admin: Chat, volunteer: Chat) -> dict[str, Chat]:
    other = chat.someone_else("other-org")
    await other.say(f"/volunteer {await invite(admin, 'demo-cardiff-recovery-community')}")
    return {"stranger": chat.someone_else("stranger"), "other volunteer": other,
            "volunteer": volunteer, "admin": admin}


@pytest.mark.parametrize("command", LISTING_COMMANDS + ADMIN_COMMANDS + ["mylistings",
                                                                         "addgroup"])
async def test_authorisation_matrix(people: dict[str, Chat], command: str) -> None:
    target = f" {LEEDS_CAFE}" if command in LISTING_COMMANDS else ""
    for who, person in people.items():
        if command in LISTING_COMMANDS:
            allowed = who in ("volunteer", "admin")
        elif command in ("mylistings", "addgroup"):
            allowed = who != "stranger"
        else:
            allowed = who == "admin"
        refusals = count(person.sessions, AuditEvent, AuditEvent.allowed.is_(False))
        await person.say(f"/{command}{target}")
        refused = "isn't something I can do for you" in person.text
        assert refused != allowed, f"/{command} by {who}: {person.text}"
        if refused:
            # Polite, revealing nothing (no listing or organisation named), and audited.
            person.expect_not("Leeds", "Cardiff", LEEDS_CAFE)
            assert count(person.sessions, AuditEvent,
                         AuditEvent.allowed.is_(False)) == refusals + 1
        await person.say("/cancel")


async def test_forget_removes_a_volunteers_account_and_role(volunteer: Chat) -> None:
    await volunteer.say("/forget")
    await volunteer.tap("Yes, delete")
    assert count(volunteer.sessions, access.Account,
                 access.Account.user_id == volunteer.user) == 0
    await volunteer.say("/mylistings")
    volunteer.expect("isn't something I can do for you")


async def test_link_a_second_platform_account(volunteer: Chat) -> None:
    other_app = Chat(volunteer.sessions, volunteer.clock, user="vol-on-discord",
                     platform="discord")
    await other_app.say("/mylistings")
    other_app.expect("isn't something I can do for you")
    await volunteer.say("/link")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", volunteer.text)
    assert code, volunteer.text
    await other_app.say(f"/link {code[0]}")
    other_app.expect("linked")
    await other_app.say("/mylistings")
    other_app.expect(LEEDS_CAFE)
    stranger = volunteer.someone_else("x")
    await stranger.say(f"/link {code[0]}")  # one use only
    stranger.expect("didn't work")


async def test_admin_lists_trusts_and_removes_volunteers(volunteer: Chat, admin: Chat) -> None:
    await admin.say(f"/volunteers {LEEDS_ORG}")
    admin.expect("Volunteers of Leeds Recovery Community")
    person = re.search(r"#(\d+)", admin.text)[1]  # type: ignore[index]
    await admin.tap(f"Trust #{person}")
    admin.expect("now trusted")
    await admin.say(f"/volunteers {LEEDS_ORG}")
    admin.expect("(trusted)")
    await admin.tap(f"Remove #{person}")
    admin.expect("removed")
    await volunteer.say(f"/edit {LEEDS_CAFE}")
    volunteer.expect("isn't something I can do for you")


@pytest.mark.parametrize("steps", [
    ["/addgroup", "Tap:Cancel"],
    ["/addgroup", "New Group", "Tap:Cancel"],
    ["/addgroup", "New Group", "Mondays", "19:00-20:00", "/cancel"],
    ["/addgroup", "New Group", "Mondays", "19:00-20:00", "Tap:Online", "https://x.org/j",
     "Tap:Cancel"],
    [f"/pause {LEEDS_CAFE}", "Tap:Cancel"],
    [f"/pause {LEEDS_CAFE}", "Closed for painting", "Tap:Cancel"],
    [f"/resume {LEEDS_CAFE}", "Tap:Cancel"],
])
async def test_cancel_any_guided_command_writes_nothing(volunteer: Chat,
                                                        steps: list[str]) -> None:
    grant(volunteer, "trusted")
    listings = count(volunteer.sessions, Listing)
    revisions = count(volunteer.sessions, Revision)
    for step in steps:
        if step.startswith("Tap:"):
            await volunteer.tap(step[4:])
        else:
            await volunteer.say(step)
    volunteer.expect("Nothing was changed") if steps[-1] != "/cancel" else None
    assert count(volunteer.sessions, Listing) == listings
    assert count(volunteer.sessions, Revision) == revisions
