"""An intergroup volunteer with 250 meetings (issue 17): pickers page, words narrow them,
/mylistings counts and shows the stale first, and the bulk work - every listing verified
at once, a closed venue's meetings paused together - is one change to /undo. Dialogue
tests on SQLite and PostgreSQL, through the real Conversation."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from dialogue import Chat
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from adapters.discord_adapter import layout
from bot import access
from bot.outbox import Notification
from directory.curation import ChangeRequest
from directory.freshness import DEFAULT_STALE_AFTER
from directory.models import Listing, Organisation, Revision
from directory.records import ListingRecord, OrganisationRecord, field_names
from directory.repository import bump_version, upsert_organisation

ORG = "dn-intergroup"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DONCASTER, THORNE = (53.5228, -1.1312), (53.6112, -0.9631)
THORNE_HALL = "St Nicholas Church Hall"
MAX_COMPONENTS = 25  # Discord's limit of buttons in one message

NEXT, PREVIOUS = "Next ▶", "◀ Previous"


def meetings(now: datetime) -> list[ListingRecord]:
    """250 meetings: 240 in Doncaster (every 8th never checked, three paused), one more
    there not named for it, one each in Bawtry and Mexborough, and seven in Thorne -
    five of them at one church hall."""
    recent = now - timedelta(days=10)
    out = []
    for n in range(1, 241):
        out.append(ListingRecord(
            slug=f"dn-meeting-{n:03d}", organisation_slug=ORG,
            name=f"Doncaster {DAYS[(n - 1) % 7]} Meeting {n:03d}",
            venue_name=f"Community Room {n}", address=f"{n} High Street, Doncaster",
            postcode="DN1 3QE", latitude=DONCASTER[0] + (n % 10) * 0.002,
            longitude=DONCASTER[1] + (n // 10 % 10) * 0.002,
            status="temporarily_closed" if n <= 3 else "active",
            status_note="Summer break" if n <= 3 else None,
            last_verified_at=None if n % 8 == 0 else recent))
    out.append(ListingRecord(
        slug="dn-sunrise", organisation_slug=ORG, name="Sunrise Serenity Group",
        venue_name="Quaker Meeting House", address="Bennetthorpe", postcode="DN2 6AA",
        latitude=53.5180, longitude=-1.1190, last_verified_at=recent))
    out.append(ListingRecord(
        slug="dn-bawtry", organisation_slug=ORG, name="Bawtry Bridge Group",
        address="Market Place, Bawtry", postcode="DN10 6JG", latitude=53.4315,
        longitude=-1.0188, last_verified_at=recent))
    out.append(ListingRecord(
        slug="dn-mexborough", organisation_slug=ORG, name="Mexborough Hope Group",
        address="Main Street, Mexborough", postcode="S64 9AA", latitude=53.4939,
        longitude=-1.2924, last_verified_at=recent))
    for i, day in enumerate(DAYS):
        hall = i < 5
        out.append(ListingRecord(
            slug=f"dn-thorne-{day.lower()}", organisation_slug=ORG,
            name=f"Thorne {day} Fellowship",
            venue_name=THORNE_HALL if hall else "Thorne Library",
            address="Church Street, Thorne" if hall else "Fieldside, Thorne",
            postcode="DN8 5AA" if hall else "DN8 4AB",
            latitude=THORNE[0] + i * 0.001, longitude=THORNE[1],
            last_verified_at=now - timedelta(days=200) if day == "Sunday" else recent))
    return out


def make_intergroup(sessions: sessionmaker, now: datetime) -> None:
    """The organisation and its 250 listings, inserted in one statement (stamped with
    the directory version, as repository.py asks of Core writes)."""
    with sessions() as s:
        upsert_organisation(s, OrganisationRecord(
            slug=ORG, name="Doncaster & District Intergroup", kind="fellowship"), "test")
        org_id = s.scalar(select(Organisation.id).where(Organisation.slug == ORG))
        version = bump_version(s)
        keys = [k for k in field_names(ListingRecord) if k != "organisation_slug"]
        s.execute(insert(Listing), [
            {k: getattr(rec, k) for k in keys} | {
                "organisation_id": org_id, "changed_in": version, "created_at": now,
                "updated_at": now} for rec in meetings(now)])
        s.commit()


def grant(chat: Chat, role: str, org: str | None = None) -> None:
    with chat.sessions() as s:
        access.grant(s, chat.platform, chat.user, role, chat.clock(), org)
        s.commit()


def rows(sessions: sessionmaker, *where: object) -> list[Listing]:
    with sessions() as s:
        org_id = s.scalar(select(Organisation.id).where(Organisation.slug == ORG))
        return list(s.scalars(select(Listing).where(Listing.organisation_id == org_id,
                                                    *where).order_by(Listing.id)))


def count(sessions: sessionmaker, model: type, *where: object) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def flow(chat: Chat) -> dict:
    stored = chat.stored_json()
    assert stored is not None
    return json.loads(stored)["flow"]


def listing_buttons(chat: Chat) -> list[str]:
    return [b.label for r in chat.replies for b in r.all_buttons()
            if b.payload.startswith("vl")]


def within_discord(chat: Chat) -> None:
    """Every button of the page survives Discord's layout, with room for its "Continue
    in DMs" button."""
    for reply in chat.replies:
        assert len(reply.all_buttons()) <= MAX_COMPONENTS - 1, reply.all_buttons()
        laid = [b.payload for row in layout(reply.buttons, dm_button=True)
                for b in row.buttons]
        assert set(laid) >= {b.payload for b in reply.all_buttons()}


