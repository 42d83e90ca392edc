"""reminders: meeting reminders and their send queue (issue 19): one `reminder` row per
person and meeting, one `reminder_send` row per occurrence or change notice, unique so a
reminder is never written twice for the same occurrence.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('occurrence', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('checked_in', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_reminder_listing_id_listing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('owner', 'listing_id', name=op.f('uq_reminder_owner'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_next_at'), ['next_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_owner'), ['owner'], unique=False)

    op.create_table('reminder_send',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], name=op.f('fk_reminder_send_reminder_id_reminder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_send')),
    sa.UniqueConstraint('reminder_id', 'kind', 'key', name=op.f('uq_reminder_send_reminder_id'))
    )
    with op.batch_alter_table('reminder_send', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_send_reminder_id'), ['reminder_id'], unique=False)
        batch_op.create_index('ix_reminder_send_claim', ['platform', 'status', 'not_before'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder_send', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_send_claim')
        batch_op.drop_index(batch_op.f('ix_reminder_send_reminder_id'))

    op.drop_table('reminder_send')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_owner'))
        batch_op.drop_index(batch_op.f('ix_reminder_next_at'))
        batch_op.drop_index(batch_op.f('ix_reminder_listing_id'))

    op.drop_table('reminder')
