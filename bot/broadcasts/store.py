"""Subscriptions, broadcasts and the durable delivery queue (one row per recipient).

Nobody is in the `subscription` table unless they sent /subscribe; /unsubscribe and
/forget delete their row and every delivery still waiting for them. A broadcast's
`delivery` rows are written in the same transaction as its confirmation, so a crash after
"confirm" loses nothing. Workers (bot/broadcasts/worker.py) claim rows with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, mark them `sending` with their id and
the time (a lease), commit, send, then mark each row `sent` / `failed` / `unsubscribed`.

Discord servers choose an announcements channel (`/announcements` in adapters/
discord_adapter.py, for members with Manage Server): a broadcast to everyone, or to
Discord, also gets one row per chosen channel (`kind` "channel", the channel id in
`user_id`), delivered by the same worker. A channel that is gone or forbidden marks its
row failed and its setting is removed.

A row's life:  pending -> sending -> sent | failed | unsubscribed (the person blocked us)
                  |          |-> pending (429 or a network error: tried again later)
                  |          `-> pending again if its worker died (lease expired: reclaimed)
                  `-> cancelled (an admin cancelled the broadcast before it was claimed)

Reports are counted from the rows, never kept as counters, so they stay true whatever
process dies when.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base, UTCDateTime

# What people can ask to hear about. Buttons carry positions ("bt2"), never these codes.
TOPICS = ("events", "new_groups", "women", "men", "lgbtq", "family")
STATUSES = ("pending", "sending", "sent", "failed", "unsubscribed", "cancelled")
AUDIENCES = ("everyone", "area", "topic", "platform")
MAX_ATTEMPTS = 5  # transient failures (network, 5xx) before a row is marked failed


class Subscription(Base):
    """Someone who asked for broadcasts: where they are (about 1 km, rounded), how far
    they'd travel, and the topics they chose (none chosen: every topic)."""

    __tablename__ = "subscription"
    # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
    __table_args__ = (UniqueConstraint("platform", "user_id"), {"info": {"privacy": {
        "subjects": "people who sent /subscribe",
        "purpose": "send them the broadcasts they asked for: news near them, on their topics",
        "retention": "until /unsubscribe or /forget, or until a delivery finds they blocked "
                     "the bot",
        "erasure": "/unsubscribe and /forget delete the row; so does a delivery the platform "
                   "refuses because they blocked the bot",
        "columns": {
            "user_id": "identifier: the platform's user id, for direct messages; being on "
                       "this list at all links the account to recovery support",
            "area_label": "personal: the name of the area they gave",
            "latitude": "personal: their area, rounded to 0.01 degree (about 1 km)",
            "longitude": "personal: their area, rounded to 0.01 degree (about 1 km)",
            "radius_km": "personal: how far they would travel",
            "topics": "special: the topics they chose ('lgbtq' reveals sexual orientation)",
            "language": "personal: the language they chose for the bot (en, cy): which "
                        "version of a broadcast they get",
            "created_at": "personal: when they subscribed",
        },
        "not_personal": "id platform",
    }}})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[str] = mapped_column(String(64))  # delivered as a direct message
    area_label: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float | None] = mapped_column(Float)  # rounded to 0.01 degree
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_km: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The language they subscribed in, or last switched to (/language): a broadcast's
    # version in it, if it has one, is what they get (see `claim`).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Broadcast(Base):
    """An admin's message. status: draft (being written), queued (rows written; each row
    knows when it may go), cancelled. Progress and the report come from the rows.

    `text` is the main version, in `language` (the admin's when they wrote it);
    `translations` holds other versions, {language code: text}, each exactly what a
    subscriber who chose that language gets. Anyone else gets `text`."""

    __tablename__ = "broadcast"
    __table_args__ = ({"info": {"privacy": {
        "subjects": "admins who write broadcasts",
        "purpose": "an admin's message to subscribers, its audience and its schedule",
        "retention": "drafts: CONVERSATION_TTL_HOURS after they were started; the rest with "
                     "no time limit (the report is counted from its delivery rows)",
        "erasure": "/forget deletes the admin's drafts and credits the rest to a former "
                   "volunteer (person id 0); `recovery-bot jobs retention` deletes old drafts",
        "columns": {
            "created_by": "pseudonym: the admin who wrote it (a person id)",
            "created_at": "personal: when the admin wrote it",
        },
        "not_personal": "id text language translations status audience send_at queued_at "
                        "cancelled_at recipients",
    }}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)  # exactly what recipients get
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict,
                                                         server_default="{}")
    created_by: Mapped[int | None] = mapped_column(Integer)  # person id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="draft")
    audience: Mapped[dict] = mapped_column(JSON, default=dict)  # {"kind": ..., ...}
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class AnnouncementChannel(Base):
    """A Discord server's chosen channel for broadcasts, set by its own admins."""

    __tablename__ = "announcement_channel"
    __table_args__ = ({"info": {"privacy": "none: a Discord server's chosen channel, set by "
                                           "its admins: about the server, not a person"}},)

    guild_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QueuedSend:
    """Where one message waiting for the delivery worker is (bot/broadcasts/worker.py):
    due from `not_before`, claimed by a worker (SKIP LOCKED, a lease from `claimed_at`),
    then sent, failed or blocked. Broadcasts' deliveries and meeting reminders' sends
    share it."""

    status: Mapped[str] = mapped_column(String(16), default="pending")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[str | None] = mapped_column(String(64))  # the platform's, if known
    error: Mapped[str | None] = mapped_column(String(64))  # a short reason, never text


