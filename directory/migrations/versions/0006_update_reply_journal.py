"""update reply journal: the replies of a claimed update and how many have gone out

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('replies', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('keyboard', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.drop_column('keyboard')
        batch_op.drop_column('sent')
        batch_op.drop_column('replies')
        batch_op.drop_column('owner')
