"""send budget: one bot token's next free send slot, shared by every process that sends
with it (bot/broadcasts/budget.py; used on PostgreSQL)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_budget',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_send_budget'))
    )


def downgrade() -> None:
    op.drop_table('send_budget')