STALE = sum(1 for n in range(1, 241) if n % 8 == 0) + 1  # and Thorne's Sunday meeting


@pytest.fixture
def intergroup(chat: Chat) -> Chat:
    make_intergroup(chat.sessions, chat.clock())
    volunteer = chat.someone_else("intergroup")
    grant(volunteer, "volunteer", ORG)
    return volunteer


@pytest.fixture
def admin(chat: Chat) -> Chat:
    a = chat.someone_else("admin")
    grant(a, "admin")
    return a


# -- pickers page, and words narrow them ------------------------------------------------------


async def test_the_picker_pages_forward_to_the_250th_and_back(intergroup: Chat) -> None:
    v = intergroup
    await v.say("/edit")
    v.expect("Page 1 of 13 (250 listings)", "[dn-")
    seen = listing_buttons(v)
    assert len(seen) == 20
    v.expect_no_button(PREVIOUS)
    for page in range(2, 14):
        await v.tap(NEXT)
        v.expect(f"Page {page} of 13")
        within_discord(v)
        seen += listing_buttons(v)
        assert flow(v) == {"cmd": "edit", "page": page - 1}  # numbers only, no words
    assert len(seen) == len(set(seen)) == 250
    assert len(listing_buttons(v)) == 10
    v.expect_no_button(NEXT)
    last = listing_buttons(v)[-1]
    await v.tap(PREVIOUS)
    await v.tap(PREVIOUS)
    v.expect("Page 11 of 13")
    await v.tap(NEXT)
    await v.tap(NEXT)
    await v.tap(last)
    v.expect(f"What would you like to change about {last}?")


async def test_pages_of_the_verify_picker_fit_discord(intergroup: Chat) -> None:
    await intergroup.say("/verify")
    await intergroup.tap(NEXT)
    intergroup.expect("Page 2 of 13")
    intergroup.expect_button(PREVIOUS, NEXT, "All 250: checked today", "Cancel")
    within_discord(intergroup)


async def test_words_narrow_one_goes_straight_in_several_a_short_picker(
        intergroup: Chat) -> None:
    v = intergroup
    await v.say("/edit Bawtry")  # the only one in the town
    v.expect("What would you like to change about Bawtry Bridge Group?")
    await v.tap("Cancel")

    await v.say("/edit Thorne")
    v.expect("7 of your listings match")
    assert sorted(listing_buttons(v)) == sorted(f"Thorne {d} Fellowship" for d in DAYS)
    v.expect_no_button(NEXT)
    await v.tap("Thorne Friday Fellowship")
    v.expect("What would you like to change about Thorne Friday Fellowship?")

    # In Doncaster, or named for it: the group with no "Doncaster" in its name or
    # address is in; Bawtry, Mexborough and Thorne are not.
    await v.say("/edit Doncaster")
    v.expect("241 of your listings match", "Page 1 of 13")
    ids = flow(v)["ids"]
    by_slug = {x.slug: x.id for x in rows(v.sessions)}
    assert by_slug["dn-sunrise"] in ids and len(ids) == 241
    assert not {by_slug["dn-bawtry"], by_slug["dn-mexborough"], by_slug["dn-thorne-monday"]} \
        & set(ids)

    await v.say("/pause Doncaster Tuesday Meeting 002")  # an exact name
    v.expect("Pausing Doncaster Tuesday Meeting 002")
    await v.say("/cancel")
    await v.say("/resume dn-meeting-003")  # its slug
    v.expect("Doncaster Wednesday Meeting 003", "paused → open")
    await v.tap("Cancel")


