"""change stamps: the directory version that last changed each listing and organisation

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows keep 0: an index built before this migration is rebuilt in full anyway
    # (a process starts with an empty index).
    for table in ('organisation', 'listing'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('changed_in', sa.Integer(), server_default='0', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_changed_in'), ['changed_in'], unique=False)


def downgrade() -> None:
    for table in ('listing', 'organisation'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_changed_in'))
            batch_op.drop_column('changed_in')
