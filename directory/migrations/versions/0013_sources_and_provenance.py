"""sources and provenance: the feeds the directory is synced from (`recovery-bot directory
sources`, `directory sync`), the source each listing came from, and the fields volunteers
curated, which no import or sync overwrites (issue 14, part 5). Existing listings belong
to no source and have no curated fields.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('format', sa.String(length=24), nullable=False),
    sa.Column('fellowship', sa.String(length=120), nullable=True),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=16), nullable=True),
    sa.Column('last_summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('name', name=op.f('uq_source_name'))
    )
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('curated_fields', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_index(batch_op.f('ix_listing_source_id'), ['source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_listing_source_id_source'), 'source', ['source_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_listing_source_id_source'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_listing_source_id'))
        batch_op.drop_column('curated_fields')
        batch_op.drop_column('source_id')
    op.drop_table('source')