async def test_a_typo_is_found_and_nothing_found_shows_all(intergroup: Chat) -> None:
    v = intergroup
    await v.say("/edit Sunrize Serenty")
    v.expect("What would you like to change about Sunrise Serenity Group?")
    await v.say("/history Zebra Crossing")
    v.expect('I couldn\'t find "Zebra Crossing" among your listings', "Page 1 of 13")
    assert "Zebra" not in (v.stored_json() or "")  # the words are never kept
    await v.say("Mexborugh")  # typed at the picker: narrows it, with a typo
    v.expect("Changes to Mexborough Hope Group")


async def test_another_organisations_listing_is_not_found_by_name(intergroup: Chat) -> None:
    await intergroup.say("/edit Leeds Recovery Café")
    intergroup.expect("I couldn't find")
    intergroup.expect_not("Leeds Recovery Café (example)")


async def test_an_admin_finds_among_every_listing_the_closest_250(intergroup: Chat,
                                                                 admin: Chat) -> None:
    await admin.say("/edit meeting")  # 240 here, and the demo directory's meetings
    admin.expect("More of your listings match than I can list: here are the 250 closest",
                 "Page 1 of 13")
    assert len(flow(admin)["ids"]) == 250


# -- /mylistings ---------------------------------------------------------------------------


async def test_mylistings_counts_and_shows_the_stale_first(intergroup: Chat) -> None:
    v = intergroup
    await v.say("/mylistings")
    days = DEFAULT_STALE_AFTER.days
    v.expect(f"250 in all, 3 paused, {STALE} not checked for {days} days", "Page 1 of 13")
    lines = [x for x in v.text.splitlines() if x.startswith("• ")]
    await v.tap(NEXT)
    lines += [x for x in v.text.splitlines() if x.startswith("• ")]
    assert len(lines) == 40 and all(re.search(r"\[dn-[a-z0-9-]+\]", x) for x in lines)
    stale = ["not checked for a while" in x for x in lines]
    assert stale == [True] * STALE + [False] * (40 - STALE)
    await v.say("Doncaster Monday Meeting 001")  # narrowed, to one
    v.expect("[dn-meeting-001] (paused)")
    await v.say("Thorne")  # to several
    v.expect("7 of your listings match", "dn-thorne-sunday")
    assert len([x for x in v.text.splitlines() if x.startswith("• ")]) == 7
    await v.tap("Done")
    v.expect("OK.")
    assert flow(v) == {}


# -- bulk verify, and one /undo ------------------------------------------------------------


async def test_verify_all_then_one_undo_puts_every_one_back(intergroup: Chat) -> None:
    v = intergroup
    before = {x.id: x.last_verified_at for x in rows(v.sessions)}
    await v.say("/verify all")
    v.expect("Mark 250 listings as checked today?")
    await v.tap("Yes, 250 checked")
    v.expect("250 listings are marked as checked today")
    assert {x.last_verified_at for x in rows(v.sessions)} == {v.clock()}
    batches = {r.batch for r in _revisions(v.sessions, "verify")}
    assert len(batches) == 1 and None not in batches
    await v.say("/mylistings")
    v.expect("3 paused, 0 not checked")

    await v.say("/undo")
    v.expect("undone")
    assert {x.id: x.last_verified_at for x in rows(v.sessions)} == before
    await v.say("/undo")  # one change back, never further
    v.expect("no change to undo")


