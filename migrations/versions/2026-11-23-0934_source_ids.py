"""Source ids: a funder's own id for an award or competition, unique per funder (imports).

Revision ID: 0005_source_ids
Revises: 0004_search
Create Date: 2026-11-23 09:34:15.373496
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_source_ids"
down_revision: str | None = "0004_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("awards_funder_id_source_id_key"), ["funder_id", "source_id"]
        )

    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("competitions_funder_id_source_id_key"), ["funder_id", "source_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("competitions_funder_id_source_id_key"), type_="unique")
        batch_op.drop_column("source_id")

    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("awards_funder_id_source_id_key"), type_="unique")
        batch_op.drop_column("source_id")
