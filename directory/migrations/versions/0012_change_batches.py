"""change batches: revisions and change requests made together as one change (a
volunteer's /verify all, a venue's listings paused at once) share a batch id, so /undo
puts them all back as one (issue 17). Existing rows are each a change of their own.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('revision', 'change_request'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('batch', sa.String(length=32), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_batch'), ['batch'], unique=False)


def downgrade() -> None:
    for table in ('change_request', 'revision'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_batch'))
            batch_op.drop_column('batch')