class Delivery(QueuedSend, Base):
    """One recipient of one broadcast: a person (kind "user", a direct message) or a
    Discord announcement channel (kind "channel"; user_id holds the channel id)."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "platform", "user_id"),
        # The claim query: waiting rows of one platform, oldest first.
        Index("ix_delivery_claim", "platform", "status", "not_before"),
        # What it holds about people: adapters/privacy_report.py (docs/privacy.md).
        {"info": {"privacy": {
            "subjects": "subscribers a broadcast went to",
            "purpose": "the send queue: one row per recipient of a broadcast, and its report",
            "retention": "while waiting or being sent; RETENTION_DELIVERY_DAYS after it "
                         "finished (sent, failed, unsubscribed or cancelled)",
            "erasure": "/forget deletes every row naming the person; `recovery-bot jobs "
                       "retention` deletes finished rows after the period",
            "columns": {
                "user_id": "identifier: the recipient's platform user id (for kind "
                           "'channel', a Discord channel id)",
                "status": "personal: whether it reached them ('unsubscribed': they blocked "
                          "the bot)",
                "sent_at": "personal: when it reached them",
                "message_id": "pseudonym: the platform's id of the message in their chat",
            },
            "not_personal": "id broadcast_id platform kind not_before attempts claimed_by "
                            "claimed_at error",
        }}},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"),
                                              index=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="user", server_default="user")


# -- subscriptions -----------------------------------------------------------------------


def subscription(session: Session, platform: str, user_id: str) -> Subscription | None:
    return session.scalar(select(Subscription).where(Subscription.platform == platform,
                                                     Subscription.user_id == user_id))


def subscribe(session: Session, platform: str, user_id: str, now: datetime, *,
              topics: list[str] | None = None, area: tuple[str, float, float] | None = None,
              radius_km: float | None = None, language: str = "en"
              ) -> tuple[Subscription, bool]:
    """Create or replace someone's subscription; True if it is new."""
    row = subscription(session, platform, user_id)
    new = row is None
    if row is None:
        row = Subscription(platform=platform, user_id=user_id, created_at=now)
        session.add(row)
    row.language = language
    row.topics = sorted(set(topics or []) & set(TOPICS))
    if area is not None:
        label, lat, lon = area
        row.area_label, row.latitude, row.longitude = label[:80], round(lat, 2), round(lon, 2)
        row.radius_km = radius_km
    else:
        row.area_label = row.latitude = row.longitude = row.radius_km = None
    session.flush()
    return row, new


