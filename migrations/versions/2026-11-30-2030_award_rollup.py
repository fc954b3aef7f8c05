"""Award rollup: counts and totals per funder, instrument, region, year, currency and status,
and the same summed per single dimension (award_facet_totals).

Facets and statistics read them instead of grouping every award. The award projector keeps
them from now on; this migration fills them from the awards already there, so an upgraded
database answers exactly as before.

Revision ID: 0006_award_rollup
Revises: 0005_source_ids
Create Date: 2026-11-30 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_award_rollup"
down_revision: str | None = "0005_source_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_YEAR = {
    "postgresql": "CAST(EXTRACT(YEAR FROM award_date) AS INTEGER)",
    "sqlite": "CAST(strftime('%Y', award_date) AS INTEGER)",
}
_DIMENSIONS = {
    "funder": "funder_id",
    "instrument": "instrument",
    "region": "region",
    "year": "year",
    "currency": "currency",
    "status": "status",
}


def upgrade() -> None:
    op.create_table(
        "award_rollup",
        sa.Column("funder_id", sa.String(length=100), nullable=False),
        sa.Column("instrument", sa.String(length=30), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("award_count", sa.BigInteger(), nullable=False),
        sa.Column("awarded_minor", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "funder_id",
            "instrument",
            "region",
            "year",
            "currency",
            "status",
            name=op.f("award_rollup_pkey"),
        ),
    )
    # The code of this revision may not be importable later: the backfill is plain SQL.
    year = _YEAR[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO award_rollup (funder_id, instrument, region, year, currency, status, "  # noqa: S608 - constants
        "award_count, awarded_minor, disbursed_minor) "
        f"SELECT funder_id, instrument, COALESCE(region, ''), {year}, currency, status, "
        "COUNT(*), SUM(amount_minor), SUM(disbursed_minor) FROM awards "
        f"GROUP BY funder_id, instrument, COALESCE(region, ''), {year}, currency, status"
    )
    op.create_table(
        "award_facet_totals",
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("award_count", sa.BigInteger(), nullable=False),
        sa.Column("awarded_minor", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "dimension", "value", "currency", name=op.f("award_facet_totals_pkey")
        ),
    )
    for dimension, column in _DIMENSIONS.items():
        op.execute(
            "INSERT INTO award_facet_totals (dimension, value, currency, award_count, "  # noqa: S608 - constants
            f"awarded_minor, disbursed_minor) SELECT '{dimension}', CAST({column} AS VARCHAR), "
            "currency, SUM(award_count), SUM(awarded_minor), SUM(disbursed_minor) "
            f"FROM award_rollup GROUP BY CAST({column} AS VARCHAR), currency"
        )


def downgrade() -> None:
    op.drop_table("award_facet_totals")
    op.drop_table("award_rollup")
