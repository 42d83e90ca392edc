"""revision.approved_by: a listing's history credits a volunteer's change to its author
(revision.actor) and, separately, to the admin who approved it; until now the approver
was recorded as the actor and the author nowhere (issue 17).

Revisions already written that way are put right where it is certain which change each
came from: an applied change request decided by someone other than its author, and
exactly one revision of that listing, by the approver, with that action and those new
values, written within WINDOW of the decision. Any other is left as it was.

Revision ID: 0011
Revises: 0010
"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

WINDOW = timedelta(minutes=10)
# How revisions name people (bot/access.py Actor.name; directory/curation.py FORMER_*),
# spelt out here so the migration does not change when the code does.
FORMER_PERSON, FORMER_ACTOR = 0, 'former-volunteer'

revisions = sa.table(
    'revision', sa.column('id', sa.Integer), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer), sa.column('action', sa.String),
    sa.column('actor', sa.String), sa.column('approved_by', sa.String),
    sa.column('at', sa.DateTime(timezone=True)), sa.column('after', sa.JSON))
changes = sa.table(
    'change_request', sa.column('id', sa.Integer), sa.column('listing_id', sa.Integer),
    sa.column('person_id', sa.Integer), sa.column('kind', sa.String),
    sa.column('after', sa.JSON), sa.column('status', sa.String),
    sa.column('decided_at', sa.DateTime(timezone=True)),
    sa.column('decided_by', sa.Integer))


def _name(person_id: int) -> str:
    return FORMER_ACTOR if person_id == FORMER_PERSON else f'person:{person_id}'


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade() -> None:
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.String(length=200), nullable=True))
    conn = op.get_bind()
    approved = conn.execute(sa.select(changes).where(
        changes.c.status == 'applied', changes.c.decided_by.is_not(None),
        changes.c.decided_at.is_not(None), changes.c.decided_by != changes.c.person_id)
        .order_by(changes.c.id)).all()
    done: set[int] = set()
    for change in approved:
        approver = _name(change.decided_by)
        action = change.kind if change.kind != 'edit' else 'update'
        found = [r for r in conn.execute(sa.select(revisions).where(
            revisions.c.entity == 'listing', revisions.c.entity_id == change.listing_id,
            revisions.c.actor == approver, revisions.c.action == action,
            revisions.c.approved_by.is_(None)))
            if r.id not in done and r.after and r.at is not None
            and all((change.after or {}).get(k) == v for k, v in r.after.items())
            and abs(_utc(r.at) - _utc(change.decided_at)) <= WINDOW]
        if len(found) != 1:
            continue
        done.add(found[0].id)
        conn.execute(revisions.update().where(revisions.c.id == found[0].id).values(
            actor=_name(change.person_id), approved_by=approver))


def downgrade() -> None:
    # Back to crediting the approver, as before.
    op.execute("UPDATE revision SET actor = approved_by WHERE approved_by IS NOT NULL")
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_column('approved_by')
