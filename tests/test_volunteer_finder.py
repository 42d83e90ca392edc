"""Admins at real scale (issue 17): the organisation an admin names is the one meant -
exact id, exact name, then fuzzy, buttons when several are close, a kind answer when
none is - and a listing's history credits who wrote a change and, separately, who
approved it; /review starts with what waits. Conversation tests on SQLite and
PostgreSQL, through the real Conversation."""

from __future__ import annotations

import re

import pytest
from dialogue import Chat
from sqlalchemy import select
from test_volunteers import LEEDS_CAFE, grant, invite, listing

from bot import access
from bot.access import Actor
from directory.models import Organisation
from directory.records import OrganisationRecord
from directory.repository import upsert_organisation

AA_GB = "Alcoholics Anonymous Great Britain"  # the bundled helpline (demo directory)
AA = "Alcoholics Anonymous"  # a feed's organisation of meetings, added below
NA = "Narcotics Anonymous UK"
LEEDS_ORG_NAME = "Leeds Recovery Community (example)"
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture
def admin(chat: Chat) -> Chat:
    """An admin, in a directory that holds both "Alcoholics Anonymous Great Britain"
    (demo) and "Alcoholics Anonymous" (as a meetings feed brings it, added after)."""
    with chat.sessions() as s:
        upsert_organisation(s, OrganisationRecord(slug="aa-meetings", name=AA), "import")
        s.commit()
    a = chat.someone_else("admin")
    grant(a, "admin")
    return a


def org_id(chat: Chat, name: str) -> int:
    with chat.sessions() as s:
        found = s.scalar(select(Organisation.id).where(Organisation.name == name))
        assert found is not None
        return found


def invited_for(chat: Chat) -> list[int]:
    """The organisations of every invite made so far."""
    with chat.sessions() as s:
        return list(s.scalars(select(access.Invite.organisation_id)
                              .order_by(access.Invite.id)))


# -- one organisation finder ---------------------------------------------------------------


async def test_invite_by_exact_name_is_for_that_organisation(chat: Chat, admin: Chat) -> None:
    """The defect: "/invite Alcoholics Anonymous" invited for "Alcoholics Anonymous Great
    Britain" (the first name containing the text), so the new volunteer could not see
    their meetings."""
    await admin.say(f"/invite {AA}")
    admin.expect(f"Invite code for {AA}:")
    admin.expect_not("Great Britain")
    code = CODE.search(admin.text)
    assert code, admin.text
    volunteer = chat.someone_else("new-volunteer")
    await volunteer.say(f"/volunteer {code[0]}")
    volunteer.expect(f"keep {AA}'s listings")
    assert invited_for(admin) == [org_id(admin, AA)]

    await admin.say("/invite alcoholics anonymous GREAT britain")  # any case
    admin.expect(f"Invite code for {AA_GB}:")
    await admin.say(f"/invite #{org_id(admin, NA)}")  # its number
    admin.expect(f"Invite code for {NA}:")
    await admin.say("/invite aa-meetings")  # its id
    admin.expect(f"Invite code for {AA}:")


async def test_a_typo_finds_the_name_it_misspells(admin: Chat) -> None:
    await admin.say("/invite Alcholics Anonymus")  # both names have both words
    admin.expect(f"Invite code for {AA}:")
    await admin.say("/invite Narcotcs Anonymous")
    admin.expect(f"Invite code for {NA}:")
    await admin.say("/volunteers Leds Recovery Comunity")
    admin.expect("Leeds Recovery Community (example) has no volunteers yet")
    assert invited_for(admin) == [org_id(admin, AA), org_id(admin, NA)]


async def test_several_close_names_are_buttons_to_pick_from(chat: Chat, admin: Chat) -> None:
    await admin.say("/invite Anonymous")
    admin.expect('More than one organisation matches "Anonymous"')
    admin.expect_button(AA, AA_GB, NA, "Cancel")
    assert not CODE.search(admin.text) and invited_for(admin) == []  # no silent pick
    # Buttons carry a short id, never a name.
    assert all(re.fullmatch(r"vg\d+|vx", p) for p in admin.payloads), admin.payloads
    await admin.tap(NA)
    admin.expect(f"Invite code for {NA}:")
    assert invited_for(admin) == [org_id(admin, NA)]
    code = CODE.search(admin.text)[0]  # type: ignore[index]

    # Many close ones: the best few, and how many more.
    await admin.say("/invite Recovery Community")
    admin.expect("more match too: type more of the name")
    assert 2 < len(admin.buttons) <= 8
    await admin.tap("Cancel")
    admin.expect("Nothing was changed")
    assert len(invited_for(admin)) == 1

    # /volunteers takes an organisation the same way.
    await admin.say("/volunteers anonymous")
    await admin.tap(NA)
    admin.expect(f"{NA} has no volunteers yet")
    await chat.someone_else("vol").say(f"/volunteer {code}")
    await admin.say("/volunteers anonymous")
    await admin.tap(NA)
    admin.expect(f"Volunteers of {NA}:", "#")
    admin.expect_button("Cancel")


