"""Update claims across processes: answered once, and never lost when a process dies
while answering (its lease runs out and a retry takes the update over, with the journal
of the replies the dead process had committed and sent)."""

from datetime import UTC, datetime, timedelta

from dialogue import Chat
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import claims
from bot.types import Button, Incoming, PlaceCard, Reply

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
LEASE = timedelta(seconds=20)
LATER = NOW + LEASE + timedelta(seconds=1)


def test_first_busy_done(session: Session) -> None:
    claim = claims.begin_update(session, "telegram", "7", NOW, LEASE)
    assert claim.status == "first" and claim.owner and claim.replies is None
    session.commit()
    # Another process gets Telegram's retry while the first is still answering.
    assert claims.begin_update(session, "telegram", "7", NOW + timedelta(seconds=3),
                               LEASE).status == "busy"
    assert claims.progress_update(session, "telegram", "7", claim.owner, 1, NOW, done=True)
    session.commit()
    assert claims.begin_update(session, "telegram", "7", NOW + timedelta(seconds=4),
                               LEASE).status == "done"
    # Long after, too: done is done, however old.
    assert claims.begin_update(session, "telegram", "7", LATER, LEASE).status == "done"


def test_a_dead_processs_claim_is_taken_over_once(session: Session) -> None:
    first = claims.begin_update(session, "telegram", "8", NOW, LEASE)
    session.commit()  # ... and the process that claimed it is killed
    taken = claims.begin_update(session, "telegram", "8", LATER, LEASE)
    assert taken.status == "first" and taken.owner != first.owner
    session.commit()
    # A second retry right after the takeover waits for the new owner.
    assert claims.begin_update(session, "telegram", "8", LATER, LEASE).status == "busy"


def test_sending_renews_the_lease(session: Session) -> None:
    claim = claims.begin_update(session, "telegram", "11", NOW, LEASE)
    # A slow, paced reply: its second message goes out 15 s in, the third at 30 s.
    assert claims.progress_update(session, "telegram", "11", claim.owner, 1,
                                  NOW + timedelta(seconds=15))
    session.commit()
    # 25 s after the claim, but only 10 s after the last message: still its holder's.
    assert claims.begin_update(session, "telegram", "11", NOW + timedelta(seconds=25),
                               LEASE).status == "busy"


def test_a_holder_that_lost_its_claim_is_told_to_stop(session: Session) -> None:
    slow = claims.begin_update(session, "telegram", "12", NOW, LEASE)
    session.commit()
    taken = claims.begin_update(session, "telegram", "12", LATER, LEASE)
    session.commit()
    # The first process was only stalled: it must not send the same reply as well.
    assert not claims.progress_update(session, "telegram", "12", slow.owner, 1, LATER)
    assert claims.progress_update(session, "telegram", "12", taken.owner, 1, LATER)
    session.commit()
    assert _row(session, "12").sent == 1


def test_updates_are_per_platform(session: Session) -> None:
    assert claims.begin_update(session, "telegram", "9", NOW, LEASE).status == "first"
    assert claims.begin_update(session, "discord", "9", NOW, LEASE).status == "first"
    assert claims.claim_update(session, "discord", "10", NOW)
    assert claims.begin_update(session, "discord", "10", NOW, LEASE).status == "done"


def _row(session: Session, update_id: str) -> claims.ProcessedUpdate:
    session.expire_all()
    return session.scalars(select(claims.ProcessedUpdate).where(
        claims.ProcessedUpdate.update_id == update_id)).one()


async def test_a_turn_journals_its_replies_with_the_state(chat: Chat) -> None:
    """The conversation commits its replies with the state they came from: a process
    taking the update over gets exactly what the person would have been sent, and the
    turn does not run a second time (which would answer from the state it moved to)."""
    await chat.say("/start")
    with chat.sessions() as session:
        claim = claims.begin_update(session, chat.ref.platform, "501", NOW, LEASE)
        session.commit()
    replies = await chat.send(Incoming(chat.ref, text="alcohol in Leeds", update_id="501"))
    chat.expect("Leeds")
    step_after = chat.stored_json()

    with chat.sessions() as session:  # the process dies; the retry takes over
        taken = claims.begin_update(session, chat.ref.platform, "501", LATER, LEASE)
        session.commit()
    assert taken.status == "first" and taken.sent == 0
    assert taken.replies is not None
    assert [Reply.from_json(r) for r in taken.replies] == replies
    assert chat.stored_json() == step_after  # nothing ran again

    with chat.sessions() as session:
        assert not claims.progress_update(session, chat.ref.platform, "501", claim.owner,
                                          1, LATER)
        assert claims.progress_update(session, chat.ref.platform, "501", taken.owner,
                                      len(replies), LATER, done=True)
        session.commit()
        # What the bot said is kept only while it is being sent.
        row = _row(session, "501")
        assert row.done and row.replies is None


async def test_no_journal_without_a_claim(chat: Chat) -> None:
    """Terminal and Discord messages carry no update id: nothing is journaled."""
    await chat.say("alcohol in Leeds")
    with chat.sessions() as session:
        assert session.scalars(select(claims.ProcessedUpdate)).all() == []


async def test_a_crisis_reply_is_journaled_like_any_other(chat: Chat) -> None:
    """A danger message's turn (the contacts, then any search it asked for) is journaled
    with its state, so a retry of the update repeats the crisis contacts first rather
    than lose them or run the search again."""
    with chat.sessions() as session:
        claims.begin_update(session, chat.ref.platform, "502", NOW, LEASE)
        session.commit()
    await chat.send(Incoming(chat.ref, text="I want to end my life, any meetings in Leeds?",
                             update_id="502"))
    assert chat.replies[0].crisis and "near Leeds" in chat.replies[1].text
    with chat.sessions() as session:
        journal = _row(session, "502").replies
    assert [Reply.from_json(r) for r in journal] == chat.replies


def test_replies_survive_the_journal_unchanged() -> None:
    reply = Reply("Leeds Recovery Café\nMondays 7pm", ((Button("More", "more"),),
                                                       (Button("Back", "back"),)),
                  request_location=True, crisis=True,
                  card=PlaceCard("Café", "1 Road, Leeds LS1 1AA", 53.8, -1.55,
                                 "https://www.openstreetmap.org/?mlat=53.8&mlon=-1.55"))
    assert Reply.from_json(reply.to_json()) == reply
    assert Reply.from_json(Reply("plain").to_json()) == Reply("plain")