def set_language(session: Session, platform: str, user_id: str, language: str) -> bool:
    """The subscriber switched language (/language): later broadcasts, and ones already
    queued but not yet sent, come in it. False if they have no subscription."""
    result = session.execute(update(Subscription).where(
        Subscription.platform == platform, Subscription.user_id == user_id)
        .values(language=language))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def unsubscribe(session: Session, platform: str, user_id: str,
                status: str = "cancelled") -> bool:
    """Delete the subscription; deliveries still waiting for the person are marked
    `status` (cancelled when they asked, unsubscribed when they blocked us)."""
    session.execute(update(Delivery).where(
        Delivery.platform == platform, Delivery.user_id == user_id,
        Delivery.status == "pending").values(status=status))
    result = session.execute(delete(Subscription).where(Subscription.platform == platform,
                                                        Subscription.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def forget(session: Session, platform: str, user_id: str) -> None:
    """/forget: the subscription and every delivery row naming the person go (reports
    then count them no more; nothing left names them)."""
    session.execute(delete(Delivery).where(Delivery.platform == platform,
                                           Delivery.user_id == user_id))
    session.execute(delete(Subscription).where(Subscription.platform == platform,
                                               Subscription.user_id == user_id))


# -- audiences ---------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); within 0.5% of geodesic, plenty at 1 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def audience(session: Session, spec: dict) -> list[tuple[str, str]]:
    """(platform, user id) of everyone a broadcast with this audience reaches:
    - everyone: every subscriber;
    - area {lat, lon, radius_km}: subscribers who gave an area whose circle (their
      radius) meets the broadcast's circle; subscribers without an area are not included;
    - topic {topic}: subscribers who chose that topic, or chose no topic (= all);
    - platform {platform}: every subscriber on that platform.
    `platforms`, if given, limits any audience to the platforms being served."""
    q = select(Subscription).order_by(Subscription.id)
    kind = spec.get("kind")
    if kind == "platform":
        q = q.where(Subscription.platform == spec["platform"])
    elif kind == "area":
        # A bounding box in SQL first, then the exact distance on the few left.
        reach = float(spec["radius_km"]) + 200.0
        dlat = reach / 111.0
        dlon = reach / (111.0 * max(0.1, math.cos(math.radians(float(spec["lat"])))))
        q = q.where(Subscription.latitude.is_not(None),
                    Subscription.latitude.between(spec["lat"] - dlat, spec["lat"] + dlat),
                    Subscription.longitude.between(spec["lon"] - dlon, spec["lon"] + dlon))
    if spec.get("platforms"):
        q = q.where(Subscription.platform.in_(spec["platforms"]))
    out = []
    for s in session.scalars(q):
        if kind == "topic" and s.topics and spec["topic"] not in s.topics:
            continue
        if kind == "area":
            assert s.latitude is not None and s.longitude is not None
            d = distance_km(s.latitude, s.longitude, spec["lat"], spec["lon"])
            if d > float(spec["radius_km"]) + (s.radius_km or 0.0):
                continue
        out.append((s.platform, s.user_id))
    return out


# -- Discord announcement channels -------------------------------------------------------


def set_announcement_channel(session: Session, guild_id: str, channel_id: str,
                             now: datetime) -> None:
    row = session.get(AnnouncementChannel, guild_id)
    if row is None:
        session.add(AnnouncementChannel(guild_id=guild_id, channel_id=channel_id, set_at=now))
    else:
        row.channel_id, row.set_at = channel_id, now
    session.flush()


def clear_announcement_channel(session: Session, guild_id: str) -> bool:
    """False if the server had none."""
    result = session.execute(delete(AnnouncementChannel)
                             .where(AnnouncementChannel.guild_id == guild_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def announcement_channels(session: Session, spec: dict) -> list[str]:
    """The channel ids a broadcast with this audience reaches: every chosen channel when
    it goes to everyone or to Discord (and Discord is served); none for an area or a
    topic, which only people who chose them can match."""
    kind, platforms = spec.get("kind"), spec.get("platforms")
    if kind not in ("everyone", "platform") or (platforms and "discord" not in platforms) \
            or (kind == "platform" and spec.get("platform") != "discord"):
        return []
    return list(session.scalars(select(AnnouncementChannel.channel_id)
                                .order_by(AnnouncementChannel.channel_id)))


def queue(session: Session, broadcast: Broadcast, now: datetime,
          send_at: datetime | None = None) -> int:
    """Write one pending row per recipient, due at `send_at` (now if None), and one per
    Discord announcement channel it reaches. Returns the number of people; `recipients`
    counts the channels too (every row)."""
    when = send_at or now
    targets = [(p, u, "user") for p, u in audience(session, broadcast.audience)]
    channels = [("discord", c, "channel")
                for c in announcement_channels(session, broadcast.audience)]
    if targets or channels:
        session.execute(Delivery.__table__.insert(), [
            {"broadcast_id": broadcast.id, "platform": p, "user_id": u, "kind": k,
             "status": "pending", "not_before": when, "attempts": 0}
            for p, u, k in targets + channels])
    broadcast.status = "queued"
    broadcast.send_at = when
    broadcast.queued_at = now
    broadcast.recipients = len(targets) + len(channels)
    return len(targets)


def cancel(session: Session, broadcast_id: int, now: datetime) -> int:
    """Stop a broadcast: rows not yet claimed are cancelled (a row a worker already holds
    is finished by it, so the report stays true). Returns rows cancelled."""
    row = session.get(Broadcast, broadcast_id)
    if row is None:
        return 0
    result = session.execute(update(Delivery).where(
        Delivery.broadcast_id == broadcast_id, Delivery.status == "pending")
        .values(status="cancelled"))
    row.status, row.cancelled_at = "cancelled", now
    return result.rowcount or 0  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Report:
    broadcast_id: int
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)

    @property
    def finished(self) -> bool:
        return self.waiting == 0


def report(session: Session, broadcast_id: int) -> Report:
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in session.execute(
            select(Delivery.status, func.count()).where(Delivery.broadcast_id == broadcast_id)
            .group_by(Delivery.status)):
        counts[status] = n
    return Report(broadcast_id, counts)


# -- the queue, for workers ----------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    platform: str
    user_id: str
    text: str  # for a person, the version in their language (else the main text)
    attempts: int
    kind: str = "user"  # or "channel": user_id is a Discord channel id
    # Every version as (language, text), the main one first: a channel shared by
    # everyone gets them all (bot/broadcasts/dialogue.py `channel_post`).
    versions: tuple[tuple[str, str], ...] = ()

    @property
    def nonce(self) -> str:
        """The same for every attempt at this row: Discord drops a second message with
        the nonce of one it already has (enforce_nonce), so a resend after a crash is not
        shown twice there. At most 25 characters."""
        return f"rcb{self.id}"


def versions(broadcast_text: str, language: str, translations: dict[str, str] | None
             ) -> tuple[tuple[str, str], ...]:
    """A broadcast's versions as (language, text), the main one first."""
    extra = tuple((lang, text) for lang, text in sorted((translations or {}).items())
                  if lang != language and text)
    return ((language, broadcast_text), *extra)


def version_for(all_versions: tuple[tuple[str, str], ...], language: str | None) -> str:
    """The version in `language`, else the main one."""
    return dict(all_versions).get(language or "", all_versions[0][1])


def claim(session: Session, platform: str, worker: str, now: datetime, lease: timedelta,
          limit: int = 25) -> list[Claimed]:
    """Take up to `limit` due rows of a platform: pending ones, and `sending` ones whose
    worker has not finished them within `lease` (it died). Locked with SKIP LOCKED on
    PostgreSQL, so workers never take the same row; marked `sending` with this worker's
    id and committed by the caller before anything is sent.

    Each person's version is chosen here, from their subscription's language as it is
    at sending time (a /language switch after a broadcast was scheduled is honoured); a
    row whose subscription is gone gets the main text."""
    stale = now - lease
    q = (select(Delivery.id, Delivery.user_id, Delivery.attempts, Delivery.kind,
                Broadcast.text, Broadcast.language, Broadcast.translations,
                Subscription.language.label("wants"))
         .join(Broadcast, Broadcast.id == Delivery.broadcast_id)
         .outerjoin(Subscription, and_(Delivery.kind == "user",
                                       Subscription.platform == Delivery.platform,
                                       Subscription.user_id == Delivery.user_id))
         .where(Delivery.platform == platform, Delivery.not_before <= now,
                or_(Delivery.status == "pending",
                    and_(Delivery.status == "sending", Delivery.claimed_at < stale)))
         .order_by(Delivery.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=Delivery, skip_locked=True)
    rows = session.execute(q).all()
    if not rows:
        return []
    session.execute(update(Delivery).where(Delivery.id.in_([r.id for r in rows]))
                    .values(status="sending", claimed_by=worker, claimed_at=now,
                            attempts=Delivery.attempts + 1))
    out = []
    for r in rows:
        every = versions(r.text, r.language, r.translations)
        out.append(Claimed(r.id, platform, r.user_id, version_for(every, r.wants),
                           r.attempts + 1, r.kind, every))
    return out


def _mine(row_id: int, worker: str) -> object:
    return and_(Delivery.id == row_id, Delivery.claimed_by == worker,
                Delivery.status == "sending")


def mark_sent(session: Session, row_id: int, worker: str, now: datetime,
              message_id: str | None) -> bool:
    """False if the row is no longer this worker's (it stalled past its lease)."""
    result = session.execute(update(Delivery).where(_mine(row_id, worker)).values(
        status="sent", sent_at=now, message_id=message_id, error=None))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_failed(session: Session, row_id: int, worker: str, error: str) -> None:
    session.execute(update(Delivery).where(_mine(row_id, worker)).values(
        status="failed", error=error[:64]))


def mark_blocked(session: Session, row: Claimed, worker: str, error: str = "") -> None:
    """The person blocked the bot (or closed their DMs): unsubscribed, and their other
    waiting rows with them. An announcement channel that is gone or forbidden: failed,
    its other waiting rows too, and the server's setting removed."""
    if row.kind == "channel":
        reason = (error or "channel gone")[:64]
        session.execute(update(Delivery).where(_mine(row.id, worker)).values(
            status="failed", error=reason))
        session.execute(update(Delivery).where(
            Delivery.platform == row.platform, Delivery.user_id == row.user_id,
            Delivery.kind == "channel", Delivery.status == "pending")
            .values(status="failed", error=reason))
        session.execute(delete(AnnouncementChannel)
                        .where(AnnouncementChannel.channel_id == row.user_id))
        return
    session.execute(update(Delivery).where(_mine(row.id, worker)).values(
        status="unsubscribed", error="blocked"))
    unsubscribe(session, row.platform, row.user_id, status="unsubscribed")


def release(session: Session, row_id: int, worker: str, not_before: datetime,
            error: str) -> None:
    """Back to pending, to be tried again from `not_before` (429, network trouble)."""
    session.execute(update(Delivery).where(_mine(row_id, worker)).values(
        status="pending", not_before=not_before, claimed_by=None, claimed_at=None,
        error=error[:64]))


def due(session: Session, platform: str, now: datetime, lease: timedelta) -> bool:
    """Is anything waiting for this platform now (or held by a dead worker)?"""
    return session.scalar(select(Delivery.id).where(
        Delivery.platform == platform, Delivery.not_before <= now,
        or_(Delivery.status == "pending",
            and_(Delivery.status == "sending", Delivery.claimed_at < now - lease))
    ).limit(1)) is not None