async def test_nothing_like_it_gets_a_kind_answer(admin: Chat) -> None:
    await admin.say("/invite Xyzzy Fellowship Trust")
    admin.expect('Sorry, I couldn\'t find an organisation called "Xyzzy Fellowship Trust"')
    assert admin.buttons == []
    # Half the words match one name: offered ("did you mean"), never picked.
    await admin.say("/invite Leeds Aardvarks")
    admin.expect('I couldn\'t find "Leeds Aardvarks". Did you mean one of these?')
    admin.expect_button(LEEDS_ORG_NAME)
    await admin.say("/volunteers")
    admin.expect("Send /volunteers followed by the organisation's id or name.")
    assert invited_for(admin) == []


async def test_an_organisation_button_is_for_admins_only(chat: Chat, admin: Chat) -> None:
    """Tapping an organisation asks bot/access.py again: an admin removed meanwhile is
    refused, and no invite is made."""
    await admin.say("/invite Anonymous")
    with admin.sessions() as s:
        access.revoke(s, admin.platform, admin.user, "admin")
        s.commit()
    await admin.tap(NA)
    admin.expect("isn't something I can do for you")
    assert invited_for(admin) == []


# -- history credits the author, and who approved ----------------------------------------


async def bob_edits_phone_and_admin_approves(admin: Chat) -> Chat:
    bob = admin.someone_else("bob")
    await bob.say(f"/volunteer {await invite(admin)}")
    await bob.say(f"/edit {LEEDS_CAFE}")
    await bob.tap("Phone")
    await bob.say("0113 496 0000")
    await bob.tap("Save")
    bob.expect("An admin will check")
    await admin.say("/review")
    admin.expect(f"from volunteer #{person(bob)}:", "Phone: ")  # who proposed it
    await admin.tap("Approve")
    admin.expect("Approved")
    assert listing(admin.sessions, LEEDS_CAFE).phone == "0113 496 0000"
    return bob


def person(chat: Chat) -> int:
    with chat.sessions() as s:
        found = access.actor_for(s, chat.platform, chat.user).person_id
        assert found is not None
        return found


def name(chat: Chat) -> str:
    return Actor("", person(chat)).name


async def test_history_credits_the_author_and_the_approver(admin: Chat) -> None:
    """The defect: after an admin approved bob's phone change, /history showed the admin
    as its editor and bob nowhere."""
    bob = await bob_edits_phone_and_admin_approves(admin)
    await bob.say(f"/history {LEEDS_CAFE}")
    bob.expect(f"{name(bob)} (approved by {name(admin)}) · update: phone")
    await admin.say(f"/history {LEEDS_CAFE}")
    admin.expect(f"{name(bob)} (approved by {name(admin)}) · update: phone")


async def test_the_author_undoes_their_approved_change(admin: Chat) -> None:
    """The defect: bob's /undo said he had no change to undo."""
    bob = await bob_edits_phone_and_admin_approves(admin)
    await bob.say("/undo")
    bob.expect("your last change is undone")
    assert listing(admin.sessions, LEEDS_CAFE).phone is None
    await bob.say(f"/history {LEEDS_CAFE}")
    bob.expect(f"{name(bob)} · undo: phone")


async def test_an_admin_undoes_the_change_they_approved(admin: Chat) -> None:
    await bob_edits_phone_and_admin_approves(admin)
    await admin.say("/undo")
    admin.expect("your last change is undone")
    assert listing(admin.sessions, LEEDS_CAFE).phone is None


async def test_forgetting_the_approver_keeps_the_author(admin: Chat) -> None:
    bob = await bob_edits_phone_and_admin_approves(admin)
    await admin.say("/forget")
    await admin.tap("Yes, delete")
    await bob.say(f"/history {LEEDS_CAFE}")
    bob.expect(f"{name(bob)} (approved by a former volunteer) · update: phone")


# -- /review: what waits, at a glance ----------------------------------------------------


async def test_review_starts_with_what_waits(chat: Chat, admin: Chat) -> None:
    await admin.say("/review")
    admin.expect("Changes to review: 0. Problem reports: 0.", "Nothing waiting for review.")
    admin.expect_not("Not checked")

    await chat.say("recovery cafe in Leeds")
    await chat.open_result(chat.results().index("Leeds Recovery Café (example)") + 1)
    await chat.tap("Report a problem")
    await chat.tap("Wrong day or time")
    bob = await bob_edits_phone_and_admin_approves(admin)  # reviews one: none left
    await bob.say(f"/edit {LEEDS_CAFE}")
    await bob.tap("Name")
    await bob.say("Leeds Recovery Café and Kitchen")
    await bob.tap("Save")

    admin.clock.advance(days=120)  # every listing is now unchecked for 120 days
    await admin.say("/review")
    admin.expect("Changes to review: 1. Problem reports: 1.",
                 "Not checked for 90 days: ", "; and ", " more organisations (/stale",
                 "1 waiting. Leeds Recovery Café (example), from volunteer #")
    line = next(x for x in admin.text.splitlines() if x.startswith("Not checked"))
    assert line.count(": 4") + line.count(": 5") == 3, line  # the three most stale
    assert len(admin.replies) == 1 and admin.buttons == ["Approve", "Reject", "Cancel"]
