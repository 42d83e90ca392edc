"""listing translations: a listing's name and description in other languages, keyed by
language code ({"cy": {"name": ..., "description": ...}}), shown in a conversation in that
language (issue 16, part 4). Existing listings have none. Also widens online_phone from
40 to 100 characters: a Zoom one-tap dial string with meeting id and passcode runs to
about 50.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
        batch_op.alter_column('online_phone', existing_type=sa.String(length=40),
                              type_=sa.String(length=100), existing_nullable=True)


def downgrade() -> None:
    # A dial string longer than 40 characters is cut short: the old column cannot hold it.
    op.execute(sa.text("UPDATE listing SET online_phone = substr(online_phone, 1, 40) "
                       "WHERE length(online_phone) > 40"))
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.alter_column('online_phone', existing_type=sa.String(length=100),
                              type_=sa.String(length=40), existing_nullable=True)
        batch_op.drop_column('translations')
