"""keyed pseudonyms: conversation keys and audit accounts were unsalted SHA-256 of the
platform's ids, which can be reversed by hashing candidate ids; they are now HMACs under
a secret key (bot/pseudonyms.py) that migrations do not see. So the old values are
dropped, not re-keyed: saved conversations are deleted (people start again, as they do
after CONVERSATION_TTL_HOURS anyway), and audit rows keep who (their person id), what and
when, with the account pseudonym emptied.

Revision ID: 0010
Revises: 0009
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM conversation")
    op.execute("UPDATE audit_event SET account_hash = ''")


def downgrade() -> None:
    # Nothing to restore: the unkeyed pseudonyms are gone for good, as intended.
    pass
