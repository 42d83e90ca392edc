"""keyboard in state: which keyboard a Telegram chat shows is now the conversation's state
(Reply.dismiss_location), the same in every process, so the update journal no longer
records it

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.drop_column('keyboard')


def downgrade() -> None:
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyboard', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
