"""Idempotency records are found by their fingerprint too: the desk asks, before it writes,
whether the organization recorded exactly this recently under another key (a form served
again after Back, with a new nonce, and resent), which without an index would read every
record of the registry.

Revision ID: 0022_idempotency_fingerprint
Revises: 0021_search_latin_lookalikes
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_idempotency_fingerprint"
down_revision: str | None = "0021_search_latin_lookalikes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_records_fingerprint", ["fingerprint"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_records_fingerprint")