async def test_verify_the_narrowed_ones_together(intergroup: Chat) -> None:
    v = intergroup
    await v.say("/verify Thorne")
    v.expect("7 of your listings match")
    await v.tap("All 7: checked today")
    await v.tap("Yes, 7 checked")
    v.expect("7 listings are marked as checked today")
    checked = {x.slug for x in rows(v.sessions, Listing.last_verified_at == v.clock())}
    assert checked == {f"dn-thorne-{d.lower()}" for d in DAYS}


async def test_verify_all_cancelled_changes_nothing(intergroup: Chat) -> None:
    revisions = count(intergroup.sessions, Revision)
    await intergroup.say("/verify all")
    await intergroup.tap("Cancel")
    intergroup.expect("Nothing was changed")
    assert count(intergroup.sessions, Revision) == revisions


# -- a venue's meetings paused together ----------------------------------------------------


async def test_pause_a_venue_together_then_one_undo(intergroup: Chat) -> None:
    v = intergroup
    grant(v, "trusted")
    await v.say("/pause Thorne Monday Fellowship")
    v.expect(f"4 more of your listings meet at {THORNE_HALL}")
    await v.tap("All 5 at this venue")
    v.expect(f"Pausing all 5 listings at {THORNE_HALL}")
    await v.say("Hall closed for repairs until March")
    v.expect(f"5 listings at {THORNE_HALL}", "Thorne Friday Fellowship", "open → paused")
    await v.tap("Save")
    v.expect("5 listings are paused")
    paused = rows(v.sessions, Listing.venue_name == THORNE_HALL)
    assert {(x.status, x.status_note) for x in paused} == {
        ("temporarily_closed", "Hall closed for repairs until March")}
    assert {x.status for x in rows(v.sessions, Listing.venue_name == "Thorne Library")} \
        == {"active"}

    await v.say("/undo")
    v.expect("undone")
    assert {(x.status, x.status_note) for x in
            rows(v.sessions, Listing.venue_name == THORNE_HALL)} == {("active", None)}


async def test_undo_of_a_venue_refused_when_one_changed_since(intergroup: Chat,
                                                               admin: Chat) -> None:
    v = intergroup
    grant(v, "trusted")
    await v.say("/pause dn-thorne-tuesday")
    await v.tap("All 5 at this venue")
    await v.tap("No note")
    await v.tap("Save")
    await admin.say("/resume dn-thorne-wednesday")
    await admin.tap("Save")
    await v.say("/undo")
    v.expect("can't undo")  # all of it or none: none
    statuses = [x.status for x in rows(v.sessions, Listing.venue_name == THORNE_HALL)]
    assert statuses.count("temporarily_closed") == 4


async def test_untrusted_venue_pause_waits_for_review_admins_told_once(
        intergroup: Chat, admin: Chat) -> None:
    v = intergroup
    await v.say("/pause Thorne Monday Fellowship")
    await v.tap("All 5 at this venue")
    await v.tap("No note")
    await v.tap("Save")
    v.expect("An admin will check the 5 changes")
    assert count(v.sessions, ChangeRequest, ChangeRequest.status == "pending") == 5
    with admin.sessions() as s:
        notes = [n.text for n in s.scalars(select(Notification).where(
            Notification.user_id == admin.user))]
    assert notes == ["5 changes are waiting for review: send /review."]
    assert {x.status for x in rows(v.sessions, Listing.venue_name == THORNE_HALL)} == \
        {"active"}


@pytest.mark.parametrize("how", ["Cancel", "/cancel", "/edit"])
async def test_leaving_a_venue_pause_unconfirmed_leaves_no_draft(intergroup: Chat,
                                                                  how: str) -> None:
    v = intergroup
    await v.say("/pause Thorne Monday Fellowship")
    await v.tap("All 5 at this venue")
    await v.say("Closed")
    assert count(v.sessions, ChangeRequest, ChangeRequest.status == "draft") == 5
    await (v.tap(how) if how == "Cancel" else v.say(how))
    assert count(v.sessions, ChangeRequest, ChangeRequest.status == "draft") == 0
    assert {x.status for x in rows(v.sessions, Listing.venue_name == THORNE_HALL)} == \
        {"active"}


def _revisions(sessions: sessionmaker, action: str) -> list[Revision]:
    with sessions() as s:
        return list(s.scalars(select(Revision).where(Revision.action == action)))
