"""languages: broadcasts and notifications in the language each person chose (issue 16,
part 2). A subscription keeps the language its subscriber chose; a broadcast its main
text's language and versions in others ({language: text}); a volunteer's or admin's
person row the language their notifications are written in. Existing rows are English,
as everything was before.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('language')
