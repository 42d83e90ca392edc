"""announcement channels: Discord servers' chosen channel, and channel delivery rows

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('announcement_channel',
    sa.Column('guild_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('guild_id', name=op.f('pk_announcement_channel'))
    )
    with op.batch_alter_table('announcement_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_channel_channel_id'), ['channel_id'], unique=False)

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='user', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('announcement_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_channel_channel_id'))

    op.drop_table('announcement_channel')
