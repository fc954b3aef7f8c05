"""Organizations' legal registration date (optional), beside the time the registry recorded them.

Revision ID: 0012_registration_date
Revises: 0011_witness_cosignatures
Create Date: 2026-12-05 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_registration_date"
down_revision: str | None = "0011_witness_cosignatures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("registration_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("registration_date")
