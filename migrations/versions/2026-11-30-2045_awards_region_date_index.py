"""Awards: (region, award_date, id) replaces the index on region alone.

A region filter with the default sort (newest first), alone or with a full-text query, walked
the date index and threw away the other regions' awards (nine in ten); this index walks just
the region's, already in page order. It serves a region filter alone, so ix_awards_region goes.

Revision ID: 0007_awards_region_date_index
Revises: 0006_award_rollup
Create Date: 2026-11-30 20:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_awards_region_date_index"
down_revision: str | None = "0006_award_rollup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_awards_region_award_date_id", ["region", "award_date", "id"], unique=False
        )
        batch_op.drop_index("ix_awards_region")


def downgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index("ix_awards_region", ["region"], unique=False)
        batch_op.drop_index("ix_awards_region_award_date_id")
