"""Who may do what: people, their platform accounts, roles, invites, and the audit log.

An account is a platform plus that platform's user id; a person may link several (a
Telegram and a Discord account). Roles: admin; volunteer of one or more organisations
(trusted or not); everyone else. Every privileged command asks `can()` on every call:
a platform's own permission hints are never trusted (REFERENCE.md, Discord section).

Only people who take a role are stored here, by their own choice (redeeming an invite,
or an admin grant on the command line); people seeking help never are.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.catalogue import current_language
from bot.pseudonyms import pseudonym
from directory.models import Base, Organisation, UTCDateTime

INVITE_TTL = timedelta(days=7)
LINK_TTL = timedelta(minutes=15)  # typed straight away on the other platform
# Unambiguous characters only: no 0/O or 1/I/L for someone reading a code aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Person(Base):
    __tablename__ = "person"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "volunteers and admins (people who took a role, by their own choice)",
        "purpose": "who may do what: roles are checked on every privileged command",
        "retention": "while they hold a role: until /forget (`admin revoke` takes a role "
                     "away, not the row)",
        "erasure": "/forget from their last account deletes it; what they published stays, "
                   "credited to a former volunteer",
        "columns": {
            "id": "pseudonym: the person id other tables refer to them by",
            "is_admin": "personal: an admin or not",
            "trusted": "personal: a trusted volunteer (changes apply without review) or not",
            "language": "personal: the language their notifications are written in (en, "
                        "cy): the one they spoke when they took a role, or chose since",
            "created_at": "personal: when they first took a role",
        },
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Trusted volunteers' changes apply at once; others wait for an admin's review.
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Notifications to them (bot/outbox.py) are written in it: the turn's language when
    # the row was made, then whatever they choose with /language (Volunteering hook).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("platform", "user_id"), {"info": {"privacy": {
        "subjects": "volunteers and admins",
        "purpose": "recognise them when they write, and send them notifications",
        "retention": "until /forget from that account",
        "erasure": "/forget deletes it (and the person, when it was their last account)",
        "columns": {
            "user_id": "identifier: the platform's user id, for direct messages",
            "person_id": "pseudonym: the person the account belongs to",
        },
        "not_personal": "id platform",
    }}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)


class Membership(Base):
    """A person volunteers for an organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "organisation_id"), {"info": {"privacy": {
        "subjects": "volunteers",
        "purpose": "which organisations' listings a volunteer may change",
        "retention": "while they volunteer: until `admin revoke` or /forget",
        "erasure": "/forget (with the person) or `admin revoke ... volunteer` deletes it; a "
                   "forgotten person's grants name a former volunteer (person id 0)",
        "columns": {
            "person_id": "pseudonym: the volunteer",
            "organisation_id": "special: who they volunteer for; for a lived experience "
                               "recovery organisation that can reveal their own recovery",
            "granted_by": "pseudonym: who invited or granted them (a person id)",
            "granted_at": "personal: when they joined",
        },
        "not_personal": "id",
    }}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    granted_by: Mapped[int | None] = mapped_column(Integer)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invite(Base):
    """A one-time, expiring invitation to volunteer for an organisation. Only a hash of
    the code is stored, like a password: a leaked table grants nothing."""

    __tablename__ = "invite"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "volunteers and admins who make or redeem invites and link codes",
        "purpose": "one-time codes to join an organisation or to link a second account",
        "retention": "with no time limit (used and expired invites are kept)",
        "erasure": "/forget deletes unused invites the person made, and credits the rest to "
                   "a former volunteer (person id 0)",
        "columns": {
            "organisation_id": "special: with used_by, who joined which organisation",
            "created_by": "pseudonym: who made the code (a person id)",
            "created_at": "personal: when they made it",
            "used_at": "personal: when it was redeemed",
            "used_by": "pseudonym: who redeemed it (a person id)",
        },
        "not_personal": "id code_hash kind expires_at",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "volunteer": join organisation_id; "link": attach another platform's account to
    # the person created_by (one person, a Telegram and a Discord account).
    kind: Mapped[str] = mapped_column(String(12), default="volunteer",
                                      server_default="volunteer")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(Integer)


class AuditEvent(Base):
    """Privileged commands, allowed or refused: who (a person id, or a hashed account
    for strangers), what, when. Never the values typed. Deleted RETENTION_AUDIT_DAYS
    after the command (bot/retention.py), or with the account or person (`forget`)."""

    __tablename__ = "audit_event"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = ({"info": {"privacy": {
        "subjects": "anyone who sent a privileged command, with or without a role",
        "purpose": "a record of privileged commands, allowed or refused, to look into misuse",
        "retention": "RETENTION_AUDIT_DAYS after the command",
        "erasure": "/forget deletes the rows made from that account and, with their last "
                   "account, the person's; `recovery-bot jobs retention` after the period",
        "columns": {
            "at": "personal: when they sent it",
            "person_id": "pseudonym: who, if they hold a role (a person id)",
            "account_hash": "pseudonym: HMAC-SHA256 of the platform and user id under "
                            "PSEUDONYM_KEY",
            "command": "personal: which command (never the values typed)",
            "allowed": "personal: whether they were allowed to",
            "organisation_id": "personal: the organisation the command concerned",
        },
        "not_personal": "id",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    person_id: Mapped[int | None] = mapped_column(Integer)
    account_hash: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(32))
    allowed: Mapped[bool] = mapped_column(Boolean)
    organisation_id: Mapped[int | None] = mapped_column(Integer)


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind a message, as far as roles go."""

    account_hash: str
    person_id: int | None = None
    is_admin: bool = False
    trusted: bool = False
    organisations: frozenset[int] = frozenset()

    @property
    def name(self) -> str:
        """How revisions name this actor: never a platform id."""
        return f"person:{self.person_id}" if self.person_id else "someone"

    def volunteers_for(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.organisations


def account_hash(platform: str, user_id: str) -> str:
    """An account in the audit trail: a keyed pseudonym (bot/pseudonyms.py)."""
    return pseudonym("account", platform, user_id)


def actor_for(session: Session, platform: str, user_id: str) -> Actor:
    h = account_hash(platform, user_id)
    row = session.execute(
        select(Person).join(Account, Account.person_id == Person.id)
        .where(Account.platform == platform, Account.user_id == user_id)
    ).scalar_one_or_none()
    if row is None:
        return Actor(h)
    orgs = frozenset(session.scalars(
        select(Membership.organisation_id).where(Membership.person_id == row.id)))
    return Actor(h, row.id, row.is_admin, row.trusted, orgs)


def person_for(session: Session, platform: str, user_id: str, now: datetime) -> Person:
    """The person behind an account, created on first need."""
    account = session.scalar(select(Account).where(Account.platform == platform,
                                                   Account.user_id == user_id))
    if account is not None:
        person = session.get(Person, account.person_id)
        assert person is not None
        return person
    person = Person(created_at=now, language=current_language())
    session.add(person)
    session.flush()
    session.add(Account(platform=platform, user_id=user_id, person_id=person.id))
    session.flush()
    return person


def audit(session: Session, actor: Actor, command: str, allowed: bool, now: datetime,
          organisation_id: int | None = None) -> None:
    session.add(AuditEvent(at=now, person_id=actor.person_id, account_hash=actor.account_hash,
                           command=command, allowed=allowed, organisation_id=organisation_id))


def grant(session: Session, platform: str, user_id: str, role: str, now: datetime,
          organisation_slug: str | None = None) -> Person:
    """Command-line bootstrap: make an account an admin, trusted, or an org's volunteer."""
    person = person_for(session, platform, user_id, now)
    if role == "admin":
        person.is_admin = True
    elif role == "trusted":
        person.trusted = True
    elif role == "volunteer":
        org = _organisation(session, organisation_slug)
        _join(session, person.id, org.id, None, now)
    else:
        raise ValueError(f"unknown role {role!r}: choose admin, trusted or volunteer")
    return person


def revoke(session: Session, platform: str, user_id: str, role: str,
           organisation_slug: str | None = None) -> bool:
    account = session.scalar(select(Account).where(Account.platform == platform,
                                                   Account.user_id == user_id))
    if account is None:
        return False
    person = session.get(Person, account.person_id)
    assert person is not None
    if role == "admin":
        changed, person.is_admin = person.is_admin, False
        return changed
    if role == "trusted":
        changed, person.trusted = person.trusted, False
        return changed
    if role == "volunteer":
        org = _organisation(session, organisation_slug)
        return remove_volunteer(session, person.id, org.id)
    raise ValueError(f"unknown role {role!r}: choose admin, trusted or volunteer")


def _organisation(session: Session, slug: str | None) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == (slug or "")))
    if org is None:
        raise LookupError(f"no organisation with the id {slug!r}")
    return org


def _join(session: Session, person_id: int, organisation_id: int, granted_by: int | None,
          now: datetime) -> None:
    exists = session.scalar(select(Membership.id).where(
        Membership.person_id == person_id, Membership.organisation_id == organisation_id))
    if exists is None:
        session.add(Membership(person_id=person_id, organisation_id=organisation_id,
                               granted_by=granted_by, granted_at=now))


def remove_volunteer(session: Session, person_id: int, organisation_id: int) -> bool:
    result = session.execute(delete(Membership).where(
        Membership.person_id == person_id, Membership.organisation_id == organisation_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def create_invite(session: Session, organisation_id: int, created_by: int,
                  now: datetime) -> str:
    """A new one-time code such as "K7QM-3XPA" (40 bits of randomness, 7 days)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    session.add(Invite(code_hash=_hash_code(raw), organisation_id=organisation_id,
                       created_by=created_by, created_at=now, expires_at=now + INVITE_TTL))
    return f"{raw[:4]}-{raw[4:]}"


def redeem_invite(session: Session, code: str, platform: str, user_id: str,
                  now: datetime) -> Organisation | None:
    """Join the invite's organisation; None when the code is unknown, used or expired
    (one answer for all three, so a guesser learns nothing)."""
    invite = session.scalar(
        select(Invite).where(Invite.code_hash == _hash_code(code),
                             Invite.kind == "volunteer").with_for_update())
    if invite is None or invite.used_at is not None or invite.organisation_id is None:
        return None
    if invite.expires_at <= now:
        return None
    person = person_for(session, platform, user_id, now)
    invite.used_at, invite.used_by = now, person.id
    _join(session, person.id, invite.organisation_id, invite.created_by, now)
    return session.get(Organisation, invite.organisation_id)


def volunteers_of(session: Session, organisation_id: int) -> list[tuple[int, bool]]:
    """(person id, trusted) of an organisation's volunteers."""
    return [(p, t) for p, t in session.execute(
        select(Person.id, Person.trusted).join(Membership, Membership.person_id == Person.id)
        .where(Membership.organisation_id == organisation_id).order_by(Person.id))]


def contacts(session: Session, person_ids: list[int]) -> list[tuple[str, str]]:
    """(platform, user id) of every account of these people, to notify them. Adapters
    deliver to a user id as a direct message, never into a group."""
    if not person_ids:
        return []
    return [(p, u) for p, u in session.execute(
        select(Account.platform, Account.user_id).where(Account.person_id.in_(person_ids)))]


def contacts_by_language(session: Session, person_ids: list[int]
                         ) -> dict[str, list[tuple[str, str]]]:
    """`contacts`, grouped by the language each person's notifications are written in."""
    out: dict[str, list[tuple[str, str]]] = {}
    if not person_ids:
        return out
    for platform, user_id, language in session.execute(
            select(Account.platform, Account.user_id, Person.language)
            .join(Person, Person.id == Account.person_id)
            .where(Account.person_id.in_(person_ids)).order_by(Account.id)):
        out.setdefault(language or "en", []).append((platform, user_id))
    return out


def set_language(session: Session, platform: str, user_id: str, language: str) -> bool:
    """The person behind this account chose a language: their notifications follow it.
    False for someone without a role (nothing is stored about them here)."""
    person_id = session.scalar(select(Account.person_id).where(
        Account.platform == platform, Account.user_id == user_id))
    if person_id is None:
        return False
    session.execute(update(Person).where(Person.id == person_id).values(language=language))
    return True


def admins(session: Session) -> list[int]:
    return list(session.scalars(select(Person.id).where(Person.is_admin.is_(True))))


def forget(session: Session, platform: str, user_id: str) -> None:
    """/forget, in the caller's transaction: everything that refers to this account, and
    to its person when it was their last account (bot/broadcasts/store.py `forget` takes
    the subscription and deliveries; bot/state.py the conversation).

    Always: the account, messages waiting for it (notifications) and every audit row made
    from it (its account pseudonym), a stranger's refusals included. With the person's
    last account: the person, their memberships, their audit rows, invites they made and
    nobody used, their draft broadcasts, and what directory/curation.py `forget_person`
    erases (their undecided changes). Kept, but no longer naming them (FORMER_PERSON,
    FORMER_ACTOR: "a former volunteer" in /history): what they published (revisions,
    "last checked by"), their decided changes and decisions, used invites, memberships
    they granted, broadcasts already sent or scheduled. A person id is never reused for
    that history either way: nothing is left that says "person:N"."""
    from bot.broadcasts.store import Broadcast
    from bot.outbox import Notification
    from directory import curation

    session.execute(delete(Notification).where(Notification.platform == platform,
                                               Notification.user_id == user_id))
    session.execute(delete(AuditEvent).where(
        AuditEvent.account_hash == account_hash(platform, user_id)))
    account = session.scalar(select(Account).where(Account.platform == platform,
                                                   Account.user_id == user_id))
    if account is None:
        return
    person_id = account.person_id
    session.delete(account)
    session.flush()
    if session.scalar(select(Account.id).where(Account.person_id == person_id)) is not None:
        return  # another of their accounts still holds the person and their roles
    former = curation.FORMER_PERSON
    curation.forget_person(session, person_id, Actor("", person_id).name)
    session.execute(delete(AuditEvent).where(AuditEvent.person_id == person_id))
    session.execute(delete(Membership).where(Membership.person_id == person_id))
    session.execute(update(Membership).where(Membership.granted_by == person_id)
                    .values(granted_by=former))
    session.execute(delete(Invite).where(Invite.created_by == person_id,
                                         Invite.used_at.is_(None)))
    session.execute(update(Invite).where(Invite.created_by == person_id)
                    .values(created_by=former))
    session.execute(update(Invite).where(Invite.used_by == person_id).values(used_by=former))
    session.execute(delete(Broadcast).where(Broadcast.created_by == person_id,
                                            Broadcast.status == "draft"))
    session.execute(update(Broadcast).where(Broadcast.created_by == person_id)
                    .values(created_by=former))
    session.execute(delete(Person).where(Person.id == person_id))


def create_link_code(session: Session, person_id: int, now: datetime) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    session.add(Invite(code_hash=_hash_code(raw), kind="link", organisation_id=None,
                       created_by=person_id, created_at=now, expires_at=now + LINK_TTL))
    return f"{raw[:4]}-{raw[4:]}"


def redeem_link_code(session: Session, code: str, platform: str, user_id: str,
                     now: datetime) -> bool:
    """Attach this account to the person who asked for the code. False when the code is
    unknown, used or expired, or this account already belongs to someone else."""
    invite = session.scalar(
        select(Invite).where(Invite.code_hash == _hash_code(code), Invite.kind == "link")
        .with_for_update())
    if invite is None or invite.used_at is not None:
        return False
    if invite.expires_at <= now:
        return False
    account = session.scalar(select(Account).where(Account.platform == platform,
                                                   Account.user_id == user_id))
    if account is not None and account.person_id != invite.created_by:
        return False
    if account is None:
        session.add(Account(platform=platform, user_id=user_id,
                            person_id=invite.created_by))
    invite.used_at, invite.used_by = now, invite.created_by
    return True


def role_of(session: Session, platform: str, user_id: str) -> str | None:
    """"admin", "volunteer" or None: which command menu this account should see."""
    actor = actor_for(session, platform, user_id)
    if actor.is_admin:
        return "admin"
    return "volunteer" if actor.organisations else None
